// Package cacheprog mirrors cmd/go/internal/cacheprog: Response and Cmd as
// in Go 1.25+, ProgResponse and ProgCmd as in Go 1.24.
package cacheprog

import "time"

type Cmd string

type Response struct {
	ID            int64
	Err           string     `json:",omitempty"`
	KnownCommands []Cmd      `json:",omitempty"`
	Miss          bool       `json:",omitempty"`
	OutputID      []byte     `json:",omitempty"`
	Size          int64      `json:",omitempty"`
	Time          *time.Time `json:",omitempty"`
	DiskPath      string     `json:",omitempty"`
}

type ProgCmd string

type ProgResponse struct {
	ID            int64
	Err           string     `json:",omitempty"`
	KnownCommands []ProgCmd  `json:",omitempty"`
	Miss          bool       `json:",omitempty"`
	OutputID      []byte     `json:",omitempty"`
	Size          int64      `json:",omitempty"`
	Time          *time.Time `json:",omitempty"`
	DiskPath      string     `json:",omitempty"`
}
