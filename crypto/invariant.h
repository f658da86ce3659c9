// PARDNER_ASSERT: checks of our own code's guarantees, on in every build. A ledger that runs on
// past a broken invariant is worse than one that stops. Input from the world is refused with an
// error value instead; never assert on it.
#pragma once

namespace pardner {

[[noreturn]] void assert_failed(const char* expr, const char* file, int line);

}  // namespace pardner

// __FILE__, not std::source_location: Debian 12's clang 14 (used for fuzzing) lacks the latter
// with libstdc++ 12.
#define PARDNER_ASSERT(cond) \
  ((cond) ? void(0) : ::pardner::assert_failed(#cond, __FILE__, __LINE__))

// Checks too slow for production (whole-table comparisons); on in Debug and test builds.
#if defined(NDEBUG) && !defined(PARDNER_DEBUG_CHECKS)
#define PARDNER_DEBUG_ASSERT(cond) ((void)0)
#else
#define PARDNER_DEBUG_ASSERT(cond) PARDNER_ASSERT(cond)
#endif
