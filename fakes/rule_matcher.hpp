// Decides which rules fire for an event, keeping each rule's `times` budget
// and drawing `probability` from the --seed generator. Used from one thread
// (the reader), so the outcome depends only on the seed and the request order.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "reply.hpp"
#include "script.hpp"

namespace cph::fake {

struct Event {
  bool handshake = false;
  std::string command;
  int64_t request = 0;  // 1-based count of requests so far, this one included
  int64_t nth = 0;      // 1-based count of requests with this command
  std::string action_hex;
  Duration elapsed{};
};

class RuleMatcher {
 public:
  RuleMatcher(const Script& script, uint64_t seed);
  std::vector<Fired> match(const Event& e);
  const std::vector<int64_t>& fired_counts() const { return fired_; }

 private:
  static bool matches(const When& w, const Event& e);
  const Script& script_;
  std::mt19937_64 rng_;
  std::vector<int64_t> fired_;
};

}  // namespace cph::fake
