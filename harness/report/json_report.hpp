// The machine-readable report (schema "cph-report/1", documented in
// docs/reports.md).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "runner/run_report.hpp"

namespace cph::report {

nlohmann::json json_report(const runner::RunReport& report);
// Pretty-printed; invalid UTF-8 in any string becomes U+FFFD.
std::string render_json(const runner::RunReport& report);

}  // namespace cph::report
