// A cancellation context in the manner of Go's context.Context: cancel() and
// an optional deadline; err() gives Go's texts "context canceled" and
// "context deadline exceeded". Copies share one state. never() is Go's
// context.Background() itself: it has no state, costs nothing to pass or
// wait on, and cancel() does nothing to it (the calls' default).
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace cph::client {

using Clock = std::chrono::steady_clock;

class Context {
 public:
  static Context never();       // never done, cannot be cancelled
  static Context background();  // not done until cancel()
  static Context with_deadline(Clock::time_point deadline);
  static Context with_timeout(Clock::duration d) { return with_deadline(Clock::now() + d); }
  static Context cancelled();  // already cancelled

  void cancel() const;
  bool done() const { return !err().empty(); }
  std::string err() const;             // "" while live
  Clock::time_point deadline() const;  // time_point::max() when none

  // Whether cancel() can do anything (false for never()): a waiter with
  // nothing to wake it for need not register.
  bool cancellable() const { return state_ != nullptr; }
  // Runs `wake` when cancel() is called (not at the deadline: waiters wait
  // until the deadline themselves). Returns a handle for remove_waker().
  uint64_t add_waker(std::function<void()> wake) const;
  void remove_waker(uint64_t handle) const;

 private:
  struct State;
  explicit Context(std::shared_ptr<State> s) : state_(std::move(s)) {}
  std::shared_ptr<State> state_;
};

}  // namespace cph::client
