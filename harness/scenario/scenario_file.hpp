// Client scenarios as data: one JSON-with-comments file per scenario in
// scenarios/. The fake helper misbehaves as its script says; the steps drive
// our client; the expectations say how Go reacts. This file only parses and
// validates; scenario_exec runs them. The format is in docs/reports.md.
//
//   {
//     "id": "close/exit-before-reply",
//     "title": "The helper exits on close without replying",
//     "pins": "Go 1.24+ ignore it; Go 1.21-1.23 wait forever",
//     "source": "golang/go#70848",
//     "profiles": ["go1.24", "go1.25", "go1.26"],        // default: all
//     "fake": {"rules": [{"when": {"close": true}, "do": {"exit": 0}}]},
//     "steps": [
//       {"put": {"action": "ab12", "body": "hello"}, "expect": {"outcome": "ok"}},
//       {"close": true, "expect": {"outcome": "ok"}}
//     ],
//     "expect": {"outcome": "ok", "pending": []}
//   }
#pragma once
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "client/outcome.hpp"
#include "gocmd/go_bench.hpp"
#include "gocmd/go_condition.hpp"

namespace cph::scenario {

using gocmd::GoCondition;
using gocmd::GoConditionKey;
using gocmd::GoOutcome;

// What went wrong and where: "file:line:col: ..." for JSON syntax,
// "file: steps[2].expect.outcome: ..." for the rest.
struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The outcome classes of client calls and sessions (client/outcome.hpp).
// A scenario expects one of the outcomes our client reports.
using OutcomeClass = client::OutcomeKind;

// The client profiles a scenario can apply to.
const std::vector<std::string>& known_profiles();  // go1.21 go1.24 go1.25 go1.26 go1.27

using Millis = std::chrono::milliseconds;

struct OutcomeExpectation {
  std::optional<OutcomeClass> outcome;
  std::optional<std::string> message;        // exact
  std::optional<std::string> message_regex;  // ECMAScript, whole message (std::regex_search)
  bool empty() const { return !outcome && !message && !message_regex; }
};

struct StepExpectation : OutcomeExpectation {
  std::optional<int64_t> request_id;  // the ID sent; 0: nothing was sent
  std::optional<int64_t> size;        // get hit: Size
};

struct SessionExpectation : OutcomeExpectation {
  std::optional<std::vector<int64_t>> pending;  // request IDs left in flight
  nlohmann::json fake_saw;                      // a subset of the fake's --stats JSON
  std::vector<std::string> logs_contain;        // lines go would log, by substring
};

enum class StepKind { get, put, close, parallel, wait_event };
const char* step_kind_name(StepKind k);

struct Step {
  StepKind kind = StepKind::get;
  std::string path;                    // "steps[2]", "steps[3].parallel[1]": for messages
  std::string action;                  // get/put: the ActionID, 32 raw bytes
  std::string body;                    // put: the body bytes
  std::optional<Millis> cancel_after;  // cancel the call's context after this long
  std::optional<Millis> deadline;      // the call's context has this deadline
  std::vector<Step> parallel;          // parallel: run together, wait for all
  std::string event;                   // wait_event: a transcript event name of the fake
  nlohmann::json event_detail;         // ... whose detail contains this (subset)
  Millis event_timeout{5000};
  StepExpectation expect;
};

struct ClientSettings {
  std::optional<Millis> still_waiting_interval;
  std::optional<Millis> handshake_timeout;
  std::optional<Millis> reply_timeout;
  std::optional<Millis> close_timeout;
};

// A scenario's `go` block: what go does in every condition (the plain form),
// with overrides for the conditions where it does something else, keyed by
// condition words: {"exit": 0, "old-module": {"exit": 1, "stderr": "..."}}.
// tests/interop's outcome differential and `cph scenarios --go` run go and
// check it; the C++ client must agree in the default condition.
struct GoExpectation : GoOutcome {
  std::vector<std::pair<GoConditionKey, GoOutcome>> overrides;
  // The plain outcome, overridden by each matching key, fewer words first
  // (the parser rejects two different matches with as many words).
  GoOutcome at(const GoCondition& c) const;
};

struct Scenario {
  std::string file;  // as given to the parser
  std::string id, title, pins, source;
  std::vector<std::string> profiles;  // never empty after parsing
  // The fake's script: inline JSON, or a file (absolute, resolved against
  // the scenario's directory); neither: the correct default fake.
  std::optional<nlohmann::json> fake_inline;
  std::string fake_file;
  std::vector<std::string> fake_args;  // extra cph-fake flags, e.g. --strict-framing
  ClientSettings client;
  Millis timeout{10000};  // the whole scenario, per profile
  std::vector<Step> steps;
  SessionExpectation expect;
  std::optional<GoExpectation> go;
};

// Throws ScenarioError. `file` names the source in messages and anchors a
// relative "fake" path (its directory).
Scenario parse_scenario(std::string_view text, const std::string& file);
Scenario load_scenario(const std::string& path);
// Every *.json and *.jsonc under `dir`, recursively, in path order, skipping
// directories named "fake-scripts". Duplicate IDs are an error naming both files.
std::vector<Scenario> load_scenario_dir(const std::string& dir);

}  // namespace cph::scenario
