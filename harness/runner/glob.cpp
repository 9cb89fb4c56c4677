#include "runner/glob.hpp"

namespace cph::runner {

static bool match_here(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    if (p.substr(0, 2) == "**") {
      p.remove_prefix(2);
      for (size_t i = 0; i <= s.size(); ++i) {
        if (match_here(p, s.substr(i))) return true;
      }
      return false;
    }
    if (p[0] == '*') {
      p.remove_prefix(1);
      for (size_t i = 0; i <= s.size(); ++i) {
        if (match_here(p, s.substr(i))) return true;
        if (i < s.size() && s[i] == '/') break;
      }
      return false;
    }
    if (s.empty()) return false;
    if (p[0] == '?' ? s[0] == '/' : p[0] != s[0]) return false;
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

bool glob_match(std::string_view pattern, std::string_view id) {
  if (match_here(pattern, id)) return true;
  // A plain prefix selects the subtree ("close" matches "close/...") and the
  // variants ("close/clean" matches "close/clean@go1.21").
  if (pattern.find_first_of("*?") == std::string_view::npos && id.size() > pattern.size() &&
      id.substr(0, pattern.size()) == pattern &&
      (pattern.ends_with('/') || id[pattern.size()] == '/' || id[pattern.size()] == '@')) {
    return true;
  }
  return false;
}

bool glob_match_any(const std::vector<std::string>& patterns, std::string_view id) {
  for (const auto& p : patterns) {
    if (glob_match(p, id)) return true;
  }
  return false;
}

bool selected(std::string_view id, const std::vector<std::string>& only, const std::vector<std::string>& skip) {
  return (only.empty() || glob_match_any(only, id)) && !glob_match_any(skip, id);
}

}  // namespace cph::runner
