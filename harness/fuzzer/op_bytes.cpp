#include "fuzzer/op_bytes.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>

#include "fuzzer/hostile.hpp"
#include "fuzzer/rng.hpp"

namespace cph::fuzzer {

namespace {

// Tags (op_bytes.hpp): T & 0x0f.
constexpr uint8_t kPutNew = 0, kReputSame = 4, kReputNew = 6, kGetStored = 7, kGetNever = 10, kClose = 11,
                  kHostile = 12, kKillPut = 13, kStorageFault = 14, kReputBurst = 15;
constexpr uint8_t kAsync = 0x80;
constexpr int64_t kMinKillSize = 2;  // a kill-put cuts its body line in half

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool empty() const { return pos_ >= b_.size(); }
  uint8_t byte() { return pos_ < b_.size() ? static_cast<uint8_t>(b_[pos_++]) : 0; }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

int64_t clamped_size(uint8_t s, int64_t max_body) { return std::min(size_of(s), std::max<int64_t>(0, max_body)); }

}  // namespace

uint64_t body_seed_of(uint8_t body_byte) { return derive_seed(0x626f6479 /* "body" */, body_byte) | 1; }

int64_t size_of(uint8_t s) { return s < 192 ? s : int64_t{s - 191} * 1024 + s % 3; }

DecodedOps decode_ops(std::string_view bytes, const DecodeOptions& o) {
  Reader in(bytes);
  DecodedOps d;
  d.seed = in.byte();
  std::vector<int64_t> stored;     // keys put, in order of first put
  std::map<int64_t, Op> last_put;  // key -> its latest put
  int64_t next_key = 0;
  auto remember = [&](const Op& p) {
    if (!last_put.count(p.key)) stored.push_back(p.key);
    last_put[p.key] = p;
  };
  auto stored_key = [&](uint8_t k) { return stored[k % stored.size()]; };
  while (!in.empty() && d.ops.size() < o.max_ops) {
    const uint8_t t = in.byte();
    const bool async = (t & kAsync) != 0;
    const uint8_t kind = t & 0x0f;
    Op op;
    op.async = async;
    if (kind < kReputSame) {  // put, a new key
      op.kind = OpKind::put;
      op.key = next_key++;
      op.size = clamped_size(in.byte(), o.max_body);
      op.body_seed = body_seed_of(in.byte());
      remember(op);
    } else if (kind < kReputNew) {  // re-put, same body
      const uint8_t k = in.byte();
      if (stored.empty()) continue;
      op = last_put[stored_key(k)];
      op.kind = OpKind::put;  // the latest put may have been a storage fault's
      op.async = async;
      remember(op);
    } else if (kind == kReputNew) {
      const uint8_t k = in.byte(), s = in.byte(), b = in.byte();
      if (stored.empty()) continue;
      op.kind = OpKind::put;
      op.key = stored_key(k);
      op.size = clamped_size(s, o.max_body);
      op.body_seed = body_seed_of(b);
      remember(op);
    } else if (kind < kGetNever) {  // get, a stored key
      const uint8_t k = in.byte();
      op.kind = OpKind::get;
      op.key = stored.empty() ? next_key++ : stored_key(k);
    } else if (kind == kGetNever) {
      op.kind = OpKind::get;
      op.key = next_key++;
    } else if (kind == kClose) {
      op = Op{};
      op.kind = OpKind::close;
    } else if (kind == kHostile) {
      op = Op{};
      op.kind = OpKind::hostile;
      op.hostile = hostile_kinds()[in.byte() % hostile_kinds().size()];
    } else if (kind == kKillPut) {
      op = Op{};
      op.kind = OpKind::kill_put;
      op.key = next_key++;
      op.size = std::max(kMinKillSize, clamped_size(in.byte(), o.max_body));
      op.body_seed = body_seed_of(in.byte());
    } else if (kind == kStorageFault) {
      const uint8_t k = in.byte(), s = in.byte(), b = in.byte();
      op = Op{};
      op.kind = OpKind::storage_fault;
      op.key = (k & 1) && !stored.empty() ? stored[(k >> 1) % stored.size()] : next_key++;
      op.size = clamped_size(s, o.max_body);
      op.body_seed = body_seed_of(b);
      remember(op);
    } else {
      static_assert(kReputBurst == 15, "the last kind: a re-put burst");
      const uint8_t k = in.byte();
      const int n = 2 + in.byte() % 5;
      std::vector<Op> burst;
      for (int j = 0; j < n; ++j) {
        Op p;
        p.kind = OpKind::put;
        p.async = true;
        p.size = clamped_size(in.byte(), o.max_body);
        p.body_seed = body_seed_of(in.byte());
        burst.push_back(p);
      }
      if (stored.empty()) continue;
      const int64_t key = stored_key(k);
      for (Op& p : burst) {
        if (d.ops.size() >= o.max_ops) break;
        p.key = key;
        remember(p);
        d.ops.push_back(p);
      }
      op = Op{};
      op.kind = OpKind::get;
      op.key = key;
      if (d.ops.size() >= o.max_ops) break;
    }
    if (op.kind != OpKind::put && op.kind != OpKind::get) op.async = false;
    d.ops.push_back(op);
  }
  return d;
}

std::string encode_ops(uint64_t seed, const std::vector<Op>& ops, const DecodeOptions& o) {
  std::string out(1, static_cast<char>(seed & 0xff));
  std::map<int64_t, int64_t> key_map;  // the trace's key -> the decoded key
  std::vector<int64_t> stored;         // decoded keys, in order of first put
  std::map<int64_t, Op> last_put;      // decoded key -> its latest put (decoded values)
  int64_t next_key = 0;
  std::map<uint64_t, uint8_t> body_bytes;  // body seeds not of the form body_seed_of(b)
  std::array<uint64_t, 256> canonical{};
  for (int b = 0; b < 256; ++b) canonical[b] = body_seed_of(static_cast<uint8_t>(b));
  auto body_byte = [&](uint64_t seed_value) -> uint8_t {
    for (int b = 0; b < 256; ++b) {
      if (canonical[b] == seed_value) return static_cast<uint8_t>(b);
    }
    auto [it, fresh] = body_bytes.try_emplace(seed_value, static_cast<uint8_t>(body_bytes.size()));
    (void)fresh;
    return it->second;
  };
  auto size_byte = [&](int64_t size) -> uint8_t {
    int best = 0;
    int64_t best_diff = std::numeric_limits<int64_t>::max();
    bool best_mod = false;
    for (int s = 0; s < 256; ++s) {
      const int64_t v = clamped_size(static_cast<uint8_t>(s), o.max_body);
      if (v == size) return static_cast<uint8_t>(s);
      const bool mod = v % 3 == size % 3;
      const int64_t diff = std::abs(v - size);
      if ((mod && !best_mod) || (mod == best_mod && diff < best_diff)) {
        best = s;
        best_diff = diff;
        best_mod = mod;
      }
    }
    return static_cast<uint8_t>(best);
  };
  auto stored_index = [&](int64_t trace_key) -> std::optional<size_t> {
    auto m = key_map.find(trace_key);
    if (m == key_map.end()) return std::nullopt;
    auto it = std::find(stored.begin(), stored.end(), m->second);
    if (it == stored.end()) return std::nullopt;
    return static_cast<size_t>(it - stored.begin());
  };
  auto remember = [&](int64_t key, const Op& decoded) {
    if (!last_put.count(key)) stored.push_back(key);
    last_put[key] = decoded;
  };
  auto push = [&](uint8_t b) { out.push_back(static_cast<char>(b)); };
  size_t count = 0;
  for (const Op& op : ops) {
    if (count >= o.max_ops) break;
    ++count;
    const uint8_t async = op.async && (op.kind == OpKind::put || op.kind == OpKind::get) ? kAsync : 0;
    switch (op.kind) {
      case OpKind::put: {
        const uint8_t sb = size_byte(op.size), bb = body_byte(op.body_seed);
        Op d;
        d.kind = OpKind::put;
        d.size = clamped_size(sb, o.max_body);
        d.body_seed = body_seed_of(bb);
        if (auto idx = stored_index(op.key)) {
          const int64_t key = stored[*idx];
          d.key = key;
          const Op& last = last_put[key];
          if (last.size == d.size && last.body_seed == d.body_seed) {
            push(kReputSame | async);
            push(static_cast<uint8_t>(*idx));
          } else {
            push(kReputNew | async);
            push(static_cast<uint8_t>(*idx));
            push(sb);
            push(bb);
          }
          remember(key, d);
        } else {
          d.key = next_key++;
          key_map[op.key] = d.key;
          push(kPutNew | async);
          push(sb);
          push(bb);
          remember(d.key, d);
        }
        break;
      }
      case OpKind::get:
        if (auto idx = stored_index(op.key)) {
          push(kGetStored | async);
          push(static_cast<uint8_t>(*idx));
        } else {
          key_map[op.key] = next_key++;
          push(kGetNever | async);
        }
        break;
      case OpKind::close: push(kClose); break;
      case OpKind::hostile: {
        const auto& kinds = hostile_kinds();
        auto it = std::find(kinds.begin(), kinds.end(), op.hostile);
        push(kHostile);
        push(static_cast<uint8_t>(it == kinds.end() ? 0 : it - kinds.begin()));
        break;
      }
      case OpKind::kill_put:
        key_map.try_emplace(op.key, next_key++);  // a kill of a stored key becomes one of a new key
        push(kKillPut);
        push(size_byte(std::max(kMinKillSize, op.size)));
        push(body_byte(op.body_seed));
        break;
      case OpKind::storage_fault: {
        const uint8_t sb = size_byte(op.size), bb = body_byte(op.body_seed);
        Op d;
        d.kind = OpKind::storage_fault;
        d.size = clamped_size(sb, o.max_body);
        d.body_seed = body_seed_of(bb);
        push(kStorageFault);
        if (auto idx = stored_index(op.key)) {
          push(static_cast<uint8_t>((*idx << 1) | 1));
          d.key = stored[*idx];
        } else {
          push(0);
          d.key = next_key++;
          key_map[op.key] = d.key;
        }
        push(sb);
        push(bb);
        remember(d.key, d);
        break;
      }
    }
  }
  return out;
}

}  // namespace cph::fuzzer
