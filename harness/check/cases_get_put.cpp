// get/* and put/*: a miss, a put, and the get that serves it back.
#include "check/case_kit.hpp"
#include "session/disk_check.hpp"
#include "wire/encoders.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

// The shared round trip: put a small body, then get it.
struct RoundTrip {
  std::string body = "cph check round trip\n";
  std::string output_id = wire::sha256(body);
  Reply put, get;
  int64_t before_put = 0, after_get = 0;  // Unix seconds, for Time
};

std::optional<CaseOutcome> round_trip(CaseRig& rig, RoundTrip& rt) {
  std::string failure;
  Session* s = rig.start(failure);
  if (!s) return CaseOutcome::error(failure);
  rt.before_put = wire::Time::now().unix_seconds;
  rt.put = s->put(rig.action("a"), rt.body, rig.reply_timeout());
  rt.get = s->get(rig.action("a"), rig.reply_timeout());
  rt.after_get = wire::Time::now().unix_seconds;
  return std::nullopt;
}

using RoundTripCheck = std::function<CaseOutcome(CaseRig&, RoundTrip&)>;

runner::CaseDescriptor round_trip_case(runner::CaseInfo info, const CheckConfig& config, RoundTripCheck check) {
  return make_case(std::move(info), config, [check](runner::CaseContext& ctx, const CheckConfig& cfg) {
    CaseRig rig(ctx, cfg);
    RoundTrip rt;
    if (auto early = round_trip(rig, rt)) return *early;
    return rig.finish(check(rig, rt));
  });
}

}  // namespace

void add_get_put_cases(Catalogue& out, const CheckConfig& config) {
  out.push_back(make_session_case(
      {"get/miss-unknown", "a get for an unknown action is not a hit",
       "If the cache does not contain the object, the reply says so (Miss, or an Err); it never serves a body.",
       kCacheprogDoc, Grade::must},
      config, [](CaseRig& rig, Session* s) {
        Reply r = s->get(rig.action("never-put"), rig.reply_timeout());
        if (!r) return CaseOutcome::fail("a reply", r.failure);
        if (r->err.empty() && !r->miss) return CaseOutcome::fail("Miss", describe(r), "a hit for an action never put");
        return rig.finish(CaseOutcome::pass(describe(r)));
      }));
  out.push_back(make_session_case({"get/miss-no-err", "a miss is Miss, not an Err",
                                   "If the cache does not contain the object, it should set Response.Miss to true (go "
                                   "logs an Err as a cache error).",
                                   kCacheprogDoc, Grade::should},
                                  config, [](CaseRig& rig, Session* s) {
                                    Reply r = s->get(rig.action("never-put"), rig.reply_timeout());
                                    if (!r) return CaseOutcome::fail("a reply", r.failure);
                                    if (!r->err.empty() || !r->miss)
                                      return CaseOutcome::fail("Miss and no Err", describe(r));
                                    return rig.finish(CaseOutcome::pass(describe(r)));
                                  }));
  out.push_back(round_trip_case({"put/reply", "a put is answered with a DiskPath",
                                 "The cache stores the body in a local file and returns its path in DiskPath (go: "
                                 "\"didn't return DiskPath in put "
                                 "response\" otherwise).",
                                 kCacheprogDoc, Grade::must},
                                config, [](CaseRig&, RoundTrip& rt) {
                                  std::string p = put_problem(rt.put);
                                  if (!p.empty()) return CaseOutcome::fail("no Err and a DiskPath", p);
                                  return CaseOutcome::pass(describe(rt.put));
                                }));
  out.push_back(round_trip_case(
      {"put/diskpath-valid", "the put's DiskPath holds the body",
       "DiskPath is the absolute path of a regular file holding exactly the body (its size, its SHA-256 = OutputID).",
       kCacheprogDoc, Grade::must},
      config, [](CaseRig&, RoundTrip& rt) {
        std::string p = put_problem(rt.put);
        if (p.empty()) p = disk_path_problem(rt.put->disk_path, static_cast<int64_t>(rt.body.size()), rt.output_id);
        if (!p.empty()) return CaseOutcome::fail("a file with the body", p);
        return CaseOutcome::pass(rt.put->disk_path);
      }));
  out.push_back(round_trip_case(
      {"get/hit-after-put", "a get after a put is a valid hit",
       "A get for a stored ActionID returns the OutputID and Size of the put and a DiskPath holding its body "
       "(cache.go checks the size and the SHA-256).",
       kCacheprogDoc, Grade::must},
      config, [](CaseRig&, RoundTrip& rt) {
        std::string p = put_problem(rt.put);
        if (!p.empty()) return CaseOutcome::error("the put failed: " + p);
        p = hit_problem(rt.get, rt.output_id, static_cast<int64_t>(rt.body.size()));
        if (!p.empty()) return CaseOutcome::fail("a hit with the put's OutputID, Size and body", p);
        return CaseOutcome::pass(describe(rt.get));
      }));
  out.push_back(
      round_trip_case({"get/time-plausible", "a hit carries a plausible Time",
                       "Time says when the object was put (go uses it for cache expiry; without it go assumes now).",
                       kCacheprogDoc, Grade::should},
                      config, [](CaseRig&, RoundTrip& rt) {
                        if (!rt.get || rt.get->miss || !rt.get->err.empty())
                          return CaseOutcome::error("no hit: " + describe(rt.get));
                        if (!rt.get->time) return CaseOutcome::fail("a Time", describe(rt.get));
                        const int64_t t = rt.get->time->unix_seconds;
                        if (t < rt.before_put - 5 || t > rt.after_get + 5) {
                          return CaseOutcome::fail("a Time within 5 s of the put", rt.get->time->text,
                                                   "the put happened at Unix time " + std::to_string(rt.before_put));
                        }
                        return CaseOutcome::pass(rt.get->time->text);
                      }));
  out.push_back(round_trip_case(
      {"put/no-extension", "DiskPath has no file extension",
       "DiskPath should name a file without an extension: go may hand it to tools that act on the extension "
       "(golang/go#74451).",
       "golang/go#74451", Grade::should},
      config, [](CaseRig&, RoundTrip& rt) {
        for (const Reply* r : {&rt.put, &rt.get}) {
          if (*r && has_extension((*r)->disk_path)) {
            return CaseOutcome::fail("a DiskPath without an extension", (*r)->disk_path);
          }
        }
        if (!rt.put) return CaseOutcome::error(rt.put.failure);
        return CaseOutcome::pass(rt.put->disk_path);
      }));
}

}  // namespace cph::check
