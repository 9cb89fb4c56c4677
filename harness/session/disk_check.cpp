#include "session/disk_check.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wire/sha256.hpp"

namespace cph::session {

std::string disk_path_problem(const std::string& disk_path, int64_t size, const std::string& output_id) {
  const std::string where = "DiskPath \"" + disk_path + "\"";
  if (disk_path.empty()) return "DiskPath is empty";
  if (disk_path.front() != '/') return where + " is not absolute";
  // One open file from stat to the last byte, so a file replaced meanwhile
  // cannot mix two objects; a stack buffer, since this runs on every hit.
  // O_NONBLOCK: a FIFO at DiskPath must not block us (regular files ignore it).
  const int fd = ::open(disk_path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return where + ": " + std::strerror(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return where + " is not a regular file";
  }
  if (st.st_size != size) {
    ::close(fd);
    return where + ": size " + std::to_string(st.st_size) + ", want " + std::to_string(size);
  }
  wire::Sha256 h;
  char buf[1 << 16];
  int64_t total = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    h.update(std::string_view(buf, static_cast<size_t>(n)));
    total += n;
  }
  ::close(fd);
  if (total != size) return where + ": read " + std::to_string(total) + " bytes, want " + std::to_string(size);
  const std::string got = h.digest();
  if (got != output_id) {
    return where + ": SHA-256 " + wire::to_hex(got) + ", want the OutputID " + wire::to_hex(output_id);
  }
  return "";
}

bool has_extension(const std::string& path) {
  // filepath.Ext: the suffix from the final '.' in the final element.
  for (size_t i = path.size(); i-- > 0;) {
    if (path[i] == '/') return false;
    if (path[i] == '.') return true;
  }
  return false;
}

std::string hex_prefix(const std::string& raw, size_t bytes) {
  std::string hex = wire::to_hex(raw.substr(0, bytes));
  return raw.size() > bytes ? hex + "..." : hex;
}

}  // namespace cph::session
