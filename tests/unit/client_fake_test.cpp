// The client against cph-fake scripts: every fatal, error, miss and hang of
// Go's ProgCache, with Go's exact message and the requests left pending.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "client/caller_checks.hpp"
#include "client/prog_cache.hpp"
#include "wire/encoders.hpp"
#include "wire/sha256.hpp"

namespace cph::client {
namespace {

using namespace std::chrono_literals;

const std::string kFake = CPH_FAKE_BIN;
const std::string kAction(32, '\x11');
const std::string kAction2(32, '\x22');

// Options for a client of cph-fake with `script` (JSON without single quotes).
ClientOptions fake(const std::string& script = "", Profile profile = {}) {
  ClientOptions o;
  o.command = kFake + (script.empty() ? "" : " --script '" + script + "'");
  o.profile = profile;
  o.still_waiting_interval = 100ms;
  o.handshake_timeout = 5s;
  o.reply_timeout = 5s;
  o.write_stall_timeout = 5s;
  o.close_timeout = 5s;
  o.teardown_grace = 500ms;
  return o;
}

Profile go121() { return *Profile::parse("go1.21"); }

wire::Request request(int64_t id, std::string command, std::string action = "", std::string output = "",
                      int64_t body_size = 0) {
  wire::Request r;
  r.id = id;
  r.command = std::move(command);
  r.action_id = std::move(action);
  r.output_id = std::move(output);
  r.body_size = body_size;
  return r;
}

std::string to_helper(wire::Transcript& t) {
  std::string s;
  for (const auto& r : t.records())
    if (r.dir == wire::Direction::to_helper) s += r.data;
  return s;
}

TEST(ClientFake, PutGetCloseRoundTrip) {
  auto pc = ProgCache::start(fake());
  ASSERT_EQ(pc->start_outcome(), Outcome::ok());
  EXPECT_EQ(pc->known_commands(), (std::set<std::string>{"close", "get", "put"}));

  const std::string body = "hello, cache";
  PutResult put = pc->put(kAction, body);
  ASSERT_EQ(put.outcome, Outcome::ok());
  EXPECT_EQ(put.id, 1);
  EXPECT_EQ(put.output_id, wire::sha256(body));
  EXPECT_EQ(put.size, static_cast<int64_t>(body.size()));

  GetBytesResult got = get_bytes(*pc, kAction);
  ASSERT_EQ(got.get.outcome, Outcome::ok());
  EXPECT_EQ(got.get.id, 2);
  EXPECT_EQ(got.data, body);
  EXPECT_EQ(got.get.entry.output_id, put.output_id);
  EXPECT_EQ(got.get.entry.size, static_cast<int64_t>(body.size()));
  EXPECT_FALSE(pc->output_file(put.output_id).empty());

  EXPECT_EQ(pc->get(kAction2).outcome, Outcome::miss());
  EXPECT_EQ(pc->close(), Outcome::ok());
  EXPECT_EQ(pc->session_outcome(), Outcome::ok());
  auto st = pc->wait_helper_exit(5s);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 0");

  // The exact bytes go writes, in order: IDs 1, 2, 3, 4.
  const wire::Request p = request(1, "put", kAction, wire::sha256(body), static_cast<int64_t>(body.size()));
  const wire::Request g = request(2, "get", kAction);
  const wire::Request g2 = request(3, "get", kAction2);
  const wire::Request c = request(4, "close");
  const auto d = wire::Dialect::output_id;
  EXPECT_EQ(to_helper(pc->transcript()), wire::encode_request(p, d) + wire::encode_body_line(body) +
                                             wire::encode_request(g, d) + wire::encode_request(g2, d) +
                                             wire::encode_request(c, d));
}

TEST(ClientFake, ProfilesChooseTheRequestDialect) {
  for (const char* name : {"go1.21", "go1.24", "go1.24+objectid", "go1.26"}) {
    const Profile prof = *Profile::parse(name);
    auto pc = ProgCache::start(fake("", prof));
    ASSERT_EQ(pc->put(kAction, "x").outcome, Outcome::ok()) << name;
    const std::string sent = to_helper(pc->transcript());
    const wire::Request p = request(1, "put", kAction, wire::sha256("x"), 1);
    EXPECT_EQ(sent, wire::encode_request(p, prof.dialect()) + wire::encode_body_line("x")) << name;
    EXPECT_EQ(sent.find("\"ObjectID\"") != std::string::npos, prof.id == ProfileId::go1_21 || prof.objectid_experiment)
        << name;
  }
}

TEST(ClientFake, WritesAreSerialisedWholeRequestsAtATime) {
  // The helper stops reading at the put, so the body is still being written
  // when the get is issued: its request must wait for the whole body.
  ClientOptions o = fake(R"({"rules":[{"when":{"command":"put"},"do":{"stop_reading":"200ms"}}]})");
  o.transcript_body_limit = 4 << 20;  // keep the 2 MiB body's bytes: the test reads them back
  o.transcript = std::make_shared<wire::Transcript>();
  o.transcript->set_memory_limit(16 << 20);  // ...all of them (the default keeps 1 MiB)
  auto pc = ProgCache::start(o);
  const std::string body(2 << 20, 'q');
  std::atomic<bool> put_started{false};
  PutResult put;
  std::thread writer([&] {
    put_started = true;
    put = pc->put(kAction, body);
  });
  while (!put_started) std::this_thread::yield();
  GetResult get = pc->get(kAction2);
  writer.join();
  ASSERT_EQ(put.outcome, Outcome::ok());
  ASSERT_EQ(get.outcome, Outcome::miss());
  const auto d = wire::Dialect::output_id;
  const std::string put_bytes =
      wire::encode_request(request(put.id, "put", kAction, wire::sha256(body), static_cast<int64_t>(body.size())), d) +
      wire::encode_body_line(body);
  const std::string get_bytes = wire::encode_request(request(get.id, "get", kAction2), d);
  const std::string sent = to_helper(pc->transcript());
  EXPECT_TRUE(sent == put_bytes + get_bytes || sent == get_bytes + put_bytes) << "requests interleaved";
}

TEST(ClientFake, LargeBodiesAreSummarisedInTheTranscript) {
  // Above transcript_body_limit the body line is an event (ID, sizes,
  // SHA-256), so the transcript of a 1 GiB put stays small; below, bytes.
  ClientOptions o = fake();
  o.transcript_body_limit = 1000;
  auto pc = ProgCache::start(o);
  const std::string big(3000, 'b'), small(600, 's');  // lines of 4003 and 803 bytes
  PutResult p1 = pc->put(kAction, big);
  PutResult p2 = pc->put(kAction2, small);
  ASSERT_EQ(p1.outcome, Outcome::ok());
  ASSERT_EQ(p2.outcome, Outcome::ok());
  GetBytesResult got = get_bytes(*pc, kAction);
  ASSERT_EQ(got.get.outcome, Outcome::ok());
  EXPECT_TRUE(got.data == big);  // the helper got every byte
  const auto d = wire::Dialect::output_id;
  const std::string sent = to_helper(pc->transcript());
  const std::string p1_head =
      wire::encode_request(request(p1.id, "put", kAction, wire::sha256(big), static_cast<int64_t>(big.size())), d);
  const std::string p2_all =
      wire::encode_request(request(p2.id, "put", kAction2, wire::sha256(small), static_cast<int64_t>(small.size())),
                           d) +
      wire::encode_body_line(small);
  EXPECT_EQ(sent.find(wire::encode_body_line(big)), std::string::npos);
  EXPECT_EQ(sent.rfind(p1_head + p2_all, 0), 0u) << sent.substr(0, 300);
  int events = 0;
  for (const auto& r : pc->transcript().records()) {
    if (r.dir != wire::Direction::event || r.data != "body-line") continue;
    ++events;
    EXPECT_EQ(r.detail.value("id", int64_t{0}), p1.id);
    EXPECT_EQ(r.detail.value("bytes", int64_t{0}), 4003);
    EXPECT_EQ(r.detail.value("body_size", int64_t{0}), 3000);
    EXPECT_EQ(r.detail.value("sha256", std::string()), wire::to_hex(wire::sha256(big)));
  }
  EXPECT_EQ(events, 1);
}

TEST(ClientFake, PutFileStreamsTheBody) {
  const std::string path = ::testing::TempDir() + "/cph_client_put_file.bin";
  std::string body;
  for (int i = 0; i < (3 << 20) / 16; ++i) body += "0123456789abcdef";
  body += "tail";  // not a multiple of 3: padding on the wire
  std::ofstream(path, std::ios::binary) << body;
  auto pc = ProgCache::start(fake());
  PutResult put = pc->put_file(kAction, path);
  ASSERT_EQ(put.outcome, Outcome::ok());
  EXPECT_EQ(put.output_id, wire::sha256(body));
  GetBytesResult got = get_bytes(*pc, kAction);
  ASSERT_EQ(got.get.outcome, Outcome::ok());
  EXPECT_TRUE(got.data == body);
  EXPECT_EQ(pc->put_file(kAction, "/nonexistent/f").outcome,
            Outcome::error("open /nonexistent/f: no such file or directory"));
  std::remove(path.c_str());
}

TEST(ClientFake, EmptyKnownCommandsIsFatal) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"handshake":true},"do":{"set":{"KnownCommands":[]}}}]})"));
  EXPECT_EQ(pc->start_outcome(), Outcome::fatal("GOCACHEPROG " + kFake + " declared no supported commands"));
  // After a fatal every call returns it at once.
  EXPECT_EQ(pc->get(kAction).outcome, pc->start_outcome());
  EXPECT_EQ(pc->put(kAction, "x").outcome, pc->start_outcome());
  EXPECT_EQ(pc->close(), pc->start_outcome());
  EXPECT_EQ(pc->session_outcome(), pc->start_outcome());
}

