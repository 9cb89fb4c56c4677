// cph-buggy-helper: a correct, disk-backed GOCACHEPROG helper with three
// planted bugs behind nested conditions, for coverage-guided fuzzing (issue
// 20). Each bug stores or serves wrong bytes, so a later honest get reveals
// it; each condition is its own `if`, so `go build -cover` counters show a
// fuzzer how close it came. The conditions depend only on the request
// stream (never on timing), so a finding replays.
//
//	reput-third   the third re-put of an ActionID (its fourth put in one
//	              life), with a new body whose size is 2 mod 3, right after
//	              a put of another ActionID: the body is stored with its
//	              first byte flipped.
//	empty-then-get a get right after a 0-byte re-put of an ActionID that
//	              held a non-empty body, hitting another ActionID whose body
//	              is more than 64 bytes and 5 mod 8: the object is cut by
//	              one byte.
//	close-stale   a close right after a re-put that changed the ActionID's
//	              body to a nonzero size that is a multiple of 16: the index
//	              is written pointing at the old body's file.
//
// Usage: cph-buggy-helper --dir DIR [--bugs reput-third,empty-then-get,close-stale|none]
//
// Stdlib only. The protocol: /work/shared/DESIGN.md and Go's
// cmd/go/internal/cacheprog.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type request struct {
	ID       int64
	Command  string
	ActionID []byte `json:",omitempty"`
	OutputID []byte `json:",omitempty"`
	ObjectID []byte `json:",omitempty"` // Go 1.21-1.23 send this instead of OutputID
	BodySize int64  `json:",omitempty"`
}

type response struct {
	ID            int64
	Err           string     `json:",omitempty"`
	KnownCommands []string   `json:",omitempty"`
	Miss          bool       `json:",omitempty"`
	OutputID      []byte     `json:",omitempty"`
	Size          int64      `json:",omitempty"`
	Time          *time.Time `json:",omitempty"`
	DiskPath      string     `json:",omitempty"`
}

// entry: what the index file a-<actionid hex> holds, one line:
// "<outputid hex> <size> <unix nanos>".
type entry struct {
	outputID []byte
	size     int64
	time     time.Time
}

type helper struct {
	dir  string
	bugs map[string]bool
	out  *bufio.Writer
	enc  *json.Encoder

	// This life's history, for the planted bugs' conditions.
	puts map[string]int // ActionID -> puts in this life
	prev request        // the request before the current one
	// The previous object of each ActionID re-put in this life with a new body.
	oldObject map[string][]byte
	// Whether the current (previous) request was a 0-byte re-put of an
	// ActionID that held a non-empty body.
	emptyReput, prevEmptyReput bool
}

func main() {
	dir := flag.String("dir", "", "cache directory (created if missing)")
	bugs := flag.String("bugs", "reput-third,empty-then-get,close-stale", "planted bugs to enable (comma-separated, or none)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "cph-buggy-helper: --dir is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "cph-buggy-helper:", err)
		os.Exit(1)
	}
	h := &helper{
		dir:       *dir,
		bugs:      map[string]bool{},
		out:       bufio.NewWriter(os.Stdout),
		puts:      map[string]int{},
		oldObject: map[string][]byte{},
	}
	for _, b := range strings.Split(*bugs, ",") {
		switch b {
		case "none", "":
		case "reput-third", "empty-then-get", "close-stale":
			h.bugs[b] = true
		default:
			fmt.Fprintf(os.Stderr, "cph-buggy-helper: unknown bug %q\n", b)
			os.Exit(2)
		}
	}
	h.enc = json.NewEncoder(h.out)
	os.Exit(h.serve(bufio.NewReaderSize(os.Stdin, 1<<16)))
}

func (h *helper) reply(r *response) {
	if err := h.enc.Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, "cph-buggy-helper: encoding a reply:", err)
		os.Exit(1)
	}
	if err := h.out.Flush(); err != nil {
		os.Exit(1) // go went away
	}
}

func (h *helper) serve(in *bufio.Reader) int {
	h.reply(&response{KnownCommands: []string{"get", "put", "close"}})
	dec := json.NewDecoder(in)
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return 0
			}
			fmt.Fprintln(os.Stderr, "cph-buggy-helper: reading a request:", err)
			return 1
		}
		var body []byte
		if req.Command == "put" && req.BodySize > 0 {
			if err := dec.Decode(&body); err != nil {
				fmt.Fprintln(os.Stderr, "cph-buggy-helper: reading a put body:", err)
				return 1
			}
		}
		switch req.Command {
		case "get":
			h.reply(h.get(&req))
		case "put":
			h.reply(h.put(&req, body))
		case "close":
			h.close(&req)
			h.reply(&response{ID: req.ID})
			return 0
		default:
			h.reply(&response{ID: req.ID, Err: "unknown command " + strconv.Quote(req.Command)})
		}
		h.prevEmptyReput, h.emptyReput = h.emptyReput, false
		h.prev = req
	}
}

