// cover::parse_counter_file and fold_counter_dir on counter files written by
// cover::write_counter_file (a copy of Go's encodecounter/encode.go):
// both flavors, both byte orders, several segments, and every malformed
// input rejected with its byte offset. The differential test against Go's
// own reader is tests/interop/cover_counters_differential_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "cover/counter_writer.hpp"
#include "cover/go_counters.hpp"

namespace cph::cover {
namespace {

namespace fs = std::filesystem;

using Func = FuncCounters;

const std::string kHash = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";

std::string file_of(const std::vector<Func>& funcs, const WriteOptions& o = {}) {
  CounterFile f;
  f.meta_hash_hex = kHash;
  f.funcs = funcs;
  return write_counter_file(f, o);
}

const std::vector<Func> kFuncs = {
    {0, 0, {1, 0, 3}},
    {0, 7, {127, 128, 16383, 16384, 0xffffffffu}},
    {2, 1, {}},
    {300, 70000, {42}},
};

void expect_funcs(const CounterFile& f, const std::vector<Func>& want) {
  ASSERT_EQ(f.funcs.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(f.funcs[i].pkg, want[i].pkg) << i;
    EXPECT_EQ(f.funcs[i].func, want[i].func) << i;
    EXPECT_EQ(f.funcs[i].counters, want[i].counters) << i;
  }
}

std::string error_of(std::string_view bytes) {
  try {
    parse_counter_file(bytes);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(parsed)";
}

TEST(CoverGoCounters, ParsesUleb128AsTheRuntimeWritesIt) {
  WriteOptions o;
  o.args = {{"argc", "2"}, {"argv0", "/bin/helper"}, {"argv1", "--dir"}, {"GOOS", "linux"}};
  const CounterFile f = parse_counter_file(file_of(kFuncs, o));
  EXPECT_EQ(f.meta_hash_hex, kHash);
  expect_funcs(f, kFuncs);
}

TEST(CoverGoCounters, ParsesRawInBothByteOrders) {
  for (bool big : {false, true}) {
    WriteOptions o;
    o.flavor = 1;
    o.big_endian = big;
    expect_funcs(parse_counter_file(file_of(kFuncs, o)), kFuncs);
  }
}

TEST(CoverGoCounters, ReadsEverySegment) {
  // Raw values keep each segment 4-aligned, where Go's writer (padding from
  // the segment's start) and reader (from the file's start) agree.
  WriteOptions o;
  o.flavor = 1;
  o.segment_sizes = {2, 0, 1};
  std::vector<Func> all = kFuncs;
  all.push_back({1, 2, {5}});
  const std::string bytes = file_of(all, o);
  // Four segments: 2, 0, 1 and the last 2 functions, each with its footer.
  EXPECT_EQ(bytes[bytes.size() - 8], 4);
  expect_funcs(parse_counter_file(bytes), all);
}

TEST(CoverGoCounters, ASegmentsPreambleIsPaddedFromTheFilesStartAsGosReaderPadsIt) {
  // The first segment's counters (1, 0, 0, 1, 2) end 1 byte past a multiple
  // of 4, so the second segment starts unaligned; Go's reader pads its
  // preamble to 4 from the file's start (readSegmentPreamble), so a file it
  // reads right carries those bytes.
  WriteOptions o;
  o.segment_sizes = {1};
  const std::vector<Func> funcs = {{0, 0, {1, 2}}, {0, 1, {7}}};
  std::string b = file_of(funcs, o);
  const std::string footer1("\x00\x63\x77\x6d\0\0\0\0\x01\0\0\0\0\0\0\0", 16);
  const size_t seg2 = b.find(footer1) + 16;
  ASSERT_EQ(seg2 % 4, 1u);
  const size_t preamble = 16 + static_cast<uint8_t>(b[seg2 + 8]) + static_cast<uint8_t>(b[seg2 + 12]);
  b.insert(seg2 + preamble, 4 - (seg2 + preamble) % 4, '\0');
  expect_funcs(parse_counter_file(b), funcs);
}

TEST(CoverGoCounters, AnOverlongUleb128KeepsTheLow32BitsAsGoDoes) {
  std::string b = file_of({{0, 0, {9}}});
  // The lone counter (9) is the byte before the footer: spell it 9 + 2^35 in six bytes.
  const size_t at = b.size() - 17;
  ASSERT_EQ(b[at], 9);
  b.replace(at, 1, std::string("\x89\x80\x80\x80\x80\x01", 6));
  // The preamble keeps its size, so the record is still where Go reads it.
  EXPECT_EQ(parse_counter_file(b).funcs.at(0).counters, std::vector<uint32_t>{9});
}

TEST(CoverGoCounters, NamesTheByteOffsetOfEveryDefect) {
  const std::string good = file_of(kFuncs);
  auto with = [&](size_t at, char c) {
    std::string b = good;
    b[at] = c;
    return b;
  };
  EXPECT_EQ(error_of(good.substr(0, 10)), "Go coverage counter file: byte 10: file ends inside the 32-byte header");
  EXPECT_EQ(error_of(with(1, 'x')), "Go coverage counter file: byte 0: not a counter file (magic is not \\x00cwm)");
  EXPECT_EQ(error_of(with(4, 2)), "Go coverage counter file: byte 4: version 2 (this reader knows 1)");
  EXPECT_EQ(error_of(with(24, 3)), "Go coverage counter file: byte 24: unknown counter flavor 3 (1 raw, 2 ULEB128)");
  const size_t footer = good.size() - 16;
  EXPECT_EQ(error_of(with(footer + 2, 'x')),
            "Go coverage counter file: byte " + std::to_string(footer) + ": footer magic is not \\x00cwm");
  EXPECT_EQ(error_of(with(footer + 8, 0)),
            "Go coverage counter file: byte " + std::to_string(footer + 8) + ": footer counts no segments");
  // A function count beyond what the bytes can hold.
  EXPECT_EQ(error_of(with(32 + 7, 1)).rfind("Go coverage counter file: byte 32: segment claims", 0), 0u)
      << error_of(with(32 + 7, 1));
  // One function fewer than there are: bytes left before the footer.
  EXPECT_NE(error_of(with(32, static_cast<char>(kFuncs.size() - 1))).find("bytes after the last function"),
            std::string::npos);
  // The last counter lost: its function's record (count 1, package 300,
  // function 70000, in 1 + 2 + 3 bytes) starts 7 bytes before the footer.
  std::string cut = good;
  cut.erase(footer - 1, 1);
  EXPECT_EQ(error_of(cut),
            "Go coverage counter file: byte " + std::to_string(footer - 7) + ": function claims 1 counters in 0 bytes");
}

TEST(CoverGoCounters, EveryTruncationAndEveryByteFlipIsAnErrorOrAParse) {
  const std::string good = file_of(kFuncs);
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_NE(error_of(good.substr(0, n)), "(parsed)") << "a prefix of " << n << " bytes parsed";
  }
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string b = good;
      b[i] = static_cast<char>(b[i] ^ (1 << bit));
      error_of(b);  // parses or throws runtime_error; anything else fails the test
    }
  }
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "cph-cover-test-XXXXXX").string();
    if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path / name, std::ios::binary) << bytes;
  }
};

