// Go's coverage counter files: see go_counters.hpp and, in Go's source,
// src/internal/coverage/defs.go (the layout), decodecounter/decodecounterfile.go
// (the reader this one agrees with) and encodecounter/encode.go (the writer).
#include "cover/go_counters.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace cph::cover {
namespace {

// defs.go: CovCounterMagic, CounterFileVersion, CounterFlavor, and the sizes
// of CounterFileHeader, CounterSegmentHeader and CounterFileFooter.
constexpr unsigned char kMagic[4] = {0x00, 0x63, 0x77, 0x6d};
constexpr uint32_t kMaxVersion = 1;
constexpr uint8_t kFlavorRaw = 1;
constexpr uint8_t kFlavorUleb128 = 2;
constexpr size_t kHeaderSize = 32;     // magic 4, version 4, meta hash 16, flavor 1, big-endian 1, padding 6
constexpr size_t kSegHeaderSize = 16;  // function entries 8, string table length 4, args length 4
constexpr size_t kFooterSize = 16;     // magic 4, padding 4, segment count 4, padding 4

[[noreturn]] void fail(size_t offset, const std::string& what) {
  throw std::runtime_error("Go coverage counter file: byte " + std::to_string(offset) + ": " + what);
}

uint32_t load_u32(const unsigned char* p, bool big_endian) {
  if (big_endian) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
  }
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

uint64_t load_u64_le(const unsigned char* p) {
  return uint64_t{load_u32(p, false)} | uint64_t{load_u32(p + 4, false)} << 32;
}

// The decoder proper. Calls on_func(pkg, func, count) before each function's
// counters and on_counter(index, value) for each counter; both inline, so
// folding a directory allocates nothing per function.
class Decoder {
 public:
  explicit Decoder(std::string_view bytes)
      : p_(reinterpret_cast<const unsigned char*>(bytes.data())), size_(bytes.size()) {}

  template <class OnHeader, class OnFunc, class OnCounter>
  void run(OnHeader&& on_header, OnFunc&& on_func, OnCounter&& on_counter) {
    if (size_ < kHeaderSize) fail(size_, "file ends inside the 32-byte header");
    if (std::memcmp(p_, kMagic, 4) != 0) fail(0, "not a counter file (magic is not \\x00cwm)");
    const uint32_t version = load_u32(p_ + 4, false);
    if (version > kMaxVersion) {
      fail(4, "version " + std::to_string(version) + " (this reader knows " + std::to_string(kMaxVersion) + ")");
    }
    flavor_ = p_[24];
    big_endian_ = p_[25] != 0;
    if (flavor_ != kFlavorRaw && flavor_ != kFlavorUleb128) {
      fail(24, "unknown counter flavor " + std::to_string(flavor_) + " (1 raw, 2 ULEB128)");
    }
    if (size_ < kHeaderSize + kFooterSize) fail(size_, "file ends before its footer");
    const size_t footer = size_ - kFooterSize;
    if (std::memcmp(p_ + footer, kMagic, 4) != 0) fail(footer, "footer magic is not \\x00cwm");
    const uint32_t segments = load_u32(p_ + footer + 8, false);
    if (segments == 0) fail(footer + 8, "footer counts no segments");
    on_header(p_ + 8);

    pos_ = kHeaderSize;
    for (uint32_t seg = 0; seg < segments; ++seg) {
      if (seg > 0) {  // BeginNextSegment skips the previous segment's footer
        need(kFooterSize, "segment footer");
        if (std::memcmp(p_ + pos_, kMagic, 4) != 0) fail(pos_, "segment footer magic is not \\x00cwm");
        pos_ += kFooterSize;
      }
      need(kSegHeaderSize, "segment header");
      const size_t seg_at = pos_;
      const uint64_t entries = load_u64_le(p_ + pos_);
      const uint64_t strtab_len = load_u32(p_ + pos_ + 8, false);
      const uint64_t args_len = load_u32(p_ + pos_ + 12, false);
      pos_ += kSegHeaderSize;
      // The string table and the args (os.Args, GOOS, GOARCH) say where the
      // counters came from; nothing here needs them.
      need(strtab_len + args_len, "segment string table and args");
      pos_ += strtab_len + args_len;
      pos_ = (pos_ + 3) & ~size_t{3};  // readSegmentPreamble pads to 4 from the file's start
      if (pos_ > footer) fail(seg_at, "segment preamble runs into the footer");
      // Each function is at least 3 values of at least one byte.
      if (entries > (footer - pos_) / 3) {
        fail(seg_at,
             "segment claims " + std::to_string(entries) + " functions in " + std::to_string(footer - pos_) + " bytes");
      }
      for (uint64_t f = 0; f < entries; ++f) {
        const size_t func_at = pos_;
        const uint32_t count = value(footer);
        const uint32_t pkg = value(footer);
        const uint32_t func = value(footer);
        const size_t min_size = flavor_ == kFlavorRaw ? 4 : 1;
        if (count > (footer - pos_) / min_size) {
          fail(func_at,
               "function claims " + std::to_string(count) + " counters in " + std::to_string(footer - pos_) + " bytes");
        }
        on_func(pkg, func, count);
        if (flavor_ == kFlavorRaw) {
          for (uint32_t i = 0; i < count; ++i, pos_ += 4) on_counter(i, load_u32(p_ + pos_, big_endian_));
        } else {
          for (uint32_t i = 0; i < count; ++i) on_counter(i, uleb(footer));
        }
      }
    }
    if (pos_ != footer) {
      fail(pos_, std::to_string(footer - pos_) + " bytes after the last function, before the footer");
    }
  }

