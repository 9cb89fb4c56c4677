// Go's coverage counter files (covcounters.*), as a binary built with
// `go build -cover` writes them into $GOCOVERDIR when it exits.
//
// The format is Go's internal/coverage (defs.go, decodecounter/,
// encodecounter/; version 1, unchanged since Go 1.20): a 32-byte header
// (magic "\0cwm", version, the 16-byte meta-data hash, the counter flavor,
// an endianness flag), then one or more segments, each a 16-byte segment
// header, a string table, an args table padded to 4 bytes and one record per
// executed function (counter count, package index, function index, then the
// counters), each followed by a 16-byte footer whose last one counts the
// segments. Values are ULEB128 or raw uint32 as the header's flavor says.
// A leaf: the standard library only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cph::cover {

struct FuncCounters {
  uint32_t pkg = 0, func = 0;
  std::vector<uint32_t> counters;
};
struct CounterFile {
  std::string meta_hash_hex;
  std::vector<FuncCounters> funcs;
};
// Parses one covcounters.* file; throws std::runtime_error naming the byte offset on bad input.
CounterFile parse_counter_file(std::string_view bytes);
// Reads every covcounters.* file in dir and folds each nonzero (meta hash, pkg, func, index)
// into out (hash to an index, saturating add); returns how many counters were nonzero.
std::size_t fold_counter_dir(const std::filesystem::path& dir, std::span<uint8_t> out);

}  // namespace cph::cover
