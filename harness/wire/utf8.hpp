// UTF-8 as Go's unicode/utf8 sees it: DecodeRune's rules (no overlongs, no
// surrogates, nothing above U+10FFFF; a bad byte is RuneError of size 1) and
// EncodeRune (invalid runes become U+FFFD).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace cph::utf8 {

constexpr char32_t kRuneError = 0xFFFD;

struct Rune {
  char32_t r;
  size_t size;  // bytes consumed; 1 for an invalid byte (r == kRuneError)
};

// Decodes the rune starting at s[i] (i < s.size()).
Rune decode(std::string_view s, size_t i);
void append(std::string& out, char32_t r);

}  // namespace cph::utf8
