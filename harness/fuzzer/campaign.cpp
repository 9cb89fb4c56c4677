#include "fuzzer/campaign.hpp"

#include <filesystem>
#include <fstream>

#include "fuzzer/rng.hpp"

namespace cph::fuzzer {

namespace {
using Clock = std::chrono::steady_clock;
}

double CampaignResult::ops_per_second() const {
  const double s = std::chrono::duration<double>(wall).count();
  return s > 0 ? static_cast<double>(stats.ops) / s : 0;
}

std::string finding_path(const std::string& dir, uint64_t seed, FailureClass cls) {
  return (std::filesystem::path(dir) / ("fuzz-" + seed_hex(seed) + "-" + failure_class_name(cls) + ".trace.json"))
      .string();
}

void save_transcript(const std::string& path, const std::vector<wire::TranscriptRecord>& records) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  for (const auto& r : records) {
    f << wire::Transcript::to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  f.flush();
  if (!f) throw TraceError(path + ": cannot write the transcript");
}

CampaignResult run_campaign(const CampaignOptions& o, const std::function<void(const CampaignProgress&)>& progress) {
  CampaignResult out;
  const auto start = Clock::now();
  const auto end = o.duration ? start + *o.duration : Clock::time_point::max();
  CampaignProgress p;
  for (size_t r = 0;; ++r) {
    const size_t left = o.duration ? o.round_ops : o.iterations - std::min(o.iterations, out.stats.ops);
    if (left == 0 || Clock::now() >= end) break;
    RoundResult round;
    round.index = r;
    if (r < o.corpus.size()) {
      round.trace = o.corpus[r];
      round.trace.failure.reset();
      if (!o.duration && round.trace.ops.size() > left) round.trace.ops.resize(left);
    } else {
      round.trace.seed = derive_seed(o.seed, r - o.corpus.size());
      round.trace.ops = generate_ops(round.trace.seed, std::min(left, o.round_ops), o.generator);
    }
    round.trace.helper = o.helper;

    runner::CaseInfo info{"fuzz/round", "fuzz round", "", "", runner::Grade::must, std::chrono::milliseconds(0)};
    // Time-boxed runs stop mid-round at the end (no failure: the round is just shorter).
    runner::CancelToken cancel(o.duration ? end : Clock::now() + std::chrono::hours(24 * 365));
    wire::Transcript transcript;
    runner::CaseContext ctx{info, cancel, transcript};
    ExecOptions eo = o.exec;
    const size_t before = out.stats.ops;
    eo.progress = [&](size_t done) {
      if (!progress) return;
      p.ops = before + done;
      p.elapsed = Clock::now() - start;
      progress(p);
    };
    const auto t0 = Clock::now();
    ExecResult res = execute(round.trace, eo, ctx);
    round.wall = Clock::now() - t0;
    round.stats = res.stats;
    out.stats.add(res.stats);
    if (res.failure) {
      ++out.findings;
      ++p.findings;
      round.trace.failure = res.failure;
      // Cut after the last op started, not the failing one: in a burst, later
      // requests may be what made an earlier reply go wrong.
      round.trace.ops.resize(std::min(round.trace.ops.size(), res.stats.ops));
      round.transcript = transcript.records();
      if (!o.out_dir.empty()) {
        round.trace_path = finding_path(o.out_dir, round.trace.seed, res.failure->cls);
        round.transcript_path = round.trace_path.substr(0, round.trace_path.size() - 11) + ".transcript.jsonl";
        try {
          save_trace(round.trace_path, round.trace);
          save_transcript(round.transcript_path, round.transcript);
        } catch (const TraceError& e) {
          round.save_error = e.what();
        }
      }
    } else {
      round.trace.ops.clear();  // regenerable from the seed; long campaigns keep no op lists
    }
    out.rounds.push_back(std::move(round));
    if (res.failure && !o.keep_going) break;
  }
  out.wall = Clock::now() - start;
  return out;
}

}  // namespace cph::fuzzer
