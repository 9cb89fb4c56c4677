// ctest's names for parameterised tests end in the parameter as gtest prints
// it (gtest_discover_tests), and gtest's fallback for a type without PrintTo
// prints its bytes, pointers included: "40-byte object <A3-AB F4-0F ...>".
// Such a name changes from one process to the next (ASLR), so it is no use
// to `ctest -R` or to a list of failures. Every parameter type of this binary
// prints as text.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <sstream>
#include <string>

#include "run_program.hpp"

namespace {

TEST(TestNames, EveryParameterPrintsAsText) {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(n, 0) << "readlink /proc/self/exe";
  self[n] = '\0';
  const auto listed = cph::test::run_program({self, "--gtest_list_tests"});
  ASSERT_EQ(listed.code, 0) << listed.out;
  std::istringstream lines(listed.stdout_text);
  std::string suite, bytes;
  size_t tests = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    if (line[0] != ' ') {
      suite = line;
      continue;
    }
    ++tests;
    if (line.find("-byte object <") != std::string::npos) bytes += suite + line + "\n";
  }
  EXPECT_GT(tests, 100u) << listed.stdout_text;
  EXPECT_EQ(bytes, "") << "give these parameter types a PrintTo (a name generator alone is not enough: ctest appends "
                          "the printed parameter)";
}

}  // namespace
