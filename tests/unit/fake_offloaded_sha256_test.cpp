// OffloadedSha256 gives SHA-256 exactly, on both sides of the point where it
// moves to its thread, whatever the pieces it is fed.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "offloaded_sha256.hpp"
#include "wire/sha256.hpp"

namespace cph::fake {
namespace {

std::string random_bytes(size_t n, uint64_t seed) {
  std::string s(n, '\0');
  std::mt19937_64 rng(seed);
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(OffloadedSha256, EqualsSha256AroundTheOffloadPoint) {
  constexpr size_t kInline = OffloadedSha256::kInlineBytes;
  constexpr size_t kBlock = OffloadedSha256::kBlock;
  const std::string body = random_bytes(kInline + 3 * kBlock + 12345, 1);
  std::mt19937_64 rng(2);
  for (size_t size :
       {size_t{0}, size_t{1}, kInline - 1, kInline, kInline + 1, kInline + kBlock, kInline + kBlock + 1, body.size()}) {
    for (size_t max_piece : {size_t{1} << 10, size_t{1} << 16, size_t{3} << 20}) {
      if (max_piece < 64 << 10 && size > kInline + kBlock + 1) continue;  // enough small-piece cases
      OffloadedSha256 h;
      for (size_t at = 0; at < size;) {
        const size_t n = std::min(size - at, 1 + rng() % max_piece);
        h.update(std::string_view(body).substr(at, n));
        at += n;
      }
      EXPECT_EQ(wire::to_hex(h.digest()), wire::to_hex(wire::sha256(std::string_view(body).substr(0, size))))
          << size << " bytes in pieces of at most " << max_piece;
    }
  }
}

TEST(OffloadedSha256, DestroyedWithoutDigestAfterTheThreadStarted) {
  // A put whose stream ends inside its body is destroyed unhashed: no hang, no leak.
  const std::string body = random_bytes(OffloadedSha256::kInlineBytes + 2 * OffloadedSha256::kBlock, 3);
  OffloadedSha256 h;
  h.update(body);
}

}  // namespace
}  // namespace cph::fake
