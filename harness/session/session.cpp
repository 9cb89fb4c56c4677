#include "session/session.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "proc/crash_report.hpp"
#include "wire/base64.hpp"
#include "wire/encoders.hpp"
#include "wire/response_decoder.hpp"
#include "wire/sha256.hpp"
#include "wire/transcript.hpp"

namespace cph::session {

namespace {

constexpr size_t kLoggedBodyLimit = 4096;  // larger body lines become an event

std::string seconds(Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g s", std::chrono::duration<double>(d).count());
  return buf;
}

}  // namespace

Session::Session(runner::CaseContext& ctx, wire::Dialect dialect, std::string label, const client::Profile& profile)
    : ctx_(ctx), dialect_(dialect), label_(std::move(label)), profile_(profile) {}

std::unique_ptr<Session> Session::start(const std::vector<std::string>& argv, const std::string& cwd,
                                        wire::Dialect dialect, runner::CaseContext& ctx, const std::string& label,
                                        std::string& error, const StartOptions& options,
                                        const client::Profile& profile) {
  std::unique_ptr<Session> s(new Session(ctx, dialect, label, profile));
  proc::SpawnOptions opts;
  opts.argv = argv;
  opts.dir = cwd;
  // A relative program path means the same as it does to the go command,
  // which runs the helper in its own working directory, not in `cwd`.
  if (!argv.empty() && argv[0].find('/') != std::string::npos && argv[0].front() != '/') {
    std::error_code ec;
    opts.argv[0] = std::filesystem::absolute(argv[0], ec).string();
  }
  opts.grace = std::chrono::milliseconds(500);
  opts.ignore_sigxfsz = options.ignore_sigxfsz;
  opts.file_size_limit = options.file_size_limit;
  s->started_ = Clock::now();
  s->child_ = proc::Child::spawn(opts, error);
  if (!s->child_) {
    ctx.transcript.event("helper-start-failed", {{"helper", label}, {"error", error}});
    return nullptr;
  }
  ctx.transcript.event("helper-started", {{"helper", label}, {"pid", s->child_->pid()}, {"argv", argv}});
  s->hook_->session = s.get();
  s->stdout_thread_ = std::thread([p = s.get()] { p->read_stdout_loop(); });
  s->stderr_thread_ = std::thread([p = s.get()] { p->read_stderr_loop(); });
  ctx.cancel.on_cancel([hook = s->hook_] {
    std::lock_guard lock(hook->mu);
    if (hook->session) hook->session->kill();
  });
  return s;
}

Session::~Session() {
  if (!child_) return;  // never started
  {
    std::lock_guard lock(hook_->mu);
    hook_->session = nullptr;
  }
  child_->close_stdin();
  // A grace for a clean exit, but none past the case's deadline: its time is up.
  if (!child_->wait_until(deadline_after(std::chrono::milliseconds(500)))) child_->terminate();
  stop_.fire();
  stdout_thread_.join();
  stderr_thread_.join();
  if (auto st = child_->status()) {
    ctx_.transcript.event("helper-exited", {{"helper", label_}, {"status", st->describe()}});
  }
  child_.reset();
}

Clock::time_point Session::deadline_after(Clock::duration d) const {
  return std::min(Clock::now() + d, ctx_.cancel.deadline());
}

void Session::read_stdout_loop() {
  wire::ResponseStreamDecoder decoder(profile_.response_struct(), profile_.json_dialect());
  decoder.set_max_value_bytes(ctx_.max_reply_bytes);
  bool dead = false;  // after a decode error the stream is dead, as in Go
  std::vector<char> buf(1 << 16);
  // The bytes not yet decoded into a value (from offset `kept_from`), so a
  // decode error can show what the helper wrote.
  std::string kept;
  int64_t kept_from = 0;
  for (;;) {
    auto r = child_->read_stdout(buf.data(), buf.size(), proc::no_deadline(), &stop_);
    if (r.bytes > 0) {
      std::string_view chunk(buf.data(), r.bytes);
      ctx_.transcript.bytes(wire::Direction::from_helper, chunk);
      if (!dead) {
        decoder.feed(chunk);
        if (kept.size() < (1 << 20)) kept.append(chunk);
      }
    }
    const bool at_end = r.status == proc::IoStatus::eof || r.status == proc::IoStatus::error;
    if (at_end && !dead) decoder.finish();
    while (!dead) {
      wire::Response resp;
      std::string err;
      auto st = decoder.next(resp, err);
      if (st == wire::ResponseStreamDecoder::Status::value) {
        on_response(std::move(resp));
        const int64_t done = decoder.consumed();
        kept.erase(0, static_cast<size_t>(std::min<int64_t>(done - kept_from, static_cast<int64_t>(kept.size()))));
        kept_from = done;
        continue;
      }
      if (st == wire::ResponseStreamDecoder::Status::error) {
        dead = true;
        // What go says (prog.go's readLoop: "error reading JSON from
        // GOCACHEPROG: %v"), and the bytes it could not decode.
        std::string_view bad = kept;
        const size_t text = bad.find_first_not_of(" \t\r\n");
        bad.remove_prefix(text == std::string_view::npos ? bad.size() : text);
        const size_t shown = std::min<size_t>(bad.size(), 200);
        std::string message = "stdout is not a stream of JSON responses: go (" + profile_.name() +
                              ") says \"error reading JSON from GOCACHEPROG: " + err + "\"; the helper wrote " +
                              wire::go_quote(std::string(bad.substr(0, shown))) +
                              (shown < bad.size() ? " (first 200 of " + std::to_string(bad.size()) + " bytes)" : "") +
                              " at stdout offset " +
                              std::to_string(kept_from + static_cast<int64_t>(kept.size() - bad.size()));
        std::lock_guard lock(mu_);
        if (!killed_) problems_.push_back(message);
        // A line past the bound: nothing more of it is read, the helper is killed.
        if (decoder.fed() - decoder.consumed() > static_cast<int64_t>(ctx_.max_reply_bytes)) give_up_locked(err);
        cv_.notify_all();
      }
      break;
    }
    {
      std::lock_guard lock(mu_);
      if (gave_up_) break;
    }
    if (at_end || r.status == proc::IoStatus::interrupted) break;
  }
  std::lock_guard lock(mu_);
  eof_ = true;
  cv_.notify_all();
}

void Session::read_stderr_loop() {
  char buf[4096];
  for (;;) {
    auto r = child_->read_stderr(buf, sizeof buf, proc::no_deadline(), &stop_);
    if (r.bytes > 0) {
      std::string_view chunk(buf, r.bytes);
      ctx_.transcript.bytes(wire::Direction::helper_stderr, chunk);
      std::lock_guard lock(mu_);
      stderr_.append(chunk);
    }
    if (r.status != proc::IoStatus::ok) break;
  }
  std::lock_guard lock(mu_);
  stderr_eof_ = true;
  cv_.notify_all();
}

void Session::on_response(wire::Response r) {
  std::lock_guard lock(mu_);
  std::string problem;
  if (!first_) {
    first_delay_ = Clock::now() - started_;
    first_ = r;
    if (r.id != 0) problem = "the first message has ID " + std::to_string(r.id) + ", not 0";
  } else if (r.id == 0) {
    problem = "a second message with ID 0";
  } else if (!sent_.count(r.id)) {
    problem = "a response for unknown request ID " + std::to_string(r.id);
  } else if (replies_.count(r.id)) {
    problem = "a second response for request ID " + std::to_string(r.id);
  } else {
    replies_.emplace(r.id, std::move(r));
  }
  if (!problem.empty()) {
    if (problems_.size() < kKeptProblems) problems_.push_back(std::move(problem));
    if (++stray_replies_ >= kMaxStrayReplies && !gave_up_) {
      const std::string why =
          "gave up after " + std::to_string(stray_replies_) + " replies to unknown or already answered request IDs";
      problems_.push_back(why);
      give_up_locked(why);
    }
  }
  cv_.notify_all();
}

void Session::give_up_locked(const std::string& why) {
  if (gave_up_) return;
  gave_up_ = true;
  ctx_.transcript.event("gave-up", {{"helper", label_}, {"why", why}});
  child_->kill_group(SIGKILL);  // reaped by whoever waits for it next
}

Reply Session::first_message(Clock::duration timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, deadline_after(timeout), [&] { return first_ || eof_ || !problems_.empty(); });
  if (first_) return Reply{first_, ""};
  if (!problems_.empty()) return Reply{std::nullopt, problems_.front()};
  if (eof_) {
    lock.unlock();
    std::string ended = how_it_ended(std::chrono::milliseconds(500));
    if (ended.rfind("a crash", 0) == 0) return Reply{std::nullopt, ended + ", before its first message"};
    return Reply{std::nullopt, "the helper closed its stdout before its first message" +
                                   (ended.empty() ? std::string() : " (" + ended + ")")};
  }
  return Reply{std::nullopt, "no first message within " + seconds(timeout)};
}

