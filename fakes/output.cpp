#include "output.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace cph::fake {

Output::Output(int fd, wire::Transcript* transcript, Stats& stats, uint64_t seed)
    : fd_(fd), transcript_(transcript), stats_(stats), rng_(seed) {
  // Only a pipe: a terminal or file shared with others keeps its flags.
  struct stat st {};
  if (fd_ >= 0 && ::fstat(fd_, &st) == 0 && S_ISFIFO(st.st_mode)) {
    const int flags = ::fcntl(fd_, F_GETFL);
    nonblocking_ = flags >= 0 && ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK) == 0;
  }
}

Output::~Output() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Output::push(Item item) {
  item.seq = seq_++;
  queue_.insert(std::move(item));
  // The writer thread starts with the first reply that is not written inline:
  // a run that never needs it (a warm go build) never pays for it.
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  cv_.notify_all();
}

void Output::schedule(const ReplyPlan& plan) {
  if (plan.drop) return;
  if (plan.copies == 1 && plan.delay <= Duration::zero() && !plan.hold && !plan.join_next) return send_now(plan.bytes);
  std::lock_guard lock(mu_);
  Item item{Clock::now() + plan.delay, 0, plan.arrival, plan.bytes, plan.join_next};
  for (int64_t i = 0; i < plan.copies; ++i) {
    if (plan.hold) {
      auto [rule, spec] = *plan.hold;
      hold_spec_[rule] = spec;
      auto& group = held_[rule];
      group.push_back(item);
      if (static_cast<int64_t>(group.size()) >= spec.count) release(group, spec.order);
    } else {
      push(item);
    }
  }
}

void Output::send_now(std::string_view bytes) {
  {
    std::lock_guard lock(mu_);
    if (!nonblocking_ || hung_ || writing_ || !queue_.empty() || !join_.empty()) {
      push(Item{Clock::now(), 0, 0, std::string(bytes), false});
      return;
    }
    writing_ = true;  // the output thread leaves the pipe to us meanwhile
  }
  const size_t n = write(bytes, false);
  std::lock_guard lock(mu_);
  writing_ = false;
  if (n < bytes.size()) {
    push(Item{Clock::time_point::min(), 0, 0, std::string(bytes.substr(n)), false});  // first in line
  } else if (!queue_.empty() || drainers_ > 0) {
    cv_.notify_all();  // they waited for us (an idle output thread needs no wakeup)
  }
}

void Output::release(std::vector<Item>& group, HoldOrder order) {
  std::stable_sort(group.begin(), group.end(), [](const Item& a, const Item& b) { return a.arrival < b.arrival; });
  if (order == HoldOrder::reversed) {
    std::reverse(group.begin(), group.end());
  } else {
    // Fisher-Yates by hand: std::shuffle's order differs between standard libraries.
    for (size_t i = group.size(); i > 1; --i) std::swap(group[i - 1], group[rng_() % i]);
  }
  auto now = Clock::now();
  for (auto& item : group) {
    item.due = now;
    push(std::move(item));
  }
  group.clear();
}

void Output::release_holds() {
  std::lock_guard lock(mu_);
  for (auto& [rule, group] : held_) release(group, hold_spec_[rule].order);
}

void Output::drain() {
  std::unique_lock lock(mu_);
  ++drainers_;
  cv_.wait(lock, [&] { return (queue_.empty() && !writing_) || hung_; });
  --drainers_;
  if (!join_.empty() && !hung_) {
    std::string last = std::move(join_) + "\n";  // nothing followed: end its line
    join_.clear();
    lock.unlock();
    write(last, true);
  }
}

void Output::close_stdout() {
  std::lock_guard lock(write_mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (transcript_) transcript_->event("stdout-closed");
}

void Output::hang() {
  std::lock_guard lock(mu_);
  hung_ = true;
  cv_.notify_all();
}

size_t Output::write(std::string_view bytes, bool block) {
  std::lock_guard lock(write_mu_);
  if (fd_ < 0 || dead_) return bytes.size();
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!block) break;
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, -1);  // as a blocking write would: the client reads when it reads
      continue;
    }
    dead_ = true;  // the reader went away (EPIPE): keep running, write nothing more
    break;
  }
  stats_.bytes_out += static_cast<int64_t>(written);
  if (transcript_ && written > 0) transcript_->bytes(wire::Direction::from_helper, bytes.substr(0, written));
  return dead_ ? bytes.size() : written;
}

void Output::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stop_) return;
    if (hung_ || queue_.empty() || writing_) {  // writing_: send_now holds the pipe
      cv_.wait(lock);
      continue;
    }
    auto first = queue_.begin();
    if (first->due > Clock::now()) {
      cv_.wait_until(lock, first->due);
      continue;
    }
    Item item = *first;
    queue_.erase(first);
    if (item.join_next) {
      join_ += item.bytes;
      cv_.notify_all();
      continue;
    }
    std::string bytes = std::move(join_) + item.bytes;
    join_.clear();
    writing_ = true;
    lock.unlock();
    write(bytes, true);
    lock.lock();
    writing_ = false;
    cv_.notify_all();
  }
}

}  // namespace cph::fake
