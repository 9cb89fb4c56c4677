// Whether a child's end was a crash, whatever its exit status: death by a
// signal, or an exit right after a crash report on stderr (a Go runtime
// panic or `fatal error:` with its goroutine dump, exit status 2; a
// sanitizer report; a Rust panic, a Python traceback, an uncaught C++
// exception). An exit with a plain message is no crash: that is how a
// helper may refuse hostile input.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "proc/exit_status.hpp"

namespace cph::proc {

// "" when no crash; else what happened, with the stderr excerpt that shows
// it: "a Go runtime panic (exit status 2): panic: runtime error: index out of
// range [0] with length 0 | goroutine 1 [running]: | ...".
std::string crash_report(const std::optional<ExitStatus>& status, std::string_view stderr_text);

// The crash report's first line on stderr and what kind it is ("a Go runtime
// panic", "an AddressSanitizer report", ...), or nullopt.
struct CrashMarker {
  std::string kind;
  size_t offset = 0;  // where its line starts in the stderr text
};
std::optional<CrashMarker> find_crash_marker(std::string_view stderr_text);

}  // namespace cph::proc
