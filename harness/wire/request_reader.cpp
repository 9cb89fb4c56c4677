// The helper's reader. Tolerant mode is what a helper built on json.Decoder
// does: Decode(&req), then for BodySize > 0 Decode(&body) into a []byte. The
// header goes through the Go scanner and unmarshaller; a string body is
// unquoted and base64-decoded as it streams, keeping Go's precedence (a
// syntax error anywhere in the string beats a base64 error, which is
// reported when the string ends). Strict mode accepts only the bytes the go
// command itself writes.
#include "wire/request_reader.hpp"

#include "wire/base64_fast.hpp"

#include "wire/base64.hpp"
#include "wire/json_scanner.hpp"
#include "wire/json_unmarshal.hpp"

namespace cph::wire {
namespace {

enum class Phase {
  header,          // scanning the request's JSON value
  header_newline,  // strict: the encoder's '\n'
  blank_line,      // strict: the client's extra '\n'
  body_start,      // tolerant: whitespace, then the body value
  body_string,     // inside the body's JSON string
  body_escape,     // after a backslash
  body_unicode,    // inside \uXXXX
  body_other,      // tolerant: a body value that is not a string
  body_newline,    // strict: '\n' after the closing quote
};

const gojson::StructSpec& request_spec() {
  using gojson::Kind;
  static const gojson::StructSpec spec{"Request",
                                       "cacheprog.Request",
                                       {{"ID", Kind::int64, "int64", ""},
                                        {"Command", Kind::string, "cacheprog.Cmd", ""},
                                        {"ActionID", Kind::bytes, "[]uint8", "uint8"},
                                        {"OutputID", Kind::bytes, "[]uint8", "uint8"},
                                        {"BodySize", Kind::int64, "int64", ""},
                                        {"ObjectID", Kind::bytes, "[]uint8", "uint8"}}};
  return spec;
}

}  // namespace

struct RequestStreamReader::State {
  Mode mode;
  Callbacks cb;
  Phase phase = Phase::header;
  gojson::Scanner scanner;
  std::string value;  // the header (or a non-string body) being scanned
  Request current;
  int64_t offset = 0;
  std::string error;
  // Body decoding.
  std::unique_ptr<base64::StreamDecoder> b64;
  std::optional<base64::DecodeError> b64_error;
  int64_t body_bytes = 0;
  bool saw_pad = false;  // a '=' was fed: from here on every byte goes one by one
  int unicode_digits = 0;
  uint32_t unicode_value = 0;

  Status fail(const std::string& what) {
    error = "request stream byte " + std::to_string(offset) + ": " + what;
    return Status::error;
  }

  void start_body_string() {
    phase = Phase::body_string;
    body_bytes = 0;
    saw_pad = false;
    b64_error.reset();
    b64 = std::make_unique<base64::StreamDecoder>([this](std::string_view piece) {
      body_bytes += static_cast<int64_t>(piece.size());
      if (cb.on_body_bytes) cb.on_body_bytes(piece);
    });
  }

  // One unquoted byte of the body string to the base64 decoder.
  void body_byte(char c) {
    if (b64_error) return;
    if (c == '=') saw_pad = true;
    b64_error = b64->feed(std::string_view(&c, 1));
  }

  Status header_done() {
    std::vector<gojson::FieldValue> v;
    const std::string err = gojson::unmarshal(value, request_spec(), v);
    value.clear();
    scanner.reset();
    if (!err.empty()) return fail(err);
    Request r;
    r.id = v[0].i;
    r.command = v[1].s;
    r.action_id = std::string(v[2].slice_bytes());
    r.had_output_id = v[3].non_nil;
    r.had_object_id = v[5].non_nil;
    r.output_id = std::string(r.had_output_id ? v[3].slice_bytes() : v[5].slice_bytes());
    if (r.had_output_id && r.had_object_id && v[3].slice_bytes() != v[5].slice_bytes()) {
      r.object_id = std::string(v[5].slice_bytes());
    }
    r.body_size = v[4].i;
    current = r;
    if (cb.on_request) cb.on_request(current);
    if (mode == Mode::strict) {
      phase = Phase::header_newline;
    } else {
      phase = current.body_size > 0 ? Phase::body_start : Phase::header;
    }
    return Status::ok;
  }

  Status body_done() {
    if (mode == Mode::strict && body_bytes != current.body_size) {
      return fail("body is " + std::to_string(body_bytes) + " bytes, BodySize says " +
                  std::to_string(current.body_size));
    }
    if (cb.on_body_end) cb.on_body_end();
    phase = mode == Mode::strict ? Phase::body_newline : Phase::header;
    return Status::ok;
  }

