// Runs a program to its end, bounded by a deadline, with no stdin; its
// stdout then its stderr in one string (both drained at once, so neither
// pipe can fill and stall the program). The tests' way to run `cph` and
// documented shell blocks.
#pragma once
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "proc/child.hpp"

namespace cph::test {

struct Ran {
  int code = -1;           // -1: it could not start, died of a signal, or was killed at the deadline
  bool timed_out = false;  // killed at the deadline
  std::string out;         // stdout, then stderr
};

struct RunOptions {
  std::string cwd;               // empty: ours
  std::vector<std::string> env;  // "KEY=VALUE" added to ours
  std::chrono::seconds deadline{60};
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
  if (!child) {
    r.out = error;
    return r;
  }
  child->close_stdin();
  const auto deadline = proc::deadline_in(o.deadline);
  std::string err;
  std::thread stderr_reader([&] {
    char buf[4096];
    for (;;) {
      auto x = child->read_stderr(buf, sizeof buf, deadline);
      err.append(buf, x.bytes);
      if (x.status != proc::IoStatus::ok) return;
    }
  });
  char buf[8192];
  for (;;) {
    auto x = child->read_stdout(buf, sizeof buf, deadline);
    r.out.append(buf, x.bytes);
    if (x.status != proc::IoStatus::ok) break;
  }
  stderr_reader.join();
  r.out += err;
  auto st = child->wait_until(deadline);
  if (!st) {
    r.timed_out = true;
    child->terminate();
    return r;
  }
  r.code = st->exit_code();
  return r;
}

}  // namespace cph::test
