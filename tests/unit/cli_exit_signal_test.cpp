// Ctrl-C or kill on cph: its helpers run in their own process groups, so the
// signal reaches cph alone; cph must kill them and remove its temp
// directories before it dies of the signal (proc/exit_cleanup.hpp).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "proc/child.hpp"
#include "proc/temp_dir.hpp"
#include "test_scale.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Reads the helper's pid from `fifo` (it writes it there as it starts).
pid_t read_pid(const std::string& fifo) {
  const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + cph::test::load_scaled(10s);
  while (text.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 100);
    char buf[32];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text.find('\n') == std::string::npos ? -1 : static_cast<pid_t>(std::stol(text));
}

// Whether `pid` has exited within the deadline (a pidfd turns readable).
bool exits_within(pid_t pid, std::chrono::milliseconds limit) {
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno == ESRCH;  // already gone
  pollfd p{fd, POLLIN, 0};
  const bool gone = ::poll(&p, 1, static_cast<int>(limit.count())) == 1;
  ::close(fd);
  return gone;
}

class CliExitSignal : public ::testing::TestWithParam<int> {};

TEST_P(CliExitSignal, KillsTheHelpersAndRemovesTheTempDirs) {
  const int sig = GetParam();
  cph::proc::TempDir tmp, side;
  const std::string fifo = side.path() + "/pid";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // A helper that never answers and ignores SIGINT, SIGTERM and SIGHUP.
  cph::proc::SpawnOptions o;
  o.argv = {CPH_CLI_BIN, "check", "--", "sh", "-c", "trap '' INT TERM HUP; echo $$ > " + fifo + "; exec sleep 600"};
  o.env_extra = {"TMPDIR=" + tmp.path()};
  std::string err;
  auto cph = cph::proc::Child::spawn(o, err);
  ASSERT_TRUE(cph) << err;
  const pid_t helper = read_pid(fifo);
  ASSERT_GT(helper, 0) << "the helper did not start";
  EXPECT_FALSE(fs::is_empty(tmp.path())) << "cph check made its cache directory";

  ::kill(cph->pid(), sig);
  auto st = cph->wait_until(cph::proc::deadline_in(cph::test::load_scaled(10s)));
  ASSERT_TRUE(st) << "cph did not die of the signal";
  EXPECT_TRUE(st->signaled());
  EXPECT_EQ(st->signal(), sig);
  EXPECT_TRUE(exits_within(helper, cph::test::load_scaled(10s))) << "the helper outlived cph";
  EXPECT_TRUE(fs::is_empty(tmp.path())) << "cph's temp directory is left";
  if (!exits_within(helper, 0ms)) ::kill(helper, SIGKILL);
}

// A helper that starts a process in a session of its own (out of reach of
// the group kill) and then exits: cph, a subreaper, inherits it and kills it
// when the signal comes (proc/descendants.hpp).
TEST_P(CliExitSignal, KillsWhatTheHelperStartedInItsOwnSession) {
  const int sig = GetParam();
  cph::proc::TempDir tmp, side;
  const std::string fifo = side.path() + "/pid";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  cph::proc::SpawnOptions o;
  o.argv = {CPH_CLI_BIN,
            "check",
            "--",
            "sh",
            "-c",
            "setsid sh -c 'trap \"\" INT TERM HUP; exec sleep 600' >/dev/null 2>&1 </dev/null & echo $! > " + fifo +
                "; exec sleep 600"};
  o.env_extra = {"TMPDIR=" + tmp.path()};
  std::string err;
  auto cph = cph::proc::Child::spawn(o, err);
  ASSERT_TRUE(cph) << err;
  const pid_t escaped = read_pid(fifo);
  ASSERT_GT(escaped, 0) << "the helper did not start its process";

  ::kill(cph->pid(), sig);
  auto st = cph->wait_until(cph::proc::deadline_in(cph::test::load_scaled(10s)));
  ASSERT_TRUE(st) << "cph did not die of the signal";
  EXPECT_TRUE(st->signaled());
  EXPECT_TRUE(exits_within(escaped, cph::test::load_scaled(10s))) << "the process in its own session outlived cph";
  if (!exits_within(escaped, 0ms)) ::kill(escaped, SIGKILL);
}

INSTANTIATE_TEST_SUITE_P(Signals, CliExitSignal, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const auto& info) { return std::string(sigabbrev_np(info.param)); });

}  // namespace
