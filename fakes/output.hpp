// The fake's stdout: one writer at a time, so writes never interleave. Replies
// are queued with a due time (for delays), held in groups (for "hold"), and
// written by the writer thread as soon as they are due. A reply due now is
// written by its caller instead (send_now) when nothing is ahead of it: no
// thread handoff, and the writer thread starts only when something is queued.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "reply.hpp"
#include "stats.hpp"
#include "wire/transcript.hpp"

namespace cph::fake {

class Output {
 public:
  using Clock = std::chrono::steady_clock;
  Output(int fd, wire::Transcript* transcript, Stats& stats, uint64_t seed);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void schedule(const ReplyPlan& plan);  // a plain reply (no delay, hold, copies, join) goes to send_now
  // Writes `bytes` now if nothing is queued or being written and the pipe
  // takes them without blocking; what it does not take is queued first in
  // line. The caller never blocks on a client that stops reading.
  void send_now(std::string_view bytes);
  void release_holds();  // write every held reply now, in its hold order
  void drain();          // returns when everything queued has been written
  void close_stdout();   // later writes are discarded
  void hang();           // never write again

 private:
  struct Item {
    Clock::time_point due;
    uint64_t seq = 0;
    uint64_t arrival = 0;  // ReplyPlan::arrival
    std::string bytes;
    bool join_next = false;
    bool operator<(const Item& o) const { return due != o.due ? due < o.due : seq < o.seq; }
  };
  void push(Item item);                                     // mu_ held
  void release(std::vector<Item>& group, HoldOrder order);  // mu_ held
  void run();
  // Returns the bytes consumed (written, or discarded once stdout is closed
  // or dead); without `block`, stops where a non-blocking pipe is full.
  size_t write(std::string_view bytes, bool block);

  int fd_;
  bool nonblocking_ = false;  // fd_ is a pipe we made non-blocking (send_now can try it)
  wire::Transcript* transcript_;
  Stats& stats_;
  std::mt19937_64 rng_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::multiset<Item> queue_;
  std::map<size_t, std::vector<Item>> held_;
  std::map<size_t, Hold> hold_spec_;
  uint64_t seq_ = 0;
  bool writing_ = false, stop_ = false, hung_ = false;
  int drainers_ = 0;     // threads in drain()
  std::string join_;     // a "joined" reply waiting for the next one
  std::mutex write_mu_;  // guards fd_ against close_stdout
  bool dead_ = false;
  std::thread thread_;
};

}  // namespace cph::fake