std::optional<Clock::duration> Session::first_message_delay() const {
  std::lock_guard lock(mu_);
  return first_delay_;
}

bool Session::write(std::string_view bytes, std::string& error) {
  // Each write gets its own bound, so a helper that stops reading is caught
  // long before the case deadline.
  auto r = child_->write_stdin(bytes, deadline_after(ctx_.scaled(std::chrono::seconds(10))), &stop_);
  if (r.status == proc::IoStatus::ok) return true;
  switch (r.status) {
    case proc::IoStatus::timeout: error = "the helper stopped reading its stdin (write timed out)"; break;
    case proc::IoStatus::interrupted: error = "the case was cancelled while writing"; break;
    default: {
      // Mostly a broken pipe: the helper has closed its stdin or exited.
      // Say which, and what it said.
      error = "the helper stopped reading its stdin (" + std::string(std::strerror(r.error)) + ")";
      std::string ended = how_it_ended(std::chrono::milliseconds(500));
      error += ended.empty() ? ": it is still running" : ": " + ended;
      break;
    }
  }
  std::lock_guard lock(mu_);
  if (gave_up_ && !problems_.empty()) error += " (the helper was killed: " + problems_.back() + ")";
  return false;
}

bool Session::send(const wire::Request& req, std::string_view body, std::string& error) {
  std::string head = wire::encode_request(req, dialect_);
  {
    std::lock_guard lock(mu_);
    sent_.insert(req.id);
  }
  std::lock_guard wlock(write_mu_);
  ctx_.transcript.bytes(wire::Direction::to_helper, head);
  if (!write(head, error)) return false;
  if (req.body_size <= 0 || body.empty()) return true;
  std::string line = wire::encode_body_line(body);
  if (line.size() <= kLoggedBodyLimit) {
    ctx_.transcript.bytes(wire::Direction::to_helper, line);
  } else {
    ctx_.transcript.event("body-line", {{"id", req.id}, {"bytes", line.size()}, {"body_size", body.size()}});
  }
  return write(line, error);
}

