// Fuzzes cover::parse_counter_file (Go's covcounters.* files, see
// harness/cover/go_counters.hpp) on raw file bytes; the corpus holds real
// counter files written by `go build -cover` programs.
//  1. it returns or throws std::runtime_error, whose message names a byte
//     offset within the input: "Go coverage counter file: byte N: ...";
//  2. an accepted file is consistent: its meta hash is 32 hex digits and
//     no function has more counters than the file has bytes;
//  3. round trip: the accepted functions, written again as one segment by
//     cover::write_counter_file (a copy of Go's encodecounter/encode.go) in
//     the file's flavor and byte order, parse back to the same functions
//     and hash.
// The agreement with Go's own reader is the differential test
// tests/interop/cover_counters_differential_test.cpp.
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cover/counter_writer.hpp"
#include "cover/go_counters.hpp"
#include "fuzz_check.hpp"

namespace {

using cph::cover::CounterFile;

void check(bool ok, const char* what, std::string_view input) {
  if (!ok) cph::fuzz::fail(__FILE__, __LINE__, std::string(what) + " on " + cph::fuzz::printable(input));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CounterFile f;
  try {
    f = cph::cover::parse_counter_file(input);
  } catch (const std::runtime_error& e) {
    static constexpr std::string_view kPrefix = "Go coverage counter file: byte ";
    const std::string_view msg = e.what();
    check(msg.substr(0, kPrefix.size()) == kPrefix, "an error without its byte offset", input);
    const size_t offset = std::strtoull(e.what() + kPrefix.size(), nullptr, 10);
    check(offset <= size, "an error offset past the end", input);
    return 0;
  }
  check(f.meta_hash_hex.size() == 32 && f.meta_hash_hex.find_first_not_of("0123456789abcdef") == std::string::npos,
        "a meta hash that is not 32 hex digits", input);
  size_t counters = 0;
  for (const auto& fc : f.funcs) counters += fc.counters.size();
  check(counters <= size, "more counters than bytes", input);

  cph::cover::WriteOptions o;
  o.flavor = data[24];
  o.big_endian = data[25] != 0;
  const std::string again = cph::cover::write_counter_file(f, o);
  CounterFile g;
  try {
    g = cph::cover::parse_counter_file(again);
  } catch (const std::runtime_error& e) {
    cph::fuzz::fail(__FILE__, __LINE__,
                    std::string("re-encoded file rejected: ") + e.what() + " on " + cph::fuzz::printable(input) +
                        " re-encoded " + cph::fuzz::printable(again));
  }
  check(g.meta_hash_hex == f.meta_hash_hex, "the re-encoded hash differs", input);
  check(g.funcs.size() == f.funcs.size(), "the re-encoded file has another function count", input);
  for (size_t i = 0; i < f.funcs.size(); ++i) {
    check(g.funcs[i].pkg == f.funcs[i].pkg && g.funcs[i].func == f.funcs[i].func &&
              g.funcs[i].counters == f.funcs[i].counters,
          "a re-encoded function differs", input);
  }
  return 0;
}
