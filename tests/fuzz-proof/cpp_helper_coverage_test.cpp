// A C++ helper's own coverage, end to end: tests/cpp-buggy-helper built with
// clang's -fsanitize-coverage=trace-pc-guard and fuzz/cph_sancov_runtime.c
// (tests/cpp_buggy_helper.hpp) counts its edges into the segment fuzz_helper
// creates (cover/sancov_segment.hpp) while the fuzzer's executor drives it,
// and a life that takes other branches leaves other counters. Needs clang
// (skips with the reason without it); label `slow` for the build.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cover/sancov_segment.hpp"
#include "cpp_buggy_helper.hpp"
#include "fuzzer/executor.hpp"
#include "proc/temp_dir.hpp"

namespace cph {
namespace {

namespace fs = std::filesystem;
using fuzzer::Op;
using fuzzer::OpKind;

Op put(int64_t key, int64_t size) {
  Op op;
  op.kind = OpKind::put;
  op.key = key;
  op.size = size;
  op.body_seed = 7 + static_cast<uint64_t>(key);
  return op;
}

Op get(int64_t key) {
  Op op;
  op.kind = OpKind::get;
  op.key = key;
  return op;
}

// The counters one life of `ops` left, folded into a map of the segment's size.
struct Life {
  std::optional<fuzzer::Failure> failure;
  std::vector<uint8_t> counters = std::vector<uint8_t>(1 << 16);
  size_t nonzero = 0;
};

Life run(cover::SancovSegment& segment, const std::string& helper, const char* bugs, std::vector<Op> ops) {
  fuzzer::Trace t;
  t.seed = 1;
  t.helper = {helper, "--dir", "{dir}", "--bugs", bugs};
  t.ops = std::move(ops);
  fuzzer::ExecOptions o;
  o.reply_timeout = std::chrono::seconds(30);
  segment.clear();
  Life life;
  life.failure = fuzzer::execute(t, o, nullptr).failure;
  life.nonzero = segment.fold_into(life.counters);
  return life;
}

TEST(SancovHelperSlow, AClangBuiltHelpersEdgesReachTheSegmentPerLife) {
  std::string why;
  const auto helper = test::cpp_buggy_helper(why);
  if (!helper) GTEST_SKIP() << why;
  proc::TempDir dir("cph-sancov-test");
  cover::SancovSegment segment(fs::path(dir.path()) / "counters");
  // The executor's helpers inherit our environment (as fuzz_helper's do).
  ::setenv(cover::kSancovEnv, segment.path().c_str(), 1);
  struct Unset {
    ~Unset() { ::unsetenv(cover::kSancovEnv); }
  } unset;

  const Life miss = run(segment, *helper, "none", {get(1)});
  ASSERT_FALSE(miss.failure) << fuzzer::describe(*miss.failure);
  EXPECT_GT(miss.nonzero, 20u) << "the helper's edges did not reach the segment";

  // The size ladder's three puts: the put path and the ladder's steps run,
  // whose edges a life of one miss never took.
  const std::vector<Op> ladder = {put(1, 100), put(2, 150), put(3, 160), get(1)};
  const Life puts = run(segment, *helper, "none", ladder);
  ASSERT_FALSE(puts.failure) << fuzzer::describe(*puts.failure);
  size_t only_puts = 0;
  for (size_t i = 0; i < puts.counters.size(); ++i) only_puts += puts.counters[i] && !miss.counters[i];
  EXPECT_GT(only_puts, 10u) << "a life of puts covered no edge that a life of one miss did not";

  // The port's planted bug fires as the Go helper's does (and the ladder's
  // last step is more coverage again).
  const Life bug = run(segment, *helper, "size-ladder", ladder);
  ASSERT_TRUE(bug.failure) << "size-ladder did not fire on its ladder";
  EXPECT_EQ(bug.failure->cls, fuzzer::FailureClass::corruption) << fuzzer::describe(*bug.failure);
  size_t new_with_bug = 0;
  for (size_t i = 0; i < bug.counters.size(); ++i) new_with_bug += bug.counters[i] && !puts.counters[i];
  EXPECT_GT(new_with_bug, 0u);
}

}  // namespace
}  // namespace cph
