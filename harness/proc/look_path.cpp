#include "proc/look_path.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace cph::proc {

std::string go_strconv_quote(const std::string& s) {
  // strconv.Quote for the printable ASCII names we meet; others escaped.
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c >= 0x80) {
      out += static_cast<char>(c);  // UTF-8 passes through as in Go
    } else {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out + "\"";
}

namespace {

std::string exec_error(const std::string& name, const std::string& err) {
  return "exec: " + go_strconv_quote(name) + ": " + err;
}

// findExecutable: 0 on success, else the errno Go would report.
int find_executable(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return errno;
  if (S_ISDIR(st.st_mode)) return EISDIR;
  if (::eaccess(file.c_str(), X_OK) == 0) return 0;
  const int err = errno;
  if (err != ENOSYS && err != EPERM) return err;
  return (st.st_mode & 0111) != 0 ? 0 : EACCES;
}

}  // namespace

std::string errno_text(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

LookPathResult look_path(const std::string& name, const std::string& path_env) {
  LookPathResult r;
  if (name.empty()) {
    // exec.Command("") does no lookup; Start says "exec: no command".
    r.error = "exec: no command";
    return r;
  }
  if (name.find('/') != std::string::npos) {
    r.path = name;  // exec.Command does not look these up
    return r;
  }
  if (name == "." || name == "..") {
    r.error = exec_error(name, "executable file not found in $PATH");
    return r;
  }
  size_t start = 0;
  while (true) {
    const size_t colon = path_env.find(':', start);
    std::string dir = path_env.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty()) dir = ".";  // Unix shell semantics
    const std::string candidate = dir + "/" + name;
    if (find_executable(candidate) == 0) {
      if (candidate.front() != '/') {
        // Go refuses a relative result (ErrDot) unless GODEBUG=execerrdot=0.
        r.error = exec_error(name, "cannot run executable found relative to current directory");
        return r;
      }
      r.path = candidate;
      return r;
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  r.error = exec_error(name, "executable file not found in $PATH");
  return r;
}

}  // namespace cph::proc
