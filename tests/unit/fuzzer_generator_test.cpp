// The fuzzer's generator: a seed gives the same operations everywhere (its
// own bounded draws, no std distributions), different seeds differ, and the
// sessions have what the issue asks for (every padding case, large bodies,
// bursts, re-puts, closes, kills, hostile inputs only with --hostile).
#include <gtest/gtest.h>

#include <set>

#include "fuzzer/generator.hpp"
#include "fuzzer/hostile.hpp"
#include "fuzzer/rng.hpp"

namespace cph::fuzzer {
namespace {

TEST(FuzzerGenerator, SameSeedSameOps) {
  GeneratorOptions o;
  EXPECT_EQ(generate_ops(42, 3000, o), generate_ops(42, 3000, o));
  EXPECT_NE(generate_ops(42, 3000, o), generate_ops(43, 3000, o));
  // A shorter run is a prefix of a longer one (a time-boxed run is repeatable).
  auto long_run = generate_ops(9, 500, o);
  auto short_run = generate_ops(9, 200, o);
  EXPECT_TRUE(std::equal(short_run.begin(), short_run.end(), long_run.begin()));
}

TEST(FuzzerGenerator, RngIsSplitmix64) {
  // Reference values of splitmix64 from seed 0 (Vigna's splitmix64.c): pins
  // the sequence so traces stay valid across versions and platforms.
  Rng r(0);
  EXPECT_EQ(r.next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(r.next(), 0x6e789e6aa1b965f4ULL);
  Rng b(7);
  for (int i = 0; i < 10000; ++i) {
    auto v = b.between(3, 5);
    ASSERT_TRUE(v >= 3 && v <= 5);
  }
}

TEST(FuzzerGenerator, SessionsHaveEveryIngredient) {
  GeneratorOptions o;
  o.max_body = 1 << 20;
  auto ops = generate_ops(1, 20000, o);
  std::set<int64_t> paddings;
  size_t large = 0, empty = 0, async = 0, closes = 0, kills = 0, reputs = 0, hits_possible = 0;
  std::set<int64_t> put_keys;
  for (const auto& op : ops) {
    EXPECT_NE(op.kind, OpKind::hostile);
    EXPECT_NE(op.kind, OpKind::storage_fault);
    if (op.async) ++async;
    if (op.kind == OpKind::close) ++closes;
    if (op.kind == OpKind::kill_put) ++kills;
    if (op.kind == OpKind::get && put_keys.count(op.key)) ++hits_possible;
    if (op.kind != OpKind::put) continue;
    EXPECT_LE(op.size, o.max_body);
    if (op.size == 0) ++empty;
    if (op.size > 65536) ++large;
    if (op.size > 0) paddings.insert(op.size % 3);
    if (!put_keys.insert(op.key).second) ++reputs;
  }
  EXPECT_EQ(paddings.size(), 3u);
  EXPECT_GT(large, 0u);
  EXPECT_GT(empty, 0u);
  EXPECT_GT(async, 500u);
  EXPECT_GT(closes, 5u);
  EXPECT_GT(kills, 2u);
  EXPECT_GT(reputs, 500u);
  EXPECT_GT(hits_possible, 5000u);
}

// Issue 22: re-put bursts, a stored key put again with new bodies, all in
// flight at once, then awaited by a get of that key.
TEST(FuzzerGenerator, ReputBurstsPutOneKeyWithNewBodies) {
  GeneratorOptions o;
  auto ops = generate_ops(3, 20000, o);
  size_t bursts = 0;
  for (size_t i = 0; i + 2 < ops.size(); ++i) {
    if (ops[i].kind != OpKind::put || !ops[i].async) continue;
    size_t j = i;
    std::set<uint64_t> bodies;
    while (j < ops.size() && ops[j].kind == OpKind::put && ops[j].async && ops[j].key == ops[i].key) {
      bodies.insert(ops[j].body_seed);
      ++j;
    }
    if (j - i >= 2 && j < ops.size() && ops[j].kind == OpKind::get && !ops[j].async && ops[j].key == ops[i].key &&
        bodies.size() == j - i) {
      ++bursts;
      i = j;
    }
  }
  EXPECT_GT(bursts, 20u);
}

TEST(FuzzerGenerator, MaxBodyZeroMeansEmptyBodies) {
  GeneratorOptions o;
  o.max_body = 0;
  o.hostile = true;
  for (const auto& op : generate_ops(11, 5000, o)) {
    EXPECT_NE(op.kind, OpKind::kill_put);
    if (op.kind == OpKind::put || op.kind == OpKind::storage_fault) {
      ASSERT_EQ(op.size, 0);
    }
  }
}

TEST(FuzzerGenerator, HostileOnlyWhenAsked) {
  GeneratorOptions o;
  o.hostile = true;
  std::set<std::string> kinds;
  size_t storage_faults = 0;
  for (const auto& op : generate_ops(5, 20000, o)) {
    if (op.kind == OpKind::hostile) kinds.insert(op.hostile);
    if (op.kind == OpKind::storage_fault) ++storage_faults;
  }
  EXPECT_EQ(kinds.size(), hostile_kinds().size());
  EXPECT_GT(storage_faults, 20u);
}

}  // namespace
}  // namespace cph::fuzzer
