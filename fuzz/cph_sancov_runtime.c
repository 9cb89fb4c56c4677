/* cph_sancov_runtime.c: the SanitizerCoverage runtime a C or C++ helper
 * links so that fuzz_helper (fuzz/fuzz_helper.cpp) is steered by the
 * helper's own coverage (docs/fuzzer.md, "Helpers in C or C++").
 *
 * Build the helper with clang's trace-pc-guard instrumentation and this
 * file compiled without it:
 *
 *   cc -O2 -c cph_sancov_runtime.c
 *   clang++ -O1 -fsanitize-coverage=trace-pc-guard helper.cpp cph_sancov_runtime.o -o helper
 *
 * Clang numbers nothing itself: it gives every edge a 32-bit guard and
 * calls __sanitizer_cov_trace_pc_guard_init once per module, then
 * __sanitizer_cov_trace_pc_guard(guard) on each edge taken (clang's
 * SanitizerCoverage documentation). Here init numbers the guards 1, 2, ...
 * in the order modules start (the same in every run of one binary) and the
 * callback adds one, saturating at 255, to byte (guard mod size) of the
 * file named by CPH_FUZZ_SANCOV_SHM, mapped shared. fuzz_helper creates
 * that file, clears it before each helper life and reads it after, so the
 * counts land in its memory as the edges run: a helper that is killed,
 * crashes or hangs has still given its coverage, unlike Go's counters,
 * which a helper writes when it exits.
 *
 * Without CPH_FUZZ_SANCOV_SHM (the helper in ordinary use) or when the file
 * cannot be mapped, every guard is 0 and the callback returns at once.
 * The runtime never writes to stdout or stderr: they are the helper's
 * protocol and its log. It uses only POSIX; C or C++, any standard. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC under -std=c99 */
#endif
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Keep the runtime itself uninstrumented even if its flags say otherwise. */
#if defined(__clang__) && __clang_major__ >= 13
#define CPH_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define CPH_NO_COVERAGE
#endif

static uint8_t* cph_sancov_area;
static uint32_t cph_sancov_slots;
static uint32_t cph_sancov_next_guard;

CPH_NO_COVERAGE static void cph_sancov_map(void) {
  static int tried;
  if (tried) return;
  tried = 1;
  const char* path = getenv("CPH_FUZZ_SANCOV_SHM");
  if (!path || !*path) return;
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size <= UINT32_MAX) {
    void* p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED) {
      cph_sancov_area = (uint8_t*)p;
      cph_sancov_slots = (uint32_t)st.st_size;
    }
  }
  close(fd);
}

CPH_NO_COVERAGE void __sanitizer_cov_trace_pc_guard_init(uint32_t* start, uint32_t* stop) {
  if (start == stop || *start) return; /* a module seen before */
  cph_sancov_map();
  for (uint32_t* g = start; g < stop; ++g) *g = cph_sancov_area ? ++cph_sancov_next_guard : 0;
}

CPH_NO_COVERAGE void __sanitizer_cov_trace_pc_guard(uint32_t* guard) {
  const uint32_t g = *guard;
  if (!g) return;
  uint8_t* c = &cph_sancov_area[g % cph_sancov_slots];
  if (*c != 255) ++*c;
}

#ifdef __cplusplus
}
#endif
