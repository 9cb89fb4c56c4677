// cph fuzz against live helpers (issue 7's proof): plain cph-fake survives
// 10,000 operations with no finding; each scripted fault is found within a
// bounded number of operations with the right class; a finding minimises to
// at most 10 operations that replay to the same class; programs that are
// not helpers at all give a clear finding and never hang the harness.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "proc/temp_dir.hpp"
#include "fuzzer/campaign.hpp"
#include "fuzzer/minimizer.hpp"
#include "sanitized_build.hpp"

namespace cph::fuzzer {
namespace {

std::string script(const std::string& name) {
  return std::string(CPH_SOURCE_DIR) + "/scenarios/fake-scripts/" + name;
}

std::vector<std::string> fake(const std::string& script_name = "") {
  std::vector<std::string> argv = {CPH_FAKE_BIN, "--dir", "{dir}", "--seed", "{seed}"};
  if (!script_name.empty()) {
    argv.push_back("--script");
    argv.push_back(script(script_name));
  }
  return argv;
}

CampaignOptions options(std::vector<std::string> helper, size_t iterations, const std::string& out = "") {
  CampaignOptions o;
  o.seed = 1;
  o.helper = std::move(helper);
  o.iterations = iterations;
  o.generator.max_body = 1 << 20;
  o.exec.reply_timeout = std::chrono::seconds(1);
  o.out_dir = out;
  return o;
}

// Slow: the issue asks for 10,000 operations; measured 14-27 s on a shared 2-core
// machine under load (each sync reply is a few thread handoffs in both processes).
TEST(FuzzerLive, PlainFakeTenThousandOpsNoFindingSlow) {
  auto o = options(fake(), 10000);
  o.exec.reply_timeout = std::chrono::seconds(5);
  CampaignResult r = run_campaign(o);
  for (const auto& round : r.rounds) {
    if (round.trace.failure) ADD_FAILURE() << describe(*round.trace.failure);
  }
  EXPECT_EQ(r.findings, 0u);
  EXPECT_EQ(r.stats.ops, 10000u);
  EXPECT_GT(r.stats.hits, 1000u);
  EXPECT_GT(r.stats.helpers_started, 5u);  // closes and kills restarted it on the same directory
  std::printf("[ measured ] 10000 ops against cph-fake in %.2f s (%.0f ops/s), %zu helpers\n",
              std::chrono::duration<double>(r.wall).count(), r.ops_per_second(), r.stats.helpers_started);
}

TEST(FuzzerLive, PlainFakeSurvivesHostileInput) {
  auto o = options(fake(), 3000);
  o.exec.reply_timeout = std::chrono::seconds(5);
  o.generator.hostile = true;
  CampaignResult r = run_campaign(o);
  for (const auto& round : r.rounds) {
    if (round.trace.failure) ADD_FAILURE() << describe(*round.trace.failure);
  }
  EXPECT_GT(r.stats.hostile, 20u);
}

struct Fault {
  const char* script;
  FailureClass cls;
  size_t within;  // operations
};

// Short deadlines only where a hang is the point: elsewhere a slow reply on a
// loaded machine (or under ASan) must not turn into a false hang.
std::chrono::milliseconds deadline_for(FailureClass cls) {
  return cls == FailureClass::hang ? std::chrono::seconds(1) : std::chrono::seconds(5);
}

class FuzzerFault : public ::testing::TestWithParam<Fault> {};

// The issue's exact faults: 1 in 500 gets corrupt, SIGSEGV on the 300th put,
// 1 in 500 replies dropped, 1 in 500 under an unknown ID.
TEST_P(FuzzerFault, FoundWithinBoundWithTheRightClass) {
  const Fault& f = GetParam();
  proc::TempDir out;
  auto o = options(fake(f.script), f.within, out.path());
  o.exec.reply_timeout = deadline_for(f.cls);
  CampaignResult r = run_campaign(o);
  ASSERT_EQ(r.findings, 1u) << f.script << ": nothing found in " << r.stats.ops << " operations";
  const RoundResult& round = r.rounds.back();
  ASSERT_TRUE(round.trace.failure);
  EXPECT_EQ(round.trace.failure->cls, f.cls) << describe(*round.trace.failure);
  EXPECT_TRUE(std::filesystem::exists(round.trace_path));
  EXPECT_TRUE(std::filesystem::exists(round.transcript_path));
  std::printf("[ measured ] %s: %s after %zu operations\n", f.script, failure_class_name(f.cls), r.stats.ops);
  // The saved trace replays to the same class.
  Trace saved = load_trace(round.trace_path);
  ExecOptions eo;
  eo.reply_timeout = deadline_for(f.cls);
  Trace again = saved;
  again.failure.reset();
  ExecResult rr = execute(again, eo, nullptr);
  ASSERT_TRUE(rr.failure);
  EXPECT_EQ(rr.failure->cls, f.cls) << describe(*rr.failure);
}

INSTANTIATE_TEST_SUITE_P(
    IssueFaults, FuzzerFault,
    ::testing::Values(Fault{"fuzz-corrupt-get.jsonc", FailureClass::corruption, 40000},
                      Fault{"fuzz-crash-put-300.jsonc", FailureClass::crash, 40000},
                      Fault{"fuzz-drop-reply.jsonc", FailureClass::hang, 40000},
                      Fault{"fuzz-wrong-id.jsonc", FailureClass::protocol, 40000}),
    [](const auto& info) {
      std::string n = info.param.script;
      n = n.substr(5, n.find('.') - 5);
      for (auto& c : n) c = c == '-' ? '_' : c;
      return n;
    });

class FuzzerMinimize : public ::testing::TestWithParam<Fault> {};

TEST_P(FuzzerMinimize, ShrinksToAtMostTenOpsThatReplay) {
  const Fault& f = GetParam();
  auto o = options(fake(f.script), f.within);
  o.exec.reply_timeout = deadline_for(f.cls);
  CampaignResult r = run_campaign(o);
  ASSERT_EQ(r.findings, 1u) << f.script;
  const Trace& found = r.rounds.back().trace;
  ASSERT_EQ(found.failure->cls, f.cls) << describe(*found.failure);
  MinimizeOptions mo;
  mo.exec.reply_timeout = deadline_for(f.cls);
  mo.max_replays = 200;
  MinimizeResult m = minimize(found, mo);
  ASSERT_TRUE(m.reproduced);
  EXPECT_LE(m.trace.ops.size(), 10u) << render_trace(m.trace);
  ASSERT_TRUE(m.trace.failure);
  EXPECT_EQ(m.trace.failure->cls, f.cls);
  std::printf("[ measured ] %s: %zu -> %zu operations in %zu replays\n", f.script, found.ops.size(),
              m.trace.ops.size(), m.replays);
  Trace again = m.trace;
  again.failure.reset();
  ExecResult rr = execute(again, mo.exec, nullptr);
  ASSERT_TRUE(rr.failure);
  EXPECT_EQ(rr.failure->cls, f.cls);
}

INSTANTIATE_TEST_SUITE_P(
    ShortFaults, FuzzerMinimize,
    ::testing::Values(Fault{"fuzz-min-corrupt-get.jsonc", FailureClass::corruption, 5000},
                      Fault{"fuzz-min-crash-put.jsonc", FailureClass::crash, 5000},
                      Fault{"fuzz-min-drop-reply.jsonc", FailureClass::hang, 5000},
                      Fault{"fuzz-min-wrong-id.jsonc", FailureClass::protocol, 5000}),
    [](const auto& info) {
      std::string n = info.param.script;
      n = n.substr(9, n.find('.') - 9);
      for (auto& c : n) c = c == '-' ? '_' : c;
      return n;
    });

struct NotAHelper {
  const char* name;
  std::vector<std::string> argv;
  FailureClass cls;
};

class FuzzerNotAHelper : public ::testing::TestWithParam<NotAHelper> {};

TEST_P(FuzzerNotAHelper, ClearFindingNoHang) {
  const auto start = std::chrono::steady_clock::now();
  CampaignResult r = run_campaign(options(GetParam().argv, 100));
  ASSERT_EQ(r.findings, 1u);
  const Failure& f = *r.rounds.back().trace.failure;
  EXPECT_EQ(f.cls, GetParam().cls) << describe(f);
  EXPECT_FALSE(f.message.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

INSTANTIATE_TEST_SUITE_P(
    Programs, FuzzerNotAHelper,
    ::testing::Values(NotAHelper{"bin_false", {"/bin/false"}, FailureClass::crash},
                      NotAHelper{"echo_garbage", {"/bin/sh", "-c", "echo garbage; sleep 30"}, FailureClass::protocol},
                      NotAHelper{"silent", {"/bin/sh", "-c", "exec sleep 30"}, FailureClass::hang},
                      NotAHelper{"no_such_program", {"/nonexistent/helper"}, FailureClass::crash},
                      NotAHelper{"cat_waits_for_input", {"/bin/cat"}, FailureClass::hang}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cph::fuzzer
