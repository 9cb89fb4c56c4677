#include "session/helper_argv.hpp"

namespace cph::session {

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

}  // namespace cph::session
