// The OSS-Fuzz / ClusterFuzzLite build (fuzz/oss-fuzz/build.sh), run as
// OSS-Fuzz runs it: clang with ASan and the libFuzzer engine, OUT and WORK
// given. Every fuzz target must land in $OUT, run one input, and have its
// seed-corpus zip. Slow (it builds the library with clang): the name says so,
// so quick runs can leave it out with --gtest_filter=-*Slow*.
// WORK is a fresh temporary directory every run, as OSS-Fuzz's is: a WORK kept
// between runs resumed whatever an earlier (perhaps killed) run left, and its
// CMakeCache.txt kept every option build.sh once passed and no longer does,
// so the test could pass where a clean OSS-Fuzz build fails. The build log
// stays in the build directory (oss-fuzz-build.log) for a look afterwards.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_scale.hpp"

namespace {

namespace fs = std::filesystem;

bool on_path(const std::string& prog) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && access((fs::path(dir) / prog).c_str(), X_OK) == 0) return true;
  return false;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `cmd` under coreutils' timeout (the deadline), output to `log`;
// returns the exit status (124 when the deadline hit).
int run(const std::string& cmd, int seconds, const fs::path& log) {
  const std::string line = "timeout --kill-after=10 " + std::to_string(seconds) + " " + cmd + " >" +
                           shell_quote(log.string()) + " 2>&1 </dev/null";
  const int st = std::system(line.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(OssFuzzBuildSlow, EveryTargetBuildsRunsOneInputAndHasItsSeedCorpus) {
  if (!on_path("clang++-14") || !on_path("clang-14"))
    GTEST_SKIP() << "clang++-14 is not on PATH; the OSS-Fuzz build needs it";
  if (!on_path("timeout")) GTEST_SKIP() << "coreutils timeout is not on PATH";
  const fs::path src = CPH_SOURCE_DIR;
  TempDir work_dir("cph-oss-fuzz-work-");
  TempDir out("cph-oss-fuzz-out-");
  ASSERT_FALSE(work_dir.path().empty() || out.path().empty()) << "mkdtemp failed";
  const fs::path work = work_dir.path();

  const std::string env =
      "CC=clang-14 CXX=clang++-14 CFLAGS=-fsanitize=address,fuzzer-no-link "
      "CXXFLAGS=-fsanitize=address,fuzzer-no-link LIB_FUZZING_ENGINE=-fsanitize=fuzzer "
      "OUT=" +
      shell_quote(out.path().string()) + " WORK=" + shell_quote(work.string());
  const fs::path build_log = fs::path(CPH_BINARY_DIR) / "oss-fuzz-build.log";
  // ctest's deadline for *Slow* tests is 900 s on an idle machine
  // (tests/CMakeLists.txt), stretched by the load it started at: the build
  // gets 80% of it (at load 22 on 2 cores, 33 of 106 objects took 720 s).
  const int deadline = static_cast<int>(720 * cph::test::load_scale());
  const int built =
      run("env " + env + " bash " + shell_quote((src / "fuzz/oss-fuzz/build.sh").string()), deadline, build_log);
  ASSERT_EQ(built, 0) << "fuzz/oss-fuzz/build.sh failed (124: took over " << deadline << " s); log " << build_log
                      << ":\n"
                      << read_file(build_log).substr(0, 20000);

  std::vector<std::string> targets;
  for (const auto& e : fs::directory_iterator(src / "fuzz")) {
    const std::string name = e.path().filename().string();
    if (name.rfind("fuzz_", 0) == 0 && e.path().extension() == ".cpp") targets.push_back(e.path().stem().string());
  }
  ASSERT_FALSE(targets.empty());
  for (const auto& t : targets) {
    SCOPED_TRACE(t);
    const fs::path bin = out.path() / t;
    ASSERT_TRUE(fs::exists(bin)) << bin << " was not built";
    EXPECT_TRUE(fs::exists(out.path() / (t + "_seed_corpus.zip"))) << "no seed corpus zip for " << t;
    EXPECT_TRUE(fs::exists(out.path() / (t + ".dict"))) << "no dictionary for " << t;
    EXPECT_TRUE(fs::exists(out.path() / (t + ".options"))) << "no options for " << t;
    // One input: the first seed of its corpus.
    std::set<fs::path> seeds;
    for (const auto& e : fs::directory_iterator(src / "fuzz/corpus" / t)) seeds.insert(e.path());
    ASSERT_FALSE(seeds.empty()) << "empty corpus for " << t;
    const fs::path log = out.path() / (t + ".run.log");
    const int ran = run(shell_quote(bin.string()) + " -runs=1 " + shell_quote(seeds.begin()->string()), 120, log);
    EXPECT_EQ(ran, 0) << t << " -runs=1 " << *seeds.begin() << ":\n" << read_file(log);
    EXPECT_NE(read_file(log).find("Executed "), std::string::npos) << read_file(log);
  }
}

}  // namespace
