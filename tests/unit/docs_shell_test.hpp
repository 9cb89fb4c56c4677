// Running documented commands as a user would: bash -euo pipefail in a
// sandbox that looks like the repository root after `make build` (every
// top-level entry of the source tree symlinked, build/default -> this build
// tree, cph and cph-fake first on PATH), so the docs can say
// `build/default/fakes/cph-fake` and `cph ...` whatever the build directory,
// and files the commands write land in the sandbox, not in the repository.
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "proc/look_path.hpp"
#include "run_program.hpp"

namespace cph::docs_test {

namespace fs = std::filesystem;

struct ShellRun {
  int code = -1;  // exit code; -1 on a signal or the deadline
  bool timed_out = false;
  std::string output;                     // stdout and stderr, interleaved
  std::chrono::milliseconds deadline{0};  // the limit applied, stretched by the load (run_program)
};

inline bool go_available() {
  const char* path = std::getenv("PATH");
  return proc::look_path("go", path ? path : "").ok();
}

class RepoSandbox {
 public:
  RepoSandbox() {
    std::string tmpl = (fs::temp_directory_path() / "cph-docs-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = tmpl;
    for (const auto& entry : fs::directory_iterator(CPH_SOURCE_DIR)) {
      const auto name = entry.path().filename().string();
      if (name == "build" || name == ".git") continue;
      fs::create_symlink(entry.path(), root_ / name);
    }
    fs::create_directories(root_ / "build");
    fs::create_symlink(CPH_BINARY_DIR, root_ / "build" / "default");
  }
  ~RepoSandbox() {
    std::error_code ec;
    fs::remove_all(root_, ec);  // removes the symlinks, never their targets
  }
  RepoSandbox(const RepoSandbox&) = delete;
  RepoSandbox& operator=(const RepoSandbox&) = delete;

  const fs::path& root() const { return root_; }

  // Runs `script` with bash -euo pipefail from the sandbox root; the whole
  // process group is killed at the deadline (`limit` on an idle machine,
  // stretched by the load: run_program).
  ShellRun run(const std::string& script, std::chrono::seconds limit) const {
    const char* path = std::getenv("PATH");
    test::RunOptions o;
    o.cwd = root_.string();
    o.env = {"PATH=" + std::string(CPH_BINARY_DIR) + "/harness:" + CPH_BINARY_DIR +
             "/fakes:" + (path ? path : "/usr/bin:/bin")};
    o.deadline = limit;
    // The script's first line merges its stderr into stdout, in order.
    test::Ran r = test::run_program({"/bin/bash", "-euo", "pipefail", "-c", "exec 2>&1\n" + script}, o);
    return ShellRun{r.code, r.timed_out, std::move(r.out), r.deadline};
  }

 private:
  fs::path root_;
};

}  // namespace cph::docs_test
