#include "client/prog_cache.hpp"


#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cerrno>
#include <cstring>

#include "client/wakeup.hpp"
#include "proc/look_path.hpp"
#include "proc/quoted_split.hpp"
#include "wire/base64.hpp"
#include "wire/encoders.hpp"
#include "wire/response_decoder.hpp"
#include "wire/sha256.hpp"

namespace cph::client {

namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kOutputIdSize = 32;  // Go's OutputID is [32]byte

std::string seconds_text(milliseconds d) {
  const auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string hex(std::string_view bytes) { return wire::to_hex(bytes); }

class StringBody : public ProgCache::BodySource {
 public:
  explicit StringBody(std::string_view s) : s_(s) {}
  bool rewind(std::string&) override {
    pos_ = 0;
    return true;
  }
  int64_t read(char* buf, size_t cap, std::string&) override {
    const size_t n = std::min(cap, s_.size() - pos_);
    std::memcpy(buf, s_.data() + pos_, n);
    pos_ += n;
    return static_cast<int64_t>(n);
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

class FileBody : public ProgCache::BodySource {
 public:
  FileBody(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileBody() override { ::close(fd_); }
  bool rewind(std::string& error) override {
    if (::lseek(fd_, 0, SEEK_SET) < 0) {
      error = "seek " + path_ + ": " + proc::errno_text(errno);
      return false;
    }
    return true;
  }
  int64_t read(char* buf, size_t cap, std::string& error) override {
    while (true) {
      const ssize_t n = ::read(fd_, buf, cap);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      error = "read " + path_ + ": " + proc::errno_text(errno);
      return -1;
    }
  }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

struct ProgCache::Slot {
  enum class Write { queued, written, failed };
  std::mutex mu;  // guards the fields below; the one caller sleeps on `wake` without it
  Wakeup wake;
  Write write = Write::queued;
  SendStatus write_status = SendStatus::error;  // when failed
  std::string write_message;
  Clock::time_point written_at;
  std::optional<wire::Response> res;
  bool closed = false;  // Go 1.24+ closes the channel when readLoop ends while closing
  bool poked = false;   // the session or the caller's context changed: look again

  void poke() {
    {
      std::lock_guard<std::mutex> lock(mu);
      poked = true;
    }
    wake.notify();
  }
  // By the caller that wrote (or failed to write) this request's bytes.
  void settle(Write w, Clock::time_point now, SendStatus status = SendStatus::error, const std::string& message = {}) {
    bool needed;
    {
      std::lock_guard<std::mutex> lock(mu);
      write = w;
      written_at = now;
      write_status = status;
      write_message = message;
      // The reply (or a poke) may have come first; else the reply wakes it.
      needed = w == Write::failed || res || closed || poked;
    }
    if (needed) wake.notify();
  }
  // Sleeps (mu held by `lock`, released meanwhile) until a change or `until`.
  void sleep(std::unique_lock<std::mutex>& lock, Clock::time_point until) {
    const uint32_t seen = wake.epoch();  // under mu, with the state just looked at
    lock.unlock();
    wake.wait_until(seen, until);
    lock.lock();
  }
};

void ProgCache::wake_all_locked() {
  shared_->cv.notify_all();
  for (auto& [id, slot] : in_flight_) slot->poke();
}

ProgCache::ProgCache(ClientOptions opts) : opts_(std::move(opts)) {
  transcript_ = opts_.transcript ? opts_.transcript : std::make_shared<wire::Transcript>();
}

std::unique_ptr<ProgCache> ProgCache::start(ClientOptions opts) {
  std::unique_ptr<ProgCache> pc(new ProgCache(std::move(opts)));
  pc->run_start();
  return pc;
}

void ProgCache::log(const std::string& line) {
  if (opts_.on_log) opts_.on_log(line);
}

void ProgCache::set_fatal(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    if (fatal_) return;
    fatal_ = message;
    wake_all_locked();
  }
  transcript_->event("fatal", {{"message", message}});
  log(message);
}

void ProgCache::note_hang(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    if (!first_hang_) first_hang_ = message;
  }
  transcript_->event("hang", {{"message", message}});
}

void ProgCache::run_start() {
  const proc::QuotedSplit split = proc::quoted_split(opts_.command);
  if (!split.ok()) {
    set_fatal("GOCACHEPROG args: " + split.error);
    start_outcome_ = Outcome::fatal(*fatal_);
    return;
  }
  prog_ = split.fields.empty() ? std::string() : split.fields.front();
  proc::SpawnOptions so;
  so.argv = split.fields;
  so.dir = opts_.dir;
  so.env_extra = opts_.env_extra;
  so.grace = opts_.teardown_grace;
  so.sweep_descendants = opts_.sweep_descendants;
  std::string error;
  child_ = proc::Child::spawn(so, error);
  if (!child_) {
    set_fatal("error starting GOCACHEPROG program " + proc::go_strconv_quote(prog_) + ": " + error);
    start_outcome_ = Outcome::fatal(*fatal_);
    return;
  }
  transcript_->event("helper-started", {{"command", opts_.command}, {"pid", child_->pid()},
                                        {"profile", opts_.profile.name()}});

  // Register interest in the ID-0 message before the reader can see it.
  auto hello = std::make_shared<Slot>();
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    in_flight_[0] = hello;
  }
  reader_ = std::thread([this] { read_loop(); });
  stderr_reader_ = std::thread([this] { stderr_loop(); });

  const auto give_up = Clock::now() + opts_.handshake_timeout;
  auto next_tick = Clock::now() + opts_.still_waiting_interval;
  std::set<std::string> can;
  std::unique_lock<std::mutex> sl(hello->mu);
  while (!hello->res) {
    hello->poked = false;
    sl.unlock();
    bool fatal;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      fatal = fatal_.has_value();
      if (fatal) start_outcome_ = Outcome::fatal(*fatal_);
    }
    if (fatal) return;
    const auto now = Clock::now();
    if (now >= give_up) {
      const std::string msg = "no handshake (ID 0) from GOCACHEPROG " + prog_ + " within " +
                              seconds_text(opts_.handshake_timeout) + "; go would wait forever";
      note_hang(msg);
      std::lock_guard<std::mutex> lock(shared_->mu);
      dead_ = msg;
      start_outcome_ = Outcome::hang(msg);
      return;
    }
    if (now >= next_tick) {
      log("# still waiting for GOCACHEPROG " + prog_ + " ...");
      next_tick += opts_.still_waiting_interval;
    }
    sl.lock();
    if (!hello->res && !hello->poked) hello->sleep(sl, std::min(give_up, next_tick));
  }
  can.insert(hello->res->known_commands.begin(), hello->res->known_commands.end());
  sl.unlock();
  if (can.empty()) {
    set_fatal("GOCACHEPROG " + prog_ + " declared no supported commands");
    start_outcome_ = Outcome::fatal(*fatal_);
    return;
  }
  std::lock_guard<std::mutex> lock(shared_->mu);
  can_ = std::move(can);
  start_outcome_ = Outcome::ok();
}

void ProgCache::stderr_loop() {
  char buf[4096];
  while (true) {
    const proc::IoResult r = child_->read_stderr(buf, sizeof buf, proc::no_deadline(), &read_stop_);
    if (r.status != proc::IoStatus::ok) return;
    const std::string_view bytes(buf, r.bytes);
    transcript_->bytes(wire::Direction::helper_stderr, bytes);
    if (opts_.on_stderr) opts_.on_stderr(bytes);
  }
}

void ProgCache::end_read_loop_quietly() {
  std::lock_guard<std::mutex> lock(shared_->mu);
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
  reader_done_ = true;
  wake_all_locked();
}

void ProgCache::read_loop() {
  wire::ResponseStreamDecoder decoder(opts_.profile.response_struct(), opts_.profile.json_dialect());
  decoder.set_max_value_bytes(opts_.max_reply_bytes);
  std::vector<char> buf(kChunk);
  bool finished = false;
  bool drained = false;  // the last read took less than it could: the pipe was empty after it
  auto mark_done = [this] {
    std::lock_guard<std::mutex> lock(shared_->mu);
    reader_done_ = true;
    wake_all_locked();
  };
  // Callers whose reply is in: woken together before the reader blocks (or
  // ends), so a woken caller does not preempt it in the middle of a read's
  // replies.
  std::vector<std::shared_ptr<Slot>> replied;
  auto wake_replied = [&replied] {
    for (auto& slot : replied) slot->wake.notify();
    replied.clear();
  };
  struct AtExit {
    std::function<void()> run;
    ~AtExit() { run(); }
  } at_exit{wake_replied};
  while (true) {
    wire::Response res;
    std::string error;
    const auto st = decoder.next(res, error);
    if (tearing_down_) return mark_done();
    if (st == wire::ResponseStreamDecoder::Status::value) {
      std::shared_ptr<Slot> slot;  // keeps the slot (and its wakeup) alive past the unlock
      {
        std::lock_guard<std::mutex> lock(shared_->mu);
        auto it = in_flight_.find(res.id);
        if (it != in_flight_.end()) {
          slot = std::move(it->second);
          in_flight_.erase(it);
        }
      }
      if (slot) {
        {
          std::lock_guard<std::mutex> sl(slot->mu);
          slot->res = std::move(res);
        }
        replied.push_back(std::move(slot));
        if (replied.size() >= 64) wake_replied();  // a bound on the first one's wait
        continue;
      }
      set_fatal("GOCACHEPROG sent response for unknown request ID " + std::to_string(res.id));
      return mark_done();
    }
    if (st == wire::ResponseStreamDecoder::Status::eof || st == wire::ResponseStreamDecoder::Status::error) {
      bool closing;
      size_t pending;
      {
        std::lock_guard<std::mutex> lock(shared_->mu);
        closing = closing_;
        pending = in_flight_.size();
      }
      if (closing) return end_read_loop_quietly();
      if (st == wire::ResponseStreamDecoder::Status::eof) {
        set_fatal("GOCACHEPROG exited pre-Close with " + std::to_string(pending) + " pending requests");
      } else {
        set_fatal("error reading JSON from GOCACHEPROG: " + error);
        // Past the bound on one reply: nothing more is read, and the helper
        // (which would go on writing) is killed.
        if (decoder.fed() - decoder.consumed() > static_cast<int64_t>(opts_.max_reply_bytes)) {
          transcript_->event("killed", {{"why", error}});
          child_->kill_group(SIGKILL);
        }
      }
      return mark_done();
    }
    // need_more
    if (finished) return mark_done();  // cannot happen: finish() yields eof or error
    wake_replied();
    // A read that left the pipe empty is most often followed by one that would find it empty.
    const proc::IoResult r =
        child_->read_stdout(buf.data(), buf.size(), proc::no_deadline(), &read_stop_, drained);
    drained = r.status == proc::IoStatus::ok && r.bytes < buf.size();
    if (r.status == proc::IoStatus::interrupted) return mark_done();
    if (r.status == proc::IoStatus::ok) {
      const std::string_view bytes(buf.data(), r.bytes);
      transcript_->bytes(wire::Direction::from_helper, bytes);
      decoder.feed(bytes);
    } else {
      decoder.finish();  // EOF (or a read error, which ends the stream too)
      finished = true;
    }
  }
}

Outcome ProgCache::early_outcome_locked() {
  if (fatal_) return Outcome::fatal(*fatal_);
  if (dead_) {
    if (!first_hang_) first_hang_ = *dead_;  // this call is where go would block
    return Outcome::hang(*dead_);
  }
  if (!start_outcome_.is_ok()) return start_outcome_;
  return Outcome::ok();
}

proc::IoResult ProgCache::write_raw(std::string_view bytes, bool record) {
  proc::IoResult out;
  while (out.bytes < bytes.size()) {
    // A deadline per chunk: a slow reader is fine, a stalled one is a hang.
    const size_t n = std::min(kChunk, bytes.size() - out.bytes);
    const proc::IoResult r = child_->write_stdin(bytes.substr(out.bytes, n),
                                                 proc::deadline_in(opts_.write_stall_timeout), &write_stop_);
    if (r.bytes > 0 && record) transcript_->bytes(wire::Direction::to_helper, bytes.substr(out.bytes, r.bytes));
    out.bytes += r.bytes;
    if (r.status != proc::IoStatus::ok) {
      out.status = r.status;
      out.error = r.error;
      return out;
    }
  }
  return out;
}

std::string ProgCache::write_error_text(const proc::IoResult& r, int64_t id, bool& hung) const {
  if (r.status == proc::IoStatus::timeout) {
    hung = true;
    return "write to GOCACHEPROG stalled for " + seconds_text(opts_.write_stall_timeout) + " (request ID " +
           std::to_string(id) + "): the helper is not reading its stdin; go would block forever";
  }
  if (r.status == proc::IoStatus::interrupted || r.error == EBADF) {
    return "write |1: file already closed";  // os.File's error after in.Close()
  }
  return "write |1: " + proc::errno_text(r.error);
}

// Go's writeToChild after the ID is assigned: the request, then the body.
// Returns the error text ("" on success); `hung` when a write stalled.
std::string ProgCache::write_request(const wire::Request& req, BodySource* body, bool& hung) {
  std::string error;
  uint64_t sent = 0;  // this request's bytes the pipe took
  auto send_bytes = [&](std::string_view bytes, bool record) {
    const proc::IoResult r = write_raw(bytes, record);
    sent += r.bytes;
    if (r.status == proc::IoStatus::ok) return true;
    error = write_error_text(r, req.id, hung);
    return false;
  };
  const std::string header = wire::encode_request(req, opts_.profile.dialect());
  auto failed = [&] { return ignored_base64_close_error(req, header.size(), sent, hung, error) ? "" : error; };
  if (!send_bytes(header, true)) return failed();
  if (body == nullptr || req.body_size <= 0) return "";
  // The line is '"' + base64 + '"' + '\n'; above the limit only its summary is kept.
  const uint64_t line_bytes = 4 * ((static_cast<uint64_t>(req.body_size) + 2) / 3) + 3;
  const bool record = line_bytes <= opts_.transcript_body_limit;
  if (!record) {
    transcript_->event("body-line", {{"id", req.id}, {"bytes", line_bytes}, {"body_size", req.body_size},
                                     {"sha256", hex(req.output_id)}});
  }
  std::string pending = "\"";
  bool ok = true;
  base64::StreamEncoder enc([&](std::string_view text) { pending.append(text); });
  std::vector<char> buf(kChunk);
  int64_t wrote = 0;
  std::string read_error;
  while (ok) {
    const int64_t n = body->read(buf.data(), buf.size(), read_error);
    if (n < 0) return read_error;
    if (n == 0) break;
    wrote += n;
    enc.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
    if (pending.size() >= kChunk) {
      ok = send_bytes(pending, record);
      pending.clear();
    }
  }
  if (!ok) return failed();
  enc.finish();
  if (wrote != req.body_size) {
    // Go returns here without the closing quote: the stream is left broken.
    if (!send_bytes(pending, record)) return failed();
    const char* what = opts_.profile.dialect() == wire::Dialect::object_id ? "object" : "output";
    return "short write writing body to GOCACHEPROG for action " + hex(req.action_id) + ", " + what + " " +
           hex(req.output_id) + ": wrote " + std::to_string(wrote) + "; expected " + std::to_string(req.body_size);
  }
  pending += "\"\n";
  if (!send_bytes(pending, record)) return failed();
  return "";
}

// Go writes a request through a 4096-byte bufio.Writer, empty at the start
// (each request ends with a Flush): header, '"', the base64 encoder's output,
// and, when BodySize % 3 != 0, the encoder's last 4 bytes from e.Close() at
// offset P. A flush happens at each 4096 boundary, when the next write finds
// the buffer full; the first to fail returns the error. Close's write makes
// the flush of the boundary B in [P, P+4), and Go 1.21-1.26 ignore its error
// (`return nil`): the put then waits for a reply as if sent, and bufio's
// error stays for the next request. Our writes failed at byte `sent`, so
// Go's first failing flush is the one of the boundary after it.
bool ProgCache::ignored_base64_close_error(const wire::Request& req, size_t header_size, uint64_t sent, bool hung,
                                           const std::string& error) {
  constexpr uint64_t kBufio = 4096;
  if (hung || !opts_.profile.ignores_base64_close_error() || req.body_size % 3 == 0) return false;
  const uint64_t tail = header_size + 1 + static_cast<uint64_t>(req.body_size / 3) * 4;  // P
  const uint64_t boundary = (sent / kBufio + 1) * kBufio;                               // B
  if (boundary < tail || boundary >= tail + 4) return false;
  write_error_ = error;  // bufio.Writer's error is sticky
  transcript_->event("write-error-ignored",
                     {{"id", req.id}, {"error", error},
                      {"why", "go " + opts_.profile.name() + " ignores the base64 encoder's Close error"}});
  return true;
}

ProgCache::SendResult ProgCache::send(wire::Request req, BodySource* body, const Context& ctx,
                                      milliseconds no_deadline_wait, const std::string& hang_what) {
  SendResult out;
  auto slot = std::make_shared<Slot>();
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    const Outcome early = early_outcome_locked();
    if (!early.is_ok()) {
      out.status = early.kind == OutcomeKind::fatal ? SendStatus::fatal : SendStatus::hang;
      out.message = early.message;
      return out;
    }
    if (in_flight_nil_) {
      // Go 1.24+ writeToChild returns errCacheprogClosed here (Close ignores
      // it). Go 1.24-1.26 leave c.mu locked: this call fails, every later one
      // deadlocks. Go 1.27 unlocks it: every call fails alike.
      if (opts_.profile.leaks_mutex_after_read_loop()) {
        dead_ = "a request after GOCACHEPROG's read loop ended left go's mutex locked; go would block forever";
      }
      out.status = SendStatus::closed;
      out.message = "GOCACHEPROG program closed unexpectedly";
      return out;
    }
    req.id = ++next_id_;
    in_flight_[req.id] = slot;
  }
  out.id = req.id;
  if (body) {
    write_alone(req, body, slot);
  } else {
    write_combined(wire::encode_request(req, opts_.profile.dialect()), req.id, slot);
  }
  wait_reply(slot, ctx, no_deadline_wait, hang_what, out);
  return out;
}

void ProgCache::wait_pipe_free(std::unique_lock<std::mutex>& lock) {
  // The holder's every write has a deadline, so this wait ends.
  pipe_free_.wait(lock, [this] { return !writing_; });
}

// A put: its header and body go out as one unit, the pipe held alone.
void ProgCache::write_alone(const wire::Request& req, BodySource* body, const std::shared_ptr<Slot>& slot) {
  {
    std::unique_lock<std::mutex> lock(pipe_mu_);
    wait_pipe_free(lock);
    writing_ = true;
  }
  const Queued self{slot, req.id, 0};
  if (!fail_if_ended({&self, 1})) {
    std::string error;
    bool hung = false;
    if (!write_error_.empty()) {
      error = write_error_;  // bufio.Writer's error is sticky
    } else if (body->rewind(error)) {
      error = write_request(req, body, hung);
      if (!error.empty() && !hung) write_error_ = error;
    }
    if (error.empty()) {
      slot->settle(Slot::Write::written, Clock::now());
    } else {
      fail_unsent({&self, 1}, error, hung);
    }
  }
  write_pending_and_release();  // small requests that came meanwhile
}

// A request without a body: written now if the pipe is free, else left for
// the caller holding it, in one write with the others waiting.
void ProgCache::write_combined(std::string bytes, int64_t id, const std::shared_ptr<Slot>& slot) {
  {
    std::lock_guard<std::mutex> lock(pipe_mu_);
    pending_ += bytes;
    queued_.push_back(Queued{slot, id, pending_.size()});
    if (writing_) return;
    writing_ = true;
  }
  write_pending_and_release();
}

void ProgCache::write_pending_and_release() {
  std::unique_lock<std::mutex> lock(pipe_mu_);
  while (!pending_.empty()) {
    batch_.swap(pending_);
    batch_queued_.swap(queued_);
    lock.unlock();
    write_batch(batch_, batch_queued_);
    batch_.clear();
    batch_queued_.clear();
    lock.lock();
  }
  writing_ = false;
  lock.unlock();
  pipe_free_.notify_all();
}

// What each request of the batch would have met taking Go's writeMu in turn:
// the session's end, bufio's sticky error, or its own write's outcome.
void ProgCache::write_batch(std::string_view bytes, const std::vector<Queued>& batch) {
  if (fail_if_ended(batch)) return;
  size_t written = 0;  // whole requests sent
  std::string error = write_error_;
  bool hung = false;
  if (error.empty()) {
    const proc::IoResult r = write_raw(bytes, true);
    while (written < batch.size() && batch[written].end <= r.bytes) ++written;
    if (r.status != proc::IoStatus::ok) error = write_error_text(r, batch[written].id, hung);
  }
  const auto now = Clock::now();
  for (size_t i = 0; i < written; ++i) batch[i].slot->settle(Slot::Write::written, now);
  if (written == batch.size()) return;
  if (!hung) write_error_ = error;
  fail_unsent(std::span<const Queued>(batch).subspan(written), error, hung);
}

// The session ended before these requests' turn at the pipe (a fatal, or a
// writer before them stalled for good): they fail unsent, as Go's would.
bool ProgCache::fail_if_ended(std::span<const Queued> requests) {
  Outcome early;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    early = early_outcome_locked();
  }
  if (early.is_ok()) return false;
  const SendStatus st = early.kind == OutcomeKind::fatal ? SendStatus::fatal : SendStatus::hang;
  const auto now = Clock::now();
  for (const Queued& q : requests) q.slot->settle(Slot::Write::failed, now, st, early.message);
  return true;
}

