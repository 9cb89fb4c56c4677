// The outcome differential (issues 9 and 21): every catalogue scenario with
// a `go` block (what the real go command does against its fake) runs its fake
// under the real `go` (gocmd/go_bench: the catalogue's go-module/ with
// GOCACHEPROG pointing at cph-fake) in the conditions that change go's
// outcome (gocmd/go_condition: module age, warm or cold store, build, test
// twice, vet, list), and once with our C++ client (scenario_exec, the
// profile matching that Go). Go's exit status and stderr must match the
// block in every condition, and in the default one (go build, fresh module,
// warm store) they must agree with what our client's outcome means for `go
// build`, unless the scenario is listed in known_differences.txt. The matrix
// is written to go-behaviour.md (the build directory; docs/ with
// CPH_UPDATE_DOCS=1 from the slow full run).
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gocmd/go_bench.hpp"
#include "gocmd/go_condition.hpp"
#include "proc/child.hpp"
#include "proc/look_path.hpp"
#include "scenario/scenario_exec.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_go.hpp"

namespace cph::interop {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kSource = CPH_SOURCE_DIR;

// Which Go runs as the client: the one on PATH ("local"), or the release
// named by CPH_GO_TOOLCHAIN (e.g. go1.27.3), which the go command fetches
// from the module proxy as GOTOOLCHAIN does.
std::string go_toolchain() {
  const char* v = std::getenv("CPH_GO_TOOLCHAIN");
  return v && *v ? std::string(v) : "local";
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------- the tables

using gocmd::GoRun;
using scenario::GoExpectation;

// known_differences.txt: "<scenario ID> # <reason>" a line; '#' comments.
std::map<std::string, std::string> load_known_differences(const fs::path& file) {
  std::map<std::string, std::string> out;
  std::ifstream in(file);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    size_t hash = line.find('#');
    std::string id = line.substr(0, hash);
    id.erase(id.find_last_not_of(" \t") + 1);
    id.erase(0, id.find_first_not_of(" \t") == std::string::npos ? id.size() : id.find_first_not_of(" \t"));
    if (id.empty()) continue;
    std::string reason = hash == std::string::npos ? "" : line.substr(hash + 1);
    reason.erase(0, reason.find_first_not_of(' ') == std::string::npos ? reason.size() : reason.find_first_not_of(' '));
    if (reason.empty())
      throw std::runtime_error(file.string() + ":" + std::to_string(n) + ": " + id + " needs \"# <reason>\"");
    out.emplace(id, reason);
  }
  return out;
}

std::string trim_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// ---------------------------------------------------------------- our client

// What our client's outcome means for `go build`: a fatal is exit status 1
// with the message on stderr; a hang is a hang; a Close error is go build's
// fatal "go: failed to trim cache: <err>" (cmd/go/internal/work/exec.go);
// anything else (misses, get and put errors) go build survives: status 0.
struct ClientView {
  bool hang = false;
  int exit_code = 0;
  std::string message;  // the stderr line go would print
  std::string detail;   // the session outcome as the executor reported it

