// Go coverage counter files (harness/cover): what reading one costs the
// coverage-guided helper fuzzer, which folds a helper's GOCOVERDIR after
// every execution. Parse against memcpy of the same bytes (the ceiling of
// any pass over them), and fold_counter_dir (directory listing, read, parse,
// fold) against reading the same file's bytes. Two files: a helper's main
// package as the runtime writes it (40 executed functions, 8 counters each,
// about 400 bytes) and a large one (3,000 functions, 12 counters each, about
// 50 KB: a helper whose dependencies are instrumented too). Counts as count
// mode gives them: most small, some past 127 (two ULEB128 bytes) or 16383.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "cover/counter_writer.hpp"
#include "cover/go_counters.hpp"
#include "memcpy_baseline.hpp"

namespace {

namespace fs = std::filesystem;

std::string counter_file(int64_t funcs, uint32_t per_func) {
  std::mt19937_64 rng(20);
  cph::cover::CounterFile f;
  f.meta_hash_hex = "6c3bd8ff75edd20a0cb78466070ff522";
  for (int64_t i = 0; i < funcs; ++i) {
    cph::cover::FuncCounters fc;
    fc.pkg = static_cast<uint32_t>(i / 200);
    fc.func = static_cast<uint32_t>(i % 200);
    for (uint32_t c = 0; c < per_func; ++c) {
      const uint64_t r = rng() % 100;
      const uint64_t v = r < 30 ? 0 : r < 80 ? 1 + rng() % 127 : r < 95 ? 128 + rng() % 16000 : 20000 + rng() % 1000000;
      fc.counters.push_back(static_cast<uint32_t>(v));
    }
    f.funcs.push_back(std::move(fc));
  }
  cph::cover::WriteOptions o;
  o.args = {{"argc", "3"},       {"argv0", "./cph-buggy-helper"},
            {"argv1", "--dir"},  {"argv2", "store"},
            {"GOARCH", "amd64"}, {"GOOS", "linux"}};
  return cph::cover::write_counter_file(f, o);
}

uint32_t per_func(const benchmark::State& state) { return state.range(0) > 100 ? 12 : 8; }

// A directory holding one counter file (and the meta file beside it, as the
// runtime leaves them), removed at exit.
struct CoverDir {
  fs::path path;
  fs::path file;
  explicit CoverDir(const std::string& bytes) {
    std::string t = (fs::temp_directory_path() / "cph-bench-cover-XXXXXX").string();
    if (!::mkdtemp(t.data())) std::abort();
    path = t;
    file = path / "covcounters.6c3bd8ff75edd20a0cb78466070ff522.4242.1796304396569119392";
    std::ofstream(file, std::ios::binary) << bytes;
    std::ofstream(path / "covmeta.6c3bd8ff75edd20a0cb78466070ff522", std::ios::binary) << std::string(1007, 'm');
  }
  ~CoverDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void Memcpy(benchmark::State& state) {
  cph::bench::memcpy_baseline(state, counter_file(state.range(0), per_func(state)));
}

void Parse(benchmark::State& state) {
  const std::string src = counter_file(state.range(0), per_func(state));
  for (auto _ : state) {
    auto f = cph::cover::parse_counter_file(src);
    benchmark::DoNotOptimize(f.funcs.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * src.size()));
}

// The baseline of a fold: open the one file by name and read its bytes.
void ReadFile(benchmark::State& state) {
  const std::string src = counter_file(state.range(0), per_func(state));
  CoverDir dir(src);
  std::string buf;
  for (auto _ : state) {
    std::FILE* f = std::fopen(dir.file.c_str(), "rb");
    char chunk[1 << 14];
    buf.clear();
    size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) buf.append(chunk, n);
    std::fclose(f);
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * src.size()));
}

void FoldDir(benchmark::State& state) {
  const std::string src = counter_file(state.range(0), per_func(state));
  CoverDir dir(src);
  std::vector<uint8_t> map(1 << 16);
  for (auto _ : state) {
    const size_t n = cph::cover::fold_counter_dir(dir.path, map);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * src.size()));
}

BENCHMARK(Memcpy)->Arg(40)->Arg(3000);
BENCHMARK(Parse)->Arg(40)->Arg(3000);
BENCHMARK(ReadFile)->Arg(40)->Arg(3000);
BENCHMARK(FoldDir)->Arg(40)->Arg(3000);

}  // namespace

BENCHMARK_MAIN();
