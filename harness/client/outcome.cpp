#include "client/outcome.hpp"

namespace cph::client {

const char* outcome_kind_name(OutcomeKind k) {
  switch (k) {
    case OutcomeKind::ok: return "ok";
    case OutcomeKind::miss: return "miss";
    case OutcomeKind::error: return "error";
    case OutcomeKind::fatal: return "fatal";
    case OutcomeKind::cancelled: return "cancelled";
    case OutcomeKind::hang: return "hang";
  }
  return "unknown";
}

const std::vector<std::string>& outcome_kind_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (auto k : {OutcomeKind::ok, OutcomeKind::miss, OutcomeKind::error, OutcomeKind::fatal, OutcomeKind::cancelled,
                   OutcomeKind::hang}) {
      v.push_back(outcome_kind_name(k));
    }
    return v;
  }();
  return names;
}

std::optional<OutcomeKind> parse_outcome_kind(std::string_view name) {
  const auto& names = outcome_kind_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<OutcomeKind>(i);
  }
  return std::nullopt;
}

std::string Outcome::to_string() const {
  std::string s = outcome_kind_name(kind);
  if (!message.empty()) s += ": " + message;
  return s;
}

}  // namespace cph::client
