// Package cache mirrors the wire types of Go 1.21-1.23's
// cmd/go/internal/cache, so that encoding/json names them in its errors
// exactly as the go command of those versions does.
package cache

import "time"

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
