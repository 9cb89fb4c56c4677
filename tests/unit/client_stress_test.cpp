// Many threads on one client, and many abandoned helpers: every caller gets
// its own reply, and nothing (process, zombie, descriptor) is left behind.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "client/prog_cache.hpp"
#include "wire/sha256.hpp"

namespace cph::client {
namespace {

using namespace std::chrono_literals;

const std::string kFake = CPH_FAKE_BIN;

int count_fds() {
  int n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
  ::closedir(d);
  return n;
}

// Processes whose parent is this process (zombies included), as
// "pid state (comm)" for readable failures.
std::vector<std::string> children_of_self() {
  std::vector<std::string> out;
  const pid_t self = ::getpid();
  DIR* d = ::opendir("/proc");
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream stat(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const size_t paren = line.rfind(')');
    if (paren == std::string::npos) continue;
    // After ") ": state, then ppid.
    std::istringstream rest(line.substr(paren + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == self) out.push_back(std::string(e->d_name) + " " + state + " " + line.substr(line.find('(')));
  }
  ::closedir(d);
  return out;
}

std::string action_for(int i) {
  std::string a(32, '\0');
  a[0] = static_cast<char>(i);
  a[1] = static_cast<char>(i >> 8);
  return a;
}

TEST(ClientStress, SixtyFourThreadsGetTheirOwnReplies) {
  ClientOptions o;
  o.command = kFake + " --workers 8";
  o.reply_timeout = 30s;
  o.write_stall_timeout = 30s;
  auto pc = ProgCache::start(o);
  ASSERT_EQ(pc->start_outcome(), Outcome::ok());
  constexpr int kThreads = 64;
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 4; ++round) {
        const int key = t * 16 + round;
        const std::string body = "body of " + std::to_string(key) + std::string(static_cast<size_t>(key * 37), 'x');
        PutResult p = pc->put(action_for(key), body);
        if (p.outcome != Outcome::ok() || p.output_id != wire::sha256(body)) {
          failures[t] = "put " + std::to_string(key) + ": " + p.outcome.to_string();
          return;
        }
        GetResult g = pc->get(action_for(key));
        if (g.outcome != Outcome::ok() || g.entry.output_id != p.output_id ||
            g.entry.size != static_cast<int64_t>(body.size())) {
          failures[t] = "get " + std::to_string(key) + ": " + g.outcome.to_string();
          return;
        }
        if (pc->get(action_for(100000 + key)).outcome != Outcome::miss()) {
          failures[t] = "miss " + std::to_string(key);
          return;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], "") << "thread " << t;
  EXPECT_EQ(pc->close(), Outcome::ok());
  EXPECT_EQ(pc->session_outcome(), Outcome::ok());
  EXPECT_TRUE(pc->pending_ids().empty());
}

// fork() under ThreadSanitizer costs ~90 ms; keep that run short.
#if defined(__SANITIZE_THREAD__)
constexpr int kHelpers = 200;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr int kHelpers = 200;
#else
constexpr int kHelpers = 1000;
#endif
#else
constexpr int kHelpers = 1000;
#endif

TEST(ClientStress, AThousandAbandonedHelpersLeaveNothingBehind) {
  const int fds_before = count_fds();
  ASSERT_EQ(children_of_self(), std::vector<std::string>{});
  const std::string hello = R"({\"ID\":0,\"KnownCommands\":[\"get\",\"put\",\"close\"]})";
  int hung_seen_as_hang = 0;
  for (int i = 0; i < kHelpers; ++i) {
    ClientOptions o;
    o.handshake_timeout = 2s;
    o.teardown_grace = 2ms;
    switch (i % 4) {
      case 0:  // hung: never says hello, ignores stdin EOF and SIGTERM
        o.command = "/bin/sh -c 'trap \"\" TERM HUP; exec sleep 60'";
        o.handshake_timeout = 10ms;
        break;
      case 1:  // crashes after the hello
        o.command = "/bin/sh -c 'printf %s\\\\n \"" + hello + "\"; kill -SEGV $$'";
        break;
      case 2:  // well behaved: exits at stdin EOF, with a grandchild in its group
        o.command = "/bin/sh -c 'printf %s\\\\n \"" + hello + "\"; sleep 60 & cat >/dev/null'";
        break;
      default:  // never answers a request; every tenth one is the real fake
        o.command = i % 40 == 3 ? kFake : "/bin/sh -c 'printf %s\\\\n \"" + hello + "\"; cat >/dev/null'";
        break;
    }
    auto pc = ProgCache::start(o);
    if (i % 4 == 0) hung_seen_as_hang += pc->start_outcome().kind == OutcomeKind::hang;
    if (i % 4 == 3) {  // abandoned with a request in flight
      const Outcome g = pc->get(action_for(i), Context::with_timeout(1ms)).outcome;
      EXPECT_NE(g.kind, OutcomeKind::fatal) << i << " " << g.to_string();
    }
  }
  EXPECT_EQ(hung_seen_as_hang, kHelpers / 4);
  EXPECT_EQ(children_of_self(), std::vector<std::string>{});
  EXPECT_EQ(count_fds(), fds_before);
}

}  // namespace
}  // namespace cph::client
