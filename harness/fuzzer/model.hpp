// What the helper may serve: for each ActionID, every object put under it so
// far (a put counts from the moment it is sent, since a concurrent get may
// see it). A helper may forget anything (a miss is never a finding), but a
// hit must be exactly one of these objects: its OutputID, its Size and the
// bytes at its DiskPath.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cph::fuzzer {

struct StoredObject {
  std::string output_id;  // 32 raw bytes: SHA-256 of the body
  int64_t size = 0;
  bool operator==(const StoredObject&) const = default;
};

class Model {
 public:
  void put(int64_t key, const StoredObject& obj);
  // The objects a get of `key` sent now may be served (empty: it must miss).
  std::vector<StoredObject> candidates(int64_t key) const;

 private:
  std::map<int64_t, std::vector<StoredObject>> objects_;
};

// Why a get hit is wrong against `candidates`, "" when it is right. Checks
// the reply's OutputID and Size, then the file at its DiskPath (size and SHA-256).
std::string hit_problem(const std::vector<StoredObject>& candidates, const std::string& output_id, int64_t size,
                        const std::string& disk_path);
// Why the file at `disk_path` is not `obj`, "" when it is.
std::string file_problem(const std::string& disk_path, const StoredObject& obj);

}  // namespace cph::fuzzer
