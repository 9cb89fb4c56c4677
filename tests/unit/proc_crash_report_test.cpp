// proc::crash_report: a crash is a crash whatever the exit status, and an
// exit with a plain message is none.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "proc/crash_report.hpp"

namespace cph::proc {
namespace {

ExitStatus exited(int code) { return ExitStatus{code << 8}; }
ExitStatus killed_by(int sig) { return ExitStatus{sig}; }

TEST(ProcCrashReport, GoPanicWithExitStatus2) {
  const std::string err =
      "helper: starting\n"
      "panic: runtime error: index out of range [0] with length 0\n\n"
      "goroutine 1 [running]:\n"
      "main.handle(...)\n\t/src/main.go:42 +0x1d\n";
  std::string r = crash_report(exited(2), err);
  EXPECT_EQ(r.rfind("a Go runtime panic (exit status 2): panic: runtime error: index out of range", 0), 0u) << r;
  EXPECT_NE(r.find("goroutine 1 [running]:"), std::string::npos) << r;
  EXPECT_EQ(r.find("helper: starting"), std::string::npos) << r;
}

TEST(ProcCrashReport, OtherCrashReports) {
  EXPECT_EQ(crash_report(exited(2), "fatal error: concurrent map writes\n").rfind("a Go fatal error", 0), 0u);
  EXPECT_EQ(crash_report(exited(2), "goroutine 7 [chan receive]:\nmain.f()\n").rfind("a Go goroutine dump", 0), 0u);
  EXPECT_EQ(crash_report(exited(1), "=================\n==1234==ERROR: AddressSanitizer: heap-use-after-free\n")
                .rfind("an AddressSanitizer report (exit status 1)", 0),
            0u);
  EXPECT_EQ(crash_report(exited(1), "store.cc:12:3: runtime error: signed integer overflow\n")
                .rfind("an UndefinedBehaviorSanitizer report", 0),
            0u);
  EXPECT_EQ(crash_report(exited(101), "thread 'main' panicked at src/main.rs:3:5:\nboom\n").rfind("a Rust panic", 0),
            0u);
  EXPECT_EQ(crash_report(exited(1), "Traceback (most recent call last):\n  File \"h.py\"\n").rfind("a Python", 0), 0u);
  EXPECT_EQ(crash_report(killed_by(SIGSEGV), "").rfind("death by a signal (signal: segmentation fault", 0), 0u);
}

TEST(ProcCrashReport, PlainMessagesAreNoCrash) {
  EXPECT_EQ(crash_report(exited(1), "helper: bad request: illegal base64 data at input byte 0\n"), "");
  EXPECT_EQ(crash_report(exited(2), "usage: helper --dir D\n"), "");
  EXPECT_EQ(crash_report(exited(1), "helper: the goroutine pool is full\n"), "");
  EXPECT_EQ(crash_report(exited(0), ""), "");
  EXPECT_EQ(crash_report(std::nullopt, "helper: panic: not at the start of a line\n"), "");
  // A message quoting a crash is none (cph-fake naming a bad script).
  EXPECT_EQ(crash_report(exited(2),
                         "cph-fake: <inline script>:1:120: syntax error; last read: '\"panic: runtime "
                         "error: index out of range'\n"),
            "");
}

}  // namespace
}  // namespace cph::proc