 private:
  void need(uint64_t n, const char* what) {
    if (n > size_ - pos_) fail(pos_, std::string("file ends inside the ") + what);
  }

  // Values end before `end` (the last footer).
  uint32_t value(size_t end) {
    if (flavor_ == kFlavorUleb128) return uleb(end);
    if (end - pos_ < 4) fail(pos_, "function record runs into the footer");
    const uint32_t v = load_u32(p_ + pos_, big_endian_);
    pos_ += 4;
    return v;
  }

  // As decodecounter's reader: any length, bits past 64 dropped, the result
  // truncated to 32 bits.
  uint32_t uleb(size_t end) {
    if (pos_ < end && p_[pos_] < 0x80) return p_[pos_++];  // most values are one byte
    uint64_t v = 0;
    unsigned shift = 0;
    for (;;) {
      if (pos_ >= end) fail(pos_, "ULEB128 value runs into the footer");
      const unsigned char b = p_[pos_++];
      if (shift < 64) v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return static_cast<uint32_t>(v);
      shift += 7;
    }
  }

  const unsigned char* p_;
  size_t size_;
  size_t pos_ = 0;
  uint8_t flavor_ = 0;
  bool big_endian_ = false;
};

std::string hex16(const unsigned char* p) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

uint64_t mix(uint64_t x) {  // splitmix64's finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

void read_file(const std::filesystem::path& path, std::string& out) {
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  out.clear();
  char buf[1 << 14];
  for (;;) {
    const size_t n = std::fread(buf, 1, sizeof buf, f.get());
    out.append(buf, n);
    if (n < sizeof buf) break;
  }
  if (std::ferror(f.get())) throw std::runtime_error("cannot read " + path.string());
}

}  // namespace

CounterFile parse_counter_file(std::string_view bytes) {
  CounterFile file;
  uint32_t* counters = nullptr;
  Decoder(bytes).run([&](const unsigned char* hash) { file.meta_hash_hex = hex16(hash); },
                     [&](uint32_t pkg, uint32_t func, uint32_t count) {
                       FuncCounters& fc = file.funcs.emplace_back();
                       fc.pkg = pkg;
                       fc.func = func;
                       fc.counters.resize(count);
                       counters = fc.counters.data();
                     },
                     [&](uint32_t index, uint32_t v) { counters[index] = v; });
  return file;
}

std::size_t fold_counter_dir(const std::filesystem::path& dir, std::span<uint8_t> out) {
  static constexpr std::string_view kPrefix = "covcounters.";  // defs.go: CounterFilePref
  thread_local std::string bytes;
  std::size_t nonzero = 0;
  const uint64_t slots = std::min<uint64_t>(out.size(), UINT32_MAX);  // a map over 4 GiB uses its first 4 GiB
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, kPrefix.size(), kPrefix) != 0 || !entry.is_regular_file()) continue;
    read_file(entry.path(), bytes);
    uint64_t file_key = 0;
    uint64_t func_key = 0;
    try {
      Decoder(bytes).run(
          [&](const unsigned char* hash) { file_key = mix(load_u64_le(hash) ^ mix(load_u64_le(hash + 8))); },
          [&](uint32_t pkg, uint32_t func, uint32_t) { func_key = mix(file_key ^ (uint64_t{pkg} << 32 | func)); },
          [&](uint32_t index, uint32_t v) {
            if (v == 0) return;
            ++nonzero;
            if (out.empty()) return;
            // One multiply mixes the index in; the high 32 bits, scaled by
            // the map's size, pick the slot (Lemire's reduction, no division).
            const uint64_t h = (func_key ^ index) * 0x9e3779b97f4a7c15ULL;
            uint8_t& slot = out[static_cast<size_t>(((h >> 32) * slots) >> 32)];
            slot = static_cast<uint8_t>(std::min<uint32_t>(255, uint32_t{slot} + std::min<uint32_t>(v, 255)));
          });
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(entry.path().string() + ": " + e.what());
    }
  }
  return nonzero;
}

}  // namespace cph::cover
