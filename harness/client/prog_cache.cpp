// The port of Go's cmd/go/internal/cache/prog.go, in its order: the struct,
// startCacheProg, readLoop, send, writeToChild, Get, noteOutputFile,
// OutputFile, Put, Close; then what the harness adds (the helper's stderr,
// teardown). Each part names the Go function it ports. Under it, one part
// per lock (docs/client.md): inflight_table.* (c.mu), request_writer.*
// (c.writeMu), body_source.* (Put's io.ReadSeeker); c.outputFile has a lock
// of its own here, off the hot one.
#include "client/prog_cache.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>

#include "client/body_source.hpp"
#include "client/inflight_table.hpp"
#include "client/request_writer.hpp"
#include "proc/look_path.hpp"
#include "proc/quoted_split.hpp"
#include "wire/response_decoder.hpp"

namespace cph::client {

namespace {
constexpr size_t kOutputIdSize = 32;  // Go's OutputID is [32]byte
}  // namespace

// Go's ProgCache struct.
struct ProgCache::Impl {
  explicit Impl(ClientOptions o)
      : opts_(std::move(o)),
        transcript_(opts_.transcript ? opts_.transcript : std::make_shared<wire::Transcript>()),
        table_(opts_, *transcript_) {}
  ~Impl();

  void start();
  void read_loop();
  SendResult send(wire::Request req, BodySource* body, const Context& ctx, milliseconds no_deadline_wait,
                  const std::string& hang_what);
  bool write_to_child(wire::Request& req, BodySource* body, const std::shared_ptr<Slot>& slot, SendResult& out);
  GetResult get(std::string_view action_id, const Context& ctx);
  void note_output_file(const std::string& output_id, const std::string& disk_path);
  std::string output_file(std::string_view output_id);
  PutResult put(std::string_view action_id, BodySource& body, const Context& ctx);
  Outcome close(const Context& ctx);
  void stderr_loop();
  void log(const std::string& line) {
    if (opts_.on_log) opts_.on_log(line);
  }

