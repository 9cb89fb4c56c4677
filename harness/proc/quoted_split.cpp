#include "proc/quoted_split.hpp"

namespace cph::proc {

namespace {
bool is_space_byte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
}  // namespace

QuotedSplit quoted_split(std::string_view s) {
  QuotedSplit out;
  while (!s.empty()) {
    while (!s.empty() && is_space_byte(s.front())) s.remove_prefix(1);
    if (s.empty()) break;
    if (s.front() == '"' || s.front() == '\'') {
      const char quote = s.front();
      s.remove_prefix(1);
      const size_t end = s.find(quote);
      if (end == std::string_view::npos) {
        // Go returns no fields at all on error.
        out.fields.clear();
        out.error = std::string("unterminated ") + quote + " string";
        return out;
      }
      out.fields.emplace_back(s.substr(0, end));
      s.remove_prefix(end + 1);
      continue;
    }
    size_t i = 0;
    while (i < s.size() && !is_space_byte(s[i])) ++i;
    out.fields.emplace_back(s.substr(0, i));
    s.remove_prefix(i);
  }
  return out;
}

}  // namespace cph::proc
