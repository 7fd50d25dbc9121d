package render

import "testing"

func TestShareImage(t *testing.T) {
	t.Parallel()
	const post = "https://example.com/blog/2026/01/a/"
	tests := []struct {
		params map[string]any
		body   string
		want   string
	}{
		{nil, "", ""},
		{nil, "cat.png", post + "cat.png"},
		{nil, "/img/cat.png", "https://example.com/img/cat.png"},
		{map[string]any{"image": "../cover.jpg"}, "cat.png", "https://example.com/blog/2026/01/cover.jpg"},
		{map[string]any{"image": "https://cdn.example.org/x.png"}, "", "https://cdn.example.org/x.png"},
		{map[string]any{"image": 3}, "cat.png", post + "cat.png"}, // not a string: ignored
		{nil, "javascript:alert(1)", ""},
		{nil, "data:image/png;base64,AAAA", ""},
	}
	for _, tt := range tests {
		if got := ShareImage(post, tt.params, tt.body); got != tt.want {
			t.Errorf("ShareImage(%v, %q) = %q, want %q", tt.params, tt.body, got, tt.want)
		}
	}
}
