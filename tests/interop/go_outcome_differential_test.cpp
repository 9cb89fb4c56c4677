// The outcome differential (issue 9): every catalogue scenario with a `go`
// block (what `go build` does against its fake) runs twice against the same
// fake script, once with our C++ client (scenario_exec, the profile matching
// the Go on PATH) and once with the real `go` command as the client (`go
// build` of testdata/differential with GOCACHEPROG pointing at cph-fake).
// Go's exit status and stderr must match that block, and must
// agree with what our client's outcome means for `go build`, unless the
// scenario is listed in known_differences.txt. The table is written to
// go-behaviour.md (the build directory; docs/ with CPH_UPDATE_DOCS=1).
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <future>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "proc/child.hpp"
#include "proc/look_path.hpp"
#include "scenario/scenario_exec.hpp"
#include "scenario/scenario_file.hpp"

namespace cph::interop {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kSource = CPH_SOURCE_DIR;
const fs::path kDifferential = kSource / "tests/interop/testdata/differential";

// A go build that does not end within this is a hang (the brief's "a few
// seconds"; a warm build takes well under one).
constexpr auto kGoDeadline = 4s;
constexpr auto kWarmupDeadline = 120s;

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

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cph-differential-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    // Go makes module and build cache files read-only; make them writable first.
    for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};



// ---------------------------------------------------------------- go runs

// How a `go` process ended.
struct GoRun {
  bool hang = false;   // killed at the deadline
  int exit_code = -1;  // when it exited
  std::string status;  // "exit status 1", "signal: killed"
  std::string stderr_text, stdout_text;
  double seconds = 0;

  std::string describe() const {
    std::string s = hang ? "hang (killed after " + std::to_string(static_cast<int>(seconds)) + " s)" : status;
    std::string err = stderr_text;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    if (!err.empty()) s += ", stderr: " + (err.size() > 300 ? err.substr(0, 300) + "..." : err);
    return s;
  }
};

// Runs a go command to its end or `deadline`, whichever is first; at the
// deadline its whole process group (go, the helper, compilers) is killed.
GoRun run_go(const proc::SpawnOptions& opts, std::chrono::milliseconds deadline, bool capture_stdout = false) {
  GoRun r;
  const auto start = proc::Clock::now();
  const auto until = start + deadline;
  std::string error;
  auto child = proc::Child::spawn(opts, error);
  if (!child) {
    r.status = "did not start: " + error;
    return r;
  }
  child->close_stdin();
  // Drain both pipes together so that neither can fill up and stall go. A
  // helper that outlives go keeps go's stderr open, so go's own exit (which
  // also kills what is left of its group) ends the loop too.
  std::vector<pollfd> fds{{child->stdout_fd(), POLLIN, 0}, {child->stderr_fd(), POLLIN, 0}};
  std::string* sinks[] = {&r.stdout_text, &r.stderr_text};
  char buf[8192];
  auto drain = [&](int timeout_ms) {
    if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        if (i == 1 || capture_stdout) sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        fds[i].fd = -1;  // EOF: poll ignores negative descriptors
      }
    }
  };
  std::optional<proc::ExitStatus> status;
  while (!status && proc::Clock::now() < until) {
    drain(20);
    status = child->try_wait();
  }
  for (int i = 0; i < 64 && (fds[0].fd >= 0 || fds[1].fd >= 0); ++i) drain(0);  // what go wrote last
  if (!status) {
    r.hang = true;
    status = child->terminate();
  } else {
    r.exit_code = status->exited() ? status->exit_code() : -1;
  }
  r.status = status->describe();
  r.seconds = std::chrono::duration<double>(proc::Clock::now() - start).count();
  return r;
}

// ---------------------------------------------------------------- the tables

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
    if (reason.empty()) throw std::runtime_error(file.string() + ":" + std::to_string(n) + ": " + id + " needs \"# <reason>\"");
    out.emplace(id, reason);
  }
  return out;
}

std::string trim_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

