#include "check/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "proc/exit_cleanup.hpp"

namespace cph::check {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/cph-check-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("cannot create a cache directory " + tmpl + ": " + std::strerror(errno) +
                             (base && *base ? " (is TMPDIR a writable directory?)" : ""));
  }
  path_ = tmpl;
  proc::track_temp_dir(path_);  // removed if a signal ends cph
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);  // best effort: a helper may still hold files
  proc::untrack_temp_dir(path_);
}

std::vector<std::string> expand_dir(const std::vector<std::string>& argv, const std::string& dir) {
  std::vector<std::string> out;
  for (std::string arg : argv) {
    for (size_t at = arg.find("{dir}"); at != std::string::npos; at = arg.find("{dir}", at + dir.size())) {
      arg.replace(at, 5, dir);
    }
    out.push_back(std::move(arg));
  }
  return out;
}

bool mentions_dir(const std::vector<std::string>& argv) {
  for (const auto& a : argv) {
    if (a.find("{dir}") != std::string::npos) return true;
  }
  return false;
}

}  // namespace cph::check
