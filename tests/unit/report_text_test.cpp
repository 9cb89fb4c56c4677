// The text reporter: plain lines off a terminal, colour and a live line on
// one, NO_COLOR, failure details, transcript tails, the summary.
#include "report/text_reporter.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <optional>
#include <sstream>

using namespace cph::runner;
using namespace cph::report;
using cph::report::TextReporter;
using cph::report::TextStyle;

namespace {

JudgedCase judged(std::string id, Status s, Verdict v) {
  JudgedCase j;
  j.result.info.id = std::move(id);
  j.result.info.title = "a title";
  j.result.info.requirement = "The client MUST treat EOF before close as fatal.";
  j.result.info.source = "golang/go#70848";
  j.result.status = s;
  j.result.duration = std::chrono::milliseconds(12);
  j.verdict = v;
  return j;
}

// Sets an environment variable for one scope.
struct EnvVar {
  EnvVar(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~EnvVar() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST(TextReporter, PlainLinesAndFailureDetails) {
  std::ostringstream out;
  TextReporter rep(out, TextStyle{});
  auto pass = judged("get/hit", Status::pass, Verdict::passed);
  auto fail = judged("close/eof", Status::fail, Verdict::unexpected_failure);
  fail.result.expected = "fatal: GOCACHEPROG exited pre-Close with 1 pending requests";
  fail.result.observed = "ok\nsecond line";
  rep.case_started(pass.result.info);
  rep.case_finished(pass, 1, 2);
  rep.case_started(fail.result.info);
  rep.case_finished(fail, 2, 2);
  EXPECT_EQ(out.str(),
            "PASS  get/hit (12 ms)\n"
            "FAIL  close/eof [MUST] (12 ms)\n"
            "      title: a title\n"
            "      requirement: The client MUST treat EOF before close as fatal.\n"
            "      source: golang/go#70848\n"
            "      expected: fatal: GOCACHEPROG exited pre-Close with 1 pending requests\n"
            "      observed: ok\n"
            "        second line\n");
}

TEST(TextReporter, LabelsForEveryVerdict) {
  EXPECT_STREQ(cph::report::verdict_label(judged("a", Status::error, Verdict::unexpected_failure)), "ERROR");
  EXPECT_STREQ(cph::report::verdict_label(judged("a", Status::fail, Verdict::known_failure)), "KNOWN");
  EXPECT_STREQ(cph::report::verdict_label(judged("a", Status::pass, Verdict::stale_pass)), "STALE");
  auto should = judged("a", Status::fail, Verdict::tolerated);
  should.result.info.grade = Grade::should;
  EXPECT_STREQ(cph::report::verdict_label(should), "WARN");
  should.result.info.grade = Grade::info;
  EXPECT_STREQ(cph::report::verdict_label(should), "INFO");
}

TEST(TextReporter, ColourAndLiveProgressOnlyWhenAsked) {
  std::ostringstream out;
  TextStyle style;
  style.colour = true;
  style.live = true;
  TextReporter rep(out, style);
  rep.begin(2);
  auto pass = judged("get/hit", Status::pass, Verdict::passed);
  auto other = judged("get/miss", Status::pass, Verdict::passed);
  rep.case_started(pass.result.info);
  rep.case_started(other.result.info);
  rep.case_finished(pass, 1, 2);
  std::string s = out.str();
  EXPECT_NE(s.find("[0/2] running: get/hit get/miss"), std::string::npos) << s;
  EXPECT_NE(s.find("\r\x1b[K\x1b[32mPASS  \x1b[0mget/hit (12 ms)\n"), std::string::npos) << s;
  EXPECT_NE(s.find("[1/2] running: get/miss"), std::string::npos) << s;
}

TEST(TextReporter, ControlBytesInMessagesAreShownNotSent) {
  std::ostringstream out;
  TextReporter rep(out, TextStyle{});
  auto fail = judged("x/y", Status::fail, Verdict::unexpected_failure);
  fail.result.observed = std::string("\x1b[2Jgarbage\xff", 13);
  rep.case_finished(fail, 1, 1);
  EXPECT_NE(out.str().find("observed: \\x1b[2Jgarbage\\xff\\x00\n"), std::string::npos) << out.str();
}

TEST(TextReporter, VerboseShowsTheTranscriptTail) {
  std::ostringstream out;
  TextStyle style;
  style.verbose = true;
  style.transcript_tail = 2;
  TextReporter rep(out, style);
  auto fail = judged("x/y", Status::fail, Verdict::unexpected_failure);
  fail.result.transcript = {
      {0.0, cph::wire::Direction::from_helper, "{\"ID\":0}\n", {}},
      {0.001, cph::wire::Direction::to_helper, "{\"ID\":1,\"Command\":\"get\"}\n\n", {}},
      {0.002, cph::wire::Direction::event, "exit", {{"status", "exit status 3"}}},
  };
  rep.case_finished(fail, 1, 1);
  std::string s = out.str();
  EXPECT_NE(s.find("transcript (last 2 of 3 records):\n"
                   "        (1 earlier records)\n"
                   "        +0.001000 to-helper     {\"ID\":1,\"Command\":\"get\"}\\n\\n\n"
                   "        +0.002000 event         exit {\"status\":\"exit status 3\"}\n"),
            std::string::npos)
      << s;
}

TEST(TextReporter, SummaryCountsAndVerdict) {
  RunReport report;
  report.suite = "check";
  report.wall = std::chrono::milliseconds(1500);
  report.cases.push_back(judged("a/1", Status::pass, Verdict::passed));
  report.cases.push_back(judged("a/2", Status::fail, Verdict::known_failure));
  report.unused_baseline_entries.push_back("base.txt:4: gone/case");
  std::ostringstream out;
  TextReporter rep(out, TextStyle{});
  rep.summary(report);
  EXPECT_EQ(out.str(),
            "STALE baseline entry base.txt:4: gone/case matches no case\n"
            "\n"
            "2 cases in 1.50 s: 1 passed, 1 failed, 0 errors, 0 skipped, 1 known failures\n"
            "FAILED: 0 unexpected failures, 1 stale baseline entries\n");
}

TEST(TextStyleDetect, TerminalColourAndNoColor) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(grantpt(master), 0);
  ASSERT_EQ(unlockpt(master), 0);
  int tty = open(ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(tty, 0);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  {
    EnvVar term("TERM", "xterm");
    EnvVar none("NO_COLOR", nullptr);
    auto s = TextStyle::detect(tty, false);
    EXPECT_TRUE(s.live);
    EXPECT_TRUE(s.colour);
    auto p = TextStyle::detect(fds[1], true);
    EXPECT_FALSE(p.live);
    EXPECT_FALSE(p.colour);
    EXPECT_TRUE(p.verbose);
    {
      EnvVar no("NO_COLOR", "1");
      auto n = TextStyle::detect(tty, false);
      EXPECT_TRUE(n.live);
      EXPECT_FALSE(n.colour);
    }
    {
      EnvVar dumb("TERM", "dumb");
      auto d = TextStyle::detect(tty, false);
      EXPECT_FALSE(d.live);
      EXPECT_FALSE(d.colour);
    }
  }
  close(tty);
  close(master);
  close(fds[0]);
  close(fds[1]);
}
