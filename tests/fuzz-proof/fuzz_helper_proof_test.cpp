// Issue 20's proof: the coverage-guided target (fuzz/fuzz_helper.cpp),
// steered by the test helper's own coverage, finds a planted bug within a
// fixed seed and budget (-seed, -runs), and `cph fuzz` (seeded random
// sessions, seed 1) run for the same wall time against the same helper does
// not find it. Two helpers: the Go one (tests/go-buggy-helper, built with
// -cover: its counter files) for two of its three bugs (kBugs: the third
// takes too long for a test), and its C++ port (tests/cpp-buggy-helper,
// built with clang's trace-pc-guard and fuzz/cph_sancov_runtime.c: the
// shared segment) for warm-get.
//
// The second half is a claim about chance, made deterministic by the seed:
// `cph fuzz --seed 1` is the same sessions on every machine and a shorter run
// is a prefix of a longer one, and seed 1 finds none of the three bugs in its
// first kCphFuzzCheckedOps operations (measured: docs/fuzzer.md, "Proof").
// Past that, the odds of a find are those computed in
// tests/go-buggy-helper/main.go (about 2 % in 300,000 operations for the
// three together, nearly all of it miss-reput).
//
// fuzz_helper is a libFuzzer binary only under the fuzz preset (clang), or
// where CPH_FUZZ_HELPER_BIN names one (e.g. fuzz/fuzz_helper.cpp compiled
// with -fsanitize=fuzzer against this build's libraries): elsewhere these
// tests skip with that reason, as they do without Go. Label `slow`.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <regex>
#include <string>
#include <vector>

#include "cpp_buggy_helper.hpp"
#include "fuzzer/campaign.hpp"
#include "go_buggy_helper.hpp"
#include "proc/temp_dir.hpp"
#include "run_program.hpp"

