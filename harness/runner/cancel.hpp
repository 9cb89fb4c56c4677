// The deadline and cancel signal a case function is handed. The runner cancels
// it when the case's deadline passes (or the run is interrupted); a case must
// check it between steps and pass it down to every wait, so that it returns
// promptly. A case that ignores it is abandoned and reported as a hang.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace cph::runner {

using Clock = std::chrono::steady_clock;

class CancelToken {
 public:
  explicit CancelToken(Clock::time_point deadline);
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  Clock::time_point deadline() const;
  // Moves the deadline by `d` (later when positive): a case whose deadline
  // covers helper starts adds the time they took, which go would wait
  // without limit. No effect once cancelled. Waits already under way keep
  // the deadline they started with.
  void extend(Clock::duration d);
  // Time left before the deadline (zero once it has passed).
  Clock::duration remaining() const;
  // True once cancel() was called or the deadline has passed.
  bool cancelled() const;
  // Sleeps for `d` unless cancelled first; returns true when the full time
  // elapsed, false when woken by cancellation (for "cancel after a delay").
  bool sleep_for(Clock::duration d) const;
  // Blocks until cancelled or the deadline; used by waits that have nothing
  // else to wake them.
  void wait() const;

  void cancel();
  // Runs `f` on cancel() (at once if already cancelled), e.g. to kill a
  // helper process so a blocking read returns. `f` must not call back in.
  void on_cancel(std::function<void()> f);

 private:
  Clock::time_point deadline_;  // guarded by mu_
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool cancelled_ = false;
  std::vector<std::function<void()>> callbacks_;
};

}  // namespace cph::runner
