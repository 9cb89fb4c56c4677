#include "client/context.hpp"

#include <map>
#include <mutex>
#include <vector>

namespace cph::client {

struct Context::State {
  std::mutex mu;
  bool cancelled = false;
  Clock::time_point deadline = Clock::time_point::max();
  uint64_t next_handle = 1;
  std::map<uint64_t, std::function<void()>> wakers;
};

Context Context::never() { return Context(nullptr); }

Context Context::background() { return Context(std::make_shared<State>()); }

Context Context::with_deadline(Clock::time_point deadline) {
  auto s = std::make_shared<State>();
  s->deadline = deadline;
  return Context(s);
}

Context Context::cancelled() {
  Context c = background();
  c.cancel();
  return c;
}

void Context::cancel() const {
  if (!state_) return;
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->cancelled) return;
    state_->cancelled = true;
    for (auto& [h, f] : state_->wakers) wake.push_back(f);
  }
  for (auto& f : wake) f();
}

std::string Context::err() const {
  if (!state_) return "";
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->cancelled) return "context canceled";
  if (Clock::now() >= state_->deadline) return "context deadline exceeded";
  return "";
}

Clock::time_point Context::deadline() const {
  if (!state_) return Clock::time_point::max();
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->deadline;
}

uint64_t Context::add_waker(std::function<void()> wake) const {
  if (!state_) return 0;
  std::unique_lock<std::mutex> lock(state_->mu);
  const uint64_t h = state_->next_handle++;
  if (state_->cancelled) {
    lock.unlock();
    wake();
    return h;
  }
  state_->wakers.emplace(h, std::move(wake));
  return h;
}

void Context::remove_waker(uint64_t handle) const {
  if (!state_) return;
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->wakers.erase(handle);
}

}  // namespace cph::client
