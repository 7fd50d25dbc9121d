package importer

import (
	"html"
	"regexp"
	"strconv"
	"strings"
)

// codeBlock is Blogofile's syntax_highlight filter block:
//
//	$$code(lang=python, linenums=True)
//	…
//	$$/code
var codeBlock = regexp.MustCompile(`(?s)(^|\s)\$\$code(\([^\r\n]*\))?[^\r\n]*\r?\n(.*?)\s\$\$/code`)

// convertBlogofile turns $$code blocks into fenced code.
func convertBlogofile(c *converter) {
	src := c.src
	last := 0
	for _, m := range codeBlock.FindAllStringSubmatchIndex(src, -1) {
		c.out.WriteString(src[last:m[3]]) // up to and including the leading space
		args := ""
		if m[4] >= 0 {
			args = src[m[4]+1 : m[5]-1]
		}
		kv := map[string]string{}
		for a := range strings.SplitSeq(args, ",") {
			if k, v, ok := strings.Cut(a, "="); ok {
				kv[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"'`)
			}
		}
		linenos := strings.EqualFold(kv["linenums"], "true") || strings.EqualFold(kv["linenos"], "true")
		c.fence(kv["lang"], codeAttrs(linenos, ""), src[m[6]:m[7]])
		last = m[1]
	}
	c.out.WriteString(src[last:])
	if rest := c.out.String(); strings.Contains(rest, "$$code") {
		c.warnf(strings.Index(src, "$$code"), "$$code block without $$/code: kept as text")
	}
}

// wpShortcode matches the opening of a WordPress shortcode.
var wpShortcode = regexp.MustCompile(`\[(caption|wp_caption|gallery|code|sourcecode|source|audio|video|embed)\b([^\]]*)\]`)

// convertWordPress rewrites the shortcodes of a WordPress post body,
// which stays HTML: [caption] → <figure>, [gallery] → a list of its
// images, [code]/[sourcecode] → <pre><code class="language-x">,
// [audio]/[video] → the elements, [embed] → a link. attachments maps an
// attachment's id to its URL, for galleries.
func convertWordPress(c *converter, attachments map[string]string) {
	src := c.src
	i := 0
	for i < len(src) {
		loc := wpShortcode.FindStringSubmatchIndex(src[i:])
		if loc == nil {
			c.out.WriteString(src[i:])
			return
		}
		start, end := i+loc[0], i+loc[1]
		name, args := src[i+loc[2]:i+loc[3]], src[i+loc[4]:i+loc[5]]
		c.out.WriteString(src[i:start])
		kv := keyValues(splitArgs(args))
		inner, after := "", end
		closer := "[/" + name + "]"
		if k := strings.Index(src[end:], closer); k >= 0 && name != "gallery" {
			inner, after = src[end:end+k], end+k+len(closer)
		}
		switch name {
		case "caption", "wp_caption":
			img, text := splitCaption(inner)
			c.out.WriteString("<figure>" + img + "<figcaption>" + strings.TrimSpace(cmpOr(text, html.EscapeString(kv["caption"]))) + "</figcaption></figure>")
		case "gallery":
			c.out.WriteString(gallery(kv, attachments))
		case "code", "sourcecode", "source":
			lang := cmpOr(kv["lang"], kv["language"], kv["0"])
			// WordPress stored the code as text: escape it once.
			code := html.EscapeString(html.UnescapeString(strings.Trim(inner, "\r\n")))
			class := ""
			if lang != "" {
				class = ` class="language-` + html.EscapeString(lang) + `"`
			}
			c.out.WriteString("<pre><code" + class + ">" + code + "</code></pre>")
		case "audio", "video":
			u := cmpOr(kv["src"], kv["mp3"], kv["mp4"], kv["ogg"], kv["webm"], kv["0"], strings.TrimSpace(inner))
			if u == "" {
				c.warnf(start, "[%s] without a source: removed", name)
				break
			}
			c.out.WriteString("<" + name + ` controls preload="none" src="` + html.EscapeString(u) + `"><a href="` + html.EscapeString(u) + `">` + html.EscapeString(u) + "</a></" + name + ">")
		case "embed":
			u := strings.TrimSpace(inner)
			c.out.WriteString(`<a href="` + html.EscapeString(u) + `">` + html.EscapeString(u) + "</a>")
		}
		i = after
	}
}

// splitCaption splits a caption's content into its image (with its link)
// and the caption text after it.
func splitCaption(inner string) (img, text string) {
	inner = strings.TrimSpace(inner)
	for _, end := range []string{"</a>", "/>", ">"} {
		if k := strings.Index(inner, end); k >= 0 && strings.HasPrefix(inner, "<") {
			if end == "</a>" && !strings.HasPrefix(inner, "<a") {
				continue
			}
			return inner[:k+len(end)], inner[k+len(end):]
		}
	}
	return "", inner
}

func gallery(kv map[string]string, attachments map[string]string) string {
	var b strings.Builder
	b.WriteString(`<ul class="gallery">`)
	n := 0
	for id := range strings.SplitSeq(kv["ids"], ",") {
		u, ok := attachments[strings.TrimSpace(id)]
		if !ok {
			continue
		}
		b.WriteString(`<li><a href="` + html.EscapeString(u) + `"><img src="` + html.EscapeString(u) + `" alt=""></a></li>`)
		n++
	}
	if n == 0 {
		return ""
	}
	b.WriteString("</ul>")
	return b.String()
}

// autop restores the paragraphs WordPress's wpautop adds when it shows a
// post: text separated by blank lines becomes <p>…</p>, single newlines
// inside a paragraph <br>, and block-level HTML is left alone.
func autop(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if strings.TrimSpace(s) == "" {
		return s
	}
	// <!--more--> stands alone, as WordPress shows it.
	s = moreMark.ReplaceAllString(s, "\n\n<!--more-->\n\n")
	// Blank lines inside <pre> are code, not paragraph breaks.
	var pres []string
	s = preBlock.ReplaceAllStringFunc(s, func(m string) string {
		pres = append(pres, m)
		return "\x00pre" + strconv.Itoa(len(pres)-1) + "\x00"
	})
	var b strings.Builder
	for para := range strings.SplitSeq(s, "\n\n") {
		p := strings.Trim(para, "\n")
		if strings.TrimSpace(p) == "" {
			continue
		}
		if blockStart.MatchString(p) {
			b.WriteString(p + "\n\n")
			continue
		}
		b.WriteString("<p>" + strings.ReplaceAll(p, "\n", "<br>\n") + "</p>\n\n")
	}
	out := b.String()
	for k, pre := range pres {
		out = strings.Replace(out, "\x00pre"+strconv.Itoa(k)+"\x00", pre, 1)
	}
	return out
}

var moreMark = regexp.MustCompile(`[ \t]*\n?[ \t]*<!--more(?:\s[^>]*)?-->[ \t]*\n?`)

var preBlock = regexp.MustCompile(`(?is)<pre\b.*?</pre>`)

var blockStart = regexp.MustCompile(`(?i)^\s*(?:\x00pre|<(?:/?(?:p|div|pre|ul|ol|li|dl|dd|dt|table|thead|tbody|tr|td|th|blockquote|h[1-6]|hr|figure|figcaption|form|address|section|article|aside|header|footer|nav|iframe|script|style|audio|video|object)\b|!--))`)
