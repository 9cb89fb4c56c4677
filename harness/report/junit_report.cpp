#include "report/junit_report.hpp"

#include <cstdio>
#include <sstream>

#include "report/escape.hpp"
#include "report/text_reporter.hpp"

namespace cph::report {

static std::string secs(std::chrono::nanoseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", std::chrono::duration<double>(d).count());
  return buf;
}

static std::string attr(const std::string& s) { return xml_escape(s, true); }

// The element body of a failure: everything a reader needs without a rerun.
static std::string failure_body(const report::JudgedCase& c) {
  const auto& r = c.result;
  std::string body;
  auto add = [&](const char* label, const std::string& v) {
    if (!v.empty()) body += std::string(label) + ": " + v + "\n";
  };
  add("requirement", r.info.requirement);
  add("source", r.info.source);
  add("expected", r.expected);
  add("observed", r.observed);
  add("details", r.details);
  add("baseline", c.note);
  if (!r.transcript.empty()) body += "transcript (tail):\n" + transcript_tail(r.transcript, 20);
  return body;
}

std::string render_junit(const report::RunReport& report) {
  auto n = report.counts();
  size_t failures = 0, errors = 0, skipped = 0;
  for (const auto& c : report.cases) {
    if (c.verdict == Verdict::unexpected_failure && c.result.status == runner::Status::error) {
      ++errors;
    } else if (report::fails_run(c.verdict)) {
      ++failures;
    } else if (c.verdict != Verdict::passed) {
      ++skipped;
    }
  }
  failures += report.unused_baseline_entries.size();
  size_t tests = n.total + report.unused_baseline_entries.size();

  std::ostringstream x;
  std::string counts = " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
                       "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) +
                       "\" time=\"" + secs(report.wall) + "\"";
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"" << attr("cph " + report.suite) << "\"" << counts << ">\n";
  x << "  <testsuite name=\"" << attr(report.suite) << "\"" << counts << ">\n";
  if (!report.go.empty()) {
    x << "    <properties>\n      <property name=\"go\" value=\"" << attr(report.go) << "\"/>\n    </properties>\n";
  }
  for (const auto& c : report.cases) {
    const auto& r = c.result;
    std::string id = r.info.id;
    x << "    <testcase name=\"" << attr(id) << "\" classname=\"" << attr(id.substr(0, id.find('/'))) << "\" time=\""
      << secs(r.duration) << "\">\n";
    x << "      <properties>\n";
    x << "        <property name=\"grade\" value=\"" << runner::grade_name(r.info.grade) << "\"/>\n";
    x << "        <property name=\"verdict\" value=\"" << report::verdict_name(c.verdict) << "\"/>\n";
    if (!r.info.source.empty()) {
      x << "        <property name=\"source\" value=\"" << attr(r.info.source) << "\"/>\n";
    }
    x << "      </properties>\n";
    std::string summary = "expected: " + r.expected + "; observed: " + r.observed;
    switch (c.verdict) {
      case Verdict::passed: break;
      case Verdict::skipped: x << "      <skipped message=\"" << attr(r.details) << "\"/>\n"; break;
      case Verdict::tolerated:
      case Verdict::known_failure:
        x << "      <skipped message=\""
          << attr(std::string(c.verdict == Verdict::known_failure ? "known failure" : "tolerated ") +
                  (c.verdict == Verdict::tolerated ? runner::grade_name(r.info.grade) : "") + ": " + summary)
          << "\"/>\n";
        break;
      case Verdict::unexpected_failure:
        if (r.status == runner::Status::error) {
          x << "      <error message=\"" << attr(r.message()) << "\" type=\"error\">" << xml_escape(failure_body(c))
            << "</error>\n";
          break;
        }
        x << "      <failure message=\"" << attr(summary) << "\" type=\"" << runner::grade_name(r.info.grade) << "\">"
          << xml_escape(failure_body(c)) << "</failure>\n";
        break;
      case Verdict::stale_pass:
      case Verdict::stale_message:
        x << "      <failure message=\"" << attr("stale baseline: " + c.note) << "\" type=\"stale-baseline\">"
          << xml_escape(failure_body(c)) << "</failure>\n";
        break;
    }
    x << "    </testcase>\n";
  }
  for (const auto& e : report.unused_baseline_entries) {
    x << "    <testcase name=\"" << attr("baseline:" + e) << "\" classname=\"baseline\" time=\"0\">\n"
      << "      <failure message=\"" << attr("stale baseline entry " + e + " matches no case")
      << "\" type=\"stale-baseline\"/>\n"
      << "    </testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

}  // namespace cph::report
