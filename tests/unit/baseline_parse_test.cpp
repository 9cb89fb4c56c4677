// The known-failures file: format, errors naming file:line, rewriting.
#include "runner/baseline.hpp"

#include <gtest/gtest.h>

#include "runner/case.hpp"

using namespace cph::runner;

static std::string error_of(const std::string& text) {
  try {
    Baseline::parse(text, "base.txt");
  } catch (const BaselineError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(BaselineParse, EntriesCommentsAndExpectedMessages) {
  auto b = Baseline::parse(
      "# header comment\n"
      "\n"
      "close/exit-after-reply # expected: exited pre-Close with 1 pending requests\n"
      "   hostile/**\t# just a note\r\n"
      "get/plain\n",
      "base.txt");
  ASSERT_EQ(b.entries.size(), 3u);
  EXPECT_EQ(b.header, "# header comment\n");
  EXPECT_EQ(b.entries[0].pattern, "close/exit-after-reply");
  ASSERT_TRUE(b.entries[0].expected.has_value());
  EXPECT_EQ(*b.entries[0].expected, "exited pre-Close with 1 pending requests");
  EXPECT_EQ(b.entries[0].line, 3);
  EXPECT_EQ(b.entries[1].pattern, "hostile/**");
  EXPECT_FALSE(b.entries[1].expected.has_value());
  EXPECT_EQ(b.entries[1].line, 4);
  EXPECT_EQ(b.entries[2].pattern, "get/plain");
  EXPECT_EQ(b.where(b.entries[2]), "base.txt:5");
}

TEST(BaselineParse, FindUsesGlobsInFileOrder) {
  auto b = Baseline::parse("close/a\nclose/*\n", "b");
  ASSERT_NE(b.find("close/a"), nullptr);
  EXPECT_EQ(b.find("close/a")->line, 1);
  EXPECT_EQ(b.find("close/z")->line, 2);
  EXPECT_EQ(b.find("close/a/deeper"), b.find("close/a"));  // a plain ID covers its subtree
  EXPECT_EQ(b.find("get/a"), nullptr);
}

TEST(BaselineParse, BadLinesNameFileAndLine) {
  EXPECT_EQ(
      error_of("ok/one\nclose/a b\n"),
      "base.txt:2: unexpected text after case ID \"close/a\": \"b\" (one ID per line; comments start with \"#\")");
  EXPECT_EQ(error_of("close/a # expected:   \n"), "base.txt:1: empty message after \"# expected:\"");
  EXPECT_EQ(error_of("a/b\n# c\na/b # again\n"), "base.txt:3: duplicate entry \"a/b\" (first at line 1)");
  EXPECT_EQ(error_of("a/b#x\n"), "base.txt:1: \"#\" inside case ID \"a/b#x\" (put a space before a comment)");
  EXPECT_EQ(error_of("a/\x01\n"), "base.txt:1: control character in case ID");
}

TEST(BaselineParse, LoadNamesAMissingFile) {
  try {
    Baseline::load("/nonexistent/dir/base.txt");
    FAIL() << "no error";
  } catch (const BaselineError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/dir/base.txt: cannot read baseline file");
  }
}

TEST(BaselineRender, ListsFailuresKeepsUntouchedEntriesAndHeader) {
  auto old = Baseline::parse("# my helper's known failures\nother/x # expected: foo\nclose/a\n", "b");
  std::vector<CaseResult> ran(4);
  ran[0].info.id = "close/a";  // now passes: dropped
  ran[1].info.id = "close/b";
  ran[1].status = Status::fail;
  ran[1].observed = std::string("exited pre-Close with 2 pending requests\nsecond line");
  ran[2].info.id = "close/c";
  ran[2].status = Status::error;
  ran[2].details = "hang";
  ran[3].info.id = "close/info";
  ran[3].info.grade = Grade::info;
  ran[3].status = Status::fail;
  std::string text = render_baseline(&old, ran);
  EXPECT_EQ(text,
            "# my helper's known failures\n"
            "other/x # expected: foo\n"
            "close/b # expected: exited pre-Close with\n"
            "close/c # expected: hang\n");
  // What it writes parses back.
  auto again = Baseline::parse(text, "b");
  EXPECT_EQ(again.entries.size(), 3u);
}

TEST(BaselineRender, ExpectedMessagesStopBeforeWhatChangesBetweenRuns) {
  std::vector<CaseResult> ran(3);
  for (auto& r : ran) r.status = Status::fail;
  ran[0].info.id = "a/path";
  ran[0].observed = std::string("DiskPath content differs: /tmp/cph-check-Ab12/o/1f");
  ran[1].info.id = "a/duration";
  ran[1].observed = std::string("no reply to ID 3 within 5 s");
  ran[2].info.id = "a/short";
  ran[2].observed = std::string("got 7");
  const std::string text = render_baseline(nullptr, ran);
  EXPECT_EQ(text.substr(text.find("a/path")),
            "a/path # expected: DiskPath content differs\n"
            "a/duration # expected: no reply to ID\n"
            "a/short\n");
}

TEST(BaselineRender, LongMessagesAreCutAtACharacterBoundary) {
  std::vector<CaseResult> ran(1);
  ran[0].info.id = "x/y";
  ran[0].status = Status::fail;
  ran[0].observed = std::string(119, 'a') + "\xc3\xa9" + std::string(50, 'b');  // é across byte 120
  std::string text = render_baseline(nullptr, ran);
  auto b = Baseline::parse(text, "b");
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(*b.entries[0].expected, std::string(119, 'a'));
}
