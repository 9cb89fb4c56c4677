#include "client/wakeup.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ctime>

namespace cph::client {

namespace {

long futex(std::atomic<uint32_t>* word, int op, uint32_t value, const timespec* abs_time) {
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
  return ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), op | FUTEX_PRIVATE_FLAG, value, abs_time, nullptr,
                   FUTEX_BITSET_MATCH_ANY);
}

}  // namespace

void Wakeup::notify() {
  n_.fetch_add(1);
  // Sequentially consistent with the waiter's store of sleeping_ and load of
  // n_: either it sees the new count, or we see it asleep (or about to be).
  if (sleeping_.load()) futex(&n_, FUTEX_WAKE_BITSET, 1, nullptr);
}

void Wakeup::wait_until(uint32_t seen, std::chrono::steady_clock::time_point deadline) {
  using namespace std::chrono;
  const auto now = steady_clock::now();
  if (deadline <= now) return;
  // steady_clock is CLOCK_MONOTONIC, which FUTEX_WAIT_BITSET's absolute timeout uses.
  const auto since = duration_cast<nanoseconds>(std::min(deadline, now + hours(24)).time_since_epoch()).count();
  const timespec abs{static_cast<time_t>(since / 1'000'000'000), static_cast<long>(since % 1'000'000'000)};
  sleeping_.store(true);
  if (n_.load() == seen) futex(&n_, FUTEX_WAIT_BITSET, seen, &abs);
  sleeping_.store(false);
}

}  // namespace cph::client
