#include "cover/sancov_segment.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace cph::cover {
namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const char* call, int err) {
  throw std::runtime_error("coverage segment " + file.string() + ": " + call + ": " + std::strerror(err));
}

}  // namespace

SancovSegment::SancovSegment(std::filesystem::path file, std::size_t slots) : path_(std::move(file)), slots_(slots) {
  if (slots_ == 0 || slots_ > UINT32_MAX) throw std::runtime_error("coverage segment: slots must be 1 to 2^32-1");
  const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail(path_, "open", errno);
  if (::ftruncate(fd, static_cast<off_t>(slots_)) != 0) {
    const int err = errno;
    ::close(fd);
    fail(path_, "ftruncate", err);
  }
  void* p = ::mmap(nullptr, slots_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  const int err = errno;
  ::close(fd);
  if (p == MAP_FAILED) fail(path_, "mmap", err);
  area_ = static_cast<uint8_t*>(p);
}

SancovSegment::~SancovSegment() {
  ::munmap(area_, slots_);
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

void SancovSegment::clear() { std::memset(area_, 0, slots_); }

std::size_t SancovSegment::fold_into(std::span<uint8_t> out) {
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < slots_; ++i) {
    const uint8_t v = area_[i];
    if (v == 0) continue;
    ++nonzero;
    if (out.empty()) continue;
    uint8_t& slot = out[i % out.size()];
    slot = static_cast<uint8_t>(std::min(255, slot + v));
  }
  clear();
  return nonzero;
}

}  // namespace cph::cover
