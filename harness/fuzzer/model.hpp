// What the helper may serve. For each ActionID, every object put under it,
// in order: a put counts from the moment it is sent (a concurrent get may see
// it), and an accepted put replaces, for every get sent after its reply, each
// put whose reply came before it was sent (a re-put must serve the latest:
// go's own cache replaces the index entry). A helper may forget anything (a
// miss is never a finding), but a hit must be exactly one of the objects
// still allowed: its OutputID, its Size and the bytes at its DiskPath. A
// SIGKILL may lose what the helper acknowledged, so puts answered before a
// kill replace nothing.
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
  using Time = uint64_t;  // a logical clock: every send, reply and kill ticks it

  // A put of `obj` under `key` sent now; returns a handle for its reply.
  size_t put(int64_t key, const StoredObject& obj);
  // The put's reply, now: accepted (no Err, its DiskPath checked) or not.
  void put_answered(size_t handle, bool accepted);
  // The helper was killed now.
  void killed();
  // Now, e.g. when a get is sent.
  Time now() { return ++clock_; }

  // The objects a get of `key` sent at `sent` may be served (empty: it must miss).
  std::vector<StoredObject> candidates(int64_t key, Time sent) const;
  // Every object put under `key`, replaced or not (for messages).
  std::vector<StoredObject> ever_put(int64_t key) const;

 private:
  struct Put {
    int64_t key = 0;
    StoredObject obj;
    Time sent = 0, answered = 0;  // answered 0: no reply yet
    bool accepted = false;
  };
  bool replaced(const Put& p, Time at) const;
  std::vector<Put> puts_;
  std::map<int64_t, std::vector<size_t>> by_key_;
  Time clock_ = 0, last_kill_ = 0;
};

// Why a get hit is wrong against `candidates`, "" when it is right. Checks
// the reply's OutputID and Size, then the file at its DiskPath (size and SHA-256).
std::string hit_problem(const std::vector<StoredObject>& candidates, const std::string& output_id, int64_t size,
                        const std::string& disk_path);
// Why the file at `disk_path` is not `obj`, "" when it is.
std::string file_problem(const std::string& disk_path, const StoredObject& obj);

}  // namespace cph::fuzzer