// A write failed before these requests' bytes went out whole. A stall is for
// good (go holds writeMu forever: nobody can send again); any other error
// takes them out of the in-flight table.
void ProgCache::fail_unsent(std::span<const Queued> requests, const std::string& error, bool hung) {
  if (hung) {
    note_hang(error);
    std::lock_guard<std::mutex> lock(shared_->mu);
    dead_ = error;
    wake_all_locked();
  } else {
    std::lock_guard<std::mutex> lock(shared_->mu);
    if (!in_flight_nil_) {
      for (const Queued& q : requests) in_flight_.erase(q.id);
    }
  }
  const auto now = Clock::now();
  for (const Queued& q : requests) q.slot->settle(Slot::Write::failed, now, hung ? SendStatus::hang : SendStatus::error, error);
}

// Go: select { case res := <-resc: ...; case <-ctx.Done(): ... }, after the write.
void ProgCache::wait_reply(const std::shared_ptr<Slot>& slot_ptr, const Context& ctx, milliseconds no_deadline_wait,
                           const std::string& hang_what, SendResult& out) {
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
      if (!out.res.err.empty()) {
        out.status = SendStatus::error;
        out.message = out.res.err;
      } else {
        out.status = SendStatus::reply;
      }
      break;
    }
    if (slot.closed) {
      out.status = SendStatus::closed;
      out.message = "GOCACHEPROG program closed unexpectedly";
      break;
    }
    if (look) {
      slot.poked = false;
      sl.unlock();
      bool decided = true;
      {
        std::lock_guard<std::mutex> lock(shared_->mu);
        if (fatal_) {
          out.status = SendStatus::fatal;
          out.message = *fatal_;
        } else if (session_cancelled_) {
          out.status = SendStatus::cancelled;
          out.message = "context canceled";
        } else {
          decided = false;
        }
      }
      if (!decided) {
        if (std::string e = ctx.err(); !e.empty()) {
          out.status = SendStatus::cancelled;
          out.message = std::move(e);
          decided = true;
        } else if (Clock::now() >= hang_at) {
          out.status = SendStatus::hang;
          out.message = "no reply to " + hang_what + " (request ID " + std::to_string(out.id) + ") within " +
                        seconds_text(no_deadline_wait) + "; go would wait forever";
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
  if (failed) {  // its bytes never went out whole: the writer said why (and noted a hang)
    out.status = slot.write_status;
    out.message = slot.write_message;
  }
  sl.unlock();
  ctx.remove_waker(waker);
  if (out.status == SendStatus::hang && !failed) note_hang(out.message);
}

GetResult ProgCache::get(std::string_view action_id, const Context& ctx) {
  GetResult r;
  if (!can_.count("get")) {  // can_ is fixed once start() has returned
    std::lock_guard<std::mutex> lock(shared_->mu);
    r.outcome = early_outcome_locked();
    if (r.outcome.is_ok()) r.outcome = Outcome::miss();  // a write-only cache: nothing is sent
    return r;
  }
  wire::Request req;
  req.command = "get";
  req.action_id = std::string(action_id);
  SendResult s = send(std::move(req), nullptr, ctx, opts_.reply_timeout, "get");
  r.id = s.id;
  switch (s.status) {
    case SendStatus::reply: break;
    case SendStatus::closed:
    case SendStatus::error: r.outcome = Outcome::error(s.message); return r;
    case SendStatus::cancelled: r.outcome = Outcome::cancelled(s.message); return r;
    case SendStatus::hang: r.outcome = Outcome::hang(s.message); return r;
    case SendStatus::fatal: r.outcome = Outcome::fatal(s.message); return r;
  }
  const wire::Response& res = s.res;
  if (res.miss) {
    r.outcome = Outcome::miss();
    return r;
  }
  r.entry.size = res.size;
  r.entry.time = res.time ? *res.time : wire::Time::now();
  if (res.disk_path.empty()) {
    r.outcome = Outcome::miss("GOCACHEPROG didn't populate DiskPath on get hit");
    return r;
  }
  if (res.output_id.size() > kOutputIdSize) {
    r.outcome = Outcome::miss("incomplete ProgResponse OutputID");
    return r;
  }
  r.entry.output_id = res.output_id;
  r.entry.output_id.resize(kOutputIdSize, '\0');
  r.entry.disk_path = res.disk_path;
  {
    std::lock_guard<std::mutex> lock(output_mu_);
    output_file_[r.entry.output_id] = res.disk_path;
  }
  r.outcome = Outcome::ok();
  return r;
}

PutResult ProgCache::put(std::string_view action_id, std::string_view body, const Context& ctx) {
  StringBody src(body);
  return put_source(action_id, src, ctx);
}

PutResult ProgCache::put_file(std::string_view action_id, const std::string& path, const Context& ctx) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    PutResult r;
    r.outcome = Outcome::error("open " + path + ": " + proc::errno_text(errno));
    return r;
  }
  FileBody src(fd, path);
  return put_source(action_id, src, ctx);
}

