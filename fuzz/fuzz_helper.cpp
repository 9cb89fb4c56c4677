// Fuzzes a live helper, coverage-guided: the input bytes decode into one
// short helper life (fuzzer/op_bytes.hpp: puts, re-puts, gets, bursts,
// hostile requests, kills, storage faults, closes; the life ends with go's
// close), which the protocol fuzzer's executor runs against a fresh helper
// in a fresh directory, checking every reply against its model exactly as
// `cph fuzz` does (docs/fuzzer.md). A finding prints its class, its text and
// the operations, then traps from a function named after the class, so
// libFuzzer saves, deduplicates (one stack per class) and minimises it.
// `cph replay INPUT` runs a saved input again.
//
// Environment (docs/fuzzer.md, "Coverage-guided campaigns"):
//   CPH_FUZZ_HELPER         the helper command, split like GOCACHEPROG, with
//                           {dir} (the life's cache directory), {seed} and
//                           {here} (this program's directory). When unset:
//                           the first line of fuzz_helper.helper next to this
//                           program (an engine that passes no environment,
//                           e.g. ClusterFuzzLite, reads it from $OUT), else
//                           cph-fake next to this program or where the build
//                           put it, with --dir {dir}
//   CPH_FUZZ_REPLY_TIMEOUT  per reply, handshake and exit (default 2s)
//   CPH_FUZZ_MAX_OPS        operations per life (default 64)
//   CPH_FUZZ_HARNESS_EDGES  1: the harness's own edges count as feedback
//                           even when the helper's coverage arrives
//
// Helper coverage, two ways, both folded into an array in the
// `__libfuzzer_extra_counters` section, which libFuzzer (clang 14:
// FuzzerExtraCounters.cpp) reads as coverage after each input, so a new
// branch of the helper makes an input interesting:
//   Go: every life runs with its own GOCOVERDIR (a fresh directory, removed
//   after). A helper built with `go build -cover` writes its counters there
//   when it exits (cover/go_counters.hpp).
//   C or C++: CPH_FUZZ_SANCOV_SHM names a file this program maps, cleared
//   before each life. A helper built with clang's
//   -fsanitize-coverage=trace-pc-guard and linking fuzz/cph_sancov_runtime.c
//   counts its edges into it as they run (cover/sancov_segment.hpp), so a
//   life that ends in a kill or a hang gives its coverage too.
// When the helper gives coverage, the
// harness's own edges (this program's SanitizerCoverage counters) are
// cleared after the life, so the helper's coverage is the only feedback: the
// harness's edges follow timing (how a reply was split across reads, poll
// wake-ups) more than the helper, and measured they filled the corpus with
// inputs no different for the helper (292 inputs after 3,000 runs,
// docs/fuzzer.md "Proof"). CPH_FUZZ_HARNESS_EDGES=1 keeps them. A helper
// that gives neither is fuzzed with the harness's edges alone, and the
// target says so once on stderr.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cover/go_counters.hpp"
#include "cover/sancov_segment.hpp"
#include "fuzzer/executor.hpp"
#include "fuzzer/op_bytes.hpp"
#include "input/duration.hpp"
#include "proc/quoted_split.hpp"
#include "proc/temp_dir.hpp"

// The helper's coverage, as libFuzzer's extra counters (cleared by libFuzzer
// before each input). In replay builds it is a plain array nobody reads.
__attribute__((section("__libfuzzer_extra_counters"))) uint8_t cph_helper_counters[1 << 16];

// This program's own inline 8-bit counters (-fsanitize-coverage, the fuzz
// preset); weak, so null where nothing is instrumented.
extern "C" __attribute__((weak)) uint8_t __start___sancov_cntrs[];
extern "C" __attribute__((weak)) uint8_t __stop___sancov_cntrs[];

