#include "scenario/scenario_go.hpp"

#include <fstream>
#include <sstream>

namespace cph::scenario {

namespace {

std::string script_of(const Scenario& s) {
  if (s.fake_inline) return s.fake_inline->dump();
  if (s.fake_file.empty()) return "";
  std::ifstream in(s.fake_file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::vector<GoCondition> default_go_conditions() {
  std::vector<GoCondition> out;
  for (const char* name : {"build", "old-module", "cold", "list"}) {
    std::string why;
    out.push_back(*gocmd::parse_go_condition(name, why));
  }
  return out;
}

std::vector<CaseDescriptor> scenario_go_cases(const std::vector<Scenario>& scenarios,
                                              const std::vector<GoCondition>& conditions,
                                              std::shared_ptr<GoBench> bench) {
  std::vector<CaseDescriptor> out;
  for (const auto& sc : scenarios) {
    if (!sc.go) continue;
    auto scenario = std::make_shared<Scenario>(sc);
    for (const auto& c : conditions) {
      CaseDescriptor d;
      const GoOutcome expected = sc.go->at(c);
      std::string args;
      for (const auto& a : c.go_args()) args += " " + a;
      d.info = {sc.id + "@go:" + c.name(),
                sc.title,
                "go" + args + " (" + c.name() + ") against this fake: " + expected.describe(),
                sc.source.empty() ? sc.file : sc.source,
                Grade::must,
                c.store == gocmd::GoStore::cold ? std::chrono::minutes(15) : std::chrono::minutes(2)};
      d.run = [scenario, c, expected, bench](CaseContext&) {
        GoRun r = bench->run(script_of(*scenario), scenario->fake_args, {c}).front();
        std::string observed =
            r.hang ? "hang (killed after " + std::to_string(static_cast<int>(r.seconds)) + " s)" : r.status;
        std::string err = r.stderr_text;
        while (!err.empty() && err.back() == '\n') err.pop_back();
        std::string details = "scenario " + scenario->file + "; go stderr:\n" + (err.empty() ? "(empty)" : err);
        if (gocmd::go_outcome_matches(expected, r)) return CaseOutcome::pass(observed);
        if (!err.empty()) observed += ", stderr: " + (err.size() > 300 ? err.substr(0, 300) + "..." : err);
        return CaseOutcome::fail(expected.describe(), observed, details);
      };
      out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace cph::scenario
