#include "input/duration.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace cph::input {

namespace {

constexpr long double kMaxNs = static_cast<long double>(std::chrono::nanoseconds(kMaxDuration).count());

DurationResult from_ns(long double ns, std::string_view text) {
  if (!std::isfinite(ns) || ns < 0) return {std::nullopt, "\"" + std::string(text) + "\" is not a duration"};
  if (ns > kMaxNs) return {std::nullopt, "\"" + std::string(text) + "\" is longer than the longest duration, 1000h"};
  return {std::chrono::nanoseconds(static_cast<int64_t>(std::llround(ns))), ""};
}

}  // namespace

DurationResult parse_duration(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  size_t i = 0;
  bool digits = false, dot = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!digits) return {std::nullopt, quoted + " is not a duration (want e.g. \"250ms\", \"2s\", \"5m\")"};
  const std::string_view unit = text.substr(i);
  if (unit.empty()) {
    return {std::nullopt,
            quoted + " has no unit: write \"" + std::string(text) + "ms\" or \"" + std::string(text) + "s\""};
  }
  long double per_ns;
  if (unit == "ns")
    per_ns = 1;
  else if (unit == "us")
    per_ns = 1e3L;
  else if (unit == "ms")
    per_ns = 1e6L;
  else if (unit == "s")
    per_ns = 1e9L;
  else if (unit == "m")
    per_ns = 60e9L;
  else if (unit == "h")
    per_ns = 3600e9L;
  else
    return {std::nullopt, quoted + ": unknown unit \"" + std::string(unit) + "\" (ns, us, ms, s, m or h)"};
  // Digits and at most one dot: strtold reads all of them (no sign, no exponent, no hex).
  const std::string number(text.substr(0, i));
  const long double n = std::strtold(number.c_str(), nullptr);
  return from_ns(n * per_ns, text);
}

DurationResult parse_duration_json(const nlohmann::json& v) {
  if (v.is_string()) return parse_duration(v.get_ref<const std::string&>());
  if (v.is_number()) {
    const long double ms = v.get<double>();
    return from_ns(ms * 1e6L, v.dump());
  }
  return {std::nullopt, v.dump() + " is not a duration (want e.g. \"250ms\", \"2s\", or a number of milliseconds)"};
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

}  // namespace cph::input
