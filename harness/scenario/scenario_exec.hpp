// Runs client scenarios (scenario_file.hpp): for one profile, start cph-fake
// with the scenario's script, drive our client (client/prog_cache.hpp)
// through the steps, observe every outcome, and compare with the
// expectations. Each scenario becomes one case per profile, "ID@PROFILE".
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/case.hpp"
#include "scenario/scenario_file.hpp"

namespace cph::scenario {

// Scenarios run as cases of the shared runner.
using runner::CancelToken;
using runner::CaseContext;
using runner::CaseDescriptor;
using runner::CaseInfo;
using runner::CaseOutcome;
using runner::Clock;
using runner::Grade;
using runner::Status;

struct ScenarioEnv {
  std::string fake_bin;  // the cph-fake executable
  std::string temp_dir;  // where per-run directories go; empty: the system's
};

struct StepObservation {
  std::string path;  // "steps[2]", "steps[3].parallel[0]"
  StepKind kind = StepKind::get;
  OutcomeClass outcome = OutcomeClass::ok;
  std::string message;
  int64_t request_id = 0;       // 0: nothing was sent (or close)
  std::optional<int64_t> size;  // get hit
  StepExpectation expect;       // copied from the step
  std::string problem;          // wait_event not seen, step not run, ...
};

struct ScenarioObservation {
  std::string profile;
  OutcomeClass session = OutcomeClass::ok;
  std::string session_message;
  std::vector<int64_t> pending;        // request IDs left in flight, sorted
  std::vector<StepObservation> steps;  // in file order (parallel children in order)
  nlohmann::json fake_stats;           // the fake's --stats; null if it wrote none
  std::vector<std::string> logs;       // lines go would log
  std::vector<std::string> problems;   // the harness could not do what the file asked
};

// Runs `s` under `profile`. With a context, honours its cancel token and
// records the client's bytes in its transcript (plus the fake's events).
ScenarioObservation execute_scenario(const Scenario& s, const std::string& profile, const ScenarioEnv& env,
                                     CaseContext* ctx = nullptr);

struct Mismatch {
  std::string where;  // "steps[1]", "session", "session.pending", "fake_saw.requests.get"
  std::string expected;
  std::string observed;
};
std::vector<Mismatch> compare_scenario(const Scenario& s, const ScenarioObservation& o);

// "fatal: GOCACHEPROG ..." or "ok".
std::string describe_outcome(OutcomeClass c, const std::string& message);

// One case per scenario and profile (only `profiles` when non-empty).
std::vector<CaseDescriptor> scenario_cases(const std::vector<Scenario>& scenarios, const ScenarioEnv& env,
                                           const std::vector<std::string>& profiles = {});

}  // namespace cph::scenario
