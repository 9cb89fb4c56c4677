// The client's parts under ProgCache, without a helper: body sources (Put's
// ReadSeeker) and the in-flight table's answers (errCacheprogClosed, a
// reply's Err). The whole client is tested against helpers in client_*_test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "client/body_source.hpp"
#include "client/inflight_table.hpp"
#include "wire/sha256.hpp"

namespace cph::client {
namespace {

using namespace std::chrono_literals;

TEST(ClientParts, BodiesHashLikeTheirBytesAndReadAgainAfterRewind) {
  std::string bytes(3 * kChunk + 7, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31 + 7);
  const auto path = std::filesystem::temp_directory_path() / ("cph-body-" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary) << bytes;
  std::string error;
  auto file = FileBody::open(path.string(), error);
  ASSERT_TRUE(file) << error;
  StringBody string(bytes);
  for (BodySource* body : {static_cast<BodySource*>(&string), static_cast<BodySource*>(file.get())}) {
    for (int pass = 0; pass < 2; ++pass) {  // Put reads its body twice
      BodyDigest d;
      ASSERT_TRUE(digest_body(*body, d, error)) << error;
      EXPECT_EQ(d.sha256, wire::sha256(bytes));
      EXPECT_EQ(d.size, static_cast<int64_t>(bytes.size()));
    }
  }
  std::filesystem::remove(path);
}

TEST(ClientParts, AMissingFileSaysSoAsOsOpen) {
  std::string error;
  EXPECT_FALSE(FileBody::open("/nonexistent/cph-body", error));
  EXPECT_EQ(error, "open /nonexistent/cph-body: no such file or directory");
}

// readLoop ended while closing (Go 1.24+ sets inFlight to nil): the next
// request is errCacheprogClosed, which Close forgives (SendResult::closed).
// Go 1.24-1.26 leave c.mu locked there, so every later call hangs; Go 1.27
// unlocks it, so every call fails alike.
TEST(ClientParts, ARequestAfterTheReadLoopEndedIsErrCacheprogClosed) {
  for (const char* release : {"go1.26", "go1.27"}) {
    SCOPED_TRACE(release);
    ClientOptions opts;
    opts.profile = *Profile::parse(release);
    wire::Transcript transcript;
    InflightTable table(opts, transcript);
    table.start_closing();
    table.end_quietly();
    SendResult first;
    EXPECT_FALSE(table.add(std::make_shared<Slot>(), first));
    EXPECT_TRUE(first.closed);
    EXPECT_EQ(first.outcome, Outcome::error("GOCACHEPROG program closed unexpectedly"));
    EXPECT_EQ(first.id, 0);
    SendResult second;
    EXPECT_FALSE(table.add(std::make_shared<Slot>(), second));
    if (opts.profile.leaks_mutex_after_read_loop()) {
      EXPECT_FALSE(second.closed);
      EXPECT_EQ(second.outcome.kind, OutcomeKind::hang);
    } else {
      EXPECT_TRUE(second.closed);
      EXPECT_EQ(second.outcome, first.outcome);
    }
  }
}

// send's select: a reply with Err is that error; a closed channel is
// errCacheprogClosed; a write that failed is what the writer said.
TEST(ClientParts, WaitGivesEachEndItsOutcome) {
  ClientOptions opts;
  wire::Transcript transcript;
  InflightTable table(opts, transcript);
  auto answer = [&](auto&& arrange) {
    auto slot = std::make_shared<Slot>();
    SendResult out;
    EXPECT_TRUE(table.add(slot, out));
    arrange(*slot);
    table.wait(slot, Context::with_timeout(5s), 5s, "get", out);
    return out;
  };
  const SendResult err = answer([](Slot& s) {
    wire::Response res;
    res.err = "disk full";
    s.res = res;
    s.settle(Slot::Write::written, Clock::now());
  });
  EXPECT_EQ(err.outcome, Outcome::error("disk full"));
  EXPECT_FALSE(err.closed);
  const SendResult reply = answer([](Slot& s) {
    s.res = wire::Response{};
    s.settle(Slot::Write::written, Clock::now());
  });
  EXPECT_EQ(reply.outcome, Outcome::ok());
  const SendResult closed = answer([](Slot& s) {
    s.closed = true;
    s.settle(Slot::Write::written, Clock::now());
  });
  EXPECT_TRUE(closed.closed);
  EXPECT_EQ(closed.outcome, Outcome::error("GOCACHEPROG program closed unexpectedly"));
  const SendResult failed =
      answer([](Slot& s) { s.settle(Slot::Write::failed, Clock::now(), Outcome::error("write |1: broken pipe")); });
  EXPECT_EQ(failed.outcome, Outcome::error("write |1: broken pipe"));
  EXPECT_FALSE(failed.closed);
}

}  // namespace
}  // namespace cph::client
