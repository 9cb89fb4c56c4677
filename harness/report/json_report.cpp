#include "report/json_report.hpp"

#include <chrono>

namespace cph::report {

static double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

nlohmann::json json_report(const report::RunReport& report) {
  using nlohmann::json;
  auto n = report.counts();
  json cases = json::array();
  for (const auto& c : report.cases) {
    const auto& r = c.result;
    json transcript = json::array();
    for (const auto& rec : r.transcript) transcript.push_back(wire::Transcript::to_json(rec));
    cases.push_back({
        {"id", r.info.id},
        {"title", r.info.title},
        {"requirement", r.info.requirement},
        {"source", r.info.source},
        {"grade", runner::grade_name(r.info.grade)},
        {"status", runner::status_name(r.status)},
        {"verdict", report::verdict_name(c.verdict)},
        {"note", c.note},
        {"expected", r.expected},
        {"observed", r.observed},
        {"details", r.details},
        {"duration_s", seconds(r.duration)},
        {"transcript", std::move(transcript)},
    });
  }
  return {
      {"schema", "cph-report/1"},
      {"suite", report.suite},
      {"go", report.go.empty() ? json(nullptr) : json(report.go)},
      {"strict", report.strict},
      {"baseline", report.baseline.empty() ? json(nullptr) : json(report.baseline)},
      {"duration_s", seconds(report.wall)},
      {"exit_code", report.exit_code()},
      {"summary",
       {{"total", n.total},
        {"passed", n.passed},
        {"failed", n.failed},
        {"errors", n.errors},
        {"skipped", n.skipped},
        {"known_failures", n.known_failures},
        {"tolerated", n.tolerated},
        {"unexpected", n.unexpected},
        {"stale", n.stale}}},
      {"stale_baseline_entries", report.unused_baseline_entries},
      {"cases", std::move(cases)},
  };
}

std::string render_json(const report::RunReport& report) {
  return json_report(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace cph::report
