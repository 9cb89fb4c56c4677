#include "client/inflight_table.hpp"

#include <algorithm>

namespace cph::client {

namespace {

void closed_unexpectedly(SendResult& out) {
  out.outcome = Outcome::error(kErrCacheprogClosed);
  out.closed = true;
}

}  // namespace

std::string seconds_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

void Slot::poke() {
  {
    std::lock_guard<std::mutex> lock(mu);
    poked = true;
  }
  wake.notify();
}

void Slot::settle(Write w, Clock::time_point now, Outcome why) {
  bool needed;
  {
    std::lock_guard<std::mutex> lock(mu);
    write = w;
    written_at = now;
    write_outcome = std::move(why);
    // The reply (or a poke) may have come first; else the reply wakes it.
    needed = w == Write::failed || res || closed || poked;
  }
  if (needed) wake.notify();
}

void Slot::sleep(std::unique_lock<std::mutex>& lock, Clock::time_point until) {
  const uint32_t seen = wake.epoch();  // under mu, with the state just looked at
  lock.unlock();
  wake.wait_until(seen, until);
  lock.lock();
}

void InflightTable::wake_all_locked() {
  cv_.notify_all();
  for (auto& [id, slot] : in_flight_) slot->poke();
}

std::shared_ptr<Slot> InflightTable::expect_handshake() {
  auto hello = std::make_shared<Slot>();
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_[0] = hello;
  return hello;
}

bool InflightTable::add(const std::shared_ptr<Slot>& slot, SendResult& out) {
  std::lock_guard<std::mutex> lock(mu_);
  const Outcome early = early_outcome_locked();
  if (!early.is_ok()) {
    out.outcome = early;
    return false;
  }
  if (in_flight_nil_) {
    // Go 1.24+ writeToChild returns errCacheprogClosed here (Close ignores
    // it). Go 1.24-1.26 leave c.mu locked: this call fails, every later one
    // deadlocks. Go 1.27 unlocks it: every call fails alike.
    if (opts_.profile.leaks_mutex_after_read_loop()) {
      dead_ = "a request after GOCACHEPROG's read loop ended left go's mutex locked; go would block forever";
    }
    closed_unexpectedly(out);
    return false;
  }
  out.id = ++next_id_;
  in_flight_[out.id] = slot;
  return true;
}

void InflightTable::remove(std::span<const int64_t> ids) {
  std::lock_guard<std::mutex> lock(mu_);
  if (in_flight_nil_) return;
  for (const int64_t id : ids) in_flight_.erase(id);
}

void InflightTable::wait(const std::shared_ptr<Slot>& slot_ptr, const Context& ctx,
                         std::chrono::milliseconds no_deadline_wait, const std::string& hang_what, SendResult& out) {
  Slot& slot = *slot_ptr;
  // Owns the slot: cancel() may run a waker just after remove_waker().
  const uint64_t waker = ctx.cancellable() ? ctx.add_waker([slot_ptr] { slot_ptr->poke(); }) : 0;
  const auto ctx_deadline = ctx.deadline();
  std::unique_lock<std::mutex> sl(slot.mu);
  // The writer's every write has a deadline, so this wait ends.
  while (slot.write == Slot::Write::queued) slot.sleep(sl, Clock::now() + opts_.write_stall_timeout);
  auto hang_at = Clock::time_point::max();
  if (ctx_deadline == Clock::time_point::max()) hang_at = slot.written_at + no_deadline_wait;
  bool look = true;  // at the session and the context: at first, then after a poke or a timeout
  while (slot.write == Slot::Write::written) {
    if (slot.res) {
      out.res = std::move(*slot.res);
      out.outcome = out.res.err.empty() ? Outcome::ok() : Outcome::error(out.res.err);
      break;
    }
    if (slot.closed) {
      closed_unexpectedly(out);
      break;
    }
    if (look) {
      slot.poked = false;
      sl.unlock();
      bool decided = true;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (fatal_) {
          out.outcome = Outcome::fatal(*fatal_);
        } else if (session_cancelled_) {
          out.outcome = Outcome::cancelled("context canceled");
        } else {
          decided = false;
        }
      }
      if (!decided) {
        if (std::string e = ctx.err(); !e.empty()) {
          out.outcome = Outcome::cancelled(std::move(e));
          decided = true;
        } else if (Clock::now() >= hang_at) {
          out.outcome = Outcome::hang("no reply to " + hang_what + " (request ID " + std::to_string(out.id) +
                                      ") within " + seconds_text(no_deadline_wait) + "; go would wait forever");
          decided = true;
        }
      }
      sl.lock();
      look = false;
      if (decided && !slot.res && !slot.closed) break;
      continue;  // a reply that came meanwhile wins
    }
    const auto until = std::min(hang_at, ctx_deadline);
    slot.sleep(sl, until);
    look = slot.poked || Clock::now() >= until;
  }
  const bool failed = slot.write == Slot::Write::failed;
  if (failed) out.outcome = slot.write_outcome;  // its bytes never went out whole: the writer said why
  sl.unlock();
  ctx.remove_waker(waker);
  if (out.outcome.kind == OutcomeKind::hang && !failed) note_hang(out.outcome.message);
}

