// The fuzzer's random numbers: splitmix64 with its own bounded draws, so that
// a seed gives the same operations with every standard library (the std::
// distributions are implementation-defined and differ between them).
#pragma once
#include <cstdint>

namespace cph::fuzzer {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0, without modulo bias (rejection).
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = next();
    while (x >= limit);
    return x % n;
  }
  // Uniform in [lo, hi].
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with probability num/den.
  bool chance(uint64_t num, uint64_t den) { return below(den) < num; }

 private:
  uint64_t state_;
};

// A well-mixed seed for sub-stream `index` of `seed` (round seeds, {seed}).
inline uint64_t derive_seed(uint64_t seed, uint64_t index) {
  Rng r(seed ^ (index * 0xd1342543de82ef95ULL + 0x632be59bd9b4e019ULL));
  return r.next();
}

}  // namespace cph::fuzzer
