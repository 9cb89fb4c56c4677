// Reading and writing a pipe descriptor with a deadline: the descriptor is
// non-blocking and every wait is a poll() bounded by the deadline, optionally
// cut short by an Interrupt (so another thread can wake a blocked reader).
#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <string_view>

namespace cph::proc {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;
inline Deadline no_deadline() { return Deadline::max(); }
inline Deadline deadline_in(Clock::duration d) { return Clock::now() + d; }

// A one-shot wake-up flag: an atomic for the check before every read and
// write (no syscall), and an eventfd so that a blocked poll() wakes too.
class Interrupt {
 public:
  Interrupt();
  ~Interrupt();
  Interrupt(const Interrupt&) = delete;
  Interrupt& operator=(const Interrupt&) = delete;
  void fire();
  bool fired() const { return fired_.load(std::memory_order_acquire); }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::atomic<bool> fired_{false};
};

enum class IoStatus { ok, eof, timeout, interrupted, error };

struct IoResult {
  IoStatus status = IoStatus::ok;
  size_t bytes = 0;  // transferred before the status
  int error = 0;     // errno when status == error (EPIPE: the reader is gone)
};

// Reads at least one byte (up to `cap`) unless EOF, the deadline, the
// interrupt or an error comes first. `wait_first`: poll before the first
// read (saves a read that would find the pipe empty, when the caller knows
// it just drained it).
IoResult read_some(int fd, char* buf, size_t cap, Deadline deadline, const Interrupt* stop = nullptr,
                   bool wait_first = false);

// Writes every byte unless the deadline, the interrupt or an error comes first.
IoResult write_all(int fd, std::string_view data, Deadline deadline, const Interrupt* stop = nullptr);

void set_nonblocking(int fd);

}  // namespace cph::proc
