// Delta debugging (ddmin) over a failing trace's operations: the smallest
// list found that still fails with the same failure class. It first tries the
// trace with every burst made sequential (deterministic when the failure does
// not need concurrency). Each candidate
// runs in a fresh helper on a fresh directory; the number of runs is bounded.
// A finding may reproduce only sometimes (timing, or a helper's own
// randomness): a candidate counts as failing if any of `attempts` replays
// fails (each with other {seed}s, ExecOptions::attempt), and the original
// is first replayed up to that often (until it has failed 3 times) to say
// how often it reproduces (and the result, at the end).
// A fault that depends on a count (the 300th put) cannot shrink below that
// count: the minimal trace keeps those operations, as it must.
#pragma once
#include <cstddef>
#include <functional>

#include "fuzzer/executor.hpp"
#include "fuzzer/trace_file.hpp"

namespace cph::fuzzer {

// Attempts per candidate: a finding that reproduces once in 6 replays is
// missed by 25 replays with probability (5/6)^25, about 1%.
inline constexpr size_t kDefaultAttempts = 25;

struct MinimizeOptions {
  size_t max_replays = 3000;  // runs in all, attempts included
  size_t attempts = kDefaultAttempts;
  ExecOptions exec;
  // After each replay: the replays so far and the current size.
  std::function<void(size_t replays, size_t ops)> progress;
};

struct MinimizeResult {
  Trace trace;  // the smallest failing trace found, its failure set
  size_t replays = 0;
  bool reproduced = false;       // false: the original trace did not fail that way (trace unchanged)
  size_t original_failures = 0;  // of `original_runs` replays of the original, as recorded (stops at 3)
  size_t original_runs = 0;
  size_t minimal_failures = 0;  // the same for the minimised trace (counted in `replays`, past its bound)
  size_t minimal_runs = 0;
};

// `trace.failure` names the class to keep.
MinimizeResult minimize(const Trace& trace, const MinimizeOptions& options);

}  // namespace cph::fuzzer
