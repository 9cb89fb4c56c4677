// The fast path of ResponseStreamDecoder: one Response in the shape helpers
// actually write (Go's json.Encoder output: known keys spelled exactly, no
// duplicates, no whitespace inside, plain values) decoded in one pass with
// no scanner. Anything else (an escape, a non-ASCII byte, null, an unknown or
// repeated key, a number with a fraction, a bad base64 or time, a value cut
// off by the end of the input) makes it decline, and the exact Go port
// decodes the bytes instead; so results and error texts stay Go's.
#pragma once
#include <cstddef>
#include <string_view>

#include "wire/messages.hpp"

namespace cph::wire {

// Decodes the value starting at in[0] (leading JSON whitespace allowed).
// Returns the bytes consumed through the closing '}', with `out` set; or 0
// when it declines (then `out` is unspecified).
size_t decode_plain_response(std::string_view in, Response& out);

}  // namespace cph::wire
