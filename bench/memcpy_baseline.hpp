// The baseline a throughput benchmark is read against: copying the same bytes
// (bench_table.cpp reports decoders and parsers as a ratio to it).
#pragma once
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

namespace cph::bench {

inline void memcpy_baseline(benchmark::State& state, const std::string& src) {
  std::vector<char> dst(src.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * src.size()));
}

}  // namespace cph::bench
