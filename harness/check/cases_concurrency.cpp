// concurrency/*: go keeps one request in flight per build goroutine, with no
// global limit, and matches replies by ID in any order.
#include <map>

#include "check/case_kit.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

constexpr int kRequests = 256;

}  // namespace

void add_concurrency_cases(Catalogue& out, const CheckConfig& config) {
  out.push_back(make_session_case(
      {"concurrency/256-in-flight", "256 mixed gets and puts in flight at once",
       "With 256 requests written before any reply is read, every ID is answered exactly once, puts succeed and every "
       "hit serves the right body (replies may come in any order).",
       kCacheprogDoc, Grade::must, std::chrono::seconds(30)},
      config, [](CaseRig& rig, Session* s) {
        // Even requests put object k = i/2, odd ones get object k-8 (put
        // earlier in the same burst, so a hit and a miss are both fine).
        struct Sent {
          bool put;
          std::string body;  // for puts, and for gets: the body of the object asked for
        };
        std::map<int64_t, Sent> sent;
        auto body_of = [](int k) {
          return "object " + std::to_string(k) + std::string(static_cast<size_t>(k % 97), '.');
        };
        for (int i = 0; i < kRequests; ++i) {
          wire::Request req;
          req.id = s->next_id();
          const int k = i / 2;
          std::string body;
          if (i % 2 == 0) {
            body = body_of(k);
            req.command = "put";
            req.action_id = rig.action("k" + std::to_string(k));
            req.output_id = wire::sha256(body);
            req.body_size = static_cast<int64_t>(body.size());
            sent[req.id] = {true, body};
          } else {
            const int g = std::max(0, k - 8);
            req.command = "get";
            req.action_id = rig.action("k" + std::to_string(g));
            sent[req.id] = {false, body_of(g)};
          }
          std::string failure;
          if (!s->send(req, body, failure)) return CaseOutcome::fail("every request written", failure);
        }
        int hits = 0, misses = 0;
        for (auto& [id, what] : sent) {
          Reply r = s->await(id, rig.reply_timeout());
          if (!r) return CaseOutcome::fail("a reply to each of " + std::to_string(kRequests) + " IDs", r.failure);
          std::string p;
          if (what.put) {
            p = put_problem(r);
          } else if (r->miss || !r->err.empty()) {
            ++misses;
          } else {
            ++hits;
            p = hit_problem(r, wire::sha256(what.body), static_cast<int64_t>(what.body.size()));
          }
          if (!p.empty()) return CaseOutcome::fail("a correct reply to ID " + std::to_string(id), p);
        }
        // A duplicate or stray reply lands in the session's problems.
        return rig.finish(CaseOutcome::pass(std::to_string(kRequests) + " replies, " + std::to_string(hits) +
                                            " hits, " + std::to_string(misses) + " misses"));
      }));
}

}  // namespace cph::check
