// The options every case-running subcommand shares (`cph scenarios`, `cph
// check`, `cph fuzz`), and the one function that runs the cases, prints the
// text report, writes the requested report files and returns the exit code:
// 0 all as expected, 1 an unexpected failure or a stale baseline, 2 a usage
// or configuration error.
#pragma once
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>
#include <vector>

#include "runner/case.hpp"

namespace cph::cli {

struct ReportOptions {
  bool list = false;
  std::vector<std::string> only, skip;
  int jobs = 1;
  double timeout_scale = 1.0;
  size_t max_reply_bytes = wire::kDefaultMaxReplyBytes;
  std::string json, junit, html;  // paths; "-" is standard output
  std::string baseline;
  bool update_baseline = false;
  bool verbose = false;
  bool strict = false;
  // Not a flag: set by a suite graded for one Go release (`cph check --go`);
  // every report names it.
  std::string go;
};

// Adds --list, --only, --skip, --jobs, --timeout-scale, --max-reply-bytes, --json, --junit,
// --html, --baseline, --update-baseline, --verbose, --strict to `app`.
void add_report_options(CLI::App& app, ReportOptions& options);
// --max-reply-bytes N alone (cph fuzz and cph replay take it too).
void add_max_reply_bytes_option(CLI::App& app, size_t& max_reply_bytes);

// Validates the catalogue and the options, runs the selected cases and
// reports. Text goes to `out` (to `err` when a report file is "-"); problems
// with the configuration go to `err`.
int run_and_report(const std::string& suite, const std::vector<runner::CaseDescriptor>& cases,
                   const ReportOptions& options, std::ostream& out, std::ostream& err);
// The same on std::cout / std::cerr.
int run_and_report(const std::string& suite, const std::vector<runner::CaseDescriptor>& cases,
                   const ReportOptions& options);

}  // namespace cph::cli
