// A fuzz trace on disk: the seed, the helper command, the operations and (for
// a finding) the failure they led to. One JSON object, versioned, one
// operation per line so that traces diff well (docs/fuzzer.md):
//
//   {"format": "cph-fuzz-trace", "version": 1, "seed": "00000000000004d2",
//    "helper": ["cph-fake", "--dir", "{dir}"],
//    "failure": {"class": "hang", "op": 3, "request_id": 4, "message": "..."},
//    "ops": [
//     {"op": "put", "key": 0, "size": 17, "body_seed": "9e3779b97f4a7c15"},
//     {"op": "get", "key": 0, "async": true}
//    ]}
//
// Seeds are 16 hex digits (a JSON number cannot hold every uint64 for every reader).
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzzer/failure.hpp"
#include "fuzzer/op.hpp"

namespace cph::fuzzer {

inline constexpr int kTraceVersion = 1;

struct Trace {
  uint64_t seed = 0;                // ActionIDs and {seed} derive from it
  std::vector<std::string> helper;  // argv as given: "{dir}" and "{seed}" not yet expanded
  std::vector<Op> ops;
  std::optional<Failure> failure;
  bool operator==(const Trace&) const = default;
};

// A trace file that cannot be read: the message names the place
// ("t.json:3:14: ..." or "t.json: ops[2].size: want a non-negative integer").
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string render_trace(const Trace& t);
Trace parse_trace(std::string_view text, const std::string& name);  // throws TraceError
void save_trace(const std::string& path, const Trace& t);           // throws TraceError
Trace load_trace(const std::string& path);                          // throws TraceError

std::string seed_hex(uint64_t seed);  // 16 lowercase hex digits

}  // namespace cph::fuzzer
