// Random sessions: the operations of one trace from its seed. Gets mostly ask
// for keys already put (some never put), puts are new keys or re-puts (same
// body, as go does, or a new one), body sizes cover every base64 padding
// case and reach `max_body` rarely; runs of async operations make
// concurrency bursts, and rare re-put bursts put one ActionID again with
// several new bodies at once, then get it; closes (a restart on the same
// directory follows) and kills mid-put are rare so a helper lives for
// hundreds of puts; --hostile mixes in malformed requests and storage faults
// (a put and a get while the helper's writes fail).
#pragma once
#include <cstdint>
#include <vector>

#include "fuzzer/op.hpp"
#include "fuzzer/rng.hpp"

namespace cph::fuzzer {

struct GeneratorOptions {
  int64_t max_body = 4 << 20;  // largest body in bytes
  bool hostile = false;
};

std::vector<Op> generate_ops(uint64_t seed, size_t count, const GeneratorOptions& options);

// A body size: 0 sometimes, mostly small, rarely up to `max_body`.
int64_t draw_body_size(Rng& rng, int64_t max_body);

}  // namespace cph::fuzzer
