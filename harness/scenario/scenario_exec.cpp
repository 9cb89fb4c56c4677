#include "scenario/scenario_exec.hpp"

#include <stdlib.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "client/prog_cache.hpp"
#include "proc/temp_dir.hpp"

namespace cph::scenario {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

std::string describe_outcome(OutcomeClass c, const std::string& message) {
  std::string s = client::outcome_kind_name(c);
  return message.empty() ? s : s + ": " + message;
}

namespace {

// Harness deadlines where Go would wait forever, unless the scenario says.
constexpr Millis kDefaultClientTimeout = 3000ms;

// An argument as quoted.Split reads it back.
std::string quote_arg(const std::string& a) {
  if (!a.empty() && a.find_first_of(" \t\n\r'\"") == std::string::npos) return a;
  if (a.find('\'') == std::string::npos) return "'" + a + "'";
  return "\"" + a + "\"";  // quoted.Split has no escapes; a path with both quotes is not supported
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `want` is contained in `have`: objects by key (recursively), the rest
// equal. A count the fake never reported is 0 ("requests": {"close": 0}).
bool json_subset(const json& have, const json& want) {
  if (want.is_object()) {
    if (!have.is_object()) return false;
    for (const auto& [k, v] : want.items()) {
      if (!have.contains(k)) {
        if (v.is_number() && v == 0) continue;
        return false;
      }
      if (!json_subset(have[k], v)) return false;
    }
    return true;
  }
  return have == want;
}

// The fake's transcript events (complete lines only: it may be mid-write).
std::vector<json> fake_events(const fs::path& file) {
  std::vector<json> out;
  std::string text = read_file(file);
  size_t end = text.rfind('\n');
  if (end == std::string::npos) return out;
  std::istringstream lines(text.substr(0, end));
  for (std::string line; std::getline(lines, line);) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("dir", "") == "event") out.push_back(std::move(j));
  }
  return out;
}

// Cancels the calls in progress when the case's deadline passes. Shared with
// the token's callback, which may fire after the run has ended.
struct Canceller {
  std::mutex mu;
  bool cancelled = false;
  std::vector<client::Context> live;
  void add(const client::Context& c) {
    std::lock_guard l(mu);
    if (cancelled) c.cancel();
    live.push_back(c);
  }
  void cancel_all() {
    std::lock_guard l(mu);
    cancelled = true;
    for (auto& c : live) c.cancel();
  }
};

// Cancels a call's context after a delay unless the call ended first.
class CancelTimer {
 public:
  CancelTimer(client::Context ctx, Millis delay)
      : thread_([this, ctx, delay] {
          std::unique_lock l(mu_);
          if (!cv_.wait_for(l, delay, [&] { return done_; })) ctx.cancel();
        }) {}
  ~CancelTimer() {
    {
      std::lock_guard l(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

class Execution {
 public:
  Execution(const Scenario& s, const std::string& profile, const ScenarioEnv& env, CaseContext& ctx)
      : s_(s), profile_(profile), env_(env), ctx_(ctx), dir_("cph-scenario", env.temp_dir) {}

  ScenarioObservation run() {
    obs_.profile = profile_;
    auto profile = client::Profile::parse(profile_);
    if (!profile) {
      obs_.problems.push_back("unknown profile " + profile_);
      return std::move(obs_);
    }
    auto canceller = std::make_shared<Canceller>();
    ctx_.cancel.on_cancel([canceller] { canceller->cancel_all(); });

    client::ClientOptions o;
    o.command = fake_command();
    o.profile = *profile;
    if (s_.client.still_waiting_interval) o.still_waiting_interval = *s_.client.still_waiting_interval;
    o.handshake_timeout = ctx_.scaled(s_.client.handshake_timeout.value_or(kDefaultClientTimeout));
    o.reply_timeout = ctx_.scaled(s_.client.reply_timeout.value_or(kDefaultClientTimeout));
    o.close_timeout = ctx_.scaled(s_.client.close_timeout.value_or(kDefaultClientTimeout));
    o.write_stall_timeout = ctx_.scaled(kDefaultClientTimeout);
    // The fake writes its --stats when it exits: give it time to, when asked.
    o.teardown_grace = s_.expect.fake_saw.is_null() ? ctx_.scaled(200ms) : ctx_.scaled(2000ms);
    o.on_log = [this](const std::string& line) {
      std::lock_guard l(mu_);
      obs_.logs.push_back(line);
    };
    o.transcript = std::shared_ptr<wire::Transcript>(&ctx_.transcript, [](wire::Transcript*) {});
    o.max_reply_bytes = ctx_.max_reply_bytes;
    o.sweep_descendants = false;  // cph-fake starts no process
    o.dir = dir_.path();
    {
      auto pc = client::ProgCache::start(o);
      pc_ = pc.get();
      // Even after a failed start the steps run: each returns the session's
      // fatal or hang at once, as every later call in Go would.
      obs_.steps = run_steps(s_.steps, *canceller);
      auto session = pc->session_outcome();
      obs_.session = session.kind;
      obs_.session_message = session.message;
      obs_.pending = pc->pending_ids();
      pc_ = nullptr;
    }  // teardown: stdin closed, grace, the fake's group killed, reaped
    canceller->cancel_all();
    collect_fake_output();
    return std::move(obs_);
  }

 private:
  std::string fake_command() {
    std::vector<std::string> args{env_.fake_bin,
                                  "--dir",
                                  (fs::path(dir_.path()) / "store").string(),
                                  "--stats",
                                  (fs::path(dir_.path()) / "stats.json").string(),
                                  "--transcript",
                                  (fs::path(dir_.path()) / "fake-transcript.jsonl").string()};
    if (s_.fake_inline) {
      fs::path script = fs::path(dir_.path()) / "script.json";
      std::ofstream(script) << s_.fake_inline->dump();
      args.insert(args.end(), {"--script", script.string()});
    } else if (!s_.fake_file.empty()) {
      args.insert(args.end(), {"--script", s_.fake_file});
    }
    args.insert(args.end(), s_.fake_args.begin(), s_.fake_args.end());
    std::string cmd;
    for (const auto& a : args) cmd += (cmd.empty() ? "" : " ") + quote_arg(a);
    return cmd;
  }

  std::vector<StepObservation> run_steps(const std::vector<Step>& steps, Canceller& canceller) {
    std::vector<StepObservation> out;
    for (const auto& step : steps) {
      auto obs = run_step(step, canceller);
      out.insert(out.end(), obs.begin(), obs.end());
    }
    return out;
  }

  std::vector<StepObservation> run_step(const Step& step, Canceller& canceller) {
    if (step.kind == StepKind::parallel) {
      std::vector<std::vector<StepObservation>> parts(step.parallel.size());
      std::vector<std::thread> threads;
      for (size_t i = 0; i < step.parallel.size(); ++i) {
        threads.emplace_back([&, i] { parts[i] = run_step(step.parallel[i], canceller); });
      }
      for (auto& t : threads) t.join();
      std::vector<StepObservation> out;
      for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
      return out;
    }
    StepObservation o;
    o.path = step.path;
    o.kind = step.kind;
    o.expect = step.expect;
    if (ctx_.cancel.cancelled()) {
      o.problem = "not run: the scenario reached its deadline";
      return {o};
    }
    if (step.kind == StepKind::wait_event) {
      wait_event(step, o);
      return {o};
    }
    client::Context call =
        step.deadline ? client::Context::with_timeout(*step.deadline) : client::Context::background();
    canceller.add(call);
    std::optional<CancelTimer> timer;
    if (step.cancel_after) timer.emplace(call, *step.cancel_after);
    client::Outcome outcome;
    switch (step.kind) {
      case StepKind::get: {
        auto r = pc_->get(step.action, call);
        outcome = r.outcome;
        o.request_id = r.id;
        if (r.outcome.kind == client::OutcomeKind::ok) o.size = r.entry.size;
        break;
      }
      case StepKind::put: {
        auto r = pc_->put(step.action, step.body, call);
        outcome = r.outcome;
        o.request_id = r.id;
        break;
      }
      case StepKind::close: outcome = pc_->close(call); break;
      default: break;
    }
    timer.reset();
    o.outcome = outcome.kind;
    o.message = outcome.message;
    return {o};
  }

  void wait_event(const Step& step, StepObservation& o) {
    const fs::path file = fs::path(dir_.path()) / "fake-transcript.jsonl";
    const auto until = Clock::now() + ctx_.scaled(step.event_timeout);
    for (;;) {
      for (const auto& e : fake_events(file)) {
        if (e.value("event", "") == step.event &&
            (step.event_detail.is_null() || json_subset(e.value("detail", json::object()), step.event_detail))) {
          o.message = "seen";
          return;
        }
      }
      // The fake's file is the only signal there is: look again shortly.
      if (Clock::now() >= until || !ctx_.cancel.sleep_for(10ms)) break;
    }
    o.problem = "the fake's event \"" + step.event + "\"" +
                (step.event_detail.is_null() ? "" : " with " + step.event_detail.dump()) + " was not seen";
  }

  void collect_fake_output() {
    std::string stats = read_file(fs::path(dir_.path()) / "stats.json");
    if (!stats.empty()) obs_.fake_stats = json::parse(stats, nullptr, false);
    if (obs_.fake_stats.is_discarded()) obs_.fake_stats = nullptr;
    // The fake's rule events join the case transcript, for the reports.
    for (const auto& e : fake_events(fs::path(dir_.path()) / "fake-transcript.jsonl")) {
      ctx_.transcript.event("fake " + e.value("event", std::string("event")), e.value("detail", json()));
    }
  }

  const Scenario& s_;
  const std::string profile_;
  const ScenarioEnv& env_;
  CaseContext& ctx_;
  proc::TempDir dir_;
  client::ProgCache* pc_ = nullptr;
  std::mutex mu_;  // obs_.logs (written from the client's threads)
  ScenarioObservation obs_;
};

void check_outcome(std::vector<Mismatch>& out, const std::string& where, const OutcomeExpectation& e, OutcomeClass got,
                   const std::string& message) {
  bool bad = (e.outcome && *e.outcome != got) || (e.message && *e.message != message);
  if (e.message_regex && !std::regex_search(message, std::regex(*e.message_regex))) bad = true;
  if (!bad) return;
  std::string want = e.outcome ? client::outcome_kind_name(*e.outcome) : "any outcome";
  if (e.message) want += e.message->empty() ? " with no message" : ": " + *e.message;
  if (e.message_regex) want += " matching /" + *e.message_regex + "/";
  out.push_back({where, want, describe_outcome(got, message)});
}

std::string ids_text(const std::vector<int64_t>& ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + std::to_string(ids[i]);
  return s + "]";
}

}  // namespace

ScenarioObservation execute_scenario(const Scenario& s, const std::string& profile, const ScenarioEnv& env,
                                     CaseContext* ctx) {
  if (ctx != nullptr) return Execution(s, profile, env, *ctx).run();
  CaseInfo info{s.id + "@" + profile, s.title, s.pins, s.source, Grade::must, s.timeout};
  CancelToken token(Clock::now() + s.timeout);
  wire::Transcript transcript;
  CaseContext own{info, token, transcript, 1.0};
  return Execution(s, profile, env, own).run();
}

std::vector<Mismatch> compare_scenario(const Scenario& s, const ScenarioObservation& o) {
  std::vector<Mismatch> out;
  for (const auto& p : o.problems) out.push_back({"harness", "", p});
  for (const auto& st : o.steps) {
    if (!st.problem.empty()) {
      out.push_back({st.path, st.kind == StepKind::wait_event ? "the event" : "the step to run", st.problem});
      continue;
    }
    check_outcome(out, st.path, st.expect, st.outcome, st.message);
    if (st.expect.request_id && *st.expect.request_id != st.request_id) {
      out.push_back({st.path + ".request_id", std::to_string(*st.expect.request_id), std::to_string(st.request_id)});
    }
    if (st.expect.size && st.size != st.expect.size) {
      out.push_back(
          {st.path + ".size", std::to_string(*st.expect.size), st.size ? std::to_string(*st.size) : "no hit"});
    }
  }
  const auto& e = s.expect;
  check_outcome(out, "session", e, o.session, o.session_message);
  if (e.pending && *e.pending != o.pending)
    out.push_back({"session.pending", ids_text(*e.pending), ids_text(o.pending)});
  if (!e.fake_saw.is_null()) {
    if (o.fake_stats.is_null()) {
      out.push_back({"fake_saw", e.fake_saw.dump(), "the fake wrote no --stats (it did not exit by itself)"});
    } else if (!json_subset(o.fake_stats, e.fake_saw)) {
      out.push_back({"fake_saw", e.fake_saw.dump(), o.fake_stats.dump()});
    }
  }
  for (const auto& want : e.logs_contain) {
    bool found = false;
    for (const auto& line : o.logs) found = found || line.find(want) != std::string::npos;
    if (!found) {
      std::string logs;
      for (const auto& line : o.logs) logs += (logs.empty() ? "" : " | ") + line;
      out.push_back({"logs_contain", want, logs.empty() ? "no log lines" : logs});
    }
  }
  return out;
}

std::vector<CaseDescriptor> scenario_cases(const std::vector<Scenario>& scenarios, const ScenarioEnv& env,
                                           const std::vector<std::string>& profiles) {
  std::vector<CaseDescriptor> out;
  for (const auto& sc : scenarios) {
    for (const auto& p : sc.profiles) {
      if (!profiles.empty() && std::find(profiles.begin(), profiles.end(), p) == profiles.end()) continue;
      CaseDescriptor d;
      d.info = {sc.id + "@" + p, sc.title, sc.pins, sc.source.empty() ? sc.file : sc.source, Grade::must, sc.timeout};
      auto scenario = std::make_shared<Scenario>(sc);
      d.run = [scenario, p, env](CaseContext& ctx) {
        ScenarioObservation o = execute_scenario(*scenario, p, env, &ctx);
        auto mismatches = compare_scenario(*scenario, o);
        std::string steps;
        for (const auto& st : o.steps) {
          steps += st.path + " " + step_kind_name(st.kind) +
                   (st.request_id ? " (ID " + std::to_string(st.request_id) + ")" : "") + ": " +
                   (st.problem.empty() ? describe_outcome(st.outcome, st.message) : st.problem) + "\n";
        }
        std::string session = describe_outcome(o.session, o.session_message) + ", pending " + ids_text(o.pending);
        if (mismatches.empty()) return CaseOutcome::pass(session);
        std::string expected, observed;
        for (const auto& m : mismatches) {
          expected += (expected.empty() ? "" : "\n") + m.where + ": " + m.expected;
          observed += (observed.empty() ? "" : "\n") + m.where + ": " + m.observed;
        }
        return CaseOutcome::fail(expected, observed,
                                 "scenario " + scenario->file + " under " + p + "\n" + steps + "session: " + session);
      };
      out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace cph::scenario
