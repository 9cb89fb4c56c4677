// The coverage-guided target's inputs on the command line (fuzz/fuzz_helper.cpp,
// fuzzer/fuzz_input.hpp): `cph replay INPUT` prints the ops and runs them
// against the helper after -- (or CPH_FUZZ_HELPER), exit 1 on a finding;
// --save-input / --save-trace convert both ways; `cph fuzz --export-inputs`
// writes seeds without a helper and `cph fuzz --corpus DIR` runs them first.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzzer/fuzz_input.hpp"
#include "fuzzer/trace_file.hpp"
#include "proc/temp_dir.hpp"
#include "run_program.hpp"

namespace {

using cph::test::Ran;

Ran cph(std::vector<std::string> args, std::vector<std::string> env = {}) {
  std::vector<std::string> argv{CPH_CLI_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return cph::test::run_program(argv, {"", env});
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void write(const std::string& path, std::initializer_list<int> bytes) {
  std::ofstream f(path, std::ios::binary);
  for (int b : bytes) f.put(static_cast<char>(b));
}

const std::string kCrashOnThirdPut = std::string(CPH_SOURCE_DIR) + "/scenarios/fake-scripts/fuzz-min-crash-put.jsonc";

TEST(FuzzHelperCli, ReplayOfAnInputPrintsItsOpsAndRunsThem) {
  cph::proc::TempDir d;
  const std::string in = d.path() + "/crash-input";
  write(in, {5, 0x00, 3, 1, 0x00, 4, 2, 0x07, 0, 0x00, 5, 3});  // seed 5: put k0, put k1, get k0, put k2
  Ran clean = cph({"replay", in, "--", CPH_FAKE_BIN, "--dir", "{dir}"});
  EXPECT_EQ(clean.code, 0) << clean.out;
  EXPECT_TRUE(has(clean.out, "trace seed 5, 4 operations")) << clean.out;
  EXPECT_TRUE(has(clean.out, "[2] get k0")) << clean.out;
  // The same input against a helper that dies on its third put (its command from CPH_FUZZ_HELPER).
  Ran found = cph({"replay", in},
                  {"CPH_FUZZ_HELPER=" + std::string(CPH_FAKE_BIN) + " --dir {dir} --script " + kCrashOnThirdPut});
  EXPECT_EQ(found.code, 1) << found.out;
  EXPECT_TRUE(has(found.out, "crash at op 3")) << found.out;
  // No helper anywhere: a usage error naming both places.
  Ran none = cph({"replay", in}, {"CPH_FUZZ_HELPER="});
  EXPECT_EQ(none.code, 2) << none.out;
  EXPECT_TRUE(has(none.out, "CPH_FUZZ_HELPER")) << none.out;
}

TEST(FuzzHelperCli, TracesAndInputsConvertBothWays) {
  cph::proc::TempDir d;
  const std::string in = d.path() + "/in", trace = d.path() + "/t.trace.json", again = d.path() + "/in2";
  write(in, {9, 0x00, 17, 1, 0x84, 0, 0x87, 0, 0x0b, 0x0c, 3, 0x07, 0});
  Ran a = cph({"replay", "--save-trace", trace, in});
  ASSERT_EQ(a.code, 0) << a.out;
  const cph::fuzzer::Trace t = cph::fuzzer::load_trace(trace);
  EXPECT_EQ(t.seed, 9u);
  ASSERT_EQ(t.ops.size(), 6u);
  Ran b = cph({"replay", "--save-input", again, trace});
  ASSERT_EQ(b.code, 0) << b.out;
  const cph::fuzzer::Trace back = cph::fuzzer::trace_from_input(cph::fuzzer::read_file_bytes(again));
  EXPECT_EQ(back.ops, t.ops);
  EXPECT_EQ(back.seed, t.seed);
  // A file starting with '{' that is no trace: refused with its place, and a hint.
  const std::string brace = d.path() + "/brace";
  write(brace, {'{', 0x00, 3, 1});
  Ran bad = cph({"replay", brace, "--", CPH_FAKE_BIN, "--dir", "{dir}"});
  EXPECT_EQ(bad.code, 2) << bad.out;
  EXPECT_TRUE(has(bad.out, "--fuzz-input")) << bad.out;
  Ran forced = cph({"replay", "--fuzz-input", brace, "--", CPH_FAKE_BIN, "--dir", "{dir}"});
  EXPECT_EQ(forced.code, 0) << forced.out;
  EXPECT_TRUE(has(forced.out, "trace seed 123, 1 operations")) << forced.out;
}

TEST(FuzzHelperCli, FuzzExportsSeedsAndRunsACorpusFirst) {
  cph::proc::TempDir d;
  const std::string seeds = d.path() + "/seeds";
  Ran e = cph({"fuzz", "--export-inputs", seeds, "--iterations", "200", "--round-ops", "100"});
  ASSERT_EQ(e.code, 0) << e.out;
  EXPECT_TRUE(has(e.out, "4 fuzz_helper inputs (200 operations)")) << e.out;
  // A corpus whose one input crashes the scripted fake at its third put:
  // found in round 0, before any generated round.
  const std::string corpus = d.path() + "/corpus";
  std::filesystem::create_directories(corpus);
  write(corpus + "/three-puts", {1, 0x00, 3, 1, 0x00, 4, 2, 0x00, 5, 3});
  Ran f = cph({"fuzz", "--corpus", corpus, "--iterations", "3", "--out", d.path() + "/out", "--", CPH_FAKE_BIN, "--dir",
               "{dir}", "--script", kCrashOnThirdPut});
  EXPECT_EQ(f.code, 1) << f.out;
  EXPECT_TRUE(has(f.out, "FAIL fuzz/round-0000: crash")) << f.out;
  EXPECT_TRUE(has(f.out, "the first 1 rounds: the inputs of")) << f.out;
  Ran missing = cph({"fuzz", "--corpus", d.path() + "/nope", "--", CPH_FAKE_BIN, "--dir", "{dir}"});
  EXPECT_EQ(missing.code, 2) << missing.out;
}

}  // namespace