TEST(ClientFake, MissingKnownCommandsIsFatalToo) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"handshake":true},"do":{"omit":["KnownCommands"]}}]})"));
  EXPECT_EQ(pc->start_outcome(), Outcome::fatal("GOCACHEPROG " + kFake + " declared no supported commands"));
}

TEST(ClientFake, SlowHandshakeLogsStillWaiting) {
  ClientOptions o = fake(R"({"rules":[{"when":{"handshake":true},"do":{"delay":"450ms"}}]})");
  std::mutex mu;
  std::vector<std::string> lines;
  o.on_log = [&](const std::string& l) {
    std::lock_guard<std::mutex> lock(mu);
    lines.push_back(l);
  };
  auto pc = ProgCache::start(o);
  EXPECT_EQ(pc->start_outcome(), Outcome::ok());
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_GE(lines.size(), 2u);
  for (const auto& l : lines) EXPECT_EQ(l, "# still waiting for GOCACHEPROG " + kFake + " ...");
}

TEST(ClientFake, NoHandshakeIsAHang) {
  ClientOptions o = fake(R"({"rules":[{"when":{"handshake":true},"do":{"drop":true}}]})");
  o.handshake_timeout = 300ms;
  auto pc = ProgCache::start(o);
  EXPECT_EQ(pc->start_outcome().kind, OutcomeKind::hang);
  EXPECT_EQ(pc->start_outcome().message,
            "no handshake (ID 0) from GOCACHEPROG " + kFake + " within 300ms; go would wait forever");
  EXPECT_EQ(pc->pending_ids(), std::vector<int64_t>{0});
  EXPECT_EQ(pc->get(kAction).outcome.kind, OutcomeKind::hang);
  EXPECT_EQ(pc->session_outcome().kind, OutcomeKind::hang);
}

