// The Markdown summary (--markdown, the GitHub job summary): the outcome, the
// counts, a table of the cases that did not pass with those failing the run
// first, stale baseline entries; every cell one line with hostile text
// neutralised (a '|' cannot split a row, '<' cannot open a tag).
#include "report/markdown_report.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace cph::runner;
using namespace cph::report;

namespace {

JudgedCase judged(std::string id, Status s, Verdict v) {
  JudgedCase j;
  j.result.info.id = std::move(id);
  j.result.status = s;
  j.verdict = v;
  return j;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// The cells of a table row "| a | b \| c |": {"a", "b \| c"}.
std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::string cell;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      cell += "\\|";
      ++i;
    } else if (row[i] == '|') {
      const size_t first = cell.find_first_not_of(' ');
      out.push_back(first == std::string::npos ? "" : cell.substr(first, cell.find_last_not_of(' ') - first + 1));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return out;
}

}  // namespace

TEST(MarkdownReport, CountsThenFailuresFirstWithEveryCellOnOneLine) {
  RunReport report;
  report.suite = "check";
  report.go = "go1.27";
  report.cases.push_back(judged("handshake/id0-first", Status::pass, Verdict::passed));
  auto tolerated = judged("close/reply", Status::fail, Verdict::tolerated);
  tolerated.result.info.grade = Grade::should;
  report.cases.push_back(tolerated);
  auto fail = judged("get/hit-after-put", Status::fail, Verdict::unexpected_failure);
  fail.result.expected = "the bytes put";
  fail.result.observed = "a | b\n<script>x</script> `code`";
  report.cases.push_back(fail);
  report.cases.push_back(judged("bodies/skip", Status::skip, Verdict::skipped));
  report.unused_baseline_entries.push_back("b.txt:2: old/x");

  const std::string md = cph::report::render_markdown(report);
  auto lines = lines_of(md);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "### cph check: FAILED");
  EXPECT_NE(md.find("graded for go1.27"), std::string::npos) << md;
  // The counts: one header, one alignment row, one row of numbers.
  auto header = std::find_if(lines.begin(), lines.end(), [](auto& l) { return l.rfind("| cases |", 0) == 0; });
  ASSERT_NE(header, lines.end()) << md;
  ASSERT_LT(header + 2, lines.end());
  // The unused baseline entry is stale.
  EXPECT_EQ(cells(*(header + 2)), (std::vector<std::string>{"4", "1", "2", "0", "1", "0", "1", "1", "1"})) << md;
  // The failures: the run's failure first, then the tolerated one; passes and skips not listed.
  auto table = std::find_if(lines.begin(), lines.end(), [](auto& l) { return l.rfind("| case |", 0) == 0; });
  ASSERT_NE(table, lines.end()) << md;
  ASSERT_LT(table + 3, lines.end());
  auto first = cells(*(table + 2));
  ASSERT_EQ(first.size(), 5u) << *(table + 2);
  EXPECT_EQ(first[0], "`get/hit-after-put`");
  EXPECT_EQ(first[1], "MUST");
  EXPECT_EQ(first[2], "**unexpected-failure**");
  EXPECT_EQ(first[3], "the bytes put");
  EXPECT_EQ(first[4], "a \\| b &lt;script&gt;x&lt;/script&gt; code");
  auto second = cells(*(table + 3));
  ASSERT_EQ(second.size(), 5u);
  EXPECT_EQ(second[0], "`close/reply`");
  EXPECT_EQ(second[2], "tolerated");
  EXPECT_EQ(md.find("handshake/id0-first"), std::string::npos) << md;
  EXPECT_EQ(md.find("bodies/skip"), std::string::npos) << md;
  EXPECT_NE(md.find("- b.txt:2: old/x"), std::string::npos) << md;
}

TEST(MarkdownReport, AllPassedSaysOkWithoutAFailureTable) {
  RunReport report;
  report.suite = "scenarios";
  report.cases.push_back(judged("close/reply", Status::pass, Verdict::passed));
  const std::string md = cph::report::render_markdown(report);
  EXPECT_EQ(lines_of(md)[0], "### cph scenarios: OK");
  EXPECT_EQ(md.find("| case |"), std::string::npos) << md;
}

TEST(MarkdownReport, LongCellsAreCutOnACharacterBoundary) {
  std::string text(150, 'a');
  text += "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
  std::string cell = cph::report::markdown_cell(text, 155);
  ASSERT_GE(cell.size(), 3u);
  EXPECT_EQ(cell.substr(cell.size() - 3), "...");
  std::string kept = cell.substr(0, cell.size() - 3);
  EXPECT_LE(kept.size(), 155u);
  // Ends after a whole two-byte character.
  EXPECT_EQ((kept.size() - 150) % 2, 0u) << kept.size();
}
