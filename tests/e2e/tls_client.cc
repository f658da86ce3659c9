// The test client. Deadlines are socket receive/send timeouts set from the time left, so a
// stuck server fails a test instead of hanging it; nothing here sleeps.
#include "tests/e2e/tls_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace pardner::e2e {
namespace {

std::string ssl_errors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text += buffer;
    text += "; ";
  }
  return text;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::string get_request(const std::string& target, const std::string& token) {
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  return request + "\r\n";
}

std::unique_ptr<TlsClient> TlsClient::connect(int port, const TlsOptions& options,
                                              std::string& error) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return error = "SSL_CTX_new", nullptr;
  if (options.legacy) {
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT@SECLEVEL=0");
  }
  SSL_CTX_set_min_proto_version(ctx, options.min_version);
  SSL_CTX_set_max_proto_version(ctx, options.max_version);
  if (!options.ca_file.empty()) {
    SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(ctx), "127.0.0.1");
  }
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    SSL_CTX_free(ctx);
    return error = "connect failed", nullptr;
  }
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  std::unique_ptr<TlsClient> client(new TlsClient(ctx, ssl, fd));
  client->set_timeout(std::chrono::seconds(10));
  ERR_clear_error();
  if (SSL_connect(ssl) != 1) {
    error = "handshake failed: " + ssl_errors();
    return nullptr;
  }
  return client;
}

TlsClient::~TlsClient() {
  SSL_free(ssl_);
  ::close(fd_);
  SSL_CTX_free(ctx_);
}

void TlsClient::set_timeout(std::chrono::milliseconds timeout) {
  auto ms = std::max<std::int64_t>(1, timeout.count());
  timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

bool TlsClient::send(const std::string& bytes) {
  set_timeout(std::chrono::seconds(10));
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    int n = SSL_write(ssl_, bytes.data() + sent, static_cast<int>(bytes.size() - sent));
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool TlsClient::read_more(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  set_timeout(left);
  char buffer[16 * 1024];
  int n = SSL_read(ssl_, buffer, sizeof buffer);
  if (n <= 0) return false;
  pending_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::optional<HttpResponse> TlsClient::read_response(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t end = 0;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!read_more(deadline)) return std::nullopt;
  }
  HttpResponse response;
  std::string head = pending_.substr(0, end + 2);
  std::size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.rfind("HTTP/1.1 ", 0) != 0 || status_line.size() < 12) return std::nullopt;
  response.status = std::stoi(status_line.substr(9, 3));
  std::size_t at = line_end + 2;
  while (at < head.size()) {
    std::size_t next = head.find("\r\n", at);
    std::string line = head.substr(at, next - at);
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    response.headers[lower(line.substr(0, colon))] = value;
    at = next + 2;
  }
  std::size_t length = std::stoul(
      response.header("content-length").empty() ? "0" : response.header("content-length"));
  pending_.erase(0, end + 4);
  while (pending_.size() < length) {
    if (!read_more(deadline)) return std::nullopt;
  }
  response.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return response;
}

std::optional<HttpResponse> TlsClient::get(const std::string& target, const std::string& token) {
  if (!send(get_request(target, token))) return std::nullopt;
  return read_response();
}

TlsClient::Closed TlsClient::wait_close(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
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

bool TlsClient::closed_by_server(std::chrono::milliseconds timeout) {
  return wait_close(timeout) != Closed::no;
}

void TlsClient::send_close_notify() { (void)SSL_shutdown(ssl_); }

std::string TlsClient::protocol() const { return SSL_get_version(ssl_); }

}  // namespace pardner::e2e
