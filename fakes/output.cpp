#include "output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace cph::fake {

Output::Output(int fd, wire::Transcript* transcript, Stats& stats, uint64_t seed)
    : fd_(fd), transcript_(transcript), stats_(stats), rng_(seed), thread_([this] { run(); }) {}

Output::~Output() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Output::push(Item item) {
  item.seq = seq_++;
  queue_.insert(std::move(item));
  cv_.notify_all();
}

void Output::schedule(const ReplyPlan& plan) {
  if (plan.drop) return;
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
  cv_.wait(lock, [&] { return (queue_.empty() && !writing_) || hung_; });
  if (!join_.empty() && !hung_) {
    std::string last = std::move(join_) + "\n";  // nothing followed: end its line
    join_.clear();
    lock.unlock();
    write(last);
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

void Output::write(const std::string& bytes) {
  std::lock_guard lock(write_mu_);
  if (fd_ < 0 || dead_) return;
  std::string_view rest = bytes;
  while (!rest.empty()) {
    ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      dead_ = true;  // the reader went away (EPIPE): keep running, write nothing more
      break;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  size_t written = bytes.size() - rest.size();
  stats_.bytes_out += static_cast<int64_t>(written);
  if (transcript_ && written > 0) transcript_->bytes(wire::Direction::from_helper, std::string_view(bytes).substr(0, written));
}

void Output::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stop_) return;
    if (hung_ || queue_.empty()) {
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
    write(bytes);
    lock.lock();
    writing_ = false;
    cv_.notify_all();
  }
}

}  // namespace cph::fake
