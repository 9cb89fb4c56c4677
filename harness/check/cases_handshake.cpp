// handshake/*: the helper's first message (cacheprog.go: "The subprocess
// should immediately send a Response with its capabilities").
#include <algorithm>

#include "check/case_kit.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

// Starts a helper and returns its first message (or why there is none).
Reply hello(CaseRig& rig, Clock::duration timeout, std::string& failure) {
  Session* s = rig.start_raw(failure);
  if (!s) return Reply{std::nullopt, failure};
  return s->first_message(timeout);
}

CaseOutcome declares(runner::CaseContext& ctx, const CheckConfig& cfg, const std::string& command) {
  CaseRig rig(ctx, cfg);
  std::string failure;
  Reply r = hello(rig, ctx.scaled(std::chrono::seconds(5)), failure);
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
  out.push_back(make_case(
      {"handshake/id0-first", "the first message has ID 0",
       "The helper's first message is a Response with ID 0 (any other ID is a reply to an unknown request, fatal to go).",
       kProgGo, Grade::must},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        std::string failure;
        Reply r = hello(rig, ctx.scaled(std::chrono::seconds(5)), failure);
        if (!r) return CaseOutcome::fail("a first message with ID 0", r.failure);
        if (r->id != 0) return CaseOutcome::fail("ID 0", describe(r));
        return CaseOutcome::pass(describe(r));
      }));
  out.push_back(make_case(
      {"handshake/known-commands-nonempty", "KnownCommands is not empty",
       "The first message lists the commands the helper supports; go exits with \"declared no supported commands\" on an empty list.",
       kProgGo, Grade::must},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        std::string failure;
        Reply r = hello(rig, ctx.scaled(std::chrono::seconds(5)), failure);
        if (!r) return CaseOutcome::error(r.failure);
        if (r->known_commands.empty()) {
          return CaseOutcome::fail("a non-empty KnownCommands", describe(r),
                                   "go: GOCACHEPROG <prog> declared no supported commands");
        }
        return rig.finish(CaseOutcome::pass(describe(r)));
      }));
  for (std::string cmd : {"get", "put", "close"}) {
    out.push_back(make_case({"handshake/known-commands-" + cmd, "KnownCommands includes " + cmd,
                             "The helper declares \"" + cmd + "\"; go never sends an undeclared command" +
                                 (cmd == "close" ? " and without close cannot end the helper gracefully." : "."),
                             kCacheprogDoc, Grade::should},
                            config, [cmd](runner::CaseContext& ctx, const CheckConfig& cfg) {
                              return declares(ctx, cfg, cmd);
                            }));
  }
  out.push_back(make_case(
      {"handshake/within-1s", "the handshake comes within 1 s",
       "The subprocess should immediately send its capabilities; go prints \"still waiting for GOCACHEPROG\" after 5 s.",
       kCacheprogDoc, Grade::should},
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
  out.push_back(make_case(
      {"handshake/json-only-stdout", "stdout carries nothing but JSON responses",
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
        for (const Reply* r : {&g, &p, &h, &c}) {
          if (!*r) return CaseOutcome::fail("a reply to every request", r->failure);
        }
        return CaseOutcome::pass("4 requests, 5 JSON messages");
      }));
}

}  // namespace cph::check
