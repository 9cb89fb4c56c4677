// Differential tests: the fast base64 kernels against the exact decoder
// (cph::base64::decode, Go's semantics). Same output, same error offset and
// same partial output, for every kernel this CPU can run, over random,
// mutated and exhaustively varied inputs.
#include "wire/base64_fast.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace cph::base64::fast {
namespace {

std::vector<Kernel> runnable_kernels() {
  std::vector<Kernel> ks{Kernel::scalar};
  if (best_kernel() == Kernel::avx2) ks.push_back(Kernel::avx2);
  return ks;
}

std::string random_bytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// Compares one input across the exact decoder and every kernel.
void expect_same_decode(const std::string& text) {
  std::string want;
  const auto want_err = cph::base64::decode(text, want);
  for (Kernel k : runnable_kernels()) {
    std::string got = "stale";
    const auto got_err = decode(text, got, k);
    ASSERT_EQ(want_err.has_value(), got_err.has_value()) << kernel_name(k) << " input: " << text;
    if (want_err) {
      ASSERT_EQ(want_err->offset, got_err->offset) << kernel_name(k) << " input: " << text;
    }
    ASSERT_EQ(want, got) << kernel_name(k) << " input: " << text;
  }
}

class Base64FastTest : public ::testing::Test {
 protected:
  std::mt19937_64 rng{20261126};
};

TEST_F(Base64FastTest, KernelNameSaysWhichRuns) {
  EXPECT_STREQ(kernel_name(Kernel::scalar), "scalar");
  EXPECT_STREQ(kernel_name(Kernel::avx2), "avx2");
#if defined(__x86_64__)
  EXPECT_EQ(best_kernel() == Kernel::avx2, __builtin_cpu_supports("avx2") != 0);
#endif
}

TEST_F(Base64FastTest, EncodeMatchesExactEncoderForEveryLength) {
  for (size_t n = 0; n < 300; ++n) {
    const std::string bytes = random_bytes(rng, n);
    const std::string want = cph::base64::encode(bytes);
    for (Kernel k : runnable_kernels()) ASSERT_EQ(encode(bytes, k), want) << kernel_name(k) << " n=" << n;
  }
  const std::string big = random_bytes(rng, 1 << 20);
  const std::string want = cph::base64::encode(big);
  for (Kernel k : runnable_kernels()) ASSERT_EQ(encode(big, k), want) << kernel_name(k);
}

TEST_F(Base64FastTest, EncodeAppendKeepsWhatWasThere) {
  for (Kernel k : runnable_kernels()) {
    std::string out = "prefix:";
    encode_append("hello, world", out, k);
    EXPECT_EQ(out, "prefix:aGVsbG8sIHdvcmxk") << kernel_name(k);
  }
}

TEST_F(Base64FastTest, KnownVectors) {
  // RFC 4648 section 10.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (Kernel k : runnable_kernels()) {
    for (auto [plain, coded] : vectors) {
      EXPECT_EQ(encode(plain, k), coded) << kernel_name(k);
      std::string out;
      EXPECT_FALSE(decode(coded, out, k).has_value()) << kernel_name(k) << " " << coded;
      EXPECT_EQ(out, plain) << kernel_name(k);
    }
  }
}

TEST_F(Base64FastTest, DecodePrefixStopsAtFirstIrregularQuantum) {
  for (Kernel k : runnable_kernels()) {
    // 40 valid characters (10 quanta), then a quantum holding '=', then more.
    std::string text = cph::base64::encode(std::string(30, 'x')) + "QQ==" + "QUFB";
    std::string out = "keep";
    const size_t used = decode_prefix_append(text, out, k);
    EXPECT_EQ(used, 40u) << kernel_name(k);
    EXPECT_EQ(out, "keep" + std::string(30, 'x')) << kernel_name(k);
    // A bad byte in the 9th quantum of a long run: the prefix ends before it.
    std::string long_text = cph::base64::encode(std::string(300, 'y'));
    long_text[33] = '*';
    out.clear();
    EXPECT_EQ(decode_prefix_append(long_text, out, k), 32u) << kernel_name(k);
    EXPECT_EQ(out, std::string(24, 'y')) << kernel_name(k);
  }
}

