// Package lib is what the outcome differential builds with the real `go`
// command. Its imports are leaf packages of the standard library (no
// runtime), so a cold build takes seconds and a warm one asks the cache
// helper for a handful of entries. The test adds a file with a fresh
// constant to each copy, so this package itself misses and is put.
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
