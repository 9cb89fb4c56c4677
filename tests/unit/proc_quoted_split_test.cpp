// quoted_split must split exactly like Go's cmd/internal/quoted.Split,
// including its error texts (they reach the user as "GOCACHEPROG args: ...").
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "proc/quoted_split.hpp"

namespace cph::proc {
namespace {

using Fields = std::vector<std::string>;

struct SplitCase {
  const char* input;
  Fields want;
  const char* error;
};

// Failures, and ctest's test names (gtest_discover_tests ends them in the
// parameter as gtest prints it), show the input as a C string; gtest's
// fallback would print the struct's bytes, pointers included, which change
// from run to run.
void PrintTo(const SplitCase& c, std::ostream* os) { *os << ::testing::PrintToString(std::string(c.input)); }

class QuotedSplitTest : public ::testing::TestWithParam<SplitCase> {};

TEST_P(QuotedSplitTest, MatchesGo) {
  const SplitCase& c = GetParam();
  const QuotedSplit got = quoted_split(c.input);
  EXPECT_EQ(got.error, c.error) << "input: " << c.input;
  EXPECT_EQ(got.fields, c.want) << "input: " << c.input;
}

// The first rows are Go's own TestSplit table (quoted_test.go).
INSTANTIATE_TEST_SUITE_P(GoTable, QuotedSplitTest,
                         ::testing::Values(SplitCase{"", {}, ""}, SplitCase{"a", {"a"}, ""},
                                           SplitCase{" a ", {"a"}, ""}, SplitCase{"a b", {"a", "b"}, ""},
                                           SplitCase{"\t a \n b \r", {"a", "b"}, ""}, SplitCase{"'a b'", {"a b"}, ""},
                                           SplitCase{"\"a b\"", {"a b"}, ""}, SplitCase{"'a' b", {"a", "b"}, ""},
                                           SplitCase{"a 'b'", {"a", "b"}, ""}, SplitCase{"a'b c'", {"a'b", "c'"}, ""},
                                           SplitCase{"'a", {}, "unterminated ' string"},
                                           SplitCase{"\"a", {}, "unterminated \" string"},
                                           SplitCase{"ok 'bad", {}, "unterminated ' string"},
                                           SplitCase{"'' \"\"", {"", ""}, ""}, SplitCase{"'a\\'", {"a\\"}, ""},
                                           SplitCase{"'a''b'", {"a", "b"}, ""}, SplitCase{"\v", {"\v"}, ""}));

}  // namespace
}  // namespace cph::proc
