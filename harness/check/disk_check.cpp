#include "check/disk_check.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "wire/sha256.hpp"

namespace cph::check {

std::string disk_path_problem(const std::string& disk_path, int64_t size, const std::string& output_id) {
  const std::string where = "DiskPath \"" + disk_path + "\"";
  if (disk_path.empty()) return "DiskPath is empty";
  if (disk_path.front() != '/') return where + " is not absolute";
  struct stat st {};
  if (::stat(disk_path.c_str(), &st) != 0) return where + ": " + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return where + " is not a regular file";
  if (st.st_size != size) {
    return where + ": size " + std::to_string(st.st_size) + ", want " + std::to_string(size);
  }
  std::ifstream f(disk_path, std::ios::binary);
  if (!f) return where + ": cannot open: " + std::strerror(errno);
  wire::Sha256 h;
  std::vector<char> buf(1 << 20);
  int64_t total = 0;
  while (f) {
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = f.gcount();
    if (n <= 0) break;
    h.update(std::string_view(buf.data(), static_cast<size_t>(n)));
    total += n;
  }
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

}  // namespace cph::check