std::shared_ptr<Slot> InflightTable::take(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return nullptr;
  std::shared_ptr<Slot> slot = std::move(it->second);
  in_flight_.erase(it);
  return slot;
}

bool InflightTable::closing(size_t& pending) {
  std::lock_guard<std::mutex> lock(mu_);
  pending = in_flight_.size();
  return closing_;
}

void InflightTable::end_quietly() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!opts_.profile.close_deadlocks_on_exit()) {
    // Go 1.24+: close every pending channel; the waiters see "closed".
    for (auto& [id, slot] : in_flight_) {
      {
        std::lock_guard<std::mutex> sl(slot->mu);
        slot->closed = true;
      }
      slot->wake.notify();
    }
    in_flight_.clear();
    in_flight_nil_ = true;
  }
  // Go 1.21-1.23 return without waking anyone (golang/go#70848).
  read_loop_done_ = true;
  wake_all_locked();
}

void InflightTable::set_read_loop_done() {
  std::lock_guard<std::mutex> lock(mu_);
  read_loop_done_ = true;
  wake_all_locked();
}

bool InflightTable::read_loop_done() {
  std::lock_guard<std::mutex> lock(mu_);
  return read_loop_done_;
}

Outcome InflightTable::start_closing() {
  std::lock_guard<std::mutex> lock(mu_);
  closing_ = true;
  return early_outcome_locked();
}

void InflightTable::cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  session_cancelled_ = true;
  wake_all_locked();
}

std::optional<Outcome> InflightTable::await_read_loop(Clock::time_point give_up) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!read_loop_done_ && !fatal_) {
    if (Clock::now() >= give_up) return std::nullopt;
    cv_.wait_until(lock, give_up);
  }
  if (fatal_) return Outcome::fatal(*fatal_);
  return Outcome::ok();
}

void InflightTable::set_fatal(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (fatal_) return;
    fatal_ = message;
    wake_all_locked();
  }
  transcript_.event("fatal", {{"message", message}});
  if (opts_.on_log) opts_.on_log(message);
}

std::optional<std::string> InflightTable::fatal() {
  std::lock_guard<std::mutex> lock(mu_);
  return fatal_;
}

void InflightTable::note_hang(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!first_hang_) first_hang_ = message;
  }
  transcript_.event("hang", {{"message", message}});
}

void InflightTable::hang_for_good(const std::string& message) {
  note_hang(message);
  std::lock_guard<std::mutex> lock(mu_);
  dead_ = message;
  wake_all_locked();
}

Outcome InflightTable::early_outcome() {
  std::lock_guard<std::mutex> lock(mu_);
  return early_outcome_locked();
}

Outcome InflightTable::early_outcome_locked() {
  if (fatal_) return Outcome::fatal(*fatal_);
  if (dead_) {
    if (!first_hang_) first_hang_ = *dead_;  // this call is where go would block
    return Outcome::hang(*dead_);
  }
  if (!start_outcome_.is_ok()) return start_outcome_;
  return Outcome::ok();
}

void InflightTable::set_start_outcome(Outcome o) {
  std::lock_guard<std::mutex> lock(mu_);
  start_outcome_ = std::move(o);
}

Outcome InflightTable::start_outcome() {
  std::lock_guard<std::mutex> lock(mu_);
  return start_outcome_;
}

Outcome InflightTable::session_outcome() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fatal_) return Outcome::fatal(*fatal_);
  if (first_hang_) return Outcome::hang(*first_hang_);
  return Outcome::ok();
}

std::vector<int64_t> InflightTable::pending_ids() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int64_t> ids;
  for (const auto& [id, slot] : in_flight_) ids.push_back(id);
  return ids;
}

}  // namespace cph::client
