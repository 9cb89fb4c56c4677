#include "wire/go_time.hpp"

#include <chrono>

#include "wire/utf8.hpp"

namespace cph::gotime {
namespace {

constexpr std::string_view kLayout = "2006-01-02T15:04:05Z07:00";

bool is_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int days_in(int month, int64_t year) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap(year)) return 29;
  return days[month - 1];
}

bool is_digit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// time's quote(): ASCII printable as is (with \" and \\), everything else as
// \xNN per byte of the rune (a RuneError counts 1 byte, or 3 when literally
// U+FFFD).
std::string quote(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const auto r = utf8::decode(s, i);
    if (r.r >= 0x80 || r.r < ' ') {
      for (size_t j = 0; j < r.size; ++j) {
        const auto b = static_cast<unsigned char>(s[i + j]);
        out += "\\x";
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 15]);
      }
    } else {
      if (r.r == '"' || r.r == '\\') out.push_back('\\');
      out.push_back(static_cast<char>(r.r));
    }
    i += r.size;
  }
  return out + "\"";
}

std::string cannot_parse(std::string_view value, std::string_view value_elem, std::string_view layout_elem) {
  return "parsing time " + quote(value) + " as " + quote(kLayout) + ": cannot parse " + quote(value_elem) + " as " +
         quote(layout_elem);
}

std::string out_of_range(std::string_view value, std::string_view what) {
  return "parsing time " + quote(value) + ": " + std::string(what) + " out of range";
}

