#include "cli/data_dir.hpp"

#include <filesystem>

namespace cph::cli {

namespace fs = std::filesystem;

std::vector<std::string> catalogue_candidates() {
  std::vector<std::string> places;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    places.push_back((self.parent_path().parent_path() / "share" / "cacheprog-harness" / "scenarios").string());
  }
  places.push_back(CPH_SOURCE_SCENARIOS);
  places.push_back(CPH_INSTALLED_SCENARIOS);
  return places;
}

std::string scenario_catalogue() {
  auto places = catalogue_candidates();
  for (const auto& p : places) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) return p;
  }
  return places.back();
}

}  // namespace cph::cli
