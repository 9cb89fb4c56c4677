// The client against peers whose exact bytes a /bin/sh script writes (real
// processes over real pipes), and the start-up fatals.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>
#include <vector>

#include "client/prog_cache.hpp"

namespace cph::client {
namespace {

using namespace std::chrono_literals;

const std::string kAction(32, '\x33');
const std::string kHello = R"({"ID":0,"KnownCommands":["get","put","close"]})";

// GOCACHEPROG running `script` under /bin/sh (no single quotes in it).
ClientOptions sh_peer(const std::string& script) {
  ClientOptions o;
  o.command = "/bin/sh -c '" + script + "'";
  o.handshake_timeout = 5s;
  o.reply_timeout = 5s;
  o.close_timeout = 5s;
  o.teardown_grace = 100ms;
  return o;
}

TEST(ClientPeer, ArgsThatDoNotSplitAreFatal) {
  ClientOptions o;
  o.command = "/bin/sh -c 'exit 0";
  auto pc = ProgCache::start(o);
  EXPECT_EQ(pc->start_outcome(), Outcome::fatal("GOCACHEPROG args: unterminated ' string"));
  EXPECT_EQ(pc->child(), nullptr);
}

TEST(ClientPeer, StartFailuresAreFatalInGoWords) {
  ClientOptions o;
  o.command = "/nonexistent/cph-helper --flag";
  EXPECT_EQ(ProgCache::start(o)->start_outcome(),
            Outcome::fatal("error starting GOCACHEPROG program \"/nonexistent/cph-helper\": fork/exec "
                           "/nonexistent/cph-helper: no such file or directory"));
  o.command = "cph-no-such-helper";
  EXPECT_EQ(ProgCache::start(o)->start_outcome(),
            Outcome::fatal("error starting GOCACHEPROG program \"cph-no-such-helper\": exec: \"cph-no-such-helper\": "
                           "executable file not found in $PATH"));
  o.command = "  ";
  EXPECT_EQ(ProgCache::start(o)->start_outcome(),
            Outcome::fatal("error starting GOCACHEPROG program \"\": exec: no command"));
}

TEST(ClientPeer, GarbageAfterHandshakeIsADecodeFatal) {
  auto pc = ProgCache::start(sh_peer("printf %s\\\\n \"" + std::string(R"({\"ID\":0,\"KnownCommands\":[\"get\"]})") +
                                     "\"; printf garbage; read x; sleep 5"));
  EXPECT_EQ(pc->start_outcome(), Outcome::ok());
  EXPECT_EQ(
      pc->get(kAction).outcome,
      Outcome::fatal("error reading JSON from GOCACHEPROG: invalid character 'g' looking for beginning of value"));
}

TEST(ClientPeer, SecondHelloIsAnUnknownIdZero) {
  // Two ID-0 messages back to back, no whitespace between them.
  const std::string hello = R"({\"ID\":0,\"KnownCommands\":[\"get\"]})";
  auto pc = ProgCache::start(sh_peer("printf %s \"" + hello + hello + "\"; read x; sleep 5"));
  EXPECT_EQ(pc->get(kAction).outcome, Outcome::fatal("GOCACHEPROG sent response for unknown request ID 0"));
}

TEST(ClientPeer, ExitAfterReadingARequest) {
  auto pc = ProgCache::start(
      sh_peer("printf %s\\\\n \"" + std::string(R"({\"ID\":0,\"KnownCommands\":[\"get\"]})") + "\"; read x; exit 0"));
  GetResult g = pc->get(kAction);
  EXPECT_EQ(g.outcome, Outcome::fatal("GOCACHEPROG exited pre-Close with 1 pending requests"));
  EXPECT_EQ(g.id, 1);
}

TEST(ClientPeer, TruncatedReplyIsUnexpectedEof) {
  auto pc = ProgCache::start(sh_peer("printf %s\\\\n \"" + std::string(R"({\"ID\":0,\"KnownCommands\":[\"get\"]})") +
                                     "\"; read x; printf %s \"{\\\"ID\\\":1,\\\"Mi\"; exit 0"));
  EXPECT_EQ(pc->get(kAction).outcome, Outcome::fatal("error reading JSON from GOCACHEPROG: unexpected EOF"));
}

TEST(ClientPeer, StdoutClosedButAliveIsStillAnEof) {
  // The helper closes stdout and keeps running: go sees EOF before Close.
  auto pc = ProgCache::start(sh_peer("printf %s\\\\n \"" + std::string(R"({\"ID\":0,\"KnownCommands\":[\"get\"]})") +
                                     "\"; exec >&-; sleep 30"));
  // Whether the EOF lands before the first get is a race in Go too; both ways
  // end in this fatal (with 0 or 1 pending).
  GetResult g = pc->get(kAction);
  EXPECT_EQ(g.outcome.kind, OutcomeKind::fatal);
  EXPECT_TRUE(pc->session_outcome() == Outcome::fatal("GOCACHEPROG exited pre-Close with 0 pending requests") ||
              pc->session_outcome() == Outcome::fatal("GOCACHEPROG exited pre-Close with 1 pending requests"))
      << pc->session_outcome().to_string();
}

TEST(ClientPeer, WriteAfterHelperExitIsBrokenPipe) {
  // The helper closes its stdin and keeps stdout open: writes fail, no fatal.
  auto pc = ProgCache::start(sh_peer("printf %s\\\\n \"" + std::string(R"({\"ID\":0,\"KnownCommands\":[\"put\"]})") +
                                     "\"; exec <&-; sleep 30"));
  ASSERT_EQ(pc->start_outcome(), Outcome::ok());
  const std::string big(1 << 20, 'z');  // more than a pipe holds
  PutResult p = pc->put(kAction, big);
  EXPECT_EQ(p.outcome, Outcome::error("write |1: broken pipe"));
  EXPECT_EQ(p.id, 1);
  EXPECT_EQ(pc->pending_ids(), std::vector<int64_t>{});  // a failed write leaves nothing in flight
  // bufio.Writer's error is sticky: the next request fails the same way.
  EXPECT_EQ(pc->put(kAction, "x").outcome, Outcome::error("write |1: broken pipe"));
}

// Polls a condition on the client's state (no sleep), up to a deadline.
template <class Pred>
bool eventually(Pred done, std::chrono::milliseconds limit = 5s) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(ClientPeer, AFailedWriteFailsEveryRequestQueuedBehindIt) {
  // A put holds the pipe (its body is more than the pipe holds; the helper
  // reads nothing) and gets queue behind it. Then the helper closes its
  // stdin: the put fails with EPIPE and every get with bufio's sticky copy
  // of it, as Go's writes would; none is left waiting for a reply.
  auto pc = ProgCache::start(sh_peer("trap \"exec <&-\" USR1; printf \"%s\\n\" \"" +
                                     std::string(R"({\"ID\":0,\"KnownCommands\":[\"get\",\"put\"]})") +
                                     "\"; while :; do sleep 30 & wait; done"));
  ASSERT_EQ(pc->start_outcome(), Outcome::ok());
  const std::string big(4 << 20, 'z');
  PutResult put;
  std::thread putter([&] { put = pc->put(kAction, big); });
  EXPECT_TRUE(eventually([&] { return pc->pending_ids().size() == 1; }));
  constexpr size_t kGets = 8;
  std::vector<Outcome> gets(kGets);
  std::vector<std::thread> getters;
  for (size_t i = 0; i < kGets; ++i) getters.emplace_back([&, i] { gets[i] = pc->get(kAction).outcome; });
  EXPECT_TRUE(eventually([&] { return pc->pending_ids().size() == 1 + kGets; }));
  ::kill(pc->child()->pid(), SIGUSR1);
  putter.join();
  for (auto& t : getters) t.join();
  EXPECT_EQ(put.outcome, Outcome::error("write |1: broken pipe"));
  for (const Outcome& g : gets) EXPECT_EQ(g, Outcome::error("write |1: broken pipe"));
  EXPECT_EQ(pc->pending_ids(), std::vector<int64_t>{});
}

}  // namespace
}  // namespace cph::client