bool Session::send_streamed_put(const wire::Request& req, const PatternBody& body, std::string& error) {
  std::string head = wire::encode_request(req, dialect_);
  {
    std::lock_guard lock(mu_);
    sent_.insert(req.id);
  }
  std::lock_guard wlock(write_mu_);
  ctx_.transcript.bytes(wire::Direction::to_helper, head);
  ctx_.transcript.event("body-line", {{"id", req.id}, {"body_size", body.size()}, {"streamed", true}});
  if (!write(head, error) || !write("\"", error)) return false;
  bool ok = true;
  base64::StreamEncoder enc([&](std::string_view text) {
    if (ok) ok = write(text, error);
  });
  constexpr int64_t kChunk = 1 << 20;
  for (int64_t off = 0; ok && off < body.size(); off += kChunk) enc.feed(body.slice(off, kChunk));
  if (ok) enc.finish();
  return ok && write("\"\n", error);
}

bool Session::send_raw(std::string_view bytes, std::optional<int64_t> expect_id, std::string& error) {
  if (expect_id) {
    std::lock_guard lock(mu_);
    sent_.insert(*expect_id);
  }
  std::lock_guard wlock(write_mu_);
  ctx_.transcript.bytes(wire::Direction::to_helper, bytes);
  return write(bytes, error);
}

std::string Session::no_reply_reason(int64_t id, Clock::duration waited) {
  std::string why;
  {
    std::lock_guard lock(mu_);
    if (!problems_.empty()) return "no reply to ID " + std::to_string(id) + ": " + problems_.front();
    if (!eof_) {
      return ctx_.cancel.cancelled() ? "the case was cancelled waiting for ID " + std::to_string(id)
                                     : "no reply to ID " + std::to_string(id) + " within " + seconds(waited);
    }
  }
  std::string ended = how_it_ended(std::chrono::milliseconds(500));
  if (ended.rfind("a crash", 0) == 0) return ended + ", before replying to ID " + std::to_string(id);
  return "the helper closed its stdout before replying to ID " + std::to_string(id) +
         (ended.empty() ? std::string() : " (" + ended + ")");
}

