// A child process on real pipes, started with Boost.Process v1 in its own
// process group (setpgid(0,0) before exec), with stdin/stdout/stderr exposed
// as raw non-blocking descriptors. The Child owns the process: its destructor
// closes stdin, allows a short grace period, SIGKILLs the whole group and
// reaps the leader, so no process, zombie or descriptor outlives it; when
// this process is a subreaper it then kills what the child left in other
// sessions (proc/descendants.hpp).
//
// Threads: reads of stdout and of stderr may run on their own threads, and
// writes to stdin on a third; close_stdin() may race with nothing but a write
// (callers serialise those). Closing a descriptor that another thread is
// polling is the caller's bug: stop readers first (see fd_io.hpp Interrupt).
#pragma once
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proc/exit_status.hpp"
#include "proc/fd_io.hpp"

namespace cph::proc {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is resolved like Go's exec.Command
  std::string dir;                // working directory; empty: inherit
  // Extra "KEY=VALUE" entries on top of this process's environment.
  std::vector<std::string> env_extra;
  // When false, the child's stderr is this process's stderr (not a pipe).
  bool pipe_stderr = true;
  // Destructor: how long to wait for an exit after closing stdin.
  std::chrono::milliseconds grace{200};
  // Destructor: when this process is a subreaper, kill what the child left
  // behind in other sessions or groups (proc/descendants.hpp). Off only for
  // a helper known to start no process (cph-fake), to save the /proc scan.
  bool sweep_descendants = true;
  // Storage faults: the child starts with SIGXFSZ ignored, so a write past
  // RLIMIT_FSIZE fails with EFBIG instead of killing it (an ignored signal
  // stays ignored across exec; Go programs keep it so too), and optionally
  // with that limit already set (bytes; a file may not grow past it).
  bool ignore_sigxfsz = false;
  std::optional<uint64_t> file_size_limit;
};

class Child {
 public:
  // Starts the process. On failure returns nullptr and sets `error` to Go's
  // text: `exec: "foo": executable file not found in $PATH`,
  // `fork/exec /x/y: no such file or directory`, `exec: no command`.
  static std::unique_ptr<Child> spawn(const SpawnOptions& opts, std::string& error);

  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& path() const { return path_; }  // what was executed

  int stdin_fd() const { return stdin_fd_.load(); }  // -1 once closed
  int stdout_fd() const { return stdout_fd_.load(); }
  int stderr_fd() const { return stderr_fd_.load(); }  // -1 unless pipe_stderr

  IoResult write_stdin(std::string_view data, Deadline deadline, const Interrupt* stop = nullptr);
  IoResult read_stdout(char* buf, size_t cap, Deadline deadline, const Interrupt* stop = nullptr,
                       bool wait_first = false);
  IoResult read_stderr(char* buf, size_t cap, Deadline deadline, const Interrupt* stop = nullptr);
  void close_stdin();
  void close_stdout();
  void close_stderr();

  // Waits for the process to exit, until the deadline. On exit, any process
  // left in its group is killed and the leader reaped; the status is kept.
  std::optional<ExitStatus> wait_until(Deadline deadline);
  std::optional<ExitStatus> try_wait() { return wait_until(Clock::now()); }
  std::optional<ExitStatus> status() const;  // once reaped
  bool exited() const { return status().has_value(); }

  // Sets the child's soft RLIMIT_FSIZE (nullopt: back to its hard limit) while
  // it runs, with prlimit(2). False, with errno's text in `error`, on failure.
  bool set_file_size_limit(std::optional<uint64_t> bytes, std::string& error);

  // Sends `sig` to the child's process group (no-op once reaped).
  void kill_group(int sig);
  // Kill the group with SIGKILL and reap: the end, whatever the child does.
  ExitStatus terminate();

  // Peak resident set size in KiB: the largest VmHWM sampled while the
  // process was alive, or ru_maxrss from wait4 after reaping, whichever is
  // larger. 0 if never measured.
  int64_t peak_rss_kib() const { return peak_rss_kib_.load(); }
  void sample_rss();

 private:
  Child() = default;
  bool reap_if_exited(bool block);

  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::string path_;
  std::string tag_;  // CPH_HELPER_TAG
  bool sweep_ = true;
  std::chrono::milliseconds grace_{200};
  std::atomic<int> stdin_fd_{-1};
  std::atomic<int> stdout_fd_{-1};
  std::atomic<int> stderr_fd_{-1};
  std::atomic<int64_t> peak_rss_kib_{0};
  mutable std::mutex mu_;  // guards the reap and status_
  std::optional<ExitStatus> status_;
};

}  // namespace cph::proc
