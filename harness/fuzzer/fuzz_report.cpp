#include "fuzzer/fuzz_report.hpp"

#include <cstdio>

namespace cph::fuzzer {

std::string round_id(size_t index) {
  char id[32];
  std::snprintf(id, sizeof id, "fuzz/round-%04zu", index);
  return id;
}

std::string describe_finding(const RoundResult& round) {
  std::string s = describe(*round.trace.failure) + "\n  after " + std::to_string(round.trace.ops.size()) +
                  " operations of round " + std::to_string(round.index) + " (trace seed " + seed_hex(round.trace.seed) +
                  ")";
  if (!round.trace_path.empty()) {
    s += "\n  trace: " + round.trace_path + "\n  transcript: " + round.transcript_path + "\n  replay: cph replay " +
         round.trace_path + " --minimize";
  }
  if (!round.save_error.empty()) s += "\n  not saved: " + round.save_error;
  return s;
}

report::RunReport fuzz_report(const CampaignResult& result, uint64_t seed) {
  runner::RunResults run;
  run.wall = result.wall;
  std::vector<std::string> ids;
  for (const auto& round : result.rounds) {
    runner::CaseResult c;
    c.info.id = round_id(round.index);
    c.info.title = "random session of " + std::to_string(round.stats.ops) + " operations, trace seed " +
                   seed_hex(round.trace.seed) + " (campaign seed " + std::to_string(seed) + ")";
    c.info.requirement =
        "The helper neither crashes, hangs nor breaks the protocol, and every hit serves exactly what was put.";
    c.info.source = "cph fuzz";
    c.duration = round.wall;
    if (round.trace.failure) {
      c.status = runner::Status::fail;
      c.expected = "no failure";
      c.observed = describe(*round.trace.failure);
      c.details = describe_finding(round);
      c.transcript = round.transcript;
    } else {
      c.observed = std::to_string(round.stats.ops) + " operations, " + std::to_string(round.stats.hits) + " hits, " +
                   std::to_string(round.stats.helpers_started) + " helpers started";
    }
    ids.push_back(c.info.id);
    run.results.push_back(std::move(c));
  }
  return report::judge("fuzz", std::move(run), nullptr, ids, false);
}

}  // namespace cph::fuzzer
