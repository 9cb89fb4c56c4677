// The in-flight table (internal to the client: prog_cache.cpp and
// request_writer.cpp include it, prog_cache.hpp does not). Go's ProgCache.mu
// and what it guards (nextID, inFlight), a Slot per request where Go has a
// reply channel, and under the same mutex the session's state that every
// waiter watches: a fatal (base.Fatalf), a wait Go would never end, Close's
// cancel of c.ctx, c.closing and readLoopDone. wait() is send's select on
// the reply and ctx.Done().
//
// Locks: mu_, then a Slot's mu (never the other way round); never mu_ while
// holding the writer's pipe lock (Go: writeMu "must never be held at the same
// time as mu").
#pragma once
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/context.hpp"
#include "client/outcome.hpp"
#include "client/prog_cache.hpp"
#include "client/wakeup.hpp"
#include "wire/messages.hpp"
#include "wire/transcript.hpp"

namespace cph::client {

// Go's errCacheprogClosed.
inline constexpr const char* kErrCacheprogClosed = "GOCACHEPROG program closed unexpectedly";

// How the client's hang messages spell a deadline: "10s", "250ms".
std::string seconds_text(std::chrono::milliseconds d);

// One request: its reply (Go's resc) and how its write went. The writer may
// write it for another caller and later, so the caller waits for both.
struct Slot {
  enum class Write { queued, written, failed };
  std::mutex mu;  // guards the fields below; the one caller sleeps on `wake` without it
  Wakeup wake;
  Write write = Write::queued;
  Outcome write_outcome;  // when failed: why (error, hang, or the session's fatal)
  Clock::time_point written_at;
  std::optional<wire::Response> res;
  bool closed = false;  // Go 1.24+ closes the channel when readLoop ends while closing
  bool poked = false;   // the session or the caller's context changed: look again

  void poke();
  // By the caller that wrote (or failed to write) this request's bytes.
  void settle(Write w, Clock::time_point now, Outcome why = {});
  // Sleeps (mu held by `lock`, released meanwhile) until a change or `until`.
  void sleep(std::unique_lock<std::mutex>& lock, Clock::time_point until);
};

// What send returns: Go's (res, err). `outcome` is ok with a reply in `res`;
// `closed` is errors.Is(err, errCacheprogClosed).
struct SendResult {
  Outcome outcome;
  bool closed = false;
  wire::Response res;
  int64_t id = 0;  // 0 when nothing was sent
};

class InflightTable {
 public:
  InflightTable(const ClientOptions& opts, wire::Transcript& transcript) : opts_(opts), transcript_(transcript) {}

  // startCacheProg: pc.inFlight[0] = capResc, before readLoop runs.
  std::shared_ptr<Slot> expect_handshake();
  // writeToChild up to c.mu.Unlock(): c.nextID++, c.inFlight[req.ID] = resc,
  // setting out.id. False, with out's outcome, when the session has ended or
  // readLoop has set inFlight to nil (errCacheprogClosed).
  bool add(const std::shared_ptr<Slot>& slot, SendResult& out);
  // writeToChild's deferred delete, after a failed write.
  void remove(std::span<const int64_t> ids);
  // send's select: the reply, the caller's context, the session's end, or
  // (no deadline) a hang after `no_deadline_wait`; fills `out`.
  void wait(const std::shared_ptr<Slot>& slot, const Context& ctx, std::chrono::milliseconds no_deadline_wait,
            const std::string& hang_what, SendResult& out);

  // readLoop: ch, ok := c.inFlight[res.ID]; delete(c.inFlight, res.ID).
  std::shared_ptr<Slot> take(int64_t id);
  // readLoop's end on EOF or an error: c.closing.Load(), and len(c.inFlight).
  bool closing(size_t& pending);
  // readLoop's `if c.closing.Load()` branch: Go 1.24+ closes every pending
  // channel and sets inFlight to nil; then readLoopDone.
  void end_quietly();
  void set_read_loop_done();  // close(readLoopDone)
  bool read_loop_done();

  // Close: c.closing.Store(true); the session's early outcome.
  Outcome start_closing();
  void cancel();  // c.ctxCancel(): pending calls get "context canceled"
  // <-c.readLoopDone until `give_up` (nullopt then); a fatal ends it too.
  std::optional<Outcome> await_read_loop(Clock::time_point give_up);

  // The session. set_fatal is base.Fatalf: every call after it returns it.
  void set_fatal(const std::string& message);
  std::optional<std::string> fatal();
  void note_hang(const std::string& message);  // the first one is the session's
  // Go blocks for good (a stalled write holds writeMu, no handshake): every
  // later call hangs.
  void hang_for_good(const std::string& message);
  Outcome early_outcome();  // fatal, or a session where go is blocked, else ok
  void set_start_outcome(Outcome o);
  Outcome start_outcome();
  Outcome session_outcome();  // fatal > hang > ok
  std::vector<int64_t> pending_ids();

 private:
  Outcome early_outcome_locked();
  void wake_all_locked();  // every waiter looks at the session again

  const ClientOptions& opts_;
  wire::Transcript& transcript_;
  std::mutex mu_;
  std::condition_variable cv_;  // session-wide waits: the reader's end (close)
  Outcome start_outcome_;
  std::optional<std::string> fatal_;
  std::optional<std::string> first_hang_;
  std::optional<std::string> dead_;  // Go would be blocked for good: every call hangs
  int64_t next_id_ = 0;
  std::map<int64_t, std::shared_ptr<Slot>> in_flight_;
  bool in_flight_nil_ = false;  // Go 1.24+: readLoop ended while closing
  bool closing_ = false;
  bool session_cancelled_ = false;  // Close cancelled Go's c.ctx
  bool read_loop_done_ = false;
};

}  // namespace cph::client
