// Resolves a program name as Go's exec.Command does on Unix: a name without
// '/' is searched in $PATH (exec.LookPath, ErrDot included); a name with '/'
// is used as given and fails only when started. Errors carry Go's text, e.g.
// `exec: "foo": executable file not found in $PATH`.
#pragma once
#include <string>

namespace cph::proc {

struct LookPathResult {
  std::string path;   // what to execute (empty on error)
  std::string error;  // Go's error text; empty on success
  bool ok() const { return error.empty(); }
};

// `path_env` is the value of PATH to search (pass getenv("PATH")).
LookPathResult look_path(const std::string& name, const std::string& path_env);

// Go's strconv.Quote, for the names in Go's messages: "prog".
std::string go_strconv_quote(const std::string& s);

// Go's text for an errno (syscall.Errno.Error()): "no such file or directory".
std::string errno_text(int err);

}  // namespace cph::proc
