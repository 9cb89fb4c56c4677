#include "store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace cph::fake {

namespace {

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) throw std::runtime_error(errno_text("mkdir", path));
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::optional<std::string> read_small_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > (1 << 20)) break;
  }
  ::close(fd);
  return out;
}

int open_dir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(errno_text("open", path));
  return fd;
}

bool stat_at(int dir_fd, const char* name, struct stat& st) { return ::fstatat(dir_fd, name, &st, 0) == 0; }

// An object's name in objects/: the end of its DiskPath (see object_path),
// so a C string too.
std::string_view object_name(const Store::Entry& e) {
  return std::string_view(e.disk_path).substr(e.disk_path.size() - 2 * e.output_id.size());
}

constexpr size_t kIndexCacheMax = 1 << 16;  // entries (~300 bytes each)

}  // namespace

Store::Store(std::string dir) : dir_(std::move(dir)) {
  // DiskPaths are absolute, whatever directory the client runs in.
  if (!dir_.empty() && dir_[0] != '/') dir_ = std::filesystem::absolute(dir_).string();
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("create " + dir_ + ": " + ec.message());
  for (const char* sub : {"/objects", "/actions", "/tmp", "/faults"}) make_dir(dir_ + sub);
  actions_fd_ = open_dir(dir_ + "/actions");
  objects_fd_ = open_dir(dir_ + "/objects");
  watch_ = std::make_unique<DirWatch>(std::vector<std::string>{dir_ + "/actions", dir_ + "/objects"});
}

Store::~Store() {
  ::close(actions_fd_);
  ::close(objects_fd_);
}

std::string Store::object_path(std::string_view output_id) const {
  return dir_ + "/objects/" + wire::to_hex(output_id);
}

std::string Store::new_temp(int& fd) const {
  std::string path = dir_ + "/tmp/" + std::to_string(::getpid()) + "-" + std::to_string(seq_++) + "-XXXXXX";
  fd = ::mkstemp(path.data());
  if (fd < 0) throw std::runtime_error(errno_text("create temp file in", dir_ + "/tmp"));
  ::fchmod(fd, 0644);
  return path;
}

void Store::write_file_atomically(const std::string& path, std::string_view content) const {
  int fd = -1;
  std::string tmp = new_temp(fd);
  bool ok = write_all(fd, content);
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = errno_text("write", path);
    ::unlink(tmp.c_str());
    throw std::runtime_error(err);
  }
}

void Store::forget_changes() const {
  const bool complete = watch_->drain([this](size_t dir, std::string_view name) {
    if (dir == 0) {
      index_cache_.erase(std::string(name));
    } else if (auto it = object_sizes_.find(name); it != object_sizes_.end()) {
      object_sizes_.erase(it);
    }
  });
  if (!complete) {
    index_cache_.clear();
    object_sizes_.clear();
  }
}

std::optional<Store::Entry> Store::kept(const std::string& key) const {
  if (!watch_->ok()) return std::nullopt;
  auto it = index_cache_.find(key);
  if (it == index_cache_.end()) return std::nullopt;
  const Entry& e = it->second.entry;
  auto size = object_sizes_.find(object_name(e));
  if (size == object_sizes_.end() || size->second != e.size) return std::nullopt;
  return e;
}

std::optional<Store::Entry> Store::get(std::string_view action_id) const {
  const std::string key = wire::to_hex(action_id);
  // One get at a time: a change the watch reports while a get reads the
  // files stays queued until that get has kept what it read, and the next
  // get forgets it.
  std::lock_guard<std::mutex> lock(index_mu_);
  forget_changes();
  if (auto e = kept(key)) return e;
  struct stat ist {};
  if (!stat_at(actions_fd_, key.c_str(), ist)) return std::nullopt;
  const IndexStamp stamp{static_cast<uint64_t>(ist.st_dev), static_cast<uint64_t>(ist.st_ino),
                         static_cast<int64_t>(ist.st_size),
                         static_cast<int64_t>(ist.st_mtim.tv_sec) * 1000000000 + ist.st_mtim.tv_nsec};
  std::optional<Entry> e;
  auto it = index_cache_.find(key);
  if (it != index_cache_.end() && it->second.stamp == stamp) e = it->second.entry;
  if (!e) {
    auto text = read_small_file(dir_ + "/actions/" + key);
    if (!text) return std::nullopt;
    auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return std::nullopt;  // a foreign or damaged entry: a miss
    e = Entry{};
    try {
      if (!wire::from_hex(j.at("OutputID").get<std::string>(), e->output_id)) return std::nullopt;
      e->size = j.at("Size").get<int64_t>();
      e->time.unix_seconds = j.at("Unix").get<int64_t>();
      e->time.nanos = j.at("Nanos").get<int32_t>();
      e->time.text = j.at("Time").get<std::string>();
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;
    }
    e->disk_path = object_path(e->output_id);
    // Cache only what was read from the file stamped above: if it was
    // replaced in between, the text may be the newer one, and the next
    // get (seeing the newer stamp) reads it again.
    struct stat again {};
    if (stat_at(actions_fd_, key.c_str(), again) && again.st_ino == ist.st_ino && again.st_dev == ist.st_dev &&
        again.st_size == static_cast<off_t>(text->size())) {
      if (index_cache_.size() >= kIndexCacheMax) index_cache_.clear();  // bounded memory; refills on demand
      index_cache_[key] = CachedIndex{stamp, *e};
    }
  }
  // The object itself may have been removed or truncated behind our back.
  const std::string_view object = object_name(*e);
  struct stat st {};
  if (!stat_at(objects_fd_, object.data(), st) || st.st_size != e->size) return std::nullopt;
  if (watch_->ok()) {
    if (object_sizes_.size() >= kIndexCacheMax) object_sizes_.clear();
    object_sizes_[std::string(object)] = st.st_size;
  }
  return e;
}

