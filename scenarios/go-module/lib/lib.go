// Package lib is what the real `go` command builds, tests, vets and lists
// against cph-fake in the outcome differential and `cph scenarios --go`
// (harness/runner/go_bench). Its imports are leaf packages of the standard
// library (no runtime), so a cold build takes seconds and a warm one asks
// the cache helper for a handful of entries. Each run adds a file with a
// fresh constant, so this package itself misses and is put.
package lib

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// Weight counts the upper-case runes in s plus the set bits of n.
func Weight(s string, n uint) int {
	w := bits.OnesCount(n)
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if unicode.IsUpper(r) {
			w++
		}
		s = s[size:]
	}
	return w
}
