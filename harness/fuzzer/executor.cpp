#include "fuzzer/executor.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "fuzzer/hostile.hpp"
#include "fuzzer/model.hpp"
#include "fuzzer/rng.hpp"
#include "proc/temp_dir.hpp"
#include "session/helper_argv.hpp"
#include "session/pattern_body.hpp"
#include "session/session.hpp"
#include "wire/encoders.hpp"
#include "wire/sha256.hpp"

namespace cph::fuzzer {

namespace {

using session::Clock;
constexpr int64_t kStreamAbove = 1 << 20;  // larger put bodies are streamed, never held whole
constexpr std::chrono::milliseconds kExitGrace{500};

std::string secs(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g s", d.count() / 1000.0);
  return buf;
}

class Executor {
 public:
  Executor(const Trace& t, const ExecOptions& o, runner::CaseContext& ctx) : t_(t), o_(o), ctx_(ctx) {}

  ExecResult run() {
    for (size_t i = 0; i < t_.ops.size() && !failure_ && !ctx_.cancel.cancelled(); ++i) {
      step(i, t_.ops[i]);
      ++stats_.ops;
      if (o_.progress) o_.progress(i + 1);
    }
    if (!failure_ && !ctx_.cancel.cancelled() && s_ && drain(t_.ops.size())) close_helper(t_.ops.size());
    if (s_) s_->kill();
    s_.reset();
    return ExecResult{failure_, stats_};
  }

 private:
  struct Pending {
    size_t op;
    int64_t id;
    int64_t key;
    OpKind kind;
    StoredObject obj;       // put: what was sent
    size_t put_handle = 0;  // put: its place in the model
    Model::Time sent = 0;   // get: when it was sent
  };

  bool fail(FailureClass c, size_t op, int64_t id, std::string message) {
    if (ctx_.cancel.cancelled()) return false;  // time is up (--duration): a shorter run, not a finding
    failure_ = Failure{c, op, id, std::move(message)};
    ctx_.transcript.event("fuzz-failure",
                          {{"class", failure_class_name(c)}, {"op", op}, {"id", id}, {"message", failure_->message}});
    return false;
  }

  void step(size_t i, const Op& op) {
    ctx_.transcript.event("fuzz-op", {{"op", i}, {"what", describe(op)}});
    switch (op.kind) {
      case OpKind::put: put(i, op); break;
      case OpKind::get: get(i, op); break;
      case OpKind::close:
        if (s_ && drain(i)) close_helper(i);
        break;
      case OpKind::kill_put: kill_put(i, op); break;
      case OpKind::hostile: hostile(i, op); break;
      case OpKind::storage_fault: storage_fault(i, op); break;
    }
  }

  // Starts the helper on the trace's directory and takes its handshake.
  bool ensure_helper(size_t op) {
    if (s_) return true;
    uint64_t helper_seed = derive_seed(t_.seed, helpers_);
    if (o_.attempt != 0) helper_seed = derive_seed(helper_seed, o_.attempt);
    auto argv = expand_helper(t_.helper, dir_.path(), helper_seed);
    std::string error;
    ++helpers_;
    ++stats_.helpers_started;
    // The helper runs in our working directory, as go runs it, so relative paths in its arguments work.
    std::error_code ec;
    const std::string cwd = std::filesystem::current_path(ec).string();
    // SIGXFSZ ignored, so a storage-fault op makes writes fail with EFBIG
    // instead of killing the helper (no effect otherwise: no file size limit).
    session::StartOptions so;
    so.ignore_sigxfsz = true;
    s_ = session::Session::start(argv, ec ? dir_.path() : cwd, wire::Dialect::output_id, ctx_,
                                 "helper " + std::to_string(helpers_), error, so);
    if (!s_) return fail(FailureClass::crash, op, 0, "cannot start the helper: " + error);
    session::Reply hello = s_->first_message(o_.reply_timeout);
    if (!hello) return no_reply(op, 0, hello.failure);
    if (auto p = s_->problems(); !p.empty()) return fail(FailureClass::protocol, op, 0, p.front());
    has_get_ = has_put_ = has_close_ = false;
    for (const auto& c : hello->known_commands) {
      has_get_ = has_get_ || c == "get";
      has_put_ = has_put_ || c == "put";
      has_close_ = has_close_ || c == "close";
    }
    if (hello->known_commands.empty()) {
      return fail(FailureClass::protocol, op, 0, "the handshake declares no supported commands (fatal to go)");
    }
    return true;
  }

