#include "stats.hpp"

namespace cph::fake {

void Stats::request(std::string_view command) {
  if (command == "get") {
    ++gets_;
  } else if (command == "put") {
    ++puts_;
  } else if (command == "close") {
    ++closes_;
  } else {
    std::lock_guard lock(mu_);
    auto it = other_requests_.find(command);
    if (it == other_requests_.end()) it = other_requests_.emplace(std::string(command), 0).first;
    ++it->second;
  }
}

nlohmann::json Stats::to_json(const std::vector<int64_t>& rules_fired) const {
  nlohmann::json j;
  j["requests"] = nlohmann::json::object();  // only the commands seen, by name
  {
    std::lock_guard lock(mu_);
    for (const auto& [cmd, n] : other_requests_) j["requests"][cmd] = n;
  }
  for (const auto& [cmd, n] : {std::pair{"get", gets_.load()}, {"put", puts_.load()}, {"close", closes_.load()}}) {
    if (n > 0) j["requests"][cmd] = n;
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
