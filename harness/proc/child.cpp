#include "proc/child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/start_dir.hpp>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "proc/descendants.hpp"
#include "proc/exit_cleanup.hpp"
#include "proc/look_path.hpp"

namespace bp = boost::process;

namespace cph::proc {

namespace {

// Runs in the forked child just before exec: own process group, the pipe
// ends as fds 0-2, and default signal state (the harness ignores SIGPIPE; a
// helper must not inherit that). Only async-signal-safe calls here.
struct ChildSetup : bp::extend::handler {
  int in = -1, out = -1, err = -1;
  bool ignore_sigxfsz = false;
  std::optional<uint64_t> file_size_limit;
  static void install(int from, int to) {
    if (from < 0) return;
    if (from == to) {
      ::fcntl(to, F_SETFD, 0);  // dup2 onto itself would keep FD_CLOEXEC
    } else {
      ::dup2(from, to);
    }
  }
  // Boost does not reap a child whose exec failed; remember it so we can.
  pid_t* failed_pid = nullptr;
  template <class Executor>
  void on_error(Executor& exec, const std::error_code&) const {
    if (failed_pid && exec.pid > 0) *failed_pid = exec.pid;
  }
  template <class Executor>
  void on_exec_setup(Executor&) const {
    ::setpgid(0, 0);
    install(in, 0);
    install(out, 1);
    install(err, 2);
    ::signal(SIGPIPE, SIG_DFL);
    if (ignore_sigxfsz) ::signal(SIGXFSZ, SIG_IGN);
    if (file_size_limit) {
      struct rlimit lim {};
      if (::getrlimit(RLIMIT_FSIZE, &lim) == 0) {
        lim.rlim_cur = std::min<rlim_t>(static_cast<rlim_t>(*file_size_limit), lim.rlim_max);
        ::setrlimit(RLIMIT_FSIZE, &lim);
      }
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
  }
};

void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

struct PipeFds {
  int r = -1, w = -1;
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    r = fds[0];
    w = fds[1];
    return true;
  }
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ~PipeFds() {
    close_fd(r);
    close_fd(w);
  }
};

void close_atomic(std::atomic<int>& fd) {
  const int old = fd.exchange(-1);
  if (old >= 0) ::close(old);
}

int64_t read_vm_hwm_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

void raise_to(std::atomic<int64_t>& peak, int64_t v) {
  int64_t cur = peak.load();
  while (v > cur && !peak.compare_exchange_weak(cur, v)) {
  }
}

}  // namespace

std::unique_ptr<Child> Child::spawn(const SpawnOptions& opts, std::string& error) {
  ignore_sigpipe_once();
  const char* path_env = std::getenv("PATH");
  const LookPathResult lp = look_path(opts.argv.empty() ? std::string() : opts.argv[0], path_env ? path_env : "");
  if (!lp.ok()) {
    error = lp.error;
    return nullptr;
  }
  PipeFds in, out, err;
  if (!in.open() || !out.open() || (opts.pipe_stderr && !err.open())) {
    error = "pipe: " + errno_text(errno);
    return nullptr;
  }
  ChildSetup setup;
  setup.in = in.r;
  setup.out = out.w;
  setup.err = opts.pipe_stderr ? err.w : -1;
  setup.ignore_sigxfsz = opts.ignore_sigxfsz;
  setup.file_size_limit = opts.file_size_limit;

  std::vector<std::string> args(opts.argv.begin() + 1, opts.argv.end());
  // set(), not operator[]: Boost 1.74's find() compares the key against
  // each entry with memcmp past the end of shorter entries (ASan reports it).
  bp::environment env = boost::this_process::environment();
  for (const std::string& kv : opts.env_extra) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    env.set(kv.substr(0, eq), kv.substr(eq + 1));
  }
  // Inherited by whatever the child starts: how its leftovers are found.
  const std::string tag = next_helper_tag();
  env.set(kHelperTagVariable, tag);

