#include "fuzzer/duration.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace cph::fuzzer {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::string s(text);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(v) || v < 0) return std::nullopt;
  const std::string unit(end);
  double ms;
  if (unit.empty() || unit == "s") ms = v * 1000;
  else if (unit == "ms") ms = v;
  else if (unit == "m") ms = v * 60000;
  else if (unit == "h") ms = v * 3600000;
  else return std::nullopt;
  if (ms > 1e12) return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(ms)));
}

std::string format_duration(std::chrono::nanoseconds d) {
  const double s = std::chrono::duration<double>(d).count();
  char buf[48];
  if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.2f s", s);
  } else {
    const long total = static_cast<long>(s);
    std::snprintf(buf, sizeof buf, "%ldm%02lds", total / 60, total % 60);
  }
  return buf;
}

}  // namespace cph::fuzzer
