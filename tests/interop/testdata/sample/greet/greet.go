// Package greet builds greetings.
package greet

import "strings"

// Hello greets name in upper case.
func Hello(name string) string {
	return "hello, " + strings.ToUpper(name)
}
