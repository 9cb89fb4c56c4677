#include "runner/glob.hpp"

#include <gtest/gtest.h>

using cph::runner::glob_match;

TEST(Glob, StarStopsAtSlash) {
  EXPECT_TRUE(glob_match("close/*", "close/exit-after-reply"));
  EXPECT_FALSE(glob_match("close/*", "close/a/b"));
  EXPECT_FALSE(glob_match("*", "close/a"));
}

TEST(Glob, DoubleStarCrossesSlash) {
  EXPECT_TRUE(glob_match("**", "close/a/b"));
  EXPECT_TRUE(glob_match("close/**/b", "close/a/x/b"));
  EXPECT_FALSE(glob_match("close/**/b", "open/a/b"));
}

TEST(Glob, QuestionMarkIsOneCharacter) {
  EXPECT_TRUE(glob_match("bodies/size-?", "bodies/size-3"));
  EXPECT_FALSE(glob_match("bodies/size-?", "bodies/size-30"));
}

TEST(Glob, PlainPatternSelectsSubtree) {
  EXPECT_TRUE(glob_match("close", "close"));
  EXPECT_TRUE(glob_match("close", "close/exit-after-reply"));
  EXPECT_FALSE(glob_match("close", "closed/x"));
  EXPECT_FALSE(glob_match("clo", "close/x"));
}

TEST(Glob, OnlyAndSkip) {
  using cph::runner::selected;
  EXPECT_TRUE(selected("a/b", {}, {}));
  EXPECT_FALSE(selected("a/b", {"c"}, {}));
  EXPECT_FALSE(selected("a/b", {"a"}, {"a/b"}));
}
