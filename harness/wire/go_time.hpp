// Go's time text for the wire: RFC 3339 parsing exactly as time.Time's
// UnmarshalJSON does it (parseStrictRFC3339, which falls back to
// time.Parse(time.RFC3339, ...) and returns its errors word for word), and
// RFC 3339 formatting as time.Time.MarshalJSON and Format write it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/messages.hpp"

namespace cph::gotime {

struct ParseResult {
  bool ok = false;
  wire::Time time;    // when ok
  std::string error;  // Go's *time.ParseError text when !ok
};
// `text` is the content between the JSON quotes, raw (Go does not unescape it).
ParseResult parse_rfc3339(std::string_view text);

// "2006-01-02T15:04:05.999999999Z07:00" (trailing zeros trimmed, as
// MarshalJSON), or with exactly nine fraction digits when fixed_nanos.
std::string format_rfc3339(int64_t unix_seconds, int32_t nanos, int32_t offset_seconds, bool fixed_nanos);

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d);

}  // namespace cph::gotime