  std::string describe() const {
    if (hang) return "hang";
    return "exit status " + std::to_string(exit_code) + (message.empty() ? "" : ", stderr: " + message);
  }
};

// Numbers differ between our steps and go build's requests (request IDs,
// pending counts); the words may not.
std::string without_numbers(const std::string& s) { return std::regex_replace(s, std::regex("-?[0-9]+"), "N"); }

bool agree(const ClientView& c, const GoRun& r) {
  if (c.hang || r.hang) return c.hang == r.hang;
  if (c.exit_code != r.exit_code) return false;
  if (c.message.empty()) return true;
  return without_numbers(trim_newlines(r.stderr_text)).find(without_numbers(c.message)) != std::string::npos;
}

// Runs the scenario with our client under `profile` and says what `go
// build` would then have done.
ClientView client_as_go_build(const scenario::Scenario& s, const std::string& profile) {
  scenario::ScenarioEnv env;
  env.fake_bin = CPH_FAKE_BIN;
  scenario::ScenarioObservation o = scenario::execute_scenario(s, profile, env);
  ClientView v;
  if (o.session == scenario::OutcomeClass::fatal) {
    v.exit_code = 1;
    v.message = o.session_message;
    v.detail = "fatal";
  } else if (o.session == scenario::OutcomeClass::hang) {
    v.hang = true;
    v.detail = o.session_message;
  } else {
    v.detail = "session ok";
    for (const auto& st : o.steps) {
      if (st.kind == scenario::StepKind::close && st.outcome == scenario::OutcomeClass::error) {
        v.exit_code = 1;
        v.message = "go: failed to trim cache: " + st.message;
        v.detail = "Close returned " + scenario::describe_outcome(st.outcome, st.message);
      }
    }
  }
  for (const auto& p : o.problems) v.detail += "; harness: " + p;
  return v;
}

// ---------------------------------------------------------------- the report

// One scenario in one condition.
struct Cell {
  gocmd::GoCondition condition;
  gocmd::GoOutcome expected;
  GoRun go;
  bool matches = false;
};

struct DifferentialRow {
  std::string id, title, file;
  std::vector<Cell> cells;
  std::optional<ClientView> client;  // in the default condition (go build, fresh module, warm store)
  bool agree = true;
  std::string known_difference;
};

std::string md_cell(std::string s) {
  s = trim_newlines(s);
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += "<br>";
    else
      out += c;
  }
  return out.empty() ? " " : out;
}

// The GOROOT of the go under test, named $GOROOT in the table.
std::string g_goroot;

// What a reader would write instead of this machine's paths.
std::string readable(std::string s, const fs::path& bench_dir) {
  auto replace_all = [&s](const std::string& from, const std::string& to) {
    for (size_t at = 0; !from.empty() && (at = s.find(from, at)) != std::string::npos; at += to.size()) {
      s.replace(at, from.size(), to);
    }
  };
  replace_all(CPH_FAKE_BIN, "cph-fake");
  replace_all(bench_dir.string(), "$WORK");
  if (!g_goroot.empty()) replace_all(g_goroot, "$GOROOT");
  return s;
}

// What go did, in one line: "exit status 1: `quota exceeded`", "hang".
std::string short_outcome(const GoRun& r, const fs::path& bench_dir) {
  if (r.hang) return "hang";
  std::string err = readable(trim_newlines(r.stderr_text), bench_dir);
  // The last line is go's verdict; noise before it (a helper's stderr) is cut.
  size_t nl = err.rfind('\n');
  std::string last = nl == std::string::npos ? err : err.substr(nl + 1);
  if (last.size() > 160) last = last.substr(0, 160) + "...";
  std::string out = r.status;
  if (!last.empty()) out += ": `" + last + "`" + (nl == std::string::npos ? "" : " (last line)");
  return out;
}

// The conditions that share each outcome, the most common first.
std::string matrix_cell(const DifferentialRow& row, const fs::path& bench_dir) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& c : row.cells) {
    std::string o = short_outcome(c.go, bench_dir);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == o; });
    if (it == groups.end()) groups.push_back({o, {}}), it = groups.end() - 1;
    it->second.push_back(c.condition.name());
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  std::string out;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i) out += "<br>";
    out += groups[i].first;
    if (groups.size() == 1) {
      out += " (all " + std::to_string(groups[i].second.size()) + ")";
    } else {
      std::string names;
      for (const auto& n : groups[i].second) names += (names.empty() ? "" : ", ") + n;
      out += i == 0 && groups[i].second.size() > 4 ? " (the other " + std::to_string(groups[i].second.size()) + ")"
                                                   : " in " + names;
    }
  }
  return out;
}

const char* kGeneratedMarker = "<!-- Generated below this line by tests/interop/go_outcome_differential_test.cpp -->";