  // Processes one byte; `again` is set when the byte must be looked at again
  // in the new phase (it ended a number-like value without belonging to it).
  Status step(unsigned char c, bool& again) {
    again = false;
    switch (phase) {
      case Phase::header:
      case Phase::body_other: {
        if (mode == Mode::strict && value.empty() && c != '{') {
          return fail("invalid character " + gojson::quote_char(c) + " at the start of a request (strict framing)");
        }
        const gojson::Op op = scanner.step(c);
        if (op == gojson::Op::error) return fail(scanner.error());
        if (op == gojson::Op::skip_space && mode == Mode::strict) {
          return fail("whitespace inside the request JSON (the go command writes it compact)");
        }
        if (op == gojson::Op::end) {
          again = true;
          return phase == Phase::header ? header_done() : other_body_done();
        }
        if (op == gojson::Op::skip_space && value.empty()) return Status::ok;  // space between values
        value.push_back(static_cast<char>(c));
        if ((op == gojson::Op::end_object || op == gojson::Op::end_array) && scanner.depth() == 0) {
          return phase == Phase::header ? header_done() : other_body_done();
        }
        return Status::ok;
      }
      case Phase::header_newline:
      case Phase::blank_line:
        if (c != '\n') {
          return fail("invalid character " + gojson::quote_char(c) + " where the go command writes '\\n'");
        }
        if (phase == Phase::header_newline) {
          phase = Phase::blank_line;
        } else if (current.body_size > 0) {
          phase = Phase::body_start;
        } else {
          phase = Phase::header;
        }
        return Status::ok;
      case Phase::body_start:
        if (c == '"') {
          start_body_string();
          return Status::ok;
        }
        if (mode == Mode::strict) {
          return fail("invalid character " + gojson::quote_char(c) + " where the body's '\"' belongs");
        }
        if (gojson::is_space(c)) return Status::ok;
        phase = Phase::body_other;
        again = true;
        return Status::ok;
      case Phase::body_string:
        if (c == '"') {
          if (!b64_error) b64_error = b64->finish();
          if (b64_error) return fail(b64_error->message());
          return body_done();
        }
        if (mode == Mode::strict) {
          if (c == '=' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
              c == '/') {
            body_byte(static_cast<char>(c));
            if (b64_error) return fail(b64_error->message());
            return Status::ok;
          }
          return fail("invalid character " + gojson::quote_char(c) + " in the body (strict framing: base64 only)");
        }
        if (c == '\\') {
          phase = Phase::body_escape;
          return Status::ok;
        }
        if (c < 0x20) return fail("invalid character " + gojson::quote_char(c) + " in string literal");
        // A non-ASCII byte (or its U+FFFD) is never base64: the decoder fails
        // here whatever the rune is, so the byte itself stands in for it.
        body_byte(static_cast<char>(c));
        return Status::ok;
      case Phase::body_escape:
        phase = Phase::body_string;
        switch (c) {
          case '"':
          case '\\':
          case '/': body_byte(static_cast<char>(c)); return Status::ok;
          case 'b': body_byte('\b'); return Status::ok;
          case 'f': body_byte('\f'); return Status::ok;
          case 'n': body_byte('\n'); return Status::ok;
          case 'r': body_byte('\r'); return Status::ok;
          case 't': body_byte('\t'); return Status::ok;
          case 'u':
            phase = Phase::body_unicode;
            unicode_digits = 0;
            unicode_value = 0;
            return Status::ok;
        }
        return fail("invalid character " + gojson::quote_char(c) + " in string escape code");
      case Phase::body_unicode: {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) return fail("invalid character " + gojson::quote_char(c) + " in \\u hexadecimal character escape");
        unicode_value = unicode_value * 16 + static_cast<uint32_t>(v);
        if (++unicode_digits == 4) {
          phase = Phase::body_string;
          // ASCII stays itself; anything else is not base64 (see above).
          body_byte(unicode_value < 0x80 ? static_cast<char>(unicode_value) : '\x80');
        }
        return Status::ok;
      }
      case Phase::body_newline:
        if (c != '\n') return fail("invalid character " + gojson::quote_char(c) + " after the body line's '\"'");
        phase = Phase::header;
        return Status::ok;
    }
    return Status::ok;
  }

  Status other_body_done() {
    std::string bytes;
    const std::string err = gojson::unmarshal_bytes(value, bytes);
    value.clear();
    scanner.reset();
    if (!err.empty()) return fail(err);
    body_bytes = static_cast<int64_t>(bytes.size());
    if (!bytes.empty() && cb.on_body_bytes) cb.on_body_bytes(bytes);
    return body_done();
  }
};

RequestStreamReader::RequestStreamReader(Mode mode, Callbacks callbacks) : state_(std::make_shared<State>()) {
  state_->mode = mode;
  state_->cb = std::move(callbacks);
}

RequestStreamReader::Status RequestStreamReader::feed(std::string_view bytes) {
  State& s = *state_;
  if (!s.error.empty()) return Status::error;
  for (size_t i = 0; i < bytes.size();) {
    // Fast path: a run of alphabet characters before any padding. The
    // decoder cannot fail inside such a run, so every error is found byte by
    // byte below and names the same stream byte however the input is chunked.
    if (s.phase == Phase::body_string && !s.saw_pad && !s.b64_error) {
      const size_t n = base64::fast::alphabet_prefix(bytes.substr(i));
      if (n > 0) {
        s.b64_error = s.b64->feed(bytes.substr(i, n));
        i += n;
        s.offset += static_cast<int64_t>(n);
        if (s.b64_error && s.mode == Mode::strict) return s.fail(s.b64_error->message());
        continue;
      }
    }
    bool again = false;
    if (s.step(static_cast<unsigned char>(bytes[i]), again) == Status::error) return Status::error;
    if (!again) {
      ++i;
      ++s.offset;
    }
  }
  return Status::ok;
}

RequestStreamReader::Status RequestStreamReader::finish() {
  State& s = *state_;
  if (!s.error.empty()) return Status::error;
  if (s.phase == Phase::header || s.phase == Phase::body_other) {
    if (s.scanner.step(' ') == gojson::Op::end && !s.value.empty()) {
      const Status st = s.phase == Phase::header ? s.header_done() : s.other_body_done();
      if (st == Status::error) return st;
    }
  }
  if (s.phase == Phase::header && s.value.empty()) return Status::eof;
  s.fail("unexpected EOF");
  return Status::error;
}

const std::string& RequestStreamReader::error() const { return state_->error; }

int64_t RequestStreamReader::offset() const { return state_->offset; }

}  // namespace cph::wire
