package build

import (
	"strconv"
	"strings"
	"time"
)

func expandPermalink(pattern string, d time.Time, slug string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, ':')
		if i < 0 {
			b.WriteString(pattern)
			return b.String()
		}
		b.WriteString(pattern[:i])
		pattern = pattern[i:]
		switch {
		case strings.HasPrefix(pattern, ":year"):
			b.WriteString(strconv.Itoa(d.Year()))
			pattern = pattern[len(":year"):]
		case strings.HasPrefix(pattern, ":month"):
			b.WriteString(twoDigits(int(d.Month())))
			pattern = pattern[len(":month"):]
		case strings.HasPrefix(pattern, ":day"):
			b.WriteString(twoDigits(d.Day()))
			pattern = pattern[len(":day"):]
		case strings.HasPrefix(pattern, ":slug"):
			b.WriteString(slug)
			pattern = pattern[len(":slug"):]
		default:
			b.WriteByte(':')
			pattern = pattern[1:]
		}
	}
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
