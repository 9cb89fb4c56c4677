#include "engine.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include "output.hpp"
#include "reply.hpp"
#include "rule_matcher.hpp"
#include "stats.hpp"
#include "store.hpp"
#include "temp_dir.hpp"
#include "wire/encoders.hpp"
#include "wire/request_reader.hpp"
#include "wire/sha256.hpp"
#include "wire/transcript.hpp"
#include "worker_pool.hpp"

namespace cph::fake {

namespace {

// Requests' bytes kept in the transcript, at most (put bodies can be huge).
constexpr int64_t kTranscriptInputCap = 4 << 20;

struct Job {
  wire::Request req;
  std::vector<Fired> fired;
  int64_t previous_id = 0;
  uint64_t arrival = 0;  // Event::request
  std::unique_ptr<Store::Put> put;
};

// The ID the request names its output by, in either dialect.
std::string output_id_of(const wire::Request& r) {
  if (r.had_output_id) return r.output_id;
  if (r.had_object_id) return r.object_id.empty() ? r.output_id : r.object_id;
  return r.output_id;
}

void write_stderr(std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(2, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}

// SIGINT, SIGTERM and SIGHUP (Ctrl-C on a `go build`, a polite kill) remove
// the temp directory before the process dies of the signal as usual. The
// signals are blocked before any thread starts, so one waiting thread takes them.
sigset_t exit_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, sig);
  return set;
}

bool removes_temp_dir(const Options& o) { return o.dir.empty() && !o.keep; }

void remove_dir_on_signals(std::string dir) {
  sigset_t set = exit_signals();
  std::thread([set, dir = std::move(dir)] {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) return;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    ::signal(sig, SIG_DFL);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    ::kill(::getpid(), sig);
  }).detach();
}

[[noreturn]] void sleep_forever() {
  for (;;) ::pause();
}

class Engine {
 public:
  explicit Engine(const Options& o)
      : opts_(o),
        transcript_(o.transcript_path.empty() ? nullptr : std::make_unique<wire::Transcript>(o.transcript_path)),
        temp_dir_(o.dir.empty() ? std::make_unique<TempDir>(removes_temp_dir(o)) : nullptr),
        store_(temp_dir_ ? temp_dir_->path() : o.dir),
        matcher_(opts_.script, o.seed),
        output_(o.out_fd, transcript_.get(), stats_, o.seed),
        pool_(o.workers < 1 ? 1 : o.workers),
        reader_(o.strict_framing ? wire::RequestStreamReader::Mode::strict : wire::RequestStreamReader::Mode::tolerant,
                {[this](const wire::Request& r) { on_request(r); }, [this](std::string_view b) { on_body_bytes(b); },
                 [this] { on_body_end(); }}) {}

