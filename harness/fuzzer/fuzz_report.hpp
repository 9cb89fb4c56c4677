// A campaign as a run report, so `cph fuzz` writes the same JSON, JUnit and
// HTML reports as `cph check` and `cph scenarios`: one case per round
// ("fuzz/round-0003"), failed with its finding (class, op, message, trace
// file, transcript) or passed with its operation count.
#pragma once
#include "fuzzer/campaign.hpp"
#include "report/run_report.hpp"

namespace cph::fuzzer {

report::RunReport fuzz_report(const CampaignResult& result, uint64_t seed);

// A round's case ID: "fuzz/round-0003".
std::string round_id(size_t index);

// The finding's line for people, with how to replay and minimise it.
std::string describe_finding(const RoundResult& round);

}  // namespace cph::fuzzer
