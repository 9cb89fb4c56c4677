// Fast base64 kernels. The AVX2 kernels follow the published vector
// algorithms of Wojciech Muła and Daniel Lemire ("Faster Base64 Encoding and
// Decoding Using AVX2 Instructions", 2018): nibble lookups to validate and
// translate 32 characters at once, multiply-add to pack 6-bit values. The
// scalar kernels use pre-shifted tables so a quantum costs four lookups and
// one test. Every kernel stops at the first irregular quantum; the exact
// decoder in base64.cpp owns all of Go's edge cases.
#include "wire/base64_fast.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#define CPH_BASE64_X86 1
#include <immintrin.h>
#endif

namespace cph::base64::fast {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr uint32_t kInvalid = 0x01000000;  // above any 24-bit quantum value

// kDecode[k][c]: the value of character c in position k of a quantum, already
// shifted into place, or kInvalid ('\r', '\n' and '=' are irregular too).
constexpr std::array<std::array<uint32_t, 256>, 4> make_decode_tables() {
  std::array<std::array<uint32_t, 256>, 4> t{};
  for (auto& row : t)
    for (auto& v : row) v = kInvalid;
  for (uint32_t i = 0; i < 64; ++i) {
    const auto c = static_cast<unsigned char>(kAlphabet[i]);
    for (int k = 0; k < 4; ++k) t[k][c] = i << (18 - 6 * k);
  }
  return t;
}
constexpr auto kDecode = make_decode_tables();

// kEncodePair[v]: the two characters for a 12-bit value.
constexpr std::array<std::array<char, 2>, 4096> make_encode_pairs() {
  std::array<std::array<char, 2>, 4096> t{};
  for (int v = 0; v < 4096; ++v) t[v] = {kAlphabet[v >> 6], kAlphabet[v & 63]};
  return t;
}
constexpr auto kEncodePair = make_encode_pairs();

Progress decode_scalar(const unsigned char* in, size_t n, unsigned char* out) {
  size_t i = 0, o = 0;
  for (; n - i >= 4; i += 4, o += 3) {
    const uint32_t v = kDecode[0][in[i]] | kDecode[1][in[i + 1]] | kDecode[2][in[i + 2]] | kDecode[3][in[i + 3]];
    if (v & kInvalid) break;
    out[o] = static_cast<unsigned char>(v >> 16);
    out[o + 1] = static_cast<unsigned char>(v >> 8);
    out[o + 2] = static_cast<unsigned char>(v);
  }
  return {i, o};
}

inline void encode_triple(const unsigned char* in, char* out) {
  const uint32_t v = uint32_t(in[0]) << 16 | uint32_t(in[1]) << 8 | in[2];
  std::memcpy(out, kEncodePair[v >> 12].data(), 2);
  std::memcpy(out + 2, kEncodePair[v & 4095].data(), 2);
}

// Encodes whole triples from `in`, then the padded tail.
size_t encode_scalar(const unsigned char* in, size_t n, char* out) {
  size_t i = 0, o = 0;
  for (; n - i >= 3; i += 3, o += 4) encode_triple(in + i, out + o);
  if (n - i == 1) {
    const uint32_t v = uint32_t(in[i]) << 16;
    out[o++] = kAlphabet[v >> 18];
    out[o++] = kAlphabet[v >> 12 & 63];
    out[o++] = '=';
    out[o++] = '=';
  } else if (n - i == 2) {
    const uint32_t v = uint32_t(in[i]) << 16 | uint32_t(in[i + 1]) << 8;
    out[o++] = kAlphabet[v >> 18];
    out[o++] = kAlphabet[v >> 12 & 63];
    out[o++] = kAlphabet[v >> 6 & 63];
    out[o++] = '=';
  }
  return o;
}

#ifdef CPH_BASE64_X86

// Validation: a character is valid when its low-nibble class and its
// high-nibble class share no bit. Sets `hi` and `lo` to the two classes of
// each of the 32 characters of `str`; `hi_nibbles` to their high nibbles.
__attribute__((target("avx2"))) inline void classes32_avx2(__m256i str, __m256i& hi_nibbles, __m256i& hi, __m256i& lo) {
  const __m256i lut_lo =
      _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
                       0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
  const __m256i lut_hi =
      _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
                       0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
  const __m256i mask_2f = _mm256_set1_epi8(0x2f);
  hi_nibbles = _mm256_and_si256(_mm256_srli_epi32(str, 4), mask_2f);
  hi = _mm256_shuffle_epi8(lut_hi, hi_nibbles);
  lo = _mm256_shuffle_epi8(lut_lo, _mm256_and_si256(str, mask_2f));
}

// 32 characters -> 24 bytes (stored as 32; the last 8 are junk in the slack).
// Returns false, writing nothing, when any of the 32 is not in the alphabet.
__attribute__((target("avx2"))) inline bool decode32_avx2(const unsigned char* in, unsigned char* out) {
  // Translation: the offset to add, by high nibble ('/' gets its own slot).
  const __m256i lut_roll = _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 19, 4, -65,
                                            -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i mask_2f = _mm256_set1_epi8(0x2f);

  __m256i str = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
  __m256i hi_nibbles, hi, lo;
  classes32_avx2(str, hi_nibbles, hi, lo);
  if (!_mm256_testz_si256(lo, hi)) return false;
  const __m256i eq_2f = _mm256_cmpeq_epi8(str, mask_2f);
  const __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(eq_2f, hi_nibbles));
  str = _mm256_add_epi8(str, roll);  // now 6-bit values