func (h *helper) indexPath(actionID []byte) string {
	return filepath.Join(h.dir, "a-"+hex.EncodeToString(actionID))
}

func (h *helper) objectPath(outputID []byte) string {
	return filepath.Join(h.dir, "o-"+hex.EncodeToString(outputID))
}

func (h *helper) lookup(actionID []byte) (entry, bool) {
	b, err := os.ReadFile(h.indexPath(actionID))
	if err != nil {
		return entry{}, false
	}
	f := strings.Fields(string(b))
	if len(f) != 3 {
		return entry{}, false
	}
	oid, err1 := hex.DecodeString(f[0])
	size, err2 := strconv.ParseInt(f[1], 10, 64)
	nanos, err3 := strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return entry{}, false
	}
	return entry{outputID: oid, size: size, time: time.Unix(0, nanos)}, true
}

// writeFile replaces path atomically (a temporary file, then a rename).
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func (h *helper) writeIndex(actionID []byte, e entry) error {
	line := fmt.Sprintf("%x %d %d\n", e.outputID, e.size, e.time.UnixNano())
	return writeFile(h.indexPath(actionID), []byte(line))
}

func (h *helper) get(req *request) *response {
	if len(req.ActionID) == 0 {
		return &response{ID: req.ID, Err: "get without an ActionID"}
	}
	e, ok := h.lookup(req.ActionID)
	if !ok {
		return &response{ID: req.ID, Miss: true}
	}
	path := h.objectPath(e.outputID)
	// Like most helpers, it trusts its index: the file's size and checksum
	// are the client's to check.
	if _, err := os.Stat(path); err != nil {
		return &response{ID: req.ID, Miss: true}
	}
	// Planted bug empty-then-get: a "compaction" that runs after an empty
	// re-put and trims the wrong object.
	if h.bugs["empty-then-get"] {
		if h.prev.Command == "put" {
			if h.prevEmptyReput {
				if string(h.prev.ActionID) != string(req.ActionID) {
					if e.size > 64 {
						if e.size%8 == 5 {
							if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
								writeFile(path, b[:len(b)-1])
							}
						}
					}
				}
			}
		}
	}
	t := e.time
	return &response{ID: req.ID, OutputID: e.outputID, Size: e.size, Time: &t, DiskPath: path}
}

func (h *helper) put(req *request, body []byte) *response {
	if len(req.ActionID) == 0 {
		return &response{ID: req.ID, Err: "put without an ActionID"}
	}
	if int64(len(body)) != req.BodySize {
		return &response{ID: req.ID, Err: fmt.Sprintf("put body has %d bytes, BodySize says %d", len(body), req.BodySize)}
	}
	sum := sha256.Sum256(body)
	outputID := req.OutputID
	if len(outputID) == 0 {
		outputID = req.ObjectID
	}
	if len(outputID) == 0 {
		outputID = sum[:]
	}
	if string(outputID) != string(sum[:]) {
		return &response{ID: req.ID, Err: "OutputID is not the SHA-256 of the body"}
	}
	key := string(req.ActionID)
	old, hadOld := h.lookup(req.ActionID)
	h.puts[key]++
	if hadOld && string(old.outputID) != string(outputID) {
		h.oldObject[key] = old.outputID
	} else {
		delete(h.oldObject, key)
	}
	h.emptyReput = hadOld && old.size > 0 && req.BodySize == 0

	stored := body
	// Planted bug reput-third: a "delta" path for bodies that keep changing,
	// which flips the first byte.
	if h.bugs["reput-third"] {
		if h.puts[key] == 4 {
			if req.BodySize%3 == 2 {
				if hadOld && string(old.outputID) != string(outputID) {
					if h.prev.Command == "put" && string(h.prev.ActionID) != key {
						stored = append([]byte(nil), body...)
						stored[0] ^= 0x01
					}
				}
			}
		}
	}
	path := h.objectPath(outputID)
	if err := writeFile(path, stored); err != nil {
		return &response{ID: req.ID, Err: "storing the body: " + err.Error()}
	}
	e := entry{outputID: outputID, size: req.BodySize, time: time.Now()}
	if err := h.writeIndex(req.ActionID, e); err != nil {
		return &response{ID: req.ID, Err: "storing the index: " + err.Error()}
	}
	return &response{ID: req.ID, OutputID: outputID, Size: req.BodySize, DiskPath: path}
}

func (h *helper) close(req *request) {
	// Planted bug close-stale: a "flush on close" that writes the index of
	// the last re-put from a stale copy.
	if h.bugs["close-stale"] {
		if h.prev.Command == "put" {
			if old, ok := h.oldObject[string(h.prev.ActionID)]; ok {
				if h.prev.BodySize > 0 {
					if h.prev.BodySize%16 == 0 {
						if e, ok := h.lookup(h.prev.ActionID); ok {
							e.outputID = old
							h.writeIndex(h.prev.ActionID, e)
						}
					}
				}
			}
		}
	}
}
