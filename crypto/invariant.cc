// The single place a broken invariant ends the process. Writes with fprintf (no allocation, no
// streams) because the heap may be what is broken.
#include "crypto/invariant.h"

#include <cstdio>
#include <cstdlib>

namespace pardner {

void assert_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "pardner: invariant broken: %s (%s:%d)\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace pardner
