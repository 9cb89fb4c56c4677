// Decodes the helper's stdout as Go's client does: a json.Decoder reading one
// Response after another. Any whitespace (or none) between values, keys
// matched case-insensitively, unknown keys ignored, the last duplicate key
// wins, null leaves the zero value, and on a mismatch Go's own error text,
// e.g. "json: cannot unmarshal string into Go struct field Response.ID of
// type int64". The struct name follows the client profile ("ProgResponse"
// before Go 1.24, "Response" after), and so does the JSON dialect: with
// JsonDialect::v2 (Go 1.27+) the error texts are json v2's: syntax errors
// name a non-ASCII character by its whole rune ('é', '\u2028', '\xff'),
// "invalid character '\x01' in string", "invalid escape sequence `\q` in
// string" (a \u escape shown with up to 6 bytes, as far as the input goes),
// "exceeded max depth"; unmarshal errors as json_unmarshal.hpp says.
//
// Incremental: feed bytes in any chunks; the results are the same however the
// input is split, and the same as Go's for the concatenated input.
//
// A value in the plain shape helpers write is decoded by a one-pass fast path
// (wire/response_fast_path.hpp); anything else goes through the exact port of
// Go's scanner and unmarshaller. set_fast_path(false) forces the exact path
// (for differential tests and benchmarks).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wire/messages.hpp"

namespace cph::wire {

// The longest reply (one JSON value with the space before it) read by
// default before giving up: a helper writing one endless line would
// otherwise have every byte buffered. Raised with --max-reply-bytes.
inline constexpr size_t kDefaultMaxReplyBytes = size_t{64} << 20;

class ResponseStreamDecoder {
 public:
  enum class Status {
    value,      // `out` holds the next decoded Response
    need_more,  // no complete value yet: feed more, or finish()
    eof,        // finish() was called and only whitespace remained (Go: io.EOF)
    error,      // `error` holds Go's error text; the stream is dead, as in Go
  };
  explicit ResponseStreamDecoder(std::string struct_name = "Response", JsonDialect json = JsonDialect::v1);
  void feed(std::string_view bytes);
  void finish();  // the peer closed its stdout
  void set_fast_path(bool on);
  // A value (with the space before it) longer than this is an error,
  // "reply line longer than N bytes", once that many bytes of it are in
  // (0: no limit, the default for one-shot decoding).
  void set_max_value_bytes(size_t n);
  // Take the next result. Call repeatedly until need_more, eof or error.
  Status next(Response& out, std::string& error);
  // Bytes fed so far, and the offset of the end of the last value returned.
  int64_t fed() const;
  int64_t consumed() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// One-shot convenience over the stream decoder: decodes every value in `text`
// followed by EOF. Stops at the first error.
struct DecodedStream {
  std::vector<Response> values;
  std::string error;  // empty when the stream ended in a clean EOF
};
DecodedStream decode_responses(std::string_view text, const std::string& struct_name = "Response",
                               JsonDialect json = JsonDialect::v1);

}  // namespace cph::wire
