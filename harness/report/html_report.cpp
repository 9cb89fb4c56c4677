#include "report/html_report.hpp"

#include <cctype>
#include <cstdio>
#include <sstream>

#include "report/escape.hpp"
#include "report/text_reporter.hpp"

namespace cph::report {

namespace {

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin:0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
.v-passed{color:#176f2c}.v-skipped{color:#777}.v-tolerated,.v-known-failure{color:#9a6700}
.v-unexpected-failure,.v-stale-pass,.v-stale-message{color:#b00020;font-weight:bold}
section.case{border:1px solid #ccc;border-radius:4px;margin:1em 0;padding:.6em}
.req{font-style:italic}.meta{color:#555}
.evo{display:grid;grid-template-columns:1fr 1fr;gap:.5em}
.evo pre,.tl pre{white-space:pre-wrap;word-break:break-all;margin:0;font:12px/1.3 ui-monospace,monospace}
.evo>div{background:#f6f8fa;padding:.4em}
.tl{display:grid;grid-template-columns:1fr 1fr;gap:2px .5em;margin-top:.5em}
.tl .rec{padding:.2em .4em;border-radius:3px}
.tl .to-helper{grid-column:1;background:#e8f0fe}
.tl .from-helper{grid-column:2;background:#e6f4ea}
.tl .helper-stderr{grid-column:1/span 2;background:#fef7e0}
.tl .event{grid-column:1/span 2;background:#f1f3f4;color:#444}
.tl .t{color:#777;font-size:11px}
.hidden{display:none}
)";

// Shows only the cases that need attention; marks the page as rendered.
constexpr const char* kScript = R"(
(function(){
  var box=document.getElementById('only-problems');
  function apply(){
    document.querySelectorAll('[data-verdict]').forEach(function(e){
      var ok=e.dataset.verdict==='passed'||e.dataset.verdict==='skipped';
      e.classList.toggle('hidden',box.checked&&ok);
    });
  }
  box.addEventListener('change',apply);
  apply();
  document.documentElement.setAttribute('data-rendered','yes');
})();
)";

std::string e(const std::string& s) { return xml_escape(s); }
std::string a(const std::string& s) { return xml_escape(s, true); }

std::string secs(std::chrono::nanoseconds d, const char* fmt = "%.3f s") {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, std::chrono::duration<double>(d).count());
  return buf;
}

// An anchor name: the case ID with anything unusual replaced.
std::string anchor(const std::string& id) {
  std::string out = "case-";
  for (char c : id) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '.';
  return out;
}

void timeline(std::ostream& h, const std::vector<wire::TranscriptRecord>& records, const HtmlOptions& o) {
  h << "<div class=\"tl\"><div class=\"rec event\"><b>to helper</b> (left) &middot; <b>from helper</b> (right)"
       " &middot; stderr and events across</div>\n";
  size_t first = records.size() > o.max_records ? records.size() - o.max_records : 0;
  if (first > 0) h << "<div class=\"rec event\">" << first << " earlier records not shown</div>\n";
  for (size_t i = first; i < records.size(); ++i) {
    const auto& r = records[i];
    std::string data = r.data;
    std::string more;
    if (data.size() > o.max_record_bytes) {
      more = "\n... (" + std::to_string(data.size() - o.max_record_bytes) + " more bytes)";
      data.resize(o.max_record_bytes);
    }
    if (r.dir == wire::Direction::event && !r.detail.is_null()) {
      data += " " + r.detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    char t[32];
    std::snprintf(t, sizeof t, "+%.6f", r.t);
    h << "<div class=\"rec " << wire::direction_name(r.dir) << "\"><span class=\"t\">" << t << " "
      << wire::direction_name(r.dir) << "</span><pre>" << e(data + more) << "</pre></div>\n";
  }
  h << "</div>\n";
}

void case_section(std::ostream& h, const report::JudgedCase& c, const HtmlOptions& o) {
  const auto& r = c.result;
  const char* v = report::verdict_name(c.verdict);
  h << "<section class=\"case\" id=\"" << a(anchor(r.info.id)) << "\" data-id=\"" << a(r.info.id)
    << "\" data-verdict=\"" << v << "\">\n";
  h << "<h2><span class=\"v-" << v << "\">" << verdict_label(c) << "</span> " << e(r.info.id) << "</h2>\n";
  if (!r.info.title.empty()) h << "<div>" << e(r.info.title) << "</div>\n";
  if (!r.info.requirement.empty()) h << "<p class=\"req\">" << e(r.info.requirement) << "</p>\n";
  h << "<div class=\"meta\">" << runner::grade_name(r.info.grade) << " &middot; " << runner::status_name(r.status)
    << " &middot; " << secs(r.duration);
  if (!r.info.source.empty()) h << " &middot; source: " << e(r.info.source);
  h << "</div>\n";
  if (!c.note.empty()) h << "<p class=\"note v-" << v << "\">" << e(c.note) << "</p>\n";
  if (!r.expected.empty() || !r.observed.empty()) {
    h << "<div class=\"evo\"><div class=\"expected\"><b>expected</b><pre>" << e(r.expected)
      << "</pre></div><div class=\"observed\"><b>observed</b><pre>" << e(r.observed) << "</pre></div></div>\n";
  }
  if (!r.details.empty()) h << "<pre class=\"details\">" << e(r.details) << "</pre>\n";
  bool show = c.verdict != Verdict::passed || o.passed_transcripts;
  if (show && !r.transcript.empty()) {
    h << "<details" << (report::fails_run(c.verdict) ? " open" : "") << "><summary>transcript (" << r.transcript.size()
      << " records)</summary>\n";
    timeline(h, r.transcript, o);
    h << "</details>\n";
  }
  h << "</section>\n";
}

}  // namespace

std::string render_html(const report::RunReport& report, const HtmlOptions& o) {
  auto n = report.counts();
  std::ostringstream h;
  std::string title = "cph " + report.suite + " report";
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" << e(title) << "</title>\n<style>"
    << kStyle << "</style></head><body>\n";
  h << "<h1>" << e(title) << "</h1>\n";
  bool ok = report.exit_code() == 0;
  h << "<p id=\"result\" class=\"" << (ok ? "v-passed" : "v-unexpected-failure") << "\">" << (ok ? "OK" : "FAILED")
    << " (exit code " << report.exit_code() << ")" << (report.strict ? ", --strict" : "")
    << (report.baseline.empty() ? "" : ", baseline " + e(report.baseline))
    << (report.go.empty() ? "" : ", graded for " + e(report.go)) << "</p>\n";
  h << "<table id=\"summary\"><tr><th>cases</th><th>passed</th><th>failed</th><th>errors</th><th>skipped</th>"
       "<th>known failures</th><th>tolerated</th><th>unexpected</th><th>stale</th><th>time</th></tr>\n<tr>";
  for (size_t v :
       {n.total, n.passed, n.failed, n.errors, n.skipped, n.known_failures, n.tolerated, n.unexpected, n.stale}) {
    h << "<td>" << v << "</td>";
  }
  h << "<td>" << secs(report.wall) << "</td></tr></table>\n";
  for (const auto& s : report.unused_baseline_entries) {
    h << "<p class=\"stale-entry v-stale-pass\">stale baseline entry " << e(s) << " matches no case</p>\n";
  }
  h << "<p><label><input type=\"checkbox\" id=\"only-problems\"> show only cases that did not pass</label></p>\n";
  h << "<table id=\"cases\"><tr><th>case</th><th>grade</th><th>status</th><th>verdict</th><th>time</th>"
       "<th>title</th></tr>\n";
  for (const auto& c : report.cases) {
    const auto& r = c.result;
    const char* v = report::verdict_name(c.verdict);
    h << "<tr class=\"case-row\" data-id=\"" << a(r.info.id) << "\" data-verdict=\"" << v << "\"><td><a href=\"#"
      << a(anchor(r.info.id)) << "\">" << e(r.info.id) << "</a></td><td>" << runner::grade_name(r.info.grade)
      << "</td><td>" << runner::status_name(r.status) << "</td><td class=\"v-" << v << "\">" << v << "</td><td>"
      << secs(r.duration) << "</td><td>" << e(r.info.title) << "</td></tr>\n";
  }
  h << "</table>\n";
  for (const auto& c : report.cases) case_section(h, c, o);
  h << "<script>" << kScript << "</script>\n</body></html>\n";
  return h.str();
}

}  // namespace cph::report
