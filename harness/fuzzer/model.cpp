#include "fuzzer/model.hpp"

#include <algorithm>

#include "session/disk_check.hpp"
#include "wire/sha256.hpp"

namespace cph::fuzzer {

void Model::put(int64_t key, const StoredObject& obj) {
  auto& v = objects_[key];
  if (std::find(v.begin(), v.end(), obj) == v.end()) v.push_back(obj);
}

std::vector<StoredObject> Model::candidates(int64_t key) const {
  auto it = objects_.find(key);
  return it == objects_.end() ? std::vector<StoredObject>{} : it->second;
}

std::string file_problem(const std::string& disk_path, const StoredObject& obj) {
  return session::disk_path_problem(disk_path, obj.size, obj.output_id);
}

std::string hit_problem(const std::vector<StoredObject>& candidates, const std::string& output_id, int64_t size,
                        const std::string& disk_path) {
  if (candidates.empty()) return "a hit for an ActionID that was never put";
  auto it = std::find_if(candidates.begin(), candidates.end(),
                         [&](const StoredObject& o) { return o.output_id == output_id; });
  if (it == candidates.end()) {
    return "the hit's OutputID " + wire::to_hex(output_id).substr(0, 16) + "... is not one put under this ActionID";
  }
  if (it->size != size) return "the hit's Size is " + std::to_string(size) + ", the object has " +
                               std::to_string(it->size) + " bytes";
  return file_problem(disk_path, *it);
}

}  // namespace cph::fuzzer
