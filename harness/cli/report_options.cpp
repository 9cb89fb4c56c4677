#include "cli/report_options.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_report.hpp"
#include "report/run_report.hpp"
#include "report/text_reporter.hpp"
#include "runner/baseline.hpp"
#include "runner/glob.hpp"
#include "runner/runner.hpp"

namespace cph::cli {

using namespace runner;
using namespace report;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;

// Writes `text` to `path` ("-": standard output) through a temporary file,
// so a reader never sees half a report. Returns an error message or "".
std::string write_file(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text << std::flush;
    return std::cout ? "" : "cannot write to standard output";
  }
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return path + ": cannot create file";
    f << text;
    f.flush();
    if (!f) return path + ": write error";
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return path + ": " + ec.message();
  return "";
}

// A pattern that selects nothing is almost always a typo.
std::string unmatched_pattern(const char* flag, const std::vector<std::string>& patterns,
                              const std::vector<CaseDescriptor>& cases) {
  for (const auto& p : patterns) {
    bool any = false;
    for (const auto& c : cases) any = any || glob_match(p, c.info.id);
    if (!any) return std::string(flag) + " " + p + ": matches no case (see --list)";
  }
  return "";
}

// Where the HTML report is, and the command that reruns the first case that
// failed the run (verbose, alone).
void print_next_steps(std::ostream& text, const RunReport& report, const ReportOptions& o) {
  if (!o.html.empty() && o.html != "-") {
    std::error_code ec;
    auto where = std::filesystem::absolute(o.html, ec);
    text << "HTML report: " << (ec ? o.html : where.string()) << "\n";
  }
  if (!o.rerun_command) return;
  for (const auto& c : report.cases) {
    if (fails_run(c.verdict) && c.verdict != Verdict::stale_pass) {
      text << "Rerun " << c.result.info.id << ": " << o.rerun_command(c.result.info.id) << "\n";
      return;
    }
  }
}

}  // namespace

void add_max_reply_bytes_option(CLI::App& app, size_t& max_reply_bytes) {
  app.add_option("--max-reply-bytes", max_reply_bytes,
                 "The longest reply read from a helper; a longer one is a protocol failure and the helper is killed "
                 "(docs/bounds.md)")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 40))
      ->capture_default_str();
}

