#include "rule_matcher.hpp"

namespace cph::fake {

RuleMatcher::RuleMatcher(const Script& script, uint64_t seed)
    : script_(script), rng_(seed), fired_(script.rules.size(), 0) {}

bool RuleMatcher::matches(const When& w, const Event& e) {
  if (w.handshake != e.handshake) return false;
  if (w.command && *w.command != e.command) return false;
  if (w.request && *w.request != e.request) return false;
  if (w.nth && *w.nth != e.nth) return false;
  if (w.action && e.action_hex.rfind(*w.action, 0) != 0) return false;
  if (w.after && e.elapsed < *w.after) return false;
  return true;
}

std::vector<Fired> RuleMatcher::match(const Event& e) {
  std::vector<Fired> out;
  for (size_t i = 0; i < script_.rules.size(); ++i) {
    const Rule& r = script_.rules[i];
    if (!matches(r.when, e)) continue;
    if (r.times && fired_[i] >= *r.times) continue;
    // The top 53 bits as a double in [0, 1): unlike std::uniform_real_distribution,
    // the same on every standard library, so a seed fires the same requests.
    if (r.probability < 1.0 && static_cast<double>(rng_() >> 11) * 0x1.0p-53 >= r.probability) continue;
    ++fired_[i];
    out.push_back({i, &r});
  }
  return out;
}

}  // namespace cph::fake
