// Standard base64 (RFC 4648, with padding) with exactly the results and error
// offsets of Go's encoding/base64.StdEncoding: '\r' and '\n' are skipped, and
// the first bad byte is reported as "illegal base64 data at input byte N".
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cph::base64 {

size_t encoded_len(size_t n);
std::string encode(std::string_view bytes);

struct DecodeError {
  int64_t offset = 0;           // byte offset in the input, as Go's CorruptInputError
  std::string message() const;  // "illegal base64 data at input byte N"
};

// One-shot decode, as base64.StdEncoding.DecodeString. On error, `out` holds
// the bytes Go would have written before the error.
std::optional<DecodeError> decode(std::string_view text, std::string& out);

// Streaming: feed encoded text in any chunks, get decoded bytes through the
// sink. The result and the error offset are the same as one-shot decoding of
// the concatenated input.
class StreamDecoder {
 public:
  using Sink = std::function<void(std::string_view)>;
  explicit StreamDecoder(Sink sink);
  // Returns the error as soon as it is certain; afterwards feed() is a no-op.
  std::optional<DecodeError> feed(std::string_view text);
  std::optional<DecodeError> finish();  // end of input
  int64_t consumed() const;             // input bytes fed so far
 private:
  friend std::optional<DecodeError> decode(std::string_view, std::string&);
  // feed() without the sink: appends the decoded bytes to `out` (one-shot
  // decode writes straight into its result).
  std::optional<DecodeError> feed_into(std::string_view text, std::string& out);
  Sink sink_;
  std::string out_;       // feed()'s output, reused so feeding allocates once
  uint32_t quantum_ = 0;  // the current quantum's symbol values, 6 bits each
  int quantum_len_ = 0;   // symbols in quantum_ (0..3)
  int64_t consumed_ = 0;
  int phase_ = 0;  // symbols, second '=' expected, after the padding
  std::optional<DecodeError> error_;
};

// Streaming encoder: bytes in, base64 text out through the sink.
class StreamEncoder {
 public:
  using Sink = std::function<void(std::string_view)>;
  explicit StreamEncoder(Sink sink);
  void feed(std::string_view bytes);
  void finish();  // writes the final quantum with padding
 private:
  Sink sink_;
  std::string out_;                // feed()'s output buffer; grows, never shrinks
  unsigned char pending_[3] = {};  // bytes of an unfinished quantum
  size_t pending_len_ = 0;
};

}  // namespace cph::base64
