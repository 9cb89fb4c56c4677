// Every command the README and docs/*.md show as runnable runs. A fenced
// block whose info string is `sh runnable` runs with bash -euo pipefail from
// a sandbox that looks like the repository root after `make build`
// (docs_shell_test.hpp: build/default is this build, cph and cph-fake are on
// PATH); `sh runnable-needs-go` blocks also need `go` (and, for `go
// install`, the module proxy) and skip, visibly, without it. A failure names
// the block's file:line. `sh runnable-slow` blocks (building the library
// example against an install of this build: the find_package test) skip
// under sanitizers (the example is built with the default compiler and
// flags, which cannot link instrumented libraries). Both kinds get test names
// ending in "Slow" and a 300 s deadline; plain blocks 90 s (an idle
// machine's: run_program stretches them by the load).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "docs_shell_test.hpp"
#include "sanitized_build.hpp"

namespace {

namespace fs = std::filesystem;
using cph::docs_test::RepoSandbox;
using cph::docs_test::ShellRun;

constexpr const char* kRunnable = "runnable";
constexpr const char* kRunnableNeedsGo = "runnable-needs-go";
constexpr const char* kRunnableSlow = "runnable-slow";

bool is_marker(const std::string& w) { return w == kRunnable || w == kRunnableNeedsGo || w == kRunnableSlow; }

struct Block {
  std::string file;  // relative to the source root
  int line = 0;      // of the opening fence
  std::string info;  // the fence's info string
  std::string marker;
  std::string text;
};

// Test names and ctest show a block as its place.
void PrintTo(const Block& b, std::ostream* os) { *os << b.file << ":" << b.line; }

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The fenced blocks of a Markdown file (``` at the start of a line).
std::vector<Block> fenced_blocks(const std::string& relative) {
  std::ifstream in(fs::path(CPH_SOURCE_DIR) / relative);
  std::vector<Block> blocks;
  std::string line;
  int n = 0;
  Block* open = nullptr;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("```", 0) == 0) {
      if (open == nullptr) {
        blocks.push_back({relative, n, line.substr(3), "", ""});
        open = &blocks.back();
        for (const auto& w : words(open->info)) {
          if (is_marker(w)) open->marker = w;
        }
      } else {
        open = nullptr;
      }
      continue;
    }
    if (open != nullptr) open->text += line + "\n";
  }
  return blocks;
}

std::vector<std::string> documents() {
  std::vector<std::string> files = {"README.md"};
  for (const auto& e : fs::directory_iterator(fs::path(CPH_SOURCE_DIR) / "docs")) {
    if (e.path().extension() == ".md") files.push_back("docs/" + e.path().filename().string());
  }
  std::sort(files.begin() + 1, files.end());
  return files;
}

std::vector<Block> all_blocks() {
  std::vector<Block> out;
  for (const auto& f : documents()) {
    for (auto& b : fenced_blocks(f)) out.push_back(std::move(b));
  }
  return out;
}

std::vector<Block> runnable_blocks() {
  std::vector<Block> out;
  for (auto& b : all_blocks()) {
    if (!b.marker.empty()) out.push_back(std::move(b));
  }
  return out;
}

// A misspelt marker ("runable", "sh-runnable") would silently turn a block
// off: every info-string word that looks like one must be one.
TEST(DocsRunnable, MarkersAreSpeltRight) {
  for (const auto& b : all_blocks()) {
    for (const auto& w : words(b.info)) {
      if (w.find("run") != std::string::npos && !is_marker(w)) {
        ADD_FAILURE() << b.file << ":" << b.line << ": unknown marker \"" << w << "\" (want \"" << kRunnable << "\", \""
                      << kRunnableNeedsGo << "\" or \"" << kRunnableSlow << "\")";
      }
    }
  }
}

// The README's jobs are shown by running them.
TEST(DocsRunnable, TheReadmeHasRunnableBlocks) {
  int n = 0;
  for (const auto& b : runnable_blocks()) n += b.file == "README.md";
  EXPECT_GE(n, 4);
}

class DocsBlock : public testing::TestWithParam<Block> {};

TEST_P(DocsBlock, Runs) {
  const Block& b = GetParam();
  if (b.marker == kRunnableNeedsGo && !cph::docs_test::go_available()) {
    GTEST_SKIP() << b.file << ":" << b.line << ": needs go on PATH";
  }
  if (b.marker == kRunnableSlow && cph::testing::kSanitizedBuild) {
    GTEST_SKIP() << b.file << ":" << b.line
                 << ": builds with the default compiler, which cannot link this sanitized build";
  }
  RepoSandbox box;
  const auto limit = std::chrono::seconds(b.marker == kRunnable ? 90 : 300);
  ShellRun r = box.run(b.text, limit);
  EXPECT_FALSE(r.timed_out) << b.file << ":" << b.line << ": the block did not end within " << r.deadline.count()
                            << " ms:\n"
                            << b.text << "--- output:\n"
                            << r.output;
  EXPECT_EQ(r.code, 0) << b.file << ":" << b.line << ": the block exited " << r.code << ":\n"
                       << b.text << "--- output:\n"
                       << r.output;
}

std::string block_name(const testing::TestParamInfo<Block>& info) {
  std::string name = info.param.file + "_" + std::to_string(info.param.line);
  // go install and a cold compile take their time.
  if (info.param.marker == kRunnableSlow || info.param.marker == kRunnableNeedsGo) name += "_Slow";
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Docs, DocsBlock, testing::ValuesIn(runnable_blocks()), block_name);

}  // namespace