PutResult ProgCache::put_source(std::string_view action_id, BodySource& body, const Context& ctx) {
  PutResult r;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    r.outcome = early_outcome_locked();
    if (!r.outcome.is_ok()) return r;
  }
  // Compute the output ID: SHA-256 of the body, read once in chunks.
  std::string error;
  if (!body.rewind(error)) {
    r.outcome = Outcome::error(error);
    return r;
  }
  wire::Sha256 h;
  std::vector<char> buf(kChunk);
  int64_t size = 0;
  while (true) {
    const int64_t n = body.read(buf.data(), buf.size(), error);
    if (n < 0) {
      r.outcome = Outcome::error(error);
      return r;
    }
    if (n == 0) break;
    h.update(std::string_view(buf.data(), static_cast<size_t>(n)));
    size += n;
  }
  const std::string out = h.digest();
  if (!can_.count("put")) {
    r.outcome = Outcome::ok();  // a read-only cache: nothing is sent
    r.output_id = out;
    r.size = size;
    return r;
  }
  wire::Request req;
  req.command = "put";
  req.action_id = std::string(action_id);
  req.output_id = out;
  req.body_size = size;
  SendResult s = send(std::move(req), &body, ctx, opts_.reply_timeout, "put");
  r.id = s.id;
  switch (s.status) {
    case SendStatus::reply: break;
    case SendStatus::closed:
    case SendStatus::error: r.outcome = Outcome::error(s.message); return r;
    case SendStatus::cancelled: r.outcome = Outcome::cancelled(s.message); return r;
    case SendStatus::hang: r.outcome = Outcome::hang(s.message); return r;
    case SendStatus::fatal: r.outcome = Outcome::fatal(s.message); return r;
  }
  if (s.res.disk_path.empty()) {
    r.outcome = Outcome::error("GOCACHEPROG didn't return DiskPath in put response");
    return r;
  }
  {
    std::lock_guard<std::mutex> lock(output_mu_);
    output_file_[out] = s.res.disk_path;
  }
  r.outcome = Outcome::ok();
  r.output_id = out;
  r.size = size;
  return r;
}

