#include "gocmd/go_bench.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "client/profile.hpp"
#include "proc/look_path.hpp"

namespace cph::gocmd {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// The CPU time (clock ticks) used by the processes of group `pgid`,
// including their reaped children.
long long group_cpu_ticks(pid_t pgid) {
  long long total = 0;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return -1;
  while (dirent* e = ::readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 2));
    std::vector<std::string> f;
    std::string tok;
    while (f.size() < 15 && fields >> tok) f.push_back(tok);
    if (f.size() < 15) continue;
    try {
      if (std::stoll(f[2]) != pgid) continue;  // pgrp
      total += std::stoll(f[11]) + std::stoll(f[12]) + std::stoll(f[13]) + std::stoll(f[14]);
    } catch (const std::exception&) {
    }
  }
  ::closedir(proc);
  return total;
}

std::string trim_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

void set_mtime(const fs::path& p, std::time_t when, long nanos) {
  timespec times[2] = {{when, nanos}, {when, nanos}};
  ::utimensat(AT_FDCWD, p.c_str(), times, 0);
}

}  // namespace

void remove_tree(const fs::path& p) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(p, ec);
}

std::string prog_word(const std::string& w) {
  if (w.find_first_of(" \t\n'\"") == std::string::npos) return w;
  return (w.find('\'') == std::string::npos ? "'" + w + "'" : "\"" + w + "\"");
}

void set_module_age(const fs::path& module, GoModuleAge age, long nanos) {
  // go's index key is the files' names, sizes and mtimes (modindex dirHash).
  const std::time_t when = std::time(nullptr) - (age == GoModuleAge::old ? 3600 : 0);
  for (const auto& e : fs::recursive_directory_iterator(module)) set_mtime(e.path(), when, nanos);
  set_mtime(module, when, nanos);
}

std::string GoRun::describe() const {
  std::string s = hang ? "hang (killed after " + std::to_string(static_cast<int>(seconds)) + " s)" : status;
  std::string err = trim_newlines(stderr_text);
  if (!err.empty()) s += ", stderr: " + (err.size() > 300 ? err.substr(0, 300) + "..." : err);
  return s;
}

