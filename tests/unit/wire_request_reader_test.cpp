// The helper-side request reader: strict framing (exactly what the go command
// writes), tolerant json.Decoder-like reading, streaming bodies, and the same
// events however the input is chunked.
#include <gtest/gtest.h>

#include <random>

#include "wire/encoders.hpp"
#include "wire/request_reader.hpp"
#include "wire/sha256.hpp"

namespace {

using cph::wire::Dialect;
using cph::wire::Request;
using cph::wire::RequestStreamReader;
using Mode = RequestStreamReader::Mode;

// Everything the reader reports, as text, so runs compare as strings.
struct Log {
  std::string events;
  std::string body;
  size_t pieces = 0;
  RequestStreamReader::Callbacks callbacks() {
    return {[this](const Request& r) {
              events += "req id=" + std::to_string(r.id) + " cmd=" + r.command +
                        " action=" + cph::wire::to_hex(r.action_id) + " out=" + cph::wire::to_hex(r.output_id) +
                        " size=" + std::to_string(r.body_size) + " had_out=" + std::to_string(r.had_output_id) +
                        " had_obj=" + std::to_string(r.had_object_id) + "\n";
              body.clear();
            },
            [this](std::string_view piece) {
              body.append(piece);
              ++pieces;
            },
            [this] { events += "body " + cph::wire::to_hex(body) + "\n"; }};
  }
};

// Runs the reader over `input` in chunks of `chunk` bytes (0: all at once).
std::string run(Mode mode, const std::string& input, size_t chunk) {
  Log log;
  RequestStreamReader reader(mode, log.callbacks());
  auto st = RequestStreamReader::Status::ok;
  const size_t step = chunk == 0 ? std::max<size_t>(input.size(), 1) : chunk;
  for (size_t i = 0; i < input.size() && st == RequestStreamReader::Status::ok; i += step) {
    st = reader.feed(std::string_view(input).substr(i, step));
  }
  if (st == RequestStreamReader::Status::ok) st = reader.finish();
  if (st == RequestStreamReader::Status::error) return log.events + "error: " + reader.error() + "\n";
  return log.events + (st == RequestStreamReader::Status::eof ? "eof\n" : "ok\n");
}

std::string go_stream(Dialect d) {
  Request get;
  get.id = 1;
  get.command = "get";
  get.action_id = "\x01\x02";
  Request put;
  put.id = 2;
  put.command = "put";
  put.action_id = "\x03";
  put.output_id = cph::wire::sha256("hello");
  put.body_size = 5;
  Request close;
  close.id = 3;
  close.command = "close";
  return cph::wire::encode_request(get, d) + cph::wire::encode_request(put, d) + cph::wire::encode_body_line("hello") +
         cph::wire::encode_request(close, d);
}

TEST(WireRequestReader, StrictAcceptsWhatTheGoCommandWritesInEveryDialect) {
  const std::string out_hex = cph::wire::to_hex(cph::wire::sha256("hello"));
  const std::pair<Dialect, std::string> flags[] = {{Dialect::object_id, "had_out=0 had_obj=1"},
                                                   {Dialect::output_and_object_id, "had_out=1 had_obj=1"},
                                                   {Dialect::output_id, "had_out=1 had_obj=0"}};
  for (const auto& [d, had] : flags) {
    EXPECT_EQ(run(Mode::strict, go_stream(d), 0),
              "req id=1 cmd=get action=0102 out= size=0 had_out=0 had_obj=0\n"
              "req id=2 cmd=put action=03 out=" +
                  out_hex + " size=5 " + had +
                  "\n"
                  "body 68656c6c6f\n"
                  "req id=3 cmd=close action= out= size=0 had_out=0 had_obj=0\n"
                  "eof\n")
        << cph::wire::dialect_name(d);
    EXPECT_EQ(run(Mode::tolerant, go_stream(d), 0), run(Mode::strict, go_stream(d), 0));
  }
}

TEST(WireRequestReader, TolerantReadsAnyWhitespaceEscapesAndArrayBodies) {
  const std::string input =
      " {\"id\":1,\"COMMAND\":\"put\",\"BodySize\":2}   \"aA\\u003d\\u003d\"\t"
      "{\"ID\":2,\"Command\":\"put\",\"BodySize\":2}[104,105]{\"ID\":3,\"Command\":\"close\"}\r\n"
      "{\"ID\":4,\"Command\":\"put\",\"BodySize\":1}\"aQ\\r\\n==\"";
  EXPECT_EQ(run(Mode::tolerant, input, 0),
            "req id=1 cmd=put action= out= size=2 had_out=0 had_obj=0\nbody 68\n"
            "req id=2 cmd=put action= out= size=2 had_out=0 had_obj=0\nbody 6869\n"
            "req id=3 cmd=close action= out= size=0 had_out=0 had_obj=0\n"
            "req id=4 cmd=put action= out= size=1 had_out=0 had_obj=0\nbody 69\n"
            "eof\n");
  EXPECT_NE(run(Mode::strict, input, 0).find("error: "), std::string::npos);
}

TEST(WireRequestReader, ErrorsUseGoTextsAndNameTheOffset) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"ID":"1"})",
       "error: request stream byte 9: json: cannot unmarshal string into Go struct field "
       "Request.ID of type int64\n"},
      {R"({"ID":1,"BodySize":3}"AA=A")",
       "req id=1 cmd= action= out= size=3 had_out=0 had_obj=0\n"
       "error: request stream byte 26: illegal base64 data at input byte 2\n"},
      // A syntax error later in the string wins over the base64 error, as in Go.
      {"{\"ID\":1,\"BodySize\":3}\"!!\\x\"",
       "req id=1 cmd= action= out= size=3 had_out=0 had_obj=0\n"
       "error: request stream byte 25: invalid character 'x' in string escape code\n"},
      {R"({"ID":1,"BodySize":3}"QUJD)",
       "req id=1 cmd= action= out= size=3 had_out=0 had_obj=0\nerror: request stream byte 26: unexpected EOF\n"},
      {R"({"ID":1)", "error: request stream byte 7: unexpected EOF\n"},
      {"x", "error: request stream byte 0: invalid character 'x' looking for beginning of value\n"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(run(Mode::tolerant, in, 0), want) << in;
}

