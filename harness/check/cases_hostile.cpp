// hostile/*: input go never sends, but a broken client, a fuzzer or a
// corrupted pipe may. No Go rule covers it: these cases are the harness's
// hardening policy, so they are SHOULD at most. Acceptable: an Err reply (a
// Miss for a get), possibly followed by an exit, or an exit with a message
// on stderr. Not acceptable: a hang, a crash (a signal, a Go panic, a
// sanitizer report: proc::crash_report, whatever the exit status), bytes on
// stdout go cannot decode, or a store that then serves corrupt data (checked
// with a good entry afterwards, and in a fresh helper on the same
// directory). hostile/outputid-mismatch is judged by its consequence only.
#include "check/case_kit.hpp"
#include "proc/crash_report.hpp"
#include "session/disk_check.hpp"
#include "wire/base64.hpp"
#include "wire/encoders.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

struct Hostile {
  std::string id, title, what;
  // The bytes, given the request ID to use and the action ID.
  std::function<std::string(int64_t id, const std::string& action)> bytes;
  bool has_id = true;     // carries an ID a reply can name
  bool get_like = false;  // a Miss is an acceptable answer
  // Framing a helper may fairly wait on (more body, more JSON): then an exit
  // with a message once stdin ends is acceptable too.
  bool may_wait = false;
  std::optional<int64_t> fixed_id = std::nullopt;  // the ID the bytes carry, when not the next one
  bool by_consequence = false;                     // judged by what it does to later honest requests only
};

std::string b64(std::string_view raw) { return "\"" + base64::encode(raw) + "\""; }

std::string header(int64_t id, const std::string& command, const std::string& rest) {
  return "{\"ID\":" + std::to_string(id) + ",\"Command\":\"" + command + "\"" + rest + "}\n\n";
}

std::vector<Hostile> hostile_inputs() {
  const std::string five = "hello";
  return {
      {"hostile/unknown-command", "an unknown command", "a request whose Command is \"frobnicate\"",
       [](int64_t id, const std::string& a) { return header(id, "frobnicate", ",\"ActionID\":" + b64(a)); }},
      {"hostile/empty-actionid", "a get with an empty ActionID", "a get whose ActionID is \"\"",
       [](int64_t id, const std::string&) { return header(id, "get", ",\"ActionID\":\"\""); }, true, true},
      {"hostile/missing-actionid", "a get without ActionID", "a get with no ActionID field",
       [](int64_t id, const std::string&) { return header(id, "get", ""); }, true, true},
      {"hostile/bad-base64", "a put body that is not base64", "a put of BodySize 3 whose body line is \"!!!!\"",
       [](int64_t id, const std::string& a) {
         return header(id, "put",
                       ",\"ActionID\":" + b64(a) + ",\"OutputID\":" + b64(wire::sha256("abc")) + ",\"BodySize\":3") +
                "\"!!!!\"\n";
       }},
      {"hostile/bodysize-longer", "BodySize longer than the body", "a put of BodySize 10 whose body holds 5 bytes",
       [five](int64_t id, const std::string& a) {
         return header(id, "put",
                       ",\"ActionID\":" + b64(a) + ",\"OutputID\":" + b64(wire::sha256(five)) + ",\"BodySize\":10") +
                b64(five) + "\n";
       },
       true, false, true},
      {"hostile/bodysize-shorter", "BodySize shorter than the body", "a put of BodySize 2 whose body holds 5 bytes",
       [five](int64_t id, const std::string& a) {
         return header(id, "put",
                       ",\"ActionID\":" + b64(a) + ",\"OutputID\":" + b64(wire::sha256(five)) + ",\"BodySize\":2") +
                b64(five) + "\n";
       },
       true, false, true},
      {"hostile/negative-bodysize", "a negative BodySize", "a put of BodySize -1 with no body line",
       [five](int64_t id, const std::string& a) {
         return header(id, "put",
                       ",\"ActionID\":" + b64(a) + ",\"OutputID\":" + b64(wire::sha256(five)) + ",\"BodySize\":-1");
       }},
      {"hostile/outputid-mismatch", "an OutputID that is not the body's SHA-256",
       "a put whose OutputID is the SHA-256 of another body",
       [five](int64_t id, const std::string& a) {
         return header(id, "put",
                       ",\"ActionID\":" + b64(a) + ",\"OutputID\":" + b64(wire::sha256("other")) + ",\"BodySize\":5") +
                b64(five) + "\n";
       },
       true, false, false, std::nullopt, true},
      {"hostile/malformed-json", "malformed JSON", "a request line with a missing comma",
       [](int64_t id, const std::string&) { return "{\"ID\":" + std::to_string(id) + " \"Command\":\"get\"}\n\n"; },
       false, false, true},
      {"hostile/huge-id", "the largest ID", "a get with ID 9223372036854775807, answered under that ID",
       [](int64_t id, const std::string& a) { return header(id, "get", ",\"ActionID\":" + b64(a)); }, true, true, false,
       INT64_MAX},
      {"hostile/id-overflow", "an ID beyond int64", "a get with ID 99999999999999999999",
       [](int64_t, const std::string& a) {
         return "{\"ID\":99999999999999999999,\"Command\":\"get\",\"ActionID\":" + b64(a) + "}\n\n";
       },
       false, false, true},
      {"hostile/invalid-utf8", "invalid UTF-8", "a request whose Command is \"get\" followed by the byte 0xff",
       [](int64_t id, const std::string& a) { return header(id, "get\xff", ",\"ActionID\":" + b64(a)); }},
  };
}

