// cph-buggy-helper: a correct, disk-backed GOCACHEPROG helper with three
// planted bugs, for coverage-guided fuzzing (issue 20). Each bug stores or
// serves wrong bytes, so the fuzzer's model sees it (a put's DiskPath, a
// later get, or the DiskPaths checked at close). All three live in the
// helper's warm-up, its first 12 requests after a start, and each is a
// ladder of three steps taken in order (not necessarily one right after
// the other) within it. Each step is its own `if`, so `go build -cover`
// counters show a fuzzer every step it reached, and each is one byte
// mutation away from an input that reached the one before
// (fuzzer/op_bytes.hpp: a size byte says 0..191 bytes directly, 192..255
// whole KiB; a tag byte the kind; a key byte which stored key). The
// conditions depend only on the request stream (never on timing), so a
// finding replays. "Mid-size" is 65..127 bytes, "large" 128..191, "whole
// KiB" a nonzero multiple of 1024.
//
//	size-ladder   a put of a mid-size body, later a large one, later
//	              another large one: that one is stored with its first
//	              byte flipped.
//	warm-get      a put of a new ActionID A with a whole KiB, later a put
//	              of another new ActionID with a mid-size body, later a get
//	              of A: A's object loses its last byte before it is served.
//	miss-reput    a get that misses, later a re-put of an ActionID with a
//	              new mid-size or large body, later the same put again (as
//	              go re-puts): the object the re-put replaced is
//	              overwritten with the re-put's body (its DiskPath, returned
//	              earlier, then holds other bytes).
//
// Why `cph fuzz` misses them (harness/fuzzer/generator.cpp, no --hostile):
// its helper lives are long (a close 1 op in 1000, a kill 1 in 2000, a new
// helper per round of 2000 ops: 580 helper starts in 300,000 operations
// with seed 1), so few requests fall in a warm-up, and there its draws
// rarely take the steps. Per operation: a put 45 % (of a new ActionID 3/4 of
// them once keys exist; a re-put with the same body 0.45*0.25*0.7), a get
// 55 % (15 % of them of a key never put: a miss); a body size is 0 (5 %),
// 1..64 (60 %), 1..4096 (25 %), 1..65536 (9.5 %), so mid-size has
// p = 0.25*63/4096 + 0.095*63/65536 = 0.0039, large 0.0040, whole KiB
// 0.25*4/4096 + 0.095*64/65536 = 3.4e-4. In one warm-up (C(12,3) = 220
// choices of the three requests; N the ActionIDs stored, about 3 in a
// round's first life and hundreds in a later one):
//
//	size-ladder  220 (0.45*0.0039) (0.45*0.0040)^2                     = 1.3e-6
//	warm-get     220 (0.34*3.4e-4) (0.34*0.0039) (0.55*0.85/N)         = 1.6e-5/N
//	miss-reput   220 (0.55*0.15) (0.45*0.25*0.3*0.0079) (0.45*0.25*0.7/N) = 3.8e-4/N
//
// so over 580 lives (150 of them a round's first, N about 3; the others
// N over 100): 7e-4, 9e-4 and 0.021. A random campaign of 300,000
// operations (10 minutes at 500 ops/s) finds one of them with probability
// about 2 %, nearly all of it miss-reput in a round's first life: seed 1
// finds none (measured; docs/fuzzer.md "Proof"). For libFuzzer every life
// is a warm-up, and a byte mutation takes a step with p 1/4 (a size band),
// 22/256 (a whole KiB), 1/16 (a kind) or 1/n (a key among the n stored).
//
// Usage: cph-buggy-helper --dir DIR [--bugs size-ladder,warm-get,miss-reput|none]
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

	// The planted bugs' ladders: requests served in this life, the step
	// each ladder reached (0: none), and what a step remembers.
	requests  int
	sizeStep  int
	warmStep  int
	warmA     []byte // warm-get: A, the ActionID of its first step
	missStep  int
	reputKey  []byte // miss-reput: the re-put ActionID,
	reputOld  []byte // the OutputID its re-put replaced,
	reputBody []byte // the re-put's body
	reputNew  []byte // and its OutputID
}