GoRun run_go(const proc::SpawnOptions& opts, std::chrono::milliseconds deadline, std::chrono::milliseconds idle,
             bool capture_stdout) {
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
  long long cpu = -1;
  auto last_progress = start;
  auto next_sample = start;
  while (!status && proc::Clock::now() < until) {
    drain(20);
    status = child->try_wait();
    const auto now = proc::Clock::now();
    if (!status && now >= next_sample) {
      next_sample = now + 100ms;
      long long c = group_cpu_ticks(child->pid());
      if (c != cpu) {
        cpu = c;
        last_progress = now;
      } else if (now - last_progress >= idle) {
        break;  // idle: a hang
      }
    }
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

std::string GoOutcome::describe() const {
  if (hang) return "hang";
  return "exit status " + std::to_string(exit_code) + (stderr_regex.empty() ? "" : ", stderr ~ /" + stderr_regex + "/");
}

bool go_outcome_matches(const GoOutcome& e, const GoRun& r) {
  if (e.hang || r.hang) return e.hang == r.hang;
  if (r.exit_code != e.exit_code) return false;
  return e.stderr_regex.empty() || std::regex_search(trim_newlines(r.stderr_text), std::regex(e.stderr_regex));
}

std::string GoToolchain::goroot() const { return fs::path(path).parent_path().parent_path().string(); }

std::string GoToolchain::profile() const {
  auto p = client::Profile::parse("go1." + std::to_string(minor));
  return p ? p->name() : "go1.21";
}

std::optional<GoToolchain> find_go(const std::string& go, const std::string& toolchain, std::string& why) {
  std::string path = go;
  if (go.find('/') == std::string::npos) {
    const char* path_env = std::getenv("PATH");
    proc::LookPathResult found = proc::look_path(go, path_env ? path_env : "");
    if (!found.ok()) {
      why = go + " is not on PATH (" + found.error + ")";
      return std::nullopt;
    }
    path = found.path;
  }
  proc::SpawnOptions opts;
  opts.argv = {path, "env", "GOROOT", "GOVERSION"};
  opts.env_extra = {"GOTOOLCHAIN=" + toolchain, "GOTELEMETRY=off"};
  // A toolchain other than local may be downloaded first.
  GoRun r = run_go(opts, toolchain == "local" ? 30s : 300s, 60s, /*capture_stdout=*/true);
  std::smatch m;
  static const std::regex re(R"(^([^\n]+)\n(go1\.(\d+)(\.\d+)?)[^\n]*\n)");
  if (r.hang || r.exit_code != 0 || !std::regex_search(r.stdout_text, m, re)) {
    why = "`" + path + " env GOROOT GOVERSION` (GOTOOLCHAIN=" + toolchain + ") failed: " + r.describe();
    return std::nullopt;
  }
  GoToolchain t{(fs::path(m.str(1)) / "bin" / "go").string(), m.str(2), std::stoi(m.str(3))};
  auto profile = client::Profile::parse("go1." + m.str(3));
  if (!profile || !profile->gocacheprog_by_default()) {
    why = t.version + " is older than go1.24 (GOCACHEPROG needs GOEXPERIMENT=cacheprog before it)";
    return std::nullopt;
  }
  if (::access(t.path.c_str(), X_OK) != 0) {
    why = t.path + " (GOROOT/bin/go of " + t.version + ") is not executable";
    return std::nullopt;
  }
  return t;
}

GoBench::GoBench(Options o) : o_(std::move(o)) {
  std::string tmpl = (fs::temp_directory_path() / "cph-go-bench-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp: " + proc::errno_text(errno));
  dir_ = tmpl;
  fs::copy(o_.module_dir, dir_ / "module", fs::copy_options::recursive);
  fs::create_directories(dir_ / "store");
  fs::create_directories(dir_ / "store-no-index");
}

GoBench::~GoBench() { remove_tree(dir_); }

// A new constant in the package (so it misses and is compiled and put), and
// every file's mtime now or an hour ago.
void GoBench::prepare_module(GoModuleAge age) {
  const fs::path module = dir_ / "module";
  std::ofstream(module / "lib/nonce.go") << "package lib\n\nconst nonce = \"run-" << ++runs_ << "-" << ::getpid() << "-"
                                         << std::time(nullptr) << "\"\n";
  touch_module(age);
}

void GoBench::touch_module(GoModuleAge age) {
  // A new nanosecond each time, or two runs in one second could share an index key.
  set_module_age(dir_ / "module", age, ++touches_ % 1000000000L);
}

GoRun GoBench::go(const GoCondition& c, const fs::path& store, const std::string& prog_tail,
                  const std::vector<std::string>& env) {
  const fs::path gocache = dir_ / ("gocache-" + std::to_string(++runs_));
  fs::create_directories(gocache);
  proc::SpawnOptions opts;
  opts.argv = {o_.go.path};
  for (auto& a : c.go_args()) opts.argv.push_back(a);
  opts.dir = (dir_ / "module").string();
  opts.env_extra = {"GOCACHEPROG=" + prog_word(o_.fake_bin) + " --dir " + prog_word(store.string()) + prog_tail,
                    "GOCACHE=" + gocache.string(),
                    "GOFLAGS=" + o_.go_flags,
                    "GOTOOLCHAIN=local",
                    "GOTELEMETRY=off",
                    "GOENV=off",
                    "GOWORK=off",
                    "GOPROXY=off",
                    "GOPATH=" + (dir_ / "gopath").string()};
  for (const auto& e : env) opts.env_extra.push_back(e);
  GoRun r = run_go(opts, c.store == GoStore::cold ? o_.cold_deadline : o_.warm_deadline, o_.idle);
  remove_tree(gocache);
  return r;
}

std::optional<GoRun> GoBench::warm_up(const std::vector<GoCondition>& conditions) {
  bool tests = false, cold_tests = false;
  for (const auto& c : conditions) {
    const bool t = c.command == GoCommand::test || c.command == GoCommand::test_again || c.command == GoCommand::vet;
    tests = tests || t;
    cold_tests = cold_tests || (t && c.store == GoStore::cold);
  }
  std::vector<GoCommand> commands{GoCommand::build};
  if (tests) commands.insert(commands.end(), {GoCommand::test, GoCommand::vet});
  prepare_module(GoModuleAge::fresh);
  if (cold_tests) {
    // First without the module index (GODEBUG=goindex=0): build outputs and
    // test results only, the template of a cold store for test and vet.
    for (GoCommand cmd : commands) {
      GoCondition c{GoModuleAge::fresh, GoStore::cold, cmd};  // the cold deadline
      GoRun r = go(c, dir_ / "store-no-index", "", {"GODEBUG=goindex=0"});
      if (r.hang || r.exit_code != 0) return r;
    }
    fs::copy(dir_ / "store-no-index", dir_ / "store",
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    no_index_ = true;
  }
  // The warm store: the outputs, and the standard library's index.
  commands.push_back(GoCommand::list);
  for (GoCommand cmd : commands) {
    GoCondition c{GoModuleAge::fresh, GoStore::cold, cmd};
    GoRun r = go(c, dir_ / "store", "");
    if (r.hang || r.exit_code != 0) return r;
  }
  return std::nullopt;
}

// A cold store: empty for go build and go list; for go test and vet, which
// would compile package testing's dependencies afresh (minutes on a busy
// machine), the build outputs without any index entry.
fs::path GoBench::cold_store(GoCommand cmd) {
  const fs::path store = dir_ / ("store-cold-" + std::to_string(++runs_));
  if (cmd == GoCommand::build || cmd == GoCommand::list || !no_index_) {
    fs::create_directories(store);
  } else {
    fs::copy(dir_ / "store-no-index", store, fs::copy_options::recursive);
  }
  return store;
}

std::vector<GoRun> GoBench::run(const std::string& script_json, const std::vector<std::string>& fake_args,
                                const std::vector<GoCondition>& conditions) {
  std::string tail;
  if (!script_json.empty()) {
    const fs::path script = dir_ / ("script-" + std::to_string(++runs_) + ".json");
    std::ofstream(script) << script_json;
    tail += " --script " + prog_word(script.string());
  }
  for (const auto& a : fake_args) tail += " " + prog_word(a);

  std::vector<GoRun> out(conditions.size());
  std::vector<bool> done(conditions.size(), false);
  auto index_of = [&](const GoCondition& c) -> int {
    for (size_t i = 0; i < conditions.size(); ++i) {
      if (conditions[i] == c) return static_cast<int>(i);
    }
    return -1;
  };
  for (size_t i = 0; i < conditions.size(); ++i) {
    if (done[i]) continue;
    const GoCondition& c = conditions[i];
    const fs::path store = c.store == GoStore::cold ? cold_store(c.command) : dir_ / "store";
    prepare_module(c.module);
    if (c.command == GoCommand::test || c.command == GoCommand::test_again) {
      GoCondition first = c, again = c;
      first.command = GoCommand::test;
      again.command = GoCommand::test_again;
      GoRun r1 = go(first, store, tail);
      if (int k = index_of(first); k >= 0 && !done[k]) out[k] = r1, done[k] = true;
      if (int k = index_of(again); k >= 0 && !done[k]) {
        // A fresh module stays fresh: the first run may have taken longer
        // than the index cutoff. The content, and so the test's cache key,
        // stays the same.
        if (c.module == GoModuleAge::fresh) touch_module(c.module);
        out[k] = go(again, store, tail);
        done[k] = true;
      }
    } else {
      out[i] = go(c, store, tail);
      done[i] = true;
    }
    if (c.store == GoStore::cold) remove_tree(store);
  }
  return out;
}

}  // namespace cph::gocmd
