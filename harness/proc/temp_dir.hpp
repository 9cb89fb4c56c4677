// A fresh directory for one helper run: created under `base` (default
// $TMPDIR, else /tmp) as PREFIX-XXXXXX, tracked so that a signal ending cph
// removes it, and removed with everything in it when the object goes away.
#pragma once
#include <string>

namespace cph::proc {

class TempDir {
 public:
  // Throws std::runtime_error if it cannot be created.
  explicit TempDir(const std::string& prefix = "cph-check", const std::string& base = "");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace cph::proc
