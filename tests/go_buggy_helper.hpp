// Builds tests/go-buggy-helper (a Go GOCACHEPROG helper with planted bugs,
// see its main.go) with `go build -cover -covermode=count`, once per test
// process, into the build tree. Tests that need it skip, with the reason,
// when Go is missing or the build fails:
//
//   std::string why;
//   auto helper = cph::test::go_buggy_helper(why);
//   if (!helper) GTEST_SKIP() << why;
//
// Run it with GOCOVERDIR=<dir> and it writes its coverage counters there
// when it exits (on close or EOF; not when killed).
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

// The go on PATH, or why there is none.
inline std::optional<std::string> go_on_path(std::string& why) {
  const char* path_env = std::getenv("PATH");
  auto found = proc::look_path("go", path_env ? path_env : "");
  if (!found.ok()) {
    why = "go is not on PATH (" + found.error + ")";
    return std::nullopt;
  }
  return found.path;
}

// Builds the Go package in `module_dir` with `extra_flags` (e.g. -cover) to
// `out`, atomically (a temporary name, then a rename: concurrent test
// processes may build the same program). `toolchain` is GOTOOLCHAIN's value.
inline bool go_build(const std::string& go, const std::string& module_dir, const std::vector<std::string>& extra_flags,
                     const std::filesystem::path& out, std::string& why, const std::string& toolchain = "local") {
  std::error_code ec;
  std::filesystem::create_directories(out.parent_path(), ec);
  const std::string tmp = out.string() + ".tmp" + std::to_string(::getpid());
  std::vector<std::string> argv = {go, "build"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  argv.insert(argv.end(), {"-o", tmp, "."});
  using namespace std::chrono_literals;
  // 600 s: a first build on a loaded 2-core machine, or fetching a toolchain.
  Ran r = run_program(argv, {module_dir, {"GOTOOLCHAIN=" + toolchain, "CGO_ENABLED=0"}, 600s});
  if (!r.status || !r.status->success()) {
    why = "`go build` in " + module_dir + (r.timed_out ? " timed out" : " failed") + ":\n" + r.out;
    std::filesystem::remove(tmp, ec);
    return false;
  }
  std::filesystem::rename(tmp, out, ec);
  if (ec) {
    why = "renaming " + tmp + ": " + ec.message();
    return false;
  }
  return true;
}

inline std::optional<std::string> go_buggy_helper(std::string& why) {
  static std::string cached_why;
  static const std::optional<std::string> built = []() -> std::optional<std::string> {
    auto go = go_on_path(cached_why);
    if (!go) return std::nullopt;
    const auto out = std::filesystem::path(CPH_BINARY_DIR) / "tests" / "go-buggy-helper" / "cph-buggy-helper";
    if (!go_build(*go, std::string(CPH_SOURCE_DIR) + "/tests/go-buggy-helper", {"-cover", "-covermode=count"}, out,
                  cached_why)) {
      return std::nullopt;
    }
    return out.string();
  }();
  why = "needs the Go test helper: " + cached_why;
  return built;
}

}  // namespace cph::test
