// The accept loop. Each accepted socket goes to one I/O thread's io_context, run by that thread
// alone, so a connection's handlers never run at once; and it gets a place from the
// ConnectionTracker: served, refused with a 503, or closed unanswered when even the refusal budget
// is spent or its source address already has as many connections in their TLS handshake as it may.
#include "api/listener.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <cstdio>

namespace pardner::api {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// After an accept error (out of file descriptors, say) wait a little before the next accept,
// so the loop does not spin while the condition lasts.
constexpr std::chrono::milliseconds accept_backoff{50};

// Where a connection comes from, as the tracker counts sources: an IPv4 address (also when it
// arrives as an IPv4-mapped IPv6 one), or an IPv6 address's /64, because one IPv6 host is
// commonly given a whole /64 (RFC 7421) and could otherwise use a fresh address per connection.
std::string source_of(const tcp::socket& socket) {
  boost::beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "";
  net::ip::address address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  if (address.is_v4()) return address.to_string();
  net::ip::address_v6::bytes_type bytes = address.to_v6().to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return net::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace

Listener::Listener(const std::vector<net::io_context*>& contexts, net::ssl::context& tls,
                   tcp::endpoint endpoint, const Router& router, Services& services,
                   ConnectionTracker& tracker, SessionOptions options, boost::beast::error_code& ec)
    : contexts_(contexts),
      tls_(tls),
      strand_(net::make_strand(*contexts.front())),
      acceptor_(strand_),
      backoff_(strand_),
      router_(router),
      services_(services),
      tracker_(tracker),
      options_(options) {
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return;
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return;
  acceptor_.bind(endpoint, ec);
  if (ec) return;
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
}

tcp::endpoint Listener::local_endpoint() const {
  boost::beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::start() {
  net::dispatch(strand_, [self = shared_from_this()] { self->do_accept(); });
}

void Listener::stop() {
  net::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    boost::beast::error_code ignored;
    self->backoff_.cancel();
    self->acceptor_.close(ignored);
  });
}

void Listener::do_accept() {
  if (stopped_) return;
  // The next I/O thread's io_context. Its one thread serialises the connection's handlers; a
  // strand would add a lock and a heap-held executor to every operation for nothing
  // (docs/performance.md, "HTTPS, second round").
  net::io_context& io = *contexts_[next_context_];
  next_context_ = (next_context_ + 1) % contexts_.size();
  acceptor_.async_accept(io.get_executor(), boost::beast::bind_front_handler(&Listener::on_accept,
                                                                             shared_from_this()));
}

void Listener::on_accept(boost::beast::error_code ec, tcp::socket socket) {
  if (stopped_ || ec == net::error::operation_aborted) return;
  if (ec) {
    std::fprintf(stderr, "pardner: accept failed: %s\n", ec.message().c_str());
    backoff_.expires_after(accept_backoff);
    backoff_.async_wait(
        [self = shared_from_this()](boost::beast::error_code) { self->do_accept(); });
    return;
  }
  ConnectionTracker::Admission admission;
  ConnectionTracker::Ticket ticket = tracker_.admit(source_of(socket), admission);
  if (admission == ConnectionTracker::Admission::drop) {
    boost::beast::error_code ignored;
    socket.close(ignored);
  } else {
    std::uint64_t ticket_id = ticket.id();
    auto session =
        std::make_shared<Session>(std::move(socket), tls_, router_, services_, std::move(ticket),
                                  admission == ConnectionTracker::Admission::refuse, options_);
    tracker_.track(session, ticket_id);
    session->start();
  }
  do_accept();
}

}  // namespace pardner::api