  ClientOptions opts_;
  std::string prog_;
  std::shared_ptr<wire::Transcript> transcript_;
  std::unique_ptr<proc::Child> child_;     // cmd, stdin, stdout
  InflightTable table_;                    // mu, nextID, inFlight; closing, ctx, readLoopDone
  std::unique_ptr<RequestWriter> writer_;  // writeMu, bw; from the spawn on
  std::set<std::string> can_;              // fixed once start() has returned
  proc::Interrupt read_stop_;
  std::thread reader_;
  std::thread stderr_reader_;
  std::atomic<bool> tearing_down_{false};
  std::mutex output_mu_;  // guards output_file_ alone
  std::map<std::string, std::string> output_file_;
};

// Go's startCacheProg.
void ProgCache::Impl::start() {
  auto fatalf = [this](const std::string& message) {  // base.Fatalf
    table_.set_fatal(message);
    table_.set_start_outcome(Outcome::fatal(*table_.fatal()));
  };
  const proc::QuotedSplit split = proc::quoted_split(opts_.command);
  if (!split.ok()) return fatalf("GOCACHEPROG args: " + split.error);
  prog_ = split.fields.empty() ? std::string() : split.fields.front();
  proc::SpawnOptions so;
  so.argv = split.fields;
  so.dir = opts_.dir;
  so.env_extra = opts_.env_extra;
  so.grace = opts_.teardown_grace;
  so.sweep_descendants = opts_.sweep_descendants;
  std::string error;
  child_ = proc::Child::spawn(so, error);
  if (!child_) return fatalf("error starting GOCACHEPROG program " + proc::go_strconv_quote(prog_) + ": " + error);
  writer_ = std::make_unique<RequestWriter>(opts_, *transcript_, *child_, table_);
  transcript_->event("helper-started",
                     {{"command", opts_.command}, {"pid", child_->pid()}, {"profile", opts_.profile.name()}});

  // Register interest in the ID-0 message before the reader can see it.
  auto hello = table_.expect_handshake();
  reader_ = std::thread([this] { read_loop(); });
  stderr_reader_ = std::thread([this] { stderr_loop(); });

  const auto give_up = Clock::now() + opts_.handshake_timeout;
  auto next_tick = Clock::now() + opts_.still_waiting_interval;
  std::set<std::string> can;
  std::unique_lock<std::mutex> sl(hello->mu);
  while (!hello->res) {
    hello->poked = false;
    sl.unlock();
    if (const auto fatal = table_.fatal()) return table_.set_start_outcome(Outcome::fatal(*fatal));
    const auto now = Clock::now();
    if (now >= give_up) {
      const std::string msg = "no handshake (ID 0) from GOCACHEPROG " + prog_ + " within " +
                              seconds_text(opts_.handshake_timeout) + "; go would wait forever";
      table_.hang_for_good(msg);
      return table_.set_start_outcome(Outcome::hang(msg));
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
  if (can.empty()) return fatalf("GOCACHEPROG " + prog_ + " declared no supported commands");
  can_ = std::move(can);
  table_.set_start_outcome(Outcome::ok());
}

// Go's readLoop. Replies are handed over in groups: the callers whose reply
// is in are woken together before the reader blocks (or ends), so a woken
// caller does not preempt it in the middle of a read's replies.
void ProgCache::Impl::read_loop() {
  using Status = wire::ResponseStreamDecoder::Status;
  wire::ResponseStreamDecoder decoder(opts_.profile.response_struct(), opts_.profile.json_dialect());
  decoder.set_max_value_bytes(opts_.max_reply_bytes);
  std::vector<char> buf(kChunk);
  bool finished = false;
  bool drained = false;  // the last read took less than it could: the pipe was empty after it
  auto done = [this] { table_.set_read_loop_done(); };  // defer close(readLoopDone)
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
    if (tearing_down_) return done();
    if (st == Status::value) {
      // Keeps the slot (and its wakeup) alive past the table's lock.
      if (std::shared_ptr<Slot> slot = table_.take(res.id)) {
        {
          std::lock_guard<std::mutex> lock(slot->mu);
          slot->res = std::move(res);  // ch <- res
        }
        replied.push_back(std::move(slot));
        if (replied.size() >= 64) wake_replied();  // a bound on the first one's wait
        continue;
      }
      table_.set_fatal("GOCACHEPROG sent response for unknown request ID " + std::to_string(res.id));
      return done();
    }
    if (st == Status::eof || st == Status::error) {
      size_t pending = 0;
      if (table_.closing(pending)) return table_.end_quietly();
      if (st == Status::eof) {
        table_.set_fatal("GOCACHEPROG exited pre-Close with " + std::to_string(pending) + " pending requests");
      } else {
        table_.set_fatal("error reading JSON from GOCACHEPROG: " + error);
        // Past the bound on one reply: nothing more is read, and the helper
        // (which would go on writing) is killed.
        if (decoder.fed() - decoder.consumed() > static_cast<int64_t>(opts_.max_reply_bytes)) {
          transcript_->event("killed", {{"why", error}});
          child_->kill_group(SIGKILL);
        }
      }
      return done();
    }
    // need_more
    if (finished) return done();  // cannot happen: finish() yields eof or error
    wake_replied();
    // A read that left the pipe empty is most often followed by one that would find it empty.
    const proc::IoResult r = child_->read_stdout(buf.data(), buf.size(), proc::no_deadline(), &read_stop_, drained);
    drained = r.status == proc::IoStatus::ok && r.bytes < buf.size();
    if (r.status == proc::IoStatus::interrupted) return done();
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

// Go's send: writeToChild, then select on the reply and ctx.Done().
SendResult ProgCache::Impl::send(wire::Request req, BodySource* body, const Context& ctx, milliseconds no_deadline_wait,
                                 const std::string& hang_what) {
  SendResult out;
  auto slot = std::make_shared<Slot>();  // resc
  if (!write_to_child(req, body, slot, out)) return out;
  table_.wait(slot, ctx, no_deadline_wait, hang_what, out);
  return out;
}

// Go's writeToChild: the ID and the in-flight entry under c.mu, then the
// bytes under writeMu. A write's failure (the entry then deleted) settles the
// slot, and send's wait reads it there: a request without a body may be
// written later by the caller holding the pipe, together with others.
bool ProgCache::Impl::write_to_child(wire::Request& req, BodySource* body, const std::shared_ptr<Slot>& slot,
                                     SendResult& out) {
  if (!table_.add(slot, out)) return false;
  req.id = out.id;
  if (body) {
    writer_->write_alone(req, *body, slot);
  } else {
    writer_->write_combined(req, slot);
  }
  return true;
}

// Go's Get.
GetResult ProgCache::Impl::get(std::string_view action_id, const Context& ctx) {
  GetResult r;
  auto fail = [&r](Outcome o) {  // return Entry{}, err
    r.outcome = std::move(o);
    return r;
  };
  if (!can_.count("get")) {
    const Outcome early = table_.early_outcome();
    return fail(early.is_ok() ? Outcome::miss() : early);  // a write-only cache: nothing is sent
  }
  wire::Request req;
  req.command = "get";
  req.action_id = std::string(action_id);
  SendResult s = send(std::move(req), nullptr, ctx, opts_.reply_timeout, "get");
  r.id = s.id;
  if (!s.outcome.is_ok()) return fail(std::move(s.outcome));
  const wire::Response& res = s.res;
  if (res.miss) return fail(Outcome::miss());
  r.entry.size = res.size;
  r.entry.time = res.time ? *res.time : wire::Time::now();
  if (res.disk_path.empty()) return fail(Outcome::miss("GOCACHEPROG didn't populate DiskPath on get hit"));
  if (res.output_id.size() > kOutputIdSize) return fail(Outcome::miss("incomplete ProgResponse OutputID"));
  r.entry.output_id = res.output_id;
  r.entry.output_id.resize(kOutputIdSize, '\0');
  r.entry.disk_path = res.disk_path;
  note_output_file(r.entry.output_id, res.disk_path);
  r.outcome = Outcome::ok();
  return r;
}

// Go's noteOutputFile and OutputFile.
void ProgCache::Impl::note_output_file(const std::string& output_id, const std::string& disk_path) {
  std::lock_guard<std::mutex> lock(output_mu_);
  output_file_[output_id] = disk_path;
}

std::string ProgCache::Impl::output_file(std::string_view output_id) {
  std::lock_guard<std::mutex> lock(output_mu_);
  auto it = output_file_.find(std::string(output_id));
  return it == output_file_.end() ? std::string() : it->second;
}

// Go's Put.
PutResult ProgCache::Impl::put(std::string_view action_id, BodySource& body, const Context& ctx) {
  PutResult r;
  auto fail = [&r](Outcome o) {  // return OutputID{}, 0, err
    r.outcome = std::move(o);
    r.output_id.clear();
    r.size = 0;
    return r;
  };
  if (Outcome early = table_.early_outcome(); !early.is_ok()) return fail(std::move(early));
  BodyDigest out;  // Compute output ID.
  std::string error;
  if (!digest_body(body, out, error)) return fail(Outcome::error(error));
  r.output_id = out.sha256;
  r.size = out.size;
  if (!can_.count("put")) return r;  // a read-only cache: nothing is sent
  wire::Request req;
  req.command = "put";
  req.action_id = std::string(action_id);
  req.output_id = out.sha256;
  req.body_size = out.size;
  SendResult s = send(std::move(req), &body, ctx, opts_.reply_timeout, "put");
  r.id = s.id;
  if (!s.outcome.is_ok()) return fail(std::move(s.outcome));
  if (s.res.disk_path.empty()) return fail(Outcome::error("GOCACHEPROG didn't return DiskPath in put response"));
  note_output_file(out.sha256, s.res.disk_path);
  return r;
}

// Go's Close.
Outcome ProgCache::Impl::close(const Context& ctx) {
  const Outcome early = table_.start_closing();
  if (!early.is_ok()) return early;
  Outcome result = Outcome::ok();
  if (can_.count("close")) {
    wire::Request req;
    req.command = "close";
    SendResult s = send(std::move(req), nullptr, ctx, opts_.close_timeout, "close");
    // errors.Is(err, errCacheprogClosed): Go 1.24+ let the helper quit without replying.
    if (!s.closed) result = std::move(s.outcome);
    if (result.kind == OutcomeKind::cancelled || result.kind == OutcomeKind::fatal) return result;
    if (result.kind == OutcomeKind::hang) {
      if (table_.read_loop_done() && opts_.profile.close_deadlocks_on_exit()) {
        const std::string m = "GOCACHEPROG exited after close without replying; go " + opts_.profile.name() +
                              " waits for the reply forever (golang/go#70848)";
        table_.note_hang(m);
        return Outcome::hang(m);
      }
      return result;
    }
  }
  // Cancel Go's c.ctx: pending calls end, and cmd.Cancel closes stdin.
  table_.cancel();
  writer_->close_stdin();
  // Wait until the helper closes its stdout (readLoopDone), which Go does
  // without any timeout.
  const auto done = table_.await_read_loop(Clock::now() + opts_.close_timeout);
  if (!done) {
    const std::string m = "GOCACHEPROG did not close its stdout within " + seconds_text(opts_.close_timeout) +
                          " after close; go would wait forever";
    table_.note_hang(m);
    return Outcome::hang(m);
  }
  if (!done->is_ok()) return *done;
  return result;
}

// cmd.Stderr = os.Stderr, and into the transcript.
void ProgCache::Impl::stderr_loop() {
  char buf[4096];
  while (true) {
    const proc::IoResult r = child_->read_stderr(buf, sizeof buf, proc::no_deadline(), &read_stop_);
    if (r.status != proc::IoStatus::ok) return;
    const std::string_view bytes(buf, r.bytes);
    transcript_->bytes(wire::Direction::helper_stderr, bytes);
    if (opts_.on_stderr) opts_.on_stderr(bytes);
  }
}

// Not in Go, which leaves the helper to exit on its own: close stdin, grace,
// SIGKILL the group, reap, join the threads.
ProgCache::Impl::~Impl() {
  tearing_down_ = true;
  if (child_) {
    writer_->stop();  // a stalled writer gives up at once
    writer_->close_stdin();
    std::optional<proc::ExitStatus> st = child_->wait_until(proc::deadline_in(opts_.teardown_grace));
    if (!st) st = child_->terminate();
    transcript_->event("helper-exit", {{"status", st->describe()}, {"peak_rss_kib", child_->peak_rss_kib()}});
  }
  read_stop_.fire();
  if (reader_.joinable()) reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
  writer_.reset();
  child_.reset();  // closes the remaining pipe ends
}

// The public API.
ProgCache::ProgCache(ClientOptions opts) : impl_(std::make_unique<Impl>(std::move(opts))) {}
ProgCache::~ProgCache() = default;

std::unique_ptr<ProgCache> ProgCache::start(ClientOptions opts) {
  std::unique_ptr<ProgCache> pc(new ProgCache(std::move(opts)));
  pc->impl_->start();
  return pc;
}

Outcome ProgCache::start_outcome() const { return impl_->table_.start_outcome(); }
Outcome ProgCache::session_outcome() const { return impl_->table_.session_outcome(); }
GetResult ProgCache::get(std::string_view action_id, const Context& ctx) { return impl_->get(action_id, ctx); }

PutResult ProgCache::put(std::string_view action_id, std::string_view body, const Context& ctx) {
  StringBody src(body);
  return impl_->put(action_id, src, ctx);
}

PutResult ProgCache::put_file(std::string_view action_id, const std::string& path, const Context& ctx) {
  std::string error;
  const std::unique_ptr<FileBody> src = FileBody::open(path, error);
  if (!src) {
    PutResult r;
    r.outcome = Outcome::error(error);
    return r;
  }
  return impl_->put(action_id, *src, ctx);
}

std::string ProgCache::output_file(std::string_view output_id, const Context&) const {
  return impl_->output_file(output_id);
}
Outcome ProgCache::close(const Context& ctx) { return impl_->close(ctx); }
std::set<std::string> ProgCache::known_commands() const { return impl_->can_; }
std::vector<int64_t> ProgCache::pending_ids() const { return impl_->table_.pending_ids(); }
const Profile& ProgCache::profile() const { return impl_->opts_.profile; }
const std::string& ProgCache::prog() const { return impl_->prog_; }
wire::Transcript& ProgCache::transcript() { return *impl_->transcript_; }
std::shared_ptr<wire::Transcript> ProgCache::transcript_ptr() const { return impl_->transcript_; }
proc::Child* ProgCache::child() { return impl_->child_.get(); }

std::optional<proc::ExitStatus> ProgCache::wait_helper_exit(milliseconds d) {
  if (!impl_->child_) return std::nullopt;
  return impl_->child_->wait_until(proc::deadline_in(d));
}

}  // namespace cph::client