std::unique_ptr<Store::Put> Store::begin_put() const {
  int fd = -1;
  std::string tmp = new_temp(fd);
  return std::unique_ptr<Put>(new Put(*this, std::move(tmp), fd));
}

Store::Put::Put(const Store& store, std::string tmp_path, int fd)
    : store_(store), tmp_path_(std::move(tmp_path)), fd_(fd) {}

Store::Put::~Put() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
}

void Store::Put::write(std::string_view bytes) {
  written_ += static_cast<int64_t>(bytes.size());
  hash_.update(bytes);
  if (write_error_.empty() && !write_all(fd_, bytes)) write_error_ = errno_text("write", tmp_path_);
}

Store::Put::Result Store::Put::commit(std::string_view action_id, std::string_view output_id, int64_t body_size,
                                      bool index) {
  std::string got = hash_.digest();
  ::close(fd_);
  fd_ = -1;
  if (!write_error_.empty()) return {std::nullopt, "cph-fake: " + write_error_, true};
  if (output_id.empty()) return {std::nullopt, "cph-fake: put without OutputID"};
  if (written_ != body_size)
    return {std::nullopt, "cph-fake: put body has " + std::to_string(written_) + " bytes, BodySize says " +
                              std::to_string(body_size)};
  if (got != output_id)
    return {std::nullopt,
            "cph-fake: put body SHA-256 " + wire::to_hex(got) + " does not match OutputID " + wire::to_hex(output_id)};
  Entry e;
  e.output_id = std::string(output_id);
  e.size = written_;
  e.disk_path = store_.object_path(output_id);
  if (::rename(tmp_path_.c_str(), e.disk_path.c_str()) != 0) {
    return {std::nullopt, "cph-fake: " + errno_text("rename to", e.disk_path), true};
  }
  tmp_path_.clear();
  e.time = wire::Time::now();
  e.time.text = e.time.utc_rfc3339_nano();
  e.time.offset_seconds = 0;
  if (!index) return {e, ""};
  nlohmann::json j = {{"OutputID", wire::to_hex(output_id)},
                      {"Size", e.size},
                      {"Time", e.time.text},
                      {"Unix", e.time.unix_seconds},
                      {"Nanos", e.time.nanos}};
  try {
    store_.write_file_atomically(store_.dir_ + "/actions/" + wire::to_hex(action_id), j.dump() + "\n");
  } catch (const std::exception& ex) {
    return {std::nullopt, std::string("cph-fake: ") + ex.what(), true};
  }
  return {e, ""};
}

void Store::overwrite(const std::string& target, const std::string& source) const {
  std::error_code ec;
  std::filesystem::copy_file(source, target, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) throw std::runtime_error("overwrite " + target + ": " + ec.message());
}

void Store::forget(std::string_view action_id) const { ::unlinkat(actions_fd_, wire::to_hex(action_id).c_str(), 0); }

std::string Store::fault_missing() const {
  return dir_ + "/faults/missing-" + std::to_string(::getpid()) + "-" + std::to_string(seq_++);
}

std::string Store::fault_directory() const {
  std::string path = dir_ + "/faults/dir-" + std::to_string(::getpid()) + "-" + std::to_string(seq_++);
  make_dir(path);
  return path;
}

std::string Store::fault_wrong_content(const std::string& like_path, int64_t size) const {
  // Same size as the real object (so a size check passes), different bytes.
  std::string path = dir_ + "/faults/wrong-" + std::to_string(::getpid()) + "-" + std::to_string(seq_++);
  int out = -1;
  std::string tmp = new_temp(out);
  int in = like_path.empty() ? -1 : ::open(like_path.c_str(), O_RDONLY | O_CLOEXEC);
  bool first = true;
  int64_t total = 0;
  if (in >= 0) {
    char buf[65536];
    ssize_t n;
    while ((n = ::read(in, buf, sizeof buf)) > 0) {
      if (first) {
        buf[0] = static_cast<char>(buf[0] ^ 0xff);
        first = false;
      }
      write_all(out, std::string_view(buf, static_cast<size_t>(n)));
      total += n;
    }
    ::close(in);
  }
  if (total == 0) {
    std::string filler(static_cast<size_t>(size > 0 && size < (1 << 20) ? size : 1), 'x');
    write_all(out, filler);
  }
  ::close(out);
  ::rename(tmp.c_str(), path.c_str());
  return path;
}

std::string Store::fault_extension(const std::string& like_path) const {
  std::string path = dir_ + "/faults/" + std::to_string(::getpid()) + "-" + std::to_string(seq_++) + ".o";
  if (like_path.empty() || ::link(like_path.c_str(), path.c_str()) != 0) write_file_atomically(path, "");
  return path;
}

}  // namespace cph::fake
