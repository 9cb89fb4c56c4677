// Glob selection of profile variants ("close/clean@go1.21"); the base rules
// are in glob_test.cpp.
#include <gtest/gtest.h>

#include "runner/glob.hpp"

using cph::runner::glob_match;

TEST(GlobVariants, PlainPatternSelectsVariants) {
  EXPECT_TRUE(glob_match("close/clean", "close/clean@go1.21"));
  EXPECT_TRUE(glob_match("close", "close/clean@go1.21"));
  EXPECT_TRUE(glob_match("close/*", "close/clean@go1.21"));
  EXPECT_TRUE(glob_match("close/*@go1.21", "close/clean@go1.21"));
  EXPECT_FALSE(glob_match("close/*@go1.24", "close/clean@go1.21"));
  EXPECT_FALSE(glob_match("close/clea", "close/clean@go1.21"));
  EXPECT_FALSE(glob_match("close/clean@go1.2", "close/clean@go1.21"));
}