TEST(ClientFake, ExitBeforeHandshakeCountsTheIdZeroSlot) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"handshake":true},"do":{"exit":3}}]})"));
  EXPECT_EQ(pc->start_outcome(), Outcome::fatal("GOCACHEPROG exited pre-Close with 1 pending requests"));
  auto st = pc->wait_helper_exit(5s);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 3");
}

TEST(ClientFake, UndeclaredCommandsSendNothing) {
  auto put_only =
      ProgCache::start(fake(R"({"rules":[{"when":{"handshake":true},"do":{"set":{"KnownCommands":["put"]}}}]})"));
  GetResult g = put_only->get(kAction);
  EXPECT_EQ(g.outcome, Outcome::miss());
  EXPECT_EQ(g.id, 0);
  EXPECT_EQ(put_only->close(), Outcome::ok());  // no close request either
  EXPECT_EQ(to_helper(put_only->transcript()), "");

  auto get_only =
      ProgCache::start(fake(R"({"rules":[{"when":{"handshake":true},"do":{"set":{"KnownCommands":["get"]}}}]})"));
  PutResult p = get_only->put(kAction, "abc");
  EXPECT_EQ(p.outcome, Outcome::ok());
  EXPECT_EQ(p.id, 0);
  EXPECT_EQ(p.output_id, wire::sha256("abc"));
  EXPECT_EQ(to_helper(get_only->transcript()), "");
}

