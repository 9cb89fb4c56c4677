// Markdown for a CI job's page (GitHub's $GITHUB_STEP_SUMMARY): a heading
// with the outcome and the release graded for, the counts as a one-row
// table, then a table of the cases that did not pass (those failing the run
// first: case ID, grade, verdict, expected, observed) and the stale baseline
// entries. Cells are one line, pipes escaped, HTML neutralised, long text cut.
#pragma once
#include <string>

#include "report/run_report.hpp"

namespace cph::report {

std::string render_markdown(const RunReport& report);

// `text` as one table cell: '|' escaped, newlines as spaces, '<' '>' '&' as
// entities, backticks dropped, at most `limit` bytes (then "...").
std::string markdown_cell(const std::string& text, size_t limit = 160);

}  // namespace cph::report
