// Durations, one grammar everywhere (docs/durations.md): a decimal number
// and a unit, "250ms", "1.5s", "2m", "1h", "10us", "500ns". In JSON files
// (fake scripts, scenario files) a JSON number is milliseconds, as those
// files have always written them (`"delay": 250`). On the command line a bare
// number is refused: `--duration 250` has meant seconds there, and the same
// 250 means milliseconds in a file, so it must name its unit.
//
// Bounded: at most kMaxDuration (1000 h), so every value fits
// std::chrono::nanoseconds (int64) with room to add it to a time point.
#pragma once
#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace cph::input {

inline constexpr std::chrono::hours kMaxDuration{1000};

struct DurationResult {
  std::optional<std::chrono::nanoseconds> value;
  std::string error;  // why not, e.g. `want a unit: "250ms" or "250s"`
  explicit operator bool() const { return value.has_value(); }
};

// Text with a unit. Negative, empty, unit-less, NaN and over-the-bound texts
// are refused with the reason in `error`.
DurationResult parse_duration(std::string_view text);

// A JSON value from a file: a string as parse_duration, or a non-negative
// number of milliseconds.
DurationResult parse_duration_json(const nlohmann::json& v);

// "4.21 s", "2m03s": for messages.
std::string format_duration(std::chrono::nanoseconds d);

}  // namespace cph::input
