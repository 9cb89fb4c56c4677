// SHA-256 of a put body that moves to a second thread once the body is large.
// The fake checks every body against its OutputID, and SHA-256 (about
// 1.4 GB/s here) costs as much as reading, decoding and writing the body
// together: on the reading thread it held a 1 GiB put on raw pipes to
// 0.65 GB/s; hashed beside it, 1.1 GB/s. Past the first 4 MiB the bytes are
// copied into 1 MiB blocks and hashed on a thread of their own while the
// reading thread decodes and writes the next. Small bodies are hashed
// inline: no thread for them.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "wire/sha256.hpp"

namespace cph::fake {

class OffloadedSha256 {
 public:
  OffloadedSha256() = default;
  ~OffloadedSha256();  // stops and joins the thread, if one started
  OffloadedSha256(const OffloadedSha256&) = delete;
  OffloadedSha256& operator=(const OffloadedSha256&) = delete;

  void update(std::string_view bytes);
  // 32 bytes. Call once, after the last update; the caller of update and of
  // digest may differ if something orders them (the fake's job hand-off does).
  std::string digest();

  static constexpr size_t kInlineBytes = size_t{4} << 20;  // hashed inline, before any thread
  static constexpr size_t kBlock = size_t{1} << 20;        // handed to the thread at a time

 private:
  void hand_off();  // passes `filling_` to the thread once it has finished the previous block
  void run();

  wire::Sha256 hash_;  // the caller's until the thread starts, then the thread's until it is joined
  size_t inline_bytes_ = 0;
  std::string filling_;  // the caller's
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string handed_;  // the thread's while has_block_, else the caller's (swapped under mu_)
  bool has_block_ = false;
  bool stop_ = false;
};

}  // namespace cph::fake