TEST(ClientFake, ErrIsCheckedBeforeMiss) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"command":"get"},"do":{"set":{"Miss":true,"Err":"boom"}}}]})"));
  EXPECT_EQ(pc->get(kAction).outcome, Outcome::error("boom"));
  EXPECT_EQ(pc->session_outcome(), Outcome::ok());
}

TEST(ClientFake, GetHitWithoutDiskPathIsAMiss) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"command":"get"},"do":{"omit":["DiskPath"]}}]})"));
  ASSERT_EQ(pc->put(kAction, "abc").outcome, Outcome::ok());
  EXPECT_EQ(pc->get(kAction).outcome, Outcome::miss("GOCACHEPROG didn't populate DiskPath on get hit"));
}

TEST(ClientFake, LongOutputIdIsAMissShortIsPadded) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"command":"get","nth":1},"do":{"set":{"OutputID":33}}},)"
                                  R"({"when":{"command":"get","nth":2},"do":{"set":{"OutputID":16}}}]})"));
  ASSERT_EQ(pc->put(kAction, "abc").outcome, Outcome::ok());
  EXPECT_EQ(pc->get(kAction).outcome, Outcome::miss("incomplete ProgResponse OutputID"));
  GetResult g = pc->get(kAction);
  ASSERT_EQ(g.outcome, Outcome::ok());
  EXPECT_EQ(g.entry.output_id, wire::sha256("abc").substr(0, 16) + std::string(16, '\0'));
}

TEST(ClientFake, MissingTimeMeansNow) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"command":"get"},"do":{"omit":["Time"]}}]})"));
  ASSERT_EQ(pc->put(kAction, "abc").outcome, Outcome::ok());
  const wire::Time before = wire::Time::now();
  GetResult g = pc->get(kAction);
  ASSERT_EQ(g.outcome, Outcome::ok());
  EXPECT_GE(g.entry.time.unix_seconds, before.unix_seconds);
  EXPECT_LE(g.entry.time.unix_seconds, wire::Time::now().unix_seconds);
}

TEST(ClientFake, PutWithoutDiskPathIsAnError) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"command":"put"},"do":{"omit":["DiskPath"]}}]})"));
  PutResult p = pc->put(kAction, "abc");
  EXPECT_EQ(p.outcome, Outcome::error("GOCACHEPROG didn't return DiskPath in put response"));
  EXPECT_EQ(p.output_id, "");
}

TEST(ClientFake, CallerChecks) {
  auto pc = ProgCache::start(
      fake(R"({"rules":[{"when":{"command":"get","nth":1},"do":{"set":{"DiskPath":"wrong-content"}}},)"
           R"({"when":{"command":"get","nth":2},"do":{"set":{"DiskPath":"wrong-content"}}},)"
           R"({"when":{"command":"get","nth":3},"do":{"set":{"Size":7}}},)"
           R"({"when":{"command":"get","nth":4},"do":{"set":{"DiskPath":"/nonexistent/cph-object"}}}]})"));
  ASSERT_EQ(pc->put(kAction, "abc").outcome, Outcome::ok());
  EXPECT_EQ(get_file(*pc, kAction).outcome, Outcome::ok());  // same size: GetFile cannot tell
  EXPECT_EQ(get_bytes(*pc, kAction).get.outcome, Outcome::miss("bad checksum"));
  EXPECT_EQ(get_file(*pc, kAction).outcome, Outcome::miss("file incomplete"));
  EXPECT_EQ(get_checked(*pc, kAction, CallerCheck::file).outcome,
            Outcome::miss("stat /nonexistent/cph-object: no such file or directory"));
}

TEST(ClientFake, DecodeErrorIsFatal) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"command":"get"},"do":{"raw":"malformed"}}]})"));
  GetResult g = pc->get(kAction);
  EXPECT_EQ(g.outcome.kind, OutcomeKind::fatal);
  EXPECT_EQ(g.outcome.message.rfind("error reading JSON from GOCACHEPROG: invalid character '}'", 0), 0u)
      << g.outcome.message;
  EXPECT_EQ(pc->session_outcome(), g.outcome);
  EXPECT_EQ(pc->get(kAction).outcome, g.outcome);
}

