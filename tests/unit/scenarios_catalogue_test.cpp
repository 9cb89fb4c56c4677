// The client scenario catalogue (scenarios/): every file parses, its ID is
// its path, the groups the issue asks for are there, and every scenario
// passes under every profile it names, run through the shared runner against
// the real cph-fake, the way `cph scenarios` runs them.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "runner/runner.hpp"
#include "runner/scenario_exec.hpp"
#include "runner/scenario_file.hpp"

namespace cph::runner {
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
  for (const char* g : {"out-of-order", "early-exit", "unknown-id", "missing-diskpath", "slow-capabilities", "cancel",
                        "malformed", "framing", "err", "outputid", "size", "diskpath", "known-commands", "close",
                        "stderr"}) {
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
  std::cout << "[ catalogue ] " << cases.size() << " cases (" << all.size() << " scenarios) in " << seconds
            << " s, " << failed << " failed\n";
}

}  // namespace
}  // namespace cph::runner
