// Fuzzes cph-fake's script parser (fake::parse_script), which reads
// user-written JSON-with-comments:
//  1. it never crashes and throws nothing but fake::ScriptError;
//  2. every error names its place: "<name>:<line>:<col>: ..." inside the text
//     for JSON syntax, "<name>: rules[...]..." (or "rules" / "(top)" for the
//     document itself) for the rest;
//  3. a script it accepts is well formed: rule paths are rules[0], rules[1],
//     ..., every rule has an action, times >= 0 and probability in 0..1;
//  4. parsing is deterministic: the same text gives the same rules or the same
//     error.
// Input: the script text itself.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "script.hpp"

namespace {

using cph::fuzz::printable;

constexpr const char* kName = "fuzz.jsonc";

struct Parsed {
  bool ok = false;
  std::string error;
  std::string summary;  // paths and action names of the rules
};

Parsed parse(std::string_view text) {
  Parsed p;
  try {
    const auto script = cph::fake::parse_script(text, kName);
    p.ok = true;
    for (size_t i = 0; i < script.rules.size(); ++i) {
      const auto& r = script.rules[i];
      const std::string want = "rules[" + std::to_string(i) + "]";
      CPH_FUZZ_CHECK(r.path == want, "rule path " + printable(r.path) + ", want " + want);
      CPH_FUZZ_CHECK(!r.actions.empty(), want + " has no action");
      CPH_FUZZ_CHECK(!r.times || *r.times >= 0, want + " times " + std::to_string(*r.times));
      CPH_FUZZ_CHECK(r.probability >= 0 && r.probability <= 1, want + " probability " + std::to_string(r.probability));
      p.summary += r.path + ":";
      for (const auto& a : r.actions) p.summary += std::string(cph::fake::action_name(a)) + ",";
      p.summary += ";";
    }
  } catch (const cph::fake::ScriptError& e) {
    p.error = e.what();
  } catch (const std::exception& e) {
    cph::fuzz::fail(__FILE__, __LINE__, "script " + printable(text) + " threw a non-ScriptError: " + e.what());
  }
  return p;
}

size_t digits_at(const std::string& s, size_t at) {
  size_t n = 0;
  while (at + n < s.size() && s[at + n] >= '0' && s[at + n] <= '9') ++n;
  return n;
}

int64_t number_at(const std::string& s, size_t at, size_t n) { return std::stoll(s.substr(at, n)); }

// "<name>:<line>:<col>: " with the place inside the text, or
// "<name>: rules[...", "<name>: rules: ", "<name>: (top): ".
void check_error_place(std::string_view text, const std::string& e) {
  const std::string name = kName;
  CPH_FUZZ_CHECK(e.rfind(name + ":", 0) == 0, "error without the script's name: " + printable(e));
  const size_t at = name.size() + 1;
  if (const size_t line_digits = digits_at(e, at); line_digits > 0) {
    const size_t col_at = at + line_digits + 1;
    const size_t col_digits = digits_at(e, col_at);
    CPH_FUZZ_CHECK(e[at + line_digits] == ':' && col_digits > 0 && e.compare(col_at + col_digits, 2, ": ") == 0,
                   "malformed line:col in " + printable(e));
    const int64_t line = number_at(e, at, line_digits), col = number_at(e, col_at, col_digits);
    int64_t lines = 1;
    for (char c : text) lines += c == '\n';
    CPH_FUZZ_CHECK(line >= 1 && line <= lines && col >= 1 && col <= static_cast<int64_t>(text.size()) + 1,
                   "line:col outside the text (" + std::to_string(lines) + " lines): " + printable(e));
    return;
  }
  const std::string rest = e.substr(at);
  CPH_FUZZ_CHECK(rest.rfind(" rules[", 0) == 0 || rest.rfind(" rules: ", 0) == 0 || rest.rfind(" (top): ", 0) == 0,
                 "error without a place: " + printable(e) + " for script " + printable(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Parsed first = parse(text);
  if (!first.ok) check_error_place(text, first.error);
  const Parsed again = parse(text);
  CPH_FUZZ_CHECK(again.ok == first.ok && again.error == first.error && again.summary == first.summary,
                 "parsing " + printable(text) + " twice differs: " + printable(first.error + first.summary) + " vs " +
                     printable(again.error + again.summary));
  return 0;
}
