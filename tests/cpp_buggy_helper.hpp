// Builds tests/cpp-buggy-helper (the C++ port of the Go test helper with
// planted bugs) as a helper author would for coverage-guided fuzzing: clang
// with -fsanitize-coverage=trace-pc-guard (leaving out the libraries' code:
// fuzz/cph_sancov_ignorelist.txt), linked with the SanitizerCoverage runtime
// fuzz/cph_sancov_runtime.c compiled as C without it (docs/fuzzer.md,
// "Helpers in C or C++"). Once per test process, into the build tree. Tests
// that need it skip, with the reason, when clang is not on PATH or the build
// fails:
//
//   std::string why;
//   auto helper = cph::test::cpp_buggy_helper(why);
//   if (!helper) GTEST_SKIP() << why;
#pragma once
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "proc/look_path.hpp"
#include "run_program.hpp"

namespace cph::test {

inline std::optional<std::string> cpp_buggy_helper(std::string& why) {
  static std::string cached_why;
  static const std::optional<std::string> built = []() -> std::optional<std::string> {
    const char* path_env = std::getenv("PATH");
    std::string clang;
    for (const char* name : {"clang++-14", "clang++"}) {
      if (auto found = proc::look_path(name, path_env ? path_env : ""); found.ok()) {
        clang = found.path;
        break;
      }
    }
    if (clang.empty()) {
      cached_why = "clang++ (or clang++-14) is not on PATH: -fsanitize-coverage=trace-pc-guard is clang's";
      return std::nullopt;
    }
    namespace fs = std::filesystem;
    const fs::path out_dir = fs::path(CPH_BINARY_DIR) / "tests" / "cpp-buggy-helper";
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    const std::string src = CPH_SOURCE_DIR;
    // Temporary names, then a rename: concurrent test processes may build it.
    const std::string pid = std::to_string(::getpid());
    const std::string runtime = (out_dir / ("cph_sancov_runtime.o.tmp" + pid)).string();
    const fs::path out = out_dir / "cph-cpp-buggy-helper";
    const std::string tmp = out.string() + ".tmp" + pid;
    using namespace std::chrono_literals;
    const std::vector<std::vector<std::string>> steps = {
        {clang, "-x", "c", "-O2", "-c", src + "/fuzz/cph_sancov_runtime.c", "-o", runtime},
        {clang, "-std=c++20", "-O1", "-fsanitize-coverage=trace-pc-guard",
         "-fsanitize-coverage-ignorelist=" + src + "/fuzz/cph_sancov_ignorelist.txt",
         src + "/tests/cpp-buggy-helper/main.cpp", runtime, "-lcrypto", "-o", tmp}};
    for (const auto& argv : steps) {
      // 600 s: a first build on a loaded 2-core machine.
      const Ran r = run_program(argv, {"", {}, 600s});
      if (!r.status || !r.status->success()) {
        std::string cmd;
        for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
        cached_why = "`" + cmd + "`" + (r.timed_out ? " timed out" : " failed") + ":\n" + r.out;
        fs::remove(runtime, ec);
        fs::remove(tmp, ec);
        return std::nullopt;
      }
    }
    fs::remove(runtime, ec);
    fs::rename(tmp, out, ec);
    if (ec) {
      cached_why = "renaming " + tmp + ": " + ec.message();
      return std::nullopt;
    }
    return out.string();
  }();
  why = "needs the C++ test helper: " + cached_why;
  return built;
}

}  // namespace cph::test
