// The torture table: one small hostile helper per row, run through `cph
// check`, a bounded `cph fuzz` and the client (in this process). Per row and
// per way: the exit code, the wall time under the case deadlines, the peak
// RSS under the documented bound (docs/bounds.md), no process of the row
// left running and no temp directory left.
//
// Every helper is a shell script written here; every process it starts
// inherits CPH_TORTURE=<row marker> in its environment, which is how the
// test finds what is left (the same way cph finds them: proc/descendants.hpp).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "client/prog_cache.hpp"
#include "proc/child.hpp"
#include "proc/descendants.hpp"
#include "proc/temp_dir.hpp"
#include "run_program.hpp"
#include "sanitized_build.hpp"
#include "test_scale.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// docs/bounds.md: cph's peak RSS with the default --max-reply-bytes (64 MiB)
// and one job, whatever the helper does.
constexpr int64_t kRssBoundKib = 256 << 10;

// Peak RSS against its bound; under ASan or TSan (shadow memory, quarantine)
// the figure means nothing, and the check says so instead.
void expect_rss_under(int64_t kib, int64_t bound_kib, const std::string& what) {
  if (cph::testing::kSanitizedBuild) {
    std::printf("not checking the peak RSS of %s (%lld KiB): %s\n", what.c_str(), static_cast<long long>(kib),
                cph::testing::kRssUnderSanitizer);
    return;
  }
  EXPECT_LT(kib, bound_kib) << "peak RSS of " << what;
}

// The handshake every row but one starts with.
const std::string kHello = "printf '{\"ID\":0,\"KnownCommands\":[\"get\",\"put\",\"close\"]}\\n'\n";

struct Row {
  std::string name;
  std::string script;          // sh, after #!/bin/sh
  bool bad_utf8_path = false;  // the script's file name holds a byte 0xff
};

void PrintTo(const Row& r, std::ostream* os) { *os << r.name; }

std::vector<Row> rows() {
  return {
      // One reply that never ends: inside a string, so the decoder waits for
      // more (stdin kept open on fd 3: writes to it do not fail).
      {"EndlessLine", kHello + "printf '{\"ID\":1,\"Err\":\"'\nexec 3<&0\nexec tr '\\000' y </dev/zero\n"},
      // Valid replies, every one to an ID never sent.
      {"EndlessUnknownIds", kHello + "exec yes '{\"ID\":987654321}'\n"},
      // Never reads stdin: a 64 KiB put body (88 KiB of base64) fills the pipe.
      {"NeverReadsStdin", kHello + "exec sleep 600\n"},
      // Exits, leaving a process in its own session that holds stdout open.
      {"GrandchildHoldsStdout", kHello + "setsid sleep 600 &\nexit 0\n"},
      // Exits, leaving a process in its own session that holds stdin open.
      // (Through fd 3: sh gives an asynchronous command /dev/null for stdin, and `<&0` after that.)
      {"GrandchildHoldsStdin", kHello + "exec 3<&0\nsetsid sleep 600 <&3 3<&- >/dev/null 2>&1 &\nexit 0\n"},
      // Stops itself after the handshake.
      {"Sigstop", kHello + "kill -STOP $$\nexec cat >/dev/null\n"},
      // Writes half a handshake a byte at a time, then exits.
      {"ExitsMidHandshake", "for c in '{' '\"' I D '\"' ':'; do printf %s \"$c\"; sleep 0.02; done\nexit 3\n"},
      // NUL bytes and invalid UTF-8 on stdout and stderr, from a path that is not UTF-8.
      {"NulAndInvalidUtf8",
       kHello + "printf 'bad \\377\\000\\376 bytes\\n' >&2\nprintf '{\"ID\":1,\"Err\":\"\\377\\000\"}\\n\\000\\377'\n"
                "exec cat >/dev/null\n",
       true},
      // A flood on stderr (up to 1 GiB) after the handshake, then silence.
      {"StderrFlood", kHello + "head -c 1073741824 /dev/zero >&2\nexec cat >/dev/null\n"},
      // 50 children, half in sessions of their own, all holding stdout; then exits.
      {"Forks50AndExits",
       kHello + "i=0\nwhile [ $i -lt 25 ]; do sleep 600 & setsid sleep 600 & i=$((i+1)); done\nexit 0\n"},
  };
}

// The processes whose environment holds `marker` (zombies have none: gone).
std::vector<pid_t> marked_processes(const std::string& marker) {
  std::vector<pid_t> out;
  const std::string want = std::string(1, '\0') + marker + '\0';
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.empty() || name[0] < '0' || name[0] > '9') continue;
    const pid_t pid = std::stoi(name);
    if (pid == ::getpid()) continue;
    std::ifstream f(e.path() / "environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (('\0' + env + '\0').find(want) != std::string::npos) out.push_back(pid);
  }
  return out;
}