// docs/go-behaviour.md: the hand-written part above the marker is kept; the
// matrix below it is generated.
std::string render_go_behaviour(const std::string& head, const std::vector<DifferentialRow>& rows,
                                const std::vector<gocmd::GoCondition>& conditions, const std::string& go_version,
                                const std::string& profile, const fs::path& bench_dir) {
  std::ostringstream o;
  o << head << kGeneratedMarker << "\n\n"
    << "## The matrix\n\n"
    << "Go: **" << go_version << "**. Conditions run for every scenario (" << conditions.size() << "): ";
  for (size_t i = 0; i < conditions.size(); ++i) o << (i ? ", " : "") << "`" << conditions[i].name() << "`";
  o << ", and for each the conditions its go block names. A hang is a go command that used no CPU for 8 s while it "
       "still ran (it waits on the helper with no\n"
    << "timeout), then was killed. \"Our client\" is what the C++ client's outcome (profile " << profile
    << ") means for\n"
    << "`go build` in the default condition: a fatal is exit status 1 with its message, a Close error is\n"
    << "`go: failed to trim cache: <err>`, a hang is a hang, anything else exit status 0. Numbers (request\n"
    << "IDs, pending counts) may differ between the two, since go sends other requests than the scenario's\n"
    << "steps. `$WORK` is the bench's temporary directory, `$GOROOT` go's; `cph-fake` runs as `cph-fake --dir STORE\n"
    << "--script SCRIPT`, the scenario's script.\n\n"
    << "| scenario | what `go` did, per condition | what our client did (`build`) | agree |\n"
    << "|---|---|---|---|\n";
  for (const auto& r : rows) {
    std::string verdict =
        r.agree ? "yes" : (r.known_difference.empty() ? "**NO**" : "no (known: " + r.known_difference + ")");
    for (const auto& c : r.cells) {
      if (!c.matches)
        verdict += "; " + c.condition.name() + ": go differs from the go block (" + c.expected.describe() + ")";
    }
    std::string client = r.client ? r.client->describe() + " (" + r.client->detail + ")" : "-";
    o << "| `" << r.id << "`<br>" << md_cell(r.title) << " | " << md_cell(matrix_cell(r, bench_dir)) << " | "
      << md_cell(readable(client, bench_dir)) << " | " << md_cell(verdict) << " |\n";
  }
  return o.str();
}

std::string scenario_script(const scenario::Scenario& s) {
  if (s.fake_inline) return s.fake_inline->dump();
  if (!s.fake_file.empty()) return read_file(s.fake_file);
  return "";
}

// Enough scenarios say what go does, and every known difference names one
// of them: neither list can drift from the catalogue.
TEST(GoOutcomeDifferential, KnownDifferencesNameScenariosWithGoExpectations) {
  std::set<std::string> with_go;
  for (const auto& s : scenario::load_scenario_dir((kSource / "scenarios").string())) {
    if (s.go) with_go.insert(s.id);
  }
  ASSERT_GT(with_go.size(), 30u);
  for (const auto& [id, reason] : load_known_differences(kSource / "tests/interop/known_differences.txt")) {
    EXPECT_TRUE(with_go.count(id)) << "known_differences.txt names " << id << ", which has no \"go\" expectation";
    EXPECT_FALSE(reason.empty()) << id << " needs a reason";
  }
}

// Runs every scenario with a go block in `conditions` and checks go against
// the block, and our client against go in the default condition.
// The conditions a scenario runs in: `base`, and for each key of its go
// block the condition it names (its words, the defaults for the rest), so
// every override is checked too.
std::vector<gocmd::GoCondition> conditions_for(const scenario::Scenario& s, std::vector<gocmd::GoCondition> base) {
  for (const auto& [key, outcome] : s.go->overrides) {
    std::string why;
    auto c = gocmd::parse_go_condition(key.text, why);
    if (c && std::find(base.begin(), base.end(), *c) == base.end()) base.push_back(*c);
  }
  return base;
}