namespace cph {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Bug {
  const char* helper;  // "go" or "cpp"
  const char* name;
  size_t runs;  // libFuzzer's budget (-runs) with -seed=1
};

// Budgets: about twice the runs -seed=1 -use_cmp=0 needed when measured
// (docs/fuzzer.md, "Proof"). For the Go helper that count is the same on
// every run (its counters arrive at exit only, and the harness's edges are
// cleared after the whole life): size-ladder 747, warm-get 3,668. It moves
// with any change to the target, the executor or the helper, so measure
// again after one. A C++ helper's counters land live, so a life the input
// kills gives those of however far the helper got, and one seed's count
// varies: warm-get 784, 1,460 and 4,680 (its size-ladder, two steps of 1/4,
// falls to plain mutation as well). The third bug, miss-reput, is left out
// for time: found after 2,168 and 2,750 runs (8 minutes here, with the
// comparison hints), and `cph fuzz` then runs as long; its figures are in
// docs/fuzzer.md.
const Bug kBugs[] = {{"go", "size-ladder", 1500}, {"go", "warm-get", 7500}, {"cpp", "warm-get", 9500}};

// `cph fuzz --seed 1 --iterations N --keep-going` with all three bugs on found
// nothing for this N (so neither does any shorter run, nor one with a
// single bug on: the requests are the same until a bug fires).
constexpr size_t kCphFuzzCheckedOps = 300000;

void PrintTo(const Bug& b, std::ostream* os) {
  *os << b.helper << " helper, " << b.name << " within " << b.runs << " runs";
}

class FuzzHelperProofSlow : public ::testing::TestWithParam<Bug> {};

std::string fuzz_helper_bin([[maybe_unused]] std::string& why) {
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
  const bool cpp = std::string(bug.helper) == "cpp";
  auto helper = cpp ? test::cpp_buggy_helper(why) : test::go_buggy_helper(why);
  if (!helper) GTEST_SKIP() << why;

  proc::TempDir work;
  const fs::path corpus = fs::path(work.path()) / "corpus", artifacts = fs::path(work.path()) / "findings";
  fs::create_directories(artifacts);
  fs::copy(fs::path(CPH_SOURCE_DIR) / "fuzz" / "corpus" / "fuzz_helper", corpus);
  const std::string command = *helper + " --dir {dir} --bugs " + bug.name;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string dict = std::string(CPH_SOURCE_DIR) + "/fuzz/fuzz_helper.dict";
  // -use_cmp=0: libFuzzer's comparison hints would come from the harness's
  // code (paths, environment), which differ between machines and made the
  // runs to a find vary from 412 to over 1,500 for size-ladder; without them
  // a seed gives the same mutations wherever the helper's coverage is the same.
  test::Ran r = test::run_program(
      {target, "-seed=1", "-runs=" + std::to_string(bug.runs), "-max_len=512", "-timeout=120", "-use_cmp=0",
       "-dict=" + dict, "-artifact_prefix=" + artifacts.string() + "/", "-print_final_stats=1", corpus.string()},
      {"", {"CPH_FUZZ_HELPER=" + command, "CPH_FUZZ_REPLY_TIMEOUT=10s"}, 1500s});
  const auto wall = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r.timed_out) << r.out.substr(r.out.size() > 4000 ? r.out.size() - 4000 : 0);
  // The helper's coverage reached libFuzzer (no "gave no coverage" note).
  EXPECT_EQ(r.out.find("gave no coverage"), std::string::npos) << r.out.substr(0, 2000);
  std::smatch m;
  const bool found = std::regex_search(r.out, m, std::regex("fuzz_helper: finding: corruption: [^\n]*"));
  ASSERT_TRUE(found) << "no finding in " << bug.runs << " runs:\n"
                     << r.out.substr(r.out.size() > 4000 ? r.out.size() - 4000 : 0);
  size_t runs = 0;
  std::smatch rm;
  if (std::regex_search(r.out, rm, std::regex("stat::number_of_executed_units: ([0-9]+)"))) {
    runs = std::stoul(rm[1]);
  }
  bool saved = false;
  for (const auto& e : fs::directory_iterator(artifacts))
    saved = saved || e.path().filename().string().rfind("crash-", 0) == 0;
  EXPECT_TRUE(saved) << "libFuzzer saved no crash- input";
  const double secs = std::chrono::duration<double>(wall).count();
  std::printf("fuzz_helper: %s helper: %s found after %zu runs in %.1f s: %s\n", bug.helper, bug.name, runs, secs, m[0].str().c_str());

  // `cph fuzz` (seed 1, its default sessions) against the same helper for the same wall time.
  fuzzer::CampaignOptions c;
  c.seed = 1;
  c.helper = {*helper, "--dir", "{dir}", "--bugs", bug.name};
  c.duration = std::chrono::duration_cast<std::chrono::milliseconds>(wall);
  c.out_dir = "";
  c.exec.reply_timeout = 10s;
  const fuzzer::CampaignResult cr = fuzzer::run_campaign(c);
  std::printf("cph fuzz --seed 1: %s: %zu operations in %zu rounds in %.1f s, %zu findings\n", bug.name, cr.stats.ops,
              cr.rounds.size(), std::chrono::duration<double>(cr.wall).count(), cr.findings);
  EXPECT_EQ(cr.findings, 0u) << "cph fuzz found " << bug.name << " in " << cr.stats.ops << " operations"
                             << (cr.stats.ops > kCphFuzzCheckedOps ? " (past the operations checked: chance)" : "");
}

INSTANTIATE_TEST_SUITE_P(PlantedBugs, FuzzHelperProofSlow, ::testing::ValuesIn(kBugs), [](const auto& info) {
  std::string n = std::string(info.param.helper) == "go" ? info.param.name : info.param.helper + std::string("_") + info.param.name;
  for (char& ch : n)
    if (ch == '-') ch = '_';
  return n;
});

}  // namespace
}  // namespace cph
