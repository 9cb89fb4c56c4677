// Whether this test binary (and so cph-fake, built with the same preset) runs
// under a sanitizer. ASan's quarantine and shadow memory, and TSan's, inflate
// peak RSS many times over, so memory-budget assertions only mean something
// in the uninstrumented build; under a sanitizer those tests skip, visibly.
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CPH_SANITIZED_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CPH_SANITIZED_BUILD 1
#endif
#endif

namespace cph::testing {
#ifdef CPH_SANITIZED_BUILD
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif
inline constexpr const char* kRssUnderSanitizer =
    "peak RSS is meaningless under ASan/TSan (quarantine, shadow memory); the default build checks it";
}  // namespace cph::testing
