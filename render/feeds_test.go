package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// atomDoc is an Atom document read back generically enough to check it
// against RFC 4287 whatever WriteAtom's own types say.
type atomDoc struct {
	XMLName xml.Name
	Title   []atomTextDoc `xml:"http://www.w3.org/2005/Atom title"`
	ID      []string      `xml:"http://www.w3.org/2005/Atom id"`
	Updated []string      `xml:"http://www.w3.org/2005/Atom updated"`
	Authors []atomPerson  `xml:"http://www.w3.org/2005/Atom author"`
	Links   []atomLinkDoc `xml:"http://www.w3.org/2005/Atom link"`
	Entries []atomDoc     `xml:"http://www.w3.org/2005/Atom entry"`
	Content []atomTextDoc `xml:"http://www.w3.org/2005/Atom content"`
}

type atomTextDoc struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomPerson struct {
	Names []string `xml:"http://www.w3.org/2005/Atom name"`
}

type atomLinkDoc struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
}

// atomProblems lists what in data breaks the requirements of RFC 4287
// for a feed and its entries: the feed and each entry have exactly one
// id (an absolute IRI), title and updated (an RFC 3339 date); the feed has
// an author unless every entry has one, and every author a name; the feed
// has a rel="alternate" link (and a rel="self" one, which the RFC
// recommends), and an entry without content has one too.
func atomProblems(data []byte) []string {
	var f atomDoc
	if err := xml.Unmarshal(data, &f); err != nil {
		return []string{"not XML: " + err.Error()}
	}
	var p []string
	if f.XMLName != (xml.Name{Space: "http://www.w3.org/2005/Atom", Local: "feed"}) {
		p = append(p, fmt.Sprintf("root element %v, want Atom's feed", f.XMLName))
	}
	p = append(p, atomCommon("feed", f)...)
	if !hasRel(f.Links, "alternate") {
		p = append(p, "feed: no link rel=alternate")
	}
	if !hasRel(f.Links, "self") {
		p = append(p, "feed: no link rel=self")
	}
	ids := map[string]bool{}
	for i, e := range f.Entries {
		what := fmt.Sprintf("entry %d", i+1)
		p = append(p, atomCommon(what, e)...)
		if len(f.Authors) == 0 && len(e.Authors) == 0 {
			p = append(p, what+": no author, and the feed has none")
		}
		if len(e.Content) == 0 && !hasRel(e.Links, "alternate") {
			p = append(p, what+": no content and no link rel=alternate")
		}
		if len(e.ID) == 1 {
			if ids[e.ID[0]] {
				p = append(p, what+": id "+e.ID[0]+" used twice")
			}
			ids[e.ID[0]] = true
		}
	}
	return p
}

func atomCommon(what string, d atomDoc) []string {
	var p []string
	if len(d.ID) != 1 {
		p = append(p, fmt.Sprintf("%s: %d ids, want 1", what, len(d.ID)))
	} else if u, err := url.Parse(d.ID[0]); err != nil || !u.IsAbs() {
		p = append(p, fmt.Sprintf("%s: id %q is not an absolute IRI", what, d.ID[0]))
	}
	if len(d.Title) != 1 {
		p = append(p, fmt.Sprintf("%s: %d titles, want 1", what, len(d.Title)))
	}
	if len(d.Updated) != 1 {
		p = append(p, fmt.Sprintf("%s: %d updated, want 1", what, len(d.Updated)))
	} else if _, err := time.Parse(time.RFC3339, d.Updated[0]); err != nil {
		p = append(p, fmt.Sprintf("%s: updated %q is not an RFC 3339 date", what, d.Updated[0]))
	}
	for _, a := range d.Authors {
		if len(a.Names) != 1 || strings.TrimSpace(a.Names[0]) == "" {
			p = append(p, what+": an author without a name")
		}
	}
	for _, l := range d.Links {
		if u, err := url.Parse(l.Href); err != nil || !u.IsAbs() {
			p = append(p, fmt.Sprintf("%s: link %q is not absolute", what, l.Href))
		}
	}
	return p
}

// hasRel reports whether links has one with rel (no rel means
// alternate).
func hasRel(links []atomLinkDoc, rel string) bool {
	for _, l := range links {
		if l.Rel == rel || l.Rel == "" && rel == "alternate" {
			return true
		}
	}
	return false
}

