#include "check/catalogue.hpp"

namespace cph::check {

Catalogue check_catalogue(const CheckConfig& config) {
  Catalogue out;
  add_handshake_cases(out, config);
  add_get_put_cases(out, config);
  add_body_cases(out, config);
  add_concurrency_cases(out, config);
  add_dialect_cases(out, config);
  add_sharing_cases(out, config);
  add_reput_cases(out, config);
  add_close_cases(out, config);
  add_persistence_cases(out, config);
  add_crash_cases(out, config);
  add_hostile_cases(out, config);
  add_storage_cases(out, config);
  add_framing_cases(out, config);
  return out;
}

bool parse_dialect(const std::string& name, wire::Dialect& out) {
  if (name == "go1.21") {
    out = wire::Dialect::object_id;
  } else if (name == "go1.24") {
    out = wire::Dialect::output_and_object_id;
  } else if (name == "go1.25" || name == "go1.26") {
    out = wire::Dialect::output_id;
  } else {
    return false;
  }
  return true;
}

}  // namespace cph::check
