// Accepts TCP connections and gives each a Session, within the connection cap, placing
// connections on the I/O threads' io_contexts in turn (each run by one thread). Seen only by
// api/listener.cc and api/server.cc. Never reads a byte from a connection.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <memory>
#include <vector>

#include "api/connection_tracker.h"
#include "api/router.h"
#include "api/session.h"

namespace pardner::api {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Opens, binds and listens on `endpoint`; `ec` says why not. The listener itself runs on the
  // first of `contexts`; each accepted connection on the next one in turn.
  Listener(const std::vector<boost::asio::io_context*>& contexts, boost::asio::ssl::context& tls,
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

  const std::vector<boost::asio::io_context*> contexts_;
  std::size_t next_context_ = 0;
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
