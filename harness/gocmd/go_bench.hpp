// The real `go` command as a client of cph-fake, in the conditions of
// go_condition.hpp: the outcome differential (tests/interop) and `cph
// scenarios --go` run each scenario's fake script under go with this.
//
// A bench owns a temporary directory with a copy of a small Go module (the
// catalogue's go-module/: a library package and its test), a store the fake
// keeps between runs (warm once warm_up() has run), and a fresh GOCACHE and,
// for a cold store, a fresh empty store per go command. Each group of
// commands gets a new constant in the package, so the package itself misses
// in every run and is compiled and put; an old module has every file's mtime
// set an hour back (no sleeping), which makes go index the package and put
// the index (cmd/go/internal/modindex, modTimeCutoff).
#pragma once
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gocmd/go_condition.hpp"
#include "proc/child.hpp"

namespace cph::gocmd {

// What the real `go` command should do in one condition (go_condition.hpp),
// as a scenario's go block says: its exit status and a regex its stderr must
// match, or a hang.
struct GoOutcome {
  bool hang = false;
  int exit_code = 0;
  std::string stderr_regex;  // ECMAScript, searched in stderr without its final newline
  std::string describe() const;
  bool operator==(const GoOutcome&) const = default;
};

// How one `go` process ended.
struct GoRun {
  bool hang = false;   // killed: idle (no CPU in its process group) too long, or past its deadline
  int exit_code = -1;  // when it exited
  std::string status;  // "exit status 1", "signal: killed", "did not start: ..."
  std::string stderr_text, stdout_text;
  double seconds = 0;

  std::string describe() const;  // "exit status 1, stderr: ..." (stderr cut at 300 bytes)
};

// Runs a go command to its end. It is a hang when its process group (go, the
// helper, compilers, the test binary) uses no CPU time for `idle` while go
// still runs (go waits on its helper forever without a timeout: a busy
// build always burns CPU), or when it runs past `deadline`; then the whole
// group is killed. Stdout is kept only with `capture_stdout`.
GoRun run_go(const proc::SpawnOptions& opts, std::chrono::milliseconds deadline, std::chrono::milliseconds idle,
             bool capture_stdout = false);

// Whether a run is what the outcome says: the same hang, exit status and a
// stderr (without its final newlines) in which the regex is found.
bool go_outcome_matches(const GoOutcome& expected, const GoRun& run);

// A go toolchain to run: `go env GOROOT`'s bin/go of the given go command
// under GOTOOLCHAIN=`toolchain` ("local" or a release such as go1.27.3, which
// go downloads from the module proxy once), so later runs need neither the
// proxy nor the user's GOPATH.
struct GoToolchain {
  std::string path;             // GOROOT/bin/go
  std::string version;          // "go1.26.8"
  int minor = 0;                // 26
  std::string profile() const;  // the client profile that models it (client::Profile): go1.21 ... go1.27
  std::string goroot() const;   // the directory above bin/
};

// `go`: a path, or a name looked up in $PATH. nullopt with `why` set when it
// is missing, fails, or is older than go1.24 (no GOCACHEPROG without an
// experiment).
std::optional<GoToolchain> find_go(const std::string& go, const std::string& toolchain, std::string& why);

// Every file of the module at `module` (and the directory) gets the mtime now,
// or an hour back for an old module (older than modindex's 2 s cutoff, so go
// indexes its packages and puts the index), plus `nanos`: go's index key is
// the files' names, sizes and mtimes (modindex dirHash).
void set_module_age(const std::filesystem::path& module, GoModuleAge age, long nanos);
// Removes a tree go wrote (it makes some files read-only).
void remove_tree(const std::filesystem::path& p);
// A word of a GOCACHEPROG value, quoted as go splits it (cmd/internal/quoted).
std::string prog_word(const std::string& w);

class GoBench {
 public:
  struct Options {
    GoToolchain go;
    std::string fake_bin;    // cph-fake
    std::string module_dir;  // the Go module to copy (scenarios/go-module)
    // A run is a hang after `idle` without CPU (longer than any delay a
    // scenario's fake makes go wait: 5 s), or past its deadline (a warm
    // go test whose gets all miss compiles package testing's dependencies:
    // 100-160 s on a busy 2-core machine).
    std::chrono::milliseconds idle{8000};
    std::chrono::milliseconds warm_deadline{600000};
    std::chrono::milliseconds cold_deadline{900000};
    std::string go_flags = "-p=2";  // GOFLAGS for every run
  };
  explicit GoBench(Options o);
  ~GoBench();
  GoBench(const GoBench&) = delete;
  GoBench& operator=(const GoBench&) = delete;

  // Fills the shared store with the correct default fake: build and list, and
  // test and vet when `conditions` has them; with a cold test or vet, first a
  // template store without the module index (GODEBUG=goindex=0) for them.
  // The first failure, else nullopt.
  std::optional<GoRun> warm_up(const std::vector<GoCondition>& conditions);

  // Runs `conditions` (any subset, any order) against cph-fake with the
  // script `script_json` (empty: the correct default fake) and `fake_args`,
  // one result per condition in the order given. test-again runs go test
  // twice (the first run is the result of `test` when that is asked too).
  std::vector<GoRun> run(const std::string& script_json, const std::vector<std::string>& fake_args,
                         const std::vector<GoCondition>& conditions);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  void prepare_module(GoModuleAge age);
  void touch_module(GoModuleAge age);
  GoRun go(const GoCondition& c, const std::filesystem::path& store, const std::string& prog_tail,
           const std::vector<std::string>& env = {});
  std::filesystem::path cold_store(GoCommand cmd);

  Options o_;
  std::filesystem::path dir_;
  int runs_ = 0;
  long touches_ = 0;
  bool no_index_ = false;  // store-no-index is filled
};

}  // namespace cph::gocmd