  // Pack four 6-bit values into 24 bits per 32-bit lane, then squeeze.
  const __m256i ab_bc = _mm256_maddubs_epi16(str, _mm256_set1_epi32(0x01400140));
  __m256i packed = _mm256_madd_epi16(ab_bc, _mm256_set1_epi32(0x00011000));
  packed = _mm256_shuffle_epi8(packed, _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1, 0,
                                                        6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1));
  packed = _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), packed);
  return true;
}

// Bit i set when in[i] is not an alphabet character (same classes as above).
__attribute__((target("avx2"))) inline uint32_t invalid_mask32_avx2(const unsigned char* in) {
  __m256i hi_nibbles, hi, lo;
  classes32_avx2(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(in)), hi_nibbles, hi, lo);
  const __m256i valid = _mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), _mm256_setzero_si256());
  return ~static_cast<uint32_t>(_mm256_movemask_epi8(valid));
}

__attribute__((target("avx2"))) size_t alphabet_prefix_avx2(const unsigned char* in, size_t n) {
  size_t i = 0;
  for (; n - i >= 32; i += 32) {
    if (const uint32_t bad = invalid_mask32_avx2(in + i)) return i + static_cast<size_t>(__builtin_ctz(bad));
  }
  while (i < n && !(kDecode[0][in[i]] & kInvalid)) ++i;
  return i;
}

__attribute__((target("avx2"))) Progress decode_avx2(const unsigned char* in, size_t n, unsigned char* out) {
  size_t i = 0, o = 0;
  while (n - i >= 32 && decode32_avx2(in + i, out + o)) {
    i += 32;
    o += 24;
  }
  const Progress rest = decode_scalar(in + i, n - i, out + o);
  return {i + rest.consumed, o + rest.produced};
}

// 24 bytes (read as 32) -> 32 characters.
__attribute__((target("avx2"))) inline void encode24_avx2(const unsigned char* in, char* out) {
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
  // Bytes 0..11 to lane 0 at offset 4, bytes 12..23 to lane 1 at offset 0.
  v = _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6));
  v = _mm256_shuffle_epi8(v, _mm256_set_epi8(10, 11, 9, 10, 7, 8, 6, 7, 4, 5, 3, 4, 1, 2, 0, 1, 14, 15, 13, 14, 11, 12,
                                             10, 11, 8, 9, 7, 8, 5, 6, 4, 5));
  // Split each 3-byte group into four 6-bit values, one per byte.
  const __m256i t0 = _mm256_and_si256(v, _mm256_set1_epi32(0x0fc0fc00));
  const __m256i t1 = _mm256_mulhi_epu16(t0, _mm256_set1_epi32(0x04000040));
  const __m256i t2 = _mm256_and_si256(v, _mm256_set1_epi32(0x003f03f0));
  const __m256i t3 = _mm256_mullo_epi16(t2, _mm256_set1_epi32(0x01000010));
  const __m256i idx = _mm256_or_si256(t1, t3);
  // 0..63 to the alphabet: add the offset of the value's range.
  const __m256i lut = _mm256_setr_epi8(65, 71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 0, 0, 65, 71, -4, -4,
                                       -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 0, 0);
  __m256i range = _mm256_subs_epu8(idx, _mm256_set1_epi8(51));
  range = _mm256_sub_epi8(range, _mm256_cmpgt_epi8(idx, _mm256_set1_epi8(25)));
  const __m256i chars = _mm256_add_epi8(idx, _mm256_shuffle_epi8(lut, range));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), chars);
}

