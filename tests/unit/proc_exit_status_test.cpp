// Exit statuses read like Go's os.ProcessState.String().
#include <gtest/gtest.h>
#include <signal.h>

#include "proc/exit_status.hpp"

namespace cph::proc {
namespace {

TEST(ExitStatus, DescribesLikeGo) {
  EXPECT_EQ(ExitStatus{0}.describe(), "exit status 0");
  EXPECT_EQ(ExitStatus{3 << 8}.describe(), "exit status 3");
  EXPECT_EQ(ExitStatus{SIGKILL}.describe(), "signal: killed");
  EXPECT_EQ(ExitStatus{SIGSEGV | 0x80}.describe(), "signal: segmentation fault (core dumped)");
  EXPECT_EQ(ExitStatus{SIGTERM}.describe(), "signal: terminated");
  EXPECT_TRUE(ExitStatus{0}.success());
  EXPECT_FALSE(ExitStatus{SIGKILL}.success());
  EXPECT_EQ(ExitStatus{SIGKILL}.signal(), SIGKILL);
  EXPECT_EQ(ExitStatus{7 << 8}.exit_code(), 7);
}

TEST(ExitStatus, SignalNamesFollowGoTable) {
  EXPECT_EQ(signal_name(SIGPIPE), "broken pipe");
  EXPECT_EQ(signal_name(SIGABRT), "aborted");
  EXPECT_EQ(signal_name(40), "signal 40");
}

}  // namespace
}  // namespace cph::proc
