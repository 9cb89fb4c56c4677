// The memory segment a C or C++ helper's SanitizerCoverage counters land in:
// a file of one byte per slot that this process creates and maps, and that
// the helper maps too when its environment names it (kSancovEnv) and it
// links fuzz/cph_sancov_runtime.c (built with clang's
// -fsanitize-coverage=trace-pc-guard). The helper adds to the bytes as its
// edges run, so what a killed or hung helper covered is there as well.
// POSIX (open, mmap) and the standard library only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace cph::cover {

inline constexpr const char* kSancovEnv = "CPH_FUZZ_SANCOV_SHM";

class SancovSegment {
 public:
  // Creates `file` (replacing one there) with `slots` zero bytes and maps
  // it; throws std::runtime_error naming the file and the failing call.
  explicit SancovSegment(std::filesystem::path file, std::size_t slots = std::size_t{1} << 16);
  ~SancovSegment();  // unmaps and removes the file
  SancovSegment(const SancovSegment&) = delete;
  SancovSegment& operator=(const SancovSegment&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::span<const uint8_t> counters() const { return {area_, slots_}; }
  void clear();
  // Adds every counter into out[slot mod out.size()] (saturating at 255)
  // and clears the segment; returns how many counters were nonzero.
  std::size_t fold_into(std::span<uint8_t> out);

 private:
  std::filesystem::path path_;
  uint8_t* area_ = nullptr;
  std::size_t slots_ = 0;
};

}  // namespace cph::cover
