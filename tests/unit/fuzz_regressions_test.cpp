// Bugs found by fuzzing, one test each, stated in the test name and comment.
// Each has its input in fuzz/regressions/<target>/<name>, which the fuzz-replay
// ctest runs through the target's full set of properties. A bug not fixed yet
// keeps its input in fuzz/known-bugs/<target>/ (not replayed) and its test is
// DISABLED_ until the fix: then move the input to fuzz/regressions/ and drop
// the prefix.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "script.hpp"
#include "wire/request_reader.hpp"
#include "wire/response_decoder.hpp"

namespace {

std::string read_input(const std::string& dir, const std::string& target, const std::string& name) {
  const std::string path = std::string(CPH_SOURCE_DIR) + "/fuzz/" + dir + "/" + target + "/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The error text of a strict-mode reader fed `bytes` in pieces of `chunk`.
std::string strict_error(std::string_view bytes, size_t chunk) {
  using cph::wire::RequestStreamReader;
  RequestStreamReader r(RequestStreamReader::Mode::strict,
                        {[](const cph::wire::Request&) {}, [](std::string_view) {}, [] {}});
  for (size_t i = 0; i < bytes.size(); i += chunk)
    if (r.feed(bytes.substr(i, chunk)) == RequestStreamReader::Status::error) return r.error();
  r.finish();
  return r.error();
}

// Bug (fuzz_request_reader, wire/request_reader.cpp): in strict mode, a base64
// padding error inside a put body ("Zm9vYm=yZm9v": '=' then not '=') is
// reported at the end of the run of base64 bytes that was fed together, so the
// "request stream byte N" of the error depends on how the input is split:
// byte 52 fed at once, 48 fed byte by byte. The reader promises the same
// result however the input is chunked; the error must name one byte.
// Fixed: the reader's fast path takes only alphabet runs before any padding,
// so every base64 error is found byte by byte.
TEST(FuzzRegressions, RequestReaderStrictBodyErrorOffsetDoesNotDependOnChunking) {
  const std::string input =
      read_input("regressions", "fuzz_request_reader", "strict-padding-error-offset-depends-on-chunks");
  ASSERT_GT(input.size(), 2u);
  const std::string_view payload = std::string_view(input).substr(2);  // after the target's header bytes
  ASSERT_EQ(payload.substr(0, 40), "{\"ID\":1,\"Command\":\"put\",\"BodySize\":6}\n\n\"");
  const std::string whole = strict_error(payload, payload.size());
  EXPECT_NE(whole.find("illegal base64 data at input byte 6"), std::string::npos) << whole;
  for (size_t chunk : {1, 2, 3, 5, 8, 13})
    EXPECT_EQ(strict_error(payload, chunk), whole) << "fed in pieces of " << chunk;
}

// Bug (fuzz_fake_script, fakes/script.cpp), fixed in 5d5a638: a number too large for a
// double ("1e999", e.g. as `times`) makes nlohmann/json throw out_of_range
// 406 "number overflow parsing '1e999'" through parse_script, which promises
// to throw only ScriptError naming the place ("name:line:col: ..."). cph-fake
// then dies on an uncaught exception instead of reporting the script's error.
// Found by a 10-minute campaign (04:22 UTC, after 72 s). Reproduce:
//   build/fuzz/fuzz/fuzz_fake_script fuzz/regressions/fuzz_fake_script/number-overflow-throws-json-exception
TEST(FuzzRegressions, FakeScriptNumberOverflowIsAScriptErrorWithAPlace) {
  const std::string input = read_input("regressions", "fuzz_fake_script", "number-overflow-throws-json-exception");
  ASSERT_EQ(input, R"({"rules":[{"times":1e999}]})");
  try {
    cph::fake::parse_script(input, "t.json");
    ADD_FAILURE() << "accepted a script whose times is 1e999";
  } catch (const cph::fake::ScriptError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("t.json:1:", 0), 0u) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-ScriptError: " << e.what();
  }
}

// The values and the error of `text` decoded with the fast path on or off.
std::string decoded(std::string_view text, bool fast) {
  cph::wire::ResponseStreamDecoder d;
  d.set_fast_path(fast);
  d.feed(text);
  d.finish();
  std::string out;
  for (;;) {
    cph::wire::Response r;
    std::string err;
    switch (d.next(r, err)) {
      case cph::wire::ResponseStreamDecoder::Status::value: out += "ID " + std::to_string(r.id) + ";"; continue;
      case cph::wire::ResponseStreamDecoder::Status::error: return out + "error " + err;
      default: return out + "end";
    }
  }
}

// Bug (fuzz_response_decoder, wire/response_fast_path.cpp), fixed in 90c8880: the fast
// path's integer() multiplies in every digit before it checks there are at
// most 18, so an ID of 19 or more digits overflows int64: undefined
// behaviour, which UBSan reports ("signed integer overflow:
// 922337213285477580 * 10 cannot be represented in type 'long'"). Under g++
// the wrapped value is thrown away (the path declines), so the results are
// right and only the sanitizer builds fail: this test and the committed
// corpus (fuzz-replay/fuzz_response_decoder under `make asan`). Reproduce:
//   build/asan/fuzz/fuzz_response_decoder fuzz/regressions/fuzz_response_decoder/fast-path-long-integer-overflows
TEST(FuzzRegressions, ResponseFastPathLongIntegerDoesNotOverflow) {
  const std::string input = read_input("regressions", "fuzz_response_decoder", "fast-path-long-integer-overflows");
  ASSERT_GT(input.size(), 2u);
  const std::string_view payload = std::string_view(input).substr(2);  // after the target's header bytes
  ASSERT_EQ(payload, "{\"ID\":-9223372132854775808}\n");
  EXPECT_EQ(decoded(payload, true), decoded(payload, false));
}

}  // namespace
