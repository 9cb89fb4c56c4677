// The SanitizerCoverage segment (harness/cover/sancov_segment.hpp): what a
// C/C++ helper's coverage costs the coverage-guided helper fuzzer per
// execution. fuzz_helper clears the 64 KiB segment before a life and folds it
// into libFuzzer's extra counters after (a saturating add per nonzero slot,
// then a clear). Against memcpy of 64 KiB (the ceiling of any pass
// over them). Arg: the nonzero slots a life leaves (tests/cpp-buggy-helper
// leaves a few hundred; 8,192 is a helper with its libraries instrumented).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <utility>
#include <string>
#include <vector>

#include "cover/sancov_segment.hpp"
#include "memcpy_baseline.hpp"

namespace {

constexpr size_t kSlots = size_t{1} << 16;

void Memcpy(benchmark::State& state) { cph::bench::memcpy_baseline(state, std::string(kSlots, '\1')); }

// One life: clear, the helper's stores to its nonzero slots, the fold.
void ClearAndFold(benchmark::State& state) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("cph-bench-sancov-" + std::to_string(::getpid()));
  cph::cover::SancovSegment segment(file, kSlots);
  std::vector<uint8_t> out(kSlots);
  std::vector<std::pair<size_t, uint8_t>> life;
  std::mt19937_64 rng(20);
  for (int64_t i = 0; i < state.range(0); ++i) life.emplace_back(rng() % kSlots, 1 + rng() % 200);
  auto* area = const_cast<uint8_t*>(segment.counters().data());
  for (auto _ : state) {
    segment.clear();
    for (const auto& [slot, v] : life) area[slot] = v;
    benchmark::DoNotOptimize(segment.fold_into(out));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kSlots));
}

}  // namespace

BENCHMARK(Memcpy);
BENCHMARK(ClearAndFold)->Arg(300)->Arg(8192);

BENCHMARK_MAIN();