// How the helper took the hostile input: "" when acceptably, else why not.
// `alive` says whether it is still running and answering.
std::string judge(CaseRig& rig, Session& s, const Hostile& h, int64_t id, std::string& how, bool& alive) {
  const auto wait = rig.ctx().scaled(std::chrono::seconds(2));
  alive = false;
  if (h.has_id) {
    Reply r = s.await(id, wait);
    if (r) {
      alive = true;
      if (!r->err.empty()) {
        how = "an Err reply: " + r->err;
        return "";
      }
      if (h.get_like && r->miss) {
        how = "a Miss";
        return "";
      }
      return "accepted it: " + describe(r);
    }
  }
  auto problems = s.problems();
  if (!problems.empty()) return problems.front();
  auto exited = [&](const proc::ExitStatus& st, const std::string& when) {
    s.wait_stderr_eof(wait);  // what it wrote just before exiting may still be in the pipe
    if (std::string c = proc::crash_report(st, s.stderr_text()); !c.empty()) return "a crash" + when + ": " + c;
    if (s.stderr_text().empty()) return "exited (" + st.describe() + ")" + when + " with nothing on stderr";
    how = "exit (" + st.describe() + ")" + when + " with a message on stderr";
    return std::string();
  };
  if (s.stdout_eof()) {
    if (auto st = s.wait_exit(wait)) return exited(*st, "");
    return "closed its stdout but did not exit";
  }
  if (!h.has_id) {
    // A helper may skip what it cannot parse and carry on: then it must still serve.
    Reply r = s.get(rig.action("after"), wait);
    if (r && (r->miss || !r->err.empty()) && s.problems().empty()) {
      alive = true;
      how = "skipped it and kept serving";
      return "";
    }
    // A reply may have come meanwhile, one go cannot decode (an ID beyond
    // int64 echoed back): say what the helper wrote.
    if (auto p = s.problems(); !p.empty()) return "it answered, but " + p.front();
    if (s.stdout_eof()) {
      if (auto st = s.wait_exit(wait)) return exited(*st, "");
    }
  }
  if (!h.may_wait) return "no reply within " + std::to_string(wait.count()) + " ms and no exit (go would hang)";
  s.close_stdin();
  if (auto st = s.wait_exit(rig.ctx().scaled(std::chrono::seconds(5)))) return exited(*st, " after stdin EOF");
  return "a hang: no reply, and no exit within 5 s of stdin EOF";
}

// A good object in, and served back; "" when it is.
std::string good_entry(CaseRig& rig, Session& s, const std::string& name) {
  const std::string body = "good entry " + name;
  std::string p = put_problem(s.put(rig.action(name), body, rig.reply_timeout()));
  if (p.empty()) {
    p = hit_problem(s.get(rig.action(name), rig.reply_timeout()), wire::sha256(body),
                    static_cast<int64_t>(body.size()));
  }
  return p;
}

