// The SanitizerCoverage segment (cover/sancov_segment.hpp) and the runtime a
// C or C++ helper links (fuzz/cph_sancov_runtime.c), together, in a real
// process: tests/sancov-probe calls the runtime as clang's instrumentation
// would. The clang-built helper's edges are tested in
// tests/fuzz-proof/cpp_helper_coverage_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cover/sancov_segment.hpp"
#include "proc/temp_dir.hpp"
#include "run_program.hpp"

namespace cph::cover {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Probe {
  proc::TempDir dir{"cph-sancov-test"};
  SancovSegment segment;
  explicit Probe(size_t slots) : segment(fs::path(dir.path()) / "counters", slots) {}

  test::Ran run(std::vector<std::string> args, bool named = true) {
    args.insert(args.begin(), CPH_SANCOV_PROBE_BIN);
    std::vector<std::string> env;
    if (named) env.push_back(std::string(kSancovEnv) + "=" + segment.path().string());
    return test::run_program(args, {"", env, 30s});
  }
  std::vector<int> counts() const { return {segment.counters().begin(), segment.counters().end()}; }
};

TEST(SancovSegment, GuardsAreNumberedAcrossModulesAndEachEdgeCountsInItsSlot) {
  Probe p(16);
  const test::Ran r = p.run({"0", "0", "2*3", "5", "7*2"});
  ASSERT_TRUE(r.status && r.status->success()) << r.out;
  // The second init of the first module leaves its numbers alone.
  EXPECT_EQ(r.stdout_text, "1 2 3 4 5 6 7 8 \n");
  std::vector<int> want(16, 0);
  want[1] = 2;  // edge 0 is guard 1
  want[3] = 3;  // edge 2, guard 3
  want[6] = 1;  // edge 5: the second module's first guard, 6
  want[8] = 2;  // edge 7, guard 8
  EXPECT_EQ(p.counts(), want);
}

TEST(SancovSegment, GuardsPastTheSlotsWrapAndCountsSaturateAt255) {
  Probe p(4);
  const test::Ran r = p.run({"4*300", "0"});
  ASSERT_TRUE(r.status && r.status->success()) << r.out;
  // Guard 5 lands in slot 5 mod 4 = 1, with guard 1.
  EXPECT_EQ(p.counts(), (std::vector<int>{0, 255, 0, 0}));
}

TEST(SancovSegment, AKilledHelperHasStillCounted) {
  Probe p(16);
  const test::Ran r = p.run({"1*7", "kill"});
  ASSERT_TRUE(r.status && r.status->signaled()) << r.out;
  EXPECT_EQ(p.counts()[2], 7);
}

TEST(SancovSegment, WithoutTheVariableOrAFileTheRuntimeDoesNothing) {
  Probe p(16);
  test::Ran r = p.run({"0", "5*3"}, false);
  ASSERT_TRUE(r.status && r.status->success()) << r.out;
  EXPECT_EQ(r.stdout_text, "0 0 0 0 0 0 0 0 \n");
  EXPECT_EQ(p.counts(), std::vector<int>(16, 0));

  r = test::run_program({CPH_SANCOV_PROBE_BIN, "0"},
                        {"", {std::string(kSancovEnv) + "=" + p.dir.path() + "/missing"}, 30s});
  ASSERT_TRUE(r.status && r.status->success()) << r.out;
  EXPECT_EQ(r.stdout_text, "0 0 0 0 0 0 0 0 \n");
}

TEST(SancovSegment, FoldAddsIntoTheMapSaturatingAndClears) {
  Probe p(8);
  ASSERT_TRUE(p.run({"0*200", "2"}).status);
  std::vector<uint8_t> out(4, 0);
  out[1] = 100;
  // Slot 1 (guard 1) adds 200 to 100; slot 3 (guard 3) adds 1.
  EXPECT_EQ(p.segment.fold_into(out), 2u);
  EXPECT_EQ(out, (std::vector<uint8_t>{0, 255, 0, 1}));
  EXPECT_EQ(p.counts(), std::vector<int>(8, 0));
  EXPECT_EQ(p.segment.fold_into(out), 0u);
}

TEST(SancovSegment, ACreateThatFailsNamesTheFileAndTheCall) {
  try {
    SancovSegment s("/nonexistent-dir/counters", 16);
    FAIL() << "created a segment in a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "coverage segment /nonexistent-dir/counters: open: No such file or directory");
  }
}

}  // namespace
}  // namespace cph::cover
