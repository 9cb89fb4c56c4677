#include "client/body_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "proc/look_path.hpp"
#include "wire/sha256.hpp"

namespace cph::client {

bool StringBody::rewind(std::string&) {
  pos_ = 0;
  return true;
}

int64_t StringBody::read(char* buf, size_t cap, std::string&) {
  const size_t n = std::min(cap, s_.size() - pos_);
  std::memcpy(buf, s_.data() + pos_, n);
  pos_ += n;
  return static_cast<int64_t>(n);
}

std::unique_ptr<FileBody> FileBody::open(const std::string& path, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "open " + path + ": " + proc::errno_text(errno);
    return nullptr;
  }
  return std::unique_ptr<FileBody>(new FileBody(fd, path));
}

FileBody::~FileBody() { ::close(fd_); }

bool FileBody::rewind(std::string& error) {
  if (::lseek(fd_, 0, SEEK_SET) < 0) {
    error = "seek " + path_ + ": " + proc::errno_text(errno);
    return false;
  }
  return true;
}

int64_t FileBody::read(char* buf, size_t cap, std::string& error) {
  while (true) {
    const ssize_t n = ::read(fd_, buf, cap);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    error = "read " + path_ + ": " + proc::errno_text(errno);
    return -1;
  }
}

bool digest_body(BodySource& body, BodyDigest& out, std::string& error) {
  if (!body.rewind(error)) return false;
  wire::Sha256 h;
  std::vector<char> buf(kChunk);
  int64_t size = 0;
  while (true) {
    const int64_t n = body.read(buf.data(), buf.size(), error);
    if (n < 0) return false;
    if (n == 0) break;
    h.update(std::string_view(buf.data(), static_cast<size_t>(n)));
    size += n;
  }
  out.sha256 = h.digest();
  out.size = size;
  return true;
}

}  // namespace cph::client
