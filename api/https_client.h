// A small blocking HTTPS/1.1 client over OpenSSL: `export --url` and `verify --url` read a live
// log with it, and the end-to-end tests drive the real server with it (raw bytes out, so a test
// can send what no proper client would). TLS 1.2 or later; the server's certificate is checked
// against a CA file or the system's trusted CAs, and must name the host (DNS name or IP).
// Deadlines on connecting, the handshake and each response; responses are bounded in size.
// Never follows redirects and never retries: callers decide that.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "api/limits.h"
#include "crypto/result.h"

namespace pardner::api {

// A failure to connect, to send, or to read a well-formed response. The detail is for people:
// the CLI prints it, tests match words in it.
struct HttpsError {
  std::string detail;
};
template <class T>
using HttpsResult = pardner::Result<T, HttpsError>;

struct HttpsResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? "" : found->second;
  }
};

// Where a server is: parsed from "https://HOST[:PORT][/]" (HOST a DNS name, an IPv4 address or
// a bracketed IPv6 address; PORT 443 when absent). Anything else, a path or user info
// included, is refused.
struct HttpsEndpoint {
  std::string host;  // without brackets
  std::uint16_t port = 443;
};
HttpsResult<HttpsEndpoint> parse_https_url(std::string_view url);

struct HttpsOptions {
  HttpsEndpoint endpoint;
  std::string ca_file;  // PEM certificates to trust; empty: the system's trusted CAs
  std::chrono::milliseconds timeout{https_client_timeout_ms};  // connect + handshake; a response
  std::size_t body_bytes_max = https_response_body_bytes_max;
  // The local IP address to connect from; empty: the system's choice. Tests use another
  // loopback address (127.0.0.2) to be a different client from the server's point of view.
  std::string local_address;
  // Called on the TLS context after our settings, before connecting. Only for tests that must
  // offer what this client would not (a protocol version the server has to refuse).
  std::function<void(SSL_CTX*)> configure_for_test;
};

class HttpsClient {
 public:
  // Connects (trying each address the host resolves to) and completes the handshake,
  // checking the certificate chain and the host name.
  static HttpsResult<std::unique_ptr<HttpsClient>> connect(const HttpsOptions& options);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Sends bytes as they are; false if the connection fails or the send deadline passes.
  bool send(std::string_view bytes);
  // Reads one response (Content-Length framed; chunked answers are refused) within `timeout`.
  HttpsResult<HttpsResponse> read_response(std::chrono::milliseconds timeout);
  HttpsResult<HttpsResponse> read_response() { return read_response(options_.timeout); }
  // A keep-alive GET of `target` ("/v1/...") with a bearer token unless empty.
  HttpsResult<HttpsResponse> get(std::string_view target, std::string_view token = "");
  // The bytes of that GET request, for callers that send several at once.
  std::string get_request(std::string_view target, std::string_view token = "") const;

  // How the server closes the connection within `timeout`, skipping what it sends first:
  // cleanly (a TLS close_notify), abruptly (EOF or a reset without one), or not at all.
  enum class Closed { no, cleanly, abruptly };
  Closed wait_close(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return wait_close(timeout) != Closed::no;
  }
  // Sends our TLS close_notify (we write no more) and keeps reading.
  void send_close_notify();
  // The negotiated protocol, "TLSv1.3" or "TLSv1.2".
  std::string protocol() const;

 private:
  HttpsClient(HttpsOptions options, SSL_CTX* ctx) : options_(std::move(options)), ctx_(ctx) {}
  void set_timeout(std::chrono::milliseconds timeout);
  // Appends at least one byte to pending_; false on timeout, close or error.
  // True when `result` of SSL_read or SSL_write failed only because a signal interrupted it.
  bool interrupted(int result) const;
  bool read_more(std::chrono::steady_clock::time_point deadline);

  HttpsOptions options_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string pending_;  // received, not yet consumed
};

}  // namespace pardner::api