  // No reply (or handshake): a protocol problem on stdout, the helper gone,
  // or simply nothing by the deadline.
  bool no_reply(size_t op, int64_t id, const std::string& why) {
    if (auto p = s_->problems(); !p.empty()) return fail(FailureClass::protocol, op, id, p.front());
    if (s_->stdout_eof()) {
      if (std::string c = s_->crash(kExitGrace); !c.empty()) return fail(FailureClass::crash, op, id, "a crash: " + c);
      return fail(FailureClass::crash, op, id, why + " without being asked to close" + stderr_tail());
    }
    return fail(FailureClass::hang, op, id, why);
  }

  // The end of the helper's stderr, for messages about its death.
  std::string stderr_tail() const {
    std::string e = s_->stderr_text();
    while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
    if (e.empty()) return "";
    if (e.size() > 300) e = "..." + e.substr(e.size() - 300);
    return "; its stderr: " + e;
  }

  bool write_failed(size_t op, int64_t id, const std::string& error) {
    if (s_->wait_stdout_eof(kExitGrace)) {
      auto st = s_->wait_exit(kExitGrace);
      return fail(FailureClass::crash, op, id,
                  error + "; the helper ended without being asked to close" + (st ? " (" + st->describe() + ")" : ""));
    }
    return fail(FailureClass::hang, op, id, error);
  }

  // The put of `op`'s body, with the next request ID.
  wire::Request put_request(const Op& op, const session::PatternBody& body) {
    wire::Request req;
    req.id = s_->next_id();
    req.command = "put";
    req.action_id = action_id(t_.seed, op.key);
    req.output_id = body.sha256();
    req.body_size = op.size;
    return req;
  }

  void put(size_t i, const Op& op) {
    if (!ensure_helper(i) || !has_put_) return;  // go sends no put the helper did not declare
    session::PatternBody body(op.body_seed, op.size);
    wire::Request req = put_request(op, body);
    StoredObject obj{req.output_id, op.size};
    const size_t handle = model_.put(op.key, obj);  // from now on a concurrent get may see it
    ++stats_.puts;
    std::string error;
    bool sent = op.size > kStreamAbove ? s_->send_streamed_put(req, body, error) : s_->send(req, body.whole(), error);
    if (!sent) {
      write_failed(i, req.id, error);
      return;
    }
    pending_.push_back({i, req.id, op.key, OpKind::put, obj, handle, 0});
    if (!op.async) drain(i);
  }

  void get(size_t i, const Op& op) {
    if (!ensure_helper(i) || !has_get_) return;
    wire::Request req;
    req.id = s_->next_id();
    req.command = "get";
    req.action_id = action_id(t_.seed, op.key);
    ++stats_.gets;
    std::string error;
    const Model::Time sent = model_.now();
    if (!s_->send(req, {}, error)) {
      write_failed(i, req.id, error);
      return;
    }
    pending_.push_back({i, req.id, op.key, OpKind::get, {}, 0, sent});
    if (!op.async) drain(i);
  }

  // Awaits every outstanding reply, oldest first, and checks each.
  bool drain(size_t op) {
    for (const Pending& p : pending_) {
      session::Reply r = s_->await(p.id, o_.reply_timeout);
      if (!r) return no_reply(p.op, p.id, r.failure);
      if (!check_reply(p, *r.response)) return false;
    }
    pending_.clear();
    if (auto p = s_->problems(); !p.empty()) return fail(FailureClass::protocol, op, 0, p.front());
    return true;
  }

  bool check_reply(const Pending& p, const wire::Response& r) {
    if (!r.err.empty()) {  // an error is allowed (the object may simply not be kept)
      ++stats_.err_replies;
      if (p.kind == OpKind::put) model_.put_answered(p.put_handle, false);
      return true;
    }
    if (p.kind == OpKind::put) {
      model_.put_answered(p.put_handle, true);
      if (r.disk_path.empty()) {
        return fail(FailureClass::protocol, p.op, p.id, "the put reply has no DiskPath (fatal to go's put)");
      }
      if (auto why = file_problem(r.disk_path, p.obj); !why.empty()) {
        return fail(FailureClass::corruption, p.op, p.id, "put reply: " + why);
      }
      returned_.emplace(r.disk_path, p.obj);
      return true;
    }
    if (r.miss) {
      ++stats_.misses;
      return true;
    }
    ++stats_.hits;
    if (r.disk_path.empty()) {
      return fail(FailureClass::protocol, p.op, p.id, "a get hit without DiskPath (go: didn't populate DiskPath)");
    }
    // Requests in flight may be served in any order, so a hit may show any
    // object put under the key up to now, even by a put sent after this get.
    const std::vector<StoredObject> allowed = model_.candidates(p.key, p.sent);
    if (auto why = hit_problem(allowed, r.output_id, r.size, r.disk_path); !why.empty()) {
      for (const StoredObject& o : model_.ever_put(p.key)) {
        if (o.output_id == r.output_id && std::find(allowed.begin(), allowed.end(), o) == allowed.end()) {
          why =
              "it serves an object a later accepted put of this ActionID replaced (a re-put must serve the latest "
              "body, OutputID " +
              wire::to_hex(allowed.back().output_id).substr(0, 16) + "...)";
        }
      }
      return fail(FailureClass::corruption, p.op, p.id, "get hit: " + why);
    }
    returned_.emplace(r.disk_path, StoredObject{r.output_id, r.size});
    return true;
  }