TEST(ClientFake, TypeMismatchNamesTheProfilesStruct) {
  const std::string script = R"({"rules":[{"when":{"command":"get"},"do":{"set":{"Size":"ten"}}}]})";
  auto now = ProgCache::start(fake(script));
  EXPECT_EQ(now->get(kAction).outcome,
            Outcome::fatal("error reading JSON from GOCACHEPROG: json: cannot unmarshal string into Go struct field "
                           "Response.Size of type int64"));
  auto old = ProgCache::start(fake(script, go121()));
  EXPECT_EQ(old->get(kAction).outcome,
            Outcome::fatal("error reading JSON from GOCACHEPROG: json: cannot unmarshal string into Go struct field "
                           "ProgResponse.Size of type int64"));
}

TEST(ClientFake, UnknownIdIsFatal) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"command":"get"},"do":{"id":"unknown"}}]})"));
  EXPECT_EQ(pc->get(kAction).outcome, Outcome::fatal("GOCACHEPROG sent response for unknown request ID 1099511627777"));
  EXPECT_EQ(pc->pending_ids(), std::vector<int64_t>{1});
}

TEST(ClientFake, DuplicateReplyIsAnUnknownId) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"command":"get"},"do":{"duplicate":1}}]})"));
  GetResult g = pc->get(kAction);
  EXPECT_EQ(g.outcome, Outcome::miss());  // the first copy is the reply
  // The second copy arrives right behind it: go dies of it.
  EXPECT_EQ(pc->close(), Outcome::fatal("GOCACHEPROG sent response for unknown request ID 1"));
}

TEST(ClientFake, ExitMidSessionCountsPendingRequests) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"command":"get","nth":1},"do":{"drop":true}},)"
                                  R"({"when":{"command":"get","nth":2},"do":{"exit":1}}]})"));
  // The first get is cancelled by its deadline but stays in flight, as in Go.
  GetResult first = pc->get(kAction, Context::with_timeout(50ms));
  EXPECT_EQ(first.outcome, Outcome::cancelled("context deadline exceeded"));
  EXPECT_EQ(pc->pending_ids(), std::vector<int64_t>{1});
  GetResult second = pc->get(kAction2);
  EXPECT_EQ(second.outcome, Outcome::fatal("GOCACHEPROG exited pre-Close with 2 pending requests"));
  EXPECT_EQ(pc->put(kAction, "x").outcome, second.outcome);
}

TEST(ClientFake, LateReplyToCancelledRequestIsAccepted) {
  auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"command":"get","nth":1},"do":{"delay":"300ms"}}]})"));
  Context ctx = Context::background();
  std::thread canceller([ctx] { ctx.cancel(); });
  GetResult first = pc->get(kAction, ctx);
  canceller.join();
  EXPECT_EQ(first.outcome, Outcome::cancelled("context canceled"));
  EXPECT_EQ(first.id, 1);  // sent even though cancelled
  EXPECT_EQ(pc->get(kAction2).outcome, Outcome::miss());
  EXPECT_EQ(pc->close(), Outcome::ok());  // the late reply to ID 1 was no unknown ID
  EXPECT_EQ(pc->session_outcome(), Outcome::ok());
}

TEST(ClientFake, UnansweredGetIsAHang) {
  ClientOptions o = fake(R"({"rules":[{"when":{"command":"get"},"do":{"drop":true}}]})");
  o.reply_timeout = 200ms;
  auto pc = ProgCache::start(o);
  GetResult g = pc->get(kAction);
  EXPECT_EQ(g.outcome, Outcome::hang("no reply to get (request ID 1) within 200ms; go would wait forever"));
  EXPECT_EQ(pc->session_outcome(), g.outcome);
  // The session goes on: a put still works.
  EXPECT_EQ(pc->put(kAction, "x").outcome, Outcome::ok());
}

