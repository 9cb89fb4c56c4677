#include "report/run_report.hpp"

#include "runner/glob.hpp"

namespace cph::report {

using runner::Baseline;
using runner::BaselineEntry;
using runner::CaseResult;
using runner::glob_match;
using runner::Grade;
using runner::RunResults;
using runner::Status;

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::passed: return "passed";
    case Verdict::skipped: return "skipped";
    case Verdict::tolerated: return "tolerated";
    case Verdict::known_failure: return "known-failure";
    case Verdict::unexpected_failure: return "unexpected-failure";
    case Verdict::stale_pass: return "stale-pass";
    case Verdict::stale_message: return "stale-message";
  }
  return "?";
}

bool fails_run(Verdict v) {
  return v == Verdict::unexpected_failure || v == Verdict::stale_pass || v == Verdict::stale_message;
}

JudgedCase judge_case(CaseResult r, const Baseline* baseline, bool strict) {
  JudgedCase j;
  const BaselineEntry* entry = baseline != nullptr ? baseline->find(r.info.id) : nullptr;
  if (r.status == Status::skip) {
    j.verdict = Verdict::skipped;
  } else if (r.status == Status::pass) {
    j.verdict = entry != nullptr ? Verdict::stale_pass : Verdict::passed;
    if (entry != nullptr) {
      j.note = "listed as a known failure at " + baseline->where(*entry) + " but passed; remove it from the baseline";
    }
  } else if (entry != nullptr) {
    if (entry->expected && r.message().find(*entry->expected) == std::string::npos) {
      j.verdict = Verdict::stale_message;
      j.note = "listed at " + baseline->where(*entry) + " expecting \"" + *entry->expected + "\" but failed with \"" +
               r.message() + "\"";
    } else {
      j.verdict = Verdict::known_failure;
      j.note = "known failure, listed at " + baseline->where(*entry);
    }
  } else if (r.status == Status::error || r.info.grade == Grade::must || (r.info.grade == Grade::should && strict)) {
    j.verdict = Verdict::unexpected_failure;
  } else {
    j.verdict = Verdict::tolerated;
  }
  j.result = std::move(r);
  return j;
}

VerdictCounts RunReport::counts() const {
  VerdictCounts c;
  c.total = cases.size();
  for (const auto& j : cases) {
    switch (j.result.status) {
      case Status::pass: ++c.passed; break;
      case Status::fail: ++c.failed; break;
      case Status::error: ++c.errors; break;
      case Status::skip: ++c.skipped; break;
    }
    switch (j.verdict) {
      case Verdict::tolerated: ++c.tolerated; break;
      case Verdict::known_failure: ++c.known_failures; break;
      case Verdict::unexpected_failure: ++c.unexpected; break;
      case Verdict::stale_pass:
      case Verdict::stale_message: ++c.stale; break;
      default: break;
    }
  }
  c.stale += unused_baseline_entries.size();
  return c;
}

int RunReport::exit_code() const {
  auto c = counts();
  return c.unexpected > 0 || c.stale > 0 ? 1 : 0;
}

RunReport judge(std::string suite, RunResults run, const Baseline* baseline, const std::vector<std::string>& catalogue,
                bool strict) {
  RunReport report;
  report.suite = std::move(suite);
  report.wall = run.wall;
  report.strict = strict;
  if (baseline != nullptr) {
    report.baseline = baseline->name;
    for (const auto& e : baseline->entries) {
      bool used = false;
      for (const auto& id : catalogue) {
        if (glob_match(e.pattern, id)) {
          used = true;
          break;
        }
      }
      if (!used) report.unused_baseline_entries.push_back(baseline->where(e) + ": " + e.pattern);
    }
  }
  for (auto& r : run.results) report.cases.push_back(judge_case(std::move(r), baseline, strict));
  return report;
}

}  // namespace cph::report
