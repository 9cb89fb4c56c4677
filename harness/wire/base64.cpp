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

void encode_quantum(const unsigned char* in, size_t n, std::string& out) {
  uint32_t v = uint32_t(in[0]) << 16;
  if (n > 1) v |= uint32_t(in[1]) << 8;
  if (n > 2) v |= uint32_t(in[2]);
  out.push_back(kAlphabet[v >> 18 & 63]);
  out.push_back(kAlphabet[v >> 12 & 63]);
  out.push_back(n > 1 ? kAlphabet[v >> 6 & 63] : '=');
  out.push_back(n > 2 ? kAlphabet[v & 63] : '=');
}

}  // namespace

size_t encoded_len(size_t n) { return (n + 2) / 3 * 4; }

std::string encode(std::string_view bytes) {
  std::string out;
  out.reserve(encoded_len(bytes.size()));
  fast::encode_append(bytes, out);
  return out;
}

std::string DecodeError::message() const {
  return "illegal base64 data at input byte " + std::to_string(offset);
}

std::optional<DecodeError> decode(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size() / 4 * 3);
  StreamDecoder d([&](std::string_view b) { out.append(b); });
  if (auto e = d.feed(text)) return e;
  return d.finish();
}

// The streaming decoder walks Go's decodeQuantum as a state machine:
// pending_ holds the current quantum's symbol values (0..63) and
// pending_start_ is the padding phase below. What needs the total length
// (an unfinished quantum) is resolved in finish().
namespace {
enum Phase : int64_t { kSymbols = 0, kSecondPad = 1, kAfterPad = 2 };
}

StreamDecoder::StreamDecoder(Sink sink) : sink_(std::move(sink)) {}

std::optional<DecodeError> StreamDecoder::feed(std::string_view text) {
  if (error_) return error_;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  auto flush = [&] {
    if (!out.empty()) sink_(out);
  };
  auto emit = [&](size_t dlen) {  // dlen symbols in pending_ -> dlen-1 bytes
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) v = v << 6 | (k < pending_.size() ? uint8_t(pending_[k]) : 0);
    const char bytes[3] = {char(v >> 16), char(v >> 8), char(v)};
    out.append(bytes, dlen - 1);
    pending_.clear();
  };
  auto fail = [&](int64_t offset) {
    flush();
    error_ = DecodeError{offset};
    return error_;
  };
  // Whole quanta of plain alphabet characters go through the fast kernels;
  // everything irregular (line breaks, padding, a bad byte, the tail) is left
  // to the exact loop below, so results and error offsets stay Go's.
  size_t i = 0;
  if (pending_.empty() && pending_start_ == kSymbols) i = fast::decode_prefix_append(text, out);
  for (; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const int64_t pos = consumed_ + static_cast<int64_t>(i);
    if (c == '\n' || c == '\r') continue;  // skipped in every phase
    if (pending_start_ == kAfterPad) return fail(pos);  // trailing garbage
    if (pending_start_ == kSecondPad) {
      if (c != '=') return fail(pos - 1);  // Go reports the byte before
      emit(2);  // two symbols and "==" -> one byte
      pending_start_ = kAfterPad;
      continue;
    }
    const uint8_t v = kDecodeMap[c];
    if (v != 0xff) {
      pending_.push_back(static_cast<char>(v));
      if (pending_.size() == 4) emit(4);
      continue;
    }
    if (c != '=' || pending_.size() < 2) return fail(pos);
    if (pending_.size() == 2) {
      pending_start_ = kSecondPad;
    } else {
      emit(3);  // three symbols and one '=' -> two bytes
      pending_start_ = kAfterPad;
    }
  }
  consumed_ += static_cast<int64_t>(text.size());
  done_ = pending_start_ == kAfterPad;
  flush();
  return std::nullopt;
}

std::optional<DecodeError> StreamDecoder::finish() {
  if (error_) return error_;
  if (pending_start_ == kSecondPad) {
    error_ = DecodeError{consumed_};  // "not enough padding": len(src)
  } else if (pending_start_ == kSymbols && !pending_.empty()) {
    error_ = DecodeError{consumed_ - static_cast<int64_t>(pending_.size())};
  }
  return error_;
}

int64_t StreamDecoder::consumed() const { return consumed_; }

StreamEncoder::StreamEncoder(Sink sink) : sink_(std::move(sink)) {}

void StreamEncoder::feed(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  if (!pending_.empty()) {
    while (pending_.size() < 3 && i < bytes.size()) pending_.push_back(bytes[i++]);
    if (pending_.size() < 3) return;
    encode_quantum(reinterpret_cast<const unsigned char*>(pending_.data()), 3, out);
    pending_.clear();
  }
  const size_t whole = (bytes.size() - i) / 3 * 3;
  out.reserve(out.size() + whole / 3 * 4);
  fast::encode_append(bytes.substr(i, whole), out);
  pending_.assign(bytes.substr(i + whole));
  if (!out.empty()) sink_(out);
}

void StreamEncoder::finish() {
  if (pending_.empty()) return;
  std::string out;
  encode_quantum(reinterpret_cast<const unsigned char*>(pending_.data()), pending_.size(), out);
  pending_.clear();
  sink_(out);
}

}  // namespace cph::base64
