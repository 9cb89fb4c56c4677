// The client scenario catalogue (scenarios/): every file parses, its ID is
// its path, the groups the issue asks for are there, and every scenario
// passes under every profile it names, run through the shared runner against
// the real cph-fake, the way `cph scenarios` runs them.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "run_program.hpp"
#include "runner/runner.hpp"
#include "scenario/scenario_exec.hpp"
#include "scenario/scenario_file.hpp"
#include "test_scale.hpp"

namespace cph::scenario {
using namespace runner;
namespace {

namespace fs = std::filesystem;
const fs::path kScenarios = fs::path(CPH_SOURCE_DIR) / "scenarios";

TEST(ScenariosCatalogue, IdsAreUniqueAndEqualTheirPaths) {
  std::vector<Scenario> all = load_scenario_dir(kScenarios.string());  // throws on a duplicate ID
  EXPECT_GE(all.size(), 50u);
  std::set<std::string> ids;
  for (const auto& s : all) {
    fs::path rel = fs::path(s.file).lexically_relative(kScenarios);
    rel.replace_extension();
    EXPECT_EQ(s.id, rel.generic_string()) << s.file << ": the ID must be the path below scenarios/ without .json";
    EXPECT_TRUE(ids.insert(s.id).second) << s.id;
    EXPECT_FALSE(s.source.empty()) << s.file << ": say where the Go behaviour comes from";
    EXPECT_FALSE(s.steps.empty()) << s.file;
  }
}

TEST(ScenariosCatalogue, CoversEveryRequiredGroup) {
  std::map<std::string, int> groups;
  for (const auto& s : load_scenario_dir(kScenarios.string())) ++groups[s.id.substr(0, s.id.find('/'))];
  for (const char* g :
       {"out-of-order", "early-exit", "unknown-id", "missing-diskpath", "slow-capabilities", "cancel", "malformed",
        "framing", "err", "outputid", "size", "diskpath", "known-commands", "close", "stderr"}) {
    EXPECT_GE(groups[g], 1) << "no scenario in group " << g;
  }
  EXPECT_GE(groups["early-exit"], 8);
  EXPECT_GE(groups["unknown-id"], 4);
}

// A profile-specific pair: the same misbehaviour, a hang before Go 1.24 and
// a clean close after it (golang/go#70848).
TEST(ScenariosCatalogue, CloseWithoutReplyIsPinnedPerProfile) {
  auto old_go = load_scenario((kScenarios / "early-exit/after-close-no-reply-go1.21.json").string());
  auto new_go = load_scenario((kScenarios / "early-exit/after-close-no-reply.json").string());
  EXPECT_EQ(old_go.profiles, std::vector<std::string>{"go1.21"});
  EXPECT_EQ(new_go.profiles, (std::vector<std::string>{"go1.24", "go1.25", "go1.26"}));
  ASSERT_TRUE(old_go.expect.outcome && new_go.expect.outcome);
  EXPECT_EQ(*old_go.expect.outcome, OutcomeClass::hang);
  EXPECT_EQ(*new_go.expect.outcome, OutcomeClass::ok);
}

TEST(ScenariosCatalogue, EveryScenarioPassesUnderEveryProfile) {
  std::vector<Scenario> all = load_scenario_dir(kScenarios.string());
  ScenarioEnv env;
  env.fake_bin = CPH_FAKE_BIN;
  std::vector<CaseDescriptor> cases = scenario_cases(all, env);
  validate_catalogue(cases);
  ASSERT_GE(cases.size(), all.size());

  RunOptions options;
  options.jobs = 4;  // the cases mostly wait on the fake, not the CPU
  // The cases' deadlines are an idle machine's (as `cph scenarios` with
  // --timeout-scale): on a loaded one, or under ASan, the fake's replies
  // and a 1 MiB put take longer, and a case expecting "ok" must not become
  // a hang; the hang cases still hang, only later. Their client-side ticks
  // (still_waiting_interval) are not scaled, so what they pin still shows.
  options.timeout_scale = cph::test::load_timeout_scale();
  std::vector<const CaseDescriptor*> selected;
  for (const auto& c : cases) selected.push_back(&c);
  RunResults results = run_cases(selected, options);
  ASSERT_EQ(results.results.size(), cases.size());

  int failed = 0;
  for (const CaseResult& r : results.results) {
    if (r.status == Status::pass) continue;
    ++failed;
    ADD_FAILURE() << r.info.id << " (" << status_name(r.status) << ")\n  expected: " << r.expected
                  << "\n  observed: " << r.observed << "\n  details: " << r.details;
  }
  const double seconds = std::chrono::duration<double>(results.wall).count();
  std::cout << "[ catalogue ] " << cases.size() << " cases (" << all.size() << " scenarios) in " << seconds << " s, "
            << failed << " failed\n";
}

// `cph scenarios` end to end: its exit status and what it printed (both
// pipes drained at once: run_program).
test::Ran run_cph(std::vector<std::string> args) {
  args.insert(args.begin(), {CPH_CLI_BIN, "scenarios", "--fake", CPH_FAKE_BIN});
  return test::run_program(args);
}

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    std::string tmpl = (fs::temp_directory_path() / "cph-scenario-test-XXXXXX.json").string();
    int fd = ::mkstemps(tmpl.data(), 5);
    if (fd < 0) throw std::runtime_error("mkstemps failed");
    ::close(fd);
    path_ = tmpl;
    std::ofstream(path_) << text;
  }
  ~TempFile() { fs::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ScenariosCli, BadScenarioFileExits2NamingLineAndColumn) {
  TempFile bad("{\n  \"id\": \"x/y\",\n  \"title\": oops\n}\n");
  test::Ran r = run_cph({bad.path()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.stderr_text.find(bad.path() + ":3:"), std::string::npos) << r.stderr_text;
}

TEST(ScenariosCli, BadExpectationExits2NamingItsPath) {
  TempFile bad(R"({"id": "x/y", "title": "t", "pins": "p", "steps": [{"get": "01", "expect": {"outcome": "fatl"}}]})");
  test::Ran r = run_cph({bad.path()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.stderr_text.find("steps[0].expect.outcome"), std::string::npos) << r.stderr_text;
  EXPECT_NE(r.stderr_text.find("\"fatal\""), std::string::npos) << r.stderr_text;
}

TEST(ScenariosCli, SelectsByGroupAndProfileAndReportsJson) {
  std::string json_path =
      (fs::temp_directory_path() / ("cph-scenarios-" + std::to_string(::getpid()) + ".json")).string();
  test::Ran r = run_cph({"--only", "unknown-id", "--profile", "go1.21", "--json", json_path});
  EXPECT_EQ(r.code, 0) << r.stdout_text << r.stderr_text;
  std::ifstream in(json_path);
  nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  fs::remove(json_path);
  ASSERT_TRUE(report.is_object());
  ASSERT_TRUE(report["cases"].is_array());
  EXPECT_GE(report["cases"].size(), 5u);
  for (const auto& c : report["cases"]) {
    std::string id = c.value("id", "");
    EXPECT_EQ(id.rfind("unknown-id/", 0), 0u) << id;
    EXPECT_EQ(id.substr(id.size() - 7), "@go1.21") << id;
    EXPECT_EQ(c.value("status", ""), "pass") << id;
  }
}

TEST(ScenariosCli, AFailingScenarioExits1) {
  // The scenario expects a miss; the fake's Err makes the get an error.
  TempFile wrong(R"({"id": "x/wrong", "title": "t", "pins": "p", "profiles": ["go1.26"],
    "fake": {"rules": [{"when": {"command": "get"}, "do": {"set": {"Err": "boom"}}}]},
    "steps": [{"get": "01", "expect": {"outcome": "miss"}}]})");
  test::Ran r = run_cph({wrong.path()});
  EXPECT_EQ(r.code, 1) << r.stdout_text << r.stderr_text;
  EXPECT_NE(r.stdout_text.find("x/wrong@go1.26"), std::string::npos) << r.stdout_text;
}

}  // namespace
}  // namespace cph::scenario