func main() {
	dir := flag.String("dir", "", "cache directory (created if missing)")
	bugs := flag.String("bugs", "size-ladder,warm-get,miss-reput", "planted bugs to enable (comma-separated, or none)")
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
		dir:  *dir,
		bugs: map[string]bool{},
		out:  bufio.NewWriter(os.Stdout),
	}
	for _, b := range strings.Split(*bugs, ",") {
		switch b {
		case "none", "":
		case "size-ladder", "warm-get", "miss-reput":
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
		h.requests++
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
			h.reply(&response{ID: req.ID})
			return 0
		default:
			h.reply(&response{ID: req.ID, Err: "unknown command " + strconv.Quote(req.Command)})
		}
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

// warmUp: the planted bugs' ladders count only in a life's first requests.
const warmUp = 12

func (h *helper) warm() bool { return h.requests <= warmUp }

func midSize(n int64) bool   { return n >= 65 && n <= 127 }
func largeSize(n int64) bool { return n >= 128 && n <= 191 }

func (h *helper) get(req *request) *response {
	if len(req.ActionID) == 0 {
		return &response{ID: req.ID, Err: "get without an ActionID"}
	}
	e, ok := h.lookup(req.ActionID)
	path := ""
	if ok {
		path = h.objectPath(e.outputID)
		// Like most helpers, it trusts its index: the file's size and
		// checksum are the client's to check.
		if _, err := os.Stat(path); err != nil {
			ok = false
		}
	}
	if !ok {
		// miss-reput, step 1: a miss.
		if h.bugs["miss-reput"] && h.warm() {
			if h.missStep == 0 {
				h.missStep = 1
			}
		}
		return &response{ID: req.ID, Miss: true}
	}
	// Planted bug warm-get, step 3: a get of A; a "warm-up read-ahead" that
	// trims the object.
	if h.bugs["warm-get"] && h.warm() {
		if h.warmStep == 2 {
			if string(req.ActionID) == string(h.warmA) {
				if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
					writeFile(path, b[:len(b)-1])
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
	old, hadOld := h.lookup(req.ActionID)
	newBody := hadOld && string(old.outputID) != string(outputID)

	stored := body
	// Planted bug size-ladder: a "warm-up write buffer" that flips the
	// first byte of a large body after a mid-size and a large one.
	if h.bugs["size-ladder"] && h.warm() {
		switch h.sizeStep {
		case 0:
			if midSize(req.BodySize) { // step 1
				h.sizeStep = 1
			}
		case 1:
			if largeSize(req.BodySize) { // step 2
				h.sizeStep = 2
			}
		case 2:
			if largeSize(req.BodySize) { // step 3
				stored = append([]byte(nil), body...)
				stored[0] ^= 0x01
			}
		}
	}
	// warm-get, steps 1 and 2: a whole-KiB put of a new ActionID A, then a
	// mid-size put of another new ActionID. Step 3 is in get.
	if h.bugs["warm-get"] && h.warm() && !hadOld {
		switch h.warmStep {
		case 0:
			if req.BodySize >= 1024 && req.BodySize%1024 == 0 { // step 1
				h.warmStep = 1
				h.warmA = append([]byte(nil), req.ActionID...)
			}
		case 1:
			if midSize(req.BodySize) { // step 2
				h.warmStep = 2
			}
		}
	}
	// miss-reput, step 2: after the miss, a re-put with a new body of
	// 65..191 bytes. Step 3 is below, once this put is stored.
	reputAgain := false
	if h.bugs["miss-reput"] && h.warm() {
		switch h.missStep {
		case 1:
			if newBody {
				if midSize(req.BodySize) || largeSize(req.BodySize) { // step 2
					h.missStep = 2
					h.reputKey = append([]byte(nil), req.ActionID...)
					h.reputOld = old.outputID
					h.reputBody = append([]byte(nil), body...)
					h.reputNew = outputID
				}
			}
		case 2:
			if string(req.ActionID) == string(h.reputKey) {
				if string(outputID) == string(h.reputNew) { // step 3: the same put again
					reputAgain = true
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
	// Planted bug miss-reput, step 3: the same put again (as go re-puts); a
	// "deduplication" that rewrites the object the re-put replaced with the
	// re-put's body.
	if h.bugs["miss-reput"] {
		if reputAgain {
			writeFile(h.objectPath(h.reputOld), h.reputBody)
		}
	}
	return &response{ID: req.ID, OutputID: outputID, Size: req.BodySize, DiskPath: path}
}