  int run() {
    if (removes_temp_dir(opts_)) remove_dir_on_signals(store_.dir());
    handshake();
    // Bigger reads for put bodies: fewer syscalls and wakeups per GiB. The
    // pipe is enlarged where the kernel allows it (else it stays as it is).
    if (opts_.in_fd >= 0) ::fcntl(opts_.in_fd, F_SETPIPE_SZ, 1 << 20);
    // Not zero-filled: a page is faulted in only when a read reaches it (zeroing
    // 1 MiB delayed the first request by half a millisecond).
    constexpr size_t kReadSize = 1 << 20;
    auto buf = std::make_unique_for_overwrite<char[]>(kReadSize);
    int code = 0;
    bool eof_without_close = false;
    for (;;) {
      if (stdin_closed_) {  // scripted: read no more, keep stdout open and running
        flush_direct();
        sleep_forever();
      }
      ssize_t n = ::read(opts_.in_fd, buf.get(), kReadSize);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        write_stderr(std::string("cph-fake: reading stdin: ") + std::strerror(errno) + "\n");
        code = 1;
        break;
      }
      if (n == 0) {
        if (!done_ && reader_.finish() == wire::RequestStreamReader::Status::error) code = bad_stream();
        eof_without_close = !done_;
        break;
      }
      std::string_view chunk(buf.get(), static_cast<size_t>(n));
      stats_.bytes_in += n;
      record_input(chunk);
      const auto st = done_ ? wire::RequestStreamReader::Status::ok : reader_.feed(chunk);
      flush_direct();  // the gets answered inline from this chunk, in one write
      if (st == wire::RequestStreamReader::Status::error) {
        code = bad_stream();
        break;
      }
      if (done_ && !linger_until_eof_) break;
    }
    if (current_) {  // the stream ended inside a put body: that put never completes
      current_.reset();
      std::lock_guard lock(flight_mu_);
      --in_flight_;
    }
    if (eof_without_close) code = at_eof_without_close(code);
    finish_in_flight();
    if (transcript_) transcript_->event("exit", {{"code", code}});
    return code;
  }

  // Stats and the temp directory, once: after the close exchange, at the end,
  // or before a scripted exit/kill.
  void finish_files() {
    if (files_finished_) return;
    files_finished_ = true;
    if (!opts_.stats_path.empty()) {
      std::ofstream out(opts_.stats_path, std::ios::trunc);
      out << stats_.to_json(matcher_fired()).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
    if (removes_temp_dir(opts_)) {
      std::error_code ec;
      std::filesystem::remove_all(store_.dir(), ec);
    }
  }

 private:
  std::vector<int64_t> matcher_fired() {
    std::lock_guard lock(matcher_mu_);
    return matcher_.fired_counts();
  }

  // One write for all of them, from this thread when the pipe is free and
  // takes it whole; else (the client is slow to read replies) the output
  // thread writes the rest, and this thread goes on reading stdin.
  void flush_direct() {
    if (direct_replies_.empty()) return;
    output_.send_now(direct_replies_);
    direct_replies_.clear();  // keeps its capacity for the next chunk's replies
  }

  // Stdin ended without a close request: the scripted store faults decide
  // whether the fake exits (and how).
  int at_eof_without_close(int code) {
    finish_in_flight();
    if (store_error_seen_) {  // on_store_error: never exit
      if (transcript_) transcript_->event("eof-after-store-error");
      sleep_forever();
    }
    if (forget_at_eof_) {
      std::lock_guard lock(written_mu_);
      for (const auto& a : written_) store_.forget(a);
      write_stderr(
          "cph-fake: stdin closed without a close request; the index is not saved (scripted: forget_at_eof)\n");
      if (transcript_) transcript_->event("forgot-at-eof", {{"entries", written_.size()}});
      return 1;
    }
    return code;
  }

  int bad_stream() {
    write_stderr("cph-fake: bad request stream: " + reader_.error() + "\n");
    if (transcript_) transcript_->event("bad-request-stream", {{"error", reader_.error()}});
    return 1;
  }

  void record_input(std::string_view chunk) {
    if (!transcript_ || recorded_in_ >= kTranscriptInputCap) return;
    int64_t room = kTranscriptInputCap - recorded_in_;
    if (static_cast<int64_t>(chunk.size()) > room) chunk = chunk.substr(0, static_cast<size_t>(room));
    recorded_in_ += static_cast<int64_t>(chunk.size());
    transcript_->bytes(wire::Direction::to_helper, chunk);
    if (recorded_in_ >= kTranscriptInputCap) transcript_->event("to-helper-truncated", {{"after_bytes", recorded_in_}});
  }

  std::vector<Fired> fire(const Event& e, int64_t id) {
    std::vector<Fired> fired;
    {
      std::lock_guard lock(matcher_mu_);
      fired = matcher_.match(e);
    }
    for (const Fired& f : fired) {
      nlohmann::json actions = nlohmann::json::array();
      for (const Action& a : f.rule->actions) actions.push_back(action_name(a));
      if (transcript_) {
        transcript_->event("rule-fired", {{"rule", f.index},
                                          {"path", f.rule->path},
                                          {"on", e.handshake ? "handshake" : "request"},
                                          {"request", id},
                                          {"command", e.command},
                                          {"actions", actions}});
      }
    }
    return fired;
  }

  [[noreturn]] void die_exit(int code) {
    if (transcript_) transcript_->event("exit", {{"code", code}, {"scripted", true}});
    finish_files();
    std::_Exit(code);
  }

  // Process actions, in order, as the rule fires.
  void run_process_actions(const std::vector<Fired>& fired) {
    for (const Fired& f : fired) {
      for (const Action& a : f.rule->actions) {
        std::visit(Overloaded{
                       [&](const Exit& e) { die_exit(e.code); },
                       [&](const Kill& k) {
                         if (transcript_) transcript_->event("kill", {{"signal", k.signal}});
                         if (k.signal != SIGSTOP) finish_files();
                         ::signal(k.signal, SIG_DFL);
                         ::kill(::getpid(), k.signal);
                         if (k.signal != SIGSTOP) sleep_forever();  // the signal is on its way
                       },
                       [&](const CloseStdout&) { output_.close_stdout(); },
                       [&](const CloseStdin&) { close_stdin(); },
                       [&](const Hang&) {
                         if (transcript_) transcript_->event("hang");
                         output_.hang();
                         sleep_forever();
                       },
                       [&](const StopReading& s) { std::this_thread::sleep_for(s.d); },
                       [&](const Stderr& s) { write_stderr(s.text); },
                       [&](const StoreFails&) { store_fails_ = true; },
                       [&](const OnStoreError& o) {
                         store_error_mode_ = o.mode;
                         on_store_error_ = true;
                       },
                       [&](const ForgetAtEof&) { forget_at_eof_ = true; },
                       // Reply actions: fakes/reply.cpp; close actions: close(); re-puts: handle().
                       [](const auto&) {},
                   },
                   a);
      }
    }
  }

  // Our end of the pipe is closed (fd 0 becomes /dev/null, so no file
  // reuses it): the client's next write gets EPIPE.
  void close_stdin() {
    if (transcript_) transcript_->event("stdin-closed");
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd >= 0) {
      ::dup2(null_fd, opts_.in_fd);
      ::close(null_fd);
    } else {
      ::close(opts_.in_fd);
    }
    stdin_closed_ = true;
  }

  template <class T>
  static const T* find_action(const std::vector<Fired>& fired) {
    for (const Fired& f : fired)
      for (const Action& a : f.rule->actions)
        if (auto* x = std::get_if<T>(&a)) return x;
    return nullptr;
  }
  template <class T>
  static bool has_action(const std::vector<Fired>& fired) {
    return find_action<T>(fired) != nullptr;
  }

  void handshake() {
    Event e;
    e.handshake = true;
    e.command = "handshake";
    auto fired = fire(e, 0);
    run_process_actions(fired);
    wire::Response res;
    res.id = 0;
    res.known_commands = {"get", "put", "close"};
    ReplyContext ctx{&store_, 0, "", 0};
    output_.schedule(plan_reply(res, fired, ctx));
  }

  void on_request(const wire::Request& req) {
    if (done_) return;
    stats_.request(req.command);
    const int64_t previous_id = previous_id_;
    previous_id_ = req.id;
    Event e;
    e.request = ++requests_;
    // No script and nothing in the workers (a put there may be the one this
    // get wants): answer inline, with no thread handoff and no rule to match.
    if (direct_ && req.command == "get" && idle()) {
      wire::Response res;
      answer_get(req, res);
      direct_replies_ += wire::encode_response(res);  // plan_reply's bytes when no rule fired
      return;
    }
    e.nth = ++per_command_[req.command];  // only rules read it: an inline get (no script) needs none
    auto job = std::make_shared<Job>();
    job->req = req;
    job->previous_id = previous_id;
    e.command = req.command;
    e.action_hex = wire::to_hex(req.action_id);
    e.elapsed = std::chrono::steady_clock::now() - start_;
    job->fired = fire(e, req.id);
    job->arrival = e.request;
    run_process_actions(job->fired);
    if (req.command == "close") return close(*job);
    {
      std::lock_guard lock(flight_mu_);
      ++in_flight_;
    }
    if (req.body_size > 0) {
      if (req.command == "put") job->put = store_.begin_put();
      current_ = job;  // the body follows; the job runs at its end
      return;
    }
    submit(job);
  }

  void on_body_bytes(std::string_view bytes) {
    if (!current_ || !current_->put) return;
    stats_.body_bytes_in += static_cast<int64_t>(bytes.size());
    current_->put->write(bytes);
  }

  void on_body_end() {
    if (current_) submit(std::move(current_));
    current_.reset();
  }

  void submit(std::shared_ptr<Job> job) {
    pool_.submit([this, job] {
      try {
        handle(*job);
      } catch (const std::exception& e) {  // e.g. the store's disk is full: an Err reply, not a crash
        wire::Response res;
        res.id = job->req.id;
        res.err = std::string("cph-fake: ") + e.what();
        reply(*job, res, {}, ReplyContext{&store_, job->previous_id, "", 0});
      }
      std::lock_guard lock(flight_mu_);
      --in_flight_;
      flight_cv_.notify_all();
    });
  }

  void handle(Job& job) {
    const wire::Request& req = job.req;
    wire::Response res;
    res.id = req.id;
    ReplyContext ctx{&store_, job.previous_id, "", 0};
    if (req.command == "get") {
      if (answer_get(req, res)) {
        ctx.object_path = res.disk_path;
        ctx.object_size = res.size;
      }
    } else if (req.command == "put") {
      // A re-put (another OutputID under a stored ActionID) the script mishandles.
      const ReputKeepsOld* keeps_old = find_action<ReputKeepsOld>(job.fired);
      const bool overwrites = find_action<ReputOverwrites>(job.fired) != nullptr;
      std::optional<Store::Entry> old;
      if (keeps_old || overwrites) old = store_.get(req.action_id);
      if (old && old->output_id == output_id_of(req)) old.reset();
      auto put = job.put ? std::move(job.put) : store_.begin_put();
      Store::Put::Result result;
      if (store_fails_) {
        result = {std::nullopt, "cph-fake: no space left on device (scripted: store_fails)", true};
      } else {
        result = put->commit(req.action_id, output_id_of(req), req.body_size, /*index=*/!(old && keeps_old));
      }
      if (result.entry && old && overwrites) {
        store_.overwrite(old->disk_path, result.entry->disk_path);  // throws: an Err reply
        if (transcript_) transcript_->event("reput-overwrote", {{"path", old->disk_path}});
      }
      if (result.entry) {
        res.disk_path = result.entry->disk_path;
        if (old && keeps_old && keeps_old->mode == ReputMode::put) res.disk_path = old->disk_path;
        if (old && keeps_old && transcript_)
          transcript_->event("reput-kept-old", {{"action", wire::to_hex(req.action_id)}});
        ctx.object_path = res.disk_path;
        ctx.object_size = result.entry->size;
        ++stats_.puts_stored;
        if (forget_at_eof_) {
          std::lock_guard lock(written_mu_);
          written_.push_back(req.action_id);
        }
      } else {
        res.err = result.err;
        ++stats_.put_errors;
        if (result.store_failed && on_store_error_) {
          // Answer this one, then (silence) nothing more; either way no exit at EOF.
          reply(job, res, job.fired, ctx);
          store_error_seen_ = true;
          if (transcript_) transcript_->event("store-error", {{"error", result.err}});
          return;
        }
      }
    } else {
      res.err = "cph-fake: unknown command \"" + req.command + "\"";
    }
    reply(job, res, job.fired, ctx);
  }

  // The reply to a job's request, as its fired rules shape it, in its place
  // among held replies.
  void reply(const Job& job, const wire::Response& res, const std::vector<Fired>& fired, const ReplyContext& ctx) {
    if (store_error_seen_ && store_error_mode_ == StoreErrorMode::silence) return;  // scripted: never again
    ReplyPlan plan = plan_reply(res, fired, ctx);
    plan.arrival = job.arrival;
    output_.schedule(plan);
  }

  bool idle() {
    std::lock_guard lock(flight_mu_);
    return in_flight_ == 0;
  }

  // Returns whether it was a hit.
  bool answer_get(const wire::Request& req, wire::Response& res) {
    res.id = req.id;
    auto entry = store_.get(req.action_id);
    if (!entry) {
      res.miss = true;
      ++stats_.misses;
      return false;
    }
    res.output_id = std::move(entry->output_id);
    res.size = entry->size;
    res.time = std::move(entry->time);
    res.disk_path = std::move(entry->disk_path);
    ++stats_.hits;
    stats_.hit_bytes += entry->size;
    return true;
  }

  void wait_in_flight() {
    std::unique_lock lock(flight_mu_);
    flight_cv_.wait(lock, [&] { return in_flight_ == 0; });
  }

  void finish_in_flight() {
    flush_direct();
    wait_in_flight();
    output_.release_holds();
    output_.drain();
  }

  // Close: answer after everything before it, then exit (or what the script says).
  void close(const Job& job) {
    finish_in_flight();
    wire::Response res;
    res.id = job.req.id;
    ReplyContext ctx{&store_, job.previous_id, "", 0};
    reply(job, res, job.fired, ctx);
    output_.release_holds();
    output_.drain();
    // After the close exchange no DiskPath is read again, and the client
    // will have to SIGKILL us: finish stats and the temp dir now.
    if (has_action<KeepStdout>(job.fired)) {
      if (transcript_) transcript_->event("keep-stdout");
      finish_files();
      sleep_forever();
    }
    if (has_action<NeverExit>(job.fired)) {
      if (transcript_) transcript_->event("never-exit");
      finish_files();
      output_.close_stdout();
      sleep_forever();
    }
    done_ = true;
    // Without a reply the client still waits for us: leave at stdin EOF.
    linger_until_eof_ = has_action<Drop>(job.fired);
    if (linger_until_eof_) return;
    // Go's Close waits for our stdout to close, not for our exit: finish the
    // files (whoever ran go reads the stats next), then close it at once
    // rather than after the threads are joined and the process is torn down.
    finish_files();
    output_.close_stdout();
  }

  const Options& opts_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  Stats stats_;
  std::unique_ptr<wire::Transcript> transcript_;  // before the store: a bad path leaves no temp dir behind
  std::unique_ptr<TempDir> temp_dir_;             // without --dir
  Store store_;
  std::mutex matcher_mu_;
  RuleMatcher matcher_;
  Output output_;
  WorkerPool pool_;
  wire::RequestStreamReader reader_;
  std::shared_ptr<Job> current_;
  const bool direct_ = opts_.script.rules.empty();
  std::string direct_replies_;  // inline get replies not yet written
  int64_t previous_id_ = 0;
  int64_t requests_ = 0;
  std::map<std::string, int64_t> per_command_;
  int64_t recorded_in_ = 0;
  std::mutex flight_mu_;
  std::condition_variable flight_cv_;
  int64_t in_flight_ = 0;
  bool done_ = false;
  bool linger_until_eof_ = false;
  bool stdin_closed_ = false;  // a close_stdin action ran
  bool files_finished_ = false;
  // Scripted store faults (set by the reader thread, read by the workers).
  std::atomic<bool> store_fails_{false}, on_store_error_{false}, store_error_seen_{false}, forget_at_eof_{false};
  std::atomic<StoreErrorMode> store_error_mode_{StoreErrorMode::silence};
  std::mutex written_mu_;
  std::vector<std::string> written_;  // ActionIDs this process indexed (forget_at_eof)
};

}  // namespace

int run_fake(const Options& opts) {
  ::signal(SIGPIPE, SIG_IGN);    // a closed stdout shows up as EPIPE from write
  if (removes_temp_dir(opts)) {  // else the signals' default actions are right
    sigset_t set = exit_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }
  int code = 0;
  {
    Engine engine(opts);
    code = engine.run();
    // The engine's destructor joins its threads; files are finished after.
    engine.finish_files();
  }
  // Stdout is closed: nobody waits on this. Directories of fakes that died
  // by SIGKILL go now (temp_dir.hpp).
  if (opts.dir.empty()) sweep_abandoned_temp_dirs(temp_base());
  return code;
}

}  // namespace cph::fake
