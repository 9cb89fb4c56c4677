// Child: real processes (/bin/sh scripts) over real pipes. Every wait has a
// deadline; nothing here sleeps to synchronise.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "proc/child.hpp"

namespace cph::proc {
namespace {

using namespace std::chrono_literals;

SpawnOptions opts(std::vector<std::string> argv) {
  SpawnOptions o;
  o.argv = std::move(argv);
  return o;
}

std::unique_ptr<Child> sh(const std::string& script, std::string* error_out = nullptr) {
  std::string error;
  auto c = Child::spawn(opts({"/bin/sh", "-c", script}), error);
  if (error_out) *error_out = error;
  return c;
}

// Reads a stream to EOF (or a 10 s deadline).
std::string read_all(Child& c, bool from_stderr = false) {
  std::string out;
  char buf[4096];
  const Deadline d = deadline_in(10s);
  while (true) {
    IoResult r = from_stderr ? c.read_stderr(buf, sizeof buf, d) : c.read_stdout(buf, sizeof buf, d);
    if (r.status != IoStatus::ok) break;
    out.append(buf, r.bytes);
  }
  return out;
}

int count_fds() {
  int n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
  ::closedir(d);
  return n;
}

// True once `pid` is gone or a zombie (someone else's to reap), by a deadline.
bool process_gone(pid_t pid, Deadline deadline) {
  while (Clock::now() < deadline) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;
    const size_t close_paren = line.rfind(')');
    if (close_paren != std::string::npos && line.size() > close_paren + 2 && line[close_paren + 2] == 'Z') return true;
    std::this_thread::yield();
  }
  return false;
}

TEST(ProcChild, EchoesThroughRealPipes) {
  auto c = sh("cat");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->write_stdin("hello\n", deadline_in(5s)).status, IoStatus::ok);
  c->close_stdin();
  EXPECT_EQ(read_all(*c), "hello\n");
  auto st = c->wait_until(deadline_in(5s));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 0");
}

TEST(ProcChild, ExitStatusAndStderr) {
  auto c = sh("echo oops >&2; exit 3");
  ASSERT_TRUE(c);
  EXPECT_EQ(read_all(*c, true), "oops\n");
  auto st = c->wait_until(deadline_in(5s));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 3");
  EXPECT_GT(c->peak_rss_kib(), 0);
}

TEST(ProcChild, OwnProcessGroup) {
  auto c = sh("read x");
  ASSERT_TRUE(c);
  EXPECT_EQ(::getpgid(c->pid()), c->pid());
  EXPECT_NE(::getpgid(c->pid()), ::getpgrp());
}

// Processes whose parent is this process, zombies included.
int count_children() {
  int n = 0;
  const std::string self = std::to_string(::getpid());
  DIR* d = ::opendir("/proc");
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream stat(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!std::getline(stat, line) || line.rfind(')') == std::string::npos) continue;
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string state, ppid;
    rest >> state >> ppid;
    n += ppid == self;
  }
  ::closedir(d);
  return n;
}

TEST(ProcChild, StartErrorsInGoWords) {
  const int children_before = count_children();
  std::string error;
  EXPECT_FALSE(Child::spawn(opts({"cph-no-such-program"}), error));
  EXPECT_EQ(error, "exec: \"cph-no-such-program\": executable file not found in $PATH");
  EXPECT_FALSE(Child::spawn(opts({"/nonexistent/cph-prog", "a"}), error));
  EXPECT_EQ(error, "fork/exec /nonexistent/cph-prog: no such file or directory");
  EXPECT_FALSE(Child::spawn(opts({"/tmp"}), error));
  EXPECT_EQ(error, "fork/exec /tmp: permission denied");
  EXPECT_FALSE(Child::spawn(opts({}), error));
  EXPECT_EQ(error, "exec: no command");
  EXPECT_EQ(count_children(), children_before);  // a failed exec leaves no zombie
}

TEST(ProcChild, FindsProgramsInPath) {
  std::string error;
  auto c = Child::spawn(opts({"sh", "-c", "exit 0"}), error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->path().front(), '/');
  ASSERT_TRUE(c->wait_until(deadline_in(5s)));
}

TEST(ProcChild, EnvAndDir) {
  std::string error;
  SpawnOptions o = opts({"/bin/sh", "-c", "echo \"$CPH_X\" && pwd"});
  o.env_extra = {"CPH_X=42"};
  o.dir = "/tmp";
  auto c = Child::spawn(o, error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(read_all(*c), "42\n/tmp\n");
}

TEST(ProcChild, ReadDeadlineAndInterrupt) {
  auto c = sh("read x");
  ASSERT_TRUE(c);
  char buf[16];
  const auto start = Clock::now();
  EXPECT_EQ(c->read_stdout(buf, sizeof buf, deadline_in(50ms)).status, IoStatus::timeout);
  EXPECT_GE(Clock::now() - start, 50ms);
  Interrupt stop;
  std::thread t([&] { stop.fire(); });
  EXPECT_EQ(c->read_stdout(buf, sizeof buf, deadline_in(10s), &stop).status, IoStatus::interrupted);
  t.join();
  EXPECT_FALSE(c->try_wait());
}

TEST(ProcChild, WriteDeadlineWhenChildDoesNotRead) {
  auto c = sh("read x; sleep 100");  // reads one line, then never again
  ASSERT_TRUE(c);
  const std::string big(1 << 20, 'x');  // more than a pipe buffer
  IoResult r = c->write_stdin(big, deadline_in(100ms));
  EXPECT_EQ(r.status, IoStatus::timeout);
  EXPECT_LT(r.bytes, big.size());
}

TEST(ProcChild, WriteToExitedChildIsEpipeNotSignal) {
  auto c = sh("exit 0");
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->wait_until(deadline_in(5s)));
  IoResult r = c->write_stdin("data\n", deadline_in(1s));
  EXPECT_EQ(r.status, IoStatus::error);
  EXPECT_EQ(r.error, EPIPE);
}

TEST(ProcChild, TerminateKillsTheWholeGroup) {
  auto c = sh("sleep 100 & echo $!; wait");
  ASSERT_TRUE(c);
  std::string line;
  char ch;
  while (c->read_stdout(&ch, 1, deadline_in(5s)).status == IoStatus::ok && ch != '\n') line += ch;
  const pid_t grandchild = std::stoi(line);
  EXPECT_EQ(c->terminate().describe(), "signal: killed");
  EXPECT_TRUE(process_gone(grandchild, deadline_in(5s)));
}

TEST(ProcChild, DestructorReapsAndClosesEverything) {
  const int fds_before = count_fds();
  pid_t pids[3];
  {
    auto hung = sh("trap '' TERM HUP; sleep 100");  // ignores stdin EOF entirely
    auto polite = sh("cat >/dev/null");             // exits on stdin EOF
    auto crashed = sh("kill -SEGV $$");
    ASSERT_TRUE(hung && polite && crashed);
    pids[0] = hung->pid();
    pids[1] = polite->pid();
    pids[2] = crashed->pid();
  }
  for (pid_t p : pids) {
    EXPECT_EQ(::waitpid(p, nullptr, WNOHANG), -1) << "pid " << p << " was not reaped";
    EXPECT_EQ(errno, ECHILD);
  }
  EXPECT_EQ(count_fds(), fds_before);
}

TEST(ProcChild, CrashIsDescribedLikeGo) {
  auto c = sh("kill -SEGV $$");
  ASSERT_TRUE(c);
  auto st = c->wait_until(deadline_in(5s));
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->describe().rfind("signal: segmentation fault", 0) == 0) << st->describe();
}

}  // namespace
}  // namespace cph::proc
