#include "runner/cancel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using cph::runner::CancelToken;
using cph::runner::Clock;
using namespace std::chrono_literals;

TEST(CancelToken, PastDeadlineIsCancelled) {
  CancelToken t(Clock::now() - 1ms);
  EXPECT_TRUE(t.cancelled());
  EXPECT_EQ(t.remaining(), Clock::duration::zero());
  EXPECT_FALSE(t.sleep_for(10s));  // returns at once: the deadline has passed
}

TEST(CancelToken, SleepRunsFullTimeWhenNotCancelled) {
  CancelToken t(Clock::now() + 10s);
  auto start = Clock::now();
  EXPECT_TRUE(t.sleep_for(20ms));
  EXPECT_GE(Clock::now() - start, 20ms);
  EXPECT_FALSE(t.cancelled());
}

TEST(CancelToken, CancelWakesASleeperAndRunsCallbacks) {
  CancelToken t(Clock::now() + 60s);
  std::atomic<int> called{0};
  t.on_cancel([&] { ++called; });
  auto start = Clock::now();
  std::thread canceller([&] { t.cancel(); });
  bool full = t.sleep_for(30s);
  canceller.join();
  EXPECT_FALSE(full);
  EXPECT_LT(Clock::now() - start, 10s);
  EXPECT_TRUE(t.cancelled());
  EXPECT_EQ(called.load(), 1);
  t.cancel();  // a second cancel runs nothing again
  EXPECT_EQ(called.load(), 1);
  t.on_cancel([&] { called += 10; });  // registered late: runs at once
  EXPECT_EQ(called.load(), 11);
}

TEST(CancelToken, WaitEndsAtTheDeadline) {
  auto deadline = Clock::now() + 30ms;
  CancelToken t(deadline);
  t.wait();
  EXPECT_GE(Clock::now(), deadline);
  EXPECT_TRUE(t.cancelled());
}
