// cph-fake's engine: answers GOCACHEPROG requests from a disk store, with the
// script's rules applied, over a pair of file descriptors (stdin/stdout).
#pragma once
#include <cstdint>
#include <string>

#include "script.hpp"

namespace cph::fake {

struct Options {
  std::string dir;  // empty: a fresh temp directory, removed at exit unless keep
  bool keep = false;
  Script script;
  uint64_t seed = 1;            // for rule probabilities and shuffled holds
  std::string stats_path;       // JSON counters written at exit
  std::string transcript_path;  // JSON Lines (wire::Transcript)
  bool strict_framing = false;  // wire reader in strict mode
  int workers = 4;
  int in_fd = 0;
  int out_fd = 1;
};

// Runs until close or stdin EOF and returns the exit status (0, or 1 when the
// request stream is malformed). Scripted exits, kills and hangs end or stop
// the process from inside; stats and cleanup happen before a scripted exit or
// kill too.
int run_fake(const Options& opts);

}  // namespace cph::fake
