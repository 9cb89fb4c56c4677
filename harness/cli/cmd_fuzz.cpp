// `cph fuzz [options] -- HELPER ARGS...`: the protocol fuzzer against a live
// helper (docs/fuzzer.md). Rounds of random sessions, every reply checked
// against a model; each finding saved as a replayable trace plus transcript.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/command.hpp"
#include "cli/report_options.hpp"
#include "fuzzer/campaign.hpp"
#include "fuzzer/fuzz_input.hpp"
#include "fuzzer/fuzz_report.hpp"
#include "fuzzer/rng.hpp"
#include "input/duration.hpp"
#include "proc/temp_dir.hpp"
#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/junit_report.hpp"

namespace cph::cli {

namespace {

struct FuzzOptions {
  std::vector<std::string> command;
  std::string helper;
  uint64_t seed = 1;
  std::string duration;
  size_t iterations = 10000;
  bool hostile = false;
  int64_t max_body = 4 << 20;
  size_t round_ops = 2000;
  std::string reply_timeout = "5s";
  size_t max_reply_bytes = wire::kDefaultMaxReplyBytes;
  std::string out = "cph-fuzz-findings";
  bool keep_going = false;
  std::string json, junit, html;
  bool quiet = false;
  std::string corpus;         // run these inputs (or traces) first
  std::string export_inputs;  // write the generated ops as fuzz_helper inputs instead of running them
};

// --export-inputs DIR: the rounds' operations, cut into lives of at most
// DecodeOptions::max_ops, written as fuzz_helper inputs (seeds for a
// coverage-guided campaign); no helper runs.
int export_inputs(const FuzzOptions& o, const fuzzer::CampaignOptions& c) {
  std::error_code ec;
  std::filesystem::create_directories(o.export_inputs, ec);
  if (ec) {
    std::cerr << "cph fuzz: --export-inputs " << o.export_inputs << ": " << ec.message() << "\n";
    return kExitUsage;
  }
  const fuzzer::DecodeOptions d;
  size_t written = 0, ops = 0;
  for (size_t r = 0; ops < c.iterations; ++r) {
    const uint64_t seed = fuzzer::derive_seed(c.seed, r);
    const auto round = fuzzer::generate_ops(seed, std::min(c.iterations - ops, c.round_ops), c.generator);
    ops += round.size();
    for (size_t at = 0; at < round.size(); at += d.max_ops) {
      const std::vector<fuzzer::Op> life(round.begin() + at, round.begin() + std::min(round.size(), at + d.max_ops));
      const std::string path = (std::filesystem::path(o.export_inputs) /
                                ("seed-" + fuzzer::seed_hex(seed) + "-" + std::to_string(at / d.max_ops)))
                                   .string();
      try {
        fuzzer::write_file_bytes(path, fuzzer::encode_ops(seed, life, d));
      } catch (const fuzzer::TraceError& e) {
        std::cerr << "cph fuzz: " << e.what() << "\n";
        return kExitUsage;
      }
      ++written;
    }
  }
  std::cout << "cph fuzz: " << written << " fuzz_helper inputs (" << ops << " operations) written to "
            << o.export_inputs << "\n";
  return kExitOk;
}

// Redraws "ops, ops/s, findings" on a terminal at most every 250 ms.
class ProgressLine {
 public:
  explicit ProgressLine(bool live) : live_(live) {}
  void update(const fuzzer::CampaignProgress& p) {
    if (!live_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double s = std::chrono::duration<double>(p.elapsed).count();
    std::fprintf(stderr, "\r\033[K  %zu ops  %.0f ops/s  %zu finding%s  %s", p.ops, s > 0 ? p.ops / s : 0.0, p.findings,
                 p.findings == 1 ? "" : "s", input::format_duration(p.elapsed).c_str());
    shown_ = true;
  }
  void clear() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
    shown_ = false;
  }

