// Go's encoding/json scanner (scanner.go), ported state for state: it finds
// where a JSON value ends and reports syntax errors with Go's exact text
// ("invalid character 'x' looking for beginning of value", ...). Used the way
// json.Decoder.readValue uses it, one byte at a time, so it works on input
// that arrives in arbitrary chunks.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cph::gojson {

// The scanner's opcodes (Go's scanContinue, scanBeginLiteral, ...).
enum class Op {
  cont,
  begin_literal,
  begin_object,
  object_key,
  object_value,
  end_object,
  begin_array,
  array_value,
  end_array,
  skip_space,
  end,
  error
};

class Scanner {
 public:
  Scanner() { reset(); }
  void reset();
  Op step(unsigned char c);
  // Go's scanner.eof(): ends a top-level number or literal at end of input.
  Op eof();
  const std::string& error() const { return err_; }
  size_t depth() const { return parse_state_.size(); }

 private:
  enum class State : uint8_t {
    begin_value_or_empty,
    begin_value,
    begin_string_or_empty,
    begin_string,
    end_value,
    end_top,
    in_string,
    in_string_esc,
    in_string_esc_u,
    in_string_esc_u1,
    in_string_esc_u12,
    in_string_esc_u123,
    neg,
    one,
    zero,
    dot,
    dot0,
    e,
    e_sign,
    e0,
    t,
    tr,
    tru,
    f,
    fa,
    fal,
    fals,
    n,
    nu,
    nul,
    error,
  };
  enum ParseState : uint8_t { object_key, object_value, array_value };
  Op fail(unsigned char c, const char* context);
  Op push(unsigned char c, ParseState ps, Op success);
  void pop();
  Op end_value(unsigned char c);
  Op begin_value(unsigned char c);
  Op begin_string(unsigned char c);
  Op state0(unsigned char c);
  Op state_e_sign(unsigned char c);

  State step_ = State::begin_value;
  std::vector<ParseState> parse_state_;
  std::string err_;
};

// Go's quoteChar: how a byte is shown in a syntax error ('x', '\n', '\u0080').
std::string quote_char(unsigned char c);

bool is_space(unsigned char c);

}  // namespace cph::gojson
