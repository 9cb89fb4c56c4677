// base64: RFC 4648 vectors, Go's exact error offsets (the expected values
// were produced by Go's encoding/base64), and chunking equivalence.
#include <gtest/gtest.h>

#include <random>

#include "wire/base64.hpp"

namespace {

using cph::base64::decode;
using cph::base64::encode;

TEST(WireBase64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, coded] : vectors) {
    EXPECT_EQ(encode(plain), coded);
    EXPECT_EQ(cph::base64::encoded_len(std::string_view(plain).size()), std::string_view(coded).size());
    std::string out;
    EXPECT_FALSE(decode(coded, out).has_value()) << coded;
    EXPECT_EQ(out, plain);
  }
  EXPECT_EQ(encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

struct GoCase {
  const char* input;
  const char* hex_out;  // what Go's DecodeString returns, even on error
  int64_t error_at;     // -1: no error
};

std::string hex(const std::string& s) {
  static constexpr char d[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) out += {d[c >> 4], d[c & 15]};
  return out;
}

// From base64.StdEncoding.DecodeString (Go 1.26).
const GoCase kGoCases[] = {
    {"", "", -1},
    {"A", "", 0},
    {"AA", "", 0},
    {"AAA", "", 0},
    {"AAAA", "000000", -1},
    {"AA==", "00", -1},
    {"AA=", "", 3},
    {"AA=A", "", 2},
    {"AAA=", "0000", -1},
    {"AAA=A", "0000", 4},
    {"AA==\n", "00", -1},
    {"AA==\nA", "00", 5},
    {"\nAA==", "00", -1},
    {"AA\n==", "00", -1},
    {"AA=\n=", "00", -1},
    {"AA=\nA", "", 3},
    {"A\n", "", 1},
    {"AB\n", "", 1},
    {" AAAA", "", 0},
    {"AAAA ", "000000", 4},
    {"=", "", 0},
    {"==", "", 0},
    {"A===", "", 1},
    {"AAAA====", "000000", 4},
    {"AA==AA==", "00", 4},
    {"QUJD", "414243", -1},
    {"AAAA\r\nAAAA", "000000000000", -1},
    {"AA\r=\r=\r", "00", -1},
    {"Zm9vYmFyZm9vYmFy!", "666f6f626172666f6f626172", 16},
    {"-_-_", "", 0},
};

TEST(WireBase64, GoResultsAndErrorOffsets) {
  for (const auto& c : kGoCases) {
    std::string out;
    const auto err = decode(c.input, out);
    EXPECT_EQ(hex(out), c.hex_out) << '"' << c.input << '"';
    if (c.error_at < 0) {
      EXPECT_FALSE(err.has_value()) << '"' << c.input << '"';
    } else {
      ASSERT_TRUE(err.has_value()) << '"' << c.input << '"';
      EXPECT_EQ(err->offset, c.error_at) << '"' << c.input << '"';
      EXPECT_EQ(err->message(), "illegal base64 data at input byte " + std::to_string(c.error_at));
    }
  }
}

std::pair<std::string, std::optional<cph::base64::DecodeError>> decode_chunked(const std::string& in,
                                                                               std::mt19937_64& rng,
                                                                               bool byte_by_byte) {
  std::string out;
  cph::base64::StreamDecoder d([&](std::string_view b) { out.append(b); });
  std::optional<cph::base64::DecodeError> err;
  for (size_t i = 0; i < in.size() && !err;) {
    const size_t n = byte_by_byte ? 1 : std::min<size_t>(in.size() - i, 1 + rng() % 9);
    err = d.feed(std::string_view(in).substr(i, n));
    i += n;
  }
  if (!err) err = d.finish();
  return {out, err};
}

TEST(WireBase64, StreamingDecodeMatchesOneShotHoweverChunked) {
  std::mt19937_64 rng(1);
  std::vector<std::string> inputs;
  for (const auto& c : kGoCases) inputs.emplace_back(c.input);
  const std::string noise = "AZaz09+/=\r\n!-";
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 24, 'A');
    for (auto& ch : s) ch = noise[rng() % noise.size()];
    inputs.push_back(s);
  }
  for (const auto& in : inputs) {
    std::string one;
    const auto one_err = decode(in, one);
    for (bool bytewise : {true, false}) {
      auto [out, err] = decode_chunked(in, rng, bytewise);
      EXPECT_EQ(hex(out), hex(one)) << '"' << in << '"';
      EXPECT_EQ(err.has_value(), one_err.has_value()) << '"' << in << '"';
      if (err && one_err) {
        EXPECT_EQ(err->offset, one_err->offset) << '"' << in << '"';
      }
    }
  }
}

TEST(WireBase64, StreamDecoderStopsAtTheFirstError) {
  std::string out;
  cph::base64::StreamDecoder d([&](std::string_view b) { out.append(b); });
  EXPECT_FALSE(d.feed("QUJD").has_value());
  auto err = d.feed("Q!JD");
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->offset, 5);
  EXPECT_EQ(d.feed("QUJD")->offset, 5);  // dead afterwards
  EXPECT_EQ(out, "ABC");
}

TEST(WireBase64, StreamingEncoderMatchesOneShot) {
  std::mt19937_64 rng(2);
  for (int n = 0; n < 200; ++n) {
    std::string data(static_cast<size_t>(n), '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    std::string out;
    cph::base64::StreamEncoder e([&](std::string_view b) { out.append(b); });
    for (size_t i = 0; i < data.size();) {
      const size_t k = std::min<size_t>(data.size() - i, rng() % 5);
      e.feed(std::string_view(data).substr(i, k));
      i += k;
    }
    e.finish();
    EXPECT_EQ(out, encode(data));
  }
}

}  // namespace
