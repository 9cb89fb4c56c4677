// The inputs of the coverage-guided helper target (fuzz/fuzz_helper.cpp) as
// traces: `cph replay INPUT` runs one, `cph fuzz --corpus DIR` runs a
// campaign's corpus first, and a trace becomes a seed input. The bytes are
// op_bytes.hpp's layout; the helper command is not in them (the trace's
// helper is left empty for the caller to fill in).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "fuzzer/op_bytes.hpp"
#include "fuzzer/trace_file.hpp"

namespace cph::fuzzer {

// A trace file starts with '{'; anything else is a fuzz input. (An input
// whose trace seed byte is '{', 123, is told apart by the caller: --fuzz-input.)
bool looks_like_trace(std::string_view bytes);

Trace trace_from_input(std::string_view bytes, const DecodeOptions& options = {});
std::string input_from_trace(const Trace& trace, const DecodeOptions& options = {});

struct CorpusEntry {
  std::string path;
  Trace trace;
};
// Every regular file below `dir`, sorted by path: a trace file when it
// parses as one, otherwise a fuzz input. Throws TraceError when `dir` cannot
// be read.
std::vector<CorpusEntry> load_corpus(const std::string& dir, const DecodeOptions& options = {});

std::string read_file_bytes(const std::string& path);                      // throws TraceError
void write_file_bytes(const std::string& path, const std::string& bytes);  // throws TraceError

}  // namespace cph::fuzzer
