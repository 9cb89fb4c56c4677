// Issue 20's proof, as far as it holds: the coverage-guided target
// (fuzz/fuzz_helper.cpp), steered by the Go test helper's own coverage
// (tests/go-buggy-helper, built with -cover), finds a planted bug within a
// fixed seed and budget (-seed, -runs); `cph fuzz` (seeded random sessions)
// then runs for the same wall time and its result is printed, not asserted:
// on this machine it found reput-third and empty-then-get sooner, and
// neither engine found close-stale (docs/fuzzer.md, "Proof"). Only the bugs
// the target found within a measured budget are listed below.
//
// fuzz_helper is a libFuzzer binary only under the fuzz preset (clang), or
// where CPH_FUZZ_HELPER_BIN names one (e.g. fuzz/fuzz_helper.cpp compiled
// with -fsanitize=fuzzer against this build's libraries): elsewhere these
// tests skip with that reason, as they do without Go.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <regex>
#include <string>
#include <vector>

#include "fuzzer/campaign.hpp"
#include "go_buggy_helper.hpp"
#include "proc/temp_dir.hpp"
#include "run_program.hpp"

namespace cph {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Bug {
  const char* name;
  size_t runs;  // libFuzzer's budget (-runs) with -seed=1
};

// Budgets: about 2.5 times the runs the measured campaign needed (reput-third:
// 1,590 runs with -seed=1). empty-then-get (2,347 runs) and close-stale (6,513
// runs) were not found within those budgets, so they are not claimed here.
const Bug kBugs[] = {{"reput-third", 4000}};

void PrintTo(const Bug& b, std::ostream* os) { *os << b.name << " within " << b.runs << " runs"; }

class FuzzHelperProofSlow : public ::testing::TestWithParam<Bug> {};

std::string fuzz_helper_bin(std::string& why) {
  if (const char* env = std::getenv("CPH_FUZZ_HELPER_BIN"); env && *env) return env;
#ifdef CPH_FUZZ_HELPER_BIN
  return CPH_FUZZ_HELPER_BIN;
#else
  why =
      "fuzz_helper is a libFuzzer binary only under the fuzz preset (cmake --preset fuzz; this build replays its "
      "corpus instead), and CPH_FUZZ_HELPER_BIN names none";
  return "";
#endif
}

TEST_P(FuzzHelperProofSlow, CoverageGuidedFindsThePlantedBugWithinItsBudget) {
  const Bug bug = GetParam();
  std::string why;
  const std::string target = fuzz_helper_bin(why);
  if (target.empty()) GTEST_SKIP() << why;
  auto helper = test::go_buggy_helper(why);
  if (!helper) GTEST_SKIP() << why;

  proc::TempDir work;
  const fs::path corpus = fs::path(work.path()) / "corpus", artifacts = fs::path(work.path()) / "findings";
  fs::create_directories(artifacts);
  fs::copy(fs::path(CPH_SOURCE_DIR) / "fuzz" / "corpus" / "fuzz_helper", corpus);
  const std::string command = *helper + " --dir {dir} --bugs " + bug.name;
  const auto t0 = std::chrono::steady_clock::now();
  test::Ran r =
      test::run_program({target, "-seed=1", "-runs=" + std::to_string(bug.runs), "-max_len=512", "-timeout=120",
                         "-artifact_prefix=" + artifacts.string() + "/", "-print_final_stats=1", corpus.string()},
                        {"", {"CPH_FUZZ_HELPER=" + command, "CPH_FUZZ_REPLY_TIMEOUT=10s"}, 1500s});
  const auto wall = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r.timed_out) << r.out.substr(r.out.size() > 4000 ? r.out.size() - 4000 : 0);
  // The helper's coverage reached libFuzzer (no "no Go coverage counters" note).
  EXPECT_EQ(r.out.find("left no Go coverage counters"), std::string::npos) << r.out.substr(0, 2000);
  std::smatch m;
  const bool found = std::regex_search(r.out, m, std::regex("fuzz_helper: finding: corruption: [^\n]*"));
  ASSERT_TRUE(found) << "no finding in " << bug.runs << " runs:\n"
                     << r.out.substr(r.out.size() > 4000 ? r.out.size() - 4000 : 0);
  size_t runs = 0;
  std::smatch rm;
  if (std::regex_search(r.out, rm, std::regex("#([0-9]+)[^\n]*\n[^\n]*fuzz_helper: finding"))) {
    runs = std::stoul(rm[1]);
  }
  bool saved = false;
  for (const auto& e : fs::directory_iterator(artifacts))
    saved = saved || e.path().filename().string().rfind("crash-", 0) == 0;
  EXPECT_TRUE(saved) << "libFuzzer saved no crash- input";
  const double secs = std::chrono::duration<double>(wall).count();
  std::printf("fuzz_helper: %s found after about %zu runs in %.1f s: %s\n", bug.name, runs, secs, m[0].str().c_str());

  // `cph fuzz` (seed 1, its default sessions) against the same helper for the same wall time.
  fuzzer::CampaignOptions c;
  c.seed = 1;
  c.helper = {*helper, "--dir", "{dir}", "--bugs", bug.name};
  c.duration = std::chrono::duration_cast<std::chrono::milliseconds>(wall);
  c.out_dir = "";
  c.exec.reply_timeout = 10s;
  const fuzzer::CampaignResult cr = fuzzer::run_campaign(c);
  std::printf("cph fuzz: %s: %zu operations in %zu rounds in %.1f s, %zu findings\n", bug.name, cr.stats.ops,
              cr.rounds.size(), std::chrono::duration<double>(cr.wall).count(), cr.findings);
  // Recorded, not asserted: with these bugs the random sessions are often as quick (docs/fuzzer.md).
}

INSTANTIATE_TEST_SUITE_P(PlantedBugs, FuzzHelperProofSlow, ::testing::ValuesIn(kBugs), [](const auto& info) {
  std::string n = info.param.name;
  for (char& ch : n)
    if (ch == '-') ch = '_';
  return n;
});

}  // namespace
}  // namespace cph
