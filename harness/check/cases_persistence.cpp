// persistence/*: a helper restarted on the same directory serves what was put
// (go's own cache persists across builds; a remote-backed helper may not).
#include "check/case_kit.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

namespace {
using runner::CaseOutcome;
using runner::Grade;

// Puts each body under the action named by its index; "" or what failed.
std::string put_all(CaseRig& rig, Session* s, const std::vector<std::string>& bodies) {
  for (size_t i = 0; i < bodies.size(); ++i) {
    std::string p = put_problem(s->put(rig.action(std::to_string(i)), bodies[i], rig.reply_timeout()));
    if (!p.empty()) return "put " + std::to_string(i) + " (put/reply): " + p;
  }
  return "";
}

// A new helper on the same directory serves every body; "" or the first
// object it does not serve whole ("object N: ...").
std::string served_after_restart(CaseRig& rig, const std::vector<std::string>& bodies, std::string& failure,
                                 bool& started) {
  Session* again = rig.start(failure);
  started = again != nullptr;
  if (!again) return "";
  for (size_t i = 0; i < bodies.size(); ++i) {
    std::string p = hit_problem(again->get(rig.action(std::to_string(i)), rig.reply_timeout()), wire::sha256(bodies[i]),
                                static_cast<int64_t>(bodies[i].size()));
    if (!p.empty()) return "object " + std::to_string(i) + ": " + p;
  }
  return "";
}
}  // namespace

void add_persistence_cases(Catalogue& out, const CheckConfig& config) {
  out.push_back(make_case(
      {"persistence/restart-serves", "a restart on the same directory serves what was put",
       "After close, a new helper on the same cache directory serves the objects the first one stored" +
           std::string(config.keeps_nothing ? " (INFO: the helper is declared to keep nothing)." : "."),
       kCacheGo, config.keeps_nothing ? Grade::info : Grade::should},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        if (!mentions_dir(cfg.helper)) {
          // Still worth running: the helper may keep its cache elsewhere.
          ctx.transcript.event("note", {{"text", "the helper command has no {dir}: it runs in the case directory"}});
        }
        std::string failure;
        Session* s = rig.start(failure);
        if (!s) return CaseOutcome::error(failure);
        std::vector<std::string> bodies = {"", "persisted", std::string(100000, 'p')};
        if (std::string p = put_all(rig, s, bodies); !p.empty()) return CaseOutcome::error(p);
        s->close(rig.reply_timeout());
        s->close_stdin();
        s->wait_exit(ctx.scaled(std::chrono::seconds(5)));
        rig.stop(s);
        bool started = false;
        if (std::string p = served_after_restart(rig, bodies, failure, started); !p.empty()) {
          return CaseOutcome::fail("every object served after the restart", p);
        }
        if (!started) return CaseOutcome::error("restart: " + failure);
        return rig.finish(CaseOutcome::pass(std::to_string(bodies.size()) + " objects served after a restart"));
      }));
  out.push_back(make_case(
      {"persistence/eof-without-close", "what was acknowledged before stdin EOF is served after a restart",
       "Objects whose puts were answered before stdin ended without a close request are served by a new helper on "
       "the same directory: go closes stdin without a close request when the helper does not declare close and when "
       "go is interrupted (prog.go: cmd.Cancel = in.Close)" +
           std::string(config.keeps_nothing ? " (INFO: the helper is declared to keep nothing)." : "."),
       kProgGo, config.keeps_nothing ? Grade::info : Grade::should},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        std::string failure;
        Session* s = rig.start(failure);
        if (!s) return CaseOutcome::error(failure);
        std::vector<std::string> bodies = {"acknowledged before EOF", std::string(50000, 'e')};
        if (std::string p = put_all(rig, s, bodies); !p.empty()) return CaseOutcome::error(p);
        s->close_stdin();  // no close request
        s->wait_stdout_eof(ctx.scaled(std::chrono::seconds(5)));
        auto st = s->wait_exit(ctx.scaled(std::chrono::seconds(5)));
        const std::string how = st ? st->describe() : "no exit within 5 s (eof/exit-within-5s)";
        rig.stop(s);
        bool started = false;
        if (std::string p = served_after_restart(rig, bodies, failure, started); !p.empty()) {
          return CaseOutcome::fail("every object served after a restart", p,
                                   "the first helper ended at stdin EOF: " + how);
        }
        if (!started) return CaseOutcome::error("restart: " + failure);
        return rig.finish(CaseOutcome::pass(std::to_string(bodies.size()) + " objects served after EOF and a restart"));
      }));
}

}  // namespace cph::check