// Waits (up to a deadline) for every process of the row to be gone; kills
// the ones left so the next test starts clean, and returns how many there were.
size_t left_running(const std::string& marker) {
  const auto deadline = Clock::now() + 5s;
  std::vector<pid_t> left = marked_processes(marker);
  while (!left.empty() && Clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);  // polling a condition, with a deadline
    left = marked_processes(marker);
  }
  for (pid_t p : left) ::kill(p, SIGKILL);
  return left.size();
}

struct Measured {
  cph::test::Ran ran;
  Clock::duration wall{};
  int64_t rss_kib = 0;  // cph's peak RSS: ru_maxrss from wait4
};

// Runs cph to its end (killed `limit` + 30 s on: that only ends a hung
// test; the row's own bound is asserted by the caller), keeping at most
// 1 MiB of each of its outputs.
Measured run_measured(const std::vector<std::string>& args, const std::vector<std::string>& env,
                      std::chrono::seconds limit) {
  Measured m;
  cph::test::Ran& r = m.ran;
  cph::proc::SpawnOptions o;
  o.argv = {CPH_CLI_BIN};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env_extra = env;
  const auto t0 = Clock::now();
  std::string err;
  auto child = cph::proc::Child::spawn(o, err);
  if (!child) {
    ADD_FAILURE() << err;
    return m;
  }
  child->close_stdin();
  const auto deadline = cph::proc::deadline_in(cph::test::scaled(limit) + 30s);
  std::thread e([&] {
    char buf[4096];
    for (;;) {
      auto x = child->read_stderr(buf, sizeof buf, deadline);
      if (r.stderr_text.size() < (1 << 20)) r.stderr_text.append(buf, x.bytes);
      if (x.status != cph::proc::IoStatus::ok) return;
    }
  });
  char buf[8192];
  for (;;) {
    auto x = child->read_stdout(buf, sizeof buf, deadline);
    if (r.stdout_text.size() < (1 << 20)) r.stdout_text.append(buf, x.bytes);
    if (x.status != cph::proc::IoStatus::ok) break;
  }
  e.join();
  r.out = r.stdout_text + r.stderr_text;
  r.status = child->wait_until(deadline);
  if (!r.status) {
    r.timed_out = true;
    child->terminate();
  } else {
    r.code = r.status->exit_code();
  }
  m.wall = Clock::now() - t0;
  m.rss_kib = child->peak_rss_kib();
  return m;
}

class Torture : public ::testing::TestWithParam<Row> {
 protected:
  void SetUp() override {
    static int n = 0;
    marker_ = "CPH_TORTURE=" + std::to_string(::getpid()) + "-" + std::to_string(++n);
    const Row& row = GetParam();
    helper_ = work_.path() + "/" + row.name + (row.bad_utf8_path ? "-\xff" : "") + ".sh";
    std::ofstream(helper_) << "#!/bin/sh\n" << row.script;
    ::chmod(helper_.c_str(), 0755);
  }

  // cph with TMPDIR of its own and the marker; records the measures.
  cph::test::Ran run_cph(const std::vector<std::string>& args, std::chrono::seconds limit) {
    Measured m = run_measured(args, {"TMPDIR=" + tmp_.path(), marker_}, limit);
    wall_ = m.wall;
    rss_kib_ = m.rss_kib;
    return m.ran;
  }

  void expect_clean(const std::string& way) {
    EXPECT_EQ(left_running(marker_), 0u) << way << ": processes of the helper outlived cph";
    EXPECT_TRUE(fs::is_empty(tmp_.path())) << way << ": a temp directory is left in " << tmp_.path();
  }

  cph::proc::TempDir work_, tmp_;
  std::string marker_, helper_;
  Clock::duration wall_{};
  int64_t rss_kib_ = 0;
};

