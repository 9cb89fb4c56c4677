// json.Decoder.Decode(&resp) in a loop, as Go's client reads the helper:
// readValue (the scanner finds one complete value; syntax errors and
// "unexpected EOF" come from here) and then unmarshal into a fresh Response.
#include "wire/response_decoder.hpp"

#include <map>
#include <mutex>
#include <optional>

#include "wire/go_strconv.hpp"
#include "wire/json_scanner.hpp"
#include "wire/json_unmarshal.hpp"
#include "wire/response_fast_path.hpp"

namespace cph::wire {
namespace {

enum Field { kID, kErr, kKnownCommands, kMiss, kOutputID, kSize, kTime, kDiskPath };

// The Go type names in error texts: Go 1.21-1.23 cache.ProgResponse, Go 1.24
// cacheprog.ProgResponse, Go 1.25+ cacheprog.Response. A bare "ProgResponse"
// means the Go 1.21 one; pass "cacheprog.ProgResponse" for Go 1.24.
gojson::StructSpec response_spec(const std::string& struct_name) {
  std::string pkg, name = struct_name;
  if (auto dot = struct_name.find('.'); dot != std::string::npos) {
    pkg = struct_name.substr(0, dot);
    name = struct_name.substr(dot + 1);
  } else {
    pkg = name == "ProgResponse" ? "cache" : "cacheprog";
  }
  const std::string cmd = pkg + (name.rfind("Prog", 0) == 0 ? ".ProgCmd" : ".Cmd");
  using gojson::Kind;
  return {name,
          pkg + "." + name,
          {{"ID", Kind::int64, "int64", ""},
           {"Err", Kind::string, "string", ""},
           {"KnownCommands", Kind::string_slice, "[]" + cmd, cmd},
           {"Miss", Kind::boolean, "bool", ""},
           {"OutputID", Kind::bytes, "[]uint8", "uint8"},
           {"Size", Kind::int64, "int64", ""},
           {"Time", Kind::time_ptr, "*time.Time", ""},
           {"DiskPath", Kind::string, "string", ""}}};
}

// Built once per struct name and shared: a decoder is made per session, and
// per input by fuzz_response_decoder, where building the spec's dozen
// strings each time was about a tenth of a run.
std::shared_ptr<const gojson::StructSpec> shared_response_spec(const std::string& struct_name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const gojson::StructSpec>> specs;
  std::lock_guard<std::mutex> lock(mu);
  auto& spec = specs[struct_name];
  if (!spec) spec = std::make_shared<const gojson::StructSpec>(response_spec(struct_name));
  return spec;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// How many bytes from `at` json v2 looks at to name the character there:
// the whole rune (a lead byte's length, cut short by a byte that cannot
// continue it).
size_t rune_bytes_wanted(std::string_view buf, size_t at) {
  const auto c = static_cast<unsigned char>(buf[at]);
  const size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  size_t n = 1;
  while (n < want && at + n < buf.size() && (static_cast<unsigned char>(buf[at + n]) & 0xc0) == 0x80) ++n;
  return n < want && at + n < buf.size() ? n : want;  // a byte that cannot continue: no more needed
}

// json v2's text for the syntax error the v1 scanner found at buf[at]
// (v1_error is its text), or nullopt while it needs bytes not yet fed.
std::optional<std::string> v2_syntax_error(const std::string& v1_error, std::string_view buf, size_t at,
                                           bool finished) {
  if (ends_with(v1_error, "exceeded max depth")) return std::string("exceeded max depth");
  constexpr std::string_view in_string = " in string literal";
  if (ends_with(v1_error, in_string)) {  // a control byte
    return v1_error.substr(0, v1_error.size() - in_string.size()) + " in string";
  }
  if (ends_with(v1_error, " in string escape code")) {  // "\\q": the backslash and the one byte after it
    return gostrconv::invalid_text("escape sequence", buf.substr(at - 1, 2), "in string");
  }
  if (ends_with(v1_error, " in \\u hexadecimal character escape")) {
    const size_t backslash = buf.rfind('\\', at - 1);
    if (buf.size() < backslash + 6 && !finished) return std::nullopt;
    return gostrconv::invalid_text("escape sequence", buf.substr(backslash, 6), "in string");
  }
  std::string text = v1_error;
  // A number: v2 says "in number (expecting digit)", which v1 mode shortens.
  for (std::string_view where : {" after decimal point in numeric literal", " in exponent of numeric literal"}) {
    if (ends_with(text, where)) text = text.substr(0, text.size() - where.size()) + " in numeric literal";
  }
  const auto c = static_cast<unsigned char>(buf[at]);
  const std::string v1_quoted = "invalid character " + gojson::quote_char(c);
  if (c >= 0x80 && text.rfind(v1_quoted, 0) == 0) {  // the whole rune, not its first byte
    const size_t want = rune_bytes_wanted(buf, at);
    if (buf.size() < at + want && !finished) return std::nullopt;
    text = "invalid character " + gostrconv::quote_first_rune(buf.substr(at, want)) + text.substr(v1_quoted.size());
  }
  return text;
}

}  // namespace

struct ResponseStreamDecoder::State {
  std::shared_ptr<const gojson::StructSpec> spec;
  gojson::Scanner scanner;
  std::string buf;  // unconsumed input; buf[0] is at absolute offset base
  int64_t base = 0;
  size_t start = 0;  // where the current value (with its leading space) starts
  size_t pos = 0;    // next byte to scan
  bool finished = false;
  bool fast = true;
  std::string error;  // sticky, as Go's Decoder.err
  JsonDialect json = JsonDialect::v1;
  size_t max_value = 0;        // 0: no limit
  bool error_pending = false;  // v2: the scanner failed at pos; its text needs more bytes

