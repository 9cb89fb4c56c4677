// reput/*: an ActionID put again with another body (a build that is not
// reproducible, or two toolchains sharing a cache). go computes each body's
// OutputID itself and maps it to the DiskPath the put's reply names
// (prog.go: noteOutputFile), so a reply must name a file holding that body,
// a get must serve the latest body, and the earlier file must stay.
#include "check/case_kit.hpp"
#include "session/disk_check.hpp"
#include "wire/encoders.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

int64_t len(const std::string& s) { return static_cast<int64_t>(s.size()); }

const std::string kFirst = "re-put: the first body\n";
const std::string kSecond = "re-put: the second body, another length\n";

// put(A, first) then put(A, second). nullopt when both were accepted; else
// the outcome (a refused re-put is no failure here: go logs a failed put and
// builds on, and put/reply owns a put that fails by itself).
std::optional<CaseOutcome> two_puts(CaseRig& rig, Session* s, Reply& first, Reply& second) {
  first = s->put(rig.action("a"), kFirst, rig.reply_timeout());
  if (std::string p = put_problem(first); !p.empty())
    return CaseOutcome::error("the first put failed (put/reply): " + p);
  second = s->put(rig.action("a"), kSecond, rig.reply_timeout());
  if (!second) return CaseOutcome::fail("a reply to the re-put", second.failure);
  if (!second->err.empty()) {
    return CaseOutcome::skip("the helper refused the re-put (Err " + wire::go_quote(second->err) +
                             "): nothing to check, go builds on without caching it");
  }
  if (second->disk_path.empty())
    return CaseOutcome::error("the re-put has no DiskPath (put/reply): " + describe(second));
  return std::nullopt;
}

}  // namespace