__attribute__((target("avx2"))) size_t encode_avx2(const unsigned char* in, size_t n, char* out) {
  size_t i = 0, o = 0;
  for (; n - i >= 32; i += 24, o += 32) encode24_avx2(in + i, out + o);
  return o + encode_scalar(in + i, n - i, out + o);
}

#endif  // CPH_BASE64_X86

}  // namespace

Kernel best_kernel() {
#ifdef CPH_BASE64_X86
  static const Kernel k = __builtin_cpu_supports("avx2") ? Kernel::avx2 : Kernel::scalar;
  return k;
#else
  return Kernel::scalar;
#endif
}

const char* kernel_name(Kernel k) { return k == Kernel::avx2 ? "avx2" : "scalar"; }

Progress decode_prefix(const char* in, size_t n, unsigned char* out, Kernel k) {
  const auto* p = reinterpret_cast<const unsigned char*>(in);
#ifdef CPH_BASE64_X86
  if (k == Kernel::avx2 && best_kernel() == Kernel::avx2) return decode_avx2(p, n, out);
#endif
  (void)k;
  return decode_scalar(p, n, out);
}

size_t encode_to(const unsigned char* in, size_t n, char* out, Kernel k) {
#ifdef CPH_BASE64_X86
  if (k == Kernel::avx2 && best_kernel() == Kernel::avx2) return encode_avx2(in, n, out);
#endif
  (void)k;
  return encode_scalar(in, n, out);
}

size_t alphabet_prefix(std::string_view text, Kernel k) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
#ifdef CPH_BASE64_X86
  if (k == Kernel::avx2 && best_kernel() == Kernel::avx2) return alphabet_prefix_avx2(p, text.size());
#endif
  (void)k;
  size_t i = 0;
  while (i < text.size() && !(kDecode[0][p[i]] & kInvalid)) ++i;
  return i;
}

size_t decode_prefix_append(std::string_view text, std::string& out, Kernel k) {
  const size_t old = out.size();
  out.resize(old + text.size() / 4 * 3 + kOutputSlack);
  const Progress p = decode_prefix(text.data(), text.size(), reinterpret_cast<unsigned char*>(out.data() + old), k);
  out.resize(old + p.produced);
  return p.consumed;
}

void encode_append(std::string_view bytes, std::string& out, Kernel k) {
  const size_t old = out.size();
  out.resize(old + encoded_len(bytes.size()) + kOutputSlack);
  const size_t n = encode_to(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out.data() + old, k);
  out.resize(old + n);
}

std::string encode(std::string_view bytes, Kernel k) {
  std::string out;
  encode_append(bytes, out, k);
  return out;
}

std::optional<DecodeError> decode(std::string_view text, std::string& out, Kernel k) {
  out.clear();
  out.resize(text.size() / 4 * 3 + kOutputSlack);
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  size_t i = 0, o = 0;
  // Newlines between whole quanta are skipped by Go in any case, so the fast
  // kernel may resume after them (wrapped input stays on the fast path).
  for (;;) {
    const Progress p = decode_prefix(text.data() + i, text.size() - i, dst + o, k);
    i += p.consumed;
    o += p.produced;
    const size_t before = i;
    while (i < text.size() && (text[i] == '\n' || text[i] == '\r')) ++i;
    if (i == before || i == text.size()) break;
  }
  out.resize(o);
  if (i == text.size()) return std::nullopt;
  std::string tail;
  auto err = cph::base64::decode(text.substr(i), tail);
  out.append(tail);
  if (err) err->offset += static_cast<int64_t>(i);
  return err;
}

}  // namespace cph::base64::fast
