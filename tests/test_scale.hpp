// How far timing-sensitive tests stretch their deadlines on this machine, so
// that no assertion needs an idle one:
// - CPH_TEST_TIMEOUT_SCALE from the environment (a number >= 1, default 1):
//   how much slower than an idle developer machine this run may be (a
//   loaded CI runner, a build beside the tests);
// - times 3 in a sanitized build (ASan and TSan slow everything down);
// - and a measured start-up: how long cph-fake takes, right now, from spawn
//   to its handshake (the slowest of three starts), for deadlines that are
//   about a helper starting.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>

#include "proc/child.hpp"

namespace cph::test {

// How much slower a sanitized build runs (ASan and TSan): 3, else 1.
inline double sanitizer_slowdown() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 3;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return 3;
#endif
#endif
  return 1;
}

inline double timeout_scale() {
  double scale = 1.0;
  if (const char* env = std::getenv("CPH_TEST_TIMEOUT_SCALE"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (end != env && *end == '\0' && v >= 1.0 && v <= 100.0) scale = v;
  }
  return scale * sanitizer_slowdown();
}

// The scale ctest started this test with (tests/ctest_load_scale.cmake.in:
// CPH_TEST_TIMEOUT_SCALE or the load average per core, whichever is larger),
// which also stretched the test's ctest deadline; 1 outside ctest. For a
// deadline inside that one on CPU-bound work (a build from scratch).
inline double load_scale() {
  if (const char* env = std::getenv("CPH_TEST_LOAD_SCALE"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (end != env && *end == '\0' && v >= 1.0 && v <= 100.0) return v;
  }
  return 1.0;
}

// For a limit that only bounds work and is never the thing asserted (a
// program the test runs, a reply it waits for, a case deadline where a
// timeout is not the expected outcome): the load scale times the sanitizer
// slowdown. A loaded machine and ASan each slow all work down, so a limit
// measured on an idle, plain build stretches by both; the test's ctest
// deadline was stretched by the same load scale. Never below
// timeout_scale() (outside ctest, load_scale() is 1).
inline double load_timeout_scale() { return std::max(load_scale() * sanitizer_slowdown(), timeout_scale()); }

template <class Rep, class Period>
std::chrono::milliseconds load_scaled(std::chrono::duration<Rep, Period> d) {
  return std::chrono::milliseconds(
      static_cast<int64_t>(std::chrono::duration<double, std::milli>(d).count() * load_timeout_scale()));
}

template <class Rep, class Period>
std::chrono::milliseconds scaled(std::chrono::duration<Rep, Period> d) {
  return std::chrono::milliseconds(
      static_cast<int64_t>(std::chrono::duration<double, std::milli>(d).count() * timeout_scale()));
}

#ifdef CPH_FAKE_BIN  // not in cph-fuzz-proof-tests
// The slowest of three starts of cph-fake, spawn to handshake (10 s if it
// never handshakes: the caller's deadlines then stretch far, and a test
// failing for another reason says so).
inline std::chrono::milliseconds measured_fake_startup() {
  std::chrono::milliseconds worst{0};
  for (int i = 0; i < 3; ++i) {
    proc::SpawnOptions o;
    o.argv = {CPH_FAKE_BIN};
    std::string error;
    const auto t0 = proc::Clock::now();
    auto child = proc::Child::spawn(o, error);
    if (!child) return std::chrono::seconds(10);
    char c;
    const auto r = child->read_stdout(&c, 1, proc::deadline_in(std::chrono::seconds(10)));
    const auto took = std::chrono::ceil<std::chrono::milliseconds>(proc::Clock::now() - t0);
    if (r.status != proc::IoStatus::ok) return std::chrono::seconds(10);
    worst = std::max(worst, took);
  }
  return worst;
}
#endif

}  // namespace cph::test
