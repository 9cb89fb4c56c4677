// handshake/*: the helper's first message (cacheprog.go: "The subprocess
// should immediately send a Response with its capabilities").
#include <algorithm>

#include "check/case_kit.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

// Starts a helper and returns its first message (or why there is none),
// waiting as go waits: a slow start is handshake/within-1s's failure alone.
Reply hello(CaseRig& rig, std::string& failure) {
  Session* s = rig.start_raw(failure);
  if (!s) return Reply{std::nullopt, failure};
  return rig.await_handshake(s);
}

// Why KnownCommands should include close, as the target release ends a
// helper. Both close its stdin when the helper does not declare close
// (prog.go: cmd.Cancel = in.Close, then Close cancels the context) and wait
// for its stdout's EOF; with close declared, they first send close.
std::string close_reason(const client::Profile& p) {
  if (p.close_deadlocks_on_exit()) {
    return "With close declared, go1.21-go1.23 send close and wait for its reply before closing the helper's stdin "
           "(and hang if the helper exits without replying, golang/go#70848); without it, they only close the "
           "helper's stdin (prog.go: cmd.Cancel = in.Close), so the helper learns of the end at EOF alone. Go's rule "
           "is only that go never sends an undeclared command: INFO.";
  }
  return "Without close declared, go1.24 and later end the helper by closing its stdin (prog.go: cmd.Cancel = "
         "in.Close; Close cancels the context) and wait for its stdout's EOF, so the helper must treat EOF as the end "
         "(the eof/* cases). close lets it finish gracefully first (cacheprog.go: \"CmdClose requests that the cache "
         "program exit gracefully\"); go needs nothing more: INFO.";
}

CaseOutcome declares(runner::CaseContext& ctx, const CheckConfig& cfg, const std::string& command) {
  CaseRig rig(ctx, cfg);
  std::string failure;
  Reply r = hello(rig, failure);
  if (!r) return CaseOutcome::error(r.failure);
  const auto& kc = r->known_commands;
  if (std::find(kc.begin(), kc.end(), command) == kc.end()) {
    return CaseOutcome::fail("KnownCommands includes \"" + command + "\"", describe(r),
                             "go never sends a command the helper did not declare");
  }
  return rig.finish(CaseOutcome::pass(describe(r)));
}

}  // namespace

void add_handshake_cases(Catalogue& out, const CheckConfig& config) {
  out.push_back(make_case({"handshake/id0-first", "the first message has ID 0",
                           "The helper's first message is a Response with ID 0 (any other ID is a reply to an unknown "
                           "request, fatal to go).",
                           kProgGo, Grade::must},
                          config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
                            CaseRig rig(ctx, cfg);
                            std::string failure;
                            Reply r = hello(rig, failure);
                            if (!r) return CaseOutcome::fail("a first message with ID 0", r.failure);
                            if (r->id != 0) return CaseOutcome::fail("ID 0", describe(r));
                            return CaseOutcome::pass(describe(r));
                          }));
  out.push_back(make_case({"handshake/known-commands-nonempty", "KnownCommands is not empty",
                           "The first message lists the commands the helper supports; go exits with \"declared no "
                           "supported commands\" on an empty list.",
                           kProgGo, Grade::must},
                          config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
                            CaseRig rig(ctx, cfg);
                            std::string failure;
                            Reply r = hello(rig, failure);
                            if (!r) return CaseOutcome::error(r.failure);
                            if (r->known_commands.empty()) {
                              return CaseOutcome::fail("a non-empty KnownCommands", describe(r),
                                                       "go: GOCACHEPROG <prog> declared no supported commands");
                            }
                            return rig.finish(CaseOutcome::pass(describe(r)));
                          }));
  for (std::string cmd : {"get", "put", "close"}) {
    const bool close = cmd == "close";
    out.push_back(
        make_case({"handshake/known-commands-" + cmd, "KnownCommands includes " + cmd,
                   "The helper declares \"" + cmd + "\"; go never sends an undeclared command" +
                       (close ? ". " + close_reason(config.profile)
                              : " (without " + cmd + " go " +
                                    (cmd == "get" ? "treats every get as a miss" : "stores nothing") + ")."),
                   close ? std::string(kProgGo) + "; " + kCacheprogDoc : std::string(kCacheprogDoc),
                   close ? Grade::info : Grade::should},
                  config, [cmd](runner::CaseContext& ctx, const CheckConfig& cfg) { return declares(ctx, cfg, cmd); }));
  }
  // The 1 s is the harness's policy, not Go's: go waits for the handshake
  // without limit (prog.go logs "still waiting for GOCACHEPROG" every 5 s),
  // and every build waits for it. The one case that reports a slow start:
  // all others wait as go does (CaseRig::await_handshake).
  out.push_back(make_case(
      {"handshake/within-1s", "the handshake comes within 1 s",
       "The subprocess should immediately send its capabilities (cacheprog.go). The 1 s is the harness's policy, not "
       "Go's: go waits without limit, printing \"still waiting for GOCACHEPROG\" every 5 s, and every go command "
       "waits for it.",
       std::string(kCacheprogDoc) + "; " + kProgGo, Grade::should},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        std::string failure;
        Session* s = rig.start_raw(failure);
        if (!s) return CaseOutcome::error(failure);
        const auto limit = ctx.scaled(std::chrono::seconds(1));
        Reply r = s->first_message(limit);
        if (!r) return CaseOutcome::fail("a first message within " + std::to_string(limit.count()) + " ms", r.failure);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*s->first_message_delay()).count();
        return rig.finish(CaseOutcome::pass("after " + std::to_string(ms) + " ms"));
      }));
  out.push_back(
      make_case({"handshake/json-only-stdout", "stdout carries nothing but JSON responses",
                 "Everything the helper writes to stdout is decoded as JSON responses; anything else is fatal to go "
                 "(\"error reading JSON from GOCACHEPROG\").",
                 kProgGo, Grade::must},
                config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
                  CaseRig rig(ctx, cfg);
                  std::string failure;
                  Session* s = rig.start(failure);
                  if (!s) return CaseOutcome::fail("a JSON handshake", failure);
                  // A whole short session: a miss, a put, a hit, close, EOF.
                  std::string body = "json-only";
                  Reply g = s->get(rig.action("missing"), rig.reply_timeout());
                  Reply p = s->put(rig.action("a"), body, rig.reply_timeout());
                  Reply h = s->get(rig.action("a"), rig.reply_timeout());
                  Reply c = s->close(rig.reply_timeout());
                  s->close_stdin();
                  s->wait_stdout_eof(ctx.scaled(std::chrono::seconds(5)));
                  auto problems = s->problems();
                  if (!problems.empty()) return CaseOutcome::fail("only JSON responses on stdout", problems.front());
                  // Only the bytes are this case's: a missing reply is the failure of
                  // the case that owns that request (one cause, one failure).
                  std::string notes;
                  int replies = 1;
                  const std::pair<const Reply*, const char*> owned[] = {
                      {&g, "get/miss-unknown"}, {&p, "put/reply"}, {&h, "get/hit-after-put"}, {&c, "close/reply"}};
                  for (auto [r, owner] : owned) {
                    if (*r) {
                      ++replies;
                    } else {
                      notes += std::string(notes.empty() ? "" : "; ") + r->failure + " (see " + owner + ")";
                    }
                  }
                  return rig.finish(CaseOutcome::pass(std::to_string(replies) + " JSON messages for 4 requests" +
                                                      (notes.empty() ? "" : ": " + notes)));
                }));
}

}  // namespace cph::check
