// go/*: the real `go` command as the judge. go builds and tests the
// catalogue's sample module (go-module/: a library package and its test)
// through the helper under test, as a user's build meets it: GOCACHEPROG
// names the helper, each go command starts it afresh on one cache directory
// ({dir}), every go command has a fresh GOCACHE, and the module is older than
// go's index cutoff (so go indexes the package and puts the index, as in any
// checkout: docs/go-behaviour.md, "Conditions"). The three cases judge one
// sequence of go commands, run once by whichever of them runs first:
//
//   reference  go build -o reference.a ./lib      go's default cache (no helper)
//   first      go build -v -o first.a ./lib       GOCACHE fresh, the helper's store empty
//              go test ./...
//   second     go build -v -o second.a ./lib      GOCACHE fresh again, same store
//              go test ./...                      "(cached)": the result came from the helper
//              go clean -testcache                marks every earlier test result expired
//              go test ./...                      must run the test again
//
// go runs the helper through a small wrapper the case writes, which starts it
// in cph's working directory (as every check case does) with {dir} expanded;
// reports name the helper as the user wrote it, never the wrapper.
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>

#include "check/case_kit.hpp"
#include "gocmd/go_bench.hpp"
#include "proc/child.hpp"
#include "wire/encoders.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using gocmd::GoRun;
using runner::CaseOutcome;
using runner::Grade;

constexpr const char* kModindexGo = "cmd/go/internal/modindex/read.go";
constexpr const char* kExecGo = "cmd/go/internal/work/exec.go";
constexpr const char* kTestGo = "cmd/go/internal/test/test.go";

// The go commands of the sequence, in order.
enum Step { kReference, kBuild1, kTest1, kBuild2, kTest2, kClean, kTest3, kSteps };

const char* step_text(int s) {
  switch (s) {
    case kReference: return "go build -o reference.a ./lib (go's default cache, no helper)";
    case kBuild1: return "the first go build -v -o first.a ./lib (fresh GOCACHE, empty store)";
    case kTest1: return "the first go test ./...";
    case kBuild2: return "the second go build -v -o second.a ./lib (fresh GOCACHE, same store)";
    case kTest2: return "the second go test ./...";
    case kClean: return "go clean -testcache";
    case kTest3: return "go test ./... after go clean -testcache";
  }
  return "?";
}

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A bounded excerpt of go's output: its start and its end.
std::string excerpt(std::string text, size_t max = 1600) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return "(empty)";
  if (text.size() <= max) return text;
  return text.substr(0, max / 2) + "\n... (" + std::to_string(text.size() - max) + " bytes left out) ...\n" +
         text.substr(text.size() - max / 2);
}

// The packages a go build -v compiled: it prints each one's import path on
// its own line as it builds it, and nothing for an action served from the
// cache (exec.go, Builder.build: "if cfg.BuildV" after the cache check). A
// line with a space or a colon is not one (the helper's own stderr, say).
std::vector<std::string> compiled_packages(const std::string& stderr_text) {
  static const std::regex line(R"(^[A-Za-z0-9_.~+-]+(/[A-Za-z0-9_.~+-]+)*$)");
  std::vector<std::string> out;
  std::istringstream in(stderr_text);
  for (std::string l; std::getline(in, l);) {
    if (std::regex_match(l, line)) out.push_back(l);
  }
  return out;
}

// One go/ run: the sequence above, done once for all three cases.
class GoJudge {
 public:
  explicit GoJudge(const CheckConfig& config) : config_(config) {}

  // Runs the sequence (the first caller) or waits for it. False when `ctx`
  // was cancelled while another case ran it.
  bool ensure(runner::CaseContext& ctx) {
    std::unique_lock lock(mu_);
    while (state_ == State::running) {
      if (ctx.cancel.cancelled()) return false;
      cv_.wait_for(lock, 100ms);
    }
    if (state_ == State::idle) {
      state_ = State::running;
      lock.unlock();
      try {
        run_all(ctx);
      } catch (const std::exception& e) {
        error_ = std::string("the go/ run failed: ") + e.what();
      }
      lock.lock();
      state_ = State::done;
      cv_.notify_all();
    }
    // Every case's evidence names the run's paths the same way.
    for (const auto& [path, name] : path_names_) ctx.name_path(path, name);
    for (int s = 0; s < kSteps; ++s) {
      if (!ran_[s]) continue;
      ctx.transcript.event("go", {{"step", step_text(s)},
                                  {"status", runs_[s].hang ? "hang" : runs_[s].status},
                                  {"seconds", runs_[s].seconds}});
    }
    return true;
  }

