#include "wire/response_fast_path.hpp"

#include <cstdint>
#include <string>

#include "wire/base64.hpp"
#include "wire/go_time.hpp"

namespace cph::wire {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A cursor that declines (ok = false) on anything but the plain shape.
struct Plain {
  std::string_view in;
  size_t p = 0;
  bool ok = true;

  bool eat(char c) {
    if (p < in.size() && in[p] == c) {
      ++p;
      return true;
    }
    return false;
  }
  // A string literal of printable ASCII without escapes; returns its contents.
  std::string_view string() {
    if (!eat('"')) return fail();
    const size_t start = p;
    while (p < in.size()) {
      const unsigned char c = static_cast<unsigned char>(in[p]);
      if (c == '"') return in.substr(start, p++ - start);
      if (c < 0x20 || c >= 0x7f || c == '\\') break;
      ++p;
    }
    return fail();
  }
  // An integer in JSON's grammar that fits int64 without question (<= 18
  // digits), followed by ',' or '}' (so no fraction or exponent).
  int64_t integer() {
    const bool neg = eat('-');
    const size_t start = p;
    int64_t v = 0;
    while (p < in.size() && in[p] >= '0' && in[p] <= '9') {
      if (p - start == 18) return fail(), 0;  // before v could overflow
      v = v * 10 + (in[p++] - '0');
    }
    const size_t digits = p - start;
    if (digits == 0 || (digits > 1 && in[start] == '0')) return fail(), 0;
    if (p >= in.size() || (in[p] != ',' && in[p] != '}')) return fail(), 0;
    return neg ? -v : v;
  }
  bool boolean() {
    if (in.substr(p, 4) == "true") {
      p += 4;
      return true;
    }
    if (in.substr(p, 5) == "false") {
      p += 5;
      return false;
    }
    fail();
    return false;
  }
  std::string_view fail() {
    ok = false;
    p = in.size();
    return {};
  }
};

enum Field : unsigned { kID, kErr, kKnownCommands, kMiss, kOutputID, kSize, kTime, kDiskPath, kUnknown };

Field field_of(std::string_view key) {
  static constexpr std::string_view names[] = {"ID",       "Err",  "KnownCommands", "Miss",
                                               "OutputID", "Size", "Time",          "DiskPath"};
  for (unsigned i = 0; i < kUnknown; ++i)
    if (key == names[i]) return static_cast<Field>(i);
  return kUnknown;
}

}  // namespace

size_t decode_plain_response(std::string_view in, Response& out) {
  Plain c{in};
  while (c.p < in.size() && is_space(in[c.p])) ++c.p;
  if (!c.eat('{')) return 0;
  out = Response{};
  if (c.eat('}')) return c.p;
  unsigned seen = 0;
  do {
    const Field f = field_of(c.string());
    if (!c.ok || f == kUnknown || (seen & (1u << f)) != 0 || !c.eat(':')) return 0;
    seen |= 1u << f;
    switch (f) {
      case kID: out.id = c.integer(); break;
      case kSize: out.size = c.integer(); break;
      case kErr: out.err = c.string(); break;
      case kDiskPath: out.disk_path = c.string(); break;
      case kMiss: out.miss = c.boolean(); break;
      case kOutputID: {
        const std::string_view text = c.string();
        if (c.ok && base64::decode(text, out.output_id)) return 0;  // Go's error text comes from the exact path
        break;
      }
      case kTime: {
        const std::string_view text = c.string();
        if (!c.ok) return 0;
        auto parsed = gotime::parse_rfc3339(text);
        if (!parsed.ok) return 0;
        out.time = std::move(parsed.time);
        break;
      }
      case kKnownCommands:
        if (!c.eat('[')) return 0;
        if (!c.eat(']')) {
          do out.known_commands.emplace_back(c.string());
          while (c.ok && c.eat(','));
          if (!c.eat(']')) return 0;
        }
        break;
      case kUnknown: return 0;
    }
    if (!c.ok) return 0;
  } while (c.eat(','));
  return c.eat('}') ? c.p : 0;
}

}  // namespace cph::wire
