//go:build !unix

package servebench

// peakRSSMB is 0 where the peak resident set is not read.
func peakRSSMB() float64 { return 0 }
