#include "stats.hpp"

namespace cph::fake {

void Stats::request(const std::string& command) {
  std::lock_guard lock(mu_);
  ++requests_[command];
}

nlohmann::json Stats::to_json(const std::vector<int64_t>& rules_fired) const {
  nlohmann::json j;
  {
    std::lock_guard lock(mu_);
    j["requests"] = nlohmann::json::object();
    for (const auto& [cmd, n] : requests_) j["requests"][cmd] = n;
  }
  j["hits"] = hits.load();
  j["misses"] = misses.load();
  j["puts_stored"] = puts_stored.load();
  j["put_errors"] = put_errors.load();
  j["bytes_in"] = bytes_in.load();
  j["bytes_out"] = bytes_out.load();
  j["body_bytes_in"] = body_bytes_in.load();
  j["hit_bytes"] = hit_bytes.load();
  j["rules_fired"] = rules_fired;
  return j;
}

}  // namespace cph::fake
