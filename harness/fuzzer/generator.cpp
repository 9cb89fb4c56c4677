#include "fuzzer/generator.hpp"

#include <algorithm>
#include <map>

#include "fuzzer/hostile.hpp"
#include "fuzzer/rng.hpp"

namespace cph::fuzzer {

int64_t draw_body_size(Rng& rng, int64_t max_body) {
  const uint64_t r = rng.below(1000);
  int64_t hi;
  if (r < 50 || max_body <= 0) return 0;
  if (r < 650)
    hi = 64;
  else if (r < 900)
    hi = 4096;
  else if (r < 995)
    hi = 65536;
  else
    hi = max_body;
  return rng.between(1, std::max<int64_t>(1, std::min(hi, max_body)));
}

std::vector<Op> generate_ops(uint64_t seed, size_t count, const GeneratorOptions& o) {
  Rng rng(seed);
  std::vector<Op> ops;
  ops.reserve(count);
  std::map<int64_t, Op> last_put;  // key -> its latest put, for re-puts and gets
  std::vector<int64_t> put_keys;
  int64_t next_key = 0;
  size_t burst_left = 0;
  auto stored_key = [&] { return put_keys[rng.below(put_keys.size())]; };
  std::vector<Op> queued;  // the rest of a re-put burst, emitted first
  while (ops.size() < count) {
    if (!queued.empty()) {
      ops.push_back(queued.front());
      queued.erase(queued.begin());
      continue;
    }
    Op op;
    const uint64_t r = rng.below(10000);
    if (r >= 9950 && !put_keys.empty()) {
      // A re-put burst: one ActionID put again with new bodies, all in
      // flight at once, then a get of it (a non-reproducible build's race).
      const int64_t key = stored_key();
      const int64_t n = rng.between(2, 6);
      for (int64_t k = 0; k < n; ++k) {
        Op p;
        p.kind = OpKind::put;
        p.key = key;
        p.size = draw_body_size(rng, o.max_body);
        p.body_seed = rng.next() | 1;
        p.async = true;
        last_put[key] = p;
        queued.push_back(p);
      }
      Op g;
      g.kind = OpKind::get;
      g.key = key;
      queued.push_back(g);
      burst_left = 0;
      continue;
    }
    if (r < 10) {
      op.kind = OpKind::close;
    } else if (r < 15 && o.max_body >= 2) {
      op.kind = OpKind::kill_put;
      op.key = put_keys.empty() || rng.chance(1, 2) ? next_key++ : stored_key();
      op.size = rng.between(2, std::max<int64_t>(2, std::min<int64_t>(o.max_body, 1 << 16)));
      op.body_seed = rng.next();
    } else if (r < 215 && o.hostile) {
      op.kind = OpKind::hostile;
      op.hostile = hostile_kinds()[rng.below(hostile_kinds().size())];
    } else if (r < 240 && o.hostile) {
      op.kind = OpKind::storage_fault;  // a put (new key or re-put) while writes fail
      op.key = put_keys.empty() || rng.chance(1, 2) ? next_key++ : stored_key();
      op.size = o.max_body > 0 ? rng.between(1, std::min<int64_t>(o.max_body, 1 << 16)) : 0;
      op.body_seed = rng.next() | 1;
      if (!last_put.count(op.key)) put_keys.push_back(op.key);
      last_put[op.key] = op;
    } else if (r < 4500 || put_keys.empty()) {
      op.kind = OpKind::put;
      if (!put_keys.empty() && rng.chance(1, 4)) {
        op.key = stored_key();
        if (rng.chance(7, 10)) {  // the same body again, as go re-puts
          op.size = last_put[op.key].size;
          op.body_seed = last_put[op.key].body_seed;
        }
      } else {
        op.key = next_key++;
      }
      if (op.body_seed == 0) {
        op.size = draw_body_size(rng, o.max_body);
        op.body_seed = rng.next() | 1;
      }
      if (!last_put.count(op.key)) put_keys.push_back(op.key);
      last_put[op.key] = op;
    } else {
      op.kind = OpKind::get;
      op.key = rng.chance(85, 100) ? stored_key() : next_key++;
    }
    // Bursts: a run of async puts and gets, awaited at the next sync op.
    const bool pipelinable = op.kind == OpKind::put || op.kind == OpKind::get;
    if (pipelinable && burst_left == 0 && rng.chance(1, 4)) burst_left = static_cast<size_t>(rng.between(2, 32));
    if (burst_left > 0) {
      --burst_left;
      op.async = pipelinable && burst_left > 0;
      if (!pipelinable) burst_left = 0;
    }
    ops.push_back(op);
  }
  return ops;
}

}  // namespace cph::fuzzer
