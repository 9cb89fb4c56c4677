// Runs a trace against a live helper and returns its first failure. The
// helper is started from the trace's command, with "{dir}" replaced by one
// fresh cache directory for the whole trace (a restart after a close or a
// kill reuses it) and "{seed}" by a number derived from the trace seed and
// the helper's start count (so a helper's own randomness, e.g. cph-fake
// --seed, replays too). Replies are checked against the model as they are
// awaited; after the last operation the helper is closed as go closes it.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fuzzer/failure.hpp"
#include "fuzzer/trace_file.hpp"
#include "runner/case.hpp"

namespace cph::fuzzer {

struct ExecOptions {
  std::chrono::milliseconds reply_timeout{5000};  // per reply, handshake, exit
  // Replays of one trace differ in {seed} by attempt (0: the recorded
  // seeds), so a helper's own randomness (cph-fake --seed {seed}) varies
  // between the attempts of `cph replay --minimize --attempts K`.
  uint64_t attempt = 0;
  std::function<void(size_t ops_done)> progress;         // after each operation
  size_t max_reply_bytes = wire::kDefaultMaxReplyBytes;  // --max-reply-bytes (session/session.hpp)
};

struct ExecStats {
  size_t ops = 0;  // operations run
  size_t helpers_started = 0;
  size_t puts = 0, gets = 0, hits = 0, misses = 0, err_replies = 0, hostile = 0, storage_faults = 0;
  void add(const ExecStats& o);
};

struct ExecResult {
  std::optional<Failure> failure;
  ExecStats stats;
};

// Every byte goes to ctx.transcript; ctx.cancel stops the run early (no
// failure); ctx.max_reply_bytes is set from `options`.
ExecResult execute(const Trace& trace, const ExecOptions& options, runner::CaseContext& ctx);

// The same with a context of its own; the transcript is returned in `transcript`.
ExecResult execute(const Trace& trace, const ExecOptions& options, std::vector<wire::TranscriptRecord>* transcript);

// argv with "{dir}" and "{seed}" replaced.
std::vector<std::string> expand_helper(const std::vector<std::string>& argv, const std::string& dir,
                                       uint64_t helper_seed);

}  // namespace cph::fuzzer
