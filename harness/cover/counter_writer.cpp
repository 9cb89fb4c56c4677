#include "cover/counter_writer.hpp"

#include <algorithm>
#include <stdexcept>

namespace cph::cover {
namespace {

void uleb(std::string& s, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    s.push_back(static_cast<char>(b));
  } while (v);
}

void u32(std::string& s, uint32_t v, bool big = false) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (big ? 24 - 8 * i : 8 * i)));
}

void put_u32le(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kMagic[] = "\x00\x63\x77\x6d";

}  // namespace

std::string write_counter_file(const CounterFile& f, const WriteOptions& o) {
  if (f.meta_hash_hex.size() != 32) throw std::invalid_argument("meta hash: want 32 hex digits");
  std::string out(kMagic, 4);
  u32(out, 1);  // CounterFileVersion
  for (size_t i = 0; i < 32; i += 2) {
    const int hi = hex_digit(f.meta_hash_hex[i]), lo = hex_digit(f.meta_hash_hex[i + 1]);
    if (hi < 0 || lo < 0) throw std::invalid_argument("meta hash: want 32 hex digits");
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  out.push_back(static_cast<char>(o.flavor));
  out.push_back(o.big_endian ? 1 : 0);
  out.append(6, '\0');

  // The string table: "" first, then every key and value (stringtab.Writer).
  std::vector<std::string> strs = {""};
  auto index = [&](const std::string& s) {
    for (size_t i = 0; i < strs.size(); ++i)
      if (strs[i] == s) return i;
    strs.push_back(s);
    return strs.size() - 1;
  };
  for (const auto& [k, v] : o.args) {
    index(k);
    index(v);
  }
  std::string strtab;
  uleb(strtab, strs.size());
  for (const auto& s : strs) {
    uleb(strtab, s.size());
    strtab += s;
  }
  std::string argtab;
  uleb(argtab, o.args.size());
  for (const auto& [k, v] : o.args) {  // std::map: sorted keys, as encode.go
    uleb(argtab, index(k));
    uleb(argtab, index(v));
  }
  while ((16 + strtab.size() + argtab.size()) % 4 != 0) argtab.push_back('\0');

  auto value = [&](std::string& s, uint32_t v) { o.flavor == 1 ? u32(s, v, o.big_endian) : uleb(s, v); };
  size_t next = 0;
  uint32_t segments = 0;
  for (size_t seg_index = 0; seg_index <= o.segment_sizes.size(); ++seg_index) {
    const size_t n = seg_index < o.segment_sizes.size() ? std::min(o.segment_sizes[seg_index], f.funcs.size() - next)
                                                        : f.funcs.size() - next;
    if (seg_index == o.segment_sizes.size() && n == 0 && segments > 0) break;
    std::string seg(16, '\0');
    seg += strtab + argtab;
    for (size_t i = next; i < next + n; ++i) {
      const FuncCounters& fc = f.funcs[i];
      value(seg, static_cast<uint32_t>(fc.counters.size()));
      value(seg, fc.pkg);
      value(seg, fc.func);
      for (uint32_t c : fc.counters) value(seg, c);
    }
    next += n;
    put_u32le(seg, 0, static_cast<uint32_t>(n));  // FcnEntries, a uint64: the high half stays 0
    put_u32le(seg, 8, static_cast<uint32_t>(strtab.size()));
    put_u32le(seg, 12, static_cast<uint32_t>(argtab.size()));
    out += seg;
    out.append(kMagic, 4);
    u32(out, 0);
    u32(out, ++segments);
    u32(out, 0);
  }
  return out;
}

}  // namespace cph::cover
