// The connect itself: non-blocking, polled against the deadline, then made blocking again for
// the client, which sets socket timeouts from the time left.
#include "api/tcp_connect.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pardner::api {
namespace {

// Binds `fd` to `local` (an IP literal of the socket's family) with any port; false with
// `error` set.
bool bind_local(int fd, int family, const std::string& local, std::string& error) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    if (::inet_pton(AF_INET, local.c_str(), &v4->sin_addr) != 1) {
      return error = "the local address " + local + " is not an IPv4 address", false;
    }
    length = sizeof *v4;
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    if (::inet_pton(AF_INET6, local.c_str(), &v6->sin6_addr) != 1) {
      return error = "the local address " + local + " is not an IPv6 address", false;
    }
    length = sizeof *v6;
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    return error = "cannot bind to " + local + ": " + std::strerror(errno), false;
  }
  return true;
}

}  // namespace

std::chrono::milliseconds left_until(SteadyClock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
}

int connect_before(const addrinfo& address, const std::string& local,
                   SteadyClock::time_point deadline, std::string& error) {
  int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    address.ai_protocol);
  if (fd < 0) return error = std::strerror(errno), -1;
  if (!local.empty() && !bind_local(fd, address.ai_family, local, error)) {
    ::close(fd);
    return -1;
  }
  int done = ::connect(fd, address.ai_addr, address.ai_addrlen);
  if (done != 0 && errno == EINPROGRESS) {
    pollfd waiting{fd, POLLOUT, 0};
    auto left = left_until(deadline).count();
    int ready = left > 0 ? ::poll(&waiting, 1, static_cast<int>(left)) : 0;
    int so_error = ETIMEDOUT;
    socklen_t length = sizeof so_error;
    if (ready == 1) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
    done = so_error == 0 ? 0 : -1;
    errno = so_error;
  }
  if (done != 0) {
    error = errno == ETIMEDOUT ? "timed out" : std::strerror(errno);
    ::close(fd);
    return -1;
  }
  int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

}  // namespace pardner::api
