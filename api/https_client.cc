// The client. Deadlines: the connect within the time left (api/tcp_connect.h), then socket
// receive/send timeouts set from the time left, so a stuck server fails the call instead of
// hanging it; nothing here sleeps.
#include "api/https_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "api/tcp_connect.h"

namespace pardner::api {
namespace {

using Clock = SteadyClock;

std::string ssl_errors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// Text that goes into a request line or a header must not end it early.
bool safe_in_header(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_ip_literal(const std::string& host) {
  in6_addr v6{};
  in_addr v4{};
  return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

}  // namespace

HttpsResult<HttpsEndpoint> parse_https_url(std::string_view url) {
  constexpr std::string_view scheme = "https://";
  if (url.substr(0, scheme.size()) != scheme) {
    return HttpsError{"the URL must start with https://"};
  }
  std::string_view rest = url.substr(scheme.size());
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = rest.substr(authority.size());
  if (!path.empty() && path != "/") return HttpsError{"the URL must not have a path"};
  if (authority.find('@') != std::string_view::npos) {
    return HttpsError{"the URL must not hold user info; pass the token with --token-file"};
  }
  HttpsEndpoint endpoint;
  std::string_view port;
  if (authority.substr(0, 1) == "[") {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return HttpsError{"unclosed [ in the URL"};
    endpoint.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return HttpsError{"bad characters after ]"};
    if (!after.empty()) port = after.substr(1);
    in6_addr v6{};
    if (::inet_pton(AF_INET6, endpoint.host.c_str(), &v6) != 1) {
      return HttpsError{"not an IPv6 address in [ ]"};
    }
  } else {
    auto colon = authority.find(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    bool host_chars = std::all_of(endpoint.host.begin(), endpoint.host.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    });
    if (!host_chars) return HttpsError{"bad characters in the URL's host"};
  }
  if (endpoint.host.empty()) return HttpsError{"the URL has no host"};
  if (port.data() != nullptr) {
    unsigned number = 0;
    auto [end, failed] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (!all_digits(port) || failed != std::errc{} || end != port.data() + port.size() ||
        number < 1 || number > 65535) {
      return HttpsError{"the URL's port must be 1..65535"};
    }
    endpoint.port = static_cast<std::uint16_t>(number);
  }
  return endpoint;
}

HttpsResult<std::unique_ptr<HttpsClient>> HttpsClient::connect(const HttpsOptions& options) {
  const std::string& host = options.endpoint.host;
  std::string where = host + ":" + std::to_string(options.endpoint.port);
  if (host.empty() || !safe_in_header(host)) return HttpsError{"bad host name"};
  auto deadline = Clock::now() + options.timeout;

  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return HttpsError{"cannot make a TLS context: " + ssl_errors()};
  std::unique_ptr<HttpsClient> client(new HttpsClient(options, ctx));
  // TLS 1.2 at least (DESIGN.md), no compression (CRIME), no renegotiation.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  int loaded = options.ca_file.empty()
                   ? SSL_CTX_set_default_verify_paths(ctx)
                   : SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr);
  if (loaded != 1) {
    return HttpsError{
        "cannot load " +
        (options.ca_file.empty() ? std::string("the system's CAs") : options.ca_file) + ": " +
        ssl_errors()};
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (options.configure_for_test) options.configure_for_test(ctx);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = is_ip_literal(host) ? AI_NUMERICHOST : 0;
  addrinfo* addresses = nullptr;
  std::string port = std::to_string(options.endpoint.port);
  if (int failed = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses); failed != 0) {
    return HttpsError{"cannot resolve " + host + ": " + ::gai_strerror(failed)};
  }
  std::string error = "no address";
  for (const addrinfo* address = addresses; address != nullptr && client->fd_ < 0;
       address = address->ai_next) {
    client->fd_ = connect_before(*address, options.local_address, deadline, error);
  }
  ::freeaddrinfo(addresses);
  if (client->fd_ < 0) return HttpsError{"cannot connect to " + where + ": " + error};

  client->ssl_ = SSL_new(ctx);
  if (client->ssl_ == nullptr) return HttpsError{"cannot make a TLS connection: " + ssl_errors()};
  SSL_set_fd(client->ssl_, client->fd_);
  // The certificate must name the host we asked for: an IP address in an IP SAN, a DNS name
  // in a DNS SAN (RFC 6125). SNI only for names: RFC 6066 §3 forbids literal addresses in it.
  // Unchecked, a failure here would leave any trusted certificate acceptable.
  bool named = is_ip_literal(host)
                   ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(client->ssl_), host.c_str()) == 1
                   : SSL_set1_host(client->ssl_, host.c_str()) == 1 &&
                         SSL_set_tlsext_host_name(client->ssl_, host.c_str()) == 1;
  if (!named) return HttpsError{"cannot check the certificate against " + host};
  client->set_timeout(left_until(deadline));
  ERR_clear_error();
  if (SSL_connect(client->ssl_) != 1) {
    std::string why = ssl_errors();
    long verified = SSL_get_verify_result(client->ssl_);
    if (verified != X509_V_OK) {
      why += std::string(" (") + X509_verify_cert_error_string(verified) + ")";
    }
    if (why.empty()) why = "the connection closed";
    return HttpsError{"TLS handshake with " + where + " failed: " + why};
  }
  return client;
}

HttpsClient::~HttpsClient() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
  SSL_CTX_free(ctx_);
}

