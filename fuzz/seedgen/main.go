// Command seedgen writes the seed corpora of the wire fuzz targets from what
// Go's own encoding/json and encoding/base64 produce, so the seeds are the
// bytes real `go` commands and Go helpers write. Run it once from the
// repository root: (cd fuzz/seedgen && go run . ../corpus); the output is
// committed. Every seed starts with the two header bytes the targets expect
// (fuzz/chunked_input.hpp): flags, then the chunking plan.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The cacheprog wire types, as in cmd/go/internal/cacheprog (Go 1.24 keeps
// the deprecated ObjectID as the last request field).
type Request struct {
	ID       int64
	Command  string
	ActionID []byte `json:",omitempty"`
	OutputID []byte `json:",omitempty"`
	BodySize int64  `json:",omitempty"`
	ObjectID []byte `json:",omitempty"`
}

// Go 1.21-1.23's request: ObjectID instead of OutputID.
type OldRequest struct {
	ID       int64
	Command  string
	ActionID []byte `json:",omitempty"`
	ObjectID []byte `json:",omitempty"`
	BodySize int64  `json:",omitempty"`
}

type Response struct {
	ID            int64
	Err           string     `json:",omitempty"`
	KnownCommands []string   `json:",omitempty"`
	Miss          bool       `json:",omitempty"`
	OutputID      []byte     `json:",omitempty"`
	Size          int64      `json:",omitempty"`
	Time          *time.Time `json:",omitempty"`
	DiskPath      string     `json:",omitempty"`
}

var outDir string

func write(target, name string, flags, plan byte, payload []byte) {
	dir := filepath.Join(outDir, target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		panic(err)
	}
	data := append([]byte{flags, plan}, payload...)
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		panic(err)
	}
}