  // Every DiskPath this helper returned must still hold its object until
  // close (cacheprog.go: "must continue to exist at least until a close
  // request"): a re-put that overwrote an earlier file shows here.
  bool check_returned(size_t op) {
    std::map<std::string, StoredObject> seen;
    seen.swap(returned_);
    for (const auto& [path, obj] : seen) {
      if (auto why = file_problem(path, obj); !why.empty()) {
        return fail(FailureClass::corruption, op, 0, "a DiskPath returned earlier changed before close: " + why);
      }
    }
    return true;
  }

  // go's close: the close request (when declared), stdin closed, then stdout
  // must end and the process exit. Anything wrong from here is after-close.
  void close_helper(size_t op) {
    if (!check_returned(op)) return;
    const auto after = FailureClass::after_close;
    int64_t id = 0;
    if (has_close_) {
      wire::Request req;
      req.id = id = s_->next_id();
      req.command = "close";
      std::string error;
      if (!s_->send(req, {}, error)) {
        write_failed(op, id, error);
      } else if (session::Reply r = s_->await(id, o_.reply_timeout); !r) {
        // Exiting without a reply is accepted (go 1.24+ ends the wait); silence is not.
        if (auto p = s_->problems(); !p.empty())
          fail(after, op, id, p.front());
        else if (!s_->stdout_eof())
          fail(after, op, id, "no reply to close within " + secs(o_.reply_timeout));
      }
    }
    if (failure_) return;
    s_->close_stdin();
    if (!s_->wait_stdout_eof(o_.reply_timeout)) {
      fail(after, op, id, "stdout still open " + secs(o_.reply_timeout) + " after close (go waits forever)");
    } else if (auto st = s_->wait_exit(o_.reply_timeout); !st) {
      fail(after, op, id, "the helper has not exited " + secs(o_.reply_timeout) + " after close");
    } else if (std::string c = s_->crash(kExitGrace); !c.empty()) {
      fail(FailureClass::crash, op, id, "the helper crashed after close: " + c);
    } else if (auto p = s_->problems(); !p.empty()) {
      fail(after, op, id, p.front());
    }
    if (!failure_) s_.reset();
    returned_.clear();
  }

  void kill_put(size_t i, const Op& op) {
    if (!ensure_helper(i) || !has_put_ || !drain(i)) return;
    session::PatternBody body(op.body_seed, op.size);
    wire::Request req = put_request(op, body);
    const std::string line = wire::encode_body_line(body.whole());
    std::string bytes = wire::encode_request(req, wire::Dialect::output_id) + line.substr(0, line.size() / 2);
    std::string error;
    if (!s_->send_raw(bytes, req.id, error)) {
      write_failed(i, req.id, error);
      return;
    }
    s_->kill();  // the object was never complete: the model does not get it
    model_.killed();
    returned_.clear();
    s_.reset();
  }

  // The helper's writes fail while it stores a put and serves a get of it;
  // then they work again. Both must be answered (an Err is fine): a helper
  // that stops answering after a failed write shows as a hang, one that
  // serves a broken object as corruption.
  void storage_fault(size_t i, const Op& op) {
    if (!ensure_helper(i) || !has_put_ || !drain(i)) return;
    ++stats_.storage_faults;
    std::string error;
    if (!s_->set_file_size_limit(0, error)) {
      ctx_.transcript.event("fuzz-note", {{"text", "no storage fault: " + error}});
    }
    Op put_op = op;
    put_op.kind = OpKind::put;
    put_op.async = false;
    put(i, put_op);
    if (!failure_ && s_ && has_get_) {
      Op get_op;
      get_op.kind = OpKind::get;
      get_op.key = op.key;
      get(i, get_op);
    }
    if (s_ && !s_->set_file_size_limit(std::nullopt, error)) {
      ctx_.transcript.event("fuzz-note", {{"text", "file size limit not lifted: " + error}});
    }
  }

