// A broken property in a fuzz target: print what disagreed (both sides, in
// full) and abort, so libFuzzer saves the input and the replay program fails.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace cph::fuzz {

// Bytes as a C-like literal, readable for text and exact for binary.
inline std::string printable(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out + "\"";
}

[[noreturn]] inline void fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "%s:%d: fuzz property broken: %s\n", file, line, what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace cph::fuzz

// CPH_FUZZ_CHECK(cond, message-expression): message is built only on failure.
#define CPH_FUZZ_CHECK(cond, msg)                              \
  do {                                                         \
    if (!(cond)) ::cph::fuzz::fail(__FILE__, __LINE__, (msg)); \
  } while (0)
