#include "proc/fd_io.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace cph::proc {

Interrupt::Interrupt() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw std::runtime_error("eventfd: " + std::to_string(errno));
}

Interrupt::~Interrupt() { ::close(fd_); }

void Interrupt::fire() {
  fired_.store(true, std::memory_order_release);
  const uint64_t one = 1;
  // The counter only grows; a full counter (EAGAIN) is still "fired".
  [[maybe_unused]] ssize_t n = ::write(fd_, &one, sizeof one);
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

namespace {

// Waits until `fd` is ready for `events`. Returns ok, timeout or interrupted.
IoStatus wait_ready(int fd, short events, Deadline deadline, const Interrupt* stop) {
  while (true) {
    pollfd fds[2] = {{fd, events, 0}, {stop ? stop->fd() : -1, POLLIN, 0}};
    int timeout_ms = -1;
    if (deadline != Deadline::max()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return IoStatus::timeout;
      timeout_ms = left > 60'000 ? 60'000 : static_cast<int>(left);
    }
    const int n = ::poll(fds, stop ? 2 : 1, timeout_ms);
    if (n < 0 && errno != EINTR) return IoStatus::ok;  // let the syscall report it
    if (stop && (fds[1].revents & POLLIN)) return IoStatus::interrupted;
    if (n > 0 && fds[0].revents != 0) return IoStatus::ok;
  }
}

}  // namespace

IoResult read_some(int fd, char* buf, size_t cap, Deadline deadline, const Interrupt* stop, bool wait_first) {
  IoResult r;
  if (wait_first) {
    const IoStatus w = wait_ready(fd, POLLIN, deadline, stop);
    if (w != IoStatus::ok) {
      r.status = w;
      return r;
    }
  }
  while (true) {
    if (stop && stop->fired()) {
      r.status = IoStatus::interrupted;
      return r;
    }
    const ssize_t n = ::read(fd, buf, cap);
    if (n > 0) {
      r.bytes = static_cast<size_t>(n);
      return r;
    }
    if (n == 0) {
      r.status = IoStatus::eof;
      return r;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      r.status = IoStatus::error;
      r.error = errno;
      return r;
    }
    const IoStatus w = wait_ready(fd, POLLIN, deadline, stop);
    if (w != IoStatus::ok) {
      r.status = w;
      return r;
    }
  }
}

IoResult write_all(int fd, std::string_view data, Deadline deadline, const Interrupt* stop) {
  IoResult r;
  while (r.bytes < data.size()) {
    if (stop && stop->fired()) {
      r.status = IoStatus::interrupted;
      return r;
    }
    const ssize_t n = ::write(fd, data.data() + r.bytes, data.size() - r.bytes);
    if (n > 0) {
      r.bytes += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      r.status = IoStatus::error;
      r.error = errno;
      return r;
    }
    const IoStatus w = wait_ready(fd, POLLOUT, deadline, stop);
    if (w != IoStatus::ok) {
      r.status = w;
      return r;
    }
  }
  return r;
}

}  // namespace cph::proc
