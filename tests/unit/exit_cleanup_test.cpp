// cph's clean-up at a normal exit (proc::clean_up_at_exit): a case whose
// thread ignores cancellation is abandoned by the runner, and with it its
// helper and its temp directory; they must not outlive cph.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>

#include "proc/child.hpp"
#include "proc/exit_cleanup.hpp"
#include "proc/temp_dir.hpp"
#include "runner/runner.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;  // the test lets the abandoned case end
  bool ended = false;    // ...and waits for it
  bool started = false;
  std::string dir;
  pid_t helper = -1;
};

bool exits_within(pid_t pid, std::chrono::milliseconds limit) {
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  const bool gone = ::poll(&p, 1, static_cast<int>(limit.count())) == 1;
  ::close(fd);
  return gone;
}

TEST(ExitCleanup, AnAbandonedCasesHelperAndTempDirGoAtNormalExit) {
  auto sh = std::make_shared<Shared>();
  cph::runner::CaseDescriptor d;
  d.info.id = "hang/abandoned";
  d.info.timeout = 100ms;
  d.run = [sh](cph::runner::CaseContext&) {
    cph::proc::TempDir dir;
    cph::proc::SpawnOptions o;
    o.argv = {"sleep", "600"};
    std::string err;
    auto helper = cph::proc::Child::spawn(o, err);
    std::unique_lock l(sh->mu);
    sh->dir = dir.path();
    sh->helper = helper ? helper->pid() : -1;
    sh->started = true;
    sh->cv.notify_all();
    sh->cv.wait_for(l, 60s, [&] { return sh->release; });  // ignores its token
    sh->ended = true;
    sh->cv.notify_all();
    return cph::runner::CaseOutcome::pass();
  };
  cph::runner::RunOptions ro;
  ro.grace = 100ms;
  const auto run = cph::runner::run_cases({&d}, ro);
  ASSERT_EQ(run.results.at(0).observed, "hang");
  std::string dir;
  pid_t helper;
  {
    std::unique_lock l(sh->mu);
    ASSERT_TRUE(sh->cv.wait_for(l, 10s, [&] { return sh->started; }));
    dir = sh->dir;
    helper = sh->helper;
  }
  ASSERT_GT(helper, 0);
  ASSERT_TRUE(fs::is_directory(dir));

  cph::proc::clean_up_at_exit();
  EXPECT_FALSE(fs::exists(dir)) << "the abandoned case's temp directory is left";
  EXPECT_TRUE(exits_within(helper, 5000ms)) << "the abandoned case's helper is still running";

  std::unique_lock l(sh->mu);
  sh->release = true;
  sh->cv.notify_all();
  EXPECT_TRUE(sh->cv.wait_for(l, 10s, [&] { return sh->ended; }));
}

}  // namespace
