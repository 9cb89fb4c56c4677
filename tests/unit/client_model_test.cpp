// Profiles, contexts and outcomes: the small value types of the client.
#include <gtest/gtest.h>

#include <thread>

#include "client/context.hpp"
#include "client/outcome.hpp"
#include "client/profile.hpp"

namespace cph::client {
namespace {

using namespace std::chrono_literals;

TEST(ClientProfile, ParsesReleases) {
  EXPECT_EQ(Profile::parse("go1.21")->id, ProfileId::go1_21);
  EXPECT_EQ(Profile::parse("go1.23")->id, ProfileId::go1_21);
  EXPECT_EQ(Profile::parse("go1.24")->id, ProfileId::go1_24);
  EXPECT_EQ(Profile::parse("go1.25")->id, ProfileId::go1_25);
  EXPECT_EQ(Profile::parse("go1.26")->id, ProfileId::go1_26);
  EXPECT_EQ(Profile::parse("go1.27")->id, ProfileId::go1_27);
  EXPECT_EQ(Profile::parse("go1.30")->id, ProfileId::go1_27);
  EXPECT_EQ(Profile::parse("go1.28")->name(), "go1.27");
  EXPECT_FALSE(Profile::parse("go1.27+objectid"));
  EXPECT_TRUE(Profile::parse("go1.24+objectid")->objectid_experiment);
  EXPECT_FALSE(Profile::parse("go1.20"));
  EXPECT_FALSE(Profile::parse("go1.25+objectid"));
  EXPECT_FALSE(Profile::parse("1.24"));
  EXPECT_FALSE(Profile::parse("go1.24x"));
}

TEST(ClientProfile, DialectStructAndClose) {
  const Profile p21 = *Profile::parse("go1.21");
  EXPECT_EQ(p21.dialect(), wire::Dialect::object_id);
  EXPECT_EQ(p21.response_struct(), "ProgResponse");
  EXPECT_TRUE(p21.close_deadlocks_on_exit());
  const Profile p24x = *Profile::parse("go1.24+objectid");
  EXPECT_EQ(p24x.dialect(), wire::Dialect::output_and_object_id);
  EXPECT_EQ(p24x.name(), "go1.24+objectid");
  const Profile p26 = *Profile::parse("go1.26");
  EXPECT_EQ(p26.dialect(), wire::Dialect::output_id);
  EXPECT_EQ(p26.response_struct(), "Response");
  EXPECT_FALSE(p26.close_deadlocks_on_exit());
  EXPECT_EQ(Profile{}.name(), "go1.26");
  EXPECT_EQ(p26.json_dialect(), wire::JsonDialect::v1);
  EXPECT_TRUE(p26.leaks_mutex_after_read_loop());
  EXPECT_TRUE(p26.ignores_base64_close_error());
  const Profile p27 = *Profile::parse("go1.27");
  EXPECT_EQ(p27.dialect(), wire::Dialect::output_id);
  EXPECT_EQ(p27.response_struct(), "Response");
  EXPECT_EQ(p27.json_dialect(), wire::JsonDialect::v2);
  EXPECT_FALSE(p27.leaks_mutex_after_read_loop());
  EXPECT_FALSE(p27.ignores_base64_close_error());
  EXPECT_FALSE(p27.close_deadlocks_on_exit());
}

TEST(ClientContext, GoErrorTexts) {
  EXPECT_EQ(Context::background().err(), "");
  EXPECT_EQ(Context::cancelled().err(), "context canceled");
  EXPECT_EQ(Context::with_deadline(Clock::now() - 1ms).err(), "context deadline exceeded");
  Context c = Context::with_timeout(1h);
  EXPECT_FALSE(c.done());
  Context copy = c;
  copy.cancel();
  EXPECT_EQ(c.err(), "context canceled");  // copies share one state
}

TEST(ClientContext, NeverIsNeverDone) {
  const Context c = Context::never();
  EXPECT_FALSE(c.cancellable());
  EXPECT_TRUE(Context::background().cancellable());
  int woken = 0;
  c.remove_waker(c.add_waker([&] { ++woken; }));
  c.cancel();  // nothing to cancel, as Go's context.Background()
  EXPECT_EQ(c.err(), "");
  EXPECT_EQ(c.deadline(), Clock::time_point::max());
  EXPECT_EQ(woken, 0);
}

TEST(ClientContext, CancelRunsWakersOnce) {
  Context c = Context::background();
  int woken = 0;
  const uint64_t h = c.add_waker([&] { ++woken; });
  const uint64_t gone = c.add_waker([&] { woken += 100; });
  c.remove_waker(gone);
  std::thread t([c] { c.cancel(); });
  t.join();
  c.cancel();
  EXPECT_EQ(woken, 1);
  c.remove_waker(h);
  int late = 0;
  c.add_waker([&] { ++late; });  // already cancelled: runs at once
  EXPECT_EQ(late, 1);
}

TEST(ClientOutcome, Text) {
  EXPECT_EQ(Outcome::ok().to_string(), "ok");
  EXPECT_EQ(Outcome::miss().to_string(), "miss");
  EXPECT_EQ(Outcome::fatal("GOCACHEPROG x").to_string(), "fatal: GOCACHEPROG x");
  EXPECT_STREQ(outcome_kind_name(OutcomeKind::hang), "hang");
  EXPECT_STREQ(outcome_kind_name(OutcomeKind::cancelled), "cancelled");
}

}  // namespace
}  // namespace cph::client