TEST(CoverGoCounters, FoldsEveryCounterFileOfADirectoryAndNothingElse) {
  TempDir d;
  const std::string a = file_of({{0, 0, {1, 0, 3}}, {0, 1, {300}}});
  d.write("covcounters.a0a1.1.1", a);
  // Not counter files: the meta-data file, the runtime's temporary file.
  d.write("covmeta.a0a1", "not counters");
  d.write("tmp.covcounters.a0a1.2.2", "half written");
  std::vector<uint8_t> map(1 << 16);
  EXPECT_EQ(fold_counter_dir(d.path, map), 3u);
  std::map<uint8_t, int> values;
  for (uint8_t v : map)
    if (v) ++values[v];
  EXPECT_EQ(values, (std::map<uint8_t, int>{{1, 1}, {3, 1}, {255, 1}}));  // 300 saturates

  // The same counters again add up in the same slots, saturating.
  d.write("covcounters.a0a1.3.3", a);
  EXPECT_EQ(fold_counter_dir(d.path, map), 6u);
  values.clear();
  for (uint8_t v : map)
    if (v) ++values[v];
  EXPECT_EQ(values, (std::map<uint8_t, int>{{1 + 2, 1}, {3 + 6, 1}, {255, 1}}));

  std::vector<uint8_t> none;
  EXPECT_EQ(fold_counter_dir(d.path, none), 6u) << "an empty map only counts";
}

TEST(CoverGoCounters, DifferentFunctionsAndIndicesFoldToDifferentSlots) {
  TempDir d;
  std::vector<Func> funcs;
  for (uint32_t f = 0; f < 8; ++f) funcs.push_back({f % 2, f, {1, 1, 1, 1}});
  d.write("covcounters.x.1.1", file_of(funcs));
  std::vector<uint8_t> map(1 << 16);
  EXPECT_EQ(fold_counter_dir(d.path, map), 32u);
  size_t slots = 0;
  for (uint8_t v : map) slots += v != 0;
  EXPECT_GE(slots, 31u) << "32 counters in 65536 slots should barely collide";
}

TEST(CoverGoCounters, ABadFileInTheDirectoryIsNamed) {
  TempDir d;
  d.write("covcounters.bad.1.1", std::string("\x00\x63\x77", 3));
  std::vector<uint8_t> map(16);
  try {
    fold_counter_dir(d.path, map);
    FAIL() << "a 3-byte counter file folded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("covcounters.bad.1.1: Go coverage counter file: byte 3:"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cph::cover
