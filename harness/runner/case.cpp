#include "runner/case.hpp"

#include <algorithm>

namespace cph::runner {

const char* grade_name(Grade g) {
  switch (g) {
    case Grade::must: return "MUST";
    case Grade::should: return "SHOULD";
    case Grade::info: return "INFO";
  }
  return "?";
}

const char* status_name(Status s) {
  switch (s) {
    case Status::pass: return "pass";
    case Status::fail: return "fail";
    case Status::skip: return "skip";
    case Status::error: return "error";
  }
  return "?";
}

std::optional<Grade> parse_grade(std::string_view s) {
  for (Grade g : {Grade::must, Grade::should, Grade::info}) {
    if (s == grade_name(g)) return g;
  }
  return std::nullopt;
}

std::optional<Status> parse_status(std::string_view s) {
  for (Status st : {Status::pass, Status::fail, Status::skip, Status::error}) {
    if (s == status_name(st)) return st;
  }
  return std::nullopt;
}

CaseOutcome CaseOutcome::pass(std::string observed) { return {Status::pass, {}, std::move(observed), {}}; }
CaseOutcome CaseOutcome::fail(std::string expected, std::string observed, std::string details) {
  return {Status::fail, std::move(expected), std::move(observed), std::move(details)};
}
CaseOutcome CaseOutcome::skip(std::string why) { return {Status::skip, {}, {}, std::move(why)}; }
CaseOutcome CaseOutcome::error(std::string what) { return {Status::error, {}, {}, std::move(what)}; }

void apply_path_names(CaseOutcome& outcome, std::vector<std::pair<std::string, std::string>> names) {
  // Longest first, so a path inside another named one keeps its own name.
  std::stable_sort(names.begin(), names.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (std::string* text : {&outcome.expected, &outcome.observed, &outcome.details}) {
    for (const auto& [path, name] : names) {
      if (path.empty()) continue;
      for (size_t at = text->find(path); at != std::string::npos; at = text->find(path, at + name.size())) {
        text->replace(at, path.size(), name);
      }
    }
  }
}

}  // namespace cph::runner