void HttpsClient::set_timeout(std::chrono::milliseconds timeout) {
  auto ms = std::max<std::int64_t>(1, timeout.count());
  timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

bool HttpsClient::send(std::string_view bytes) {
  auto deadline = Clock::now() + options_.timeout;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto left = left_until(deadline);
    if (left.count() <= 0) return false;
    set_timeout(left);
    errno = 0;
    int n = SSL_write(ssl_, bytes.data() + sent, static_cast<int>(bytes.size() - sent));
    if (n <= 0 && interrupted(n)) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool HttpsClient::read_more(Clock::time_point deadline) {
  char buffer[16 * 1024];
  while (true) {
    auto left = left_until(deadline);
    if (left.count() <= 0) return false;
    set_timeout(left);
    errno = 0;
    int n = SSL_read(ssl_, buffer, sizeof buffer);
    if (n <= 0 && interrupted(n)) continue;
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }
}

// A socket with SO_RCVTIMEO or SO_SNDTIMEO fails a blocked read or write with EINTR when any
// signal arrives, even one whose disposition is to be ignored (SIGCHLD when a child of this
// process exits, SIGWINCH when its terminal is resized): Linux does not restart such calls.
// OpenSSL reports it as a retryable WANT_READ/WANT_WRITE with errno EINTR. Not a failure: try
// again within the same deadline. (Found by tests/e2e/backup_test.cc, whose load thread's reads
// failed whenever the test ran a command.)
bool HttpsClient::interrupted(int result) const {
  int code = SSL_get_error(ssl_, result);
  return (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE ||
          code == SSL_ERROR_SYSCALL) &&
         errno == EINTR;
}

HttpsResult<HttpsResponse> HttpsClient::read_response(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::size_t end = 0;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (pending_.size() > https_response_header_bytes_max) {
      return HttpsError{"the response's headers are too large"};
    }
    if (!read_more(deadline)) {
      return HttpsError{std::string(left_until(deadline).count() <= 0 ? "no response in time"
                                                                      : "the connection closed")};
    }
  }
  if (end > https_response_header_bytes_max) {
    return HttpsError{"the response's headers are too large"};
  }
  HttpsResponse response;
  std::string_view head(pending_.data(), end + 2);
  std::size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.1 200 OK": a three-digit status after the version.
  if (status_line.substr(0, 7) != "HTTP/1." || status_line.size() < 12 || status_line[8] != ' ' ||
      !all_digits(status_line.substr(9, 3)) ||
      (status_line.size() > 12 && status_line[12] != ' ')) {
    return HttpsError{"not an HTTP/1.x response"};
  }
  response.status = std::stoi(std::string(status_line.substr(9, 3)));
  for (std::size_t at = line_end + 2; at < head.size();) {
    std::size_t next = head.find("\r\n", at);
    std::string_view line = head.substr(at, next - at);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return HttpsError{"a malformed header"};
    response.headers[lower(std::string(line.substr(0, colon)))] = trimmed(line.substr(colon + 1));
    at = next + 2;
  }
  if (!response.header("transfer-encoding").empty()) {
    return HttpsError{"a response with Transfer-Encoding, which this client does not read"};
  }
  std::string length_text = response.header("content-length");
  if (!all_digits(length_text) || length_text.size() > 12) {
    return HttpsError{"a response without a valid Content-Length"};
  }
  std::size_t length = std::stoull(length_text);
  if (length > options_.body_bytes_max) {
    return HttpsError{"a response body of " + length_text + " bytes, more than the " +
                      std::to_string(options_.body_bytes_max) + " this client takes"};
  }
  pending_.erase(0, end + 4);
  while (pending_.size() < length) {
    if (!read_more(deadline)) {
      return HttpsError{std::string(left_until(deadline).count() <= 0
                                        ? "the response did not end in time"
                                        : "the connection closed mid-response")};
    }
  }
  response.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return response;
}

std::string HttpsClient::get_request(std::string_view target, std::string_view token) const {
  // RFC 9110 §7.2: Host carries the name as asked for, IPv6 addresses in brackets.
  const std::string& host = options_.endpoint.host;
  std::string authority = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (options_.endpoint.port != 443) authority += ":" + std::to_string(options_.endpoint.port);
  std::string request = "GET " + std::string(target) + " HTTP/1.1\r\nHost: " + authority + "\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + std::string(token) + "\r\n";
  return request + "\r\n";
}

HttpsResult<HttpsResponse> HttpsClient::get(std::string_view target, std::string_view token) {
  if (target.substr(0, 1) != "/" || !safe_in_header(target) ||
      target.find(' ') != std::string_view::npos) {
    return HttpsError{"bad request target"};
  }
  if (!safe_in_header(token)) return HttpsError{"the token holds control characters"};
  if (!send(get_request(target, token))) {
    return HttpsError{"cannot send to " + options_.endpoint.host};
  }
  return read_response();
}

HttpsClient::Closed HttpsClient::wait_close(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    auto left = left_until(deadline);
    if (left.count() <= 0) return Closed::no;
    set_timeout(left);
    char buffer[4096];
    ERR_clear_error();
    int n = SSL_read(ssl_, buffer, sizeof buffer);
    if (n > 0) continue;  // data the server sent before closing
    int saved_errno = errno;
    int reason = SSL_get_error(ssl_, n);
    if (reason == SSL_ERROR_ZERO_RETURN) return Closed::cleanly;  // close_notify
    // A receive timeout shows as "want read" (or a syscall error with EAGAIN); EOF and resets
    // as syscall or SSL errors.
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return Closed::no;
    if (reason == SSL_ERROR_SYSCALL && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
      return Closed::no;
    }
    return Closed::abruptly;
  }
}

void HttpsClient::send_close_notify() { (void)SSL_shutdown(ssl_); }

std::string HttpsClient::protocol() const { return SSL_get_version(ssl_); }

}  // namespace pardner::api
