// The store directory cph-fake makes when no --dir is given:
// $TMPDIR/cph-fake-XXXXXX (TMPDIR unset or empty: /tmp).
//
// A fake removes it at exit and on SIGINT/SIGTERM/SIGHUP, but a SIGKILL (a
// harness deadline, the OOM killer) leaves it behind. So a directory that is
// to be removed holds a file, cph-fake.lock, that its fake keeps flock()ed
// for life; the kernel drops the lock however the process dies, and any later
// fake sweeps directories whose lock it can take. A --keep directory has no
// lock file: it is never swept.
#pragma once

#include <string>

namespace cph::fake {

class TempDir {
 public:
  // Creates the directory; with `locked`, also its lock file, held until the
  // process exits. Throws std::runtime_error.
  explicit TempDir(bool locked);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int lock_fd_ = -1;
};

// The directory TempDir creates its directories in.
std::string temp_base();

// Removes every `cph-fake-*` directory in `base`, owned by this user, whose
// lock file no live process holds. Returns how many it removed.
int sweep_abandoned_temp_dirs(const std::string& base);

}  // namespace cph::fake
