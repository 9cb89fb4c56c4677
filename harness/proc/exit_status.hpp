// A reaped child's wait status, described as Go's os.ProcessState.String()
// describes it: "exit status 3", "signal: killed",
// "signal: segmentation fault (core dumped)".
#pragma once
#include <string>

namespace cph::proc {

struct ExitStatus {
  int raw = 0;  // the status word from wait4()
  bool exited() const;
  int exit_code() const;  // -1 unless exited()
  bool signaled() const;
  int signal() const;  // 0 unless signaled()
  bool success() const { return exited() && exit_code() == 0; }
  std::string describe() const;
};

// Go's syscall.Signal.String() on Linux: "killed", "terminated", "signal 40".
std::string signal_name(int sig);

}  // namespace cph::proc
