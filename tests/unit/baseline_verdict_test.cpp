// Verdicts and exit codes: grades, --strict, and the baseline never going
// stale silently.
#include <gtest/gtest.h>

#include "report/run_report.hpp"

using namespace cph::runner;
using namespace cph::report;

namespace {

CaseResult result(std::string id, Status s, Grade g = Grade::must, std::string observed = "") {
  CaseResult r;
  r.info.id = std::move(id);
  r.info.grade = g;
  r.status = s;
  r.observed = std::move(observed);
  return r;
}

RunReport judge_one(CaseResult r, const Baseline* b, bool strict = false, std::vector<std::string> catalogue = {}) {
  if (catalogue.empty()) catalogue.push_back(r.info.id);
  RunResults run;
  run.results.push_back(std::move(r));
  return judge("check", std::move(run), b, catalogue, strict);
}

}  // namespace

TEST(Verdict, GradesAndStrict) {
  EXPECT_EQ(judge_one(result("a/b", Status::pass), nullptr).exit_code(), 0);
  EXPECT_EQ(judge_one(result("a/b", Status::skip), nullptr).exit_code(), 0);
  EXPECT_EQ(judge_one(result("a/b", Status::fail), nullptr).exit_code(), 1);
  EXPECT_EQ(judge_one(result("a/b", Status::fail), nullptr).cases[0].verdict, Verdict::unexpected_failure);

  auto should = judge_one(result("a/b", Status::fail, Grade::should), nullptr);
  EXPECT_EQ(should.cases[0].verdict, Verdict::tolerated);
  EXPECT_EQ(should.exit_code(), 0);
  EXPECT_EQ(judge_one(result("a/b", Status::fail, Grade::should), nullptr, true).exit_code(), 1);
  EXPECT_EQ(judge_one(result("a/b", Status::fail, Grade::info), nullptr, true).exit_code(), 0);
  // An error means the case could not be judged: it always counts.
  EXPECT_EQ(judge_one(result("a/b", Status::error, Grade::info), nullptr).exit_code(), 1);
}

TEST(Verdict, KnownFailureMatchesIdAndMessage) {
  auto b = Baseline::parse("close/* # expected: pending requests\n", "base.txt");
  auto known = judge_one(result("close/x", Status::fail, Grade::must, "exited pre-Close with 2 pending requests"), &b);
  EXPECT_EQ(known.cases[0].verdict, Verdict::known_failure);
  EXPECT_EQ(known.cases[0].note, "known failure, listed at base.txt:1");
  EXPECT_EQ(known.exit_code(), 0);

  auto other = judge_one(result("close/x", Status::fail, Grade::must, "unknown request ID 7"), &b);
  EXPECT_EQ(other.cases[0].verdict, Verdict::stale_message);
  EXPECT_EQ(other.cases[0].note,
            "listed at base.txt:1 expecting \"pending requests\" but failed with \"unknown request ID 7\"");
  EXPECT_EQ(other.exit_code(), 1);
}

TEST(Verdict, ListedCaseThatPassesFailsTheRun) {
  auto b = Baseline::parse("close/x\n", "base.txt");
  auto r = judge_one(result("close/x", Status::pass), &b);
  EXPECT_EQ(r.cases[0].verdict, Verdict::stale_pass);
  EXPECT_EQ(r.cases[0].note, "listed as a known failure at base.txt:1 but passed; remove it from the baseline");
  EXPECT_EQ(r.exit_code(), 1);
  EXPECT_EQ(r.counts().stale, 1u);
}

TEST(Verdict, ListedSkipIsNeitherStaleNorFailure) {
  auto b = Baseline::parse("close/x\n", "base.txt");
  EXPECT_EQ(judge_one(result("close/x", Status::skip), &b).exit_code(), 0);
}

TEST(Verdict, EntryMatchingNoCaseIsStale) {
  auto b = Baseline::parse("close/x\nclose/typo\n", "base.txt");
  auto r = judge_one(result("close/x", Status::fail), &b, false, {"close/x", "get/y"});
  ASSERT_EQ(r.unused_baseline_entries.size(), 1u);
  EXPECT_EQ(r.unused_baseline_entries[0], "base.txt:2: close/typo");
  EXPECT_EQ(r.exit_code(), 1);
  // An entry for a case that exists but was not selected is fine.
  auto b2 = Baseline::parse("get/y\n", "base.txt");
  EXPECT_EQ(judge_one(result("close/x", Status::pass), &b2, false, {"close/x", "get/y"}).exit_code(), 0);
}

TEST(Verdict, CountsAddUp) {
  RunResults run;
  run.results.push_back(result("a/1", Status::pass));
  run.results.push_back(result("a/2", Status::fail));
  run.results.push_back(result("a/3", Status::error));
  run.results.push_back(result("a/4", Status::skip));
  run.results.push_back(result("a/5", Status::fail, Grade::should));
  auto r = judge("check", std::move(run), nullptr, {"a/1", "a/2", "a/3", "a/4", "a/5"}, false);
  auto n = r.counts();
  EXPECT_EQ(n.total, 5u);
  EXPECT_EQ(n.passed, 1u);
  EXPECT_EQ(n.failed, 2u);
  EXPECT_EQ(n.errors, 1u);
  EXPECT_EQ(n.skipped, 1u);
  EXPECT_EQ(n.tolerated, 1u);
  EXPECT_EQ(n.unexpected, 2u);
}
