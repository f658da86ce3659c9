// Accepts TCP connections and gives each its own strand and Session, within the connection
// cap. Seen only by api/listener.cc and api/server.cc. Never reads a byte from a connection.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <memory>

#include "api/connection_tracker.h"
#include "api/router.h"
#include "api/session.h"

namespace pardner::api {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Opens, binds and listens on `endpoint`; `ec` says why not.
  Listener(boost::asio::io_context& io, boost::asio::ssl::context& tls,
           boost::asio::ip::tcp::endpoint endpoint, const Router& router, Services& services,
           ConnectionTracker& tracker, SessionOptions options, boost::beast::error_code& ec);

  // The address actually bound (port 0 asks the system for a free one).
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  void start();
  // Stops accepting; thread-safe.
  void stop();

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ssl::context& tls_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  const Router& router_;
  Services& services_;
  ConnectionTracker& tracker_;
  const SessionOptions options_;
  bool stopped_ = false;
};

}  // namespace pardner::api