TEST_F(Base64FastTest, EveryByteAtEveryPositionOfALongRun) {
  // 96 valid characters: two full AVX2 blocks and scalar quanta after them.
  const std::string base = cph::base64::encode(random_bytes(rng, 72));
  for (size_t pos = 0; pos < base.size(); ++pos) {
    for (int c = 0; c < 256; ++c) {
      std::string text = base;
      text[pos] = static_cast<char>(c);
      expect_same_decode(text);
    }
  }
}

TEST_F(Base64FastTest, AlphabetPrefixStopsAtTheFirstOtherByte) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string base = cph::base64::encode(random_bytes(rng, 75)).substr(0, 100);  // no '='
  for (Kernel k : runnable_kernels()) {
    EXPECT_EQ(alphabet_prefix(base, k), base.size()) << kernel_name(k);
    EXPECT_EQ(alphabet_prefix("", k), 0u) << kernel_name(k);
    for (size_t pos = 0; pos < base.size(); ++pos) {
      for (int c = 0; c < 256; ++c) {
        std::string text = base;
        text[pos] = static_cast<char>(c);
        const bool in_alphabet = alphabet.find(static_cast<char>(c)) != std::string::npos;
        ASSERT_EQ(alphabet_prefix(text, k), in_alphabet ? base.size() : pos)
            << kernel_name(k) << " byte " << c << " at " << pos;
      }
    }
  }
}

TEST_F(Base64FastTest, RandomValidInputsWithAndWithoutPadding) {
  for (int round = 0; round < 3000; ++round) {
    const size_t n = rng() % 400;
    expect_same_decode(cph::base64::encode(random_bytes(rng, n)));
  }
}

TEST_F(Base64FastTest, MutatedInputsAgree) {
  const char interesting[] = {'\n', '\r', '=', '=', '*', ' ', '\0', '-', '_', '\x80', '\xff', 'A', '/', '+'};
  for (int round = 0; round < 20000; ++round) {
    std::string text = cph::base64::encode(random_bytes(rng, rng() % 200));
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = text.empty() ? 0 : rng() % (text.size() + 1);
      const char c = interesting[rng() % sizeof interesting];
      switch (rng() % 5) {
        case 0: text.insert(text.begin() + static_cast<std::ptrdiff_t>(pos), c); break;  // insert
        case 1:
          if (pos < text.size()) text[pos] = c;
          break;  // replace
        case 2:
          if (pos < text.size()) text.erase(pos, 1);
          break;                          // delete
        case 3: text.resize(pos); break;  // truncate
        case 4:
          if (pos < text.size()) text[pos] = static_cast<char>(rng() & 0xff);
          break;
      }
    }
    expect_same_decode(text);
  }
}

TEST_F(Base64FastTest, WrappedLinesStayExact) {
  // MIME-style 76-column lines, with \n and \r\n, and breaks inside quanta.
  for (int round = 0; round < 300; ++round) {
    const std::string flat = cph::base64::encode(random_bytes(rng, rng() % 3000));
    const size_t width = 1 + rng() % 100;
    const char* eol = (rng() & 1) ? "\n" : "\r\n";
    std::string text;
    for (size_t i = 0; i < flat.size(); i += width) text += flat.substr(i, width) + eol;
    expect_same_decode(text);
  }
}

TEST_F(Base64FastTest, RandomGarbageAgrees) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n*";
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 80, '\0');
    for (auto& c : text) c = alphabet[rng() % alphabet.size()];
    expect_same_decode(text);
  }
}

TEST_F(Base64FastTest, ErrorDeepInALongBodyKeepsItsOffset) {
  const std::string flat = cph::base64::encode(random_bytes(rng, 3 << 20));
  for (size_t pos : {size_t{0}, size_t{31}, size_t{32}, size_t{1000003}, flat.size() - 1}) {
    std::string text = flat;
    text[pos] = '!';
    expect_same_decode(text);
  }
  expect_same_decode(flat.substr(0, flat.size() - 3));  // ends inside a quantum
}

}  // namespace
}  // namespace cph::base64::fast