// The honest entry after the lie, and the lied-about one: "" when each get
// serves the bytes put under its ActionID (or, for the lie, a miss or Err).
std::string after_the_lie(CaseRig& rig, Session& s, const std::string& liar, const std::string& honest) {
  const std::string other = "other", five = "hello";
  auto honest_hit = [&]() -> std::string {
    Reply r = s.get(honest, rig.reply_timeout());
    std::string p = hit_problem(r, wire::sha256(other), 5);
    return p.empty() ? "" : "the honest entry (body \"other\"): " + p;
  };
  if (std::string p = honest_hit(); !p.empty()) return p;
  Reply r = s.get(liar, rig.reply_timeout());
  if (!r) return "the get of the lied-about entry: " + r.failure;
  if (!r->miss && r->err.empty()) {
    // Whatever OutputID it names, its file must hold the bytes put under it.
    if (r->disk_path.empty()) return "the lied-about entry: a hit without DiskPath";
    if (r->size != 5) return "the lied-about entry: Size " + std::to_string(r->size) + ", want 5";
    if (std::string p = disk_path_problem(r->disk_path, 5, wire::sha256(five)); !p.empty()) {
      return "the lied-about entry's DiskPath does not hold the body put under it: " + p;
    }
  }
  // Serving the lie must not have changed the honest entry either.
  return honest_hit();
}

// hostile/outputid-mismatch: go computes OutputID itself, and no Go rule
// says a helper must verify it. Accepting the lie is fine; poisoning is not:
// afterwards an honest put of the body the lie named, under another
// ActionID, and gets of both must serve the right bytes, in this helper and
// in a fresh one on the same directory.
CaseOutcome run_by_consequence(runner::CaseContext& ctx, const CheckConfig& cfg, const Hostile& h) {
  CaseRig rig(ctx, cfg);
  std::string failure;
  Session* s = rig.start(failure);
  if (!s) return CaseOutcome::error(failure);
  const int64_t id = s->next_id();
  const std::string liar = rig.action("hostile"), honest = rig.action("honest");
  s->send_raw(h.bytes(id, liar), id, failure);
  const std::string want = "no later request served wrong bytes";
  std::string how;
  Reply r = s->await(id, rig.ctx().scaled(std::chrono::seconds(2)));
  if (r) {
    how = r->err.empty() ? "accepted it" : "an Err reply";
  } else if (auto p = s->problems(); !p.empty()) {
    return CaseOutcome::fail(want, p.front(), h.what);
  } else if (std::string c = s->crash(rig.ctx().scaled(std::chrono::seconds(2))); !c.empty()) {
    return CaseOutcome::fail("no crash", "a crash: " + c, h.what);
  } else if (s->stdout_eof()) {
    how = "an exit (" + s->how_it_ended(rig.ctx().scaled(std::chrono::seconds(2))) + ")";
  } else {
    return CaseOutcome::fail("a reply or an exit", r.failure + " (go would hang)", h.what);
  }
  bool alive = static_cast<bool>(r);
  if (alive) {
    Reply put = s->put(honest, "other", rig.reply_timeout());
    if (!put && s->wait_stdout_eof(rig.ctx().scaled(std::chrono::seconds(1))) && s->problems().empty()) {
      // An Err reply then an exit: acceptable, unless it is a crash.
      if (std::string c = s->crash(rig.ctx().scaled(std::chrono::seconds(2))); !c.empty()) {
        return CaseOutcome::fail("no crash", "a crash after " + how + ": " + c, h.what);
      }
      how += ", then an exit (" + s->how_it_ended(rig.ctx().scaled(std::chrono::seconds(2))) + ")";
      alive = false;
    } else {
      std::string p = put_problem(put);
      if (!p.empty()) return CaseOutcome::fail("an honest put accepted after " + how, p, h.what);
      p = after_the_lie(rig, *s, liar, honest);
      if (!p.empty()) return CaseOutcome::fail(want, p, h.what + ", then " + how);
    }
  }
  rig.stop(s);
  Session* fresh = rig.start(failure);
  if (!fresh) return CaseOutcome::fail("a fresh helper starts on the same directory", failure, h.what);
  if (!alive) {
    std::string p = put_problem(fresh->put(honest, "other", rig.reply_timeout()));
    if (!p.empty()) return CaseOutcome::fail("an honest put accepted in a fresh helper", p, h.what);
  }
  Reply again = fresh->get(honest, rig.reply_timeout());
  if (again && (again->miss || !again->err.empty()) && cfg.keeps_nothing) {
    return rig.finish(CaseOutcome::pass(how + "; the helper keeps nothing across restarts"));
  }
  std::string p = after_the_lie(rig, *fresh, liar, honest);
  if (!p.empty()) return CaseOutcome::fail(want + ", after a restart", p, h.what + ", then " + how);
  return rig.finish(CaseOutcome::pass(how + "; then the honest entry and the lied-about one served their own bytes"));
}

