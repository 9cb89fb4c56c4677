#include "wire/go_strconv.hpp"

#include "wire/utf8.hpp"

namespace cph::gostrconv {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool in(char32_t r, char32_t lo, char32_t hi) { return r >= lo && r <= hi; }

void append_hex(std::string& out, char32_t r, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push_back(kHex[(r >> shift) & 15]);
}

// strconv's appendEscapedRune for a valid rune r (quote is ' or ").
void append_escaped(std::string& out, char32_t r, char quote) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out.push_back('\\');
    out.push_back(static_cast<char>(r));
    return;
  }
  if (is_print(r)) {
    utf8::append(out, r);
    return;
  }
  switch (r) {
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\v': out += "\\v"; return;
    default: break;
  }
  if (r < ' ' || r == 0x7f) {
    out += "\\x";
    append_hex(out, r, 2);
  } else if (r < 0x10000) {
    out += "\\u";
    append_hex(out, r, 4);
  } else {
    out += "\\U";
    append_hex(out, r, 8);
  }
}

}  // namespace

bool is_print(char32_t r) {
  if (r < 0x20 || in(r, 0x7f, 0x9f)) return false;  // Cc
  if (r < 0x7f) return true;
  if (r == 0xad) return false;  // soft hyphen (Cf)
  // Separators other than U+0020: Zs, Zl, Zp.
  if (r == 0xa0 || r == 0x1680 || in(r, 0x2000, 0x200a) || r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f ||
      r == 0x3000) {
    return false;
  }
  // Format characters (Cf).
  if (in(r, 0x600, 0x605) || r == 0x61c || r == 0x6dd || r == 0x70f || in(r, 0x890, 0x891) || r == 0x8e2 ||
      r == 0x180e || in(r, 0x200b, 0x200f) || in(r, 0x202a, 0x202e) || in(r, 0x2060, 0x2064) || in(r, 0x2066, 0x206f) ||
      r == 0xfeff || in(r, 0xfff9, 0xfffb) || r == 0x110bd || r == 0x110cd || in(r, 0x13430, 0x1343f) ||
      in(r, 0x1bca0, 0x1bca3) || in(r, 0x1d173, 0x1d17a) || r == 0xe0001 || in(r, 0xe0020, 0xe007f)) {
    return false;
  }
  if (in(r, 0xd800, 0xdfff) || in(r, 0xe000, 0xf8ff) || r >= 0xf0000) return false;  // Cs, Co
  if (in(r, 0xfdd0, 0xfdef) || (r & 0xfffe) == 0xfffe) return false;                 // noncharacters
  return true;
}

bool is_space(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000: return true;
    default: return in(r, 0x2000, 0x200a);
  }
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const utf8::Rune rune = utf8::decode(s, i);
    if (rune.r == utf8::kRuneError && rune.size == 1) {
      out += "\\x";
      append_hex(out, static_cast<unsigned char>(s[i]), 2);
    } else {
      append_escaped(out, rune.r, '"');
    }
    i += rune.size;
  }
  return out + "\"";
}

std::string quote_rune(char32_t r) {
  std::string out = "'";
  append_escaped(out, r, '\'');
  return out + "'";
}

std::string quote_first_rune(std::string_view b) {
  if (b.empty()) return quote_rune(utf8::kRuneError);
  const utf8::Rune rune = utf8::decode(b, 0);
  if (rune.r == utf8::kRuneError && rune.size == 1) {
    // strconv.FormatUint(b[0], 16): no leading zero.
    const auto c = static_cast<unsigned char>(b[0]);
    std::string out = "'\\x";
    if (c >= 16) out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
    return out + "'";
  }
  return quote_rune(rune.r);
}

std::string invalid_text(std::string_view label, std::string_view what, std::string_view where) {
  size_t runes = 0;
  bool need_escape = false;
  for (size_t i = 0; i < what.size();) {
    const utf8::Rune rune = utf8::decode(what, i);
    if (rune.r == '`' || rune.r == utf8::kRuneError || is_space(rune.r) || !is_print(rune.r)) need_escape = true;
    ++runes;
    i += rune.size;
  }
  std::string quoted;
  if (runes == 1) {
    quoted = quote_first_rune(what);
  } else if (need_escape) {
    quoted = quote(what);
  } else {
    quoted = "`" + std::string(what) + "`";
  }
  std::string out = "invalid " + std::string(label) + " " + quoted + " " + std::string(where);
  if (!out.empty() && out.back() == ' ') out.pop_back();  // strings.TrimSuffix(..., " ")
  return out;
}

}  // namespace cph::gostrconv
