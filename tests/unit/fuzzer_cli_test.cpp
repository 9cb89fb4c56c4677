// `cph fuzz` and `cph replay` as commands: usage errors exit 2, a clean run
// exits 0 with a summary, a finding exits 1 and is saved; `cph replay
// --minimize` shrinks it to at most 10 operations that replay to the same
// class; --help follows the CLI convention.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzzer/trace_file.hpp"
#include "proc/temp_dir.hpp"
#include "run_program.hpp"
#include "test_scale.hpp"

namespace {

using cph::test::Ran;

// 60 s on an idle machine, which run_program stretches under a sanitizer and
// by the load ctest started at (load_scaled): `cph replay --minimize` replays
// a trace many times, each with a fresh helper (under TSan at load 6 per
// core, and under ASan at load 15, it took over 60 s).
Ran cph(std::vector<std::string> args) {
  std::vector<std::string> argv{CPH_CLI_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return cph::test::run_program(argv);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// An idle machine's reply deadline, stretched by the load, as a --reply-timeout
// value: a reply slower than it is a hang, and these tests expect other classes.
std::string reply_timeout(std::chrono::seconds idle) {
  return std::to_string(cph::test::load_scaled(idle).count()) + "ms";
}

TEST(FuzzerCli, UsageErrorsExit2) {
  EXPECT_EQ(cph({"fuzz"}).code, 2);
  Ran bad = cph({"fuzz", "--duration", "soon", "--", CPH_FAKE_BIN});
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(has(bad.out, "--duration soon")) << bad.out;
  EXPECT_EQ(cph({"replay"}).code, 2);
  Ran missing = cph({"replay", "/nonexistent/t.trace.json"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(has(missing.out, "/nonexistent/t.trace.json")) << missing.out;
}

TEST(FuzzerCli, HelpFollowsTheConvention) {
  for (const char* sub : {"fuzz", "replay"}) {
    Ran h = cph({sub, "--help"});
    EXPECT_EQ(h.code, 0);
    EXPECT_TRUE(has(h.out, "Examples:\n  cph " + std::string(sub) + " ")) << h.out;
    EXPECT_TRUE(has(h.out, "--reply-timeout")) << h.out;
  }
  EXPECT_TRUE(has(cph({"fuzz", "--help"}).out, "10000")) << "the --iterations default is shown";
}

TEST(FuzzerCli, CleanRunExits0WithSummary) {
  cph::proc::TempDir out;
  Ran r = cph({"fuzz", "--iterations", "500", "--out", out.path(), "--json", out.path() + "/r.json", "--", CPH_FAKE_BIN,
               "--dir", "{dir}"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "500 operations")) << r.out;
  EXPECT_TRUE(has(r.out, "ops/s")) << r.out;
  EXPECT_TRUE(has(r.out, "no findings")) << r.out;
  EXPECT_TRUE(std::filesystem::exists(out.path() + "/r.json"));
}

TEST(FuzzerCli, DurationEndsTheRunWithoutAFinding) {
  cph::proc::TempDir out;
  const auto start = std::chrono::steady_clock::now();
  Ran r = cph({"fuzz", "--duration", "2s", "--out", out.path(), "--", CPH_FAKE_BIN, "--dir", "{dir}"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "no findings")) << r.out;
  EXPECT_LT(std::chrono::steady_clock::now() - start, cph::test::load_scaled(std::chrono::seconds(15)));
}

TEST(FuzzerCli, FindingThenReplayMinimize) {
  cph::proc::TempDir out;
  const std::string script = std::string(CPH_SOURCE_DIR) + "/scenarios/fake-scripts/fuzz-min-corrupt-get.jsonc";
  Ran r = cph({"fuzz", "--reply-timeout", reply_timeout(std::chrono::seconds(5)), "--out", out.path(), "--junit",
               out.path() + "/j.xml", "--", CPH_FAKE_BIN, "--dir", "{dir}", "--seed", "{seed}", "--script", script});
  ASSERT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(has(r.out, "corruption at op")) << r.out;
  std::string trace;
  for (const auto& e : std::filesystem::directory_iterator(out.path())) {
    if (e.path().string().ends_with("-corruption.trace.json")) trace = e.path().string();
  }
  ASSERT_FALSE(trace.empty()) << r.out;
  EXPECT_TRUE(has(r.out, trace)) << "the summary names the trace file";

  Ran m = cph({"replay", "--minimize", trace});
  ASSERT_EQ(m.code, 1) << m.out;
  EXPECT_TRUE(has(m.out, "reproduced (same class)")) << m.out;
  const std::string min = trace.substr(0, trace.size() - 11) + ".min.trace.json";
  ASSERT_TRUE(std::filesystem::exists(min)) << m.out;
  auto t = cph::fuzzer::load_trace(min);
  EXPECT_LE(t.ops.size(), 10u) << m.out;
  ASSERT_TRUE(t.failure);
  EXPECT_EQ(t.failure->cls, cph::fuzzer::FailureClass::corruption);

  Ran again = cph({"replay", min});
  EXPECT_EQ(again.code, 1) << again.out;
  EXPECT_TRUE(has(again.out, "reproduced (same class)")) << again.out;
  // Against a correct helper (the trace's helper replaced) it no longer fails.
  Ran fixed = cph({"replay", min, "--", CPH_FAKE_BIN, "--dir", "{dir}"});
  EXPECT_EQ(fixed.code, 0) << fixed.out;
  EXPECT_TRUE(has(fixed.out, "NOT reproduced")) << fixed.out;
}

}  // namespace