// getnum: one or two digits (exactly two when fixed).
bool getnum(std::string_view& s, bool fixed, int& out) {
  if (!is_digit(s, 0)) return false;
  if (!is_digit(s, 1)) {
    if (fixed) return false;
    out = s[0] - '0';
    s.remove_prefix(1);
    return true;
  }
  out = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return true;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

// A port of time.Parse for the RFC3339 layout, chunk by chunk. Go first tries
// a fast path, but everything it accepts Parse accepts with the same result,
// and every error text comes from Parse.
ParseResult parse_rfc3339(std::string_view text) {
  ParseResult res;
  std::string_view v = text;
  int year = 0, month = 0, day = 0, hour = 0, min = 0, sec = 0, nsec = 0, zone = 0;
  auto skip = [&](char c) {
    if (v.empty() || v[0] != c) {
      res.error = cannot_parse(text, v, std::string_view(&c, 1));
      return false;
    }
    v.remove_prefix(1);
    return true;
  };
  auto bad = [&](std::string_view hold, std::string_view elem) {
    res.error = cannot_parse(text, hold, elem);
    return res;
  };
  // 2006
  std::string_view hold = v;
  if (v.size() < 4 || !is_digit(v, 0)) return bad(hold, "2006");
  for (size_t i = 0; i < 4; ++i) {
    if (!is_digit(v, i)) return bad(hold, "2006");
    year = year * 10 + (v[i] - '0');
  }
  v.remove_prefix(4);
  // -01
  if (!skip('-')) return res;
  hold = v;
  if (!getnum(v, true, month)) return bad(hold, "01");
  if (month <= 0 || month > 12) {
    res.error = out_of_range(text, "month");
    return res;
  }
  // -02 (any one- or two-digit day; validated at the end)
  if (!skip('-')) return res;
  hold = v;
  if (!getnum(v, true, day)) return bad(hold, "02");
  // T15
  if (!skip('T')) return res;
  hold = v;
  if (!getnum(v, false, hour)) return bad(hold, "15");
  if (hour >= 24) {
    res.error = out_of_range(text, "hour");
    return res;
  }
  // :04
  if (!skip(':')) return res;
  hold = v;
  if (!getnum(v, true, min)) return bad(hold, "04");
  if (min >= 60) {
    res.error = out_of_range(text, "minute");
    return res;
  }
  // :05, with an optional fraction the layout does not name
  if (!skip(':')) return res;
  hold = v;
  if (!getnum(v, true, sec)) return bad(hold, "05");
  if (sec >= 60) {
    res.error = out_of_range(text, "second");
    return res;
  }
  if (v.size() >= 2 && (v[0] == '.' || v[0] == ',') && is_digit(v, 1)) {
    size_t n = 2;
    while (n < v.size() && is_digit(v, n)) ++n;
    const size_t used = std::min<size_t>(n, 10);  // nine digits at most count
    for (size_t i = 1; i < used; ++i) nsec = nsec * 10 + (v[i] - '0');
    for (size_t i = used; i < 10; ++i) nsec *= 10;
    v.remove_prefix(n);
  }
  // Z07:00
  hold = v;
  if (!v.empty() && v[0] == 'Z') {
    v.remove_prefix(1);
  } else {
    if (v.size() < 6 || v[3] != ':') return bad(hold, "Z07:00");
    std::string_view hh = v.substr(1, 2), mm = v.substr(4, 2);
    const char sign = v[0];
    v.remove_prefix(6);
    int hr = 0, mn = 0;  // a failed getnum leaves 0, as Go's does
    bool ok = getnum(hh, true, hr);
    if (ok) ok = getnum(mm, true, mn);
    const char* range = nullptr;
    if (hr > 24) range = "time zone offset hour";
    if (mn > 60) range = "time zone offset minute";
    if (range != nullptr) {
      res.error = out_of_range(text, range);
      return res;
    }
    if (sign != '+' && sign != '-') ok = false;
    if (!ok) return bad(hold, "Z07:00");
    zone = (hr * 60 + mn) * 60 * (sign == '-' ? -1 : 1);
  }
  if (!v.empty()) {
    res.error = "parsing time " + quote(text) + ": extra text: " + quote(v);
    return res;
  }
  if (day < 1 || day > days_in(month, year)) {
    res.error = out_of_range(text, "day");
    return res;
  }
  const int64_t local = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                        hour * 3600 + min * 60 + sec;
  res.ok = true;
  res.time.unix_seconds = local - zone;
  res.time.nanos = nsec;
  res.time.offset_seconds = zone;
  res.time.text = std::string(text);
  return res;
}

std::string format_rfc3339(int64_t unix_seconds, int32_t nanos, int32_t offset_seconds, bool fixed_nanos) {
  const int64_t local = unix_seconds + offset_seconds;
  int64_t days = local / 86400, secs = local % 86400;
  if (secs < 0) {
    secs += 86400;
    days -= 1;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  std::string out;
  auto two = [&](int64_t n) {
    out.push_back(static_cast<char>('0' + n / 10));
    out.push_back(static_cast<char>('0' + n % 10));
  };
  // Go's appendInt(year, 4): sign, then at least four digits.
  if (y < 0) out.push_back('-');
  std::string digits = std::to_string(y < 0 ? -y : y);
  if (digits.size() < 4) digits.insert(0, 4 - digits.size(), '0');
  out += digits;
  out.push_back('-');
  two(m);
  out.push_back('-');
  two(d);
  out.push_back('T');
  two(secs / 3600);
  out.push_back(':');
  two(secs / 60 % 60);
  out.push_back(':');
  two(secs % 60);
  if (fixed_nanos || nanos != 0) {
    std::string frac = std::to_string(nanos);
    frac.insert(0, 9 - frac.size(), '0');
    if (!fixed_nanos) frac.erase(frac.find_last_not_of('0') + 1);
    out += "." + frac;
  }
  if (offset_seconds == 0) {
    out.push_back('Z');
  } else {
    int32_t off = offset_seconds / 60;
    out.push_back(off < 0 ? '-' : '+');
    if (off < 0) off = -off;
    two(off / 60);
    out.push_back(':');
    two(off % 60);
  }
  return out;
}

}  // namespace cph::gotime

namespace cph::wire {

std::string Time::utc_rfc3339_nano() const { return gotime::format_rfc3339(unix_seconds, nanos, 0, true); }

Time Time::now() {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  Time t;
  t.unix_seconds = ns / 1000000000;
  t.nanos = static_cast<int32_t>(ns % 1000000000);
  t.text = gotime::format_rfc3339(t.unix_seconds, t.nanos, 0, false);
  return t;
}

}  // namespace cph::wire