namespace {

namespace fs = std::filesystem;
using namespace cph;

struct Config {
  std::vector<std::string> helper;
  bool harness_edges = false;
  std::chrono::milliseconds reply_timeout{2000};
  fuzzer::DecodeOptions decode;
};

[[noreturn]] void config_error(const std::string& what) {
  std::fprintf(stderr, "fuzz_helper: %s\n", what.c_str());
  std::exit(2);
}

std::vector<std::string> split_command(const std::string& where, const std::string& line, const fs::path& here) {
  proc::QuotedSplit split = proc::quoted_split(line);
  if (!split.ok()) config_error(where + ": " + split.error);
  if (split.fields.empty()) config_error(where + " is blank");
  for (auto& f : split.fields) {
    const std::string h = here.string();
    for (size_t at = f.find("{here}"); at != std::string::npos; at = f.find("{here}", at + h.size())) {
      f.replace(at, 6, h);
    }
  }
  return split.fields;
}

Config load_config() {
  Config c;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path here = ec ? fs::current_path() : self.parent_path();
  const fs::path helper_file = here / "fuzz_helper.helper";
  if (const char* helper = std::getenv("CPH_FUZZ_HELPER"); helper && *helper) {
    c.helper = split_command("CPH_FUZZ_HELPER", helper, here);
  } else if (std::ifstream f(helper_file); f) {
    std::string line;
    std::getline(f, line);
    c.helper = split_command(helper_file.string(), line, here);
  } else if (fs::exists(here / "cph-fake", ec)) {
    c.helper = {(here / "cph-fake").string(), "--dir", "{dir}"};
  } else {
#ifdef CPH_FUZZ_FAKE_BIN
    c.helper = {CPH_FUZZ_FAKE_BIN, "--dir", "{dir}"};
#else
    config_error("set CPH_FUZZ_HELPER to the helper command (with {dir})");
#endif
  }
  if (const char* t = std::getenv("CPH_FUZZ_REPLY_TIMEOUT")) {
    input::DurationResult d = input::parse_duration(t);
    if (!d || std::chrono::duration_cast<std::chrono::milliseconds>(*d.value).count() <= 0) {
      config_error(std::string("CPH_FUZZ_REPLY_TIMEOUT ") + t + ": " + (d ? "want at least 1ms" : d.error));
    }
    c.reply_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d.value);
  }
  if (const char* n = std::getenv("CPH_FUZZ_MAX_OPS")) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(n, &end, 10);
    if (!*n || *end || v == 0 || v > 4096) config_error(std::string("CPH_FUZZ_MAX_OPS ") + n + ": want 1 to 4096");
    c.decode.max_ops = v;
  }
  if (const char* e = std::getenv("CPH_FUZZ_HARNESS_EDGES")) c.harness_edges = std::string_view(e) == "1";
  std::string cmd;
  for (const auto& a : c.helper) cmd += (cmd.empty() ? "" : " ") + a;
  std::fprintf(stderr, "fuzz_helper: helper: %s (reply timeout %lld ms, at most %zu ops a life)\n", cmd.c_str(),
               static_cast<long long>(c.reply_timeout.count()), c.decode.max_ops);
  return c;
}

const Config& config() {
  static const Config c = load_config();
  return c;
}

// The C/C++ helpers' segment, one for this process (each -fork or -jobs
// worker is a process of its own), named to the helpers through the
// environment they inherit.
cover::SancovSegment& sancov_segment() {
  static proc::TempDir dir("cph-fuzz-sancov");
  static cover::SancovSegment segment(fs::path(dir.path()) / "counters");
  static const bool named = ::setenv(cover::kSancovEnv, segment.path().c_str(), 1) == 0;
  (void)named;
  return segment;
}

constexpr size_t kLivesBeforeSaying = 8;

bool has_counter_file(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind("covcounters.", 0) == 0) return true;
  }
  return false;
}

// One trap site per class: libFuzzer's -fork mode and ClusterFuzzLite tell
// findings apart by their stack.
[[noreturn, gnu::noinline]] void found_crash() { __builtin_trap(); }
[[noreturn, gnu::noinline]] void found_hang() { __builtin_trap(); }
[[noreturn, gnu::noinline]] void found_protocol() { __builtin_trap(); }
[[noreturn, gnu::noinline]] void found_corruption() { __builtin_trap(); }
[[noreturn, gnu::noinline]] void found_after_close() { __builtin_trap(); }

