// cph-buggy-helper: a correct, disk-backed GOCACHEPROG helper with three
// planted bugs, for coverage-guided fuzzing (issue 20). Each bug stores or
// serves wrong bytes, so the fuzzer's model sees it (a put's DiskPath, a
// later get, or the DiskPaths checked at close). Each condition is a ladder
// of three steps over consecutive requests of one helper life; each step is
// its own `if`, so `go build -cover` counters show a fuzzer every step it
// reached, and each step is one byte mutation away from an input that
// reached the one before (fuzzer/op_bytes.hpp: a size byte says 0..191
// directly, 192..255 whole KiB; a tag byte says the kind). The conditions
// depend only on the request stream (never on timing), so a finding replays.
// "Mid-size" is 65..127 bytes, "large" 128..191, "whole KiB" a nonzero
// multiple of 1024.
//
//	size-ladder   three puts in a row: mid-size, large, then whole KiB: the
//	              third is stored with its first byte flipped.
//	get-two-back  a put of a new ActionID A (large), a put of a new
//	              ActionID (mid-size), then a get of A: A's object loses its
//	              last byte before it is served.
//	miss-reput    a get that misses, a re-put of an ActionID with a new
//	              mid-size or large body, then another put of that ActionID:
//	              the body it replaced is overwritten with the new one (its
//	              DiskPath, returned earlier, then holds other bytes).
//
// What `cph fuzz` (harness/fuzzer/generator.cpp, no --hostile) draws per
// operation: a put 45 % (a new ActionID 3/4 of them, once keys exist), a get
// 55 % (15 % of them of a key never put: a miss); a body size is 0 (5 %),
// 1..64 (60 %), 1..4096 (25 %), 1..65536 (9.5 %), so mid-size has
// p = 0.25*63/4096 + 0.095*63/65536 = 0.0039, large 0.0040, whole KiB
// 0.25*4/4096 + 0.095*64/65536 = 3.4e-4. At one position of a session:
//
//	size-ladder   (0.45*0.0039) (0.45*0.0040) (0.45*3.4e-4)       = 4.9e-10
//	get-two-back  (0.34*0.0040) (0.34*0.0039) (0.55*0.85/N)       = 8.4e-7/N
//	miss-reput    (0.55*0.15) (0.45*0.25*0.3*0.0079) (0.45*0.25/N) = 2.5e-6/N
//
// with N the ActionIDs stored so far in the round (up to ~700 in a round of
// 2000 ops; the mean of 1/N over a round is about 0.01). Over 180,000
// operations (10 minutes at 300 ops/s) that is 9e-5, 1.5e-3 and 4.5e-3: a
// random campaign of that length misses all three with probability 99.4 %.
// libFuzzer's byte mutations reach each step with p 1/4 (a size band), 1/12
// (a whole KiB: 22 of 256 size bytes) or about 1/16 times 1/n (a kind; a
// key among the n of a life).
//
// Usage: cph-buggy-helper --dir DIR [--bugs size-ladder,get-two-back,miss-reput|none]
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

	// The planted bugs' ladders: the step each reached with the previous
	// request (0: none), and what a step remembers for the next.
	sizeStep  int
	twoBack   int
	twoBackA  []byte // get-two-back: A, the ActionID of its first put
	missReput int
	reputKey  []byte // miss-reput: the re-put ActionID,
	reputOld  []byte // the OutputID its re-put replaced,
	reputBody []byte // and the re-put's body
}

func main() {
	dir := flag.String("dir", "", "cache directory (created if missing)")
	bugs := flag.String("bugs", "size-ladder,get-two-back,miss-reput", "planted bugs to enable (comma-separated, or none)")
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
		case "size-ladder", "get-two-back", "miss-reput":
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
			h.reply(&response{ID: req.ID})
			return 0
		default:
			h.takeSteps()
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

// steps: where the ladders stood before the current request. Every request
// ends every ladder it does not advance.
type steps struct{ size, twoBack, missReput int }

func (h *helper) takeSteps() steps {
	s := steps{h.sizeStep, h.twoBack, h.missReput}
	h.sizeStep, h.twoBack, h.missReput = 0, 0, 0
	return s
}

func midSize(n int64) bool   { return n >= 65 && n <= 127 }
func largeSize(n int64) bool { return n >= 128 && n <= 191 }

func (h *helper) get(req *request) *response {
	prev := h.takeSteps()
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
		if h.bugs["miss-reput"] {
			h.missReput = 1
		}
		return &response{ID: req.ID, Miss: true}
	}
	// Planted bug get-two-back, step 3: a get of the ActionID put two
	// requests ago; a "read-ahead" that trims the wrong object.
	if h.bugs["get-two-back"] {
		if prev.twoBack == 2 {
			if string(req.ActionID) == string(h.twoBackA) {
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
	prev := h.takeSteps()
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
	// Planted bug size-ladder: a "block-aligned fast path" entered after a
	// run of growing bodies, which flips the first byte.
	if h.bugs["size-ladder"] {
		if prev.size == 2 { // step 3: a whole number of KiB
			if req.BodySize >= 1024 && req.BodySize%1024 == 0 {
				stored = append([]byte(nil), body...)
				stored[0] ^= 0x01
			}
		}
		if prev.size == 1 { // step 2: large
			if largeSize(req.BodySize) {
				h.sizeStep = 2
			}
		}
		if midSize(req.BodySize) { // step 1: mid-size
			h.sizeStep = 1
		}
	}
	// get-two-back, steps 1 and 2: a large put of a new ActionID A, then a
	// mid-size put of another new ActionID.
	if h.bugs["get-two-back"] {
		if !hadOld {
			if prev.twoBack == 1 {
				if midSize(req.BodySize) {
					h.twoBack = 2
				}
			}
			if largeSize(req.BodySize) {
				h.twoBack = 1
				h.twoBackA = append([]byte(nil), req.ActionID...)
			}
		}
	}
	// miss-reput, step 2: right after a miss, a re-put with a new body of
	// 65..191 bytes. Step 3 is below, once this put is stored.
	reputAgain := prev.missReput == 2 && string(req.ActionID) == string(h.reputKey)
	if h.bugs["miss-reput"] {
		if prev.missReput == 1 {
			if newBody {
				if midSize(req.BodySize) || largeSize(req.BodySize) {
					h.missReput = 2
					h.reputKey = append([]byte(nil), req.ActionID...)
					h.reputOld = old.outputID
					h.reputBody = append([]byte(nil), body...)
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
	// Planted bug miss-reput, step 3: another put of the re-put ActionID; a
	// "deduplication" that rewrites the object the re-put replaced with the
	// re-put's body.
	if h.bugs["miss-reput"] {
		if reputAgain {
			writeFile(h.objectPath(h.reputOld), h.reputBody)
		}
	}
	return &response{ID: req.ID, OutputID: outputID, Size: req.BodySize, DiskPath: path}
}