TEST(ClientFake, StalledWriteIsAHangForEveryone) {
  ClientOptions o = fake(R"({"rules":[{"when":{"command":"put"},"do":{"hang":true}}]})");
  o.write_stall_timeout = 200ms;
  o.reply_timeout = 200ms;
  auto pc = ProgCache::start(o);
  EXPECT_EQ(pc->put(kAction, "small").outcome.kind, OutcomeKind::hang);  // no reply
  const std::string big(4 << 20, 'b');
  PutResult p = pc->put(kAction2, big);
  EXPECT_EQ(p.outcome,
            Outcome::hang("write to GOCACHEPROG stalled for 200ms (request ID 2): the helper is not reading its "
                          "stdin; go would block forever"));
  EXPECT_EQ(pc->get(kAction).outcome, p.outcome);  // go holds writeMu forever
}

TEST(ClientFake, CloseWhenHelperExitsWithoutReplying) {
  const std::string script = R"({"rules":[{"when":{"close":true},"do":{"exit":0}}]})";
  ClientOptions fixed = fake(script);
  auto pc = ProgCache::start(fixed);
  EXPECT_EQ(pc->close(), Outcome::ok());  // Go 1.24+ allow it

  ClientOptions old = fake(script, go121());
  old.close_timeout = 300ms;
  auto pc21 = ProgCache::start(old);
  EXPECT_EQ(pc21->close(), Outcome::hang("GOCACHEPROG exited after close without replying; go go1.21 waits for the "
                                         "reply forever (golang/go#70848)"));
  EXPECT_EQ(pc21->session_outcome().kind, OutcomeKind::hang);
  EXPECT_EQ(pc21->pending_ids(), std::vector<int64_t>{1});
}

TEST(ClientFake, CallsAfterClose) {
  // Go 1.24+: the read loop has ended; writeToChild fails once and leaves
  // its mutex locked, so the next call would block forever.
  auto pc = ProgCache::start(fake());
  ASSERT_EQ(pc->close(), Outcome::ok());
  EXPECT_EQ(pc->get(kAction).outcome, Outcome::error("GOCACHEPROG program closed unexpectedly"));
  EXPECT_EQ(pc->session_outcome(), Outcome::ok());
  EXPECT_EQ(pc->get(kAction).outcome.kind, OutcomeKind::hang);
  EXPECT_EQ(pc->session_outcome().kind, OutcomeKind::hang);
  // Go 1.21: stdin is closed, the write fails.
  auto pc21 = ProgCache::start(fake("", go121()));
  ASSERT_EQ(pc21->close(), Outcome::ok());
  EXPECT_EQ(pc21->get(kAction).outcome, Outcome::error("write |1: file already closed"));
  EXPECT_EQ(pc21->pending_ids(), std::vector<int64_t>{});
}

TEST(ClientFake, CallsAfterCloseGo127) {
  // Go 1.27 unlocks c.mu before returning errCacheprogClosed: every call
  // after the read loop ended fails the same way, none blocks.
  auto pc = ProgCache::start(fake("", *Profile::parse("go1.27")));
  ASSERT_EQ(pc->close(), Outcome::ok());
  const Outcome closed = Outcome::error("GOCACHEPROG program closed unexpectedly");
  EXPECT_EQ(pc->get(kAction).outcome, closed);
  EXPECT_EQ(pc->put(kAction, "x").outcome, closed);
  EXPECT_EQ(pc->get(kAction2).outcome, closed);
  EXPECT_EQ(pc->close(), Outcome::ok());  // Close ignores errCacheprogClosed
  EXPECT_EQ(pc->session_outcome(), Outcome::ok());
  EXPECT_EQ(pc->pending_ids(), std::vector<int64_t>{});
}

