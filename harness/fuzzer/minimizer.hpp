// Delta debugging (ddmin) over a failing trace's operations: the smallest
// list found that still fails with the same failure class. It first tries the
// trace with every burst made sequential (deterministic when the failure does
// not need concurrency). Each candidate
// runs in a fresh helper on a fresh directory; the number of runs is bounded.
// A fault that depends on a count (the 300th put) cannot shrink below that
// count: the minimal trace keeps those operations, as it must.
#pragma once
#include <cstddef>
#include <functional>

#include "fuzzer/executor.hpp"
#include "fuzzer/trace_file.hpp"

namespace cph::fuzzer {

struct MinimizeOptions {
  size_t max_replays = 300;
  ExecOptions exec;
  // After each replay: the replays so far and the current size.
  std::function<void(size_t replays, size_t ops)> progress;
};

struct MinimizeResult {
  Trace trace;             // the smallest failing trace found, its failure set
  size_t replays = 0;
  bool reproduced = false;  // false: the original trace did not fail that way (trace unchanged)
};

// `trace.failure` names the class to keep.
MinimizeResult minimize(const Trace& trace, const MinimizeOptions& options);

}  // namespace cph::fuzzer
