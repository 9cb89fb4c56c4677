// Writes Go coverage counter files as Go's encoder does
// (internal/coverage/encodecounter/encode.go), for tests, benchmarks and
// fuzz seeds: the parser's other half. The runtime writes only ULEB128 files
// with one segment; the raw flavor, big-endian values and several segments
// are there so the parser's every path can be fed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cover/go_counters.hpp"

namespace cph::cover {

struct WriteOptions {
  uint8_t flavor = 2;       // defs.go CounterFlavor: 1 raw uint32, 2 ULEB128
  bool big_endian = false;  // raw values only
  // Functions per segment, in order; what is left goes in a last segment.
  // Empty: one segment. Go's reader pads each preamble to 4 bytes from the
  // file's start, its writer from the segment's: they agree when every
  // segment before the last ends 4-aligned (raw values always do).
  std::vector<size_t> segment_sizes;
  std::map<std::string, std::string> args = {{"argc", "0"}};  // each segment's args table
};

// f.meta_hash_hex must be 32 hex digits (std::invalid_argument otherwise).
std::string write_counter_file(const CounterFile& f, const WriteOptions& o = {});

}  // namespace cph::cover
