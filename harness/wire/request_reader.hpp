// The helper's side of the framing: reads go's requests from a byte stream.
//
//  tolerant (default): like a json.Decoder-based helper (go-cacher): a Request
//    value, then for BodySize > 0 a JSON string value holding base64, with any
//    whitespace between values.
//  strict: exactly the framing the go command writes: a JSON line, an empty
//    line, and for BodySize > 0 a line '"<base64>"'.
//
// Incremental and streaming: feed bytes in any chunks (byte by byte included)
// and the events are the same as for one-shot feeding; a put body is passed to
// the body callback in pieces as it is decoded, never held whole.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "wire/messages.hpp"

namespace cph::wire {

class RequestStreamReader {
 public:
  enum class Mode { tolerant, strict };
  struct Callbacks {
    // A request header was decoded. For BodySize > 0 its body follows.
    std::function<void(const Request&)> on_request;
    // The next decoded piece of the current request's body.
    std::function<void(std::string_view)> on_body_bytes;
    // The body of the current request ended (called only when BodySize > 0).
    std::function<void()> on_body_end;
  };
  enum class Status { ok, eof, error };

  RequestStreamReader(Mode mode, Callbacks callbacks);
  // Feed bytes; returns error (see error()) as soon as the stream is bad.
  Status feed(std::string_view bytes);
  // End of input: eof when it ended between requests, else error.
  Status finish();
  const std::string& error() const;  // Go-style text naming the byte offset
  int64_t offset() const;            // bytes consumed so far

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace cph::wire
