// The Go test helper with planted bugs (tests/go-buggy-helper): correct
// enough to pass `cph check`, and each planted bug is a real corruption the
// fuzzer's model catches: its trace in tests/go-buggy-helper/traces/ fails
// `cph replay` with the bug on, and passes with `--bugs none`. Skipped, with
// the reason, without Go.
#include <gtest/gtest.h>

#include <string>

#include "go_buggy_helper.hpp"
#include "run_program.hpp"

namespace cph::test {
namespace {

using namespace std::chrono_literals;

TEST(GoBuggyHelper, PassesCphCheck) {
  std::string why;
  auto helper = go_buggy_helper(why);
  if (!helper) GTEST_SKIP() << why;
  Ran r = run_program({CPH_CLI_BIN, "check", "--", *helper, "--dir", "{dir}"}, {"", {}, 300s});
  EXPECT_EQ(r.code, 0) << r.out;
}

class GoBuggyHelperBug : public testing::TestWithParam<std::string> {};

TEST_P(GoBuggyHelperBug, ItsTraceFindsItAndTheBugFreeBuildPasses) {
  std::string why;
  auto helper = go_buggy_helper(why);
  if (!helper) GTEST_SKIP() << why;
  const std::string trace = std::string(CPH_SOURCE_DIR) + "/tests/go-buggy-helper/traces/" + GetParam() + ".trace.json";
  // Only this bug on: the trace must reach it, not another one.
  Ran on = run_program({CPH_CLI_BIN, "replay", trace, "--", *helper, "--dir", "{dir}", "--bugs", GetParam()},
                       {"", {}, 120s});
  EXPECT_EQ(on.code, 1) << on.out;
  EXPECT_NE(on.stdout_text.find("corruption at op"), std::string::npos) << on.out;
  Ran off =
      run_program({CPH_CLI_BIN, "replay", trace, "--", *helper, "--dir", "{dir}", "--bugs", "none"}, {"", {}, 120s});
  EXPECT_EQ(off.code, 0) << off.out;
}

INSTANTIATE_TEST_SUITE_P(Planted, GoBuggyHelperBug, testing::Values("size-ladder", "warm-get", "miss-reput"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace cph::test
