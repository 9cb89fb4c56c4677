// Splits a command line exactly as Go's cmd/internal/quoted.Split does (the
// way `go` splits GOCACHEPROG): fields separated by space, tab, CR or LF; a
// field that starts with ' or " runs to the next same quote, with no
// unescaping; quotes further inside a field are ordinary characters.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace cph::proc {

struct QuotedSplit {
  std::vector<std::string> fields;
  std::string error;  // Go's text, e.g. "unterminated ' string"; empty on success
  bool ok() const { return error.empty(); }
};

QuotedSplit quoted_split(std::string_view s);

}  // namespace cph::proc
