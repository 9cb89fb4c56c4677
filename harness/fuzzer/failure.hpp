// What the fuzzer finds: the first failure of a trace, classified. The class
// is what replay and minimisation compare ("the same failure" = the same
// class), the rest explains it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cph::fuzzer {

enum class FailureClass {
  crash,        // died by a signal, or exited (or closed stdout) without being asked to close
  hang,         // no reply, handshake or exit by the deadline; stopped reading its stdin
  protocol,     // unknown or duplicate reply ID, stdout that is not JSON, no DiskPath on a hit or put
  corruption,   // a hit (or a put's DiskPath) whose content, size or OutputID disagrees with the model
  after_close,  // after the close request: no exit, a crash, stray output
};
const char* failure_class_name(FailureClass c);  // "crash", "hang", "protocol", "corruption", "after-close"
std::optional<FailureClass> parse_failure_class(std::string_view s);

struct Failure {
  FailureClass cls = FailureClass::crash;
  size_t op_index = 0;     // index into the trace's ops; ops.size() is the final close
  int64_t request_id = 0;  // the request concerned, 0 when none (handshake, exit)
  std::string message;     // "no reply to ID 12 within 1 s"
  bool operator==(const Failure&) const = default;
};

// "corruption at op 12 (ID 40): ..."
std::string describe(const Failure& f);

}  // namespace cph::fuzzer
