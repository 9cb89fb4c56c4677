// Scenario execution against the real cph-fake over real pipes: outcomes,
// request IDs, pending IDs, cancellation, fake events and stats, mismatch
// reports; and the catalogue in scenarios/ parses with IDs equal to paths.
#include "scenario/scenario_exec.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "runner/runner.hpp"

using namespace cph::runner;
using namespace cph::scenario;
namespace fs = std::filesystem;

namespace {

ScenarioEnv env() { return ScenarioEnv{CPH_FAKE_BIN, ""}; }

Scenario scenario(const std::string& body) {
  return parse_scenario(R"({"id": "t/x", "title": "t", "pins": "p", )" + body + "}", "test.jsonc");
}

std::string mismatches_text(const std::vector<Mismatch>& ms) {
  std::string s;
  for (const auto& m : ms) s += m.where + ": expected " + m.expected + "; observed " + m.observed + "\n";
  return s;
}

}  // namespace

TEST(ScenarioExec, CleanSessionAgainstTheDefaultFake) {
  auto s = scenario(R"("steps": [
      {"get": "ab", "expect": {"outcome": "miss", "request_id": 1}},
      {"put": {"action": "ab", "body": "hello"}, "expect": {"outcome": "ok", "request_id": 2}},
      {"get": "ab", "expect": {"outcome": "ok", "size": 5, "request_id": 3}},
      {"close": true, "expect": {"outcome": "ok"}}],
    "expect": {"outcome": "ok", "pending": [],
               "fake_saw": {"requests": {"get": 2, "put": 1}, "hits": 1, "misses": 1}})");
  auto o = execute_scenario(s, "go1.26", env());
  EXPECT_EQ(mismatches_text(compare_scenario(s, o)), "");
  ASSERT_EQ(o.steps.size(), 4u);
  EXPECT_EQ(o.steps[2].size, 5);
  EXPECT_EQ(o.steps[1].request_id, 2);
  EXPECT_EQ(o.session, OutcomeClass::ok);
}

TEST(ScenarioExec, UnknownIdIsFatalAndMismatchesAreReported) {
  auto s = scenario(R"("profiles": ["go1.21"],
    "fake": {"rules": [{"when": {"request": 1}, "do": {"id": 77}}]},
    "client": {"reply_timeout": "2s"},
    "steps": [{"get": "01", "expect": {"outcome": "miss"}}],
    "expect": {"outcome": "ok", "pending": [2]})");
  auto o = execute_scenario(s, "go1.21", env());
  EXPECT_EQ(o.steps[0].outcome, OutcomeClass::fatal);
  EXPECT_EQ(o.steps[0].message, "GOCACHEPROG sent response for unknown request ID 77");
  EXPECT_EQ(o.session, OutcomeClass::fatal);
  EXPECT_EQ(o.pending, (std::vector<int64_t>{1}));
  EXPECT_EQ(mismatches_text(compare_scenario(s, o)),
            "steps[0]: expected miss; observed fatal: GOCACHEPROG sent response for unknown request ID 77\n"
            "session: expected ok; observed fatal: GOCACHEPROG sent response for unknown request ID 77\n"
            "session.pending: expected [2]; observed [1]\n");
}

TEST(ScenarioExec, CancelAfterAndFakeEvents) {
  auto s = scenario(R"("fake": {"rules": [{"when": {"request": 1}, "do": {"delay": "300ms"}}]},
    "steps": [
      {"get": "01", "cancel_after": "30ms", "expect": {"outcome": "cancelled", "message": "context canceled"}},
      {"wait_event": {"event": "rule-fired", "detail": {"rule": 0}, "timeout": "2s"}},
      {"get": "02", "deadline": "2s", "expect": {"outcome": "miss", "request_id": 2}},
      {"close": true, "expect": {"outcome": "ok"}}],
    "expect": {"outcome": "ok", "pending": [], "fake_saw": {"rules_fired": [1]}})");
  auto o = execute_scenario(s, "go1.25", env());
  EXPECT_EQ(mismatches_text(compare_scenario(s, o)), "");

  auto missing = scenario(R"("steps": [{"wait_event": {"event": "rule-fired", "timeout": "100ms"}}])");
  auto m = execute_scenario(missing, "go1.25", env());
  EXPECT_EQ(mismatches_text(compare_scenario(missing, m)),
            "steps[0]: expected the event; observed the fake's event \"rule-fired\" was not seen\n");
}

TEST(ScenarioExec, ParallelStepsAndLogs) {
  auto s = scenario(R"("fake": {"rules": [{"when": {"handshake": true}, "do": {"delay": "250ms"}}]},
    "client": {"still_waiting_interval": "50ms"},
    "steps": [{"parallel": [{"put": {"action": "01", "body_size": 100000}, "expect": {"outcome": "ok"}},
                            {"get": "02", "expect": {"outcome": "miss"}},
                            {"get": "03", "expect": {"outcome": "miss"}}]},
              {"close": true}],
    "expect": {"outcome": "ok", "logs_contain": ["# still waiting for GOCACHEPROG "]})");
  auto o = execute_scenario(s, "go1.24", env());
  EXPECT_EQ(mismatches_text(compare_scenario(s, o)), "");
  ASSERT_EQ(o.steps.size(), 4u);
  EXPECT_EQ(o.steps[1].path, "steps[0].parallel[1]");
  std::vector<int64_t> ids{o.steps[0].request_id, o.steps[1].request_id, o.steps[2].request_id};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 3}));
}

TEST(ScenarioExec, CasesPerProfileThroughTheRunner) {
  std::vector<Scenario> all{scenario(R"("profiles": ["go1.21", "go1.26"],
      "steps": [{"get": "01", "expect": {"outcome": "ok"}}, {"close": true}])")};
  auto cases = scenario_cases(all, env());
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].info.id, "t/x@go1.21");
  EXPECT_EQ(cases[1].info.id, "t/x@go1.26");
  EXPECT_EQ(cases[0].info.requirement, "p");
  EXPECT_EQ(scenario_cases(all, env(), {"go1.26"}).size(), 1u);

  RunOptions o;
  o.jobs = 2;
  std::vector<const CaseDescriptor*> sel{&cases[0], &cases[1]};
  auto run = run_cases(sel, o);
  for (const auto& r : run.results) {
    EXPECT_EQ(r.status, Status::fail) << r.info.id;
    EXPECT_EQ(r.expected, "steps[0]: ok");
    EXPECT_EQ(r.observed, "steps[0]: miss");
    EXPECT_NE(r.details.find("steps[0] get (ID 1): miss\n"), std::string::npos) << r.details;
    EXPECT_FALSE(r.transcript.empty());  // the client's bytes were recorded
  }
}

TEST(ScenarioCatalogue, EveryScenarioParsesAndItsIdIsItsPath) {
  fs::path root = fs::path(CPH_SOURCE_DIR) / "scenarios";
  if (!fs::is_directory(root)) GTEST_SKIP() << "no catalogue at " << root;
  auto all = load_scenario_dir(root.string());
  EXPECT_GT(all.size(), 0u);
  for (const auto& s : all) {
    fs::path rel = fs::path(s.file).lexically_relative(root);
    rel.replace_extension();
    EXPECT_EQ(s.id, rel.generic_string()) << s.file;
  }
}
