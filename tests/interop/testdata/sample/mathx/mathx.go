// Package mathx holds small arithmetic helpers.
package mathx

import "strconv"

// SumSquares returns the sum of the squares of xs, in decimal.
func SumSquares(xs ...int) string {
	total := 0
	for _, x := range xs {
		total += x * x
	}
	return strconv.Itoa(total)
}
