#include "wire/utf8.hpp"

namespace cph::utf8 {

Rune decode(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const size_t n = s.size() - i;
  const unsigned char c0 = at(0);
  if (c0 < 0x80) return {c0, 1};
  auto cont = [&](size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < n && at(k) >= lo && at(k) <= hi;
  };
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (cont(1)) return {char32_t(c0 & 0x1F) << 6 | (at(1) & 0x3F), 2};
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    // E0 needs A0..BF (no overlong), ED needs 80..9F (no surrogates).
    const unsigned char lo = c0 == 0xE0 ? 0xA0 : 0x80, hi = c0 == 0xED ? 0x9F : 0xBF;
    if (cont(1, lo, hi) && cont(2)) {
      return {char32_t(c0 & 0x0F) << 12 | char32_t(at(1) & 0x3F) << 6 | (at(2) & 0x3F), 3};
    }
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    const unsigned char lo = c0 == 0xF0 ? 0x90 : 0x80, hi = c0 == 0xF4 ? 0x8F : 0xBF;
    if (cont(1, lo, hi) && cont(2) && cont(3)) {
      return {char32_t(c0 & 0x07) << 18 | char32_t(at(1) & 0x3F) << 12 | char32_t(at(2) & 0x3F) << 6 | (at(3) & 0x3F),
              4};
    }
  }
  return {kRuneError, 1};
}

void append(std::string& out, char32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xC0 | r >> 6));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | r >> 12));
    out.push_back(static_cast<char>(0x80 | (r >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | r >> 18));
    out.push_back(static_cast<char>(0x80 | (r >> 12 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

}  // namespace cph::utf8
