package build

// tocLevels turns markdown.toc_levels (checked by validate) into the
// renderer's option.
func tocLevels(l []int) [2]int {
	if len(l) != 2 {
		return [2]int{}
	}
	return [2]int{l[0], l[1]}
}
