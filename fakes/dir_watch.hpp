// Which files of a few directories changed, from inotify: what a cache of
// their contents must forget. The kernel queues an event within the call
// that makes the change (a write, truncate, rename or unlink by any process
// on this machine), so a change that ended before drain() began is in what
// drain() reports. Not thread-safe: the caller serialises drain().
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cph::fake {

class DirWatch {
 public:
  explicit DirWatch(const std::vector<std::string>& dirs);  // !ok() if inotify is unavailable
  ~DirWatch();
  DirWatch(const DirWatch&) = delete;
  DirWatch& operator=(const DirWatch&) = delete;

  // False once the watch cannot be trusted (no inotify, or a watched
  // directory itself was removed or moved): look at the files instead.
  bool ok() const { return fd_ >= 0; }
  // Calls changed(directory index, file name) per change since the last
  // call, without blocking. Returns false when changes were lost (the
  // kernel's queue overflowed, or the watch ended): forget everything.
  bool drain(const std::function<void(size_t, std::string_view)>& changed);

 private:
  void stop();
  int fd_ = -1;
  std::vector<int> wds_;  // watch descriptor per directory
};

}  // namespace cph::fake