 private:
  bool live_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

std::string write_file(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text << std::flush;
    return "";
  }
  std::ofstream f(path + ".tmp", std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) return path + ": cannot write";
  std::error_code ec;
  std::filesystem::rename(path + ".tmp", path, ec);
  return ec ? path + ": " + ec.message() : "";
}

int run_fuzz(const FuzzOptions& o) {
  fuzzer::CampaignOptions c;
  if (!resolve_helper("fuzz", o.helper, o.command, c.helper)) return kExitUsage;
  if (!o.export_inputs.empty()) {
    c.seed = o.seed;
    c.iterations = o.iterations;
    c.round_ops = o.round_ops;
    c.generator.max_body = o.max_body;
    c.generator.hostile = o.hostile;
    return export_inputs(o, c);
  }
  if (c.helper.empty()) {
    std::cerr << "cph fuzz: no helper: cph fuzz [options] -- HELPER ARGS... (see --help)\n";
    return kExitUsage;
  }
  if (!o.duration.empty()) {
    const input::DurationResult d = input::parse_duration(o.duration);
    if (!d) {
      std::cerr << "cph fuzz: --duration " << o.duration << ": " << d.error << "\n";
      return kExitUsage;
    }
    c.duration = std::chrono::duration_cast<std::chrono::milliseconds>(*d.value);
  }
  const input::DurationResult timeout = input::parse_duration(o.reply_timeout);
  if (!timeout || std::chrono::duration_cast<std::chrono::milliseconds>(*timeout.value).count() <= 0) {
    std::cerr << "cph fuzz: --reply-timeout " << o.reply_timeout << ": "
              << (timeout ? "want at least 1ms" : timeout.error) << "\n";
    return kExitUsage;
  }
  int to_stdout = (o.json == "-") + (o.junit == "-") + (o.html == "-");
  if (to_stdout > 1) {
    std::cerr << "cph fuzz: only one of --json, --junit, --html can be '-' (standard output)\n";
    return kExitUsage;
  }
  c.seed = o.seed;
  c.iterations = o.iterations;
  c.round_ops = o.round_ops;
  c.generator.max_body = o.max_body;
  c.generator.hostile = o.hostile;
  c.exec.reply_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout.value);
  c.exec.max_reply_bytes = o.max_reply_bytes;
  c.out_dir = o.out;
  c.keep_going = o.keep_going;
  if (!o.corpus.empty()) {
    try {
      for (auto& e : fuzzer::load_corpus(o.corpus)) c.corpus.push_back(std::move(e.trace));
    } catch (const fuzzer::TraceError& e) {
      std::cerr << "cph fuzz: --corpus " << e.what() << "\n";
      return kExitUsage;
    }
  }

  // An unusable TMPDIR is a configuration error (2, from main), found first.
  { proc::TempDir probe; }
  std::ostream& text = to_stdout > 0 ? std::cerr : std::cout;
  ProgressLine line(!o.quiet && ::isatty(STDERR_FILENO));
  fuzzer::CampaignResult result = fuzzer::run_campaign(c, [&](const fuzzer::CampaignProgress& p) { line.update(p); });
  line.clear();

  const auto& s = result.stats;
  for (const auto& round : result.rounds) {
    if (round.trace.failure) {
      text << "FAIL " << fuzzer::round_id(round.index) << ": " << fuzzer::describe_finding(round) << "\n";
    }
  }
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f", result.ops_per_second());
  text << "cph fuzz: seed " << o.seed << ", " << s.ops << " operations in " << result.rounds.size() << " round"
       << (result.rounds.size() == 1 ? "" : "s") << ", " << input::format_duration(result.wall) << " (" << rate
       << " ops/s), " << s.helpers_started << " helpers started\n"
       << "  puts " << s.puts << ", gets " << s.gets << " (hits " << s.hits << ", misses " << s.misses
       << "), Err replies " << s.err_replies << ", hostile inputs " << s.hostile << "\n"
       << (c.corpus.empty()
               ? ""
               : "  the first " + std::to_string(c.corpus.size()) + " rounds: the inputs of " + o.corpus + "\n")
       << (result.findings == 0 ? std::string("no findings")
                                : std::to_string(result.findings) + " finding" + (result.findings == 1 ? "" : "s"))
       << "\n";

