// "did you mean" hints for misspelt names in input files.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace cph::input {

// `; did you mean "x"?` for the closest of `known` when it is close enough
// (edit distance at most a third of the word, and at least 1), else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& known);

// Line and column (both 1-based, column in bytes) of byte `offset` in `text`.
struct TextPosition {
  size_t line = 1;
  size_t column = 1;
};
TextPosition text_position(std::string_view text, size_t offset);

}  // namespace cph::input
