#include "ledger/thread_name.h"

#include <pthread.h>

#include <cstring>

namespace pardner::ledger {

void name_thread(std::thread& thread, const char* name) {
  char cut[16] = {};
  std::strncpy(cut, name, sizeof cut - 1);
  (void)pthread_setname_np(thread.native_handle(), cut);
}

}  // namespace pardner::ledger
