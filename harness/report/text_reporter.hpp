// The human report on the terminal: one line per case as it finishes (with
// the requirement, expected and observed under a failure, h2spec style), a
// live progress line when the output is a terminal, colour only on a
// terminal and never with NO_COLOR, and a summary. --verbose adds the tail
// of each failure's transcript.
#pragma once
#include <cstddef>
#include <ostream>
#include <set>
#include <string>

#include "report/run_report.hpp"

namespace cph::report {

struct TextStyle {
  bool live = false;     // redraw a progress line (a terminal)
  bool colour = false;   // ANSI colours
  bool verbose = false;  // transcript tails of failures
  size_t transcript_tail = 20;
  // For the output file descriptor `fd`: a terminal gets live and colour
  // unless NO_COLOR is set (colour) or TERM=dumb (both).
  static TextStyle detect(int fd, bool verbose);
};

class TextReporter {
 public:
  TextReporter(std::ostream& out, TextStyle style);
  void begin(size_t total) { total_ = total; }
  void case_started(const runner::CaseInfo& info);
  void case_finished(const report::JudgedCase& c, size_t done, size_t total);
  void summary(const report::RunReport& report);

 private:
  void clear_live();
  void draw_live();
  std::string paint(const char* code, const std::string& text) const;

  std::ostream& out_;
  TextStyle style_;
  std::set<std::string> running_;
  size_t done_ = 0, total_ = 0;
  bool live_shown_ = false;
};

// The label a case line starts with: PASS, FAIL, ERROR, SKIP, WARN (SHOULD
// tolerated), INFO, KNOWN, STALE.
const char* verdict_label(const report::JudgedCase& c);

// Transcript records as readable lines ("+0.001234 to-helper   ..."), the
// last `max` of them.
std::string transcript_tail(const std::vector<wire::TranscriptRecord>& records, size_t max);

}  // namespace cph::report
