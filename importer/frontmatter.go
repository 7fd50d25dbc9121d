package importer

import (
	"fmt"
	"strings"
	"time"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
	"github.com/goccy/go-yaml"
)

// oldMeta is an old post's front matter as an ordered list of keys, so
// the keys blog does not know are kept in the order the writer had them.
type oldMeta struct {
	items yaml.MapSlice
	file  string
}

// parseYAMLMeta parses YAML front matter that starts on line 2.
func parseYAMLMeta(file string, fm []byte) (oldMeta, error) {
	var m yaml.MapSlice
	if err := yaml.Unmarshal(fm, &m); err != nil {
		return oldMeta{}, diag.FromYAML(file, 1, err)
	}
	return oldMeta{items: m, file: file}, nil
}

// take removes the first of keys present (case-insensitive) and returns
// its value.
func (m *oldMeta) take(keys ...string) (any, bool) {
	for _, k := range keys {
		for i, it := range m.items {
			if s, ok := it.Key.(string); ok && strings.EqualFold(s, k) {
				m.items = append(m.items[:i:i], m.items[i+1:]...)
				return it.Value, true
			}
		}
	}
	return nil, false
}

func (m *oldMeta) str(keys ...string) string {
	v, ok := m.take(keys...)
	if !ok || v == nil {
		return ""
	}
	switch v := v.(type) {
	case string:
		return v
	case time.Time:
		return v.Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// list reads a YAML list or a comma- or space-separated string (Jekyll's
// tags: "a b" is two tags; categories likewise).
func (m *oldMeta) list(spaces bool, keys ...string) []string {
	v, ok := m.take(keys...)
	if !ok || v == nil {
		return nil
	}
	var out []string
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			if s := strings.TrimSpace(fmt.Sprint(x)); s != "" {
				out = append(out, s)
			}
		}
	default:
		sep := ","
		s := fmt.Sprint(v)
		if spaces && !strings.Contains(s, ",") {
			return strings.Fields(s)
		}
		for f := range strings.SplitSeq(s, sep) {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}

func (m *oldMeta) boolean(keys ...string) (val, ok bool) {
	v, ok := m.take(keys...)
	if !ok {
		return false, false
	}
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		return strings.EqualFold(v, "true") || strings.EqualFold(v, "yes"), true
	}
	return false, true
}

// date reads a date key: a YAML timestamp or a string in any form the
// old tools wrote. zoned reports whether it carried its own offset.
func (m *oldMeta) date(loc *time.Location, keys ...string) (t time.Time, zoned bool, err error) {
	v, ok := m.take(keys...)
	if !ok || v == nil {
		return time.Time{}, false, nil
	}
	if t, ok := v.(time.Time); ok {
		return t, true, nil
	}
	s := strings.TrimSpace(fmt.Sprint(v))
	t, err = parseOldDate(s, loc)
	if err != nil {
		return time.Time{}, false, diag.Errorf(diag.Pos{File: m.file}, "%s: %v", keys[0], err)
	}
	return t, hasZone(s), nil
}

// oldDateLayouts are the forms Jekyll, Hugo and Blogofile accept beyond
// blog's own.
var oldDateLayouts = []string{
	"2006-01-02 15:04:05.999999999 -0700", "2006-01-02T15:04:05",
	"2006-01-02T15:04", "2006/01/02 15:04", "2006/01/02",
}

func parseOldDate(s string, loc *time.Location) (time.Time, error) {
	if t, err := render.ParseDate(s, loc); err == nil {
		return t, nil
	}
	if rest, zone, ok := cutZoneName(s); ok {
		off, known := zoneOffsets[strings.ToUpper(zone)]
		if !known {
			return time.Time{}, fmt.Errorf("invalid date %q: time zone %s is not one blog knows: write the offset instead, such as -0800", s, zone)
		}
		t, err := parseOldDate(rest, time.FixedZone(strings.ToUpper(zone), off))
		if err != nil {
			return time.Time{}, err
		}
		return t, nil
	}
	for _, l := range oldDateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return render.ParseDate(s, loc) // for its message
}

// zoneOffsets are the time zone abbreviations old front matter has, as
// Ruby's Time.parse (Jekyll) reads them: the US zones and UTC. Go's
// time.Parse would take any of them as UTC in a site in another zone.
var zoneOffsets = map[string]int{
	"UTC": 0, "UT": 0, "GMT": 0, "Z": 0,
	"EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600, "HDT": -9 * 3600,
}

// cutZoneName cuts a trailing time zone name (" PST") from a date and
// time.
func cutZoneName(s string) (rest, zone string, ok bool) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 || !strings.Contains(s[:i], ":") {
		return s, "", false
	}
	zone = s[i+1:]
	if len(zone) < 1 || len(zone) > 5 {
		return s, "", false
	}
	for _, c := range zone {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return s, "", false
		}
	}
	return strings.TrimSpace(s[:i]), zone, true
}

func hasZone(s string) bool {
	if strings.HasSuffix(s, "Z") {
		return true
	}
	if _, _, ok := cutZoneName(s); ok {
		return true
	}
	if len(s) > 6 {
		tail := s[len(s)-6:]
		if (tail[0] == '+' || tail[0] == '-') && tail[3] == ':' {
			return true
		}
		tail = s[len(s)-5:]
		if tail[0] == '+' || tail[0] == '-' {
			return !strings.ContainsAny(tail[1:], "-:/ ")
		}
	}
	return false
}

// fillDoc moves the keys every origin shares into d; what is left stays
// as parameters.
func fillDoc(d *doc, m *oldMeta, loc *time.Location) error {
	d.title = m.str("title")
	var err error
	if d.date.IsZero() || hasKey(m, "date") {
		t, zoned, derr := m.date(loc, "date")
		if derr != nil {
			err = derr
		} else if !t.IsZero() {
			d.date, d.zoned = t, zoned
		}
	}
	if t, _, uerr := m.date(loc, "updated", "lastmod", "modified", "last_modified_at"); uerr == nil {
		d.updated = t
	}
	d.tags = append(d.tags, m.list(true, "tags", "tag")...)
	d.cats = append(d.cats, m.list(true, "categories", "category")...)
	d.summary = m.str("summary", "excerpt", "description")
	d.author = m.str("author")
	if d.slug == "" {
		d.slug = m.str("slug")
	}
	if v, ok := m.boolean("draft"); ok && v {
		d.draft = true
	}
	if v, ok := m.boolean("published"); ok && !v {
		d.draft = true
	}
	for _, k := range []string{"layout"} {
		m.take(k) // the old theme's, meaningless here
	}
	d.params = m.items
	return err
}

func hasKey(m *oldMeta, key string) bool {
	for _, it := range m.items {
		if s, ok := it.Key.(string); ok && strings.EqualFold(s, key) {
			return true
		}
	}
	return false
}
