package render

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Slugify turns a title or a tag name into a URL path segment: lower case
// letters and digits joined by single hyphens. Accents are dropped from
// Latin letters (Café → cafe); letters of other scripts are kept.
func Slugify(s string) string {
	if isSlug(s) {
		return s // most file names and front matter slugs already are
	}
	var b strings.Builder
	dash, latin := false, false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r) && latin:
			// an accent NFKD split off a Latin letter
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			b.WriteRune(r) // a mark that is part of another script's letter
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			latin = unicode.Is(unicode.Latin, r)
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
			// don't → dont
		default:
			dash = true
		}
	}
	out := norm.NFC.String(b.String())
	return limitSlug(out)
}

// isSlug reports whether s is already what Slugify returns: lower-case
// ASCII letters and digits in hyphen-separated runs, at most 80 bytes.
func isSlug(s string) bool {
	if s == "" || len(s) > 80 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

func limitSlug(out string) string {
	if len(out) > 80 {
		cut := 0
		for i := range out {
			if i > 80 {
				break
			}
			cut = i
		}
		out = strings.TrimRight(out[:cut], "-")
	}
	return out
}
