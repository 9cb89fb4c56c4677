// Differential test of cover::parse_counter_file against Go's own reader:
// the Go test helper (tests/go-buggy-helper) built with -cover runs seeded
// `cph fuzz` sessions with GOCOVERDIR set, and every counter of every file
// it leaves must equal what `go tool covdata debugdump` prints for the same
// (package, function, index). Two builds: the main package alone, and with
// encoding/json and encoding/base64 instrumented too (several packages,
// counts in the thousands, so multi-byte ULEB128 values). With the Go on
// PATH, and (label slow) with go1.27.3 fetched through GOTOOLCHAIN, skipped
// with the reason when it cannot be fetched.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "cover/go_counters.hpp"
#include "go_buggy_helper.hpp"
#include "run_program.hpp"

namespace cph::cover {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Key = std::tuple<uint32_t, uint32_t, uint32_t>;  // package, function, counter index

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "cph-cover-diff-XXXXXX").string();
    if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// What Go says: debugdump lists every function of every package in index
// order (packages as the meta-data file orders them), each unit as
// "<i>: L<l>:C<c> -- L<l>:C<c> NS=<n> = <count>", counts summed over the
// directory's counter files.
struct GoView {
  std::map<Key, uint64_t> nonzero;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> units;  // (package, function) -> counters
};

GoView parse_debugdump(const std::string& text) {
  GoView v;
  static const std::regex unit(R"(^(\d+): L\d+:C\d+ -- L\d+:C\d+ .*= (\d+)$)");
  int64_t pkg = -1, func = -1;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.rfind("Package path: ", 0) == 0) {
      ++pkg;
      func = -1;
    } else if (line.rfind("Func: ", 0) == 0) {
      ++func;
    } else if (std::regex_match(line, m, unit) && pkg >= 0 && func >= 0) {
      const auto p = static_cast<uint32_t>(pkg), f = static_cast<uint32_t>(func);
      const auto i = static_cast<uint32_t>(std::stoul(m.str(1)));
      ++v.units[{p, f}];
      if (const uint64_t c = std::stoull(m.str(2))) v.nonzero[{p, f, i}] = c;
    }
  }
  return v;
}

struct Build {
  std::string name;
  std::vector<std::string> flags;
};

const std::vector<Build>& builds() {
  static const std::vector<Build> b = {
      {"main", {"-cover", "-covermode=count"}},
      {"json", {"-cover", "-covermode=count", "-coverpkg=cphbuggyhelper,encoding/json,encoding/base64"}},
  };
  return b;
}

// Builds the helper with `toolchain`, runs seeded sessions under each build,
// and compares every directory's counters with debugdump's.
void differential(const std::string& toolchain, bool skip_if_unavailable) {
  std::string why;
  auto go = test::go_on_path(why);
  if (!go) GTEST_SKIP() << why;
  TempDir tmp;
  const std::string module = std::string(CPH_SOURCE_DIR) + "/tests/go-buggy-helper";
  size_t dirs = 0, files = 0, counters = 0, multibyte = 0;
  std::set<uint32_t> packages;
  for (const Build& b : builds()) {
    const fs::path bin = tmp.path / ("helper-" + b.name);
    if (!test::go_build(*go, module, b.flags, bin, why, toolchain)) {
      if (skip_if_unavailable) GTEST_SKIP() << "GOTOOLCHAIN=" << toolchain << " is not available here: " << why;
      FAIL() << why;
    }
    // Sessions: plain, with re-put bursts and restarts; with malformed input.
    for (const std::vector<std::string>& session :
         {std::vector<std::string>{"--seed", "1", "--iterations", "300"},
          std::vector<std::string>{"--seed", "2", "--iterations", "600", "--hostile"},
          std::vector<std::string>{"--seed", "3", "--iterations", "60", "--max-body", "300000"}}) {
      const fs::path cov = tmp.path / ("cov-" + b.name + "-" + session[1]);
      fs::create_directories(cov);
      std::vector<std::string> argv = {CPH_CLI_BIN, "fuzz"};
      argv.insert(argv.end(), session.begin(), session.end());
      argv.insert(argv.end(), {"--", bin.string(), "--dir", "{dir}", "--bugs", "none"});
      test::Ran r = test::run_program(argv, {"", {"GOCOVERDIR=" + cov.string()}, 300s});
      ASSERT_EQ(r.code, 0) << "cph fuzz against the bug-free helper:\n" << r.out;

      std::map<Key, uint64_t> ours;
      std::map<std::pair<uint32_t, uint32_t>, size_t> lengths;
      size_t file_nonzero = 0;
      for (const auto& e : fs::directory_iterator(cov)) {
        if (e.path().filename().string().rfind("covcounters.", 0) != 0) continue;
        const std::string bytes = read_bytes(e.path());
        CounterFile f;
        ASSERT_NO_THROW(f = parse_counter_file(bytes)) << e.path();
        EXPECT_NE(e.path().filename().string().find(f.meta_hash_hex), std::string::npos)
            << "the file name carries the meta hash " << f.meta_hash_hex;
        ++files;
        for (const FuncCounters& fc : f.funcs) {
          lengths[{fc.pkg, fc.func}] = fc.counters.size();
          packages.insert(fc.pkg);
          for (uint32_t i = 0; i < fc.counters.size(); ++i) {
            if (fc.counters[i] == 0) continue;
            ours[{fc.pkg, fc.func, i}] += fc.counters[i];
            ++file_nonzero;
            multibyte += fc.counters[i] >= 128;
          }
        }
      }
      ASSERT_FALSE(ours.empty()) << "no counters in " << cov;
      ++dirs;
      counters += ours.size();

      test::Ran dump = test::run_program({*go, "tool", "covdata", "debugdump", "-i", cov.string()},
                                         {"", {"GOTOOLCHAIN=" + toolchain}, 300s});
      ASSERT_EQ(dump.code, 0) << dump.out;
      ASSERT_EQ(dump.stderr_text.find("warning"), std::string::npos) << dump.stderr_text;
      const GoView go_view = parse_debugdump(dump.stdout_text);
      EXPECT_EQ(ours, go_view.nonzero) << "build " << b.name << ", session --seed " << session[1];
      for (const auto& [pf, n] : lengths) {
        EXPECT_EQ(n, go_view.units.count(pf) ? go_view.units.at(pf) : 0u)
            << "counters of package " << pf.first << " function " << pf.second;
      }
      std::vector<uint8_t> map(1 << 16);
      EXPECT_EQ(fold_counter_dir(cov, map), file_nonzero);
    }
  }
  EXPECT_EQ(dirs, 6u);
  EXPECT_GE(packages.size(), 3u) << "the json build instruments three packages";
  EXPECT_GT(multibyte, 0u) << "no counter reached 128: the ULEB128 continuation was not exercised";
  std::cout << "GOTOOLCHAIN=" << toolchain << ": " << dirs << " coverage directories, " << files << " counter files, "
            << counters << " nonzero counters agree with go tool covdata (" << multibyte << " values >= 128 read)\n";
}

TEST(CoverCountersDifferential, AgreesWithGoToolCovdata) { differential("local", false); }

// Fetches go1.27.3 through the module proxy the first time: slow.
TEST(CoverCountersDifferential, AgreesWithGo1273Slow) { differential("go1.27.3", true); }

}  // namespace
}  // namespace cph::cover