// encodeLine is what json.Encoder writes: the value and a newline.
func encodeLine(v any) []byte {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// putFrame is what the go command writes for a request: the JSON line, an
// empty line, and for a body the quoted base64 line.
func putFrame(req any, body []byte) []byte {
	b := encodeLine(req)
	b = append(b, '\n')
	if len(body) > 0 {
		b = append(b, '"')
		b = append(b, base64.StdEncoding.EncodeToString(body)...)
		b = append(b, '"', '\n')
	}
	return b
}

func sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

func base64Seeds() {
	bodies := [][]byte{nil, []byte("f"), []byte("fo"), []byte("foo"), []byte("foob"), []byte("fooba"), []byte("foobar"),
		bytes.Repeat([]byte{0xff, 0x00, 0x7f}, 40), []byte("package main\n\nfunc main() {}\n")}
	for i, b := range bodies {
		enc := base64.StdEncoding.EncodeToString(b)
		write("fuzz_base64", fmt.Sprintf("std-%d", i), 0, byte(i*37), []byte(enc))
	}
	// What Go decodes with skipped newlines, what it rejects, and where
	// OpenSSL's decoders differ (blanks, '=' inside, '-').
	tricky := []string{"Zm9v\r\nYmFy", "Zg=\n=", "Zm8=\r\n", "Zg==Zg==", "Zg=", "Zg", "Z", "Zm9v YmFy", "Zm\t9v",
		"A=AA", "Zm9v-", "====", "Zm9\n", "!!!!", "Zm9vYmFy\n\n\n", "Zg==\nx"}
	for i, s := range tricky {
		write("fuzz_base64", fmt.Sprintf("tricky-%d", i), 0, byte(i*11), []byte(s))
	}
	// Raw bytes to encode (the payload is also encoded by the target).
	write("fuzz_base64", "raw-binary", 0, 3, []byte{0, 1, 2, 0xfe, 0xff, '\n', '\r', '='})
}

func responseSeeds() {
	t := time.Date(2024, 1, 2, 3, 4, 5, 6, time.FixedZone("", 3600))
	body := []byte("hello")
	responses := []Response{
		{ID: 0, KnownCommands: []string{"get", "put", "close"}},
		{ID: 1, Miss: true},
		{ID: 2, OutputID: sum(body), Size: int64(len(body)), Time: &t, DiskPath: "/tmp/cache/o/2c"},
		{ID: 3, Err: "disk full <&> \u2028 \x01"},
		{ID: 4, OutputID: sum(nil), DiskPath: "/tmp/x"},
		{ID: 9223372036854775807, Size: -1},
	}
	var stream []byte
	for i, r := range responses {
		line := encodeLine(r)
		stream = append(stream, line...)
		write("fuzz_response_decoder", fmt.Sprintf("go-response-%d", i), 0, byte(i*29), line)
	}
	write("fuzz_response_decoder", "go-stream", 0, 0x07, stream)
	write("fuzz_response_decoder", "go-stream-bytewise", 1, 0x00, stream)
	indented, _ := json.MarshalIndent(responses[2], "", "  ")
	write("fuzz_response_decoder", "go-indented", 0, 0x42, indented)
	// What the decoder must take as Go does, or reject with Go's text.
	hand := map[string]string{
		"case-folded-keys":   `{"id":1,"mIsS":true,"diskpath":"/a","outputid":"AAEC","SIZE":3,"known\u212aommands":null}`,
		"duplicate-keys":     `{"ID":1,"ID":2,"Err":"a","Err":""}`,
		"unknown-keys":       `{"ID":1,"Extra":{"a":[1,2,{"b":null}]},"X":-0.5e+10}`,
		"nulls":              `{"ID":null,"KnownCommands":null,"Time":null,"OutputID":null}`,
		"no-whitespace":      `{"ID":1}{"ID":2}[]{"ID":3}`,
		"type-mismatch":      `{"ID":"1","Miss":1,"Size":1.5,"KnownCommands":"get"}`,
		"bad-time":           `{"ID":1,"Time":"2024-13-01T00:00:00Z"}`,
		"time-offsets":       `{"ID":1,"Time":"2024-02-29T23:59:60.123456789-07:30"}`,
		"bad-base64":         `{"ID":1,"OutputID":"AB\r\nC="}`,
		"surrogates":         `{"ID":1,"Err":"\ud800\udc00 \ud800 \uDFFF \u00e9"}`,
		"invalid-utf8":       "{\"ID\":1,\"Err\":\"\xff\xc0\x80\xed\xa0\x80\"}",
		"syntax-error":       `{"ID":1,}`,
		"truncated":          `{"ID":1,"Err":"ab`,
		"top-level-number":   `123`,
		"deep-nesting":       `{"X":[[[[[[[[[[[[[[[[{"a":[[[[]]]]}]]]]]]]]]]]]]]]]}`,
		"int-edges":          `{"ID":-9223372036854775808,"Size":9223372036854775808}`,
		"leading-zero":       `{"ID":01}`,
		"exponent-int":       `{"ID":1e2}`,
		"escapes":            `{"ID":1,"DiskPath":"\/a\\b\"c\n\t\b\f\r\u0041"}`,
		"whitespace-between": " \t\r\n{\"ID\":1}\n\n  \r\t{\"ID\":2} ",
		"literals":           `{"ID":1,"Miss":true,"X":[true,false,null,tru]}`,
	}
	for name, s := range hand {
		write("fuzz_response_decoder", name, byte(len(name)&1), byte(len(name)*13), []byte(s))
	}
}

func requestSeeds() {
	body := []byte("package p\n\nvar X = 1\n")
	action := sum([]byte("action"))
	frames := map[string][]byte{
		"get":            putFrame(Request{ID: 1, Command: "get", ActionID: action}, nil),
		"put":            putFrame(Request{ID: 2, Command: "put", ActionID: action, OutputID: sum(body), BodySize: int64(len(body))}, body),
		"put-empty":      putFrame(Request{ID: 3, Command: "put", ActionID: action, OutputID: sum(nil)}, nil),
		"close":          putFrame(Request{ID: 4, Command: "close"}, nil),
		"put-go1.24-exp": putFrame(Request{ID: 5, Command: "put", ActionID: action, OutputID: sum(body), BodySize: int64(len(body)), ObjectID: sum(body)}, body),
		"put-go1.21":     putFrame(OldRequest{ID: 6, Command: "put", ActionID: action, ObjectID: sum(body), BodySize: int64(len(body))}, body),
		"put-binary":     putFrame(Request{ID: 7, Command: "put", ActionID: action, OutputID: sum(bytes.Repeat([]byte{0, 0xff}, 100)), BodySize: 200}, bytes.Repeat([]byte{0, 0xff}, 100)),
	}
	var session []byte
	for _, k := range []string{"get", "put", "put-empty", "put-binary", "close"} {
		session = append(session, frames[k]...)
	}
	frames["session"] = session
	for name, f := range frames {
		// Flag bit 0 picks strict framing; seed both modes.
		write("fuzz_request_reader", name+"-tolerant", 0, byte(len(name)*7), f)
		write("fuzz_request_reader", name+"-strict", 1, byte(len(name)*5+1), f)
	}
	// A json.Decoder-based helper accepts these, strict framing does not.
	loose := map[string]string{
		"compact":       `{"ID":1,"Command":"put","BodySize":3}"Zm9v"{"ID":2,"Command":"close"}`,
		"spaced-body":   "{\"ID\":1,\"Command\":\"put\",\"BodySize\":3}\n\n  \"Zm9v\"  \n",
		"body-too-long": "{\"ID\":1,\"Command\":\"put\",\"BodySize\":2}\n\n\"Zm9v\"\n",
		"body-not-str":  "{\"ID\":1,\"Command\":\"put\",\"BodySize\":3}\n\n123\n",
		"negative-size": "{\"ID\":1,\"Command\":\"put\",\"BodySize\":-3}\n\n",
		"bad-base64":    "{\"ID\":1,\"Command\":\"put\",\"BodySize\":3}\n\n\"Zm9*\"\n",
		"escaped-body":  "{\"ID\":1,\"Command\":\"put\",\"BodySize\":3}\n\n\"Zm\\u0039v\"\n",
		"truncated":     "{\"ID\":1,\"Command\":\"put\",\"BodySize\":3}\n\n\"Zm",
		"garbage":       "GET / HTTP/1.1\r\n\r\n",
	}
	for name, s := range loose {
		write("fuzz_request_reader", name+"-tolerant", 0, byte(len(name)*3), []byte(s))
		write("fuzz_request_reader", name+"-strict", 1, byte(len(name)*3+2), []byte(s))
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: seedgen CORPUS-DIR")
		os.Exit(2)
	}
	outDir = os.Args[1]
	base64Seeds()
	responseSeeds()
	requestSeeds()
}
