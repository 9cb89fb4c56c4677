// The case runner: order, statuses, parallelism, deadlines, abandoned hangs.
#include "runner/runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>

using namespace cph::runner;
using namespace std::chrono_literals;

namespace {

CaseDescriptor make_case(std::string id, CaseFunction f, std::chrono::milliseconds timeout = 10s) {
  CaseDescriptor d;
  d.info.id = std::move(id);
  d.info.title = "title of " + d.info.id;
  d.info.timeout = timeout;
  d.run = std::move(f);
  return d;
}

std::vector<const CaseDescriptor*> all(const std::vector<CaseDescriptor>& cases) {
  std::vector<const CaseDescriptor*> out;
  for (const auto& c : cases) out.push_back(&c);
  return out;
}

// A gate the test opens; waits are bounded so nothing can hang the suite.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int arrived = 0;
  void release() {
    std::lock_guard l(mu);
    open = true;
    cv.notify_all();
  }
  bool wait(std::chrono::milliseconds limit) {
    std::unique_lock l(mu);
    return cv.wait_for(l, limit, [&] { return open; });
  }
  // Every caller waits until `n` have arrived.
  bool meet(int n, std::chrono::milliseconds limit) {
    std::unique_lock l(mu);
    if (++arrived >= n) cv.notify_all();
    return cv.wait_for(l, limit, [&] { return arrived >= n; });
  }
};

}  // namespace

TEST(Runner, ResultsInCatalogueOrderWithStatusesAndExceptions) {
  std::vector<CaseDescriptor> cases;
  cases.push_back(make_case("a/pass", [](CaseContext&) { return CaseOutcome::pass("fine"); }));
  cases.push_back(make_case("a/fail", [](CaseContext&) { return CaseOutcome::fail("miss", "hit", "why"); }));
  cases.push_back(make_case("b/skip", [](CaseContext&) { return CaseOutcome::skip("no go"); }));
  cases.push_back(make_case("b/throw", [](CaseContext&) -> CaseOutcome { throw std::runtime_error("boom"); }));
  cases.push_back(make_case("b/transcript", [](CaseContext& ctx) {
    ctx.transcript.bytes(cph::wire::Direction::to_helper, "{\"ID\":1}\n");
    ctx.transcript.event("rule-fired", {{"rule", 2}});
    return CaseOutcome::pass();
  }));
  RunOptions o;
  o.jobs = 3;
  auto run = run_cases(all(cases), o);
  ASSERT_EQ(run.results.size(), 5u);
  EXPECT_EQ(run.results[0].info.id, "a/pass");
  EXPECT_EQ(run.results[0].status, Status::pass);
  EXPECT_EQ(run.results[0].observed, "fine");
  EXPECT_EQ(run.results[1].status, Status::fail);
  EXPECT_EQ(run.results[1].expected, "miss");
  EXPECT_EQ(run.results[1].observed, "hit");
  EXPECT_EQ(run.results[1].details, "why");
  EXPECT_EQ(run.results[1].info.title, "title of a/fail");
  EXPECT_EQ(run.results[2].status, Status::skip);
  EXPECT_EQ(run.results[3].status, Status::error);
  EXPECT_EQ(run.results[3].details, "exception: boom");
  ASSERT_EQ(run.results[4].transcript.size(), 2u);
  EXPECT_EQ(run.results[4].transcript[0].dir, cph::wire::Direction::to_helper);
  EXPECT_EQ(run.results[4].transcript[0].data, "{\"ID\":1}\n");
  EXPECT_EQ(run.results[4].transcript[1].dir, cph::wire::Direction::event);
}

TEST(Runner, JobsRunCasesConcurrently) {
  // Four cases that each wait for all four to have started: only a runner
  // with four threads lets them pass.
  auto gate = std::make_shared<Gate>();
  std::vector<CaseDescriptor> cases;
  for (int i = 0; i < 4; ++i) {
    cases.push_back(make_case("meet/" + std::to_string(i), [gate](CaseContext&) {
      return gate->meet(4, 5s) ? CaseOutcome::pass() : CaseOutcome::fail("4 concurrent", "fewer");
    }));
  }
  RunOptions o;
  o.jobs = 4;
  auto run = run_cases(all(cases), o);
  for (const auto& r : run.results) EXPECT_EQ(r.status, Status::pass) << r.info.id;
}

TEST(Runner, OneJobRunsOneCaseAtATime) {
  std::atomic<int> now{0}, peak{0};
  std::vector<CaseDescriptor> cases;
  for (int i = 0; i < 6; ++i) {
    cases.push_back(make_case("seq/" + std::to_string(i), [&](CaseContext& ctx) {
      int n = ++now;
      int p = peak.load();
      while (n > p && !peak.compare_exchange_weak(p, n)) {
      }
      ctx.cancel.sleep_for(2ms);
      --now;
      return CaseOutcome::pass();
    }));
  }
  RunOptions o;
  o.jobs = 1;
  run_cases(all(cases), o);
  EXPECT_EQ(peak.load(), 1);
}

