package importer

import (
	"strings"
	"testing"
	"time"
)

// TestParseOldDate: the date forms the old tools wrote, US time zone
// abbreviations among them, read as the instant they name; a zone
// abbreviation blog does not know is an error, not a silent UTC.
func TestParseOldDate(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database")
	}
	for in, want := range map[string]string{
		"2012-03-04 10:00:00 PST":       "2012-03-04T10:00:00-08:00",
		"2012-03-04 10:00:00 pst":       "2012-03-04T10:00:00-08:00",
		"2012-07-04 10:00:00 EDT":       "2012-07-04T10:00:00-04:00",
		"2012-01-04 10:00:00 EST":       "2012-01-04T10:00:00-05:00",
		"2012-03-04 10:00 CST":          "2012-03-04T10:00:00-06:00",
		"2012-03-04 10:00:00 CDT":       "2012-03-04T10:00:00-05:00",
		"2012-03-04 10:00:00 MST":       "2012-03-04T10:00:00-07:00",
		"2012-03-04 10:00:00 MDT":       "2012-03-04T10:00:00-06:00",
		"2012-03-04 10:00:00 PDT":       "2012-03-04T10:00:00-07:00",
		"2012-03-04 10:00:00 HST":       "2012-03-04T10:00:00-10:00",
		"2012-03-04 10:00:00 AKST":      "2012-03-04T10:00:00-09:00",
		"2012-03-04 10:00:00 UTC":       "2012-03-04T10:00:00Z",
		"2012-03-04 10:00:00 GMT":       "2012-03-04T10:00:00Z",
		"2012/03/04 10:00:00 EST":       "2012-03-04T10:00:00-05:00",
		"2012-03-04T10:00:00 PST":       "2012-03-04T10:00:00-08:00",
		"2012-03-04 10:00:00.5 -0800":   "2012-03-04T10:00:00.5-08:00",
		"2012-03-04 10:00:00":           "2012-03-04T10:00:00+01:00",
		"2012/03/04 10:00":              "2012-03-04T10:00:00+01:00",
		"2012-03-04 10:00:00 +0530":     "2012-03-04T10:00:00+05:30",
		"2012-03-04T10:00:00Z":          "2012-03-04T10:00:00Z",
		"2012-03-04T10:00:00.000-08:00": "2012-03-04T10:00:00-08:00",
		"2012-03-04":                    "2012-03-04T00:00:00+01:00",
	} {
		got, err := parseOldDate(in, paris)
		if err != nil {
			t.Errorf("parseOldDate(%q): %v", in, err)
			continue
		}
		if g := got.Format(time.RFC3339Nano); g != want {
			t.Errorf("parseOldDate(%q) = %s, want %s", in, g, want)
		}
		if zoned, wantZoned := hasZone(in), !strings.Contains(want, "+01:00"); zoned != wantZoned {
			t.Errorf("hasZone(%q) = %v, want %v", in, zoned, wantZoned)
		}
	}
	for _, in := range []string{"2012-03-04 10:00:00 XYZ", "2012-03-04 10:00:00 BST", "next tuesday"} {
		if got, err := parseOldDate(in, paris); err == nil {
			t.Errorf("parseOldDate(%q) = %v, want an error", in, got)
		}
	}
	_, err = parseOldDate("2012-03-04 10:00:00 XYZ", paris)
	if want := `invalid date "2012-03-04 10:00:00 XYZ": time zone XYZ is not one blog knows: write the offset instead, such as -0800`; err == nil || err.Error() != want {
		t.Errorf("unknown zone: error %v, want %s", err, want)
	}
}
