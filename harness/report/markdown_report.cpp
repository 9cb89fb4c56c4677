#include "report/markdown_report.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace cph::report {

std::string markdown_cell(const std::string& text, size_t limit) {
  std::string out;
  size_t kept = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (kept >= limit) {
      // Never cut inside a UTF-8 sequence.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
      out += "...";
      break;
    }
    char c = text[i];
    switch (c) {
      case '|': out += "\\|"; break;
      case '\n':
      case '\r':
      case '\t': out += ' '; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '`': break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += ' ';
        } else {
          out += c;
        }
    }
    ++kept;
  }
  return out;
}

std::string render_markdown(const RunReport& report) {
  auto n = report.counts();
  std::ostringstream md;
  const int code = report.exit_code();
  md << "### cph " << report.suite << ": " << (code == 0 ? "OK" : "FAILED") << "\n\n";
  std::vector<std::string> facts;
  if (!report.go.empty()) facts.push_back("graded for " + report.go);
  facts.push_back(report.strict ? "`--strict`: SHOULD failures count" : "MUST failures count (not `--strict`)");
  if (!report.baseline.empty()) facts.push_back("baseline " + markdown_cell(report.baseline));
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.1f s", std::chrono::duration<double>(report.wall).count());
  facts.push_back(wall);
  for (size_t i = 0; i < facts.size(); ++i) md << (i ? " · " : "") << facts[i];
  md << "\n\n";
  md << "| cases | passed | failed | errors | skipped | known failures | tolerated | unexpected | stale |\n"
     << "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
     << "| " << n.total << " | " << n.passed << " | " << n.failed << " | " << n.errors << " | " << n.skipped << " | "
     << n.known_failures << " | " << n.tolerated << " | " << n.unexpected << " | " << n.stale << " |\n";

  std::vector<const JudgedCase*> shown;
  for (const auto& c : report.cases) {
    if (c.verdict != Verdict::passed && c.verdict != Verdict::skipped) shown.push_back(&c);
  }
  std::stable_sort(shown.begin(), shown.end(),
                   [](const auto* a, const auto* b) { return fails_run(a->verdict) && !fails_run(b->verdict); });
  if (!shown.empty()) {
    md << "\n| case | grade | verdict | expected | observed |\n| --- | --- | --- | --- | --- |\n";
    for (const auto* c : shown) {
      const auto& r = c->result;
      std::string verdict = verdict_name(c->verdict);
      if (fails_run(c->verdict)) verdict = "**" + verdict + "**";
      std::string observed = r.observed.empty() ? r.details : r.observed;
      if (!c->note.empty()) observed += " (" + c->note + ")";
      md << "| `" << markdown_cell(r.info.id, 200) << "` | " << runner::grade_name(r.info.grade) << " | " << verdict
         << " | " << markdown_cell(r.expected) << " | " << markdown_cell(observed) << " |\n";
    }
  }
  if (!report.unused_baseline_entries.empty()) {
    md << "\nStale baseline entries (they match no case):\n\n";
    for (const auto& e : report.unused_baseline_entries) md << "- " << markdown_cell(e, 200) << "\n";
  }
  return md.str();
}

}  // namespace cph::report
