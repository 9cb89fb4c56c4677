#include "runner/runner.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "runner/glob.hpp"

namespace cph::runner {

namespace {

std::string seconds_text(Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", std::chrono::duration<double>(d).count());
  return buf;
}

Clock::duration scale(std::chrono::milliseconds d, double factor) {
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double, std::milli>(static_cast<double>(d.count()) * factor));
}

// Where finished cases announce themselves; shared with the case threads so
// an abandoned thread never touches freed memory.
struct Board {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<size_t> finished;
};

// One running case. Owned jointly by the runner and the case's thread.
struct Running {
  Running(const CaseDescriptor& d, Clock::time_point deadline) : info(d.info), run(d.run), token(deadline) {}
  CaseInfo info;
  CaseFunction run;
  CancelToken token;
  wire::Transcript transcript;
  CaseOutcome outcome;  // written by the case thread before it posts to the board
  Clock::time_point started = Clock::now();
  Clock::time_point ended;
};

void run_one(const std::shared_ptr<Running>& r, double timeout_scale, size_t max_reply_bytes) {
  CaseContext ctx{r->info, r->token, r->transcript, timeout_scale, max_reply_bytes};
  try {
    if (!r->run) throw std::logic_error("case has no run function");
    r->outcome = r->run(ctx);
  } catch (const std::exception& e) {
    r->outcome = CaseOutcome::error(std::string("exception: ") + e.what());
  } catch (...) {
    r->outcome = CaseOutcome::error("exception of unknown type");
  }
  apply_path_names(r->outcome, ctx.path_names);
  r->ended = Clock::now();
}

CaseResult make_result(Running& r, bool deadline_fired, Clock::duration timeout) {
  CaseResult res;
  res.info = r.info;
  res.status = r.outcome.status;
  res.expected = std::move(r.outcome.expected);
  res.observed = std::move(r.outcome.observed);
  res.details = std::move(r.outcome.details);
  res.duration = r.ended - r.started;
  res.transcript = r.transcript.records();
  if (deadline_fired) {
    std::string note = "the case reached its deadline of " + seconds_text(timeout);
    if (res.status == Status::pass) {
      res.status = Status::error;
      res.observed = "timeout";
    }
    res.details = res.details.empty() ? note : res.details + "; " + note;
  }
  return res;
}

CaseResult hang_result(Running& r, Clock::duration timeout, Clock::duration grace) {
  CaseResult res;
  res.info = r.info;
  res.status = Status::error;
  res.observed = "hang";
  res.details = "the case did not return within its deadline of " + seconds_text(timeout) + " nor " +
                seconds_text(grace) + " after being cancelled; abandoned";
  res.duration = Clock::now() - r.started;
  res.transcript = r.transcript.records();
  return res;
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.front() == '/' || id.back() == '/') return false;
  if (id.find("//") != std::string::npos) return false;
  for (unsigned char c : id) {
    if (c <= ' ' || c == 0x7f || c == '*' || c == '?' || c == '#') return false;
  }
  return true;
}

}  // namespace

void validate_catalogue(const std::vector<CaseDescriptor>& cases) {
  std::set<std::string> seen;
  for (const auto& c : cases) {
    if (!valid_id(c.info.id)) {
      throw std::invalid_argument("invalid case ID \"" + c.info.id +
                                  "\": want '/'-separated segments without spaces, '*', '?' or '#'");
    }
    if (!seen.insert(c.info.id).second) {
      throw std::invalid_argument("duplicate case ID \"" + c.info.id + "\"");
    }
  }
}

std::vector<const CaseDescriptor*> select_cases(const std::vector<CaseDescriptor>& cases, const RunOptions& options) {
  std::vector<const CaseDescriptor*> out;
  for (const auto& c : cases) {
    if (selected(c.info.id, options.only, options.skip)) out.push_back(&c);
  }
  return out;
}

RunResults run_cases(const std::vector<const CaseDescriptor*>& cases, const RunOptions& options,
                     const RunProgress& progress) {
  const auto wall_start = Clock::now();
  const size_t total = cases.size();
  const size_t jobs = static_cast<size_t>(std::max(1, options.jobs));
  const double factor = options.timeout_scale > 0 ? options.timeout_scale : 1.0;
  const Clock::duration grace = scale(options.grace, factor);

  struct Slot {
    std::shared_ptr<Running> running;
    std::thread thread;
    Clock::duration timeout{};
    bool cancelled = false;
    Clock::time_point abandon_at{};
  };
  auto board = std::make_shared<Board>();
  std::map<size_t, Slot> slots;
  std::vector<std::optional<CaseResult>> results(total);
  size_t next = 0, done = 0;

  auto posted = [&](size_t index) {
    std::lock_guard lock(board->mu);
    return std::find(board->finished.begin(), board->finished.end(), index) != board->finished.end();
  };
  auto finish = [&](size_t index, CaseResult res) {
    ++done;
    if (progress.finished) progress.finished(res, done, total);
    results[index] = std::move(res);
  };

  while (next < total || !slots.empty()) {
    while (slots.size() < jobs && next < total) {
      const size_t index = next++;
      const CaseDescriptor& d = *cases[index];
      Slot slot;
      slot.timeout = scale(d.info.timeout, factor);
      slot.running = std::make_shared<Running>(d, Clock::now() + slot.timeout);
      if (progress.started) progress.started(d.info);
      slot.thread = std::thread([r = slot.running, board, index, factor, max_reply = options.max_reply_bytes] {
        run_one(r, factor, max_reply);
        std::lock_guard lock(board->mu);
        board->finished.push_back(index);
        board->cv.notify_all();
      });
      slots.emplace(index, std::move(slot));
    }

    // Sleep until a case finishes or the next deadline / abandon time.
    Clock::time_point wake = Clock::time_point::max();
    for (auto& [i, s] : slots) {
      wake = std::min(wake, s.cancelled ? s.abandon_at : s.running->token.deadline());
    }
    std::vector<size_t> finished;
    {
      std::unique_lock lock(board->mu);
      board->cv.wait_until(lock, wake, [&] { return !board->finished.empty(); });
      finished.swap(board->finished);
    }
    for (size_t index : finished) {
      auto it = slots.find(index);
      if (it == slots.end()) continue;  // already abandoned
      it->second.thread.join();
      Running& r = *it->second.running;
      // The case may have seen its deadline pass before the runner did.
      bool late = it->second.cancelled || r.ended >= r.token.deadline();
      finish(index, make_result(r, late, it->second.timeout));
      slots.erase(it);
    }

    const auto now = Clock::now();
    for (auto it = slots.begin(); it != slots.end();) {
      Slot& s = it->second;
      if (!s.cancelled && now >= s.running->token.deadline()) {
        s.cancelled = true;
        s.abandon_at = now + grace;
        s.running->token.cancel();
      } else if (s.cancelled && now >= s.abandon_at && !posted(it->first)) {
        s.thread.detach();
        finish(it->first, hang_result(*s.running, s.timeout, grace));
        it = slots.erase(it);
        continue;
      }
      ++it;
    }
  }

  RunResults out;
  out.wall = Clock::now() - wall_start;
  for (auto& r : results) out.results.push_back(std::move(*r));
  return out;
}

}  // namespace cph::runner
