// The machine-readable report (schema "cph-report/1", documented in
// docs/reports.md).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "report/run_report.hpp"

namespace cph::report {

nlohmann::json json_report(const report::RunReport& report);
// Pretty-printed; invalid UTF-8 in any string becomes U+FFFD.
std::string render_json(const report::RunReport& report);

}  // namespace cph::report