void add_reput_cases(Catalogue& out, const CheckConfig& config) {
  out.push_back(make_session_case(
      {"reput/diskpath-holds-new-body", "a re-put's DiskPath holds the new body",
       "When an ActionID is put again with another body, the reply's DiskPath holds that new body: go maps the "
       "OutputID it computed for it to this path (prog.go: Put calls noteOutputFile(out, res.DiskPath)).",
       kProgGo, Grade::must},
      config, [](CaseRig& rig, Session* s) {
        Reply first, second;
        if (auto early = two_puts(rig, s, first, second)) return *early;
        if (std::string p = disk_path_problem(second->disk_path, len(kSecond), wire::sha256(kSecond)); !p.empty()) {
          const bool old = disk_path_problem(second->disk_path, len(kFirst), wire::sha256(kFirst)).empty();
          return CaseOutcome::fail("the second body at the re-put's DiskPath",
                                   old ? "the first body (the old entry's file)" : p, second->disk_path);
        }
        return rig.finish(CaseOutcome::pass(second->disk_path));
      }));
  out.push_back(make_session_case(
      {"reput/get-serves-latest", "after a re-put, a get serves the new body",
       "After put(A, b1) and put(A, b2) are both accepted, a get of A serves b2's OutputID, Size and bytes (as go's "
       "own disk cache does: the index entry is replaced); serving b1 makes go use an output it did not record last.",
       kCacheGo, Grade::must},
      config, [](CaseRig& rig, Session* s) {
        Reply first, second;
        if (auto early = two_puts(rig, s, first, second)) return *early;
        if (!disk_path_problem(second->disk_path, len(kSecond), wire::sha256(kSecond)).empty()) {
          return CaseOutcome::skip(
              "the re-put's reply names no file holding the new body "
              "(reput/diskpath-holds-new-body owns that)");
        }
        Reply r = s->get(rig.action("a"), rig.reply_timeout());
        if (!r) return CaseOutcome::fail("a reply to the get", r.failure);
        if (std::string p = hit_problem(r, wire::sha256(kSecond), len(kSecond)); !p.empty()) {
          const bool old = r->err.empty() && !r->miss && r->output_id == wire::sha256(kFirst);
          if (r->miss || !r->err.empty()) return CaseOutcome::pass("no hit (" + describe(r) + "): a helper may forget");
          return CaseOutcome::fail("a hit with the second body's OutputID, Size and bytes",
                                   old ? "the first body's entry: " + describe(r) : p);
        }
        return rig.finish(CaseOutcome::pass(describe(r)));
      }));
  out.push_back(make_session_case(
      {"reput/old-diskpath-kept", "a re-put leaves the earlier DiskPath's file as it was",
       "The file a put's reply named must continue to exist at least until a close request, and go maps b1's "
       "OutputID to it: a re-put of the same ActionID must not overwrite or remove it.",
       kCacheprogDoc, Grade::should},
      config, [](CaseRig& rig, Session* s) {
        Reply first, second;
        if (auto early = two_puts(rig, s, first, second)) return *early;
        s->get(rig.action("a"), rig.reply_timeout());
        if (std::string p = disk_path_problem(first->disk_path, len(kFirst), wire::sha256(kFirst)); !p.empty()) {
          const bool overwritten = disk_path_problem(first->disk_path, len(kSecond), wire::sha256(kSecond)).empty();
          return CaseOutcome::fail("the first body at the first put's DiskPath until close",
                                   overwritten ? "the second body (the re-put overwrote it)" : p, first->disk_path);
        }
        return rig.finish(CaseOutcome::pass(first->disk_path + " intact"));
      }));
  out.push_back(make_session_case(
      {"reput/concurrent", "concurrent re-puts of one ActionID",
       "Re-puts of one ActionID with different bodies, all in flight at once (go's requests are concurrent): every "
       "DiskPath holds one whole body put, and a get then serves one of them, intact.",
       kCacheprogDoc, Grade::must},
      config, [](CaseRig& rig, Session* s) {
        constexpr int kPuts = 8;
        std::vector<std::string> bodies;
        std::vector<int64_t> ids;
        for (int i = 0; i < kPuts; ++i) {
          bodies.push_back("concurrent re-put " + std::to_string(i) + std::string(size_t(i) * 777, char('a' + i)));
          wire::Request req;
          req.id = s->next_id();
          req.command = "put";
          req.action_id = rig.action("a");
          req.output_id = wire::sha256(bodies.back());
          req.body_size = len(bodies.back());
          std::string failure;
          if (!s->send(req, bodies.back(), failure)) return CaseOutcome::fail("the helper reading the puts", failure);
          ids.push_back(req.id);
        }
        // A DiskPath holding some body whole: another put's body there is a
        // re-put overwriting a file (reput/old-diskpath-kept), not this case's.
        auto holds_a_body = [&](const std::string& path) {
          for (const auto& b : bodies)
            if (disk_path_problem(path, len(b), wire::sha256(b)).empty()) return true;
          return false;
        };
        int accepted = 0;
        for (int i = 0; i < kPuts; ++i) {
          Reply r = s->await(ids[size_t(i)], rig.reply_timeout());
          if (!r) return CaseOutcome::fail("a reply to each put", r.failure);
          if (!r->err.empty()) continue;
          if (r->disk_path.empty())
            return CaseOutcome::error("put " + std::to_string(i) + " has no DiskPath (put/reply)");
          if (!holds_a_body(r->disk_path)) {
            return CaseOutcome::fail(
                "whole bodies at every DiskPath",
                disk_path_problem(r->disk_path, len(bodies[size_t(i)]), wire::sha256(bodies[size_t(i)])),
                "put " + std::to_string(i) + " of " + std::to_string(kPuts));
          }
          ++accepted;
        }
        Reply g = s->get(rig.action("a"), rig.reply_timeout());
        if (!g) return CaseOutcome::fail("a reply to the get", g.failure);
        if (g->miss || !g->err.empty()) return rig.finish(CaseOutcome::pass("no hit: " + describe(g)));
        for (const auto& b : bodies) {
          if (g->output_id == wire::sha256(b)) {
            if (std::string p = hit_problem(g, wire::sha256(b), len(b)); !p.empty())
              return CaseOutcome::fail("an intact hit", p);
            return rig.finish(CaseOutcome::pass(std::to_string(accepted) + " puts accepted, the get served one"));
          }
        }
        return CaseOutcome::fail("a hit with the OutputID of one of the bodies put", describe(g));
      }));
}

}  // namespace cph::check
