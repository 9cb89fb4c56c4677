// Counters for --stats: requests by command, hits, misses, bytes, rules fired.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cph::fake {

class Stats {
 public:
  void request(std::string_view command);
  std::atomic<int64_t> hits{0}, misses{0}, puts_stored{0}, put_errors{0};
  std::atomic<int64_t> bytes_in{0}, bytes_out{0};       // on stdin and stdout
  std::atomic<int64_t> body_bytes_in{0}, hit_bytes{0};  // put bodies stored, object bytes served by hits
  // {"requests":{"get":3,...},"hits":..,"misses":..,...,"rules_fired":[n0,n1,...]}
  nlohmann::json to_json(const std::vector<int64_t>& rules_fired) const;

 private:
  // The commands go sends, counted without a lock (once per request); any other by name.
  std::atomic<int64_t> gets_{0}, puts_{0}, closes_{0};
  mutable std::mutex mu_;
  std::map<std::string, int64_t, std::less<>> other_requests_;
};

}  // namespace cph::fake
