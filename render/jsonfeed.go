package render

import (
	"encoding/json"
	"io"
	"time"
)

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): the fields we
// write. version, title and each item's id are required; an item has
// content_html.
type jsonFeed struct {
	Version     string           `json:"version"`
	Title       string           `json:"title"`
	HomePageURL string           `json:"home_page_url,omitempty"`
	FeedURL     string           `json:"feed_url,omitempty"`
	Description string           `json:"description,omitempty"`
	Language    string           `json:"language,omitempty"`
	Authors     []jsonFeedAuthor `json:"authors,omitempty"`
	Items       []jsonFeedItem   `json:"items"`
}

type jsonFeedAuthor struct {
	Name string `json:"name"`
}

type jsonFeedItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html"`
	Summary       string           `json:"summary,omitempty"`
	DatePublished string           `json:"date_published"`
	DateModified  string           `json:"date_modified,omitempty"`
	Authors       []jsonFeedAuthor `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
}

// WriteJSONFeed writes f as a JSON Feed 1.1. Item summaries are plain
// text, as the format asks.
func WriteJSONFeed(w io.Writer, f FeedInfo) error {
	feed := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       f.Title,
		HomePageURL: f.SiteURL,
		FeedURL:     f.FeedURL,
		Description: f.Subtitle,
		Language:    f.Language,
		Items:       make([]jsonFeedItem, 0, len(f.Posts)),
	}
	if f.Author != "" {
		feed.Authors = []jsonFeedAuthor{{Name: f.Author}}
	}
	for _, p := range f.Posts {
		it := jsonFeedItem{
			ID:            p.Permalink,
			URL:           p.Permalink,
			Title:         p.Title,
			ContentHTML:   string(p.Content),
			Summary:       PlainText(string(p.Summary)),
			DatePublished: p.Date.UTC().Format(time.RFC3339),
		}
		if !p.Updated.IsZero() {
			it.DateModified = p.Updated.UTC().Format(time.RFC3339)
		}
		if p.Author != "" && p.Author != f.Author {
			it.Authors = []jsonFeedAuthor{{Name: p.Author}}
		}
		for _, t := range p.Tags {
			it.Tags = append(it.Tags, t.Name)
		}
		feed.Items = append(feed.Items, it)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // served as JSON, never inside HTML
	return enc.Encode(feed)
}
