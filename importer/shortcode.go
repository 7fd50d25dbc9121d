package importer

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
)

// convertShortcodes rewrites the Hugo shortcodes of a post into Markdown:
//
//	{{< highlight go "linenos=table,hl_lines=2 4-5" >}}…{{< /highlight >}} → a fenced block
//	{{< figure src="x.png" title="T" caption="C" alt="A" >}}             → ![A](x.png "C")
//	{{< img src="x.png" alt="A" >}}                                        → ![A](x.png)
//	{{< youtube ID >}}, vimeo, gist, tweet, instagram                    → a link (their embeds need third-party script)
//	{{< ref "post.md" >}}, {{< relref "post.md#h" >}}                     → the post's new URL
//	{{< param name >}}                                                   → the front matter or site value
//	{{</* x */>}}                                                        → {{< x >}}, as Hugo prints it
//
// {{% … %}} forms are treated alike. Unknown shortcodes are kept as text
// with a warning.
func convertShortcodes(c *converter, params map[string]any) {
	src := c.src
	i := 0
	for i < len(src) {
		j := indexAny2(src[i:], "{{<", "{{%")
		if j < 0 {
			c.out.WriteString(src[i:])
			return
		}
		j += i
		c.out.WriteString(src[i:j])
		i = c.shortcode(j, params)
	}
}

// shortcodeAt parses the shortcode opening at off: its delimiter (< or
// %), name, arguments, whether it is a closing one, the offset after it.
func shortcodeAt(src string, off int) (delim byte, name string, args []string, closing, comment bool, end int, ok bool) {
	delim = src[off+2]
	closer := "%}}"
	if delim == '<' {
		closer = ">}}"
	}
	k := strings.Index(src[off+3:], closer)
	if k < 0 {
		return 0, "", nil, false, false, 0, false
	}
	inner := strings.TrimSpace(src[off+3 : off+3+k])
	end = off + 3 + k + 3
	if strings.HasPrefix(inner, "/*") && strings.HasSuffix(inner, "*/") {
		return delim, "", nil, false, true, end, true
	}
	inner = strings.TrimSuffix(inner, "/") // self-closing {{< x />}}
	if rest, ok := strings.CutPrefix(inner, "/"); ok {
		return delim, strings.TrimSpace(rest), nil, true, false, end, true
	}
	f := splitArgs(inner)
	if len(f) == 0 {
		return 0, "", nil, false, false, 0, false
	}
	return delim, f[0], f[1:], false, false, end, true
}

// closingShortcode finds {{< /name >}} (or the % form) from off on.
func closingShortcode(src string, off int, name string) (start, end int, ok bool) {
	re := regexp.MustCompile(`\{\{[<%]\s*/\s*` + regexp.QuoteMeta(name) + `\s*[>%]\}\}`)
	loc := re.FindStringIndex(src[off:])
	if loc == nil {
		return 0, 0, false
	}
	return off + loc[0], off + loc[1], true
}

