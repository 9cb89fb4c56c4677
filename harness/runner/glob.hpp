// Glob matching for case and scenario IDs (--only, --skip, baselines):
// '*' matches any run of characters except '/', '**' matches across '/',
// '?' one character except '/'. A pattern with no wildcard also matches every
// ID below it: "close" selects "close/exit-after-reply", and every variant of
// it: "close/clean" selects "close/clean@go1.21" (a scenario under a profile).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace cph::runner {

bool glob_match(std::string_view pattern, std::string_view id);
bool glob_match_any(const std::vector<std::string>& patterns, std::string_view id);

// --only/--skip selection: selected when `only` is empty or matches, and no `skip` matches.
bool selected(std::string_view id, const std::vector<std::string>& only, const std::vector<std::string>& skip);

}  // namespace cph::runner