bool matches(const GoExpectation& e, const GoRun& r) {
  if (e.hang || r.hang) return e.hang == r.hang;
  if (r.exit_code != e.exit_code) return false;
  return e.stderr_regex.empty() || std::regex_search(trim_newlines(r.stderr_text), std::regex(e.stderr_regex));
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
  scenario::ScenarioObservation o = runner::execute_scenario(s, profile, env);
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

struct DifferentialRow {
  std::string id, title;
  GoExpectation expected;
  GoRun go;
  ClientView client;
  bool go_matches_expectation = false;
  bool agree = false;
  std::string known_difference;
};

std::string md_cell(std::string s) {
  s = trim_newlines(s);
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += "<br>";
    else out += c;
  }
  return out.empty() ? " " : out;
}

std::string render_go_behaviour(const std::vector<DifferentialRow>& rows, const std::string& go_version,
                                const std::string& profile) {
  std::ostringstream o;
  o << "# What `go` does when the helper misbehaves\n\n"
    << "Generated by `tests/interop/go_outcome_differential_test.cpp` (run it with\n"
    << "`CPH_UPDATE_DOCS=1` to refresh this file). Each row is a scenario from\n"
    << "`scenarios/`: cph-fake runs the scenario's script, and the real `go build` of\n"
    << "`tests/interop/testdata/differential` uses it as GOCACHEPROG (warm store, fresh\n"
    << "GOCACHE, killed after " << std::chrono::duration_cast<std::chrono::seconds>(kGoDeadline).count()
    << " s: a hang). \"Our client\" is what the C++ client's outcome\n"
    << "(profile " << profile << ") means for `go build`: a fatal is exit status 1 with its\n"
    << "message, a Close error is `go: failed to trim cache: <err>`, a hang is a hang,\n"
    << "anything else exit status 0. Numbers (request IDs, pending counts) may differ\n"
    << "between the two, since `go build` sends other requests than the scenario's steps.\n\n"
    << "Go version on PATH: **" << go_version << "**\n\n"
    << "| scenario | what `go` did | what our client did | agree |\n"
    << "|---|---|---|---|\n";
  for (const auto& r : rows) {
    std::string go_did = r.go.hang ? "hang (killed)" : r.go.status;
    std::string err = trim_newlines(r.go.stderr_text);
    if (err.size() > 200) err = err.substr(0, 200) + "...";
    if (!err.empty()) go_did += ": `" + err + "`";
    std::string verdict = r.agree ? "yes" : (r.known_difference.empty() ? "**NO**" : "no (known: " + r.known_difference + ")");
    if (!r.go_matches_expectation) verdict += "; go differs from the scenario's go block (" + r.expected.describe() + ")";
    o << "| `" << r.id << "`<br>" << md_cell(r.title) << " | " << md_cell(go_did) << " | "
      << md_cell(r.client.describe() + " (" + r.client.detail + ")") << " | " << md_cell(verdict) << " |\n";
  }
  return o.str();
}

// The module `go build` compiles, with a store the fake keeps between runs
// so that the standard library comes from the cache after the warm-up.
class GoBuildBench {
 public:
  explicit GoBuildBench(std::string go) : go_(std::move(go)) {
    fs::copy(kDifferential, module(), fs::copy_options::recursive);
    fs::create_directories(store());
  }

  // One `go build ./...` with GOCACHEPROG = cph-fake [--script FILE] and a
  // fresh GOCACHE; a fresh constant makes the package itself miss and be put.
  GoRun build(const std::string& script_json, std::chrono::milliseconds deadline) {
    const int n = ++runs_;
    std::ofstream(module() / "lib/nonce.go") << "package lib\n\nconst nonce = \"run-" << n << "-" << ::getpid()
                                              << "\"\n";
    std::string prog = std::string(CPH_FAKE_BIN) + " --dir " + store().string();
    if (!script_json.empty()) {
      fs::path script = dir_.path() / ("script-" + std::to_string(n) + ".json");
      std::ofstream(script) << script_json;
      prog += " --script " + script.string();
    }
    fs::path gocache = dir_.path() / ("gocache-" + std::to_string(n));
    fs::create_directories(gocache);
    proc::SpawnOptions opts;
    opts.argv = {go_, "build", "./..."};
    opts.dir = module().string();
    opts.env_extra = {"GOCACHEPROG=" + prog, "GOCACHE=" + gocache.string(), "GOFLAGS=-mod=mod",
                      "GOTOOLCHAIN=" + go_toolchain(), "GOTELEMETRY=off", "GOPATH=" + (dir_.path() / "gopath").string()};
    return run_go(opts, deadline);
  }

