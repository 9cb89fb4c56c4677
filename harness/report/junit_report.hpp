// JUnit XML for CI dashboards. Each case is a <testcase> whose name is the
// full case ID and whose classname is the ID's first segment. Unexpected
// failures and stale baseline entries are <failure>, errors <error>; known
// failures, tolerated SHOULD/INFO failures and skips are <skipped> with the
// reason, so the XML agrees with the exit code.
#pragma once
#include <string>

#include "report/run_report.hpp"

namespace cph::report {

std::string render_junit(const report::RunReport& report);

}  // namespace cph::report