CaseOutcome run_hostile(runner::CaseContext& ctx, const CheckConfig& cfg, const Hostile& h) {
  if (h.by_consequence) return run_by_consequence(ctx, cfg, h);
  CaseRig rig(ctx, cfg);
  std::string failure;
  Session* s = rig.start(failure);
  if (!s) return CaseOutcome::error(failure);
  const int64_t id = h.fixed_id ? *h.fixed_id : s->next_id();
  const std::string action = rig.action("hostile");
  if (!s->send_raw(h.bytes(id, action), h.has_id ? std::optional<int64_t>(id) : std::nullopt, failure)) {
    // It stopped reading: judged by how it ended.
  }
  std::string how;
  bool alive = false;
  std::string bad = judge(rig, *s, h, id, how, alive);
  if (!bad.empty()) return CaseOutcome::fail("an Err reply, or an exit with a message on stderr", bad, h.what);
  if (alive) {
    std::string p = good_entry(rig, *s, "good-1");
    if (!p.empty() && s->wait_stdout_eof(rig.ctx().scaled(std::chrono::seconds(1))) && s->problems().empty()) {
      // An Err reply then an exit is acceptable (the Err says why); a crash is not.
      if (std::string c = s->crash(rig.ctx().scaled(std::chrono::seconds(2))); !c.empty()) {
        return CaseOutcome::fail("an Err reply, or an exit with a message on stderr", "a crash after " + how + ": " + c,
                                 h.what);
      }
      how += ", then an exit (" + s->how_it_ended(rig.ctx().scaled(std::chrono::seconds(2))) + ")";
    } else if (!p.empty()) {
      return CaseOutcome::fail("a good entry served after " + how, p, h.what);
    }
  }
  rig.stop(s);
  // A fresh helper on the same directory: nothing corrupt, and still working.
  Session* fresh = rig.start(failure);
  if (!fresh) return CaseOutcome::fail("a fresh helper starts on the same directory", failure, h.what);
  Reply r = fresh->get(action, rig.reply_timeout());
  if (r && !r->miss && r->err.empty()) {
    std::string p = hit_problem(r, r->output_id, r->size);
    if (!p.empty()) return CaseOutcome::fail("no corrupt object left by the hostile input", p, h.what);
    return CaseOutcome::fail("no object stored from the hostile input", describe(r), h.what);
  }
  std::string p = good_entry(rig, *fresh, "good-2");
  if (!p.empty()) return CaseOutcome::fail("a fresh helper serves a good entry", p, h.what);
  return rig.finish(CaseOutcome::pass(how));
}

}  // namespace

void add_hostile_cases(Catalogue& out, const CheckConfig& config) {
  for (auto& h : hostile_inputs()) {
    const std::string policy = " (The harness's hardening policy: go never sends this, so no Go rule applies.)";
    runner::CaseInfo info{
        h.id,
        h.title,
        h.by_consequence ? "Given " + h.what +
                               ", the helper may accept it or refuse it (go computes OutputID "
                               "itself, and no Go rule says a helper must verify it), but afterwards an honest put "
                               "of the other body under a new ActionID, and gets of both, serve the right bytes, "
                               "also after a restart." +
                               policy
                         : "Given " + h.what +
                               ", the helper replies with an Err (or a Miss), possibly then "
                               "exiting, or exits with a message on stderr; it neither hangs, nor crashes (a signal, "
                               "a Go panic, a sanitizer report), nor stores anything corrupt." +
                               policy,
        kCacheprogDoc,
        Grade::should,
        std::chrono::seconds(25)};
    out.push_back(make_case(
        info, config, [h](runner::CaseContext& ctx, const CheckConfig& cfg) { return run_hostile(ctx, cfg, h); }));
  }
}

}  // namespace cph::check
