// A finished run, judged: each case's result gets a verdict against the
// grade rules (--strict) and the known-failures baseline, and the run gets
// its exit code. Every reporter renders one of these.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "runner/baseline.hpp"
#include "runner/case.hpp"
#include "runner/runner.hpp"

namespace cph::report {

enum class Verdict {
  passed,              // pass
  skipped,             // skip
  tolerated,           // failed, but INFO (or SHOULD without --strict)
  known_failure,       // failed as the baseline says
  unexpected_failure,  // failed and counts: fails the run
  stale_pass,          // listed in the baseline, but passed: fails the run
  stale_message,       // listed, but failed with another message: fails the run
};
const char* verdict_name(Verdict v);  // "passed", "known-failure", "stale-pass", ...
bool fails_run(Verdict v);

struct JudgedCase {
  runner::CaseResult result;
  Verdict verdict = Verdict::passed;
  std::string note;  // why, for baseline verdicts: "listed at base.txt:3 ..."
};

struct VerdictCounts {
  size_t total = 0, passed = 0, failed = 0, errors = 0, skipped = 0;
  size_t tolerated = 0, known_failures = 0, unexpected = 0, stale = 0;
};

struct RunReport {
  std::string suite;  // "scenarios", "check", "fuzz"
  std::vector<JudgedCase> cases;
  // Baseline entries that match no case of the catalogue (stale).
  std::vector<std::string> unused_baseline_entries;  // "file:line: pattern"
  std::chrono::nanoseconds wall{0};
  bool strict = false;
  std::string baseline;  // its path, empty when none
  std::string go;        // the Go release graded for ("go1.27"), empty when the suite has none

  VerdictCounts counts() const;
  // 0 when every case is as expected, 1 when one failed unexpectedly or the
  // baseline is stale.
  int exit_code() const;
};

// One result's verdict (also used live, as each case finishes).
JudgedCase judge_case(runner::CaseResult result, const runner::Baseline* baseline, bool strict);

// `catalogue` holds every case ID known (selected or not), to find entries
// that match nothing; `baseline` may be null.
RunReport judge(std::string suite, runner::RunResults run, const runner::Baseline* baseline,
                const std::vector<std::string>& catalogue, bool strict);

}  // namespace cph::report