  pid_t failed_pid = -1;
  setup.failed_pid = &failed_pid;
  std::error_code ec;
  bp::child c;
  {
    // One spawn at a time: Boost.Process v1 opens its exec-error pipe without
    // O_CLOEXEC for a moment, and a fork on another thread in that window
    // would leak it into an unrelated child and stall this spawn. The same
    // lock keeps cph's exit clean-up from missing a child (exit_cleanup.hpp).
    auto lock = lock_for_spawn();
    if (opts.dir.empty()) {
      c = bp::child(bp::exe = lp.path, bp::args = args, env, setup, ec);
    } else {
      c = bp::child(bp::exe = lp.path, bp::args = args, env, bp::start_dir = opts.dir, setup, ec);
    }
    if (!ec && c.valid()) track_group_locked(c.id());
  }
  if (failed_pid > 0) {
    while (::waitpid(failed_pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (ec || !c.valid()) {
    error = "fork/exec " + lp.path + ": " + errno_text(ec ? ec.value() : EINVAL);
    return nullptr;
  }
  // We reap it ourselves (wait4 with rusage); Boost must not touch the pid.
  c.detach();

  auto child = std::unique_ptr<Child>(new Child());
  child->pid_ = c.id();
  child->path_ = lp.path;
  child->grace_ = opts.grace;
  child->tag_ = tag;
  child->sweep_ = opts.sweep_descendants;
  child->pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, child->pid_, 0));
  set_nonblocking(in.w);
  set_nonblocking(out.r);
  child->stdin_fd_ = std::exchange(in.w, -1);
  child->stdout_fd_ = std::exchange(out.r, -1);
  if (opts.pipe_stderr) {
    set_nonblocking(err.r);
    child->stderr_fd_ = std::exchange(err.r, -1);
  }
  child->sample_rss();
  return child;  // PipeFds close the child's ends here
}

Child::~Child() {
  close_stdin();
  if (!wait_until(deadline_in(grace_))) terminate();
  if (sweep_ && is_subreaper()) kill_tagged_children(tag_, deadline_in(std::chrono::seconds(2)));
  close_stdout();
  close_stderr();
  if (pidfd_ >= 0) ::close(pidfd_);
}

bool Child::set_file_size_limit(std::optional<uint64_t> bytes, std::string& error) {
  struct rlimit lim {};
  if (::prlimit(pid_, RLIMIT_FSIZE, nullptr, &lim) != 0) {
    error = "prlimit: " + errno_text(errno);
    return false;
  }
  lim.rlim_cur = bytes ? std::min<rlim_t>(static_cast<rlim_t>(*bytes), lim.rlim_max) : lim.rlim_max;
  if (::prlimit(pid_, RLIMIT_FSIZE, &lim, nullptr) != 0) {
    error = "prlimit: " + errno_text(errno);
    return false;
  }
  return true;
}

IoResult Child::write_stdin(std::string_view data, Deadline deadline, const Interrupt* stop) {
  const int fd = stdin_fd_.load();
  if (fd < 0) return IoResult{IoStatus::error, 0, EBADF};
  return write_all(fd, data, deadline, stop);
}

IoResult Child::read_stdout(char* buf, size_t cap, Deadline deadline, const Interrupt* stop, bool wait_first) {
  const int fd = stdout_fd_.load();
  if (fd < 0) return IoResult{IoStatus::error, 0, EBADF};
  return read_some(fd, buf, cap, deadline, stop, wait_first);
}

IoResult Child::read_stderr(char* buf, size_t cap, Deadline deadline, const Interrupt* stop) {
  const int fd = stderr_fd_.load();
  if (fd < 0) return IoResult{IoStatus::error, 0, EBADF};
  return read_some(fd, buf, cap, deadline, stop);
}

void Child::close_stdin() { close_atomic(stdin_fd_); }
void Child::close_stdout() { close_atomic(stdout_fd_); }
void Child::close_stderr() { close_atomic(stderr_fd_); }

bool Child::reap_if_exited(bool block) {
  std::lock_guard<std::mutex> lock(mu_);
  if (status_) return true;
  if (!block) {
    siginfo_t info{};
    // WNOWAIT: look without reaping, so the group can still be killed safely.
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
    if (info.si_pid == 0) return false;
  }
  // The leader is dead (or being killed); strays in its group go with it.
  ::kill(-pid_, SIGKILL);
  untrack_group(pid_);  // while the zombie keeps the pid from being reused
  int raw = 0;
  rusage ru{};
  pid_t r;
  do {
    r = ::wait4(pid_, &raw, 0, &ru);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    raise_to(peak_rss_kib_, ru.ru_maxrss);
  } else {
    raw = 0;  // not our child any more (cannot happen unless someone else reaped it)
  }
  status_ = ExitStatus{raw};
  return true;
}

std::optional<ExitStatus> Child::wait_until(Deadline deadline) {
  while (true) {
    if (reap_if_exited(false)) return status();
    sample_rss();
    const auto now = Clock::now();
    if (now >= deadline) return std::nullopt;
    // Sleep on the pidfd in slices, sampling memory between them.
    auto slice = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    slice = std::min(slice, std::chrono::milliseconds(pidfd_ >= 0 ? 100 : 5));
    if (pidfd_ >= 0) {
      pollfd p{pidfd_, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(slice.count()));
    } else {
      std::this_thread::sleep_for(slice);
    }
  }
}

std::optional<ExitStatus> Child::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void Child::kill_group(int sig) {
  std::lock_guard<std::mutex> lock(mu_);
  if (status_) return;  // the pid may belong to someone else now
  ::kill(-pid_, sig);
  ::kill(pid_, sig);  // in case it is no longer in its own group
}

ExitStatus Child::terminate() {
  kill_group(SIGKILL);
  reap_if_exited(true);
  return *status();
}

void Child::sample_rss() {
  std::lock_guard<std::mutex> lock(mu_);
  if (status_) return;
  raise_to(peak_rss_kib_, read_vm_hwm_kib(pid_));
}

}  // namespace cph::proc
