// One self-contained HTML file (inline CSS and a little inline script, no
// external resources): the summary, a table of cases, and for each case that
// did not pass the requirement, expected beside observed, and its transcript
// as a two-column timeline (to-helper left, from-helper right, helper stderr
// and events across both).
#pragma once
#include <string>

#include "report/run_report.hpp"

namespace cph::report {

struct HtmlOptions {
  size_t max_records = 2000;        // per case; earlier records are elided
  size_t max_record_bytes = 4096;   // per record; the rest is elided
  bool passed_transcripts = false;  // transcripts of passing cases too
};

std::string render_html(const report::RunReport& report, const HtmlOptions& options = {});

}  // namespace cph::report
