#include "proc/descendants.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <vector>

namespace cph::proc {

namespace {

std::atomic<bool> g_subreaper{false};

// The whole small file (at most `cap` bytes); empty when it cannot be read.
std::string read_small(const std::string& path, size_t cap) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out;
  char buf[4096];
  while (out.size() < cap) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// The parent pid from /proc/PID/stat ("pid (comm) S ppid ..."; comm may hold ')').
pid_t parent_of(const std::string& pid) {
  const std::string stat = read_small("/proc/" + pid + "/stat", 1024);
  const size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 4 >= stat.size()) return -1;
  return static_cast<pid_t>(std::strtol(stat.c_str() + close + 4, nullptr, 10));
}

bool carries_tag(const std::string& pid, std::string_view tag) {
  if (tag.empty()) return true;
  const std::string env = '\0' + read_small("/proc/" + pid + "/environ", 1 << 20) + '\0';
  const std::string want = std::string(1, '\0') + kHelperTagVariable + "=" + std::string(tag) + '\0';
  return env.find(want) != std::string::npos;
}

std::vector<pid_t> tagged_children(std::string_view tag) {
  std::vector<pid_t> out;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return out;
  const pid_t self = ::getpid();
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    const std::string pid = e->d_name;
    if (parent_of(pid) != self) continue;
    if (carries_tag(pid, tag)) out.push_back(static_cast<pid_t>(std::atol(pid.c_str())));
  }
  ::closedir(d);
  return out;
}

// Waits for our SIGKILLed child `p` to die (on its pidfd, until the
// deadline: a process in uninterruptible sleep dies late) and reaps it.
bool reap_by(pid_t p, Deadline deadline) {
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, p, 0));
  while (true) {
    const pid_t r = ::waitpid(p, nullptr, WNOHANG);
    if (r == p || (r < 0 && errno != EINTR)) break;
    const auto now = Clock::now();
    if (now >= deadline) {
      if (fd >= 0) ::close(fd);
      return false;
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    if (fd >= 0) {
      pollfd pfd{fd, POLLIN, 0};
      ::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    } else {
      ::sched_yield();  // no pidfd (Linux < 5.3): retry until the deadline
    }
  }
  if (fd >= 0) ::close(fd);
  return true;
}

bool no_children_at_all() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD;
}

}  // namespace

bool become_subreaper() {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return false;
  g_subreaper = true;
  return true;
}

bool is_subreaper() { return g_subreaper.load(); }

std::string next_helper_tag() {
  static std::atomic<uint64_t> n{0};
  return std::to_string(::getpid()) + "-" + std::to_string(++n);
}

size_t kill_tagged_children(std::string_view tag, Deadline deadline) {
  size_t killed = 0;
  while (!no_children_at_all()) {
    const std::vector<pid_t> found = tagged_children(tag);
    if (found.empty()) break;
    for (pid_t p : found) ::kill(p, SIGKILL);
    killed += found.size();
    // Reap them: their own children are re-parented to us before each is
    // reapable, so the next scan sees the next generation.
    for (pid_t p : found) {
      if (!reap_by(p, deadline)) return killed;
    }
    if (Clock::now() >= deadline) break;
  }
  return killed;
}

}  // namespace cph::proc
