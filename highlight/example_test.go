package highlight_test

import (
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/blog-gen/blog/highlight"
)

func Example() {
	h, err := highlight.New(highlight.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := h.Highlight(os.Stdout, "go", "x := 1 // one\n", nil); err != nil {
		log.Fatal(err)
	}
	// Output:
	// <pre class="chroma"><code><span class="line"><span class="cl"><span class="nx">x</span><span class="w"> </span><span class="o">:=</span><span class="w"> </span><span class="mi">1</span><span class="w"> </span><span class="c1">// one</span><span class="w">
	// </span></span></span></code></pre>
}

func ExampleWriteStyleCSS() {
	var b strings.Builder
	if err := highlight.WriteStyleCSS(&b, "monokai"); err != nil {
		fmt.Println(err)
	}
	for line := range strings.Lines(b.String()) {
		if strings.Contains(line, ".chroma {") {
			fmt.Print(line)
		}
	}
	fmt.Println(highlight.WriteStyleCSS(io.Discard, "monokia"))
	// Output:
	// /* PreWrapper */ .chroma { overflow: auto; display: grid;color: #f8f8f2; background-color: #272822;-moz-tab-size: 4; -o-tab-size: 4; tab-size: 4; -webkit-text-size-adjust: none; }
	// highlight: unknown style "monokia" (did you mean "monokai"?)
}
