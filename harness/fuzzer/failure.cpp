#include "fuzzer/failure.hpp"

namespace cph::fuzzer {

const char* failure_class_name(FailureClass c) {
  switch (c) {
    case FailureClass::crash: return "crash";
    case FailureClass::hang: return "hang";
    case FailureClass::protocol: return "protocol";
    case FailureClass::corruption: return "corruption";
    case FailureClass::after_close: return "after-close";
  }
  return "?";
}

std::optional<FailureClass> parse_failure_class(std::string_view s) {
  for (FailureClass c : {FailureClass::crash, FailureClass::hang, FailureClass::protocol, FailureClass::corruption,
                         FailureClass::after_close}) {
    if (s == failure_class_name(c)) return c;
  }
  return std::nullopt;
}

std::string describe(const Failure& f) {
  std::string s = std::string(failure_class_name(f.cls)) + " at op " + std::to_string(f.op_index);
  if (f.request_id != 0) s += " (ID " + std::to_string(f.request_id) + ")";
  return s + ": " + f.message;
}

}  // namespace cph::fuzzer
