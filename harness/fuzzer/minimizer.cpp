#include "fuzzer/minimizer.hpp"

#include <algorithm>

namespace cph::fuzzer {

namespace {

// Replays of a trace to say how often it fails stop at this many failures
// (a hang costs a reply deadline each).
constexpr size_t kEnoughFailures = 3;

class Minimizer {
 public:
  Minimizer(const Trace& t, const MinimizeOptions& o) : base_(t), o_(o) {}

  MinimizeResult run() {
    MinimizeResult out{base_, 0, false};
    if (!base_.failure) return out;
    // How often the original fails as recorded: up to `attempts` replays,
    // enough to stop at the third failure (a hang costs a reply deadline each).
    for (size_t a = 0;
         a < std::max<size_t>(1, o_.attempts) && out.original_failures < kEnoughFailures && replays_ < o_.max_replays;
         ++a) {
      ++out.original_runs;
      if (replay(base_.ops, a, /*keep=*/false)) ++out.original_failures;
    }
    // Sequential first: if the failure does not need concurrency, a trace
    // without bursts replays the same way every time (a burst's order of
    // service is up to the helper: a get racing its put may legitimately miss,
    // so the recorded trace itself may not fail on this run).
    std::vector<Op> sequential = base_.ops;
    for (auto& op : sequential) op.async = false;
    const bool has_bursts = sequential != base_.ops;
    if (!(has_bursts && test(sequential)) && !test(base_.ops)) {
      out.replays = replays_;
      return out;
    }
    std::vector<Op> ops = best_.ops;
    size_t n = 2;
    while (ops.size() >= 2 && replays_ < o_.max_replays) {
      const size_t chunk = (ops.size() + n - 1) / n;
      bool reduced = false;
      // Try each chunk alone, then each complement.
      for (size_t i = 0; i * chunk < ops.size() && !reduced && replays_ < o_.max_replays; ++i) {
        if (test(slice(ops, i * chunk, chunk, false))) {
          ops = best_.ops;
          n = 2;
          reduced = true;
        }
      }
      for (size_t i = 0; i * chunk < ops.size() && !reduced && n > 2 && replays_ < o_.max_replays; ++i) {
        if (test(slice(ops, i * chunk, chunk, true))) {
          ops = best_.ops;
          n = std::max<size_t>(n - 1, 2);
          reduced = true;
        }
      }
      if (!reduced) {
        if (n >= ops.size()) break;
        n = std::min(n * 2, ops.size());
      }
    }
    // n == 2 skips complements (they equal the other half): try single ops away at the end.
    for (size_t i = 0; i < ops.size() && ops.size() > 1 && replays_ < o_.max_replays;) {
      if (test(slice(ops, i, 1, true))) {
        ops = best_.ops;
      } else {
        ++i;
      }
    }
    out.trace = best_;
    // How often the result fails: a minimal trace of a race or of a helper's
    // randomness usually fails less often than the long original did.
    for (size_t a = 0; a < std::max<size_t>(1, o_.attempts) && out.minimal_failures < kEnoughFailures; ++a) {
      ++out.minimal_runs;
      if (replay(out.trace.ops, a, /*keep=*/false)) ++out.minimal_failures;
    }
    out.replays = replays_;
    out.reproduced = true;
    return out;
  }

 private:
  static std::vector<Op> slice(const std::vector<Op>& ops, size_t at, size_t n, bool complement) {
    std::vector<Op> out;
    for (size_t i = 0; i < ops.size(); ++i) {
      const bool inside = i >= at && i < at + n;
      if (inside != complement) out.push_back(ops[i]);
    }
    return out;
  }

  // One replay of `ops` (attempt `attempt`); on the same class keeps them
  // (cut after the last op run) as the best so far, unless !keep.
  bool replay(const std::vector<Op>& ops, size_t attempt, bool keep = true) {
    Trace t = base_;
    t.ops = ops;
    t.failure.reset();
    ExecOptions eo = o_.exec;
    eo.attempt = attempt;
    ExecResult r = execute(t, eo, nullptr);
    ++replays_;
    const bool same = r.failure && r.failure->cls == base_.failure->cls;
    if (same && keep) {
      t.ops.resize(std::min(t.ops.size(), r.stats.ops));  // what ran after the failure is not needed
      t.failure = r.failure;
      best_ = t;
    }
    if (o_.progress) o_.progress(replays_, best_.ops.size());
    return same;
  }

  // A candidate fails when any of its attempts does.
  bool test(const std::vector<Op>& ops) {
    for (size_t a = 0; a < std::max<size_t>(1, o_.attempts) && replays_ < o_.max_replays; ++a) {
      if (replay(ops, a)) return true;
    }
    return false;
  }

  const Trace& base_;
  const MinimizeOptions& o_;
  Trace best_;
  size_t replays_ = 0;
};

}  // namespace

MinimizeResult minimize(const Trace& trace, const MinimizeOptions& options) { return Minimizer(trace, options).run(); }

}  // namespace cph::fuzzer
