// storage/*: the helper's own writes fail (a full disk, a quota). The
// harness makes them fail for real: the helper starts with SIGXFSZ ignored
// and gets RLIMIT_FSIZE 0, so every write to a file fails with EFBIG (pipes
// are not files: its stdout still works). go asks nothing of a failed put but
// an answer (prog.go waits for every reply), so: a reply to each request (an
// Err is fine), the next request answered too, no object served that was not
// stored whole, and an exit at stdin EOF (go closes stdin to end a helper:
// prog.go, cmd.Cancel = in.Close).
#include "check/case_kit.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

int64_t len(const std::string& s) { return static_cast<int64_t>(s.size()); }

std::string ms(Clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

// While writes fail: put a new object, get it, get an old one, get one never
// put. Each must be answered; a hit must be whole. "" when all is well.
std::string requests_while_failing(CaseRig& rig, Session* s, const std::string& tag, std::string& observed) {
  const std::string body = "written while the disk is full " + tag + std::string(8192, 'f');
  Reply p = s->put(rig.action("failing " + tag), body, rig.reply_timeout());
  if (!p) return "a reply to the put while writes fail: " + p.failure;
  observed += "put: " + describe(p);
  Reply g = s->get(rig.action("failing " + tag), rig.reply_timeout());
  if (!g) return "a reply to the get of the failed put: " + g.failure;
  if (g->err.empty() && !g->miss) {
    if (std::string why = hit_problem(g, wire::sha256(body), len(body)); !why.empty()) {
      return "a get of the put made while writes failed served a broken object: " + why;
    }
  }
  Reply n = s->get(rig.action("never put " + tag), rig.reply_timeout());
  if (!n) return "a reply to the next request (a get): " + n.failure;
  if (n->err.empty() && !n->miss) return "a hit for an ActionID never put: " + describe(n);
  return "";
}

// Stdin closed without a close request: stdout ends and the process exits.
std::string exits_at_eof(CaseRig& rig, Session* s) {
  const auto t0 = Clock::now();
  const auto limit = rig.ctx().scaled(std::chrono::seconds(5));
  s->close_stdin();
  if (!s->wait_stdout_eof(limit)) return "stdout still open " + ms(limit) + " after stdin EOF";
  auto st = s->wait_exit(limit - (Clock::now() - t0));
  if (!st) return "still running " + ms(limit) + " after stdin EOF";
  if (st->signaled()) return "died at stdin EOF: " + st->describe();
  return "";
}

// SIGXFSZ ignored, so a file size limit makes writes fail with EFBIG
// instead of killing the helper; `limit` 0 from the start, or none yet.
StartOptions writes_can_fail(std::optional<uint64_t> limit) {
  StartOptions so;
  so.ignore_sigxfsz = true;
  so.file_size_limit = limit;
  return so;
}

}  // namespace

void add_storage_cases(Catalogue& out, const CheckConfig& config) {
  out.push_back(make_case(
      {"storage/fails-from-start", "writes fail from the start: every request answered, exit at EOF",
       "Started where no file can be written (RLIMIT_FSIZE 0, SIGXFSZ ignored: writes fail with EFBIG), the helper "
       "answers each request (an Err is fine), answers the next ones, serves no object it did not store whole, and "
       "exits at stdin EOF.",
       kProgGo, Grade::must},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        std::string failure;
        Session* s = rig.start(failure, writes_can_fail(0));
        if (!s) return CaseOutcome::fail("a handshake while no file can be written", failure);
        std::string observed;
        for (const char* tag : {"1", "2"}) {
          if (std::string p = requests_while_failing(rig, s, tag, observed); !p.empty()) {
            return CaseOutcome::fail("an answer to every request", p, s->stderr_text());
          }
        }
        if (std::string p = exits_at_eof(rig, s); !p.empty()) return CaseOutcome::fail("an exit at stdin EOF", p);
        return rig.finish(CaseOutcome::pass(observed));
      }));
  out.push_back(make_case(
      {"storage/fails-mid-session", "writes start failing mid-session: every request answered, exit at EOF",
       "When the helper's writes start failing after it has stored objects (RLIMIT_FSIZE set to 0 while it runs), it "
       "answers each request (an Err is fine), keeps answering (before and after the writes work again), serves no "
       "object it did not store whole, and exits at stdin EOF.",
       kProgGo, Grade::must},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        std::string failure;
        Session* s = rig.start(failure, writes_can_fail(std::nullopt));
        if (!s) return CaseOutcome::error(failure);
        const std::string before = "stored before the disk filled up\n";
        if (std::string p = put_problem(s->put(rig.action("before"), before, rig.reply_timeout())); !p.empty()) {
          return CaseOutcome::error("the put before the fault failed (put/reply): " + p);
        }
        if (!s->set_file_size_limit(0, failure))
          return CaseOutcome::skip("cannot limit the helper's file size: " + failure);
        std::string observed;
        if (std::string p = requests_while_failing(rig, s, "mid", observed); !p.empty()) {
          return CaseOutcome::fail("an answer to every request", p, s->stderr_text());
        }
        Reply old = s->get(rig.action("before"), rig.reply_timeout());
        if (!old)
          return CaseOutcome::fail("an answer to every request", "a get of an object stored before: " + old.failure);
        if (old->err.empty() && !old->miss) {
          if (std::string p = hit_problem(old, wire::sha256(before), len(before)); !p.empty()) {
            return CaseOutcome::fail("an intact object stored before the fault", p);
          }
        }
        if (!s->set_file_size_limit(std::nullopt, failure)) return CaseOutcome::error(failure);
        const std::string after = "stored after the disk had room again\n";
        Reply a = s->put(rig.action("after"), after, rig.reply_timeout());
        if (!a) return CaseOutcome::fail("an answer to every request", "the put once writes work again: " + a.failure);
        observed += "; after: " + describe(a);
        if (std::string p = exits_at_eof(rig, s); !p.empty()) return CaseOutcome::fail("an exit at stdin EOF", p);
        return rig.finish(CaseOutcome::pass(observed));
      }));
}

}  // namespace cph::check
