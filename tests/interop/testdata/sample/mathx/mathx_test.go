package mathx

import "testing"

func TestSumSquares(t *testing.T) {
	if got := SumSquares(1, 2, 3); got != "14" {
		t.Fatalf("SumSquares(1, 2, 3) = %s, want 14", got)
	}
}
