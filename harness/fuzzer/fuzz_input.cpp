#include "fuzzer/fuzz_input.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace cph::fuzzer {

bool looks_like_trace(std::string_view bytes) { return !bytes.empty() && bytes.front() == '{'; }

Trace trace_from_input(std::string_view bytes, const DecodeOptions& options) {
  DecodedOps d = decode_ops(bytes, options);
  Trace t;
  t.seed = d.seed;
  t.ops = std::move(d.ops);
  return t;
}

std::string input_from_trace(const Trace& trace, const DecodeOptions& options) {
  return encode_ops(trace.seed, trace.ops, options);
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(path + ": cannot read");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw TraceError(path + ": cannot read");
  return s;
}

void write_file_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
  f.flush();
  if (!f) throw TraceError(path + ": cannot write");
}

std::vector<CorpusEntry> load_corpus(const std::string& dir, const DecodeOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw TraceError(dir + ": not a directory");
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path().string());
  }
  if (ec) throw TraceError(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<CorpusEntry> out;
  for (const auto& f : files) {
    const std::string bytes = read_file_bytes(f);
    CorpusEntry e{f, {}};
    bool parsed = false;
    if (looks_like_trace(bytes)) {
      try {
        e.trace = parse_trace(bytes, f);
        parsed = true;
      } catch (const TraceError&) {
        // an input whose seed byte is '{'
      }
    }
    if (!parsed) e.trace = trace_from_input(bytes, options);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace cph::fuzzer
