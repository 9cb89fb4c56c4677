// How a fuzz input is laid out for the targets that check "fed in chunks
// equals fed at once": a header of target flags and one chunking byte, then
// the payload. The chunking byte picks the largest chunk (1 << (b & 7), so
// 1..128 bytes) and seeds a tiny generator for the sizes, so the fuzzer
// chooses the splits and every input replays with the same splits.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace cph::fuzz {

struct ChunkedInput {
  uint8_t flags = 0;
  std::string_view payload;
  std::vector<std::string_view> chunks;  // payload split as the input chooses
};

// Splits `payload` into `chunks` as the chunking byte `plan` says.
inline void split_chunks(std::string_view payload, uint8_t plan, std::vector<std::string_view>& chunks) {
  chunks.clear();
  const size_t max_chunk = size_t{1} << (plan & 7);
  uint32_t state = 0x9e3779b9u ^ (uint32_t{plan} * 0x01000193u);  // never 0
  size_t at = 0;
  while (at < payload.size()) {
    state ^= state << 13;  // xorshift32
    state ^= state >> 17;
    state ^= state << 5;
    // state % max_chunk without a division; no substr (a bounds check that
    // can throw, run once per byte in the 1-byte plans).
    const size_t n = std::min<size_t>(1 + (state & (max_chunk - 1)), payload.size() - at);
    chunks.emplace_back(payload.data() + at, n);
    at += n;
  }
}

// Reads the two header bytes (flags, plan); a shorter input has an empty
// payload and flags 0. The result is valid until the next call: its chunk
// vector is reused, since under ASan every allocation records a stack trace.
inline const ChunkedInput& parse_chunked_input(const uint8_t* data, size_t size) {
  static ChunkedInput in;
  in.flags = 0;
  in.payload = {};
  in.chunks.clear();
  if (size < 2) return in;
  in.flags = data[0];
  in.payload = std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2);
  split_chunks(in.payload, data[1], in.chunks);
  return in;
}

}  // namespace cph::fuzz