// Three cases (a handshake, a 64 KiB put, a close) at --timeout-scale 0.2:
// each case at most 10 s x 0.2 plus the 2 s x 0.2 grace.
TEST_P(Torture, Check) {
  const auto r =
      run_cph({"check", "--timeout-scale", "0.2", "--only", "handshake/id0-first", "--only", "bodies/size-64k",
               "--only", "close/exit-after-reply", "--json", work_.path() + "/r.json", "--", helper_},
              15s);
  ASSERT_FALSE(r.timed_out) << r.out;
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_LT(wall_, cph::test::scaled(3 * 2400ms + 5s)) << r.out;
  expect_rss_under(rss_kib_, kRssBoundKib, "cph check");
  EXPECT_TRUE(fs::file_size(work_.path() + "/r.json") > 0);
  RecordProperty("wall_ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(wall_).count()));
  RecordProperty("peak_rss_kib", std::to_string(rss_kib_));
  expect_clean("cph check");
}

// A bounded campaign: 30 operations, 1 s per reply.
TEST_P(Torture, Fuzz) {
  const auto r = run_cph({"fuzz", "--quiet", "--iterations", "30", "--reply-timeout", "1s", "--out",
                          work_.path() + "/findings", "--", helper_, "{dir}"},
                         15s);
  ASSERT_FALSE(r.timed_out) << r.out;
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_LT(wall_, cph::test::scaled(15s)) << r.out;
  expect_rss_under(rss_kib_, kRssBoundKib, "cph fuzz");
  RecordProperty("wall_ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(wall_).count()));
  RecordProperty("peak_rss_kib", std::to_string(rss_kib_));
  expect_clean("cph fuzz");
}

// The client in this process (a subreaper, as cph is): start, get, put, close.
TEST_P(Torture, Client) {
  ASSERT_TRUE(cph::proc::become_subreaper());
  cph::client::ClientOptions o;
  o.command = helper_;  // no space in it: quoted.Split leaves it whole
  o.profile = cph::client::Profile::parse("go1.25").value();
  o.handshake_timeout = o.reply_timeout = o.write_stall_timeout = o.close_timeout = 1000ms;
  o.env_extra = {marker_};
  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM starts again from here
  const auto t0 = Clock::now();
  {
    auto pc = cph::client::ProgCache::start(o);
    std::string seen = "start: " + pc->start_outcome().to_string();
    if (pc->start_outcome().is_ok()) {
      seen += "; get: " + pc->get(std::string(32, 'a')).outcome.to_string();
      seen += "; put: " + pc->put(std::string(32, 'b'), std::string(64 << 10, 'x')).outcome.to_string();
      seen += "; close: " + pc->close().to_string();
    }
    EXPECT_FALSE(pc->session_outcome().is_ok()) << "every row is fatal or a hang to go: " << seen;
    RecordProperty("outcome", pc->session_outcome().to_string().substr(0, 200));
  }
  const auto wall = Clock::now() - t0;
  EXPECT_LT(wall, cph::test::scaled(10s));
  RecordProperty("wall_ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(wall).count()));
  std::ifstream status("/proc/self/status");
  int64_t hwm = 0;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::stoll(line.substr(6));
  }
  expect_rss_under(hwm, kRssBoundKib, "this process (the client)");
  expect_clean("the client");
}

INSTANTIATE_TEST_SUITE_P(Rows, Torture, ::testing::ValuesIn(rows()), [](const auto& info) { return info.param.name; });

// The endless line against a small --max-reply-bytes: the protocol failure
// names the bound, and cph's peak stays far under what the line would take
// unbounded (100-800 MiB in the same time on the 2-core CI machine).
TEST(TortureLine, TheBoundIsTheFlagsAndNamedInTheFailure) {
  cph::proc::TempDir work, tmp;
  const std::string helper = work.path() + "/line.sh";
  std::ofstream(helper) << "#!/bin/sh\n"
                        << kHello << "printf '{\"ID\":1,\"Err\":\"'\nexec 3<&0\nexec tr '\\000' y </dev/zero\n";
  ::chmod(helper.c_str(), 0755);
  const Measured m = run_measured({"check", "--timeout-scale", "0.3", "--max-reply-bytes", "4194304", "--only",
                                   "handshake/id0-first", "--only", "bodies/size-64k", "--", helper},
                                  {"TMPDIR=" + tmp.path()}, 20s);
  ASSERT_FALSE(m.ran.timed_out) << m.ran.out;
  EXPECT_EQ(m.ran.code, 1) << m.ran.out;
  EXPECT_NE(m.ran.out.find("reply line longer than 4194304 bytes"), std::string::npos) << m.ran.out;
  expect_rss_under(m.rss_kib, 64 << 10, "cph with a 4 MiB bound on one reply");
  RecordProperty("peak_rss_kib", std::to_string(m.rss_kib));
}

// The whole GiB on stderr before the handshake (at --timeout-scale 6 the
// handshake case waits 30 s for it): read to the end in bounded memory, and
// the report keeps only the head and tail of it. About 5-20 s: slow.
TEST(TortureSlow, OneGibOnStderrIsReadInBoundedMemory) {
  cph::proc::TempDir work, tmp;
  const std::string helper = work.path() + "/flood.sh";
  std::ofstream(helper) << "#!/bin/sh\nhead -c 1073741824 /dev/zero | tr '\\000' e >&2\n" << kHello << "exit 0\n";
  ::chmod(helper.c_str(), 0755);
  const Measured m = run_measured({"check", "--timeout-scale", std::to_string(6 * cph::test::timeout_scale()), "--only",
                                   "handshake/id0-first", "--json", work.path() + "/r.json", "--", helper},
                                  {"TMPDIR=" + tmp.path()}, 60s);
  ASSERT_FALSE(m.ran.timed_out) << m.ran.out;
  EXPECT_EQ(m.ran.code, 0) << "the handshake came after the flood: " << m.ran.out;
  expect_rss_under(m.rss_kib, kRssBoundKib, "cph reading 1 GiB of stderr");
  RecordProperty("peak_rss_kib", std::to_string(m.rss_kib));
  EXPECT_LT(fs::file_size(work.path() + "/r.json"), 16u << 20) << "the report holds the head and tail only";
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

}  // namespace
