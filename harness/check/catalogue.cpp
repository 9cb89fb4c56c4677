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
  add_go_cases(out, config);  // last: the real go, the slowest
  return out;
}

}  // namespace cph::check
