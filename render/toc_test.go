package render

import "testing"

func TestShowTOC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		params        map[string]any
		headings, min int
		want          bool
	}{
		{nil, 3, 3, true},
		{nil, 2, 3, false},
		{nil, 5, 0, false},
		{map[string]any{"toc": true}, 1, 3, true},
		{map[string]any{"toc": true}, 0, 3, false},
		{map[string]any{"toc": false}, 9, 3, false},
		{map[string]any{"toc": "yes"}, 3, 3, true}, // not a bool: the count decides
	}
	for _, tt := range tests {
		if got := ShowTOC(tt.params, tt.headings, tt.min); got != tt.want {
			t.Errorf("ShowTOC(%v, %d, %d) = %v, want %v", tt.params, tt.headings, tt.min, got, tt.want)
		}
	}
}

func TestTOCNesting(t *testing.T) {
	t.Parallel()
	md := NewMarkdown(MarkdownOptions{TOCLevels: [2]int{2, 4}})
	r, err := md.Render("a.md", []byte("## A\n\n#### A deep\n\n### A b\n\n## B\n"), 1)
	if err != nil {
		t.Fatal(err)
	}
	want := `<nav class="toc" aria-label="Contents">
<ol>
<li><a href="#a">A</a>
<ol>
<li><a href="#a-deep">A deep</a></li>
<li><a href="#a-b">A b</a></li>
</ol></li>
<li><a href="#b">B</a></li>
</ol>
</nav>`
	if string(r.TOC) != want || r.Headings != 4 {
		t.Errorf("TOC (%d headings) =\n%s\nwant\n%s", r.Headings, r.TOC, want)
	}
}
