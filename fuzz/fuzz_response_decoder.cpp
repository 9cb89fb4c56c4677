// Fuzzes wire::ResponseStreamDecoder, the Go-exact reader of a helper's stdout:
//  1. never crashes, never loops: every result is a value, the end or an error;
//  2. fed in the chunks the input chooses (draining after every chunk, as the
//     client's reader does) == fed at once: same values, same end, same error;
//  3. round trip (as nlohmann/json's fuzzer): every decoded value, written by
//     encode_response and decoded again, is the same value, and writing that
//     again gives the same bytes (all values of an input in one stream);
//  4. differential against nlohmann/json where both must agree (valid UTF-8,
//     no surrogate escapes, no NUL, a single value): a document nlohmann accepts is
//     never a syntax error for the wire decoder.
// Input: byte 0 picks the struct name of the error texts (bits 0-1) and the
// JSON dialect (bit 2: json v2's texts, Go 1.27+), byte 1 the chunking plan,
// then the bytes the helper wrote.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "chunked_input.hpp"
#include "fuzz_check.hpp"
#include "wire/encoders.hpp"
#include "wire/response_decoder.hpp"
#include "wire/utf8.hpp"

namespace {

using cph::fuzz::printable;
using cph::wire::JsonDialect;
using cph::wire::Response;
using cph::wire::ResponseStreamDecoder;

const char* const kStructNames[4] = {"Response", "ProgResponse", "cacheprog.ProgResponse", "Response"};

// What the error texts depend on: the struct name and the dialect.
struct Texts {
  const char* struct_name;
  JsonDialect dialect;
};

struct Outcome {
  std::vector<Response> values;
  bool clean_eof = false;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

std::string describe(const Response& r) {
  std::string s = "{ID " + std::to_string(r.id) + " Err " + printable(r.err) + " KnownCommands [";
  for (const auto& c : r.known_commands) s += printable(c) + " ";
  s += "] Miss " + std::to_string(r.miss) + " OutputID " + printable(r.output_id) + " Size " + std::to_string(r.size);
  s += " Time " + (r.time ? printable(r.time->text) + "=" + r.time->utc_rfc3339_nano() + " offset " +
                                std::to_string(r.time->offset_seconds)
                          : std::string("nil"));
  return s + " DiskPath " + printable(r.disk_path) + "}";
}

std::string describe(const Outcome& o) {
  std::string s = std::to_string(o.values.size()) + " values:";
  for (const auto& v : o.values) s += "\n    " + describe(v);
  return s + "\n  then " + (o.clean_eof ? "EOF" : o.error.empty() ? "need_more" : "error " + printable(o.error));
}

// Takes results until the decoder wants more input; false once it has ended.
bool drain(ResponseStreamDecoder& d, Outcome& o) {
  // Each value consumes at least one byte, so this loop ends; the bound only
  // turns a decoder that loops into a reported failure instead of a hang.
  for (size_t guard = 0; guard < (1u << 20); ++guard) {
    Response r;
    std::string err;
    switch (d.next(r, err)) {
      case ResponseStreamDecoder::Status::value: o.values.push_back(std::move(r)); continue;
      case ResponseStreamDecoder::Status::need_more: return true;
      case ResponseStreamDecoder::Status::eof: o.clean_eof = true; return false;
      case ResponseStreamDecoder::Status::error:
        CPH_FUZZ_CHECK(!err.empty(), "error status with an empty message");
        o.error = err;
        return false;
    }
  }
  cph::fuzz::fail(__FILE__, __LINE__, "decoder returned values without end");
}

Outcome decode(const std::vector<std::string_view>& chunks, Texts t) {
  ResponseStreamDecoder d(t.struct_name, t.dialect);
  Outcome o;
  for (auto c : chunks) {
    d.feed(c);
    if (!drain(d, o)) return o;
  }
  d.finish();
  const bool more = drain(d, o);
  CPH_FUZZ_CHECK(!more, "need_more after finish(): " + describe(o));
  return o;
}

// The time as an instant and zone: its text may legitimately change.
bool same_value(const Response& a, const Response& b) {
  Response x = a, y = b;
  if (x.time) x.time->text.clear();
  if (y.time) y.time->text.clear();
  return x == y;
}

// All the values written by encode_response one after another decode, as one
// stream, to the same values, and writing those again gives the same bytes.
// Each value reads back alone, since the decoder starts afresh after every
// value; one stream rather than a decoder per value keeps a run cheap on
// inputs of thousands of tiny values.
void check_round_trip(const std::vector<Response>& values, Texts t) {
  if (values.empty()) return;
  std::string text;
  for (const auto& v : values) text += cph::wire::encode_response(v);
  const Outcome again = decode({text}, t);
  CPH_FUZZ_CHECK(
      again.clean_eof && again.values.size() == values.size(),
      std::to_string(values.size()) + " values written as " + printable(text) + "\n  read back " + describe(again));
  std::string text2;
  for (size_t i = 0; i < values.size(); ++i) {
    CPH_FUZZ_CHECK(same_value(again.values[i], values[i]), "round trip of " + describe(values[i]) + "\n  wrote " +
                                                               printable(cph::wire::encode_response(values[i])) +
                                                               "\n  read back " + describe(again.values[i]));
    text2 += cph::wire::encode_response(again.values[i]);
  }
  CPH_FUZZ_CHECK(text2 == text,
                 "writing the read-back values again differs:\n  " + printable(text) + "\n  " + printable(text2));
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto r = cph::utf8::decode(s, i);
    if (r.r == cph::utf8::kRuneError && r.size == 1) return false;
    i += r.size;
  }
  return true;
}

// Both dialects' syntax errors: v1's "invalid character ..." (max depth
// included), v2's "invalid character ...", "invalid escape sequence ...",
// "exceeded max depth".
bool is_syntax_error(const std::string& e) {
  return e.rfind("invalid character ", 0) == 0 || e.rfind("invalid escape sequence ", 0) == 0 ||
         e == "exceeded max depth" || e == "unexpected EOF";
}

void check_against_nlohmann(std::string_view text, const Outcome& mine) {
  // Where the two differ by design: Go reads invalid UTF-8 and lone
  // surrogates as U+FFFD, nlohmann/json's lexer ends the input at a NUL and
  // skips a leading UTF-8 byte-order mark (Go: "invalid character").
  if (text.find("\\u") != std::string_view::npos || text.find('\0') != std::string_view::npos || !valid_utf8(text) ||
      text.starts_with("\xEF\xBB\xBF"))
    return;
  if (!nlohmann::json::accept(text)) return;
  CPH_FUZZ_CHECK(!is_syntax_error(mine.error),
                 "nlohmann/json accepts " + printable(text) + " but the wire decoder says " + printable(mine.error));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& in = cph::fuzz::parse_chunked_input(data, size);
  const Texts texts{kStructNames[in.flags & 3], in.flags & 4 ? JsonDialect::v2 : JsonDialect::v1};

  const Outcome whole = decode({in.payload}, texts);
  if (in.chunks.size() > 1) {  // one chunk is fed as at once: nothing to compare
    const Outcome chunked = decode(in.chunks, texts);
    CPH_FUZZ_CHECK(chunked == whole, "input " + printable(in.payload) + "\n  at once: " + describe(whole) + "\n  in " +
                                         std::to_string(in.chunks.size()) + " chunks: " + describe(chunked));
  }
  check_round_trip(whole.values, texts);
  check_against_nlohmann(in.payload, whole);
  return 0;
}
