// A helper's command line as the user gives it: `{dir}` stands for the fresh
// cache directory of each run.
#pragma once
#include <string>
#include <vector>

namespace cph::session {

// argv with every "{dir}" in every argument replaced by `dir`.
std::vector<std::string> expand_dir(const std::vector<std::string>& argv, const std::string& dir);
bool mentions_dir(const std::vector<std::string>& argv);

}  // namespace cph::session
