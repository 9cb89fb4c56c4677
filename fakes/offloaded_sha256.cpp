#include "offloaded_sha256.hpp"

#include <utility>

namespace cph::fake {

OffloadedSha256::~OffloadedSha256() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void OffloadedSha256::update(std::string_view bytes) {
  if (!thread_.joinable()) {
    const std::string_view now = bytes.substr(0, kInlineBytes - inline_bytes_);
    hash_.update(now);
    inline_bytes_ += now.size();
    bytes.remove_prefix(now.size());
    if (bytes.empty()) return;
    filling_.reserve(kBlock + kBlock / 2);
    thread_ = std::thread([this] { run(); });  // hash_ is the thread's from here on
  }
  filling_.append(bytes);
  if (filling_.size() >= kBlock) hand_off();
}

void OffloadedSha256::hand_off() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !has_block_; });
  std::swap(filling_, handed_);
  has_block_ = true;
  lock.unlock();
  cv_.notify_all();
  filling_.clear();
}

void OffloadedSha256::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return has_block_ || stop_; });
    if (!has_block_) return;  // stopped, and every block is hashed
    lock.unlock();
    hash_.update(handed_);
    lock.lock();
    has_block_ = false;
    cv_.notify_all();
  }
}

std::string OffloadedSha256::digest() {
  if (thread_.joinable()) {
    if (!filling_.empty()) hand_off();
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();  // the thread hashes a block it holds before it sees stop_
  }
  return hash_.digest();
}

}  // namespace cph::fake
