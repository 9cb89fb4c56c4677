// The check suite's catalogue: every case `cph check` runs against a helper,
// built for one helper command line. Each group of cases lives in its own
// cases_<group>.cpp; this header is the one place that lists the groups.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runner/case.hpp"
#include "wire/messages.hpp"

namespace cph::check {

struct CheckConfig {
  std::vector<std::string> helper;  // program and arguments; "{dir}" is the case's cache dir
  wire::Dialect dialect = wire::Dialect::output_id;  // what the cases send (--dialect)
  bool large = false;          // run the 1 GiB cases (--large)
  bool keeps_nothing = false;  // the helper says it keeps nothing across restarts
  uint64_t seed = 1;           // crash-safety kill points and other random choices
};

using Catalogue = std::vector<runner::CaseDescriptor>;

// Every case, in report order.
Catalogue check_catalogue(const CheckConfig& config);

// The groups (one file each).
void add_handshake_cases(Catalogue& out, const CheckConfig& config);
void add_get_put_cases(Catalogue& out, const CheckConfig& config);
void add_body_cases(Catalogue& out, const CheckConfig& config);
void add_concurrency_cases(Catalogue& out, const CheckConfig& config);
void add_dialect_cases(Catalogue& out, const CheckConfig& config);
void add_sharing_cases(Catalogue& out, const CheckConfig& config);
void add_close_cases(Catalogue& out, const CheckConfig& config);
void add_persistence_cases(Catalogue& out, const CheckConfig& config);
void add_crash_cases(Catalogue& out, const CheckConfig& config);
void add_hostile_cases(Catalogue& out, const CheckConfig& config);
void add_reput_cases(Catalogue& out, const CheckConfig& config);
void add_storage_cases(Catalogue& out, const CheckConfig& config);
void add_framing_cases(Catalogue& out, const CheckConfig& config);

// Parses --dialect: "go1.21", "go1.24", "go1.25" (and "go1.26").
bool parse_dialect(const std::string& name, wire::Dialect& out);

}  // namespace cph::check
