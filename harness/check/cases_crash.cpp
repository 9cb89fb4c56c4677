// crash/*: go can die at any moment (^C, a killed CI job), and so can the
// helper. Whatever a SIGKILL interrupts, a later get must never serve a
// DiskPath whose content disagrees with its OutputID or Size.
#include <map>
#include <random>
#include <set>

#include "check/case_kit.hpp"
#include "session/pattern_body.hpp"
#include "wire/encoders.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

constexpr int kIterations = 12;
constexpr int kActions = 12;

// Every output ever put (or half put) under each action.
using Attempts = std::map<std::string, std::set<std::string>>;

// Gets every action; "" when each hit is one of the outputs put for it and valid.
std::string audit(CaseRig& rig, Session& s, const Attempts& attempts, int& hits) {
  for (int a = 0; a < kActions; ++a) {
    const std::string action = rig.action(std::to_string(a));
    Reply r = s.get(action, rig.reply_timeout());
    if (!r) return "get of action " + std::to_string(a) + ": " + r.failure;
    if (r->miss || !r->err.empty()) continue;
    auto it = attempts.find(action);
    if (it == attempts.end() || !it->second.count(r->output_id)) {
      return "action " + std::to_string(a) + " served an OutputID never put for it: " + describe(r);
    }
    std::string p = hit_problem(r, r->output_id, r->size);
    if (!p.empty()) return "action " + std::to_string(a) + ": " + p;
    ++hits;
  }
  return "";
}

}  // namespace

void add_crash_cases(Catalogue& out, const CheckConfig& config) {
  out.push_back(make_case(
      {"crash/sigkill-during-puts", "SIGKILL at random moments during puts never leaves a corrupt object",
       "A helper killed at any point of a put, and restarted on the same directory, never serves a DiskPath whose "
       "content disagrees with its OutputID or Size (cache.go would reject it, and a helper must not count on that).",
       kCacheGo, Grade::must, std::chrono::seconds(40)},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        std::mt19937_64 rng(cfg.seed);
        Attempts attempts;
        int hits = 0, kills = 0;
        std::string failure;
        for (int it = 0; it < kIterations && !ctx.cancel.cancelled(); ++it) {
          Session* s = rig.start(failure);
          if (!s) return CaseOutcome::error("start " + std::to_string(it + 1) + ": " + failure);
          std::string p = audit(rig, *s, attempts, hits);
          if (!p.empty()) {
            return CaseOutcome::fail("no corrupt object after " + std::to_string(kills) + " kills", p,
                                     "seed " + std::to_string(cfg.seed));
          }
          // A burst of puts, cut at a random byte, then a kill after a random
          // number of replies.
          const int puts = 3 + static_cast<int>(rng() % 8);
          std::vector<std::pair<int64_t, std::string>> pieces;
          size_t total = 0;
          for (int i = 0; i < puts; ++i) {
            PatternBody body(rng(), static_cast<int64_t>(rng() % (96 * 1024)));
            wire::Request req;
            req.id = s->next_id();
            req.command = "put";
            req.action_id = rig.action(std::to_string(rng() % kActions));
            req.output_id = body.sha256();
            req.body_size = body.size();
            attempts[req.action_id].insert(req.output_id);
            std::string bytes = wire::encode_request(req, s->dialect());
            if (req.body_size > 0) bytes += wire::encode_body_line(body.whole());
            total += bytes.size();
            pieces.emplace_back(req.id, std::move(bytes));
          }
          size_t cut = static_cast<size_t>(rng() % (total + 1));
          std::vector<int64_t> whole;
          for (auto& [id, bytes] : pieces) {
            if (cut == 0) break;
            const size_t n = std::min(cut, bytes.size());
            if (!s->send_raw(std::string_view(bytes).substr(0, n), id, failure)) break;
            if (n == bytes.size()) whole.push_back(id);
            cut -= n;
          }
          const size_t wait_for = whole.empty() ? 0 : rng() % (whole.size() + 1);
          for (size_t i = 0; i < wait_for; ++i) s->await(whole[i], rig.reply_timeout());
          s->kill();
          ++kills;
          rig.stop(s);
        }
        Session* s = rig.start(failure);
        if (!s) return CaseOutcome::error("the final start: " + failure);
        std::string p = audit(rig, *s, attempts, hits);
        if (!p.empty()) return CaseOutcome::fail("no corrupt object after " + std::to_string(kills) + " kills", p);
        return rig.finish(CaseOutcome::pass(std::to_string(kills) + " kills, " + std::to_string(hits) +
                                            " valid hits, no corrupt object (seed " + std::to_string(cfg.seed) + ")"));
      }));
}

}  // namespace cph::check
