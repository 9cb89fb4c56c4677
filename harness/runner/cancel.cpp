#include "runner/cancel.hpp"

namespace cph::runner {

CancelToken::CancelToken(Clock::time_point deadline) : deadline_(deadline) {}

Clock::time_point CancelToken::deadline() const {
  std::lock_guard lock(mu_);
  return deadline_;
}

void CancelToken::extend(Clock::duration d) {
  std::lock_guard lock(mu_);
  if (!cancelled_) deadline_ += d;
}

Clock::duration CancelToken::remaining() const {
  auto now = Clock::now();
  auto deadline = this->deadline();
  return now >= deadline ? Clock::duration::zero() : deadline - now;
}

bool CancelToken::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_ || Clock::now() >= deadline_;
}

bool CancelToken::sleep_for(Clock::duration d) const {
  auto until = Clock::now() + d;
  std::unique_lock lock(mu_);
  auto wake = std::min(until, deadline_);
  cv_.wait_until(lock, wake, [&] { return cancelled_; });
  return !cancelled_ && Clock::now() >= until;
}

void CancelToken::wait() const {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, deadline_, [&] { return cancelled_; });
}

void CancelToken::cancel() {
  std::vector<std::function<void()>> run;
  {
    std::lock_guard lock(mu_);
    if (cancelled_) return;
    cancelled_ = true;
    run.swap(callbacks_);
  }
  cv_.notify_all();
  for (auto& f : run) f();
}

void CancelToken::on_cancel(std::function<void()> f) {
  {
    std::lock_guard lock(mu_);
    if (!cancelled_) {
      callbacks_.push_back(std::move(f));
      return;
    }
  }
  f();
}

}  // namespace cph::runner
