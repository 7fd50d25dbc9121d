package render

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Slugify turns a title or a tag name into a URL path segment: lower case
// letters and digits joined by single hyphens. Accents are dropped from
// Latin letters (Café → cafe); letters of other scripts are kept. A slug
// longer than 80 bytes is cut after the last whole word that fits.
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
// ASCII letters and digits in hyphen-separated runs, at most maxSlug bytes.
func isSlug(s string) bool {
	if s == "" || len(s) > maxSlug || s[0] == '-' || s[len(s)-1] == '-' {
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

// maxSlug is the longest slug, in bytes, that Slugify makes from a title or
// a file name. Longer ones are cut at the last word boundary before it.
const maxSlug = 80

// limitSlug cuts a slug longer than maxSlug bytes after its last whole word
// that fits, so "...-federal-government-shutdown" loses "shutdown", never
// half of "government". A first word longer than the limit is cut at a
// character boundary: there is no better place.
func limitSlug(s string) string {
	if len(s) <= maxSlug {
		return s
	}
	if i := strings.LastIndexByte(s[:maxSlug+1], '-'); i > 0 {
		return strings.TrimRight(s[:i], "-")
	}
	cut := 0
	for i := range s {
		if i > maxSlug {
			break
		}
		cut = i
	}
	return s[:cut]
}
