#include "cli/about.hpp"

#include <sstream>

#include "cli/data_dir.hpp"
#include "client/profile.hpp"

namespace cph::cli {

std::string version_text() {
  std::ostringstream out;
  out << "cph " << CPH_VERSION << "\n"
      << "Go releases modelled (cph check --go, cph scenarios --profile; newest is the default):\n";
  for (const auto& p : client::Profile::all()) {
    std::string name = p.name();
    out << "  " << name << std::string(name.size() < 8 ? 8 - name.size() : 1, ' ') << p.releases() << "\n";
  }
  out << "Scenario catalogue: " << scenario_catalogue();
  return out.str();
}

std::string shell_quote(const std::string& word) {
  if (word.empty()) return "''";
  bool safe = true;
  for (char c : word) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("_-./=:,+@%{}").find(c) != std::string_view::npos;
    safe = safe && ok;
  }
  if (safe) return word;
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string shell_command(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += shell_quote(w);
  }
  return out;
}

}  // namespace cph::cli
