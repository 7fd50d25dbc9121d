package build

// tocLevels turns markdown.toc_levels (checked by validate) into the
// renderer's option.
func tocLevels(l []int) [2]int {
	if len(l) != 2 {
		return [2]int{}
	}
	return [2]int{l[0], l[1]}
}

// checkTOC reports bad markdown.toc_levels and markdown.toc_min values.
func (c *Config) checkTOC(bad func(key, format string, args ...any)) {
	if l := c.Markdown.TOCLevels; len(l) != 2 || l[0] < 1 || l[0] > l[1] || l[1] > 6 {
		bad("markdown.toc_levels", "want [lowest, highest] heading levels between 1 and 6, such as [2, 3], not %v", l)
	}
	if c.Markdown.TOCMin < 0 {
		bad("markdown.toc_min", "want a number of headings of 0 or more, not %d", c.Markdown.TOCMin)
	}
}
