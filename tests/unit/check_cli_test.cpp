// `cph check` as a command: usage errors exit 2, --strict and the baseline
// decide the exit code, a helper that cannot start is an error per case and
// never a hang.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "run_program.hpp"

namespace {

using cph::test::Ran;

Ran cph(std::vector<std::string> args, const std::string& cwd = "") {
  std::vector<std::string> argv{CPH_CLI_BIN, "check"};
  argv.insert(argv.end(), args.begin(), args.end());
  cph::test::RunOptions o;
  o.cwd = cwd;
  return cph::test::run_program(argv, o);
}

const std::string kNoClose = R"({"rules":[{"when":{"handshake":true},"do":{"set":{"KnownCommands":["get","put"]}}}]})";

TEST(CheckCli, UsageErrorsExit2) {
  EXPECT_EQ(cph({}).code, 2);
  Ran bad = cph({"--dialect", "go1.19", "--", CPH_FAKE_BIN});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("--dialect go1.19"), std::string::npos) << bad.out;
  Ran bad_go = cph({"--go", "go1.20", "--", CPH_FAKE_BIN});
  EXPECT_EQ(bad_go.code, 2);
  EXPECT_NE(bad_go.out.find("--go go1.20: want a Go release from go1.21 on"), std::string::npos) << bad_go.out;
  EXPECT_EQ(cph({"--helper", CPH_FAKE_BIN, "--", CPH_FAKE_BIN}).code, 2);
  Ran quote = cph({"--helper", std::string(CPH_FAKE_BIN) + " 'unterminated"});
  EXPECT_EQ(quote.code, 2);
  EXPECT_NE(quote.out.find("unterminated ' string"), std::string::npos) << quote.out;
  EXPECT_EQ(cph({"--only", "no-such-case", "--", CPH_FAKE_BIN}).code, 2);
}

// --go changes grades: --list shows close/reply as MUST for go1.21-go1.23
// and SHOULD from go1.24 on (go1.22 maps to the go1.21 profile).
TEST(CheckCli, GoReleaseSetsTheGrades) {
  Ran old_go = cph({"--list", "--go", "go1.22", "--only", "close/reply"});
  EXPECT_NE(old_go.out.find("close/reply  [MUST]"), std::string::npos) << old_go.out;
  Ran new_go = cph({"--list", "--go", "go1.24", "--only", "close/reply"});
  EXPECT_NE(new_go.out.find("close/reply  [SHOULD]"), std::string::npos) << new_go.out;
}

TEST(CheckCli, ListNeedsNoHelper) {
  Ran r = cph({"--list", "--only", "close"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("close/exit-after-reply  [MUST]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("handshake/"), std::string::npos) << r.out;
}

TEST(CheckCli, HelperGetsItsArgumentsAsWrittenInOurWorkingDirectory) {
  // A list-form inline script (CLI11 alone would split "[...]" at its
  // commas) and a relative --script (the helper runs in cph's directory, as
  // go runs it) reach cph-fake intact: both make the same finding.
  const std::string list =
      R"([{"when":{"command":"get"},"do":{"set":{"DiskPath":"wrong-content"}}},{"when":{"command":"put"},"do":{"delay":"1ms"}}])";
  for (const std::string& script : {list, std::string("scenarios/fake-scripts/wrong-content.json")}) {
    Ran r =
        cph({"--only", "get/hit-after-put", "--", CPH_FAKE_BIN, "--dir", "{dir}", "--script", script}, CPH_SOURCE_DIR);
    EXPECT_EQ(r.code, 1) << script << "\n" << r.out;
    EXPECT_NE(r.out.find("FAIL  get/hit-after-put"), std::string::npos) << script << "\n" << r.out;
  }
}

TEST(CheckCli, HelperArgumentsAfterDashDashIncludeOptions) {
  // --dir reaches cph-fake, not cph; {dir} becomes the case's directory.
  Ran r = cph({"--only", "persistence", "--", CPH_FAKE_BIN, "--dir", "{dir}"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("PASS  persistence/restart-serves"), std::string::npos) << r.out;
  Ran h = cph({"--only", "persistence", "--helper", std::string(CPH_FAKE_BIN) + " --dir '{dir}'"});
  EXPECT_EQ(h.code, 0) << h.out;
}

// (handshake/known-commands-close is INFO: go needs no close.)
TEST(CheckCli, StrictCountsShouldFailures) {
  std::vector<std::string> args = {
      "--only",     "get/miss-no-err", "--",
      CPH_FAKE_BIN, "--script",        R"({"rules":[{"when":{"command":"get"},"do":{"set":{"Err":"not found"}}}]})"};
  EXPECT_EQ(cph(args).code, 0);
  args.insert(args.begin(), "--strict");
  EXPECT_EQ(cph(args).code, 1);
}

TEST(CheckCli, BaselineToleratesAKnownFailureAndCatchesAStaleOne) {
  auto base = std::filesystem::temp_directory_path() / ("cph-check-baseline-" + std::to_string(::getpid()));
  std::ofstream(base) << "handshake/known-commands-close  # expected: KnownCommands\n";
  std::vector<std::string> args = {"--strict", "--baseline", base.string(), "--only", "handshake/known-commands-close",
                                   "--"};
  auto with = [&](std::vector<std::string> helper) {
    auto a = args;
    a.insert(a.end(), helper.begin(), helper.end());
    return cph(a);
  };
  EXPECT_EQ(with({CPH_FAKE_BIN, "--script", kNoClose}).code, 0);
  EXPECT_EQ(with({CPH_FAKE_BIN}).code, 1);  // it passes now: the baseline is stale
  std::filesystem::remove(base);
}

TEST(CheckCli, AHelperThatCannotStartIsAnErrorNotAHang) {
  Ran r = cph({"--only", "handshake", "--only", "close", "--", "/nonexistent/helper"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("no such file or directory"), std::string::npos) << r.out;
}

TEST(CheckCli, JunitCarriesTheCaseId) {
  auto junit = std::filesystem::temp_directory_path() / ("cph-check-junit-" + std::to_string(::getpid()) + ".xml");
  Ran r = cph({"--junit", junit.string(), "--only", "close/reply", "--", CPH_FAKE_BIN});
  EXPECT_EQ(r.code, 0) << r.out;
  std::ifstream f(junit);
  std::string xml((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("close/reply"), std::string::npos) << xml;
  std::filesystem::remove(junit);
}

}  // namespace
