// Deterministic put bodies of any size, generated piece by piece so that a
// 1 GiB body is never held in memory: byte i of body (seed) is a pure function
// of (seed, i).
#pragma once
#include <cstdint>
#include <string>

namespace cph::session {

class PatternBody {
 public:
  PatternBody(uint64_t seed, int64_t size) : seed_(seed), size_(size) {}
  int64_t size() const { return size_; }
  // Bytes [offset, offset + n) of the body (n clipped at the end).
  std::string slice(int64_t offset, int64_t n) const;
  std::string whole() const { return slice(0, size_); }
  // SHA-256 of the whole body (32 raw bytes), computed in pieces.
  std::string sha256() const;

 private:
  uint64_t seed_;
  int64_t size_;
};

}  // namespace cph::session
