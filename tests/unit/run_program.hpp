// Runs a program to its end, bounded by a deadline, with no stdin; its
// stdout then its stderr in one string. The CLI tests' way to run `cph`.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "proc/child.hpp"

namespace cph::test {

struct Ran {
  int code = -1;  // -1: it could not start, or was killed at the deadline
  std::string out;
};

inline Ran run_program(const std::vector<std::string>& argv, const std::string& cwd = "",
                       std::chrono::seconds deadline_in = std::chrono::seconds(60)) {
  proc::SpawnOptions opts;
  opts.argv = argv;
  opts.dir = cwd;
  opts.pipe_stderr = true;
  std::string error;
  auto child = proc::Child::spawn(opts, error);
  Ran r;
  if (!child) {
    r.out = error;
    return r;
  }
  child->close_stdin();
  const auto deadline = proc::deadline_in(deadline_in);
  char buf[4096];
  for (;;) {
    auto x = child->read_stdout(buf, sizeof buf, deadline);
    r.out.append(buf, x.bytes);
    if (x.status != proc::IoStatus::ok) break;
  }
  for (;;) {
    auto x = child->read_stderr(buf, sizeof buf, proc::deadline_in(std::chrono::seconds(2)));
    r.out.append(buf, x.bytes);
    if (x.status != proc::IoStatus::ok) break;
  }
  auto st = child->wait_until(deadline);
  if (!st) {
    child->terminate();
    return r;
  }
  r.code = st->exit_code();
  return r;
}

}  // namespace cph::test
