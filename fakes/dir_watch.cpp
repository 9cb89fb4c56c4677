#include "dir_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cph::fake {

namespace {

// A file's content or existence changed (a new name needs no forgetting).
constexpr uint32_t kFileEvents = IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE;
// The directory itself went away, or its watch did.
constexpr uint32_t kGone = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT;

}  // namespace

DirWatch::DirWatch(const std::vector<std::string>& dirs) {
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return;
  for (const std::string& dir : dirs) {
    const int wd = ::inotify_add_watch(fd_, dir.c_str(), kFileEvents | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
    if (wd < 0) {
      stop();
      return;
    }
    wds_.push_back(wd);
  }
}

DirWatch::~DirWatch() { stop(); }

void DirWatch::stop() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool DirWatch::drain(const std::function<void(size_t, std::string_view)>& changed) {
  alignas(inotify_event) char buf[16 * 1024];
  while (fd_ >= 0) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    if (n <= 0) break;  // an error: nothing can be trusted any more
    for (ssize_t at = 0; at < n;) {
      inotify_event ev;
      std::memcpy(&ev, buf + at, sizeof ev);
      const char* name = buf + at + sizeof ev;
      at += static_cast<ssize_t>(sizeof ev + ev.len);
      if (ev.mask & IN_Q_OVERFLOW) return false;
      if (ev.mask & kGone) {
        stop();
        return false;
      }
      const auto dir = std::find(wds_.begin(), wds_.end(), ev.wd);
      if (dir != wds_.end() && ev.len > 0) changed(static_cast<size_t>(dir - wds_.begin()), name);
    }
  }
  stop();
  return false;
}

}  // namespace cph::fake