Reply Session::await(int64_t id, Clock::duration timeout) {
  const auto start = Clock::now();
  {
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, deadline_after(timeout), [&] { return replies_.count(id) || eof_ || !problems_.empty(); });
    auto it = replies_.find(id);
    if (it != replies_.end()) return Reply{it->second, ""};
  }
  return Reply{std::nullopt, no_reply_reason(id, Clock::now() - start)};
}

Reply Session::put(std::string_view action_id, std::string_view body, Clock::duration timeout) {
  wire::Request req;
  req.id = next_id();
  req.command = "put";
  req.action_id = std::string(action_id);
  req.output_id = wire::sha256(body);
  req.body_size = static_cast<int64_t>(body.size());
  std::string error;
  if (!send(req, body, error)) return Reply{std::nullopt, error};
  return await(req.id, timeout);
}

Reply Session::get(std::string_view action_id, Clock::duration timeout) {
  wire::Request req;
  req.id = next_id();
  req.command = "get";
  req.action_id = std::string(action_id);
  std::string error;
  if (!send(req, {}, error)) return Reply{std::nullopt, error};
  return await(req.id, timeout);
}

Reply Session::close(Clock::duration timeout) {
  wire::Request req;
  req.id = next_id();
  req.command = "close";
  std::string error;
  if (!send(req, {}, error)) return Reply{std::nullopt, error};
  return await(req.id, timeout);
}

void Session::close_stdin() {
  std::lock_guard wlock(write_mu_);
  ctx_.transcript.event("close-stdin", {{"helper", label_}});
  child_->close_stdin();
}

bool Session::wait_stdout_eof(Clock::duration timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, deadline_after(timeout), [&] { return eof_; });
}

bool Session::wait_stderr_eof(Clock::duration timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, deadline_after(timeout), [&] { return stderr_eof_; });
}

std::optional<proc::ExitStatus> Session::wait_exit(Clock::duration timeout) {
  return child_->wait_until(deadline_after(timeout));
}

std::string Session::crash(Clock::duration timeout) {
  {
    std::lock_guard lock(mu_);
    if (killed_) return "";
  }
  if (!stdout_eof() && !child_->status()) return "";
  auto st = child_->wait_until(deadline_after(timeout));
  if (!st) return "";
  wait_stderr_eof(std::chrono::milliseconds(500));  // its last words may still be in the pipe
  return proc::crash_report(st, stderr_text());
}

std::string Session::how_it_ended(Clock::duration timeout) {
  auto st = child_->wait_until(deadline_after(timeout));
  if (!st) return "";
  wait_stderr_eof(std::chrono::milliseconds(500));
  const std::string err = stderr_text();
  {
    std::lock_guard lock(mu_);
    if (killed_) return st->describe() + " (killed by the harness)";
  }
  if (std::string c = proc::crash_report(st, err); !c.empty()) return "a crash: " + c;
  std::string_view tail = err;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.remove_suffix(1);
  if (tail.empty()) return st->describe() + ", nothing on stderr";
  if (tail.size() > 300) tail = tail.substr(tail.size() - 300);
  return st->describe() + "; its stderr: " + wire::go_quote(tail);
}

void Session::kill() {
  {
    std::lock_guard lock(mu_);
    killed_ = true;
  }
  ctx_.transcript.event("sigkill", {{"helper", label_}});
  child_->terminate();
}

bool Session::set_file_size_limit(std::optional<uint64_t> bytes, std::string& error) {
  ctx_.transcript.event("file-size-limit",
                        {{"helper", label_}, {"bytes", bytes ? nlohmann::json(*bytes) : nlohmann::json("none")}});
  return child_->set_file_size_limit(bytes, error);
}

std::vector<std::string> Session::problems() const {
  std::lock_guard lock(mu_);
  return problems_;
}

bool Session::stdout_eof() const {
  std::lock_guard lock(mu_);
  return eof_;
}

std::string Session::stderr_text() const {
  std::lock_guard lock(mu_);
  return stderr_.text();
}

int64_t Session::peak_rss_kib() const {
  std::ifstream f("/proc/" + std::to_string(child_->pid()) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return 0;
}

size_t Session::replies_received() const {
  std::lock_guard lock(mu_);
  return replies_.size();
}

pid_t Session::pid() const { return child_->pid(); }

}  // namespace cph::session
