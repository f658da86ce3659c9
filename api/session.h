// One HTTPS connection (Beast over Asio and OpenSSL), on one I/O thread's io_context. Seen only by
// api/listener.cc and api/session.cc: Beast types go no further. Never calls ledger/ itself;
// every request goes through the Router.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "api/connection_tracker.h"
#include "api/limits.h"
#include "api/router.h"

namespace pardner::api {

struct SessionOptions {
  std::chrono::milliseconds idle_timeout{0};
  // For one request's body, from the end of its headers (a deadline, not an inactivity timer:
  // a body trickled a byte at a time is cut at it).
  std::chrono::milliseconds body_timeout{body_timeout_ms};
};

class Session final : public Connection, public std::enable_shared_from_this<Session> {
 public:
  // `refuse`: answer the first request 503 too_many_connections and close.
  Session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls, const Router& router,
          Services& services, ConnectionTracker::Ticket ticket, bool refuse,
          SessionOptions options);
  ~Session() override;

  void start();
  void stop() override;
  void abort() override;

 private:
  // A response place, in request order: pipelined requests are answered in the order read,
  // whichever of their handlers finishes first.
  struct Slot {
    std::uint64_t id = 0;
    std::optional<Response> response;
    bool keep_alive = true;
    bool drain_then_close = false;  // the request was refused unread: close lingering
  };

  void on_start();
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_body(boost::beast::error_code ec, std::size_t bytes);
  bool read_failed(boost::beast::error_code ec);
  void refuse_request(const Problem& problem);
  void on_response(std::uint64_t id, Response response);
  void do_write();
  void on_write(bool keep_alive, bool drain, boost::beast::error_code ec, std::size_t bytes);
  void start_close(bool drain);
  void do_shutdown();
  void on_shutdown(boost::beast::error_code ec);
  void do_drain();
  void on_drain(boost::beast::error_code ec, std::size_t bytes);
  void close_socket();
  Request request_from_header() const;

  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  // The response being written: set exactly while a write is in progress.
  std::unique_ptr<boost::beast::http::response<boost::beast::http::string_body>> writing_;
  std::deque<Slot> slots_;
  std::uint64_t next_slot_id_ = 1;
  std::size_t drained_bytes_ = 0;
  const Router& router_;
  Services& services_;
  ConnectionTracker::Ticket ticket_;
  const bool refuse_;
  const SessionOptions options_;
  std::string remote_;

  bool handshake_done_ = false;
  bool reading_ = false;        // a request read (header or body) is in progress
  bool read_paused_ = false;    // the response queue is full; read again once it drains
  bool read_finished_ = false;  // no more requests will be read on this connection
  bool stopping_ = false;       // stop() was called: finish what was read, then close
  bool closing_ = false;        // the close sequence (TLS shutdown, drain, close) has begun
  bool shutting_down_ = false;  // our close_notify is being sent
  bool drain_after_shutdown_ = false;
  bool closed_ = false;
};

}  // namespace pardner::api
