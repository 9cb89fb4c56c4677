// close/* and eof/*: how a helper ends. go sends close (if declared), closes
// the helper's stdin and waits, without a timeout and without a kill, for the
// helper's stdout to reach EOF.
#include "check/case_kit.hpp"
#include "session/disk_check.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

std::string ms(Clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

}  // namespace

void add_close_cases(Catalogue& out, const CheckConfig& config) {
  // Whether a close reply matters depends on the release (prog.go, Close):
  // go1.21-go1.23 wait for it even after the helper has exited (readLoop
  // returns at EOF without waking the request: golang/go#70848), so no
  // reply hangs go; from go1.24 on, readLoop closes the pending requests'
  // channels and Close treats the resulting errCacheprogClosed as success,
  // so an exit without a reply is fine for go, and only cacheprog.go's
  // "should reply to this request and then exit" remains. In every release
  // a helper that neither replies nor exits hangs go (close/exit-after-reply).
  const bool must_reply = config.profile.close_deadlocks_on_exit();
  out.push_back(make_session_case(
      {"close/reply", "close is answered",
       must_reply ? std::string("The cache program replies to close before it exits: go1.21-go1.23 wait for "
                                "that reply forever, even after the helper has exited (golang/go#70848).")
                  : std::string("The cache program should reply to close and then exit (cacheprog.go). go1.24 "
                                "and later also accept an exit without a reply (prog.go, Close: errCacheprogClosed "
                                "is ignored), so this is a SHOULD."),
       must_reply ? std::string(kCacheprogDoc) + "; golang/go#70848"
                  : std::string(kCacheprogDoc) + "; " + kProgGo + " (Close, errCacheprogClosed)",
       must_reply ? Grade::must : Grade::should},
      config, [must_reply](CaseRig& rig, Session* s) {
        Reply r = s->close(rig.reply_timeout());
        if (!r) {
          if (!must_reply && !s->stdout_eof() && s->problems().empty()) {
            return CaseOutcome::skip("no reply and no exit: go hangs in Close; close/exit-after-reply reports it (" +
                                     r.failure + ")");
          }
          return CaseOutcome::fail("a reply to close", r.failure,
                                   must_reply ? "go waits for this reply forever (golang/go#70848)"
                                              : "go ends the wait at the helper's exit, but the reply is asked for");
        }
        if (!r->err.empty()) return CaseOutcome::fail("a reply without Err", describe(r));
        return rig.finish(CaseOutcome::pass(describe(r)));
      }));
  out.push_back(make_session_case(
      {"close/exit-after-reply", "after close: exit 0 and EOF on stdout within 5 s",
       must_reply ? "After replying to close and seeing its stdin closed, the helper exits with status 0, closing its "
                    "stdout, within 5 s (go waits for that EOF forever)."
                  : "After close, go1.24 and later wait for the reply or the helper's exit, then close its stdin and "
                    "wait for EOF on its stdout, forever: the helper ends both within 5 s and exits with status 0.",
       kProgGo, Grade::must},
      config, [must_reply](CaseRig& rig, Session* s) {
        Reply r = s->close(rig.reply_timeout());
        if (!r && s->problems().empty()) {
          if (must_reply) {
            return CaseOutcome::skip("no reply to close: go hangs there; close/reply reports it (" + r.failure + ")");
          }
          if (!s->stdout_eof()) {
            return CaseOutcome::fail("a reply to close, or an exit", "neither within " + ms(rig.reply_timeout()),
                                     "go waits for one of them forever (prog.go, Close)");
          }
        }
        const auto t0 = Clock::now();
        s->close_stdin();
        const auto limit = rig.ctx().scaled(std::chrono::seconds(5));
        if (!s->wait_stdout_eof(limit)) {
          return CaseOutcome::fail("EOF on stdout within " + ms(limit), "stdout still open after " + ms(limit),
                                   "go would hang here; close reply: " + describe(r));
        }
        auto st = s->wait_exit(limit - (Clock::now() - t0));
        if (!st) return CaseOutcome::fail("exit within " + ms(limit), "still running after " + ms(limit));
        if (!st->success()) return CaseOutcome::fail("exit status 0", s->how_it_ended(std::chrono::seconds(0)));
        return rig.finish(CaseOutcome::pass("exited after " + ms(Clock::now() - t0)));
      }));
  out.push_back(make_session_case(
      {"close/diskpaths-valid-until-close", "DiskPaths stay valid until close",
       "Every DiskPath returned by a put or get must exist, with its content, at least until the close request.",
       kCacheprogDoc, Grade::must},
      config, [](CaseRig& rig, Session* s) {
        struct Seen {
          std::string path, output_id;
          int64_t size;
        };
        std::vector<Seen> seen;
        constexpr int kObjects = 16;
        for (int i = 0; i < kObjects; ++i) {
          const std::string body = "kept until close " + std::to_string(i) + std::string(size_t(i) * 300, '#');
          Reply p = s->put(rig.action(std::to_string(i)), body, rig.reply_timeout());
          if (std::string why = put_problem(p); !why.empty())
            return CaseOutcome::error("put " + std::to_string(i) + ": " + why);
          seen.push_back({p->disk_path, wire::sha256(body), static_cast<int64_t>(body.size())});
          Reply g = s->get(rig.action(std::to_string(i % 4)), rig.reply_timeout());
          if (g && !g->miss && g->err.empty()) seen.push_back({g->disk_path, g->output_id, g->size});
        }
        // Every path seen so far, still there just before close.
        for (const auto& x : seen) {
          std::string p = disk_path_problem(x.path, x.size, x.output_id);
          if (!p.empty()) return CaseOutcome::fail("every DiskPath intact before close", p);
        }
        return rig.finish(CaseOutcome::pass(std::to_string(seen.size()) + " paths intact"));
      }));
  out.push_back(make_session_case(
      {"eof/answers-in-flight", "stdin EOF without close: requests in flight are answered",
       "When its stdin ends without a close request (go was killed, or its pipe broke), the helper still answers the "
       "requests it had read.",
       kProgGo, Grade::should},
      config, [](CaseRig& rig, Session* s) {
        std::vector<int64_t> ids;
        for (int i = 0; i < 8; ++i) {
          wire::Request req;
          req.id = s->next_id();
          const std::string body = "in flight " + std::to_string(i);
          req.command = i % 2 ? "get" : "put";
          req.action_id = rig.action(std::to_string(i / 2));
          if (req.command == "put") {
            req.output_id = wire::sha256(body);
            req.body_size = static_cast<int64_t>(body.size());
          }
          std::string failure;
          if (!s->send(req, req.command == "put" ? body : "", failure)) return CaseOutcome::error(failure);
          ids.push_back(req.id);
        }
        s->close_stdin();
        for (int64_t id : ids) {
          Reply r = s->await(id, rig.reply_timeout());
          if (!r) return CaseOutcome::fail("a reply to each of IDs 1-8", r.failure);
        }
        return rig.finish(CaseOutcome::pass("8 replies after EOF"));
      }));
  out.push_back(make_session_case(
      {"eof/exit-within-5s", "stdin EOF without close: exit within 5 s",
       "When its stdin ends without a close request, the helper exits (closing its stdout) within 5 s.", kProgGo,
       Grade::should},
      config, [](CaseRig& rig, Session* s) {
        s->put(rig.action("a"), "before EOF", rig.reply_timeout());
        const auto t0 = Clock::now();
        s->close_stdin();
        const auto limit = rig.ctx().scaled(std::chrono::seconds(5));
        if (!s->wait_stdout_eof(limit))
          return CaseOutcome::fail("EOF on stdout within " + ms(limit), "stdout still open");
        auto st = s->wait_exit(limit - (Clock::now() - t0));
        if (!st) return CaseOutcome::fail("exit within " + ms(limit), "still running after " + ms(limit));
        if (st->signaled()) return CaseOutcome::fail("an exit", st->describe(), s->stderr_text());
        return rig.finish(CaseOutcome::pass(st->describe() + " after " + ms(Clock::now() - t0)));
      }));
}

}  // namespace cph::check
