// How a fuzz input is laid out for the targets that check "fed in chunks
// equals fed at once": a header of target flags and one chunking byte, then
// the payload. The chunking byte picks the largest chunk (1 << (b & 7), so
// 1..128 bytes) and seeds a tiny generator for the sizes, so the fuzzer
// chooses the splits and every input replays with the same splits.
#pragma once
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

// Splits `payload` into chunks as the chunking byte `plan` says. The sizes
// are drawn twice (count, then split) so the vector allocates once: under
// ASan each allocation costs a stack trace.
inline std::vector<std::string_view> split_chunks(std::string_view payload, uint8_t plan) {
  const size_t max_chunk = size_t{1} << (plan & 7);
  const uint32_t seed = 0x9e3779b9u ^ (uint32_t{plan} * 0x01000193u);  // never 0
  auto next_size = [max_chunk](uint32_t& state) {
    state ^= state << 13;  // xorshift32
    state ^= state >> 17;
    state ^= state << 5;
    return 1 + state % max_chunk;
  };
  size_t count = 0;
  uint32_t state = seed;
  for (size_t at = 0; at < payload.size(); ++count) at += next_size(state);
  std::vector<std::string_view> chunks;
  chunks.reserve(count);
  state = seed;
  for (size_t at = 0; at < payload.size();) {
    chunks.push_back(payload.substr(at, next_size(state)));
    at += chunks.back().size();
  }
  return chunks;
}

// Reads the two header bytes (flags, plan); a shorter input has an empty
// payload and flags 0.
inline ChunkedInput parse_chunked_input(const uint8_t* data, size_t size) {
  ChunkedInput in;
  if (size < 2) return in;
  in.flags = data[0];
  in.payload = std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2);
  in.chunks = split_chunks(in.payload, data[1]);
  return in;
}

}  // namespace cph::fuzz