  void hostile(size_t i, const Op& op) {
    if (!ensure_helper(i) || !drain(i)) return;
    ++stats_.hostile;
    // ActionIDs no other operation uses: keys below zero.
    const int64_t hid = s_->next_id();
    HostileInput in = hostile_input(op.hostile, hid, action_id(t_.seed, -1 - static_cast<int64_t>(i)));
    std::string error;
    std::optional<int64_t> expect;
    if (in.id != 0) expect = in.id;
    bool ok = s_->send_raw(in.bytes, expect, error);
    // The probe: a get for a key never put. A reply (a miss) shows the helper survived.
    wire::Request probe;
    probe.id = s_->next_id();
    probe.command = "get";
    probe.action_id = action_id(t_.seed, -1000000000 - static_cast<int64_t>(i));
    if (ok) ok = s_->send(probe, {}, error);
    session::Reply r = ok ? s_->await(probe.id, o_.reply_timeout) : session::Reply{};
    if (r) {
      if (auto p = s_->problems(); !p.empty()) {
        fail(FailureClass::protocol, i, probe.id, p.front() + " (after hostile input " + op.hostile + ")");
      } else if (!r->miss && r->err.empty()) {
        fail(FailureClass::corruption, i, probe.id, "a hit for an ActionID never put (after " + op.hostile + ")");
      }
      return;
    }
    if (auto p = s_->problems(); !p.empty()) {
      fail(FailureClass::protocol, i, hid, p.front() + " (after hostile input " + op.hostile + ")");
      return;
    }
    // Exiting is a fair answer to garbage; dying of a signal or going silent is not.
    if (s_->wait_stdout_eof(ok ? std::chrono::milliseconds(0) : kExitGrace)) {
      auto st = s_->wait_exit(o_.reply_timeout);
      if (!st) {
        fail(FailureClass::hang, i, hid, "closed stdout after hostile input " + op.hostile + " but did not exit");
      } else if (std::string c = s_->crash(kExitGrace); !c.empty()) {
        // A signal, a Go panic (exit status 2), a sanitizer report: a crash
        // whatever the status; only an exit with a plain message is a fair answer.
        fail(FailureClass::crash, i, hid, "the helper crashed on hostile input " + op.hostile + ": " + c);
      } else {
        ctx_.transcript.event("fuzz-note", {{"text", "the helper exited on hostile input: " + st->describe()}});
        s_.reset();
        returned_.clear();
      }
      return;
    }
    fail(FailureClass::hang, i, hid,
         "neither a reply to the probe ID " + std::to_string(probe.id) + " nor an exit within " +
             secs(o_.reply_timeout) + " after hostile input " + op.hostile);
  }

  const Trace& t_;
  const ExecOptions& o_;
  runner::CaseContext& ctx_;
  proc::TempDir dir_;
  std::unique_ptr<session::Session> s_;
  bool has_get_ = false, has_put_ = false, has_close_ = false;
  Model model_;
  std::vector<Pending> pending_;
  std::map<std::string, StoredObject> returned_;  // DiskPath -> what this helper first returned it for
  uint64_t helpers_ = 0;
  ExecStats stats_;
  std::optional<Failure> failure_;
};

}  // namespace

void ExecStats::add(const ExecStats& o) {
  ops += o.ops;
  helpers_started += o.helpers_started;
  puts += o.puts;
  gets += o.gets;
  hits += o.hits;
  misses += o.misses;
  err_replies += o.err_replies;
  hostile += o.hostile;
  storage_faults += o.storage_faults;
}

std::vector<std::string> expand_helper(const std::vector<std::string>& argv, const std::string& dir,
                                       uint64_t helper_seed) {
  std::vector<std::string> out = session::expand_dir(argv, dir);
  const std::string seed = std::to_string(helper_seed);
  for (auto& arg : out) {
    for (size_t at = arg.find("{seed}"); at != std::string::npos; at = arg.find("{seed}", at + seed.size())) {
      arg.replace(at, 6, seed);
    }
  }
  return out;
}

ExecResult execute(const Trace& trace, const ExecOptions& options, runner::CaseContext& ctx) {
  ctx.max_reply_bytes = options.max_reply_bytes;
  return Executor(trace, options, ctx).run();
}

ExecResult execute(const Trace& trace, const ExecOptions& options, std::vector<wire::TranscriptRecord>* transcript) {
  runner::CaseInfo info{"fuzz/replay", "replay", "", "", runner::Grade::must, std::chrono::milliseconds(0)};
  runner::CancelToken cancel(Clock::now() + std::chrono::hours(24 * 365));
  wire::Transcript tr;
  runner::CaseContext ctx{info, cancel, tr};
  ExecResult r = execute(trace, options, ctx);
  if (transcript) *transcript = tr.records();
  return r;
}

}  // namespace cph::fuzzer
