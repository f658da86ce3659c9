// Names a thread, so `top -H`, `ps -L`, perf and /proc/PID/task/*/comm tell the writer from the
// signers, the checkpointer and the I/O threads.
#pragma once

#include <thread>

namespace pardner::ledger {

// Named by the thread that started it, so the name is there once the constructor returns.
// Linux keeps at most 15 bytes of a name; a longer one is cut there. Naming is best effort: a
// failure changes nothing but what those tools show.
void name_thread(std::thread& thread, const char* name);

}  // namespace pardner::ledger
