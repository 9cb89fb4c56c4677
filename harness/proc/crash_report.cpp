#include "proc/crash_report.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace cph::proc {

namespace {

// Markers at the start of a line, and the crash each one reports.
// Go: runtime/panic.go prints "panic: " then the value and, for a fatal
// runtime error, "fatal error: "; then "goroutine N [state]:" and exits 2.
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kLineStarts = {{
    {"panic: ", "a Go runtime panic"},
    {"fatal error: ", "a Go fatal error"},
    {"goroutine ", "a Go goroutine dump"},  // checked for "goroutine N [" below
    {"SIGSEGV: segmentation violation", "a Go runtime signal"},
    {"SIGBUS: bus error", "a Go runtime signal"},
    {"thread '", "a Rust panic"},  // checked for "' panicked at" below
    {"Traceback (most recent call last):", "a Python traceback"},
    {"terminate called after throwing", "an uncaught C++ exception"},
    {"Exception in thread \"", "an uncaught Java exception"},
    {"SUMMARY: AddressSanitizer", "an AddressSanitizer report"},
    {"SUMMARY: UndefinedBehaviorSanitizer", "an UndefinedBehaviorSanitizer report"},
    {"SUMMARY: ThreadSanitizer", "a ThreadSanitizer report"},
}};

// Sanitizer reports start "==PID==ERROR: AddressSanitizer: ..." (or
// LeakSanitizer, MemorySanitizer); ThreadSanitizer's "WARNING: ThreadSanitizer".
std::string_view sanitizer_line(std::string_view line) {
  if (line.size() < 3 || line.substr(0, 2) != "==") return {};
  size_t i = 2;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
  if (i == 2 || line.substr(i, 2) != "==") return {};
  std::string_view rest = line.substr(i + 2);
  for (auto [prefix, kind] :
       {std::pair<std::string_view, std::string_view>{"ERROR: AddressSanitizer", "an AddressSanitizer report"},
        {"ERROR: LeakSanitizer", "a LeakSanitizer report"},
        {"ERROR: MemorySanitizer", "a MemorySanitizer report"},
        {"WARNING: ThreadSanitizer", "a ThreadSanitizer report"}}) {
    if (rest.substr(0, prefix.size()) == prefix) return kind;
  }
  return {};
}

bool goroutine_header(std::string_view line) {
  // "goroutine 1 [running]:"
  size_t i = 10;
  size_t digits = 0;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i, ++digits;
  return digits > 0 && line.substr(i, 2) == " [";
}

std::string_view kind_of(std::string_view line) {
  if (auto k = sanitizer_line(line); !k.empty()) return k;
  // UBSan without a summary: "file.cc:12:3: runtime error: ...", the
  // line starting with a path and a line:column.
  if (size_t at = line.find(": runtime error: "); at != std::string_view::npos) {
    std::string_view where = line.substr(0, at);
    size_t colon = where.rfind(':');
    size_t colon2 = colon == std::string_view::npos ? colon : where.rfind(':', colon - 1);
    auto digits = [](std::string_view d) {
      return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
    };
    if (colon2 != std::string_view::npos && colon2 > 0 && where.find(' ') == std::string_view::npos &&
        digits(where.substr(colon + 1)) && digits(where.substr(colon2 + 1, colon - colon2 - 1))) {
      return "an UndefinedBehaviorSanitizer report";
    }
  }
  for (auto [prefix, kind] : kLineStarts) {
    if (line.substr(0, prefix.size()) != prefix) continue;
    if (prefix == "goroutine " && !goroutine_header(line)) continue;
    if (prefix == "thread '" && line.find("' panicked at") == std::string_view::npos) continue;
    return kind;
  }
  return {};
}

}  // namespace

std::optional<CrashMarker> find_crash_marker(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (auto k = kind_of(line); !k.empty()) return CrashMarker{std::string(k), start};
    start = end + 1;
  }
  return std::nullopt;
}

std::string crash_report(const std::optional<ExitStatus>& status, std::string_view stderr_text) {
  auto marker = find_crash_marker(stderr_text);
  std::string what;
  if (marker) {
    what = marker->kind;
  } else if (status && status->signaled()) {
    what = "death by a signal";
  } else {
    return "";
  }
  if (status) what += " (" + status->describe() + ")";
  if (!marker) {
    // Whatever it said last, for context.
    std::string_view tail = stderr_text;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.remove_suffix(1);
    if (tail.empty()) return what + ", nothing on stderr";
    if (tail.size() > 300) tail = tail.substr(tail.size() - 300);
    marker = CrashMarker{"", static_cast<size_t>(tail.data() - stderr_text.data())};
  }
  // The excerpt: up to 8 lines (600 bytes) from the marker, lines joined by " | ".
  std::string excerpt;
  int lines = 0;
  for (size_t i = marker->offset; i < stderr_text.size() && lines < 8 && excerpt.size() < 600; ++i) {
    char c = stderr_text[i];
    if (c == '\n') {
      ++lines;
      if (i + 1 < stderr_text.size()) excerpt += " | ";
    } else if (c != '\r') {
      excerpt += c;
    }
  }
  while (!excerpt.empty() && (excerpt.back() == ' ' || excerpt.back() == '|')) excerpt.pop_back();
  return what + ": " + excerpt;
}

}  // namespace cph::proc
