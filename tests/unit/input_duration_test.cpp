// One duration grammar for fake scripts, scenario files and cph's flags
// (harness/input/duration.hpp, docs/durations.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "input/duration.hpp"

namespace {

using namespace std::chrono_literals;
using cph::input::parse_duration;
using cph::input::parse_duration_json;
using nlohmann::json;

TEST(InputDuration, TextNeedsAUnit) {
  EXPECT_EQ(parse_duration("250ms").value, 250ms);
  EXPECT_EQ(parse_duration("2s").value, 2s);
  EXPECT_EQ(parse_duration("1.5m").value, 90s);
  EXPECT_EQ(parse_duration("3m").value, 3min);
  EXPECT_EQ(parse_duration("1h").value, 1h);
  EXPECT_EQ(parse_duration("100us").value, 100us);
  EXPECT_EQ(parse_duration("7ns").value, 7ns);
  EXPECT_EQ(parse_duration("0s").value, 0ns);
  // A bare number means milliseconds in a file and seconds on the old
  // command line: refused, with the two readings offered.
  const auto bare = parse_duration("250");
  EXPECT_FALSE(bare);
  EXPECT_EQ(bare.error, "\"250\" has no unit: write \"250ms\" or \"250s\"");
  for (const char* bad : {"", "ms", "s", "-1s", "+1s", "5 s", "1.2.3s", "5d", "1e3ms", "0x10s", "nan", "inf", ".",
                          "1,5s", " 1s", "1s "}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
    EXPECT_FALSE(parse_duration(bad).error.empty()) << bad;
  }
}

TEST(InputDuration, BoundedBelowInt64Nanoseconds) {
  EXPECT_EQ(parse_duration("1000h").value, 1000h);
  EXPECT_EQ(parse_duration("1000h").value, cph::input::kMaxDuration);
  // 1e19 ns is past int64: converting it would be undefined behaviour.
  for (const char* big : {"1000.001h", "10000000000s", "99999999999999999999999999999ms",
                          "100000000000000000000000000000000000000000000000000000000000000000000h"}) {
    const auto r = parse_duration(big);
    EXPECT_FALSE(r) << big;
    EXPECT_NE(r.error.find("longer than the longest duration, 1000h"), std::string::npos) << r.error;
  }
  EXPECT_FALSE(parse_duration_json(json(1e300)));
  EXPECT_FALSE(parse_duration_json(json(3.6e9 + 1)));  // ms: just over 1000 h
}

TEST(InputDuration, JsonNumbersAreMilliseconds) {
  EXPECT_EQ(parse_duration_json(json(40)).value, 40ms);
  EXPECT_EQ(parse_duration_json(json(0.5)).value, 500us);
  EXPECT_EQ(parse_duration_json(json("2s")).value, 2s);
  for (json bad : {json("5"), json(-3), json(true), json(nullptr), json::array(), json("10 parsecs")}) {
    EXPECT_FALSE(parse_duration_json(bad)) << bad.dump();
  }
}

}  // namespace
