// What cph says about itself and how to run it again: the `--version` text
// (the version, the Go releases it models, where its data is) and shell
// quoting for the commands it prints (`cph check`'s rerun line).
#pragma once
#include <string>
#include <vector>

namespace cph::cli {

// "cph VERSION", then one line per client::Profile::all() (its name and the
// Go releases it stands for), then the scenario catalogue in use.
std::string version_text();

// `word` as a POSIX shell reads it back: unchanged when it holds only safe
// characters ({dir} included), else in single quotes.
std::string shell_quote(const std::string& word);
// The words, quoted, joined by spaces.
std::string shell_command(const std::vector<std::string>& words);

}  // namespace cph::cli
