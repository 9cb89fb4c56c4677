// The fake's disk store: objects named by OutputID in hex (no extension) and
// an action index of one small file per ActionID. Every file appears by
// rename from a private temp file, so a reader (this process, another
// cph-fake on the same directory, or `go`) never sees a partial one.
//
//   <dir>/objects/<outputid-hex>   the bodies
//   <dir>/actions/<actionid-hex>   {"OutputID":hex,"Size":n,"Time":rfc3339,"Unix":s,"Nanos":ns}
//   <dir>/tmp/                     temp files being written
//   <dir>/faults/                  files made for scripted bad DiskPaths
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dir_watch.hpp"
#include "offloaded_sha256.hpp"
#include "wire/messages.hpp"

namespace cph::fake {

class Store {
 public:
  explicit Store(std::string dir);  // creates the layout; throws std::runtime_error
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  const std::string& dir() const { return dir_; }

  struct Entry {
    std::string output_id;  // raw bytes
    int64_t size = 0;
    wire::Time time;
    std::string disk_path;
  };
  // The object put under this ActionID, if its index entry and object exist.
  std::optional<Entry> get(std::string_view action_id) const;

  // A put body on its way to disk: write() as bytes arrive, then commit().
  class Put {
   public:
    ~Put();  // removes the temp file unless committed
    void write(std::string_view bytes);
    // Checks size and SHA-256, renames into place, writes the index entry
    // (unless !index: the object alone). Returns the entry, or the error text
    // for the reply's Err; store_failed: the disk failed (a write, the rename,
    // the index), not the request.
    struct Result {
      std::optional<Entry> entry;
      std::string err;
      bool store_failed = false;
    };
    Result commit(std::string_view action_id, std::string_view output_id, int64_t body_size, bool index = true);

   private:
    friend class Store;
    Put(const Store& store, std::string tmp_path, int fd);
    const Store& store_;
    std::string tmp_path_;
    int fd_ = -1;
    int64_t written_ = 0;
    OffloadedSha256 hash_;  // large bodies are hashed on a second thread
    std::string write_error_;
  };
  std::unique_ptr<Put> begin_put() const;

  std::string object_path(std::string_view output_id) const;
  // Scripted faults on the store itself: `target`'s bytes replaced in place
  // by `source`'s (throws std::runtime_error); an index entry removed.
  void overwrite(const std::string& target, const std::string& source) const;
  void forget(std::string_view action_id) const;
  // Paths for scripted faults, each unique.
  std::string fault_missing() const;
  std::string fault_directory() const;
  std::string fault_wrong_content(const std::string& like_path, int64_t size) const;
  std::string fault_extension(const std::string& like_path) const;

 private:
  std::string new_temp(int& fd) const;  // a fresh temp file in tmp/
  void write_file_atomically(const std::string& path, std::string_view content) const;
  std::string dir_;
  // actions/ and objects/, open: a get stats names relative to them (one
  // path component to walk instead of the whole directory's path).
  int actions_fd_ = -1, objects_fd_ = -1;
  mutable std::atomic<uint64_t> seq_{0};

  // Both with index_mu_ held: drop what the watch says changed; the entry
  // kept for this ActionID (hex) while the watch runs.
  void forget_changes() const;
  std::optional<Entry> kept(const std::string& key) const;

  // Parsed index entries, each valid while its file is the same: entries
  // appear by rename, so a rewrite (by this or another process) changes the
  // inode. A get then costs a stat instead of an open, a read and a parse
  // (and none at all while the watch below runs).
  struct IndexStamp {
    uint64_t dev = 0, ino = 0;
    int64_t size = 0, mtime_ns = 0;
    bool operator==(const IndexStamp&) const = default;
  };
  struct CachedIndex {
    IndexStamp stamp;
    Entry entry;  // disk_path filled
  };
  mutable std::mutex index_mu_;                                       // held for a whole get
  mutable std::unordered_map<std::string, CachedIndex> index_cache_;  // key: ActionID hex
  // While inotify watches actions/ and objects/ (fakes/dir_watch.hpp), a get
  // stats nothing: an index entry stays valid until its file changes, an
  // object's size (as a get found it) until the object changes; a get reads
  // the changes first. Without the watch every get stats both files.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unique_ptr<DirWatch> watch_;                                                           // guarded by index_mu_
  mutable std::unordered_map<std::string, int64_t, NameHash, std::equal_to<>> object_sizes_;  // key: OutputID hex
};

}  // namespace cph::fake
