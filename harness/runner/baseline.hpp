// The known-failures baseline (protobuf conformance style): a text file, one
// case ID or glob per line, optionally followed by "# expected: <substring of
// the failure message>"; other "#" text is a comment. A listed case may fail;
// one that passes, or fails with another message, makes the run fail, and so
// does an entry that matches no case, so the list never goes stale silently.
//
//   # cph check baseline for my-helper
//   close/exit-after-reply   # expected: exited pre-Close
//   hostile/**               # not fixing these yet
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cph::runner {

struct CaseResult;

// A malformed baseline; what() is "file:line: problem".
struct BaselineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct BaselineEntry {
  std::string pattern;                  // a case ID or glob (glob.hpp)
  std::optional<std::string> expected;  // message substring, when given
  int line = 0;                         // 1-based
  std::string text;                     // the line as written
};

struct Baseline {
  std::string name;    // the file, for messages
  std::string header;  // the comment lines before the first entry, kept on rewrite
  std::vector<BaselineEntry> entries;

  // Throws BaselineError naming name:line.
  static Baseline parse(std::string_view text, const std::string& name);
  // Throws BaselineError when the file cannot be read or is malformed.
  static Baseline load(const std::string& path);

  // The first entry whose pattern matches `id`, or nullptr.
  const BaselineEntry* find(std::string_view id) const;
  std::string where(const BaselineEntry& e) const;  // "file:line"
};

// The text of a baseline rewritten from a run: every MUST or SHOULD case
// that failed, with its message; entries of `old` that match none of the
// `ran` IDs are kept as they were, as is its leading comment block.
std::string render_baseline(const Baseline* old, const std::vector<CaseResult>& ran);

}  // namespace cph::runner
