// cph-fake's `when` conditions and the rule knobs (times, probability,
// several rules firing in order), over real pipes.
#include <gtest/gtest.h>

#include "fake_peer_test.hpp"
#include "test_scale.hpp"

namespace cph::fake::testing {
namespace {

// Sends gets 1..n one at a time and returns which got an Err reply.
std::vector<int64_t> errs_for(FakeProc& f, int n, const std::vector<std::string>& actions = {}) {
  std::vector<int64_t> errs;
  for (int i = 1; i <= n; ++i) {
    std::string a = actions.empty() ? action(static_cast<unsigned char>(i)) : actions[static_cast<size_t>(i - 1)];
    EXPECT_TRUE(f.send(get_req(i, a)));
    EXPECT_TRUE(f.read_lines(static_cast<size_t>(i) + 1));
  }
  for (auto& r : f.responses())
    if (!r.err.empty()) errs.push_back(r.id);
  return errs;
}

std::vector<std::string> script(const std::string& s) { return {"--script", s}; }

TEST(FakeWhen, CommandRequestAndNth) {
  FakeProc f(script(R"([{"when": {"command": "put"}, "do": {"set": {"Err": "p"}}},
                        {"when": {"request": 3}, "do": {"set": {"Err": "r"}}},
                        {"when": {"command": "get", "nth": 2}, "do": {"set": {"Err": "n"}}}])"));
  ASSERT_TRUE(f.send(get_req(1, action(1))));
  ASSERT_TRUE(f.read_lines(2));
  ASSERT_TRUE(f.send(put_req(2, action(1), "b"), "b"));
  ASSERT_TRUE(f.read_lines(3));
  ASSERT_TRUE(f.send(get_req(3, action(1))));
  ASSERT_TRUE(f.read_lines(4));
  ASSERT_TRUE(f.send(get_req(4, action(1))));
  ASSERT_TRUE(f.read_lines(5));
  auto rs = f.responses();
  ASSERT_EQ(rs.size(), 5u);
  EXPECT_EQ(rs[1].err, "");
  EXPECT_EQ(rs[2].err, "p");
  EXPECT_EQ(rs[3].err, "n");  // request 3 is also get #2: both rules fire, the later set wins
  EXPECT_EQ(rs[4].err, "");
}

TEST(FakeWhen, ActionIdPrefix) {
  FakeProc f(script(R"([{"when": {"action": "AB1"}, "do": {"set": {"Err": "prefix"}}}])"));
  std::string a1 = action(0xab, 0x10), a2 = action(0xab, 0x20), a3 = action(0xac, 0x10);
  EXPECT_EQ(errs_for(f, 3, {a1, a2, a3}), (std::vector<int64_t>{1}));
}

TEST(FakeWhen, AfterTimeSinceStart) {
  // The test's clock starts before the spawn, so a reply read within `after`
  // of it was written before the fake's clock reached `after`; and the fake
  // started before its handshake was read, so `after` past that read, the
  // fake's clock is past it too. Conditions, not windows: on a machine too
  // loaded for the first reply to come within `after`, it tries again with
  // twice as long.
  for (auto after = cph::test::scaled(400ms);; after *= 2) {
    const auto spawned = std::chrono::steady_clock::now();
    FakeProc f(script(R"([{"when": {"after": ")" + std::to_string(after.count()) +
                      R"(ms"}, "do": {"set": {"Err": "late"}}}])"));
    ASSERT_TRUE(f.read_lines(1));
    const auto hello = std::chrono::steady_clock::now();
    ASSERT_TRUE(f.send(get_req(1, action(1))));
    ASSERT_TRUE(f.read_lines(2));
    if (std::chrono::steady_clock::now() - spawned >= after) {
      ASSERT_LT(after, 20s) << "the fake never answered within " << after.count() << " ms of its start";
      continue;
    }
    // Nothing to read meanwhile: wait until the fake's clock has passed `after`.
    const auto past = hello + after + 1ms;
    EXPECT_TRUE(f.quiet_for(std::chrono::ceil<std::chrono::milliseconds>(past - std::chrono::steady_clock::now())));
    ASSERT_TRUE(f.send(get_req(2, action(1))));
    ASSERT_TRUE(f.read_lines(3));
    EXPECT_EQ(f.after_handshake(), "{\"ID\":1,\"Miss\":true}\n{\"ID\":2,\"Err\":\"late\",\"Miss\":true}\n");
    return;
  }
}

TEST(FakeWhen, TimesLimitsFiring) {
  FakeProc f(script(R"([{"when": {"command": "get"}, "do": {"set": {"Err": "x"}}, "times": 2}])"));
  EXPECT_EQ(errs_for(f, 4), (std::vector<int64_t>{1, 2}));
}

TEST(FakeWhen, ProbabilityIsSeeded) {
  std::string s = R"([{"when": {"command": "get"}, "do": {"set": {"Err": "x"}}, "probability": 0.5}])";
  std::vector<int64_t> a, b, c;
  {
    FakeProc f({"--seed", "42", "--script", s});
    a = errs_for(f, 40);
  }
  {
    FakeProc f({"--seed", "42", "--script", s});
    b = errs_for(f, 40);
  }
  {
    FakeProc f({"--seed", "43", "--script", s});
    c = errs_for(f, 40);
  }
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_GT(a.size(), 5u);
  EXPECT_LT(a.size(), 35u);
}

TEST(FakeWhen, RulesFireInOrderAndActionsCombine) {
  FakeProc f(script(R"([{"when": {"command": "get"}, "do": [{"set": {"Err": "first"}}, {"omit": "Miss"}]},
                        {"when": {"command": "get"}, "do": {"prefix": "> "}},
                        {"when": {"command": "get"}, "do": {"set": {"Size": 1}}}])"));
  ASSERT_TRUE(f.send(get_req(1, action(1))));
  ASSERT_TRUE(f.read_lines(2));
  EXPECT_EQ(f.after_handshake(), "> {\"ID\":1,\"Err\":\"first\",\"Size\":1}\n");
}

TEST(FakeWhen, AnEmptyWhenMatchesEveryRequestButNotTheHandshake) {
  FakeProc f(script(R"([{"do": {"prefix": "!"}}])"));
  ASSERT_TRUE(f.send(get_req(1, action(1))));
  ASSERT_TRUE(f.send(close_req(2)));
  ASSERT_TRUE(f.read_to_eof());
  EXPECT_EQ(f.out(), handshake_line() + "!{\"ID\":1,\"Miss\":true}\n!{\"ID\":2}\n");
}

}  // namespace
}  // namespace cph::fake::testing
