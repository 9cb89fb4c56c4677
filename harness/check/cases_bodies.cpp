// bodies/*: put bodies of every awkward size, from none at all (BodySize
// omitted, no body line) through each base64 padding to 16 MiB (1 GiB with
// --large), and whether the helper streams them or holds them in memory.
#include "check/case_kit.hpp"
#include "session/disk_check.hpp"
#include "session/pattern_body.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

constexpr int64_t kMiB = 1 << 20;

std::string size_text(int64_t n) {
  if (n >= 1024 * kMiB && n % (1024 * kMiB) == 0) return std::to_string(n / (1024 * kMiB)) + " GiB";
  if (n == 1) return "1 byte";
  if (n >= kMiB && n % kMiB == 0) return std::to_string(n / kMiB) + " MiB";
  if (n >= 1024 && n % 1024 == 0) return std::to_string(n / 1024) + " KiB";
  return std::to_string(n) + " bytes";
}

// Puts a body of `size` bytes and gets it back; "" on success, else the problem.
std::string round_trip(CaseRig& rig, Session& s, int64_t size, const std::string& name) {
  PatternBody body(static_cast<uint64_t>(size) + 7, size);
  const std::string output_id = body.sha256();
  wire::Request req;
  req.id = s.next_id();
  req.command = "put";
  req.action_id = rig.action(name);
  req.output_id = output_id;
  req.body_size = size;
  std::string error;
  const bool sent = size > 16 * kMiB ? s.send_streamed_put(req, body, error) : s.send(req, body.whole(), error);
  if (!sent) return "put: " + error;
  // A large body gets time in proportion to its size (1 s per 8 MiB).
  const auto timeout = rig.reply_timeout() + rig.ctx().scaled(std::chrono::milliseconds(size / (8 * 1024)));
  Reply put = s.await(req.id, timeout);
  std::string p = put_problem(put);
  if (p.empty()) p = disk_path_problem(put->disk_path, size, output_id);
  if (!p.empty()) return "put: " + p;
  Reply get = s.get(req.action_id, timeout);
  p = hit_problem(get, output_id, size);
  return p.empty() ? "" : "get: " + p;
}

runner::CaseDescriptor size_case(const std::string& id, int64_t size, const CheckConfig& config,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  std::string what =
      size == 0 ? "an empty body: BodySize omitted, no body line, an empty file" : "a body of " + size_text(size);
  runner::CaseInfo info{id,
                        "a put and get of " + size_text(size),
                        "A put of " + what + " is stored and served back byte for byte.",
                        kCacheprogDoc,
                        Grade::must,
                        timeout};
  return make_case(info, config, [size](runner::CaseContext& ctx, const CheckConfig& cfg) {
    if (size > 16 * kMiB && !cfg.large) return CaseOutcome::skip("a 1 GiB body: run with --large");
    CaseRig rig(ctx, cfg);
    std::string failure;
    Session* s = rig.start(failure);
    if (!s) return CaseOutcome::error(failure);
    std::string p = round_trip(rig, *s, size, "body");
    if (!p.empty()) return CaseOutcome::fail("the body back, " + size_text(size), p);
    return rig.finish(
        CaseOutcome::pass(size_text(size) + ", peak RSS " + std::to_string(s->peak_rss_kib() / 1024) + " MiB"));
  });
}

// The helper's peak RSS after a small put, and after a 16 MiB one.
struct Memory {
  int64_t base_kib = 0, peak_kib = 0;
};

std::optional<CaseOutcome> measure(CaseRig& rig, Memory& m) {
  std::string failure;
  Session* s = rig.start(failure);
  if (!s) return CaseOutcome::error(failure);
  std::string p = round_trip(rig, *s, 1024, "small");
  if (!p.empty()) return CaseOutcome::error("a 1 KiB put failed: " + p);
  m.base_kib = s->peak_rss_kib();
  p = round_trip(rig, *s, 16 * kMiB, "large");
  if (!p.empty()) return CaseOutcome::error("a 16 MiB put failed: " + p);
  m.peak_kib = s->peak_rss_kib();  // still alive: VmHWM covers the put and the get
  if (m.base_kib == 0 || m.peak_kib == 0) return CaseOutcome::skip("no /proc/<pid>/status VmHWM for the helper");
  return std::nullopt;
}

std::string mib(int64_t kib) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(kib) / 1024.0);
  return buf;
}

}  // namespace

void add_body_cases(Catalogue& out, const CheckConfig& config) {
  out.push_back(size_case("bodies/size-0", 0, config));
  for (int n = 1; n <= 4; ++n) out.push_back(size_case("bodies/size-" + std::to_string(n), n, config));
  out.push_back(size_case("bodies/size-64k", 64 * 1024, config));
  out.push_back(size_case("bodies/size-16m", 16 * kMiB, config));
  out.push_back(size_case("bodies/size-1g", 1024 * kMiB, config, std::chrono::minutes(10)));
  out.push_back(make_case(
      {"bodies/peak-rss", "the helper's peak memory around a 16 MiB put",
       "Reported for information: the helper's peak resident set size after a 1 KiB put and after a 16 MiB put.",
       "/proc/<pid>/status VmHWM", Grade::info, std::chrono::seconds(20)},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        Memory m;
        if (auto early = measure(rig, m)) return *early;
        return rig.finish(CaseOutcome::pass(mib(m.base_kib) + " after 1 KiB, " + mib(m.peak_kib) + " after 16 MiB"));
      }));
  out.push_back(make_case(
      {"bodies/streaming", "bodies are streamed, not held in memory",
       "The body is a separate JSON value so that large values can be streamed: a 16 MiB put should not grow the "
       "helper's peak RSS by more than half its size.",
       kCacheprogDoc, Grade::should, std::chrono::seconds(20)},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        Memory m;
        if (auto early = measure(rig, m)) return *early;
        const int64_t growth = m.peak_kib - m.base_kib;
        std::string seen = "peak RSS grew by " + mib(growth) + " (" + mib(m.base_kib) + " to " + mib(m.peak_kib) + ")";
        if (growth > 8 * 1024) return CaseOutcome::fail("growth under 8 MiB for a 16 MiB body", seen);
        return rig.finish(CaseOutcome::pass(seen));
      }));
}

}  // namespace cph::check
