#include "proc/exit_cleanup.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

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
    for (pid_t g : r.groups) {
      ::kill(-g, SIGKILL);
      ::kill(g, SIGKILL);  // in case it left its group
    }
    for (const std::string& d : r.dirs) {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    }
    ::signal(sig, SIG_DFL);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    ::kill(::getpid(), sig);
    for (;;) ::pause();  // the signal is on its way
  }).detach();
}

}  // namespace cph::proc
