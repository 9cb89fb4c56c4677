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

std::string Outcome::to_string() const {
  std::string s = outcome_kind_name(kind);
  if (!message.empty()) s += ": " + message;
  return s;
}

}  // namespace cph::client
