// A fresh cache directory for one helper run: created under $TMPDIR (or /tmp)
// and removed with everything in it when the object goes away.
#pragma once
#include <string>
#include <vector>

namespace cph::check {

class TempDir {
 public:
  TempDir();  // throws std::runtime_error if it cannot be created
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// argv with every "{dir}" in every argument replaced by `dir`.
std::vector<std::string> expand_dir(const std::vector<std::string>& argv, const std::string& dir);
bool mentions_dir(const std::vector<std::string>& argv);

}  // namespace cph::check
