#include "worker_pool.hpp"

namespace cph::fake {

WorkerPool::WorkerPool(int threads) : size_(threads) {}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
    // Started by the first task: a run whose requests are all answered inline
    // (gets with no script) starts no thread.
    if (threads_.empty())
      for (int i = 0; i < size_; ++i) threads_.emplace_back([this] { run(); });
  }
  cv_.notify_one();
}

void WorkerPool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace cph::fake
