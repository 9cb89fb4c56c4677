// framing/*: what a helper does with framing go never varies. INFO only: go
// always writes the blank line after a request's JSON (prog.go writes
// Encode(req), then '\n'), and never writes JSON it cannot decode; these
// report how tolerant a helper is, for other clients and for fuzzing.
#include "check/case_kit.hpp"
#include "wire/base64.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

std::string get_line(int64_t id, const std::string& action) {
  return "{\"ID\":" + std::to_string(id) + ",\"Command\":\"get\",\"ActionID\":\"" + base64::encode(action) + "\"}\n";
}

}  // namespace

void add_framing_cases(Catalogue& out, const CheckConfig& config) {
  out.push_back(make_session_case(
      {"framing/no-blank-line", "requests without the blank line after them",
       "Two gets, each a JSON line without the empty line go writes after every request, are both answered (a JSON "
       "stream decoder does not need it; a reader of fixed lines does).",
       kProgGo, Grade::info},
      config, [](CaseRig& rig, Session* s) {
        const int64_t a = s->next_id(), b = s->next_id();
        std::string failure;
        if (!s->send_raw(get_line(a, rig.action("a")), a, failure) ||
            !s->send_raw(get_line(b, rig.action("b")), b, failure)) {
          return CaseOutcome::fail("both requests read", failure);
        }
        for (int64_t id : {a, b}) {
          Reply r = s->await(id, rig.reply_timeout());
          if (!r) return CaseOutcome::fail("a reply to each", r.failure);
        }
        return rig.finish(CaseOutcome::pass("both answered"));
      }));
  out.push_back(make_session_case(
      {"framing/exit-after-decode-error", "the exit after a request that is not JSON",
       "After a line it cannot decode, then stdin EOF, the helper exits within 5 s; a non-zero status with a message "
       "on stderr says what happened (exit 0 in silence hides it).",
       kProgGo, Grade::info},
      config, [](CaseRig& rig, Session* s) {
        std::string failure;
        s->send_raw("{\"ID\":1 \"Command\":\"get\"}\n\n", std::nullopt, failure);
        s->close_stdin();
        const auto limit = rig.ctx().scaled(std::chrono::seconds(5));
        if (!s->wait_stdout_eof(limit)) return CaseOutcome::fail("an exit within 5 s", "stdout still open");
        auto st = s->wait_exit(limit);
        if (!st) return CaseOutcome::fail("an exit within 5 s", "still running");
        s->wait_stderr_eof(std::chrono::seconds(1));
        std::string err = s->stderr_text();
        while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
        const std::string seen =
            st->describe() + (err.empty() ? ", nothing on stderr" : ", stderr: " + err.substr(0, 200));
        if (st->signaled()) return CaseOutcome::fail("an exit", seen);
        if (st->exit_code() == 0 && err.empty()) return CaseOutcome::fail("a non-zero status or a message", seen);
        return CaseOutcome::pass(seen);
      }));
}

}  // namespace cph::check