func TestWriteAtomMeetsRFC4287(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 5, d, 9, 0, 0, 0, time.UTC) }
	posts := func(authors ...string) []*Post {
		var ps []*Post
		for i, a := range authors {
			u := fmt.Sprintf("https://example.com/blog/2026/05/p%d/", i)
			ps = append(ps, &Post{Title: fmt.Sprintf("Post %d", i), Permalink: u, Date: day(i + 1), Author: a, Content: "<p>x</p>"})
		}
		return ps
	}
	base := FeedInfo{Title: "Site", SiteTitle: "Site", SiteURL: "https://example.com/blog/", FeedURL: "https://example.com/blog/atom.xml", Language: "en"}
	tests := []struct {
		name   string
		edit   func(*FeedInfo)
		author string // the feed's author name
	}{
		{"site author", func(f *FeedInfo) { f.Author, f.Posts = "Ann", posts("", "") }, "Ann"},
		{"no site author", func(f *FeedInfo) { f.Posts = posts("", "") }, "Site"},
		{"no site author, every post has one", func(f *FeedInfo) { f.Posts = posts("Bo", "Cy") }, "Site"},
		{"tag feed without site author", func(f *FeedInfo) {
			f.Title, f.SiteURL, f.FeedURL, f.Posts = "Site: go", "https://example.com/blog/tags/go/", "https://example.com/blog/tags/go/atom.xml", posts("")
		}, "Site"},
		{"no posts", func(f *FeedInfo) {}, "Site"},
		{"no titles at all", func(f *FeedInfo) { f.Title, f.SiteTitle, f.Posts = "", "", posts("") }, "example.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := base
			tc.edit(&f)
			var buf bytes.Buffer
			if err := WriteAtom(&buf, f); err != nil {
				t.Fatal(err)
			}
			for _, p := range atomProblems(buf.Bytes()) {
				t.Errorf("%s\n%s", p, buf.String())
			}
			var doc atomDoc
			xml.Unmarshal(buf.Bytes(), &doc)
			if len(doc.Authors) != 1 || len(doc.Authors[0].Names) != 1 || doc.Authors[0].Names[0] != tc.author {
				t.Errorf("feed authors %+v, want %q", doc.Authors, tc.author)
			}
			for i, e := range doc.Entries {
				if a := f.Posts[i].Author; a != "" && a != tc.author && (len(e.Authors) != 1 || e.Authors[0].Names[0] != a) {
					t.Errorf("entry %d authors %+v, want its own %q", i+1, e.Authors, a)
				}
			}
		})
	}
}

// TestAtomProblemsFindsThem keeps the checker honest: each broken feed
// must be caught.
func TestAtomProblemsFindsThem(t *testing.T) {
	t.Parallel()
	const good = `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>https://e.com/</id><updated>2026-05-01T00:00:00Z</updated>` +
		`<link href="https://e.com/atom.xml" rel="self"/><link href="https://e.com/"/>%s<entry><title>E</title><id>https://e.com/e/</id>` +
		`<updated>2026-05-01T00:00:00Z</updated>%s<content type="html">x</content></entry></feed>`
	if p := atomProblems(fmt.Appendf(nil, good, "<author><name>A</name></author>", "")); len(p) > 0 {
		t.Fatalf("a valid feed has problems: %v", p)
	}
	for _, bad := range []string{
		fmt.Sprintf(good, "", ""), // no author anywhere
		fmt.Sprintf(good, "<author><name></name></author>", ""),
		strings.Replace(fmt.Sprintf(good, "<author><name>A</name></author>", ""), "<id>https://e.com/e/</id>", "", 1),
		strings.Replace(fmt.Sprintf(good, "<author><name>A</name></author>", ""), "2026-05-01T00:00:00Z</updated><content", "yesterday</updated><content", 1),
		strings.Replace(fmt.Sprintf(good, "<author><name>A</name></author>", ""), `<link href="https://e.com/"/>`, "", 1),
		strings.Replace(fmt.Sprintf(good, "<author><name>A</name></author>", ""), "<title>E</title>", "", 1),
	} {
		if len(atomProblems([]byte(bad))) == 0 {
			t.Errorf("no problem found in %s", bad)
		}
	}
}
