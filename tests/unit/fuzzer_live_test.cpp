// cph fuzz against live helpers (issue 7's proof): plain cph-fake survives
// 10,000 operations with no finding; each scripted fault is found within a
// bounded number of operations with the right class; a finding minimises to
// at most 10 operations that replay to the same class; programs that are
// not helpers at all give a clear finding and never hang the harness.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

#include "fuzzer/campaign.hpp"
#include "fuzzer/minimizer.hpp"
#include "proc/temp_dir.hpp"
#include "sanitized_build.hpp"
#include "test_scale.hpp"

namespace cph::fuzzer {
namespace {

using cph::test::load_scaled;

std::string script(const std::string& name) { return std::string(CPH_SOURCE_DIR) + "/scenarios/fake-scripts/" + name; }

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
  // An idle machine's 1 s, stretched by the load: a reply slower than the
  // deadline is a hang, so on a loaded machine (or under ASan) a fixed one
  // finds hangs that are not there (tests below that want a short one for a
  // hang set it).
  o.exec.reply_timeout = load_scaled(std::chrono::seconds(1));
  o.out_dir = out;
  return o;
}

// Slow: the issue asks for 10,000 operations; measured 14-27 s on a shared 2-core
// machine under load (each sync reply is a few thread handoffs in both processes).
TEST(FuzzerLive, PlainFakeTenThousandOpsNoFindingSlow) {
  auto o = options(fake(), 10000);
  o.exec.reply_timeout = load_scaled(std::chrono::seconds(5));
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
  o.exec.reply_timeout = load_scaled(std::chrono::seconds(5));
  o.generator.hostile = true;
  CampaignResult r = run_campaign(o);
  for (const auto& round : r.rounds) {
    if (round.trace.failure) ADD_FAILURE() << describe(*round.trace.failure);
  }
  EXPECT_GT(r.stats.hostile, 20u);
}

// A helper that dies as a Go program panics (the goroutine dump on stderr,
// exit status 2) is a crash whatever its status: here at close, where an
// exit without a reply is otherwise fine (go1.24+), so it was passed before.
TEST(FuzzerLive, AGoPanicIsACrashWhateverTheExitStatus) {
  auto helper = fake();
  helper.insert(helper.end(), {"--script", R"({"rules":[{"when":{"close":true},"do":[)"
                                           R"({"stderr":"panic: close of closed channel\n\ngoroutine 1 [running]:\n"},)"
                                           R"({"exit":2}]}]})"});
  auto o = options(helper, 3000);
  o.exec.reply_timeout = load_scaled(std::chrono::seconds(5));
  CampaignResult r = run_campaign(o);
  ASSERT_EQ(r.findings, 1u) << "nothing found in " << r.stats.ops << " operations";
  const auto& failure = *r.rounds.back().trace.failure;
  EXPECT_EQ(failure.cls, FailureClass::crash) << describe(failure);
  EXPECT_NE(failure.message.find("a Go runtime panic (exit status 2): panic: close of closed channel"),
            std::string::npos)
      << describe(failure);
}

struct Fault {
  const char* script;
  FailureClass cls;
  size_t within;  // operations
};

// ctest's test names end in the parameter as gtest prints it: without these,
// the struct's bytes (pointers included), which change from run to run.
void PrintTo(const Fault& f, std::ostream* os) { *os << f.script; }

// Short deadlines only where a hang is the point (a slow reply taken for a
// hang is still the class those rows expect, and a minimisation replays
// the hang many times): elsewhere a slow reply on a loaded machine (or
// under ASan) must not turn into a false hang, so the deadline stretches.
std::chrono::milliseconds deadline_for(FailureClass cls) {
  return cls == FailureClass::hang ? std::chrono::milliseconds(1000) : load_scaled(std::chrono::seconds(5));
}

// Names the parameterised rows after their fake script: fuzz-corrupt-get.jsonc
// with prefix "fuzz-" is corrupt_get.
auto named_after_script(std::string_view prefix) {
  return [prefix](const auto& info) {
    std::string n = info.param.script;
    n = n.substr(prefix.size(), n.find('.') - prefix.size());
    for (auto& c : n) c = c == '-' ? '_' : c;
    return n;
  };
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

INSTANTIATE_TEST_SUITE_P(IssueFaults, FuzzerFault,
                         ::testing::Values(Fault{"fuzz-corrupt-get.jsonc", FailureClass::corruption, 40000},
                                           Fault{"fuzz-crash-put-300.jsonc", FailureClass::crash, 40000},
                                           Fault{"fuzz-drop-reply.jsonc", FailureClass::hang, 40000},
                                           Fault{"fuzz-wrong-id.jsonc", FailureClass::protocol, 40000},
                                           // Issue 22: within the default iterations (10,000), by the model alone (the
                                           // put replies are right).
                                           Fault{"fuzz-reput-keeps-old.jsonc", FailureClass::corruption, 10000}),
                         named_after_script("fuzz-"));

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
  mo.attempts = 1;  // these faults are keyed on ActionIDs and counts: every replay fails alike
  MinimizeResult m = minimize(found, mo);
  ASSERT_TRUE(m.reproduced);
  EXPECT_LE(m.trace.ops.size(), 10u) << render_trace(m.trace);
  ASSERT_TRUE(m.trace.failure);
  EXPECT_EQ(m.trace.failure->cls, f.cls);
  std::printf("[ measured ] %s: %zu -> %zu operations in %zu replays\n", f.script, found.ops.size(), m.trace.ops.size(),
              m.replays);
  Trace again = m.trace;
  again.failure.reset();
  ExecResult rr = execute(again, mo.exec, nullptr);
  ASSERT_TRUE(rr.failure);
  EXPECT_EQ(rr.failure->cls, f.cls);
}

INSTANTIATE_TEST_SUITE_P(ShortFaults, FuzzerMinimize,
                         ::testing::Values(Fault{"fuzz-min-corrupt-get.jsonc", FailureClass::corruption, 5000},
                                           Fault{"fuzz-min-crash-put.jsonc", FailureClass::crash, 5000},
                                           Fault{"fuzz-min-drop-reply.jsonc", FailureClass::hang, 5000},
                                           Fault{"fuzz-min-wrong-id.jsonc", FailureClass::protocol, 5000}),
                         named_after_script("fuzz-min-"));

// Issue 22: a finding that reproduces in about 1 replay of 6 (the re-put bug
// on one put in six, drawn from the helper's --seed, which differs on every
// replay attempt) shrinks to at most 4 operations with the default attempts.
// Slow: about 1,400 replays, 60-70 s on a shared 2-core machine (a candidate
// that does not fail costs 25).
TEST(FuzzerMinimize, FlakyFindingShrinksToAtMostFourOpsSlow) {
  auto o = options(fake("fuzz-min-reput-flaky.jsonc"), 5000);
  o.exec.reply_timeout = load_scaled(std::chrono::seconds(5));
  CampaignResult r = run_campaign(o);
  ASSERT_EQ(r.findings, 1u);
  const Trace& found = r.rounds.back().trace;
  ASSERT_EQ(found.failure->cls, FailureClass::corruption) << describe(*found.failure);
  MinimizeOptions mo;
  mo.exec.reply_timeout = load_scaled(std::chrono::seconds(5));
  EXPECT_EQ(mo.attempts, kDefaultAttempts);
  const auto start = std::chrono::steady_clock::now();
  MinimizeResult m = minimize(found, mo);
  ASSERT_TRUE(m.reproduced);
  EXPECT_LE(m.trace.ops.size(), 4u) << render_trace(m.trace);
  EXPECT_EQ(m.trace.failure->cls, FailureClass::corruption);
  EXPECT_LE(m.original_runs, kDefaultAttempts);
  EXPECT_GE(m.original_failures, 1u);
  std::printf("[ measured ] flaky re-put: original fails %zu of %zu; %zu -> %zu operations in %zu replays, %.1f s\n",
              m.original_failures, m.original_runs, found.ops.size(), m.trace.ops.size(), m.replays,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  EXPECT_GE(m.minimal_failures, 1u);
  EXPECT_LE(m.minimal_runs, kDefaultAttempts);
  // The minimal trace fails only sometimes: with one attempt per candidate
  // the same search is not reliable; count how often it fails in 60 replays.
  size_t fails = 0;
  for (uint64_t a = 0; a < 60; ++a) {
    Trace t = m.trace;
    t.failure.reset();
    ExecOptions eo;
    eo.attempt = a;
    if (execute(t, eo, nullptr).failure) ++fails;
  }
  std::printf("[ measured ] the minimal trace fails in %zu of 60 replays\n", fails);
  EXPECT_GT(fails, 0u);
  EXPECT_LT(fails, 60u);
}

// Issue 22: with --hostile the helper's writes fail now and then
// (storage-fault ops); a helper that goes silent after a failed write (issue
// 22's missed bug 9) is a hang.
TEST(FuzzerLive, SilenceAfterAFailedWriteIsAHang) {
  const std::string silent = R"({"rules":[{"when":{"handshake":true},"do":{"on_store_error":"silence"}}]})";
  auto o = options({CPH_FAKE_BIN, "--dir", "{dir}", "--script", silent}, 10000);
  o.generator.hostile = true;
  CampaignResult r = run_campaign(o);
  ASSERT_EQ(r.findings, 1u) << "nothing found in " << r.stats.ops << " operations";
  const Trace& found = r.rounds.back().trace;
  EXPECT_EQ(found.failure->cls, FailureClass::hang) << describe(*found.failure);
  EXPECT_GE(r.stats.storage_faults, 1u);
  std::printf("[ measured ] silence after a failed write: %s after %zu operations\n", describe(*found.failure).c_str(),
              r.stats.ops);
}

struct NotAHelper {
  const char* name;
  std::vector<std::string> argv;
  FailureClass cls;
};

void PrintTo(const NotAHelper& h, std::ostream* os) { *os << h.name; }

class FuzzerNotAHelper : public ::testing::TestWithParam<NotAHelper> {};

TEST_P(FuzzerNotAHelper, ClearFindingNoHang) {
  const auto start = std::chrono::steady_clock::now();
  CampaignResult r = run_campaign(options(GetParam().argv, 100));
  ASSERT_EQ(r.findings, 1u);
  const Failure& f = *r.rounds.back().trace.failure;
  EXPECT_EQ(f.cls, GetParam().cls) << describe(f);
  EXPECT_FALSE(f.message.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, load_scaled(std::chrono::seconds(10)));
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
