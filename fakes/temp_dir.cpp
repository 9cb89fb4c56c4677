#include "temp_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace cph::fake {

namespace {

constexpr std::string_view kPrefix = "cph-fake-";
constexpr const char* kLockName = "cph-fake.lock";

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

}  // namespace

std::string temp_base() {
  const char* base = std::getenv("TMPDIR");
  return base && *base ? base : "/tmp";
}

TempDir::TempDir(bool locked) {
  std::string tmpl = temp_base() + "/" + std::string(kPrefix) + "XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) fail("mkdtemp " + tmpl);
  path_ = tmpl;
  if (!locked) return;
  // Locked under another name, then renamed: a sweeper never sees the lock
  // file's name before the lock is held.
  const std::string fresh = path_ + "/" + kLockName + ".new";
  lock_fd_ = ::open(fresh.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) fail("creating " + fresh);
  if (::flock(lock_fd_, LOCK_EX) != 0) fail("locking " + fresh);
  if (::rename(fresh.c_str(), (path_ + "/" + kLockName).c_str()) != 0) fail("renaming " + fresh);
}

TempDir::~TempDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

int sweep_abandoned_temp_dirs(const std::string& base) {
  DIR* d = ::opendir(base.c_str());
  if (d == nullptr) return 0;
  int removed = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (!name.starts_with(kPrefix)) continue;
    // Only a real directory of ours (not a symlink someone planted in /tmp).
    const int dir_fd = ::openat(::dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir_fd < 0) continue;
    struct stat st {};
    const int lock_fd = ::fstat(dir_fd, &st) == 0 && st.st_uid == ::geteuid()
                            ? ::openat(dir_fd, kLockName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
                            : -1;
    ::close(dir_fd);
    if (lock_fd < 0) continue;                       // not ours, a --keep directory, or gone
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) == 0) {  // its fake is dead
      std::error_code ec;
      if (std::filesystem::remove_all(std::filesystem::path(base) / name, ec) > 0 && !ec) ++removed;
    }
    ::close(lock_fd);
  }
  ::closedir(d);
  return removed;
}

}  // namespace cph::fake
