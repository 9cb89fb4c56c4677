// Fuzz operations as bytes (fuzzer/op_bytes.hpp): the layout libFuzzer
// mutates. It is pinned (a saved input means the same ops forever), every
// byte string decodes to a short valid life, and encoding a decoded life
// gives it back, so `cph fuzz` traces become seed inputs.
#include <gtest/gtest.h>

#include <string>

#include "fuzzer/generator.hpp"
#include "fuzzer/hostile.hpp"
#include "fuzzer/op_bytes.hpp"
#include "fuzzer/rng.hpp"

namespace cph::fuzzer {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

Op put(int64_t key, int64_t size, uint8_t body, bool async = false) {
  Op o;
  o.kind = OpKind::put;
  o.key = key;
  o.size = size;
  o.body_seed = body_seed_of(body);
  o.async = async;
  return o;
}

Op get(int64_t key, bool async = false) {
  Op o;
  o.kind = OpKind::get;
  o.key = key;
  o.async = async;
  return o;
}

TEST(FuzzerOpBytes, LayoutIsPinned) {
  // seed 7; put k0 5B body 1; re-put k0 same; re-put k0 new (200 -> 9*1024+2, body 3);
  // get k0 async; get never-put (k1); close; hostile kind 1; kill-put k2 (size 0 -> 2);
  // storage fault on stored[0] (key byte 1); re-put burst on k0: 2 + 1 % 5 = 3 puts, then a get.
  const std::string in = bytes({7,    0x00, 5, 1,    0x04, 0,  0x06, 0,    200, 3, 0x87, 0, 0x0a, 0x0b, 0x0c, 1,
                                0x0d, 0,    4, 0x0e, 1,    10, 5,    0x0f, 0,   1, 1,    1, 2,    2,    3,    3});
  const DecodedOps d = decode_ops(in);
  EXPECT_EQ(d.seed, 7u);
  std::vector<Op> want = {put(0, 5, 1), put(0, 5, 1), put(0, 9 * 1024 + 2, 3), get(0, true), get(1)};
  Op close;
  close.kind = OpKind::close;
  want.push_back(close);
  Op h;
  h.kind = OpKind::hostile;
  h.hostile = hostile_kinds()[1];
  want.push_back(h);
  Op kill;
  kill.kind = OpKind::kill_put;
  kill.key = 2;
  kill.size = 2;
  kill.body_seed = body_seed_of(4);
  want.push_back(kill);
  Op sf;
  sf.kind = OpKind::storage_fault;
  sf.key = 0;
  sf.size = 10;
  sf.body_seed = body_seed_of(5);
  want.push_back(sf);
  want.push_back(put(0, 1, 1, true));
  want.push_back(put(0, 2, 2, true));
  want.push_back(put(0, 3, 3, true));
  want.push_back(get(0));
  EXPECT_EQ(d.ops, want);
  // The body seeds are pinned too (bodies are a pure function of them).
  EXPECT_EQ(body_seed_of(0), derive_seed(0x626f6479, 0) | 1);
}

TEST(FuzzerOpBytes, EveryInputIsAShortValidLife) {
  Rng r(5);
  DecodeOptions o;
  o.max_ops = 16;
  o.max_body = 3000;
  for (int i = 0; i < 3000; ++i) {
    std::string in(r.below(200), '\0');
    for (char& c : in) c = static_cast<char>(r.below(256));
    const DecodedOps d = decode_ops(in, o);
    ASSERT_LE(d.ops.size(), o.max_ops);
    for (const Op& op : d.ops) {
      ASSERT_LE(op.size, o.max_body);
      ASSERT_GE(op.size, 0);
      if (op.kind == OpKind::hostile) {
        ASSERT_TRUE(is_hostile_kind(op.hostile));
      }
      if (op.async) {
        ASSERT_TRUE(op.kind == OpKind::put || op.kind == OpKind::get);
      }
      if (op.kind == OpKind::kill_put) {
        ASSERT_GE(op.size, 2);
      }
    }
  }
  // Nothing at all, or a seed alone: no operations (the life is a handshake and a close).
  EXPECT_TRUE(decode_ops("").ops.empty());
  EXPECT_TRUE(decode_ops(bytes({9})).ops.empty());
  // A re-put with nothing stored is dropped; a get of a stored key asks for a key never put.
  EXPECT_EQ(decode_ops(bytes({0, 0x04, 0, 0x07, 0})).ops, std::vector<Op>{get(0)});
}

TEST(FuzzerOpBytes, EncodingADecodedLifeGivesItBack) {
  Rng r(11);
  for (int i = 0; i < 1000; ++i) {
    std::string in(r.below(300), '\0');
    for (char& c : in) c = static_cast<char>(r.below(256));
    const DecodedOps d = decode_ops(in);
    const std::string again = encode_ops(d.seed, d.ops);
    ASSERT_EQ(decode_ops(again).ops, d.ops) << "input " << i;
    ASSERT_EQ(decode_ops(again).seed, d.seed);
  }
}

TEST(FuzzerOpBytes, AGeneratedTraceBecomesASeedOfTheSameShape) {
  GeneratorOptions g;
  g.hostile = true;
  g.max_body = 4 << 20;
  const std::vector<Op> ops = generate_ops(3, 64, g);
  const DecodedOps d = decode_ops(encode_ops(3, ops));
  ASSERT_EQ(d.ops.size(), ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(d.ops[i].kind, ops[i].kind) << i;
    EXPECT_EQ(d.ops[i].async, ops[i].async) << i;
    EXPECT_EQ(d.ops[i].hostile, ops[i].hostile) << i;
    // Sizes are kept when small, rounded with the same size % 3 when not.
    if (ops[i].size < 192 && ops[i].kind != OpKind::kill_put) {
      EXPECT_EQ(d.ops[i].size, ops[i].size) << i;
    }
    EXPECT_EQ(d.ops[i].size % 3, std::max<int64_t>(ops[i].size, 0) % 3) << i;
  }
}

}  // namespace
}  // namespace cph::fuzzer
