// `cph replay TRACE [--minimize] [-- HELPER ARGS...]`: runs a saved fuzz
// trace again (the same operations, bytes and {seed}s) and says whether it
// fails, and how; --minimize shrinks it by delta debugging to a short trace
// that still fails with the same class (docs/fuzzer.md). TRACE may also be
// an input of the coverage-guided helper target (fuzz/fuzz_helper.cpp): it
// is converted to a trace (fuzzer/fuzz_input.hpp), its ops printed, and run
// against the helper after `--` or in CPH_FUZZ_HELPER.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/command.hpp"
#include "cli/report_options.hpp"
#include "fuzzer/campaign.hpp"
#include "fuzzer/executor.hpp"
#include "fuzzer/fuzz_input.hpp"
#include "fuzzer/minimizer.hpp"
#include "fuzzer/trace_file.hpp"
#include "input/duration.hpp"
#include "proc/quoted_split.hpp"
#include "proc/temp_dir.hpp"

namespace cph::cli {

namespace {

struct ReplayOptions {
  std::string trace;
  std::vector<std::string> command;
  bool minimize = false;
  size_t max_replays = fuzzer::MinimizeOptions{}.max_replays;
  size_t attempts = fuzzer::kDefaultAttempts;
  std::string reply_timeout = "5s";
  size_t max_reply_bytes = wire::kDefaultMaxReplyBytes;
  std::string output;
  std::string transcript;
  bool fuzz_input = false;  // TRACE is a fuzz_helper input, whatever its first byte
  std::string save_trace;   // write the trace run (an input converted) to FILE
  std::string save_input;   // write the trace as a fuzz_helper input to FILE
};

// The trace of TRACE: a trace file, or a fuzz_helper input converted (its
// ops printed, its helper from CPH_FUZZ_HELPER unless `--` gives one).
bool load_replay_trace(const ReplayOptions& o, fuzzer::Trace& trace) {
  std::string bytes;
  try {
    bytes = fuzzer::read_file_bytes(o.trace);
  } catch (const fuzzer::TraceError& e) {
    std::cerr << "cph replay: " << e.what() << "\n";
    return false;
  }
  if (!o.fuzz_input && fuzzer::looks_like_trace(bytes)) {
    try {
      trace = fuzzer::parse_trace(bytes, o.trace);
    } catch (const fuzzer::TraceError& e) {
      std::cerr << "cph replay: " << e.what() << "\n  (a fuzz_helper input that starts with '{': --fuzz-input)\n";
      return false;
    }
    return true;
  }
  trace = fuzzer::trace_from_input(bytes);
  if (const char* env = std::getenv("CPH_FUZZ_HELPER"); env && *env) {
    proc::QuotedSplit split = proc::quoted_split(env);
    if (!split.ok()) {
      std::cerr << "cph replay: CPH_FUZZ_HELPER: " << split.error << "\n";
      return false;
    }
    trace.helper = split.fields;
  }
  std::cout << "fuzz input " << o.trace << ": trace seed " << trace.seed << ", " << trace.ops.size()
            << " operations (then go's close)\n";
  for (size_t i = 0; i < trace.ops.size(); ++i) std::cout << "  [" << i << "] " << describe(trace.ops[i]) << "\n";
  return true;
}

std::string minimized_path(const std::string& trace) {
  const std::string suffix = ".trace.json";
  if (trace.size() > suffix.size() && trace.compare(trace.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return trace.substr(0, trace.size() - suffix.size()) + ".min.trace.json";
  }
  return trace + ".min.json";
}

int run_replay(const ReplayOptions& o) {
  fuzzer::Trace trace;
  if (!load_replay_trace(o, trace)) return kExitUsage;
  const std::vector<std::string> command = helper_command(o.command);
  if (!command.empty()) trace.helper = command;
  try {
    if (!o.save_input.empty()) fuzzer::write_file_bytes(o.save_input, fuzzer::input_from_trace(trace));
    if (!o.save_trace.empty()) fuzzer::save_trace(o.save_trace, trace);
  } catch (const fuzzer::TraceError& e) {
    std::cerr << "cph replay: " << e.what() << "\n";
    return kExitUsage;
  }
  if (!o.save_input.empty() || !o.save_trace.empty()) return kExitOk;  // converted, not run
  if (trace.helper.empty()) {
    std::cerr << "cph replay: " << o.trace << ": no helper command (give one after --"
              << (trace.failure ? "" : " or in CPH_FUZZ_HELPER") << ")\n";
    return kExitUsage;
  }
  const input::DurationResult timeout = input::parse_duration(o.reply_timeout);
  if (!timeout || std::chrono::duration_cast<std::chrono::milliseconds>(*timeout.value).count() <= 0) {
    std::cerr << "cph replay: --reply-timeout " << o.reply_timeout << ": "
              << (timeout ? "want at least 1ms" : timeout.error) << "\n";
    return kExitUsage;
  }
  fuzzer::ExecOptions eo;
  eo.reply_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout.value);
  eo.max_reply_bytes = o.max_reply_bytes;

  // An unusable TMPDIR is a configuration error (2, from main), found first.
  { proc::TempDir probe; }
  std::vector<wire::TranscriptRecord> records;
  fuzzer::Trace run = trace;
  run.failure.reset();
  fuzzer::ExecResult r = fuzzer::execute(run, eo, &records);
  // A failure found inside a concurrency burst may depend on timing (a get
  // answered before its put was stored is a legitimate miss): when the trace
  // does not fail as recorded, it is tried once more with every burst made
  // sequential, as the minimiser does first.
  bool sequential = false;
  auto reproduced = [&](const fuzzer::ExecResult& x) { return x.failure && x.failure->cls == trace.failure->cls; };
  if (trace.failure && !reproduced(r)) {
    fuzzer::Trace seq = run;
    for (auto& op : seq.ops) op.async = false;
    if (seq.ops != run.ops) {
      std::vector<wire::TranscriptRecord> seq_records;
      fuzzer::ExecResult rs = fuzzer::execute(seq, eo, &seq_records);
      if (reproduced(rs)) {
        r = std::move(rs);
        records = std::move(seq_records);
        sequential = true;
      }
    }
  }
  if (!o.transcript.empty()) {
    try {
      fuzzer::save_transcript(o.transcript, records);
    } catch (const fuzzer::TraceError& e) {
      std::cerr << "cph replay: " << e.what() << "\n";
      return kExitUsage;
    }
  }
  std::cout << "replay of " << o.trace << " (" << trace.ops.size() << " operations"
            << (sequential ? ", bursts made sequential" : "")
            << "): " << (r.failure ? describe(*r.failure) : "no failure") << "\n";
  if (trace.failure) {
    const bool same = r.failure && r.failure->cls == trace.failure->cls;
    std::cout << "  recorded: " << describe(*trace.failure) << "\n  "
              << (same ? "reproduced (same class)" : "NOT reproduced") << "\n";
  }
  if (!o.minimize) return r.failure ? kExitFindings : kExitOk;

  fuzzer::Trace target = trace;
  if (!target.failure) target.failure = r.failure;
  if (!target.failure) {
    std::cerr << "cph replay: --minimize: the trace does not fail, nothing to minimise\n";
    return kExitOk;
  }
  fuzzer::MinimizeOptions mo;
  mo.max_replays = o.max_replays;
  mo.attempts = o.attempts;
  mo.exec = eo;
  const bool live = ::isatty(STDERR_FILENO);
  mo.progress = [&](size_t replays, size_t ops) {
    if (live) std::fprintf(stderr, "\r\033[K  minimising: %zu replays, %zu operations", replays, ops);
  };
  fuzzer::MinimizeResult m = fuzzer::minimize(target, mo);
  if (live) std::fprintf(stderr, "\r\033[K");
  std::cout << "the original reproduces in " << m.original_failures << " of " << m.original_runs
            << " replays (each with other {seed}s)";
  if (m.original_failures < m.original_runs) {
    std::cout << ": a candidate counts as failing if any of its " << o.attempts << " replays fails";
  }
  std::cout << "\n";
  if (!m.reproduced) {
    std::cout << "minimise: the trace no longer fails with class " << fuzzer::failure_class_name(target.failure->cls)
              << "; nothing written\n";
    return r.failure ? kExitFindings : kExitOk;
  }
  const std::string out = o.output.empty() ? minimized_path(o.trace) : o.output;
  try {
    fuzzer::save_trace(out, m.trace);
  } catch (const fuzzer::TraceError& e) {
    std::cerr << "cph replay: " << e.what() << "\n";
    return kExitUsage;
  }
  std::cout << "minimised: " << trace.ops.size() << " -> " << m.trace.ops.size() << " operations in " << m.replays
            << " replays: " << describe(*m.trace.failure) << "\n  it reproduces in " << m.minimal_failures << " of "
            << m.minimal_runs << " replays\n  written to " << out << "\n";
  for (size_t i = 0; i < m.trace.ops.size(); ++i) std::cout << "  [" << i << "] " << describe(m.trace.ops[i]) << "\n";
  return kExitFindings;
}

Runner setup(CLI::App& sub) {
  auto o = std::make_shared<ReplayOptions>();
  sub.footer(
      "Examples:\n"
      "  cph replay --reply-timeout 1s cph-fuzz-findings/fuzz-6e4e8f3d5fc98118-hang.trace.json\n"
      "  cph replay --minimize --reply-timeout 1s cph-fuzz-findings/fuzz-6e4e8f3d5fc98118-hang.trace.json\n"
      "  cph replay cph-fuzz-findings/fuzz-6e4e8f3d5fc98118-hang.trace.json -- build/default/fakes/cph-fake --dir "
      "{dir}\n\n"
      "(The trace is the one the second example of `cph fuzz --help` writes.)\n"
      "TRACE is a file `cph fuzz` saved. Without \"-- HELPER ARGS\" the trace's own helper command runs.\n"
      "TRACE may be an input fuzz/fuzz_helper saved (crash-*, a corpus file): its ops are printed and run against\n"
      "the helper after -- or in CPH_FUZZ_HELPER. --save-trace and --save-input only convert (nothing runs).\n"
      "--minimize writes TRACE with .min.trace.json (or --output FILE). It first replays the original --attempts\n"
      "times and says how often it reproduces; each replay gives the helper other {seed}s.\n"
      "Exit status: 0 the trace does not fail, 1 it fails, 2 usage or a bad trace file.");
  sub.add_option("trace", o->trace, "The trace file, or an input of fuzz/fuzz_helper (any file not starting with '{')")
      ->required();
  sub.add_flag("--fuzz-input", o->fuzz_input, "TRACE is a fuzz_helper input even if it starts with '{'");
  sub.add_option("--save-trace", o->save_trace, "Write the trace (an input converted) to FILE and stop")
      ->type_name("FILE");
  sub.add_option("--save-input", o->save_input,
                 "Write the trace as a fuzz_helper input (a seed for a coverage-guided campaign) to FILE and stop")
      ->type_name("FILE");
  sub.add_flag("--minimize", o->minimize, "Shrink the failing trace by delta debugging (default: off)");
  sub.add_option("--max-replays", o->max_replays, "Bound on the runs --minimize may make, attempts included")
      ->capture_default_str();
  sub.add_option("--attempts", o->attempts,
                 "--minimize: replays per candidate (a finding that reproduces only sometimes counts as failing if "
                 "any fails; 25 miss a 1-in-6 finding about once in 100)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  sub.add_option("--reply-timeout", o->reply_timeout, "Deadline of each reply, handshake and exit")
      ->type_name("D")
      ->capture_default_str();
  cli::add_max_reply_bytes_option(sub, o->max_reply_bytes);
  sub.add_option("--output,-o", o->output, "Where --minimize writes (default: TRACE as .min.trace.json)")
      ->type_name("FILE");
  sub.add_option("--transcript", o->transcript, "Write the replay's transcript (JSON Lines) to FILE")
      ->type_name("FILE");
  sub.add_option("command", o->command, "HELPER ARGS... (after --)")->allow_extra_args();
  sub.positionals_at_end();
  return [o] { return run_replay(*o); };
}

CommandRegistration registration("replay", "Replay a fuzz trace against a helper; --minimize shrinks it", setup);

}  // namespace

}  // namespace cph::cli