  const std::string& skip() const { return skip_; }
  const std::string& error() const { return error_; }
  bool ran(int s) const { return ran_[s]; }
  const GoRun& run(int s) const { return runs_[s]; }
  bool ok(int s) const { return ran_[s] && !runs_[s].hang && runs_[s].exit_code == 0; }
  const std::string& archive(int s) const { return archives_[s]; }
  // "go1.26.8 ran (graded for go1.27)": said in every outcome.
  std::string who() const {
    std::string s = version_ + " ran";
    if (config_.profile.name() != profile_) s += " (--go grades for " + config_.profile.name() + ")";
    return s;
  }
  const std::string& helper_text() const { return helper_text_; }

  // Why step `s` did not succeed: expected/observed/details for a failure.
  CaseOutcome failed_step(int s, const std::string& expected) const {
    const GoRun& r = runs_[s];
    if (!ran_[s]) return CaseOutcome::fail(expected, std::string(step_text(s)) + " did not run", not_run_);
    std::string observed = std::string(step_text(s)) + ": " +
                           (r.hang ? "hang (killed after " + std::to_string(static_cast<int>(r.seconds)) +
                                         " s; go waits on its helper without a timeout)"
                                   : r.status);
    // go's last line says why (-v's package names come first).
    std::string err = r.stderr_text;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    if (!err.empty()) {
      std::string last = err.substr(err.rfind('\n') == std::string::npos ? 0 : err.rfind('\n') + 1);
      observed += ": " + (last.size() > 200 ? last.substr(0, 200) + "..." : last);
    }
    return CaseOutcome::fail(expected, who() + ": " + observed,
                             "go's stderr (" + std::string(step_text(s)) + "):\n" + excerpt(r.stderr_text));
  }

 private:
  enum class State { idle, running, done };

  void run_all(runner::CaseContext& ctx) {
    for (const auto& w : config_.helper) {
      helper_text_ += (helper_text_.empty() ? "" : " ") + gocmd::prog_word(w);
    }
    std::error_code ec;
    if (config_.go_module.empty() || !fs::is_directory(config_.go_module, ec)) {
      skip_ = "no sample module to build (go-module/, installed with the scenario catalogue)";
      return;
    }
    const char* toolchain_env = std::getenv("GOTOOLCHAIN");
    const std::string toolchain = toolchain_env && *toolchain_env ? toolchain_env : "local";
    std::string why;
    auto go = gocmd::find_go(config_.go_command, toolchain, why);
    if (!go) {
      skip_ = "no go command to judge with: " + why + " (--go-command GO names one)";
      return;
    }
    version_ = go->version;
    profile_ = go->profile();

    work_ = std::make_unique<TempDir>();
    const fs::path work = work_->path();
    const fs::path store = work / "cache", module = work / "module", out = work / "out";
    fs::create_directories(store);
    fs::create_directories(out);
    fs::copy(config_.go_module, module, fs::copy_options::recursive);
    // Older than the index cutoff: go indexes the package and puts the index.
    gocmd::set_module_age(module, gocmd::GoModuleAge::old, 0);

    // go starts GOCACHEPROG in its own working directory (the module): the
    // wrapper starts the helper where cph check starts it, {dir} expanded.
    const fs::path wrapper = work / "helper.sh";
    std::string cwd = fs::current_path(ec).string();
    if (ec) cwd = work.string();
    {
      std::ofstream w(wrapper);
      w << "#!/bin/sh\n# cph check go/: go starts this as GOCACHEPROG\ncd " << sh_quote(cwd) << " || exit 127\nexec";
      for (const auto& a : expand_dir(config_.helper, store.string())) w << " " << sh_quote(a);
      w << "\n";
    }
    fs::permissions(wrapper, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);

    path_names_ = {{wrapper.string(), helper_text_},
                   {store.string(), "{dir}"},
                   {work.string(), "$WORK"},
                   {go->goroot(), "$GOROOT"}};

    const auto idle = ctx.scaled(30s);
    auto go_run = [&](int s, const std::string& gocache, bool helper, std::vector<std::string> args,
                      std::chrono::milliseconds limit) {
      if (!not_run_.empty()) return;
      if (ctx.cancel.cancelled()) {
        not_run_ = "the case's deadline passed before " + std::string(step_text(s));
        return;
      }
      proc::SpawnOptions opts;
      opts.argv = {go->path};
      for (auto& a : args) opts.argv.push_back(a);
      opts.dir = module.string();
      opts.env_extra = {
          "GOCACHE=" + gocache, "GOCACHEPROG=" + (helper ? gocmd::prog_word(wrapper.string()) : std::string()),
          "GOFLAGS=",           "GODEBUG=",
          "GOTOOLCHAIN=local",  "GOTELEMETRY=off",
          "GOENV=off",          "GOWORK=off",
          "GOPROXY=off",        "GOPATH=" + (work / "gopath").string()};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.cancel.remaining());
      runs_[s] = gocmd::run_go(opts, std::min(ctx.scaled(limit), left), idle, /*capture_stdout=*/true);
      ran_[s] = true;
      if (runs_[s].hang) not_run_ = "an earlier go command hung: " + std::string(step_text(s));
    };
    const std::string cache_ref = (work / "gocache-reference").string(), cache1 = (work / "gocache-1").string(),
                      cache2 = (work / "gocache-2").string();
    go_run(kReference, cache_ref, false, {"build", "-o", (out / "reference.a").string(), "./lib"}, 5min);
    if (!ok(kReference)) {
      error_ = "go could not build the sample module with its default cache, so it cannot judge the helper: " +
               runs_[kReference].describe();
      return;
    }
    archives_[kReference] = read_bytes(out / "reference.a");
    go_run(kBuild1, cache1, true, {"build", "-v", "-o", (out / "first.a").string(), "./lib"}, 5min);
    go_run(kTest1, cache1, true, {"test", "./..."}, 15min);
    go_run(kBuild2, cache2, true, {"build", "-v", "-o", (out / "second.a").string(), "./lib"}, 5min);
    go_run(kTest2, cache2, true, {"test", "./..."}, 15min);
    // Only a test result served from the helper can be expired by the clean.
    if (ok(kTest2) && runs_[kTest2].stdout_text.find("(cached)") != std::string::npos) {
      go_run(kClean, cache2, true, {"clean", "-testcache"}, 1min);
      go_run(kTest3, cache2, true, {"test", "./..."}, 15min);
    }
    if (ok(kBuild1)) archives_[kBuild1] = read_bytes(out / "first.a");
    if (ok(kBuild2)) archives_[kBuild2] = read_bytes(out / "second.a");
    // go makes some of what it writes read-only: clear it before the TempDir goes.
    for (const auto& p : {cache_ref, cache1, cache2, (work / "gopath").string()}) gocmd::remove_tree(p);
  }

  const CheckConfig config_;
  std::mutex mu_;
  std::condition_variable cv_;
  State state_ = State::idle;
  std::string skip_, error_, not_run_;
  std::string version_, profile_, helper_text_;
  std::unique_ptr<TempDir> work_;
  std::vector<std::pair<std::string, std::string>> path_names_;
  GoRun runs_[kSteps];
  bool ran_[kSteps] = {};
  std::string archives_[kSteps];
};

