// The case runner: runs the selected cases on up to `jobs` threads, each with
// a deadline. At the deadline the case's CancelToken is cancelled; a case that
// still has not returned after a grace period is abandoned (its thread is
// detached and keeps only its own state alive) and reported as an error
// "hang", so a run always ends.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "runner/case.hpp"

namespace cph::runner {

struct RunOptions {
  std::vector<std::string> only;  // globs (glob.hpp); empty selects everything
  std::vector<std::string> skip;
  int jobs = 1;
  double timeout_scale = 1.0;                            // multiplies every case timeout and the grace
  size_t max_reply_bytes = wire::kDefaultMaxReplyBytes;  // CaseContext::max_reply_bytes
  // How long a cancelled case gets to return before it is abandoned.
  std::chrono::milliseconds grace{2000};
};

// Called on the thread that called run_cases(), one call at a time, so a
// reporter needs no locking.
struct RunProgress {
  std::function<void(const CaseInfo&)> started;
  std::function<void(const CaseResult&, size_t done, size_t total)> finished;
};

struct RunResults {
  std::vector<CaseResult> results;  // in catalogue order
  std::chrono::nanoseconds wall{0};
};

// Throws std::invalid_argument on an empty, malformed or duplicate case ID
// (a configuration error): IDs are non-empty '/'-separated segments without
// whitespace or glob characters.
void validate_catalogue(const std::vector<CaseDescriptor>& cases);

std::vector<const CaseDescriptor*> select_cases(const std::vector<CaseDescriptor>& cases, const RunOptions& options);

RunResults run_cases(const std::vector<const CaseDescriptor*>& cases, const RunOptions& options,
                     const RunProgress& progress = {});

}  // namespace cph::runner
