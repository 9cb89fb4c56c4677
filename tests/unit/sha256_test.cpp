#include "wire/sha256.hpp"

#include <gtest/gtest.h>

using namespace cph::wire;

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, StreamingEqualsOneShot) {
  Sha256 h;
  h.update("a");
  h.update("bc");
  EXPECT_EQ(h.digest(), sha256("abc"));
}

TEST(Hex, RoundTripAndRejects) {
  std::string out;
  ASSERT_TRUE(from_hex("00ff7A", out));
  EXPECT_EQ(out, std::string("\x00\xff\x7a", 3));
  EXPECT_FALSE(from_hex("0", out));
  EXPECT_FALSE(from_hex("zz", out));
}
