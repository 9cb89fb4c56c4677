// Command cphoracle answers, with Go's own encoding/json and
// encoding/base64, what the go command makes of helper output. It reads
// records from stdin, each a line "<mode> <length>\n" and then <length>
// bytes, and answers each with a line "<length>\n" and then that many bytes
// of output, normalized exactly as `cph decode` prints it.
//
// Modes: response:go1.21, response:go1.24, response:go1.25, base64.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"cphoracle/cache"
	"cphoracle/cacheprog"
)

// normalized is the shape `cph decode` prints for every decoded value.
type normalized struct {
	ID            int64
	Err           string
	KnownCommands []string
	Miss          bool
	OutputID      string
	Size          int64
	Time          *string
	DiskPath      string
}

func normalize(id int64, errText string, cmds []string, miss bool, out []byte, size int64, t *time.Time, path string) string {
	n := normalized{ID: id, Err: errText, KnownCommands: cmds, Miss: miss, OutputID: hex.EncodeToString(out), Size: size, DiskPath: path}
	if n.KnownCommands == nil {
		n.KnownCommands = []string{}
	}
	if t != nil {
		s := t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
		n.Time = &s
	}
	b, err := json.Marshal(n)
	if err != nil {
		panic(err)
	}
	return string(b) + "\n"
}

func decodeResponses(profile string, input []byte) string {
	var out strings.Builder
	dec := json.NewDecoder(bytes.NewReader(input))
	for {
		var line string
		var err error
		switch profile {
		case "go1.21":
			var r cache.ProgResponse
			if err = dec.Decode(&r); err == nil {
				cmds := make([]string, len(r.KnownCommands))
				for i, c := range r.KnownCommands {
					cmds[i] = string(c)
				}
				line = normalize(r.ID, r.Err, cmds, r.Miss, r.OutputID, r.Size, r.Time, r.DiskPath)
			}
		case "go1.24":
			var r cacheprog.ProgResponse
			if err = dec.Decode(&r); err == nil {
				cmds := make([]string, len(r.KnownCommands))
				for i, c := range r.KnownCommands {
					cmds[i] = string(c)
				}
				line = normalize(r.ID, r.Err, cmds, r.Miss, r.OutputID, r.Size, r.Time, r.DiskPath)
			}
		default:
			var r cacheprog.Response
			if err = dec.Decode(&r); err == nil {
				cmds := make([]string, len(r.KnownCommands))
				for i, c := range r.KnownCommands {
					cmds[i] = string(c)
				}
				line = normalize(r.ID, r.Err, cmds, r.Miss, r.OutputID, r.Size, r.Time, r.DiskPath)
			}
		}
		if err == io.EOF { // a clean end between values
			return out.String()
		}
		if err != nil {
			out.WriteString("error: " + err.Error() + "\n")
			return out.String()
		}
		out.WriteString(line)
	}
}

func decodeBase64(input []byte) string {
	b, err := base64.StdEncoding.DecodeString(string(input))
	s := hex.EncodeToString(b) + "\n"
	if err != nil {
		s += "error: " + err.Error() + "\n"
	}
	return s
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	for {
		header, err := in.ReadString('\n')
		if err == io.EOF && header == "" {
			return
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "cphoracle: reading record header:", err)
			os.Exit(2)
		}
		mode, lenText, ok := strings.Cut(strings.TrimSuffix(header, "\n"), " ")
		n, convErr := strconv.Atoi(lenText)
		if !ok || convErr != nil || n < 0 {
			fmt.Fprintf(os.Stderr, "cphoracle: bad record header %q\n", header)
			os.Exit(2)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(in, payload); err != nil {
			fmt.Fprintln(os.Stderr, "cphoracle: reading record payload:", err)
			os.Exit(2)
		}
		var answer string
		switch {
		case mode == "base64":
			answer = decodeBase64(payload)
		case strings.HasPrefix(mode, "response:"):
			answer = decodeResponses(strings.TrimPrefix(mode, "response:"), payload)
		default:
			fmt.Fprintf(os.Stderr, "cphoracle: unknown mode %q\n", mode)
			os.Exit(2)
		}
		fmt.Fprintf(out, "%d\n%s", len(answer), answer)
	}
}