TEST(Runner, DeadlineCancelsTheCaseWhichReportsWhatItSaw) {
  std::vector<CaseDescriptor> cases;
  cases.push_back(make_case(
      "slow/honours",
      [](CaseContext& ctx) {
        ctx.cancel.wait();  // a wait with nothing else to end it
        return CaseOutcome::fail("a reply", "no reply before the deadline");
      },
      50ms));
  auto start = Clock::now();
  auto run = run_cases(all(cases), {});
  EXPECT_LT(Clock::now() - start, 5s);
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_EQ(run.results[0].status, Status::fail);
  EXPECT_EQ(run.results[0].observed, "no reply before the deadline");
  EXPECT_NE(run.results[0].details.find("reached its deadline of 0.05 s"), std::string::npos) << run.results[0].details;
}

TEST(Runner, PassingAfterTheDeadlineIsATimeoutError) {
  std::vector<CaseDescriptor> cases;
  cases.push_back(make_case(
      "slow/pass",
      [](CaseContext& ctx) {
        ctx.cancel.wait();
        return CaseOutcome::pass();
      },
      30ms));
  auto run = run_cases(all(cases), {});
  EXPECT_EQ(run.results[0].status, Status::error);
  EXPECT_EQ(run.results[0].observed, "timeout");
}

TEST(Runner, ACaseIgnoringCancellationIsAbandonedAsHangAndTheRunGoesOn) {
  auto gate = std::make_shared<Gate>();
  std::vector<CaseDescriptor> cases;
  cases.push_back(make_case(
      "hang/ignores-token",
      [gate](CaseContext&) {
        gate->wait(60s);  // ignores its token; the test opens the gate at the end
        return CaseOutcome::pass();
      },
      50ms));
  cases.push_back(make_case("hang/next", [](CaseContext&) { return CaseOutcome::pass(); }));
  RunOptions o;
  o.jobs = 1;
  o.grace = 50ms;
  auto start = Clock::now();
  auto run = run_cases(all(cases), o);
  auto took = Clock::now() - start;
  gate->release();  // lets the abandoned thread end
  EXPECT_LT(took, 5s);
  ASSERT_EQ(run.results.size(), 2u);
  EXPECT_EQ(run.results[0].status, Status::error);
  EXPECT_EQ(run.results[0].observed, "hang");
  EXPECT_NE(run.results[0].details.find("abandoned"), std::string::npos);
  EXPECT_EQ(run.results[1].status, Status::pass);
}

TEST(Runner, TimeoutScaleStretchesDeadlines) {
  std::vector<CaseDescriptor> cases;
  std::chrono::milliseconds scaled{0};
  cases.push_back(make_case(
      "scale/x",
      [&](CaseContext& ctx) {
        scaled = ctx.scaled(100ms);
        // 80 ms of work against a 20 ms timeout: fine only when scaled by 10.
        return ctx.cancel.sleep_for(80ms) ? CaseOutcome::pass() : CaseOutcome::fail("80 ms", "cancelled");
      },
      20ms));
  RunOptions o;
  o.timeout_scale = 10;
  auto run = run_cases(all(cases), o);
  EXPECT_EQ(run.results[0].status, Status::pass) << run.results[0].details;
  EXPECT_EQ(scaled, 1000ms);
}

TEST(Runner, ProgressCallbacksCountEveryCase) {
  std::vector<CaseDescriptor> cases;
  for (int i = 0; i < 5; ++i) {
    cases.push_back(make_case("p/" + std::to_string(i), [](CaseContext&) { return CaseOutcome::pass(); }));
  }
  std::vector<std::string> started;
  std::vector<size_t> done;
  RunProgress progress;
  progress.started = [&](const CaseInfo& info) { started.push_back(info.id); };
  progress.finished = [&](const CaseResult& r, size_t d, size_t total) {
    EXPECT_EQ(total, 5u);
    EXPECT_NE(std::find(started.begin(), started.end(), r.info.id), started.end());
    done.push_back(d);
  };
  RunOptions o;
  o.jobs = 2;
  run_cases(all(cases), o, progress);
  EXPECT_EQ(started.size(), 5u);
  EXPECT_EQ(done, (std::vector<size_t>{1, 2, 3, 4, 5}));
}

TEST(Runner, SelectionAndCatalogueValidation) {
  std::vector<CaseDescriptor> cases;
  for (auto id : {"close/a", "close/b", "get/a"}) {
    cases.push_back(make_case(id, [](CaseContext&) { return CaseOutcome::pass(); }));
  }
  RunOptions o;
  o.only = {"close"};
  o.skip = {"*/b"};
  auto sel = select_cases(cases, o);
  ASSERT_EQ(sel.size(), 1u);
  EXPECT_EQ(sel[0]->info.id, "close/a");

  EXPECT_NO_THROW(validate_catalogue(cases));
  cases.push_back(make_case("close/a", nullptr));
  EXPECT_THROW(validate_catalogue(cases), std::invalid_argument);
  for (auto bad : {"", "a//b", "/a", "a/", "a b", "a/*", "a#b"}) {
    std::vector<CaseDescriptor> one;
    one.push_back(make_case(bad, nullptr));
    EXPECT_THROW(validate_catalogue(one), std::invalid_argument) << bad;
  }
}
