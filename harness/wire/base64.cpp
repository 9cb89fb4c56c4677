// Standard base64, ported from the behaviour of Go's encoding/base64
// (Encoding.Decode and decodeQuantum) so that results and error offsets match
// byte for byte, including Go's quirks:
//  - input ending inside a quantum reports offset len(input) - (symbols read),
//    which can point at a '\n' that was skipped;
//  - "xx=" followed by something other than '=' reports the byte *before* it;
//  - after the padding only '\r' and '\n' may follow; the quantum's bytes are
//    still written when trailing garbage is reported.
#include "wire/base64.hpp"
#include "wire/base64_fast.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace cph::base64 {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<uint8_t, 256> make_decode_map() {
  std::array<uint8_t, 256> m{};
  for (auto& v : m) v = 0xff;
  for (int i = 0; i < 64; ++i) m[static_cast<unsigned char>(kAlphabet[i])] = static_cast<uint8_t>(i);
  return m;
}
constexpr auto kDecodeMap = make_decode_map();

// Writes the 4 characters of a quantum of n (1..3) bytes; returns 4.
size_t encode_quantum(const unsigned char* in, size_t n, char* out) {
  uint32_t v = uint32_t(in[0]) << 16;
  if (n > 1) v |= uint32_t(in[1]) << 8;
  if (n > 2) v |= uint32_t(in[2]);
  out[0] = kAlphabet[v >> 18 & 63];
  out[1] = kAlphabet[v >> 12 & 63];
  out[2] = n > 1 ? kAlphabet[v >> 6 & 63] : '=';
  out[3] = n > 2 ? kAlphabet[v & 63] : '=';
  return 4;
}

}  // namespace

size_t encoded_len(size_t n) { return (n + 2) / 3 * 4; }

std::string encode(std::string_view bytes) {
  std::string out;
  out.reserve(encoded_len(bytes.size()));
  fast::encode_append(bytes, out);
  return out;
}

std::string DecodeError::message() const { return "illegal base64 data at input byte " + std::to_string(offset); }

std::optional<DecodeError> decode(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size() / 4 * 3);
  StreamDecoder d(nullptr);
  if (auto e = d.feed_into(text, out)) return e;
  return d.finish();
}

// The streaming decoder walks Go's decodeQuantum as a state machine:
// quantum_ holds the current quantum's symbol values and phase_ is the
// padding phase below. What needs the total length (an unfinished quantum)
// is resolved in finish(). Nothing here allocates per call: a stream fed one
// byte at a time (the fuzzer's chunking, a slow pipe) costs a few
// instructions per byte.
namespace {
enum Phase : int { kSymbols = 0, kSecondPad = 1, kAfterPad = 2 };
}

StreamDecoder::StreamDecoder(Sink sink) : sink_(std::move(sink)) {}

std::optional<DecodeError> StreamDecoder::feed(std::string_view text) {
  if (error_) return error_;
  out_.clear();
  auto err = feed_into(text, out_);
  if (!out_.empty()) sink_(out_);
  return err;
}

std::optional<DecodeError> StreamDecoder::feed_into(std::string_view text, std::string& out) {
  if (error_) return error_;
  // dlen symbols in quantum_ (the rest zero) -> dlen-1 bytes.
  auto emit = [&](int dlen) {
    const uint32_t v = quantum_ << (6 * (4 - dlen));
    const char bytes[3] = {char(v >> 16), char(v >> 8), char(v)};
    out.append(bytes, static_cast<size_t>(dlen - 1));
    quantum_ = 0;
    quantum_len_ = 0;
  };
  auto fail = [&](int64_t offset) {
    error_ = DecodeError{offset};
    return error_;
  };
  // Whole quanta of plain alphabet characters go through the fast kernels;
  // everything irregular (line breaks, padding, a bad byte, the tail) is left
  // to the exact loop below, so results and error offsets stay Go's.
  size_t i = 0;
  if (quantum_len_ == 0 && phase_ == kSymbols && text.size() >= 4) i = fast::decode_prefix_append(text, out);
  for (; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const int64_t pos = consumed_ + static_cast<int64_t>(i);
    if (c == '\n' || c == '\r') continue;       // skipped in every phase
    if (phase_ == kAfterPad) return fail(pos);  // trailing garbage
    if (phase_ == kSecondPad) {
      if (c != '=') return fail(pos - 1);  // Go reports the byte before
      emit(2);                             // two symbols and "==" -> one byte
      phase_ = kAfterPad;
      continue;
    }
    const uint8_t v = kDecodeMap[c];
    if (v != 0xff) {
      quantum_ = quantum_ << 6 | v;
      if (++quantum_len_ == 4) emit(4);
      continue;
    }
    if (c != '=' || quantum_len_ < 2) return fail(pos);
    if (quantum_len_ == 2) {
      phase_ = kSecondPad;
    } else {
      emit(3);  // three symbols and one '=' -> two bytes
      phase_ = kAfterPad;
    }
  }
  consumed_ += static_cast<int64_t>(text.size());
  return std::nullopt;
}

std::optional<DecodeError> StreamDecoder::finish() {
  if (error_) return error_;
  if (phase_ == kSecondPad) {
    error_ = DecodeError{consumed_};  // "not enough padding": len(src)
  } else if (phase_ == kSymbols && quantum_len_ > 0) {
    error_ = DecodeError{consumed_ - quantum_len_};
  }
  return error_;
}

int64_t StreamDecoder::consumed() const { return consumed_; }

StreamEncoder::StreamEncoder(Sink sink) : sink_(std::move(sink)) {}

// out_ only grows: it is a buffer, and its first out_len bytes the text of
// this call (resizing it down and up again would zero-fill it every time).
void StreamEncoder::feed(std::string_view bytes) {
  if (pending_len_ + bytes.size() < 3) {  // no whole quantum yet (nor bytes to copy, maybe)
    if (!bytes.empty()) std::memcpy(pending_ + pending_len_, bytes.data(), bytes.size());
    pending_len_ += bytes.size();
    return;
  }
  const size_t first = pending_len_ > 0 ? 3 - pending_len_ : 0;  // bytes that complete the pending quantum
  const size_t whole = (bytes.size() - first) / 3 * 3;
  const size_t need = 4 + encoded_len(whole) + fast::kOutputSlack;
  if (out_.size() < need) out_.resize(need);
  size_t out_len = 0;
  if (pending_len_ > 0) {
    std::memcpy(pending_ + pending_len_, bytes.data(), first);
    out_len = encode_quantum(pending_, 3, out_.data());
  }
  if (whole > 0)
    out_len +=
        fast::encode_to(reinterpret_cast<const unsigned char*>(bytes.data() + first), whole, out_.data() + out_len);
  pending_len_ = bytes.size() - first - whole;
  std::memcpy(pending_, bytes.data() + first + whole, pending_len_);
  sink_(std::string_view(out_.data(), out_len));
}

void StreamEncoder::finish() {
  if (pending_len_ == 0) return;
  char text[4];
  encode_quantum(pending_, pending_len_, text);
  pending_len_ = 0;
  sink_(std::string_view(text, 4));
}

}  // namespace cph::base64
