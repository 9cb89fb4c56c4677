#include "proc/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "proc/exit_cleanup.hpp"

namespace cph::proc {

TempDir::TempDir(const std::string& prefix, const std::string& base) {
  std::string root = base;
  const char* tmpdir = std::getenv("TMPDIR");
  const bool from_env = root.empty() && tmpdir && *tmpdir;
  if (root.empty()) root = from_env ? tmpdir : "/tmp";
  std::string tmpl = root + "/" + prefix + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("cannot create a directory " + tmpl + ": " + std::strerror(errno) +
                             (from_env ? " (is TMPDIR a writable directory?)" : ""));
  }
  path_ = tmpl;
  track_temp_dir(path_);  // removed if a signal ends cph
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);  // best effort: a helper may still hold files
  untrack_temp_dir(path_);
}

}  // namespace cph::proc
