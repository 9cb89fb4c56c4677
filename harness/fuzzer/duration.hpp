// Durations on the command line and in messages: "500ms", "30s", "5m",
// "1h", "1.5s", or a bare number of seconds.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cph::fuzzer {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::nanoseconds d);  // "4.21 s", "2m03s"

}  // namespace cph::fuzzer