void add_report_options(CLI::App& app, ReportOptions& o) {
  app.add_flag("--list", o.list, "List the selected cases and exit");
  app.add_option("--only", o.only, "Run only cases matching these IDs or globs ('*' within a segment, '**' across)")
      ->type_name("GLOB");
  app.add_option("--skip", o.skip, "Skip cases matching these IDs or globs")->type_name("GLOB");
  app.add_option("--jobs,-j", o.jobs, "Cases run in parallel")->check(CLI::Range(1, 256))->capture_default_str();
  app.add_option("--timeout-scale", o.timeout_scale, "Multiply every case deadline (slow machines, sanitizers)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1000.0));
  add_max_reply_bytes_option(app, o.max_reply_bytes);
  app.add_option("--json", o.json, "Write the JSON report to FILE ('-': stdout)")->type_name("FILE");
  app.add_option("--junit", o.junit, "Write a JUnit XML report to FILE ('-': stdout)")->type_name("FILE");
  app.add_option("--html", o.html, "Write a self-contained HTML report to FILE ('-': stdout)")->type_name("FILE");
  app.add_option("--markdown", o.markdown,
                 "Write the counts and the failing cases as Markdown to FILE ('-': stdout), e.g. "
                 "$GITHUB_STEP_SUMMARY")
      ->type_name("FILE");
  app.add_option("--baseline", o.baseline, "Known failures: one case ID or glob per line")->type_name("FILE");
  app.add_flag("--update-baseline", o.update_baseline, "Rewrite --baseline FILE from this run's failures");
  app.add_flag("--verbose,-v", o.verbose, "Show the transcript tail of each failure");
  app.add_flag("--strict", o.strict, "SHOULD failures fail the run too (otherwise only MUST)");
}

int run_and_report(const std::string& suite, const std::vector<CaseDescriptor>& cases, const ReportOptions& o,
                   std::ostream& out, std::ostream& err) {
  const std::string prog = "cph " + suite;
  try {
    validate_catalogue(cases);
  } catch (const std::invalid_argument& e) {
    err << prog << ": " << e.what() << "\n";
    return kExitUsage;
  }
  for (auto msg : {unmatched_pattern("--only", o.only, cases), unmatched_pattern("--skip", o.skip, cases)}) {
    if (!msg.empty()) {
      err << prog << ": " << msg << "\n";
      return kExitUsage;
    }
  }
  int to_stdout = (o.json == "-") + (o.junit == "-") + (o.html == "-") + (o.markdown == "-");
  if (to_stdout > 1) {
    err << prog << ": only one of --json, --junit, --html, --markdown can be '-' (standard output)\n";
    return kExitUsage;
  }
  if (o.update_baseline && o.baseline.empty()) {
    err << prog << ": --update-baseline needs --baseline FILE\n";
    return kExitUsage;
  }

  RunOptions ro;
  ro.only = o.only;
  ro.skip = o.skip;
  ro.jobs = o.jobs;
  ro.timeout_scale = o.timeout_scale;
  ro.max_reply_bytes = o.max_reply_bytes;
  auto selection = select_cases(cases, ro);

  if (o.list) {
    for (const auto* c : selection) {
      out << c->info.id << "  [" << grade_name(c->info.grade) << "]  " << c->info.title << "\n";
    }
    return kExitOk;
  }

  std::optional<Baseline> baseline;
  if (!o.baseline.empty()) {
    try {
      if (!o.update_baseline || std::filesystem::exists(o.baseline)) baseline = Baseline::load(o.baseline);
    } catch (const BaselineError& e) {
      err << prog << ": " << e.what() << "\n";
      return kExitUsage;
    }
  }
  // While updating, judge as if there were no baseline: the run defines it.
  const Baseline* judge_against = o.update_baseline || !baseline ? nullptr : &*baseline;

  std::ostream& text = to_stdout > 0 ? err : out;
  report::TextReporter reporter(text,
                                report::TextStyle::detect(to_stdout > 0 ? STDERR_FILENO : STDOUT_FILENO, o.verbose));
  RunProgress progress;
  progress.started = [&](const CaseInfo& info) { reporter.case_started(info); };
  progress.finished = [&](const CaseResult& r, size_t done, size_t total) {
    reporter.case_finished(judge_case(r, judge_against, o.strict), done, total);
  };
  if (!o.go.empty()) text << prog << ": graded for " << o.go << "\n";
  reporter.begin(selection.size());
  RunResults results = run_cases(selection, ro, progress);

  std::vector<std::string> catalogue;
  for (const auto& c : cases) catalogue.push_back(c.info.id);
  RunReport report = judge(suite, std::move(results), judge_against, catalogue, o.strict);
  report.go = o.go;
  reporter.summary(report);

  int code = report.exit_code();
  auto write = [&](const std::string& path, const std::string& what) {
    if (path.empty()) return;
    std::string problem = write_file(path, what);
    if (!problem.empty()) {
      err << prog << ": " << problem << "\n";
      code = kExitUsage;
    }
  };
  if (!o.json.empty()) write(o.json, report::render_json(report));
  if (!o.junit.empty()) write(o.junit, report::render_junit(report));
  if (!o.html.empty()) write(o.html, report::render_html(report));
  if (!o.markdown.empty()) write(o.markdown, report::render_markdown(report));
  print_next_steps(text, report, o);

  if (o.update_baseline) {
    std::vector<CaseResult> ran;
    for (const auto& j : report.cases) ran.push_back(j.result);
    std::string problem = write_file(o.baseline, render_baseline(baseline ? &*baseline : nullptr, ran));
    if (!problem.empty()) {
      err << prog << ": " << problem << "\n";
      return kExitUsage;
    }
    text << "baseline " << o.baseline << " rewritten from this run\n";
    return code == kExitUsage ? kExitUsage : kExitOk;
  }
  return code;
}

int run_and_report(const std::string& suite, const std::vector<CaseDescriptor>& cases, const ReportOptions& o) {
  return run_and_report(suite, cases, o, std::cout, std::cerr);
}

}  // namespace cph::cli
