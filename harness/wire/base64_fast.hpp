// Fast kernels for standard base64, with Go's exact results.
//
// The kernels only do the common case: a run of whole 4-character quanta of
// alphabet characters. Anything irregular ('\r', '\n', '=', an invalid byte,
// a tail shorter than a quantum) stops the kernel at the start of that
// quantum, and the exact scalar decoder (wire/base64.hpp) takes over from
// there. Go's decoder state is empty at every quantum boundary, so the output
// and the error offsets are those of cph::base64::decode on the whole input.
//
// The AVX2 kernels are compiled with __attribute__((target("avx2"))) and picked
// at run time with __builtin_cpu_supports, so the build needs no -mavx2.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "wire/base64.hpp"

namespace cph::base64::fast {

enum class Kernel { scalar, avx2 };
Kernel best_kernel();               // avx2 when this CPU has it
const char* kernel_name(Kernel k);  // "scalar", "avx2"

// Extra bytes a kernel may write past what it reports as produced: size
// output buffers for the useful bytes plus this slack.
inline constexpr size_t kOutputSlack = 32;

struct Progress {
  size_t consumed = 0;  // input bytes used (a multiple of 4 when decoding)
  size_t produced = 0;  // output bytes written
};

// Decodes the longest prefix of `in` made of whole quanta of four alphabet
// characters. `out` must have room for n / 4 * 3 + kOutputSlack bytes.
Progress decode_prefix(const char* in, size_t n, unsigned char* out, Kernel k = best_kernel());

// Encodes `n` bytes whole (with padding). `out` must have room for
// encoded_len(n) + kOutputSlack bytes. Returns the characters written,
// exactly encoded_len(n).
size_t encode_to(const unsigned char* in, size_t n, char* out, Kernel k = best_kernel());

// The length of the longest prefix of `text` made only of the 64 alphabet
// characters: for framing readers that look for the end of a body string
// (RequestStreamReader's plain-byte run) without a loop per byte.
size_t alphabet_prefix(std::string_view text, Kernel k = best_kernel());

// Appends the decoding of text's fast prefix to `out`; returns the input
// bytes consumed. For StreamDecoder::feed: when no quantum is pending, start
// the exact loop at the returned index.
size_t decode_prefix_append(std::string_view text, std::string& out, Kernel k = best_kernel());
// Appends the base64 of `bytes` (with padding) to `out`.
void encode_append(std::string_view bytes, std::string& out, Kernel k = best_kernel());

// Drop-in equivalents of cph::base64::decode and encode: same output, same
// error (and the same partial output on error).
std::optional<DecodeError> decode(std::string_view text, std::string& out, Kernel k = best_kernel());
std::string encode(std::string_view bytes, Kernel k = best_kernel());

}  // namespace cph::base64::fast
