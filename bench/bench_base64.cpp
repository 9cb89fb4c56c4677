// base64 throughput: the fast kernels (scalar and AVX2) against OpenSSL's
// EVP_DecodeBlock / EVP_EncodeBlock, the exact decoder, and memcpy (the
// ceiling), on the same buffers in the same run. Throughput counts the input
// bytes: base64 text for decoding, raw bytes for encoding.
#include <openssl/evp.h>

#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "memcpy_baseline.hpp"
#include "wire/base64.hpp"
#include "wire/base64_fast.hpp"

namespace {

using cph::base64::fast::Kernel;

std::string random_bytes(size_t n) {
  std::mt19937_64 rng(42);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// A multiple of 3 so the text has no padding (OpenSSL and the kernels then
// do the same work).
size_t raw_size(const benchmark::State& state) { return static_cast<size_t>(state.range(0)) / 3 * 3; }

void Memcpy(benchmark::State& state) { cph::bench::memcpy_baseline(state, random_bytes(raw_size(state))); }

void DecodeOpenSSL(benchmark::State& state) {
  const std::string text = cph::base64::encode(random_bytes(raw_size(state)));
  std::vector<unsigned char> out(text.size());
  for (auto _ : state) {
    const int n =
        EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void DecodeExact(benchmark::State& state) {
  const std::string text = cph::base64::encode(random_bytes(raw_size(state)));
  std::string out;
  for (auto _ : state) {
    auto err = cph::base64::decode(text, out);
    benchmark::DoNotOptimize(err);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

template <Kernel K>
void DecodeKernel(benchmark::State& state) {
  if (K == Kernel::avx2 && cph::base64::fast::best_kernel() != Kernel::avx2) {
    state.SkipWithError("no AVX2 on this CPU");
    return;
  }
  const std::string text = cph::base64::encode(random_bytes(raw_size(state)));
  std::vector<unsigned char> out(text.size() / 4 * 3 + cph::base64::fast::kOutputSlack);
  for (auto _ : state) {
    auto p = cph::base64::fast::decode_prefix(text.data(), text.size(), out.data(), K);
    benchmark::DoNotOptimize(p);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

// The std::string front end (fast::decode): includes sizing the string.
void DecodeFastString(benchmark::State& state) {
  const std::string text = cph::base64::encode(random_bytes(raw_size(state)));
  std::string out;
  for (auto _ : state) {
    auto err = cph::base64::fast::decode(text, out);
    benchmark::DoNotOptimize(err);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void EncodeOpenSSL(benchmark::State& state) {
  const std::string raw = random_bytes(raw_size(state));
  std::vector<unsigned char> out(cph::base64::encoded_len(raw.size()) + 1);
  for (auto _ : state) {
    const int n =
        EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * raw.size()));
}

void EncodeExact(benchmark::State& state) {
  const std::string raw = random_bytes(raw_size(state));
  for (auto _ : state) {
    std::string out = cph::base64::encode(raw);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * raw.size()));
}

template <Kernel K>
void EncodeKernel(benchmark::State& state) {
  if (K == Kernel::avx2 && cph::base64::fast::best_kernel() != Kernel::avx2) {
    state.SkipWithError("no AVX2 on this CPU");
    return;
  }
  const std::string raw = random_bytes(raw_size(state));
  std::vector<char> out(cph::base64::encoded_len(raw.size()) + cph::base64::fast::kOutputSlack);
  for (auto _ : state) {
    const size_t n =
        cph::base64::fast::encode_to(reinterpret_cast<const unsigned char*>(raw.data()), raw.size(), out.data(), K);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * raw.size()));
}

// The framing readers' scan for the end of a body string.
template <Kernel K>
void AlphabetPrefix(benchmark::State& state) {
  if (K == Kernel::avx2 && cph::base64::fast::best_kernel() != Kernel::avx2) {
    state.SkipWithError("no AVX2 on this CPU");
    return;
  }
  const std::string text = cph::base64::encode(random_bytes(raw_size(state)));
  for (auto _ : state) benchmark::DoNotOptimize(cph::base64::fast::alphabet_prefix(text, K));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

// 48 KiB stays in L2 (a typical cache object); 16 MiB streams from memory.
#define CPH_SIZES ->Arg(48 << 10)->Arg(16 << 20)

BENCHMARK(Memcpy) CPH_SIZES;
BENCHMARK(DecodeOpenSSL) CPH_SIZES;
BENCHMARK(DecodeExact) CPH_SIZES;
BENCHMARK_TEMPLATE(DecodeKernel, Kernel::scalar)->Name("DecodeScalar") CPH_SIZES;
BENCHMARK_TEMPLATE(DecodeKernel, Kernel::avx2)->Name("DecodeAVX2") CPH_SIZES;
BENCHMARK(DecodeFastString) CPH_SIZES;
BENCHMARK(EncodeOpenSSL) CPH_SIZES;
BENCHMARK(EncodeExact) CPH_SIZES;
BENCHMARK_TEMPLATE(EncodeKernel, Kernel::scalar)->Name("EncodeScalar") CPH_SIZES;
BENCHMARK_TEMPLATE(EncodeKernel, Kernel::avx2)->Name("EncodeAVX2") CPH_SIZES;
BENCHMARK_TEMPLATE(AlphabetPrefix, Kernel::scalar)->Name("AlphabetPrefixScalar") CPH_SIZES;
BENCHMARK_TEMPLATE(AlphabetPrefix, Kernel::avx2)->Name("AlphabetPrefixAVX2") CPH_SIZES;

}  // namespace

BENCHMARK_MAIN();
