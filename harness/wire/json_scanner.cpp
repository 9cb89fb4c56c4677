#include "wire/json_scanner.hpp"

#include "wire/utf8.hpp"

namespace cph::gojson {
namespace {
constexpr size_t kMaxNestingDepth = 10000;
bool is_hex(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
}  // namespace

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// strconv.Quote(string(rune(c))) with single quotes: the byte is taken as the
// rune U+00XX; unprintable ones are escaped as Go's strconv does.
std::string quote_char(unsigned char c) {
  static constexpr char hex[] = "0123456789abcdef";
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string body;
  switch (c) {
    case '\a': body = "\\a"; break;
    case '\b': body = "\\b"; break;
    case '\f': body = "\\f"; break;
    case '\n': body = "\\n"; break;
    case '\r': body = "\\r"; break;
    case '\t': body = "\\t"; break;
    case '\v': body = "\\v"; break;
    case '\\': body = "\\\\"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        body = std::string("\\x") + hex[c >> 4] + hex[c & 15];
      } else if (c < 0x7f) {
        body = std::string(1, static_cast<char>(c));
      } else if (c < 0xA1 || c == 0xAD) {  // not printable in Latin-1
        body = std::string("\\u00") + hex[c >> 4] + hex[c & 15];
      } else {
        utf8::append(body, c);
      }
  }
  return "'" + body + "'";
}

void Scanner::reset() {
  step_ = State::begin_value;
  parse_state_.clear();
  err_.clear();
}

Op Scanner::fail(unsigned char c, const char* context) {
  step_ = State::error;
  err_ = "invalid character " + quote_char(c) + " " + context;
  return Op::error;
}

Op Scanner::push(unsigned char c, ParseState ps, Op success) {
  parse_state_.push_back(ps);
  if (parse_state_.size() <= kMaxNestingDepth) return success;
  return fail(c, "exceeded max depth");
}

void Scanner::pop() {
  parse_state_.pop_back();
  step_ = parse_state_.empty() ? State::end_top : State::end_value;
}

Op Scanner::eof() {
  if (step_ == State::error) return Op::error;
  if (step_ == State::end_top) return Op::end;
  step(' ');
  if (step_ == State::end_top) return Op::end;
  if (err_.empty()) err_ = "unexpected end of JSON input";
  return Op::error;
}

Op Scanner::begin_value(unsigned char c) {
  if (is_space(c)) return Op::skip_space;
  switch (c) {
    case '{': step_ = State::begin_string_or_empty; return push(c, object_key, Op::begin_object);
    case '[': step_ = State::begin_value_or_empty; return push(c, array_value, Op::begin_array);
    case '"': step_ = State::in_string; return Op::begin_literal;
    case '-': step_ = State::neg; return Op::begin_literal;
    case '0': step_ = State::zero; return Op::begin_literal;
    case 't': step_ = State::t; return Op::begin_literal;
    case 'f': step_ = State::f; return Op::begin_literal;
    case 'n': step_ = State::n; return Op::begin_literal;
  }
  if (c >= '1' && c <= '9') {
    step_ = State::one;
    return Op::begin_literal;
  }
  return fail(c, "looking for beginning of value");
}

Op Scanner::begin_string(unsigned char c) {
  if (is_space(c)) return Op::skip_space;
  if (c == '"') {
    step_ = State::in_string;
    return Op::begin_literal;
  }
  return fail(c, "looking for beginning of object key string");
}

Op Scanner::end_value(unsigned char c) {
  if (parse_state_.empty()) {
    // stateEndTop: the value is complete; a non-space byte is an error for a
    // later call, but this one still reports the end.
    step_ = State::end_top;
    if (!is_space(c)) fail(c, "after top-level value");
    return Op::end;
  }
  if (is_space(c)) {
    step_ = State::end_value;
    return Op::skip_space;
  }
  switch (parse_state_.back()) {
    case object_key:
      if (c == ':') {
        parse_state_.back() = object_value;
        step_ = State::begin_value;
        return Op::object_key;
      }
      return fail(c, "after object key");
    case object_value:
      if (c == ',') {
        parse_state_.back() = object_key;
        step_ = State::begin_string;
        return Op::object_value;
      }
      if (c == '}') {
        pop();
        return Op::end_object;
      }
      return fail(c, "after object key:value pair");
    case array_value:
      if (c == ',') {
        step_ = State::begin_value;
        return Op::array_value;
      }
      if (c == ']') {
        pop();
        return Op::end_array;
      }
      return fail(c, "after array element");
  }
  return fail(c, "");
}

Op Scanner::state0(unsigned char c) {
  if (c == '.') {
    step_ = State::dot;
    return Op::cont;
  }
  if (c == 'e' || c == 'E') {
    step_ = State::e;
    return Op::cont;
  }
  return end_value(c);
}

Op Scanner::state_e_sign(unsigned char c) {
  if (is_digit(c)) {
    step_ = State::e0;
    return Op::cont;
  }
  return fail(c, "in exponent of numeric literal");
}

Op Scanner::step(unsigned char c) {
  auto expect = [&](unsigned char want, State next, const char* context) {
    if (c == want) {
      step_ = next;
      return Op::cont;
    }
    return fail(c, context);
  };
  auto hex_digit = [&](State next) {
    if (is_hex(c)) {
      step_ = next;
      return Op::cont;
    }
    return fail(c, "in \\u hexadecimal character escape");
  };
  switch (step_) {
    case State::begin_value_or_empty:
      if (is_space(c)) return Op::skip_space;
      if (c == ']') return end_value(c);
      return begin_value(c);
    case State::begin_value: return begin_value(c);
    case State::begin_string_or_empty:
      if (is_space(c)) return Op::skip_space;
      if (c == '}') {
        parse_state_.back() = object_value;
        return end_value(c);
      }
      return begin_string(c);
    case State::begin_string: return begin_string(c);
    case State::end_value: return end_value(c);
    case State::end_top:
      if (!is_space(c)) fail(c, "after top-level value");
      return Op::end;
    case State::in_string:
      if (c == '"') {
        step_ = State::end_value;
        return Op::cont;
      }
      if (c == '\\') {
        step_ = State::in_string_esc;
        return Op::cont;
      }
      if (c < 0x20) return fail(c, "in string literal");
      return Op::cont;
    case State::in_string_esc:
      switch (c) {
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
        case '\\':
        case '/':
        case '"': step_ = State::in_string; return Op::cont;
        case 'u': step_ = State::in_string_esc_u; return Op::cont;
      }
      return fail(c, "in string escape code");
    case State::in_string_esc_u: return hex_digit(State::in_string_esc_u1);
    case State::in_string_esc_u1: return hex_digit(State::in_string_esc_u12);
    case State::in_string_esc_u12: return hex_digit(State::in_string_esc_u123);
    case State::in_string_esc_u123: return hex_digit(State::in_string);
    case State::neg:
      if (c == '0') {
        step_ = State::zero;
        return Op::cont;
      }
      if (c >= '1' && c <= '9') {
        step_ = State::one;
        return Op::cont;
      }
      return fail(c, "in numeric literal");
    case State::one:
      if (is_digit(c)) return Op::cont;
      return state0(c);
    case State::zero: return state0(c);
    case State::dot:
      if (is_digit(c)) {
        step_ = State::dot0;
        return Op::cont;
      }
      return fail(c, "after decimal point in numeric literal");
    case State::dot0:
      if (is_digit(c)) return Op::cont;
      if (c == 'e' || c == 'E') {
        step_ = State::e;
        return Op::cont;
      }
      return end_value(c);
    case State::e:
      if (c == '+' || c == '-') {
        step_ = State::e_sign;
        return Op::cont;
      }
      return state_e_sign(c);
    case State::e_sign: return state_e_sign(c);
    case State::e0:
      if (is_digit(c)) return Op::cont;
      return end_value(c);
    case State::t: return expect('r', State::tr, "in literal true (expecting 'r')");
    case State::tr: return expect('u', State::tru, "in literal true (expecting 'u')");
    case State::tru: return expect('e', State::end_value, "in literal true (expecting 'e')");
    case State::f: return expect('a', State::fa, "in literal false (expecting 'a')");
    case State::fa: return expect('l', State::fal, "in literal false (expecting 'l')");
    case State::fal: return expect('s', State::fals, "in literal false (expecting 's')");
    case State::fals: return expect('e', State::end_value, "in literal false (expecting 'e')");
    case State::n: return expect('u', State::nu, "in literal null (expecting 'u')");
    case State::nu: return expect('l', State::nul, "in literal null (expecting 'l')");
    case State::nul: return expect('l', State::end_value, "in literal null (expecting 'l')");
    case State::error: return Op::error;
  }
  return Op::error;
}

}  // namespace cph::gojson
