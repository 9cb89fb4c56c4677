// A wakeup for one waiting thread, with a deadline: a counter that notify()
// bumps and the waiter sleeps on with a Linux futex. The waiter checks its
// state under its own mutex, notes epoch() there, unlocks, then sleeps.
// Unlike a condition variable it re-takes no mutex on waking: glibc's marks
// that mutex contended, so its next unlock costs a futex syscall per reply.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace cph::client {

class Wakeup {
 public:
  uint32_t epoch() const { return n_.load(); }
  void notify();
  // Returns after a notify() later than the epoch `seen`, at the deadline, or spuriously.
  void wait_until(uint32_t seen, std::chrono::steady_clock::time_point deadline);

 private:
  std::atomic<uint32_t> n_{0};
  std::atomic<bool> sleeping_{false};  // so notify() makes no syscall for a waiter not asleep
};

}  // namespace cph::client