  int code = result.findings > 0 ? kExitFindings : kExitOk;
  if (!o.json.empty() || !o.junit.empty() || !o.html.empty()) {
    report::RunReport report = fuzzer::fuzz_report(result, o.seed);
    for (auto [path, render] : {std::pair{o.json, &report::render_json}, std::pair{o.junit, &report::render_junit}}) {
      if (path.empty()) continue;
      if (auto problem = write_file(path, render(report)); !problem.empty()) {
        std::cerr << "cph fuzz: " << problem << "\n";
        code = kExitUsage;
      }
    }
    if (!o.html.empty()) {
      if (auto problem = write_file(o.html, report::render_html(report)); !problem.empty()) {
        std::cerr << "cph fuzz: " << problem << "\n";
        code = kExitUsage;
      }
    }
  }
  return code;
}

Runner setup(CLI::App& sub) {
  auto o = std::make_shared<FuzzOptions>();
  sub.footer(
      "Examples:\n"
      "  cph fuzz --iterations 2000 -- build/default/fakes/cph-fake --dir {dir}\n"
      "  cph fuzz --reply-timeout 1s -- build/default/fakes/cph-fake --dir {dir} --seed {seed} --script "
      "scenarios/fake-scripts/fuzz-min-drop-reply.jsonc\n"
      "  cph fuzz --seed 7 --duration 10s --hostile --max-body 65536 --json fuzz.json -- build/default/fakes/cph-fake "
      "--dir {dir}\n\n"
      "\"{dir}\" in the helper's arguments is the round's cache directory (kept across restarts), \"{seed}\" a\n"
      "number derived from the trace seed and the helper's start count. A finding is saved as\n"
      "OUT/fuzz-<seed>-<class>.trace.json plus .transcript.jsonl (the second example writes\n"
      "cph-fuzz-findings/fuzz-6e4e8f3d5fc98118-hang.trace.json); `cph replay TRACE --minimize` shrinks it.\n"
      "Exit status: 0 no finding, 1 a finding, 2 usage.");
  sub.add_option("--seed", o->seed, "Campaign seed: the same seed and helper give the same operations")
      ->capture_default_str();
  auto* iters = sub.add_option("--iterations,-n", o->iterations, "Operations to run in all")->capture_default_str();
  sub.add_option("--duration", o->duration, "Run for this long instead (30s, 5m, 1h)")->type_name("D")->excludes(iters);
  sub.add_flag("--hostile", o->hostile, "Mix in malformed requests (default: off)");
  sub.add_option("--max-body", o->max_body, "Largest put body in bytes")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 32))
      ->capture_default_str();
  sub.add_option("--round-ops", o->round_ops, "Operations per round (one trace, one cache directory)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 24))
      ->capture_default_str();
  sub.add_option("--reply-timeout", o->reply_timeout, "Deadline of each reply, handshake and exit")
      ->type_name("D")
      ->capture_default_str();
  cli::add_max_reply_bytes_option(sub, o->max_reply_bytes);
  sub.add_option("--out", o->out, "Directory for findings (trace + transcript)")->capture_default_str();
  sub.add_flag("--keep-going", o->keep_going, "Go on after a finding (default: stop at the first)");
  sub.add_option("--json", o->json, "Write the JSON report to FILE ('-': stdout)")->type_name("FILE");
  sub.add_option("--junit", o->junit, "Write a JUnit XML report to FILE ('-': stdout)")->type_name("FILE");
  sub.add_option("--html", o->html, "Write a self-contained HTML report to FILE ('-': stdout)")->type_name("FILE");
  sub.add_flag("--quiet,-q", o->quiet, "No progress line (default: shown on a terminal)");
  sub.add_option("--corpus", o->corpus,
                 "Run every file of DIR first, one round each: fuzz_helper inputs (a coverage-guided campaign's "
                 "corpus) or traces")
      ->type_name("DIR");
  sub.add_option("--export-inputs", o->export_inputs,
                 "Write the generated operations as fuzz_helper inputs (seeds) to DIR instead; no helper runs")
      ->type_name("DIR");
  sub.add_option("--helper", o->helper, "The helper command line, split as go splits GOCACHEPROG")
      ->type_name("\"CMD ARGS\"");
  sub.add_option("command", o->command, "HELPER ARGS... (after --)")->allow_extra_args();
  sub.positionals_at_end();
  return [o] { return run_fuzz(*o); };
}

CommandRegistration registration("fuzz", "Fuzz a live GOCACHEPROG helper with random sessions, checked against a model",
                                 setup);

}  // namespace

}  // namespace cph::cli
