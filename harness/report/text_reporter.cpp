#include "report/text_reporter.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "report/escape.hpp"

namespace cph::report {

using runner::Status;

TextStyle TextStyle::detect(int fd, bool verbose) {
  TextStyle s;
  s.verbose = verbose;
  const char* term = std::getenv("TERM");
  bool tty = isatty(fd) == 1 && !(term != nullptr && std::strcmp(term, "dumb") == 0);
  const char* no_colour = std::getenv("NO_COLOR");
  s.live = tty;
  s.colour = tty && (no_colour == nullptr || no_colour[0] == '\0');
  return s;
}

const char* verdict_label(const JudgedCase& c) {
  switch (c.verdict) {
    case Verdict::passed: return "PASS";
    case Verdict::skipped: return "SKIP";
    case Verdict::tolerated: return c.result.info.grade == runner::Grade::info ? "INFO" : "WARN";
    case Verdict::known_failure: return "KNOWN";
    case Verdict::unexpected_failure: return c.result.status == Status::error ? "ERROR" : "FAIL";
    case Verdict::stale_pass:
    case Verdict::stale_message: return "STALE";
  }
  return "?";
}

static const char* label_colour(const JudgedCase& c) {
  switch (c.verdict) {
    case Verdict::passed: return "32";  // green
    case Verdict::skipped: return "2";  // dim
    case Verdict::tolerated:
    case Verdict::known_failure: return "33";  // yellow
    default: return "1;31";                    // bold red
  }
}

static std::string duration_text(std::chrono::nanoseconds d) {
  char buf[32];
  double ms = std::chrono::duration<double, std::milli>(d).count();
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s", ms / 1000);
  }
  return buf;
}

// Multi-line values are indented under their label.
static void field(std::ostream& out, const char* label, const std::string& value) {
  if (value.empty()) return;
  std::string text = printable(value);
  out << "      " << label << ": ";
  for (char c : text) {
    out << c;
    if (c == '\n') out << "        ";
  }
  out << "\n";
}

std::string transcript_tail(const std::vector<wire::TranscriptRecord>& records, size_t max) {
  std::ostringstream out;
  size_t first = records.size() > max ? records.size() - max : 0;
  if (first > 0) out << "(" << first << " earlier records)\n";
  for (size_t i = first; i < records.size(); ++i) {
    const auto& r = records[i];
    char t[32];
    std::snprintf(t, sizeof t, "+%.6f ", r.t);
    out << t;
    std::string name = wire::direction_name(r.dir);
    name.resize(std::max<size_t>(name.size(), 14), ' ');
    out << name;
    std::string data = printable(r.data);
    // One record per line: show newlines inside the data as \n.
    std::string flat;
    for (char c : data) flat += c == '\n' ? std::string("\\n") : std::string(1, c);
    out << flat;
    if (r.dir == wire::Direction::event && !r.detail.is_null()) {
      out << " " << r.detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    out << "\n";
  }
  return out.str();
}

TextReporter::TextReporter(std::ostream& out, TextStyle style) : out_(out), style_(style) {}

std::string TextReporter::paint(const char* code, const std::string& text) const {
  if (!style_.colour) return text;
  return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
}

void TextReporter::clear_live() {
  if (live_shown_) out_ << "\r\x1b[K";
  live_shown_ = false;
}

void TextReporter::draw_live() {
  if (!style_.live || running_.empty()) return;
  std::string line = "[" + std::to_string(done_) + "/" + std::to_string(total_) + "] running:";
  for (const auto& id : running_) line += " " + id;
  constexpr size_t kWidth = 78;
  if (line.size() > kWidth) line = line.substr(0, kWidth - 3) + "...";
  out_ << "\r\x1b[K" << line << std::flush;
  live_shown_ = true;
}

void TextReporter::case_started(const runner::CaseInfo& info) {
  running_.insert(info.id);
  draw_live();
}

void TextReporter::case_finished(const JudgedCase& c, size_t done, size_t total) {
  const auto& r = c.result;
  running_.erase(r.info.id);
  done_ = done;
  total_ = total;
  clear_live();
  std::string label = verdict_label(c);
  label.resize(6, ' ');
  out_ << paint(label_colour(c), label) << r.info.id;
  if (c.verdict != Verdict::passed && c.verdict != Verdict::skipped) {
    out_ << " [" << runner::grade_name(r.info.grade) << "]";
  }
  out_ << " (" << duration_text(r.duration) << ")\n";
  if (c.verdict == Verdict::skipped) {
    field(out_, "skipped", r.details);
  } else if (c.verdict != Verdict::passed) {
    field(out_, "title", r.info.title);
    field(out_, "requirement", r.info.requirement);
    field(out_, "source", r.info.source);
    field(out_, "expected", r.expected);
    field(out_, "observed", r.observed);
    field(out_, "details", r.details);
    field(out_, "baseline", c.note);
    if (style_.verbose && !r.transcript.empty()) {
      out_ << "      transcript (last " << std::min(style_.transcript_tail, r.transcript.size()) << " of "
           << r.transcript.size() << " records):\n";
      std::istringstream lines(transcript_tail(r.transcript, style_.transcript_tail));
      for (std::string line; std::getline(lines, line);) out_ << "        " << line << "\n";
    }
  }
  draw_live();
  out_.flush();
}

void TextReporter::summary(const report::RunReport& report) {
  clear_live();
  auto n = report.counts();
  for (const auto& e : report.unused_baseline_entries) {
    out_ << paint("1;31", "STALE ") << "baseline entry " << e << " matches no case\n";
  }
  out_ << "\n"
       << n.total << " cases in " << duration_text(report.wall) << ": " << n.passed << " passed, " << n.failed
       << " failed, " << n.errors << " errors, " << n.skipped << " skipped";
  if (n.known_failures > 0) out_ << ", " << n.known_failures << " known failures";
  if (n.tolerated > 0) out_ << ", " << n.tolerated << " tolerated (" << (report.strict ? "INFO" : "SHOULD/INFO") << ")";
  out_ << "\n";
  if (report.exit_code() == 0) {
    out_ << paint("32", "OK") << "\n";
  } else {
    out_ << paint("1;31", "FAILED") << ": " << n.unexpected << " unexpected failures, " << n.stale
         << " stale baseline entries\n";
  }
  out_.flush();
}

}  // namespace cph::report
