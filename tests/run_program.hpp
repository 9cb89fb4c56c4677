// Runs a program to its end, bounded by a deadline, with no stdin; its
// stdout and stderr, each alone and together (both drained at once, so
// neither pipe can fill and stall the program). The tests' way to run `cph`,
// documented shell blocks and `go`. The deadline is an idle machine's: it
// stretches by the load and the sanitizer slowdown (test_scale.hpp:
// load_scaled), since it only bounds the program, never is the assertion.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "proc/child.hpp"
#include "test_scale.hpp"

namespace cph::test {

struct Ran {
  int code = -1;                           // -1: it could not start, died of a signal, or was killed at the deadline
  bool timed_out = false;                  // killed at the deadline
  std::optional<proc::ExitStatus> status;  // how it ended; none when it did not start or timed out
  std::string out;                         // stdout, then stderr
  std::string stdout_text, stderr_text;    // each alone (stderr_text: why, when it did not start)
  std::chrono::milliseconds deadline{0};   // the deadline applied: RunOptions::deadline, load_scaled
};

struct RunOptions {
  std::string cwd;                    // empty: ours
  std::vector<std::string> env;       // "KEY=VALUE" added to ours
  std::chrono::seconds deadline{60};  // on an idle machine: run_program stretches it (load_scaled)
};

inline Ran run_program(const std::vector<std::string>& argv, const RunOptions& o = {}) {
  proc::SpawnOptions opts;
  opts.argv = argv;
  opts.dir = o.cwd;
  opts.env_extra = o.env;
  opts.pipe_stderr = true;
  std::string error;
  auto child = proc::Child::spawn(opts, error);
  Ran r;
  r.deadline = load_scaled(o.deadline);
  if (!child) {
    r.out = r.stderr_text = error;
    return r;
  }
  child->close_stdin();
  const auto deadline = proc::deadline_in(r.deadline);
  std::thread stderr_reader([&] {
    char buf[4096];
    for (;;) {
      auto x = child->read_stderr(buf, sizeof buf, deadline);
      r.stderr_text.append(buf, x.bytes);
      if (x.status != proc::IoStatus::ok) return;
    }
  });
  char buf[8192];
  for (;;) {
    auto x = child->read_stdout(buf, sizeof buf, deadline);
    r.stdout_text.append(buf, x.bytes);
    if (x.status != proc::IoStatus::ok) break;
  }
  stderr_reader.join();
  r.out = r.stdout_text + r.stderr_text;
  r.status = child->wait_until(deadline);
  if (!r.status) {
    r.timed_out = true;
    child->terminate();
    return r;
  }
  r.code = r.status->exit_code();
  return r;
}

}  // namespace cph::test
