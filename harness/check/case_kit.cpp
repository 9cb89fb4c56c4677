#include "check/case_kit.hpp"

#include <filesystem>

#include "session/disk_check.hpp"
#include "wire/encoders.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

runner::CaseDescriptor make_case(runner::CaseInfo info, const CheckConfig& config,
                                 std::function<runner::CaseOutcome(runner::CaseContext&, const CheckConfig&)> run) {
  auto shared = std::make_shared<const CheckConfig>(config);
  return runner::CaseDescriptor{std::move(info),
                                [shared, run = std::move(run)](runner::CaseContext& ctx) { return run(ctx, *shared); }};
}

runner::CaseDescriptor make_session_case(runner::CaseInfo info, const CheckConfig& config,
                                         std::function<runner::CaseOutcome(CaseRig&, Session*)> run) {
  return make_case(std::move(info), config, [run = std::move(run)](runner::CaseContext& ctx, const CheckConfig& cfg) {
    CaseRig rig(ctx, cfg);
    std::string failure;
    Session* s = rig.start(failure);
    if (!s) return runner::CaseOutcome::error(failure);
    return run(rig, s);
  });
}

CaseRig::CaseRig(runner::CaseContext& ctx, const CheckConfig& config) : ctx_(ctx), config_(config) {
  ctx_.name_path(dir_.path(), "{dir}");  // the evidence names the cache directory as the user wrote it
}

CaseRig::~CaseRig() {
  // Helpers go before the directory they use.
  sessions_.clear();
}

Session* CaseRig::start_raw(std::string& failure, const StartOptions& options) {
  if (config_.helper.empty()) {
    failure = "no helper command";
    return nullptr;
  }
  std::string label = "helper " + std::to_string(++started_);
  // The helper runs in our working directory, as go runs it, so relative
  // paths in its arguments (a --script FILE) work; {dir} is its cache.
  std::error_code ec;
  const std::string cwd = std::filesystem::current_path(ec).string();
  auto s = Session::start(expand_dir(config_.helper, dir()), ec ? dir() : cwd, config_.dialect, ctx_, label, failure,
                          options, config_.profile);
  if (!s) {
    failure = "cannot start the helper: " + failure;
    return nullptr;
  }
  sessions_.push_back(std::move(s));
  return sessions_.back().get();
}

Session* CaseRig::start(std::string& failure, const StartOptions& options) {
  Session* s = start_raw(failure, options);
  if (!s) return nullptr;
  Reply hello = await_handshake(s);
  if (!hello) {
    failure = "no handshake: " + hello.failure;
    return nullptr;
  }
  if (hello->id != 0 || hello->known_commands.empty()) {
    failure = "bad handshake: " + describe(hello);
    return nullptr;
  }
  return s;
}

Reply CaseRig::await_handshake(Session* s) {
  const auto limit = ctx_.scaled(std::chrono::seconds(60));
  const auto slice = std::chrono::milliseconds(500);
  const auto t0 = Clock::now();
  for (;;) {
    // Extend by a slice before waiting it, give back what was not used.
    const auto before = Clock::now();
    ctx_.cancel.extend(slice);
    Reply hello = s->first_message(slice);
    const auto used = Clock::now() - before;
    if (used < slice) ctx_.cancel.extend(-(slice - used));
    if (hello || s->stdout_eof() || !s->problems().empty() || ctx_.cancel.cancelled()) return hello;
    if (Clock::now() - t0 >= limit) {
      return Reply{std::nullopt, "no first message within " +
                                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(limit).count()) +
                                     " s (go waits without limit, logging \"still waiting\" every 5 s)"};
    }
  }
}

void CaseRig::stop(Session* s) {
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->get() != s) continue;
    for (auto& p : s->problems()) stopped_problems_.push_back(p);
    if (std::string c = s->crash(std::chrono::milliseconds(0)); !c.empty()) {
      stopped_problems_.push_back("a crash: " + c);
    }
    sessions_.erase(it);
    return;
  }
}

std::string CaseRig::action(std::string_view name) const {
  return wire::sha256("cph-check " + ctx_.info.id + " " + std::string(name));
}

runner::CaseOutcome CaseRig::finish(runner::CaseOutcome outcome) {
  if (outcome.status != runner::Status::pass) return outcome;
  // Let each helper finish writing (stdin EOF, then its stdout's EOF, briefly
  // bounded), so a late duplicate or stray reply is seen every time.
  for (auto& s : sessions_) s->close_stdin();
  for (auto& s : sessions_) s->wait_stdout_eof(ctx_.scaled(std::chrono::seconds(1)));
  std::vector<std::string> problems = stopped_problems_;
  for (auto& s : sessions_) {
    for (auto& p : s->problems()) problems.push_back(p);
  }
  // A helper that ended in a crash (a signal, a Go panic, a sanitizer
  // report) fails the case, whatever its exit status.
  for (auto& s : sessions_) {
    if (std::string c = s->crash(ctx_.scaled(std::chrono::milliseconds(500))); !c.empty()) {
      return runner::CaseOutcome::fail("no crash", "a crash: " + c);
    }
  }
  if (problems.empty()) return outcome;
  return runner::CaseOutcome::fail("nothing on stdout that go treats as fatal", problems.front(),
                                   std::to_string(problems.size()) + " such problem(s)");
}

std::string describe(const Reply& r) {
  if (!r) return r.failure;
  const auto& x = *r.response;
  std::string s = "{ID " + std::to_string(x.id);
  if (!x.err.empty()) s += ", Err " + wire::go_quote(x.err);
  if (!x.known_commands.empty()) {
    s += ", KnownCommands [";
    for (size_t i = 0; i < x.known_commands.size(); ++i) s += (i ? " " : "") + x.known_commands[i];
    s += "]";
  }
  if (x.miss) s += ", Miss";
  if (!x.output_id.empty()) s += ", OutputID " + hex_prefix(x.output_id);
  if (x.size) s += ", Size " + std::to_string(x.size);
  if (x.time) s += ", Time " + x.time->text;
  if (!x.disk_path.empty()) s += ", DiskPath " + wire::go_quote(x.disk_path);
  return s + "}";
}

std::string put_problem(const Reply& r) {
  if (!r) return r.failure;
  if (!r->err.empty()) return "put failed: Err " + wire::go_quote(r->err);
  if (r->disk_path.empty())
    return "put reply without DiskPath (go: GOCACHEPROG didn't return DiskPath in put response)";
  return "";
}

std::string hit_problem(const Reply& r, const std::string& output_id, int64_t size) {
  if (!r) return r.failure;
  if (!r->err.empty()) return "get failed: Err " + wire::go_quote(r->err);
  if (r->miss) return "a miss";
  if (r->disk_path.empty()) return "a hit without DiskPath (go: GOCACHEPROG didn't populate DiskPath on get hit)";
  if (r->output_id != output_id) {
    return "OutputID " + wire::to_hex(r->output_id) + ", want " + wire::to_hex(output_id);
  }
  if (r->size != size) return "Size " + std::to_string(r->size) + ", want " + std::to_string(size);
  return disk_path_problem(r->disk_path, size, output_id);
}

}  // namespace cph::check