void run_differential(const std::vector<gocmd::GoCondition>& base_conditions) {
  std::string why;
  auto go = gocmd::find_go("go", go_toolchain(), why);
  if (!go) GTEST_SKIP() << "needs Go >= 1.24 on PATH: " << why;
  const std::string profile = go->profile();
  g_goroot = go->goroot();

  auto known = load_known_differences(kSource / "tests/interop/known_differences.txt");
  std::vector<scenario::Scenario> with_go;
  const char* only = std::getenv("CPH_DIFFERENTIAL_ONLY");  // a regex on IDs, to iterate on a few
  for (auto& s : scenario::load_scenario_dir((kSource / "scenarios").string())) {
    if (s.go && (!only || std::regex_search(s.id, std::regex(only)))) with_go.push_back(std::move(s));
  }

  gocmd::GoBench::Options bo;
  bo.go = *go;
  bo.fake_bin = CPH_FAKE_BIN;
  bo.module_dir = (kSource / "scenarios/go-module").string();
  gocmd::GoBench bench(bo);
  std::vector<gocmd::GoCondition> all_used = base_conditions;
  for (const auto& s : with_go) all_used = conditions_for(s, all_used);
  auto warm = bench.warm_up(all_used);
  ASSERT_FALSE(warm) << "warm-up with the default fake failed: " << warm->describe();

  const gocmd::GoCondition plain{};
  std::vector<DifferentialRow> rows;
  for (const scenario::Scenario& s : with_go) {
    DifferentialRow row;
    row.id = s.id;
    row.title = s.title;
    // Our client runs while go builds: the row takes as long as the slower.
    auto client = std::async(std::launch::async, [&s, &profile] { return client_as_go_build(s, profile); });
    const std::vector<gocmd::GoCondition> conditions = conditions_for(s, base_conditions);
    std::vector<GoRun> runs = bench.run(scenario_script(s), s.fake_args, conditions);
    for (size_t i = 0; i < conditions.size(); ++i) {
      Cell c{conditions[i], s.go->at(conditions[i]), runs[i], false};
      c.matches = gocmd::go_outcome_matches(c.expected, c.go);
      if (conditions[i] == plain) {
        row.client = client.get();
        row.agree = agree(*row.client, c.go);
      }
      row.cells.push_back(std::move(c));
    }
    if (!row.client) client.get();
    auto k = known.find(s.id);
    if (k != known.end()) row.known_difference = k->second;
    // One line per scenario as it ends: a long run shows its progress.
    std::cout << "[ go " << go->version << " ] " << row.id << ": "
              << std::regex_replace(matrix_cell(row, bench.dir()), std::regex("<br>"), "; ") << std::endl;
    rows.push_back(std::move(row));
  }

  const fs::path doc_file = kSource / "docs/go-behaviour.md";
  std::string head = read_file(doc_file);
  size_t marker = head.find(kGeneratedMarker);
  head = marker == std::string::npos ? "" : head.substr(0, marker);
  const std::string doc = render_go_behaviour(head, rows, base_conditions, go->version, profile, bench.dir());
  std::ofstream(fs::path(CPH_BINARY_DIR) / "go-behaviour.md") << doc;
  if (const char* update = std::getenv("CPH_UPDATE_DOCS"); !only && update && std::string(update) == "1") {
    std::ofstream(doc_file) << doc;
  }

  for (const auto& r : rows) {
    for (const auto& c : r.cells) {
      EXPECT_TRUE(c.matches) << r.id << " [" << c.condition.name() << "]: go did "
                             << readable(c.go.describe(), bench.dir()) << "; the scenario's go block expects "
                             << c.expected.describe();
    }
    if (!r.client) continue;
    if (r.known_difference.empty()) {
      EXPECT_TRUE(r.agree) << r.id << ": go did " << r.cells.front().go.describe() << "; our client (" << profile
                           << ") means " << r.client->describe() << " (" << r.client->detail << ")";
    } else {
      EXPECT_FALSE(r.agree) << r.id << " is listed in known_differences.txt but now agrees with go: remove it";
    }
  }
}

TEST(GoOutcomeDifferential, EveryListedScenarioAgreesWithGo) { run_differential(scenario::default_go_conditions()); }

// Every condition, cold go test and vet too. Either test writes the matrix
// to docs/ with CPH_UPDATE_DOCS=1 (it says which conditions it ran).
TEST(GoOutcomeDifferential, SlowFullMatrix) {
  // Scenarios whose gets all miss make go test and vet compile package
  // testing's dependencies in each of 12 conditions: hours on a busy 2-core
  // machine. Asked for, not run by default.
  const char* full = std::getenv("CPH_GO_FULL_MATRIX");
  if (!full || std::string(full) != "1") GTEST_SKIP() << "the full matrix runs with CPH_GO_FULL_MATRIX=1";
  run_differential(gocmd::all_go_conditions());
}

}  // namespace
}  // namespace cph::interop
