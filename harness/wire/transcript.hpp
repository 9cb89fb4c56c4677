// A transcript: a JSON Lines record of every byte each side wrote, with
// timestamps and direction, plus events (a fault rule fired, a process
// exited). Readable by people and by `cph replay`.
//
// One record per line:
//   {"t":0.001234,"dir":"to-helper","data":"{\"ID\":1,...}\n"}
//   {"t":0.002000,"dir":"from-helper","b64":"..."}      (bytes that are not UTF-8)
//   {"t":0.003000,"dir":"helper-stderr","data":"..."}
//   {"t":0.004000,"dir":"event","event":"rule-fired","detail":{...}}
// `t` is seconds since the transcript started.
//
// Memory is bounded (a helper may write without end): the records kept in
// memory are the first half of memory_limit() bytes and the last half; the
// ones between are dropped and counted, and records() shows them as one
// "transcript-truncated" event. A file transcript gets every record.
#pragma once
#include <chrono>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cph::wire {

enum class Direction { to_helper, from_helper, helper_stderr, event };
const char* direction_name(Direction d);

struct TranscriptRecord {
  double t = 0;
  Direction dir = Direction::event;
  std::string data;       // raw bytes (for event: the event name)
  nlohmann::json detail;  // events only
};

// Thread-safe. Keeps records in memory (for reports) and, when given a path,
// streams them to that file as they happen.
class Transcript {
 public:
  Transcript();
  explicit Transcript(const std::string& path);  // throws std::runtime_error if it cannot open
  ~Transcript();
  static constexpr size_t kDefaultMemoryLimit = 1 << 20;
  void set_memory_limit(size_t bytes);
  size_t memory_limit() const;

  void bytes(Direction dir, std::string_view data);
  void event(std::string_view name, nlohmann::json detail = {});
  // The records kept in memory, with one "transcript-truncated" event
  // (detail: records and bytes dropped) where some were dropped.
  std::vector<TranscriptRecord> records() const;
  // The last `max_records` records as readable text, for failure messages.
  std::string tail_text(size_t max_records = 20) const;

  static nlohmann::json to_json(const TranscriptRecord& r);
  // Parses JSON Lines; throws std::runtime_error naming line:col on bad input.
  static std::vector<TranscriptRecord> parse(std::string_view jsonl, const std::string& name = "<transcript>");

 private:
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point start_;
  void keep_locked(TranscriptRecord r);
  std::vector<TranscriptRecord> records_locked() const;

  size_t limit_ = kDefaultMemoryLimit;
  std::vector<TranscriptRecord> records_;  // the head: up to limit_ / 2 bytes
  size_t head_bytes_ = 0;
  std::deque<TranscriptRecord> tail_;  // the latest, up to limit_ / 2 bytes
  size_t tail_bytes_ = 0;
  bool head_full_ = false;
  uint64_t dropped_records_ = 0;
  uint64_t dropped_bytes_ = 0;
  double first_dropped_t_ = 0;
  std::FILE* file_ = nullptr;
};

}  // namespace cph::wire
