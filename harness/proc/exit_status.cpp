#include "proc/exit_status.hpp"

#include <sys/wait.h>

#include <array>

namespace cph::proc {

std::string signal_name(int sig) {
  // Go's table for linux (syscall/zerrors_linux_amd64.go).
  static const std::array<const char*, 32> names = {
      nullptr,
      "hangup",
      "interrupt",
      "quit",
      "illegal instruction",
      "trace/breakpoint trap",
      "aborted",
      "bus error",
      "floating point exception",
      "killed",
      "user defined signal 1",
      "segmentation fault",
      "user defined signal 2",
      "broken pipe",
      "alarm clock",
      "terminated",
      "stack fault",
      "child exited",
      "continued",
      "stopped (signal)",
      "stopped",
      "stopped (tty input)",
      "stopped (tty output)",
      "urgent I/O condition",
      "CPU time limit exceeded",
      "file size limit exceeded",
      "virtual timer expired",
      "profiling timer expired",
      "window changed",
      "I/O possible",
      "power failure",
      "bad system call",
  };
  if (sig >= 0 && sig < static_cast<int>(names.size()) && names[sig] != nullptr) return names[sig];
  return "signal " + std::to_string(sig);
}

bool ExitStatus::exited() const { return WIFEXITED(raw); }
int ExitStatus::exit_code() const { return exited() ? WEXITSTATUS(raw) : -1; }
bool ExitStatus::signaled() const { return WIFSIGNALED(raw); }
int ExitStatus::signal() const { return signaled() ? WTERMSIG(raw) : 0; }

std::string ExitStatus::describe() const {
  std::string res;
  if (exited()) {
    res = "exit status " + std::to_string(exit_code());
  } else if (signaled()) {
    res = "signal: " + signal_name(signal());
  } else if (WIFSTOPPED(raw)) {
    res = "stop signal: " + signal_name(WSTOPSIG(raw));
  } else if (WIFCONTINUED(raw)) {
    res = "continued";
  }
  if (signaled() && WCOREDUMP(raw)) res += " (core dumped)";
  return res;
}

}  // namespace cph::proc