 private:
  fs::path module() const { return dir_.path() / "module"; }
  fs::path store() const { return dir_.path() / "store"; }

  TempDir dir_;
  std::string go_;
  int runs_ = 0;
};

// The Go on PATH (or CPH_GO_TOOLCHAIN's), if it is 1.24 or newer.
struct GoToolchain {
  std::string path;
  std::string version;  // "go1.26.8"
  int minor = 0;
};

std::optional<GoToolchain> find_go(std::string& why) {
  const char* path_env = std::getenv("PATH");
  proc::LookPathResult found = proc::look_path("go", path_env ? path_env : "");
  if (!found.ok()) {
    why = "go is not on PATH (" + found.error + ")";
    return std::nullopt;
  }
  proc::SpawnOptions opts;
  opts.argv = {found.path, "env", "GOVERSION"};
  opts.env_extra = {"GOTOOLCHAIN=" + go_toolchain()};
  // A toolchain other than local may be downloaded first.
  GoRun r = run_go(opts, go_toolchain() == "local" ? 20s : 120s, /*capture_stdout=*/true);
  std::smatch m;
  static const std::regex re(R"(^go1\.(\d+)(\.\d+)?)");
  if (r.hang || r.exit_code != 0 || !std::regex_search(r.stdout_text, m, re)) {
    why = "`go env GOVERSION` failed: " + r.describe();
    return std::nullopt;
  }
  GoToolchain go{found.path, m.str(0), std::stoi(m.str(1))};
  if (go.minor < 24) {
    why = go.version + " is older than go1.24";
    return std::nullopt;
  }
  return go;
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

TEST(GoOutcomeDifferential, EveryListedScenarioAgreesWithGo) {
  std::string why;
  auto go = find_go(why);
  if (!go) GTEST_SKIP() << "needs Go >= 1.24 on PATH: " << why;
  const std::string profile = go->minor >= 27 ? "go1.27" : go->minor >= 26 ? "go1.26" : "go1.2" + std::to_string(go->minor);

  auto known = load_known_differences(kSource / "tests/interop/known_differences.txt");
  std::vector<scenario::Scenario> with_go;
  for (auto& s : scenario::load_scenario_dir((kSource / "scenarios").string())) {
    if (s.go) with_go.push_back(std::move(s));
  }

  GoBuildBench bench(go->path);
  GoRun warm = bench.build("", kWarmupDeadline);
  ASSERT_TRUE(!warm.hang && warm.exit_code == 0) << "warm-up go build failed: " << warm.describe();

  std::vector<DifferentialRow> rows;
  for (const scenario::Scenario& s : with_go) {
    const std::string& id = s.id;
    DifferentialRow row;
    row.id = id;
    row.title = s.title;
    row.expected = *s.go;
    // Our client runs while go builds: the row takes as long as the slower.
    auto client = std::async(std::launch::async, [&s, &profile] { return client_as_go_build(s, profile); });
    row.go = bench.build(scenario_script(s), kGoDeadline);
    row.client = client.get();
    row.go_matches_expectation = matches(row.expected, row.go);
    row.agree = agree(row.client, row.go);
    auto k = known.find(id);
    if (k != known.end()) row.known_difference = k->second;
    rows.push_back(row);
  }

  const std::string doc = render_go_behaviour(rows, go->version, profile);
  std::ofstream(fs::path(CPH_BINARY_DIR) / "go-behaviour.md") << doc;
  if (const char* update = std::getenv("CPH_UPDATE_DOCS"); update && std::string(update) == "1") {
    std::ofstream(kSource / "docs/go-behaviour.md") << doc;
  }

  for (const auto& r : rows) {
    EXPECT_TRUE(r.go_matches_expectation) << r.id << ": go did " << r.go.describe() << "; the scenario's go block expects "
                                          << r.expected.describe();
    if (r.known_difference.empty()) {
      EXPECT_TRUE(r.agree) << r.id << ": go did " << r.go.describe() << "; our client (" << profile << ") means "
                           << r.client.describe() << " (" << r.client.detail << ")";
    } else {
      EXPECT_FALSE(r.agree) << r.id << " is listed in known_differences.txt but now agrees with go: remove it";
    }
  }
}

}  // namespace
}  // namespace cph::interop
