// A connected TCP socket within a deadline, for the blocking HTTPS client: a non-blocking
// connect polled against the time left, so an address that never answers fails the call
// instead of hanging it.
#pragma once

#include <netdb.h>

#include <chrono>
#include <string>

namespace pardner::api {

using SteadyClock = std::chrono::steady_clock;

// The time from now until `deadline`; zero or negative once it has passed.
std::chrono::milliseconds left_until(SteadyClock::time_point deadline);

// A connected blocking socket to `address`, bound to `local` (an IP literal of the address's
// family) unless it is empty, or -1 with `error` set ("timed out" when the deadline passed).
int connect_before(const addrinfo& address, const std::string& local,
                   SteadyClock::time_point deadline, std::string& error);

}  // namespace pardner::api