std::string ProgCache::output_file(std::string_view output_id, const Context&) const {
  std::lock_guard<std::mutex> lock(output_mu_);
  auto it = output_file_.find(std::string(output_id));
  return it == output_file_.end() ? std::string() : it->second;
}

Outcome ProgCache::close(const Context& ctx) {
  bool can_close;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    closing_ = true;
    const Outcome early = early_outcome_locked();
    if (!early.is_ok()) return early;
    can_close = can_.count("close") > 0;
  }
  Outcome result = Outcome::ok();
  if (can_close) {
    wire::Request req;
    req.command = "close";
    SendResult s = send(std::move(req), nullptr, ctx, opts_.close_timeout, "close");
    switch (s.status) {
      case SendStatus::reply:
      case SendStatus::closed: break;  // 1.24+: the helper may quit without replying
      case SendStatus::error: result = Outcome::error(s.message); break;
      case SendStatus::cancelled: return Outcome::cancelled(s.message);
      case SendStatus::fatal: return Outcome::fatal(s.message);
      case SendStatus::hang: {
        bool exited;
        {
          std::lock_guard<std::mutex> lock(shared_->mu);
          exited = reader_done_;
        }
        if (exited && opts_.profile.close_deadlocks_on_exit()) {
          const std::string m = "GOCACHEPROG exited after close without replying; go " + opts_.profile.name() +
                                " waits for the reply forever (golang/go#70848)";
          note_hang(m);
          return Outcome::hang(m);
        }
        return Outcome::hang(s.message);
      }
    }
  }
  // Cancel Go's c.ctx: pending calls end, and cmd.Cancel closes stdin.
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    session_cancelled_ = true;
    wake_all_locked();
  }
  {
    std::unique_lock<std::mutex> plock(pipe_mu_);
    wait_pipe_free(plock);
    if (child_) child_->close_stdin();
  }
  // Wait until the helper closes its stdout (readLoopDone), which Go does
  // without any timeout.
  std::unique_lock<std::mutex> lock(shared_->mu);
  const auto give_up = Clock::now() + opts_.close_timeout;
  while (!reader_done_ && !fatal_) {
    if (Clock::now() >= give_up) {
      const std::string m = "GOCACHEPROG did not close its stdout within " + seconds_text(opts_.close_timeout) +
                            " after close; go would wait forever";
      lock.unlock();
      note_hang(m);
      return Outcome::hang(m);
    }
    shared_->cv.wait_until(lock, give_up);
  }
  if (fatal_) return Outcome::fatal(*fatal_);
  return result;
}

