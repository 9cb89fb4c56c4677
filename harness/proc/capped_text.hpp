// Text a child writes without end (its stderr), kept in bounded memory: the
// first `head` bytes and the last `tail` bytes, with the count of those
// dropped between them. Not thread-safe: the owner locks.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace cph::proc {

class CappedText {
 public:
  static constexpr size_t kDefaultHead = 32 << 10;
  static constexpr size_t kDefaultTail = 32 << 10;
  explicit CappedText(size_t head = kDefaultHead, size_t tail = kDefaultTail) : head_cap_(head), tail_cap_(tail) {}

  void append(std::string_view bytes) {
    total_ += bytes.size();
    if (head_.size() < head_cap_) {
      const size_t n = std::min(bytes.size(), head_cap_ - head_.size());
      head_.append(bytes.substr(0, n));
      bytes.remove_prefix(n);
    }
    if (bytes.empty() || tail_cap_ == 0) return;
    if (bytes.size() >= tail_cap_) {
      tail_.assign(bytes.substr(bytes.size() - tail_cap_));
      return;
    }
    tail_.append(bytes);
    if (tail_.size() > 2 * tail_cap_) tail_.erase(0, tail_.size() - tail_cap_);  // amortised: not per append
  }

  // Everything when it fit; else the head, "\n[... N bytes not kept ...]\n", the tail.
  std::string text() const {
    const std::string_view tail =
        tail_.size() > tail_cap_ ? std::string_view(tail_).substr(tail_.size() - tail_cap_) : std::string_view(tail_);
    const uint64_t dropped = total_ - head_.size() - tail.size();
    if (dropped == 0) return head_ + std::string(tail);
    return head_ + "\n[... " + std::to_string(dropped) + " bytes not kept ...]\n" + std::string(tail);
  }
  uint64_t total_bytes() const { return total_; }
  bool empty() const { return total_ == 0; }

 private:
  size_t head_cap_, tail_cap_;
  std::string head_, tail_;
  uint64_t total_ = 0;
};

}  // namespace cph::proc
