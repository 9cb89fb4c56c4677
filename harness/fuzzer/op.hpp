// One operation of a fuzz session, as a small value. A trace is a list of
// these; everything an operation sends is a pure function of the operation
// and the trace seed (bodies come from `body_seed`, never stored as bytes),
// so a trace replays to the same bytes on any machine.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cph::fuzzer {

enum class OpKind {
  put,       // put key <- body(body_seed, size)
  get,       // get key
  close,     // close request, stdin closed, the helper must exit; the next op restarts it on the same dir
  kill_put,  // start a put of body(body_seed, size), SIGKILL the helper halfway through the body
  hostile,   // malformed bytes (hostile.hpp), then a probe get: the helper must survive or exit cleanly
  // The helper's writes fail (RLIMIT_FSIZE 0; it runs with SIGXFSZ ignored)
  // for a put of key <- body and a get of it, then work again: both must be
  // answered (an Err is fine), and nothing broken served, then or later.
  storage_fault,
};
const char* op_kind_name(OpKind k);  // "put", "get", "close", "kill-put", "hostile", "storage-fault"
std::optional<OpKind> parse_op_kind(std::string_view s);

struct Op {
  OpKind kind = OpKind::get;
  int64_t key = 0;         // put/get/kill_put/storage_fault: which ActionID (action_id(seed, key))
  int64_t size = 0;        // put/kill_put/storage_fault: body size in bytes
  uint64_t body_seed = 0;  // put/kill_put/storage_fault: the body's bytes (session/pattern_body.hpp)
  // put/get: sent without waiting; its reply is awaited at the next op that
  // is not async (a concurrency burst is a run of async ops).
  bool async = false;
  std::string hostile;  // hostile: the kind of malformed input (hostile.hpp)
  bool operator==(const Op&) const = default;
};

// The 32-byte ActionID of `key` in a trace with seed `seed`.
std::string action_id(uint64_t seed, int64_t key);

// One line for people: "put k3 17B async", "hostile trailing-comma".
std::string describe(const Op& op);

}  // namespace cph::fuzzer