[[noreturn]] void report(const fuzzer::Trace& trace, const fuzzer::Failure& f) {
  std::fprintf(stderr, "fuzz_helper: finding: %s: %s\n", fuzzer::failure_class_name(f.cls),
               fuzzer::describe(f).c_str());
  std::fprintf(stderr, "fuzz_helper: the life (trace seed %llu, %zu ops; `cph replay INPUT` runs it again):\n",
               static_cast<unsigned long long>(trace.seed), trace.ops.size());
  for (size_t i = 0; i < trace.ops.size(); ++i) {
    std::fprintf(stderr, "  [%zu] %s\n", i, fuzzer::describe(trace.ops[i]).c_str());
  }
  std::fflush(stderr);
  switch (f.cls) {
    case fuzzer::FailureClass::crash: found_crash();
    case fuzzer::FailureClass::hang: found_hang();
    case fuzzer::FailureClass::protocol: found_protocol();
    case fuzzer::FailureClass::corruption: found_corruption();
    case fuzzer::FailureClass::after_close: found_after_close();
  }
  __builtin_trap();
}

// One life of the helper, its coverage folded into cph_helper_counters;
// `gave`: whether the helper gave any. Its temp directory is gone on return.
std::optional<fuzzer::Failure> run_life(const fuzzer::Trace& trace, const Config& c, bool& gave) {
  fuzzer::ExecOptions eo;
  eo.reply_timeout = c.reply_timeout;
  // This life's GOCOVERDIR, removed after it. The helper inherits it: no
  // other thread runs between lives.
  proc::TempDir cover_dir;
  ::setenv("GOCOVERDIR", cover_dir.path().c_str(), 1);
  cover::SancovSegment& segment = sancov_segment();
  segment.clear();
  fuzzer::ExecResult r = fuzzer::execute(trace, eo, nullptr);
  const std::span<uint8_t> counters(cph_helper_counters, sizeof cph_helper_counters);
  gave = segment.fold_into(counters) > 0;
  if (has_counter_file(cover_dir.path())) {
    gave = true;
    try {
      cover::fold_counter_dir(cover_dir.path(), counters);
    } catch (const std::exception& e) {
      static bool told = false;
      if (!told) std::fprintf(stderr, "fuzz_helper: unreadable Go coverage counters: %s\n", e.what());
      told = true;
    }
  }
  return std::move(r.failure);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Config& c = config();
  const fuzzer::DecodedOps d =
      fuzzer::decode_ops(std::string_view(reinterpret_cast<const char*>(data), size), c.decode);
  fuzzer::Trace trace;
  trace.seed = d.seed;
  trace.helper = c.helper;
  trace.ops = d.ops;
  bool gave = false;
  const std::optional<fuzzer::Failure> failure = run_life(trace, c, gave);
  // A Go helper's life that ends in a kill leaves no counters: say it only
  // when the first lives all gave none.
  static size_t lives = 0, covered = 0;
  ++lives;
  if (gave) {
    ++covered;
  } else if (covered == 0 && lives == kLivesBeforeSaying) {
    std::fprintf(stderr,
                 "fuzz_helper: the helper gave no coverage in %zu lives: no Go counters in GOCOVERDIR (not built "
                 "with `go build -cover`?) and no SanitizerCoverage counters in %s (not built with clang's "
                 "-fsanitize-coverage=trace-pc-guard and fuzz/cph_sancov_runtime.c?): fuzzing with the harness's "
                 "own edges alone\n",
                 lives, cover::kSancovEnv);
  }
  // Once the helper has given coverage, it is the only feedback, also for a
  // life that left none (a kill, a crash). Cleared only now that the life's
  // temp directory is gone: its removal walks proc's registry, a set ordered
  // by random names, so those edges differed run to run (one seed's runs to
  // a finding spread from 1,380 to 2,389 until they were cleared too).
  uint8_t *begin = __start___sancov_cntrs, *end = __stop___sancov_cntrs;
  if (covered > 0 && !c.harness_edges && begin && end > begin) {
    std::memset(begin, 0, static_cast<size_t>(end - begin));
  }
  if (failure) report(trace, *failure);
  return 0;
}
