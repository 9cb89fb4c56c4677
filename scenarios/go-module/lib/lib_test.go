package lib

import "testing"

// go test ./... runs this once, then serves its result from the cache (the
// helper's, when GOCACHEPROG is set): "ok ... (cached)".
func TestWeight(t *testing.T) {
	if got := Weight("Go Cache", 3); got != 4 {
		t.Fatalf("Weight = %d, want 4", got)
	}
}
