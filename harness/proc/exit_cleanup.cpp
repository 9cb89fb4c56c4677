#include "proc/exit_cleanup.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "proc/descendants.hpp"

namespace cph::proc {

namespace {

struct Registry {
  std::mutex spawn_mu;  // taken before mu
  std::mutex mu;
  std::set<pid_t> groups;
  std::multiset<std::string> dirs;
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: the signal thread may outlive main()
  return *r;
}

sigset_t exit_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, sig);
  return set;
}

}  // namespace

std::unique_lock<std::mutex> lock_for_spawn() { return std::unique_lock(registry().spawn_mu); }

void track_group_locked(pid_t pgid) {
  std::lock_guard lock(registry().mu);
  registry().groups.insert(pgid);
}

void untrack_group(pid_t pgid) {
  std::lock_guard lock(registry().mu);
  registry().groups.erase(pgid);
}

void track_temp_dir(const std::string& path) {
  std::lock_guard lock(registry().mu);
  registry().dirs.insert(path);
}

void untrack_temp_dir(const std::string& path) {
  std::lock_guard lock(registry().mu);
  auto it = registry().dirs.find(path);
  if (it != registry().dirs.end()) registry().dirs.erase(it);
}

namespace {

// Both registry locks held.
void kill_and_remove_locked(Registry& r) {
  for (pid_t g : r.groups) {
    ::kill(-g, SIGKILL);
    ::kill(g, SIGKILL);  // in case it left its group
  }
  // What helpers left in other sessions is re-parented to us (a subreaper)
  // once each leader is dead: wait for that (on a pidfd), then sweep.
  if (is_subreaper()) {
    const Deadline deadline = deadline_in(std::chrono::seconds(2));
    for (pid_t g : r.groups) {
      const int fd = static_cast<int>(::syscall(SYS_pidfd_open, g, 0));
      if (fd < 0) continue;
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd, POLLIN, 0};
      if (left.count() > 0) ::poll(&p, 1, static_cast<int>(left.count()));
      ::close(fd);
    }
    kill_tagged_children("", deadline);
  }
  for (const std::string& d : r.dirs) {
    std::error_code ec;
    std::filesystem::remove_all(d, ec);
  }
}

}  // namespace

void clean_up_at_exit() {
  Registry& r = registry();
  std::lock_guard spawn(r.spawn_mu);
  std::lock_guard lock(r.mu);
  kill_and_remove_locked(r);
  r.groups.clear();
  r.dirs.clear();
}

void clean_up_on_exit_signals() {
  const sigset_t set = exit_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set] {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) return;
    Registry& r = registry();
    // Both locks stay held: no spawn, reap or removal races the end.
    r.spawn_mu.lock();
    r.mu.lock();
    kill_and_remove_locked(r);
    ::signal(sig, SIG_DFL);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    ::kill(::getpid(), sig);
    for (;;) ::pause();  // the signal is on its way
  }).detach();
}

}  // namespace cph::proc