// The usual start of a go/ case: the shared run, or why there is none.
std::optional<CaseOutcome> not_judged(GoJudge& judge, runner::CaseContext& ctx) {
  if (!judge.ensure(ctx)) return CaseOutcome::error("cancelled while another go/ case ran go");
  if (!judge.skip().empty()) return CaseOutcome::skip(judge.skip());
  if (!judge.error().empty()) return CaseOutcome::error(judge.error());
  return std::nullopt;
}

std::string archive_text(const std::string& bytes) {
  return std::to_string(bytes.size()) + " bytes, SHA-256 " + wire::to_hex(wire::sha256(bytes)).substr(0, 16) + "...";
}

}  // namespace

void add_go_cases(Catalogue& out, const CheckConfig& config) {
  auto judge = std::make_shared<GoJudge>(config);
  // One run of go covers all three; the first case to run waits for all of it
  // (a cold go test compiles package testing's dependencies: minutes on a
  // busy machine).
  const auto timeout = std::chrono::milliseconds(30min);
  out.push_back(make_case(
      {"go/build-and-test", "the real go builds and tests a module through the helper, twice",
       "With GOCACHEPROG set to the helper, go build and go test of a module older than go's 2 s index cutoff "
       "succeed twice, each time in a fresh GOCACHE on the helper's same store, and go build -o writes the same "
       "package archive, byte for byte, as with go's default cache. go returns the error of the put that stores "
       "a package's index, so a failed put fails package loading; "
       "go is the judge (the sample module go-module/; --go-command GO, GOTOOLCHAIN for another release; "
       "skipped without a go).",
       std::string(kModindexGo) + " (openIndexPackage: PutBytes' error returned); " + kProgGo, Grade::must, timeout},
      config, [judge](runner::CaseContext& ctx, const CheckConfig&) {
        if (auto o = not_judged(*judge, ctx)) return *o;
        for (int s : {kBuild1, kTest1, kBuild2, kTest2}) {
          if (!judge->ok(s)) return judge->failed_step(s, "go build and go test exit 0, twice");
        }
        const std::string& ref = judge->archive(kReference);
        for (int s : {kBuild1, kBuild2}) {
          if (judge->archive(s) != ref) {
            return CaseOutcome::fail("the package archive go's default cache builds: " + archive_text(ref),
                                     judge->who() + ": " + step_text(s) + " wrote " + archive_text(judge->archive(s)),
                                     "go's stderr:\n" + excerpt(judge->run(s).stderr_text));
          }
        }
        return CaseOutcome::pass(judge->who() +
                                 ": both builds and both tests exit 0; both archives are the "
                                 "default cache's (" +
                                 archive_text(ref) + ")");
      }));
  out.push_back(make_case(
      {"go/second-build-served", "a second build in a fresh GOCACHE compiles nothing",
       "A second go build of the same module, in a fresh GOCACHE with a new helper on the same store, is served "
       "from the helper: go compiles no package. Told from go's own output: go build -v prints a package's "
       "import path when it builds it, and nothing when the cache serves it (a get hit whose file go reads), "
       "so a helper that misses, serves a wrong file or forgets at restart shows as the packages compiled again" +
           std::string(config.keeps_nothing ? " (INFO: the helper is declared to keep nothing)." : "."),
       std::string(kExecGo) + " (Builder.build: cfg.BuildV after the cache check); cmd/go/internal/work/buildid.go "
                              "(useCache)",
       config.keeps_nothing ? Grade::info : Grade::should, timeout},
      config, [judge](runner::CaseContext& ctx, const CheckConfig&) {
        if (auto o = not_judged(*judge, ctx)) return *o;
        if (!judge->ok(kBuild1) || !judge->ok(kBuild2)) {
          return CaseOutcome::skip("a build failed (go/build-and-test says how): nothing to compare");
        }
        auto first = compiled_packages(judge->run(kBuild1).stderr_text);
        auto second = compiled_packages(judge->run(kBuild2).stderr_text);
        if (second.empty()) {
          return CaseOutcome::pass(judge->who() + ": the first build compiled " + std::to_string(first.size()) +
                                   " package(s), the second none");
        }
        std::string list;
        for (size_t i = 0; i < second.size() && i < 8; ++i) list += (i ? ", " : "") + second[i];
        if (second.size() > 8) list += ", ...";
        return CaseOutcome::fail(
            "no package compiled again: every one served from the helper",
            judge->who() + ": the second build compiled " + std::to_string(second.size()) +
                " package(s) again (the first " + std::to_string(first.size()) + "): " + list,
            "go's stderr (" + std::string(step_text(kBuild2)) + "):\n" + excerpt(judge->run(kBuild2).stderr_text));
      }));
  out.push_back(make_case(
      {"go/test-cache-honours-clean", "after go clean -testcache, go test runs the test again",
       "A test result served from the helper carries the Time it was stored, so that go clean -testcache "
       "expires it: go clean -testcache writes the time now to GOCACHE/testexpire.txt, and go test ignores a "
       "cached result whose entry Time is before it; a get reply without Time is taken as now (prog.go, "
       "ProgCache.Get: e.Time = time.Now()), and one with the time of the get likewise, so such a helper keeps "
       "every test result for ever: go test answers (cached) after the clean.",
       std::string(kTestGo) + " (testCacheExpire, tryCacheWithID: entry.Time.Before); " + kProgGo +
           " (Get); cmd/go/internal/clean/clean.go (-testcache)",
       Grade::should, timeout},
      config, [judge](runner::CaseContext& ctx, const CheckConfig&) {
        if (auto o = not_judged(*judge, ctx)) return *o;
        for (int s : {kTest1, kTest2}) {
          if (!judge->ok(s)) {
            return CaseOutcome::skip(std::string(step_text(s)) + " failed (go/build-and-test says how)");
          }
        }
        if (judge->run(kTest2).stdout_text.find("(cached)") == std::string::npos) {
          return CaseOutcome::skip(
              "the second go test ran the test again instead of answering (cached): the helper served no test "
              "result (see go/second-build-served), so go clean -testcache has nothing to expire");
        }
        if (!judge->ok(kClean)) return judge->failed_step(kClean, "go clean -testcache exits 0");
        if (!judge->ok(kTest3)) return judge->failed_step(kTest3, "go test exits 0");
        const std::string out3 = judge->run(kTest3).stdout_text;
        if (out3.find("(cached)") != std::string::npos) {
          return CaseOutcome::fail(
              "go test runs the test again after go clean -testcache",
              judge->who() +
                  ": go test answered (cached): the result's Time is not before the clean (a missing "
                  "Time is now)",
              "go test's stdout:\n" + excerpt(out3) + "\ngo's stderr:\n" + excerpt(judge->run(kTest3).stderr_text));
        }
        return CaseOutcome::pass(judge->who() +
                                 ": the second go test answered (cached), and after go clean "
                                 "-testcache the test ran again");
      }));
}

}  // namespace cph::check
