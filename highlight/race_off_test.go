//go:build !race

package highlight

const raceEnabled = false
