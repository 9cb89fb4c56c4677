#include "fuzzer/model.hpp"

#include <algorithm>

#include "session/disk_check.hpp"
#include "wire/sha256.hpp"

namespace cph::fuzzer {

size_t Model::put(int64_t key, const StoredObject& obj) {
  puts_.push_back({key, obj, now(), 0, false});
  by_key_[key].push_back(puts_.size() - 1);
  return puts_.size() - 1;
}

void Model::put_answered(size_t handle, bool accepted) {
  Put& p = puts_.at(handle);
  p.answered = now();
  p.accepted = accepted;
}

void Model::killed() { last_kill_ = now(); }

// `p` is replaced for a get sent at `at` when another accepted put of another
// body was sent after p's reply and answered (after the last kill) before `at`.
bool Model::replaced(const Put& p, Time at) const {
  if (p.answered == 0) return false;  // still in flight: the helper may store it last
  for (size_t i : by_key_.at(p.key)) {
    const Put& q = puts_[i];
    if (q.accepted && q.sent > p.answered && q.answered < at && q.answered > last_kill_ && !(q.obj == p.obj)) {
      return true;
    }
  }
  return false;
}

std::vector<StoredObject> Model::candidates(int64_t key, Time sent) const {
  std::vector<StoredObject> out;
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return out;
  for (size_t i : it->second) {
    const Put& p = puts_[i];
    if (replaced(p, sent)) continue;
    if (std::find(out.begin(), out.end(), p.obj) == out.end()) out.push_back(p.obj);
  }
  return out;
}

std::vector<StoredObject> Model::ever_put(int64_t key) const {
  std::vector<StoredObject> out;
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return out;
  for (size_t i : it->second) {
    if (std::find(out.begin(), out.end(), puts_[i].obj) == out.end()) out.push_back(puts_[i].obj);
  }
  return out;
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
  if (it->size != size)
    return "the hit's Size is " + std::to_string(size) + ", the object has " + std::to_string(it->size) + " bytes";
  return file_problem(disk_path, *it);
}

}  // namespace cph::fuzzer
