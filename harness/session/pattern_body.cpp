#include "session/pattern_body.hpp"

#include <algorithm>

#include "wire/sha256.hpp"

namespace cph::session {

namespace {
// splitmix64: a cheap, well-mixed function of the block number.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

std::string PatternBody::slice(int64_t offset, int64_t n) const {
  n = std::max<int64_t>(0, std::min(n, size_ - offset));
  std::string out(static_cast<size_t>(n), '\0');
  for (int64_t i = 0; i < n; ++i) {
    const int64_t at = offset + i;
    const uint64_t block = mix(seed_ * 0x100000001b3ULL + static_cast<uint64_t>(at / 8));
    out[static_cast<size_t>(i)] = static_cast<char>(block >> (8 * (at % 8)));
  }
  return out;
}

std::string PatternBody::sha256() const {
  wire::Sha256 h;
  constexpr int64_t kChunk = 1 << 20;
  for (int64_t off = 0; off < size_; off += kChunk) h.update(slice(off, kChunk));
  return h.digest();
}

}  // namespace cph::session