Outcome ProgCache::start_outcome() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  return start_outcome_;
}

Outcome ProgCache::session_outcome() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  if (fatal_) return Outcome::fatal(*fatal_);
  if (first_hang_) return Outcome::hang(*first_hang_);
  return Outcome::ok();
}

std::set<std::string> ProgCache::known_commands() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  return can_;
}

std::vector<int64_t> ProgCache::pending_ids() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  std::vector<int64_t> ids;
  for (const auto& [id, slot] : in_flight_) ids.push_back(id);
  return ids;
}

std::optional<proc::ExitStatus> ProgCache::wait_helper_exit(milliseconds d) {
  if (!child_) return std::nullopt;
  return child_->wait_until(proc::deadline_in(d));
}

ProgCache::~ProgCache() {
  tearing_down_ = true;
  if (child_) {
    write_stop_.fire();  // a stalled writer gives up at once
    {
      std::unique_lock<std::mutex> plock(pipe_mu_);
      wait_pipe_free(plock);
      child_->close_stdin();
    }
    std::optional<proc::ExitStatus> st = child_->wait_until(proc::deadline_in(opts_.teardown_grace));
    if (!st) st = child_->terminate();
    transcript_->event("helper-exit", {{"status", st->describe()}, {"peak_rss_kib", child_->peak_rss_kib()}});
  }
  read_stop_.fire();
  if (reader_.joinable()) reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
  child_.reset();  // closes the remaining pipe ends
}

}  // namespace cph::client
