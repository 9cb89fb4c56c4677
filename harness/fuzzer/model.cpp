#include "fuzzer/model.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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
  const std::string where = "DiskPath \"" + disk_path + "\"";
  if (disk_path.empty()) return "DiskPath is empty";
  if (disk_path.front() != '/') return where + " is not absolute";
  int fd = ::open(disk_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return where + ": " + std::strerror(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return where + " is not a regular file";
  }
  wire::Sha256 h;
  char buf[1 << 16];
  int64_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    h.update(std::string_view(buf, static_cast<size_t>(n)));
    total += n;
  }
  ::close(fd);
  if (total != obj.size) return where + " holds " + std::to_string(total) + " bytes, want " + std::to_string(obj.size);
  if (h.digest() != obj.output_id) return where + " holds other bytes than the object (SHA-256 differs)";
  return "";
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
