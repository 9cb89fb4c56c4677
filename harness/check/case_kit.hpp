// What every check case needs: a fresh cache directory, helpers started in
// it (each waiting for its handshake), stable action IDs, reply checks, and a
// final word on anything a helper did that `go` would find fatal.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "check/catalogue.hpp"
#include "proc/temp_dir.hpp"
#include "runner/case.hpp"
#include "session/disk_check.hpp"
#include "session/helper_argv.hpp"
#include "session/pattern_body.hpp"
#include "session/session.hpp"

namespace cph::check {

// The check suite plays its cases over raw sessions with live helpers.
using proc::TempDir;
using session::Clock;
using session::disk_path_problem;
using session::expand_dir;
using session::has_extension;
using session::hex_prefix;
using session::mentions_dir;
using session::PatternBody;
using session::Reply;
using session::Session;
using session::StartOptions;

class CaseRig;

// Builds a CaseDescriptor whose function gets the config.
runner::CaseDescriptor make_case(runner::CaseInfo info, const CheckConfig& config,
                                 std::function<runner::CaseOutcome(runner::CaseContext&, const CheckConfig&)> run);

// The usual case: a rig, one helper started on its directory (an error
// outcome when it cannot start or never says hello), then `run`.
runner::CaseDescriptor make_session_case(runner::CaseInfo info, const CheckConfig& config,
                                         std::function<runner::CaseOutcome(CaseRig&, Session*)> run);

// Where the requirements come from.
inline constexpr const char* kCacheprogDoc = "cmd/go/internal/cacheprog/cacheprog.go";
inline constexpr const char* kProgGo = "cmd/go/internal/cache/prog.go";
inline constexpr const char* kCacheGo = "cmd/go/internal/cache/cache.go";

class CaseRig {
 public:
  CaseRig(runner::CaseContext& ctx, const CheckConfig& config);
  ~CaseRig();

  const std::string& dir() const { return dir_.path(); }
  runner::CaseContext& ctx() { return ctx_; }
  const CheckConfig& config() const { return config_; }

  // Starts a helper on dir() and waits for its handshake. Null on failure,
  // with the reason in `failure`.
  Session* start(std::string& failure, const StartOptions& options = {});
  // Starts a helper without waiting for anything.
  Session* start_raw(std::string& failure, const StartOptions& options = {});
  // The helper's first message, waited for as go waits (go has no limit: it
  // logs "still waiting" every 5 s; here 60 s, times --timeout-scale). The
  // time it takes is added to the case's deadline, so a slow start fails no
  // case but handshake/within-1s, which owns it.
  Reply await_handshake(Session* s);
  // Ends a helper now (close stdin, grace, kill), keeping its problems.
  void stop(Session* s);

  // Usual bound on one reply (5 s, times --timeout-scale).
  Clock::duration reply_timeout() const { return ctx_.scaled(std::chrono::seconds(5)); }

  // A 32-byte action ID derived from the case ID and `name`.
  std::string action(std::string_view name) const;

  // The case's outcome, failed instead when a helper did something fatal to
  // go. A passing outcome first ends the stdin of every helper still running
  // and waits (up to 1 s) for its stdout to end, so nothing late is missed.
  runner::CaseOutcome finish(runner::CaseOutcome outcome);

 private:
  runner::CaseContext& ctx_;
  const CheckConfig& config_;
  TempDir dir_;
  std::vector<std::unique_ptr<Session>> sessions_;
  std::vector<std::string> stopped_problems_;
  int started_ = 0;
};

// "" when `r` is a put reply go accepts (no Err, DiskPath set), else why not.
std::string put_problem(const Reply& r);
// "" when `r` is a get hit serving exactly `body_sha`/`size`, with a valid DiskPath.
std::string hit_problem(const Reply& r, const std::string& output_id, int64_t size);
// A short description of a reply for "observed" texts.
std::string describe(const Reply& r);

}  // namespace cph::check
