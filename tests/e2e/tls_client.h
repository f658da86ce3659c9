// A small blocking HTTPS/1.1 client over OpenSSL for the end-to-end tests: real TLS with a
// chosen version range and certificate check, raw bytes out (so tests can send what no proper
// client would), responses parsed by Content-Length. Every call has a deadline.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace pardner::e2e {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? "" : found->second;
  }
};

struct TlsOptions {
  int min_version = TLS1_2_VERSION;
  int max_version = 0;  // 0: the library's highest
  std::string ca_file;  // verify the server against this certificate (and 127.0.0.1)
  bool legacy = false;  // allow TLS 1.0/1.1 on our side (security level 0)
};

class TlsClient {
 public:
  // Connects to 127.0.0.1:port and completes the handshake; nullptr with `error` set if not.
  static std::unique_ptr<TlsClient> connect(int port, const TlsOptions& options,
                                            std::string& error);
  ~TlsClient();

  bool send(const std::string& bytes);
  // Reads one response; nullopt on a timeout, a close or a malformed response.
  std::optional<HttpResponse> read_response(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // A GET with these headers ("Name: value\r\n" lines) and keep-alive.
  std::optional<HttpResponse> get(const std::string& target, const std::string& token = "");
  // How the server closes the connection within `timeout`, skipping what it sends first:
  // cleanly (a TLS close_notify), abruptly (EOF or a reset without one), or not at all.
  enum class Closed { no, cleanly, abruptly };
  Closed wait_close(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends our TLS close_notify (we write no more) and keeps reading.
  void send_close_notify();
  // The negotiated protocol, "TLSv1.3" or "TLSv1.2".
  std::string protocol() const;

 private:
  TlsClient(SSL_CTX* ctx, SSL* ssl, int fd) : ctx_(ctx), ssl_(ssl), fd_(fd) {}
  void set_timeout(std::chrono::milliseconds timeout);
  // Appends at least one byte to pending_; false on timeout, close or error.
  bool read_more(std::chrono::steady_clock::time_point deadline);

  SSL_CTX* ctx_;
  SSL* ssl_;
  int fd_;
  std::string pending_;  // received, not yet consumed
};

std::string get_request(const std::string& target, const std::string& token = "");

}  // namespace pardner::e2e
