// cph-sancov-probe: a stand-in for a clang-instrumented helper, so the
// SanitizerCoverage runtime (fuzz/cph_sancov_runtime.c) and the segment it
// writes (cover/sancov_segment.hpp) are tested with any compiler. It calls
// the runtime as clang's instrumentation would: init for two modules (and
// once more for the first, as a module loaded twice is), then one callback
// per edge taken.
//
// Usage: cph-sancov-probe [EDGE[*TIMES]...] [kill]
//   EDGE   0..4 the first module's edges, 5..7 the second's
//   kill   end by SIGKILL instead of exiting
// Prints the guards as the runtime numbered them ("1 2 3 4 5 6 7 8", or all
// 0 when CPH_FUZZ_SANCOV_SHM names no file it could map).
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" void __sanitizer_cov_trace_pc_guard_init(uint32_t* start, uint32_t* stop);
extern "C" void __sanitizer_cov_trace_pc_guard(uint32_t* guard);

namespace {
uint32_t first_module[5], second_module[3];
}

int main(int argc, char** argv) {
  __sanitizer_cov_trace_pc_guard_init(first_module, first_module + 5);
  __sanitizer_cov_trace_pc_guard_init(second_module, second_module + 3);
  __sanitizer_cov_trace_pc_guard_init(first_module, first_module + 5);
  for (uint32_t g : first_module) std::printf("%u ", g);
  for (uint32_t g : second_module) std::printf("%u ", g);
  std::printf("\n");
  std::fflush(stdout);
  bool kill = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "kill") {
      kill = true;
      continue;
    }
    const size_t star = a.find('*');
    const int edge = std::stoi(a.substr(0, star));
    const int times = star == std::string::npos ? 1 : std::stoi(a.substr(star + 1));
    if (edge < 0 || edge > 7) return 2;
    uint32_t* guard = edge < 5 ? &first_module[edge] : &second_module[edge - 5];
    for (int t = 0; t < times; ++t) __sanitizer_cov_trace_pc_guard(guard);
  }
  if (kill) std::raise(SIGKILL);
  return 0;
}
