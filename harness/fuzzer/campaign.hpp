// A fuzz campaign (`cph fuzz`): rounds of generated traces against a helper
// until the operation budget or the time is spent. Round r runs the trace of
// seed derive_seed(seed, r) in a fresh directory (so a finding replays from
// its own trace alone); a failing round is cut after the last operation it
// started (a burst's later requests may matter) and saved with its
// transcript under the output directory.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fuzzer/executor.hpp"
#include "fuzzer/generator.hpp"
#include "fuzzer/trace_file.hpp"
#include "wire/transcript.hpp"

namespace cph::fuzzer {

struct CampaignOptions {
  uint64_t seed = 1;
  std::vector<std::string> helper;
  size_t iterations = 10000;                          // operations in all (when no duration)
  std::optional<std::chrono::milliseconds> duration;  // instead: run until this much time has passed
  size_t round_ops = 2000;                            // operations per round (one trace)
  GeneratorOptions generator;
  ExecOptions exec;
  std::string out_dir = "cph-fuzz-findings";  // "" saves nothing
  bool keep_going = false;                    // go on after a finding
  // Run first, one round each (--corpus: the inputs a coverage-guided
  // campaign left, decoded by op_bytes.hpp); their ops count in the budget.
  // The generated rounds that follow are those of a run without them.
  std::vector<Trace> corpus;
};

struct RoundResult {
  size_t index = 0;
  Trace trace;  // cut after the last op started when it failed
  ExecStats stats;
  std::chrono::nanoseconds wall{0};
  std::vector<wire::TranscriptRecord> transcript;  // kept for failures only
  std::string trace_path, transcript_path;         // where a finding was saved
  std::string save_error;
};

struct CampaignProgress {
  size_t ops = 0;  // done so far, all rounds
  size_t findings = 0;
  std::chrono::nanoseconds elapsed{0};
};

struct CampaignResult {
  std::vector<RoundResult> rounds;
  ExecStats stats;
  size_t findings = 0;
  std::chrono::nanoseconds wall{0};
  double ops_per_second() const;
};

CampaignResult run_campaign(const CampaignOptions& options,
                            const std::function<void(const CampaignProgress&)>& progress = {});

// Where round `seed`'s finding of class `cls` is saved: DIR/fuzz-<seed>-<class>.trace.json
std::string finding_path(const std::string& dir, uint64_t seed, FailureClass cls);
void save_transcript(const std::string& path, const std::vector<wire::TranscriptRecord>& records);

}  // namespace cph::fuzzer