  // The scanner failed at buf[pos]: Go's text for it, or need_more.
  Status syntax_error(std::string& err) {
    if (json == JsonDialect::v1) {
      error = err = scanner.error();
      return Status::error;
    }
    auto text = v2_syntax_error(scanner.error(), buf, pos, finished);
    error_pending = !text;
    if (!text) return Status::need_more;
    error = err = *text;
    return Status::error;
  }

  // The current value ended at `end`: the next one starts there.
  void advance(size_t end) {
    start = pos = end;
    scanner.reset();
    if (start > 65536 && start * 2 > buf.size()) {  // keep the buffer small without going quadratic
      buf.erase(0, start);
      base += static_cast<int64_t>(start);
      pos -= start;
      start = 0;
    }
  }

  Status emit(size_t end, Response& out, std::string& err) {
    std::vector<gojson::FieldValue> v;
    std::string e = gojson::unmarshal(std::string_view(buf).substr(start, end - start), *spec, v, json);
    advance(end);
    if (!e.empty()) {
      error = err = e;
      return Status::error;
    }
    out = Response{};
    out.id = v[kID].i;
    out.err = v[kErr].s;
    out.known_commands.assign(v[kKnownCommands].strings.begin(),
                              v[kKnownCommands].strings.begin() + static_cast<ptrdiff_t>(v[kKnownCommands].len));
    out.miss = v[kMiss].b;
    out.output_id = std::string(v[kOutputID].slice_bytes());
    out.size = v[kSize].i;
    out.time = v[kTime].time;
    out.disk_path = v[kDiskPath].s;
    return Status::value;
  }
};

ResponseStreamDecoder::ResponseStreamDecoder(std::string struct_name, JsonDialect json)
    : state_(std::make_shared<State>()) {
  state_->spec = shared_response_spec(struct_name);
  state_->json = json;
}

void ResponseStreamDecoder::feed(std::string_view bytes) { state_->buf.append(bytes); }

void ResponseStreamDecoder::finish() { state_->finished = true; }

void ResponseStreamDecoder::set_fast_path(bool on) { state_->fast = on; }

void ResponseStreamDecoder::set_max_value_bytes(size_t n) { state_->max_value = n; }

ResponseStreamDecoder::Status ResponseStreamDecoder::next(Response& out, std::string& error) {
  State& s = *state_;
  if (!s.error.empty()) {
    error = s.error;
    return Status::error;
  }
  if (s.error_pending) return s.syntax_error(error);
  // Only when the scanner has seen nothing of this value but whitespace (the
  // newline after the previous value is often scanned before the next arrives).
  size_t scanned = s.start;
  while (scanned < s.pos && gojson::is_space(static_cast<unsigned char>(s.buf[scanned]))) ++scanned;
  if (s.fast && scanned == s.pos) {
    Response r;  // `out` is left alone when the fast path declines
    if (const size_t n = decode_plain_response(std::string_view(s.buf).substr(s.start), r)) {
      s.advance(s.start + n);
      out = std::move(r);
      return Status::value;
    }
  }
  for (; s.pos < s.buf.size(); ++s.pos) {
    switch (s.scanner.step(static_cast<unsigned char>(s.buf[s.pos]))) {
      case gojson::Op::end:  // delayed one byte: this byte is not part of the value
        return s.emit(s.pos, out, error);
      case gojson::Op::end_object:
      case gojson::Op::end_array:
        if (s.scanner.depth() == 0) return s.emit(s.pos + 1, out, error);
        break;
      case gojson::Op::error: return s.syntax_error(error);
      default: break;
    }
  }
  if (!s.finished) {
    if (s.max_value > 0 && s.buf.size() - s.start > s.max_value) {
      s.error = error = "reply line longer than " + std::to_string(s.max_value) + " bytes";
      return Status::error;
    }
    return Status::need_more;
  }
  if (s.scanner.step(' ') == gojson::Op::end) return s.emit(s.pos, out, error);
  for (size_t i = s.start; i < s.buf.size(); ++i) {
    if (!gojson::is_space(static_cast<unsigned char>(s.buf[i]))) {
      s.error = error = "unexpected EOF";
      return Status::error;
    }
  }
  return Status::eof;
}

int64_t ResponseStreamDecoder::fed() const { return state_->base + static_cast<int64_t>(state_->buf.size()); }

int64_t ResponseStreamDecoder::consumed() const { return state_->base + static_cast<int64_t>(state_->start); }

DecodedStream decode_responses(std::string_view text, const std::string& struct_name, JsonDialect json) {
  DecodedStream result;
  ResponseStreamDecoder d(struct_name, json);
  d.feed(text);
  d.finish();
  for (;;) {
    Response r;
    std::string err;
    switch (d.next(r, err)) {
      case ResponseStreamDecoder::Status::value: result.values.push_back(std::move(r)); break;
      case ResponseStreamDecoder::Status::error: result.error = err; return result;
      default: return result;
    }
  }
}

}  // namespace cph::wire