// A put whose base64 tail (e.Close()'s last 4 bytes, BodySize % 3 != 0)
// reaches bufio's 4096-byte boundary, to a helper that closed its stdin at
// the handshake: that write makes Go's first flush, which fails. Go 1.26
// ignores the error (the put waits for a reply that never comes); Go 1.27
// returns it. Both keep bufio's error for the next request.
TEST(ClientFake, FailedBase64CloseIsIgnoredBefore127) {
  const std::string script = R"({"rules":[{"when":{"handshake":true},"do":{"close_stdin":true}}]})";
  // BodySize such that the tail starts at offset 4093..4096 of the request.
  auto body_for_tail_at_boundary = [](int64_t first) {
    for (int64_t n = first;; ++n) {
      if (n % 3 == 0) continue;
      wire::Request r = request(1, "put", kAction, std::string(32, '\0'), n);
      const uint64_t tail =
          wire::encode_request(r, wire::Dialect::output_id).size() + 1 + static_cast<uint64_t>(n / 3) * 4;
      if (tail >= 4093 && tail <= 4096) return std::string(static_cast<size_t>(n), 'b');
    }
  };
  const std::string at_boundary = body_for_tail_at_boundary(2900);
  const std::string broken = "write |1: broken pipe";
  auto options = [&](const char* profile) {
    ClientOptions o = fake(script, *Profile::parse(profile));
    o.reply_timeout = 300ms;
    o.teardown_grace = 50ms;  // the helper never exits by itself
    return o;
  };
  {
    auto pc = ProgCache::start(options("go1.26"));
    ASSERT_EQ(pc->start_outcome(), Outcome::ok());
    PutResult p = pc->put(kAction, at_boundary);
    EXPECT_EQ(p.outcome, Outcome::hang("no reply to put (request ID 1) within 300ms; go would wait forever"))
        << at_boundary.size();
    EXPECT_EQ(pc->pending_ids(), std::vector<int64_t>{1});
    EXPECT_EQ(pc->get(kAction).outcome, Outcome::error(broken));  // bufio's sticky error
  }
  {
    auto pc = ProgCache::start(options("go1.27"));
    ASSERT_EQ(pc->start_outcome(), Outcome::ok());
    EXPECT_EQ(pc->put(kAction, at_boundary).outcome, Outcome::error(broken));
    EXPECT_EQ(pc->pending_ids(), std::vector<int64_t>{});
    EXPECT_EQ(pc->get(kAction).outcome, Outcome::error(broken));
  }
  // A body whose tail is not at the boundary (or has none) fails in io.Copy
  // or the final flush: an error in every release.
  for (const std::string& body : {std::string(2999, 'c'), std::string(6000, 'd'), std::string(300, 'e')}) {
    auto pc = ProgCache::start(options("go1.26"));
    EXPECT_EQ(pc->put(kAction, body).outcome, Outcome::error(broken)) << body.size();
  }
}

TEST(ClientFake, CloseVariants) {
  {
    ClientOptions o = fake(R"({"rules":[{"when":{"close":true},"do":{"drop":true}}]})");
    o.close_timeout = 200ms;
    auto pc = ProgCache::start(o);  // no reply, and stdin stays open: deadlock
    EXPECT_EQ(pc->close(), Outcome::hang("no reply to close (request ID 1) within 200ms; go would wait forever"));
  }
  {
    auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"close":true},"do":{"never_exit":true}}]})"));
    EXPECT_EQ(pc->close(), Outcome::ok());  // stdout closed: Close returns; nobody waits for the exit
  }
  {
    ClientOptions o = fake(R"({"rules":[{"when":{"close":true},"do":{"keep_stdout":true}}]})");
    o.close_timeout = 200ms;
    auto pc = ProgCache::start(o);
    EXPECT_EQ(pc->close(), Outcome::hang("GOCACHEPROG did not close its stdout within 200ms after close; go would "
                                         "wait forever"));
  }
  {
    auto pc = ProgCache::start(fake(R"({"rules":[{"when":{"close":true},"do":{"set":{"Err":"flush failed"}}}]})"));
    EXPECT_EQ(pc->close(), Outcome::error("flush failed"));
  }
}

TEST(ClientFake, StderrIsForwardedAndRecorded) {
  ClientOptions o = fake(R"({"rules":[{"when":{"command":"get"},"do":{"stderr":"helper: disk full\n"}}]})");
  std::mutex mu;
  std::string seen;
  o.on_stderr = [&](std::string_view s) {
    std::lock_guard<std::mutex> lock(mu);
    seen.append(s);
  };
  auto pc = ProgCache::start(o);
  auto transcript = pc->transcript_ptr();
  EXPECT_EQ(pc->get(kAction).outcome, Outcome::miss());
  EXPECT_EQ(pc->close(), Outcome::ok());
  ASSERT_TRUE(pc->wait_helper_exit(5s));
  pc.reset();  // joins the stderr reader
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_NE(seen.find("helper: disk full\n"), std::string::npos) << seen;
  std::string recorded;
  for (const auto& r : transcript->records())
    if (r.dir == wire::Direction::helper_stderr) recorded += r.data;
  EXPECT_EQ(recorded, seen);
}

}  // namespace
}  // namespace cph::client