TEST(WireRequestReader, StrictRejectsAnythingButTheExactFraming) {
  const std::string ok = "{\"ID\":1,\"Command\":\"put\",\"BodySize\":5}\n\n\"aGVsbG8=\"\n";
  EXPECT_EQ(run(Mode::strict, ok, 0),
            "req id=1 cmd=put action= out= size=5 had_out=0 had_obj=0\nbody 68656c6c6f\neof\n");
  const std::string bad[] = {
      "{\"ID\":1,\"Command\":\"put\",\"BodySize\":5}\n\"aGVsbG8=\"\n",      // no blank line
      " {\"ID\":1,\"Command\":\"get\"}\n\n",                                // leading space
      "{\"ID\":1, \"Command\":\"get\"}\n\n",                                // not compact
      "{\"ID\":1,\"Command\":\"put\",\"BodySize\":4}\n\n\"aGVsbG8=\"\n",    // BodySize disagrees
      "{\"ID\":1,\"Command\":\"put\",\"BodySize\":5}\n\n\"aGVs\nbG8=\"\n",  // newline inside the body
      "{\"ID\":1,\"Command\":\"put\",\"BodySize\":5}\n\n\"aGVsbG8=\"",      // no final newline
      "{\"ID\":1,\"Command\":\"get\"}\n",                                   // truncated
  };
  for (const auto& b : bad) {
    const std::string got = run(Mode::strict, b, 0);
    EXPECT_NE(got.find("error: request stream byte "), std::string::npos) << b << "\n" << got;
  }
}

TEST(WireRequestReader, SameEventsHoweverChunked) {
  std::vector<std::string> inputs = {
      go_stream(Dialect::object_id),    go_stream(Dialect::output_and_object_id),
      go_stream(Dialect::output_id),    " {\"id\":1,\"BodySize\":2}  \"aA\\u003d=\" 7 {\"ID\":2}",
      R"({"ID":1,"BodySize":3}"AA=A")", "{\"ID\":1,\"BodySize\":3}\"!!\\x\"",
      "{\"ID\":1}\n\n{\"ID\":2",        "null 5 {}",
      "{\"ID\":1,\"BodySize\":1}null"};
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200; ++i) {
    std::string s = inputs[rng() % 9];
    if (!s.empty()) s[rng() % s.size()] = "{}\"\\:, \n=Aa0u"[rng() % 13];
    inputs.push_back(s);
  }
  for (const auto& in : inputs) {
    for (Mode m : {Mode::strict, Mode::tolerant}) {
      const std::string whole = run(m, in, 0);
      EXPECT_EQ(run(m, in, 1), whole) << in;
      EXPECT_EQ(run(m, in, 3), whole) << in;
    }
  }
}

TEST(WireRequestReader, BodyIsStreamedInPieces) {
  std::string body(3 << 20, '\0');
  std::mt19937_64 rng(4);
  for (auto& c : body) c = static_cast<char>(rng());
  Request put;
  put.id = 1;
  put.command = "put";
  put.output_id = cph::wire::sha256(body);
  put.body_size = static_cast<int64_t>(body.size());
  const std::string wire = cph::wire::encode_request(put, Dialect::output_id) + cph::wire::encode_body_line(body);
  for (Mode m : {Mode::strict, Mode::tolerant}) {
    cph::wire::Sha256 hash;
    size_t pieces = 0, largest = 0, total = 0;
    bool ended = false;
    RequestStreamReader reader(m, {[](const Request&) {},
                                   [&](std::string_view p) {
                                     hash.update(p);
                                     ++pieces;
                                     largest = std::max(largest, p.size());
                                     total += p.size();
                                   },
                                   [&] { ended = true; }});
    for (size_t i = 0; i < wire.size(); i += 65536) {
      ASSERT_EQ(reader.feed(std::string_view(wire).substr(i, 65536)), RequestStreamReader::Status::ok)
          << reader.error();
    }
    EXPECT_EQ(reader.finish(), RequestStreamReader::Status::eof);
    EXPECT_TRUE(ended);
    EXPECT_EQ(total, body.size());
    EXPECT_EQ(hash.digest(), put.output_id);
    EXPECT_GT(pieces, 10u);
    EXPECT_LE(largest, 65536u);  // never held whole
    EXPECT_EQ(reader.offset(), static_cast<int64_t>(wire.size()));
  }
}

}  // namespace