func (c *converter) shortcode(off int, params map[string]any) int {
	src := c.src
	delim, name, args, closing, comment, end, ok := shortcodeAt(src, off)
	switch {
	case !ok:
		c.warnf(off, "unclosed Hugo shortcode: kept as text")
		c.out.WriteString(src[off : off+3])
		return off + 3
	case comment:
		// {{</* figure */>}} is how a Hugo post shows a shortcode as text.
		inner := strings.TrimSpace(src[off+3 : end-3])
		inner = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(inner, "/*"), "*/"))
		closeDelim := "%"
		if delim == '<' {
			closeDelim = ">"
		}
		c.out.WriteString("{{" + string(delim) + " " + inner + " " + closeDelim + "}}")
		return end
	case closing:
		c.warnf(off, "closing shortcode {{< /%s >}} without its opening: removed", name)
		return end
	}
	kv := keyValues(args)
	switch name {
	case "highlight":
		s, e, ok := closingShortcode(src, end, name)
		if !ok {
			break
		}
		opts := ""
		if len(args) > 1 {
			opts = args[1]
		}
		linenos := strings.Contains(opts, "linenos=") && !strings.Contains(opts, "linenos=false")
		hl := ""
		if _, rest, ok := strings.Cut(opts, "hl_lines="); ok {
			hl, _, _ = strings.Cut(rest, ",")
			if strings.HasPrefix(rest, "[") {
				hl = strings.Trim(strings.SplitN(rest, "]", 2)[0], "[")
			}
		}
		c.fence(kv["0"], codeAttrs(linenos, hl), src[end:s])
		return e
	case "figure", "img", "image":
		srcURL := cmpOr(kv["src"], kv["0"])
		if srcURL == "" {
			break
		}
		alt := cmpOr(kv["alt"], kv["title"], kv["caption"])
		title := cmpOr(kv["caption"], kv["title"])
		img := "![" + mdEscape(alt) + "](" + mdURL(srcURL)
		if title != "" {
			img += ` "` + strings.ReplaceAll(title, `"`, `\"`) + `"`
		}
		img += ")"
		if link := kv["link"]; link != "" {
			img = "[" + img + "](" + mdURL(link) + ")"
		}
		c.out.WriteString(img)
		return end
	case "youtube", "vimeo", "gist", "tweet", "x", "instagram":
		if u, label := embedLink(name, kv); u != "" {
			c.out.WriteString("[" + label + "](" + u + ")")
			return end
		}
	case "ref", "relref":
		ref := kv["0"]
		target, frag, _ := strings.Cut(ref, "#")
		if u, ok := c.env.lookup(target); ok {
			if frag != "" {
				u += "#" + frag
			}
			c.out.WriteString(u)
			return end
		}
		c.warnf(off, "{{< %s %q >}}: no imported post or page by that name: kept as text", name, ref)
	case "param":
		key := kv["0"]
		if v, ok := params[key]; ok {
			c.out.WriteString(fmt.Sprint(v))
			return end
		}
		if v, ok := c.env.site[key]; ok {
			c.out.WriteString(fmt.Sprint(v))
			return end
		}
		c.warnf(off, "{{< param %s >}}: no such parameter: kept as text", key)
	default:
		c.warnf(off, "Hugo shortcode {{< %s >}} cannot be converted: kept as text", name)
		if _, e, ok := closingShortcode(src, end, name); ok {
			end = e // keep its content and its closing tag with it
		}
	}
	c.out.WriteString(src[off:end])
	return end
}

// embedLink is the page a third-party embed shows, as a plain link.
func embedLink(name string, kv map[string]string) (u, label string) {
	id := cmpOr(kv["id"], kv["0"])
	switch name {
	case "youtube":
		if id != "" {
			return "https://www.youtube.com/watch?v=" + url.QueryEscape(id), "Video on YouTube"
		}
	case "vimeo":
		if id != "" {
			return "https://vimeo.com/" + url.PathEscape(id), "Video on Vimeo"
		}
	case "gist":
		user, gist := cmpOr(kv["user"], kv["0"]), cmpOr(kv["id"], kv["1"])
		if user != "" && gist != "" {
			return "https://gist.github.com/" + url.PathEscape(user) + "/" + url.PathEscape(gist), "Gist " + gist
		}
	case "tweet", "x":
		user, tid := cmpOr(kv["user"], kv["0"]), cmpOr(kv["id"], kv["1"])
		if kv["1"] == "" && kv["user"] == "" { // the old form: {{< tweet ID >}}
			user, tid = "i/web", user
		}
		if tid != "" {
			return "https://x.com/" + user + "/status/" + url.PathEscape(tid), "Post on X"
		}
	case "instagram":
		if id != "" {
			return "https://www.instagram.com/p/" + url.PathEscape(id) + "/", "Post on Instagram"
		}
	}
	return "", ""
}

func cmpOr(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// mdEscape escapes the characters that would end a Markdown link text.
func mdEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`).Replace(html.UnescapeString(s))
}

// mdURL writes a link destination that survives spaces and parentheses.
func mdURL(u string) string {
	if strings.ContainsAny(u, " ()<>") {
		return "<" + strings.NewReplacer("<", "%3C", ">", "%3E").Replace(u) + ">"
	}
	return u
}
