// A small module for the cph-fake interop test: `go build` with GOCACHEPROG
// pointing at cph-fake, twice.
package main

import (
	"fmt"
	"os"

	"example.com/sample/greet"
	"example.com/sample/mathx"
)

func main() {
	fmt.Println(greet.Hello("cache"), mathx.SumSquares(1, 2, 3))
	os.Exit(0)
}
