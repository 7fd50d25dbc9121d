package render

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// TestJSONFeedRequiredFields decodes the feed with encoding/json and checks
// what JSON Feed 1.1 requires (version, title, items with id) and what
// every item of ours carries (content_html, url, dates).
func TestJSONFeedRequiredFields(t *testing.T) {
	t.Parallel()
	date := time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	info := FeedInfo{
		Title: "Blog", SiteURL: "https://example.com/", FeedURL: "https://example.com/feed.json", Author: "Ada", Language: "en",
		Posts: []*Post{
			{Title: `A "quoted" <title>`, Permalink: "https://example.com/a/", Date: date, Content: "<p>A &amp; B</p>", Summary: "<p>A <em>sum</em></p>",
				Tags: []*Term{{Name: "go"}}, Author: "Bob"},
			{Title: "B", Permalink: "https://example.com/b/", Date: date, Updated: date.Add(time.Hour), Content: "<p>B</p>", Author: "Ada"},
		},
	}
	var buf bytes.Buffer
	if err := WriteJSONFeed(&buf, info); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.Bytes())
	}
	if got["version"] != "https://jsonfeed.org/version/1.1" {
		t.Errorf("version = %v", got["version"])
	}
	if got["title"] != "Blog" || got["feed_url"] != "https://example.com/feed.json" || got["home_page_url"] != "https://example.com/" {
		t.Errorf("title, feed_url, home_page_url = %v, %v, %v", got["title"], got["feed_url"], got["home_page_url"])
	}
	if a, _ := got["authors"].([]any); len(a) != 1 || a[0].(map[string]any)["name"] != "Ada" {
		t.Errorf("authors = %v", got["authors"])
	}
	items, ok := got["items"].([]any)
	if !ok || len(items) != 2 {
		t.Fatalf("items = %v", got["items"])
	}
	a := items[0].(map[string]any)
	want := map[string]any{
		"id": "https://example.com/a/", "url": "https://example.com/a/", "title": `A "quoted" <title>`,
		"content_html": "<p>A &amp; B</p>", "summary": "A sum", "date_published": "2026-03-01T09:00:00Z",
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("items[0].%s = %v, want %v", k, a[k], v)
		}
	}
	if au, _ := a["authors"].([]any); len(au) != 1 || au[0].(map[string]any)["name"] != "Bob" {
		t.Errorf("items[0].authors = %v, want Bob (differs from the feed's)", a["authors"])
	}
	if tags, _ := a["tags"].([]any); len(tags) != 1 || tags[0] != "go" {
		t.Errorf("items[0].tags = %v", a["tags"])
	}
	b := items[1].(map[string]any)
	if b["date_modified"] != "2026-03-01T10:00:00Z" || b["authors"] != nil || b["summary"] != nil {
		t.Errorf("items[1] = %v: want date_modified, no authors (the feed's), no summary", b)
	}
	for i, it := range items {
		if id, _ := it.(map[string]any)["id"].(string); id == "" {
			t.Errorf("items[%d] has no id", i)
		}
	}
}

func TestJSONFeedEmpty(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteJSONFeed(&buf, FeedInfo{Title: "T"}); err != nil {
		t.Fatal(err)
	}
	var got struct{ Items []any }
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil || got.Items == nil {
		t.Errorf("empty feed: items must be [] not null: %s (%v)", buf.Bytes(), err)
	}
}
