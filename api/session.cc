// One connection: TLS handshake, then HTTP/1.1 requests read with a fresh parser each (header
// and body limits set explicitly), answered in order through a bounded queue, each operation
// under a deadline; then a clean close (TLS close_notify; after a refused request, a lingering
// close that drains what the client still sends). Every member function runs on the
// thread of the connection's io_context (one thread runs each).
#include "api/session.h"

#include <openssl/ssl.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "api/limits.h"

namespace pardner::api {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

bool is_http_parse_error(beast::error_code ec) {
  return ec.category() == beast::error_code(http::error::bad_method).category();
}

std::string address_of(const net::ip::tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

Session::Session(net::ip::tcp::socket socket, net::ssl::context& tls, const Router& router,
                 Services& services, ConnectionTracker::Ticket ticket, bool refuse,
                 SessionOptions options)
    : stream_(std::move(socket), tls),
      router_(router),
      services_(services),
      ticket_(std::move(ticket)),
      refuse_(refuse),
      options_(options) {
  remote_ = address_of(beast::get_lowest_layer(stream_).socket());
}

Session::~Session() = default;

void Session::start() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&Session::on_start, shared_from_this()));
}

void Session::stop() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    // Idle (waiting for a request, or still in the handshake): close now. Otherwise the
    // write loop closes once the requests already read are answered.
    if (self->slots_.empty() && !self->writing_) self->start_close(false);
  });
}

void Session::abort() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->close_socket(); });
}

void Session::on_start() {
  beast::get_lowest_layer(stream_).expires_after(std::chrono::milliseconds(handshake_timeout_ms));
  stream_.async_handshake(net::ssl::stream_base::server,
                          beast::bind_front_handler(&Session::on_handshake, shared_from_this()));
}

void Session::on_handshake(beast::error_code ec) {
  if (ec || closing_ || stopping_) return close_socket();
  handshake_done_ = true;
  ticket_.handshake_done();
  do_read();
}

void Session::do_read() {
  if (read_finished_ || closing_ || stopping_ || closed_) return;
  if (slots_.size() >= response_queue_max) {
    read_paused_ = true;  // on_write resumes once the oldest response is written
    return;
  }
  read_paused_ = false;
  // A fresh parser per request: limits and state never carry over from the previous one.
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(header_bytes_max));
  parser_->body_limit(body_bytes_max);
  beast::get_lowest_layer(stream_).expires_after(options_.idle_timeout);
  reading_ = true;
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

// Handles a failed read, or any read that ends while closing. True when the caller stops.
bool Session::read_failed(beast::error_code ec) {
  if (closing_) {
    // Cancelled by start_close (or it completed just before the cancel): go on closing.
    read_finished_ = true;
    do_shutdown();
    return true;
  }
  if (!ec) return false;
  read_finished_ = true;
  if (ec == http::error::header_limit) {
    refuse_request(make_problem(
        ApiErrc::header_too_large,
        "the request line and headers pass " + std::to_string(header_bytes_max) + " bytes"));
  } else if (ec == http::error::body_limit) {
    refuse_request(make_problem(ApiErrc::body_too_large, "the body passes this endpoint's limit"));
  } else if (is_http_parse_error(ec) && ec != http::error::end_of_stream &&
             ec != http::error::partial_message) {
    refuse_request(make_problem(ApiErrc::malformed_request, ec.message()));
  } else if (slots_.empty() && !writing_) {
    // End of stream, a timeout while idle, a reset: nothing is owed, so close.
    if (ec == beast::error::timeout) return close_socket(), true;
    start_close(false);
  }
  // Otherwise responses are still owed: the write loop closes after the last one.
  return true;
}

void Session::on_header(beast::error_code ec, std::size_t header_bytes) {
  reading_ = false;
  if (read_failed(ec)) return;
  // Beast 1.81 applies header_limit to the request line and to the fields separately; the
  // parser consumed exactly the header, so the whole is checked here.
  if (header_bytes > header_bytes_max) {
    read_finished_ = true;
    return refuse_request(make_problem(
        ApiErrc::header_too_large,
        "the request line and headers pass " + std::to_string(header_bytes_max) + " bytes"));
  }
  if (refuse_) {
    read_finished_ = true;
    return refuse_request(
        make_problem(ApiErrc::too_many_connections, "the server is at its connection limit"));
  }
  const auto& header = parser_->get();
  std::size_t limit = router_.body_limit(header.method_string(), header.target());
  // Beast checks Content-Length against the limit set before the header was read; the route's
  // own limit is checked here. Chunked bodies are checked by the parser as they arrive.
  if (auto length = parser_->content_length(); length && *length > limit) {
    read_finished_ = true;
    return refuse_request(
        make_problem(ApiErrc::body_too_large,
                     "this endpoint takes at most " + std::to_string(limit) + " body bytes"));
  }
  // A large body is read only for a caller who may send it: otherwise every connection could
  // make the server hold the largest body any route takes before its token is even looked at.
  if (limit > unrouted_body_bytes_max) {
    Request headers = request_from_header();
    headers.authorization = std::string(header[http::field::authorization]);
    if (auto refused = router_.refuse_before_body(headers, services_)) {
      read_finished_ = true;
      return refuse_request(*refused);
    }
  }
  parser_->body_limit(limit);
  if (parser_->is_done()) return on_body({}, 0);
  beast::get_lowest_layer(stream_).expires_after(options_.body_timeout);
  reading_ = true;
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::on_body, shared_from_this()));
}

Request Session::request_from_header() const {
  Request request;
  if (!parser_ || !parser_->is_header_done()) return request;
  const auto& header = parser_->get();
  request.method = std::string(header.method_string());
  request.target = std::string(header.target());
  request.remote = remote_;
  return request;
}

void Session::on_body(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (read_failed(ec)) return;
  Request request = request_from_header();
  auto message = parser_->release();
  auto field = [&message](http::field name) { return std::string(message[name]); };
  request.authorization = field(http::field::authorization);
  request.content_type = field(http::field::content_type);
  request.idempotency_key = std::string(message["Idempotency-Key"]);
  request.body = std::move(message.body());

  Slot& slot = slots_.emplace_back();
  slot.id = next_slot_id_++;
  // A HEAD response must not carry the body a GET would; no route serves HEAD, so its problem
  // answer is sent whole and the connection closed, which keeps the client in step.
  slot.keep_alive = message.keep_alive() && message.method() != http::verb::head;
  if (!slot.keep_alive) read_finished_ = true;
  std::uint64_t id = slot.id;
  auto self = shared_from_this();
  router_.dispatch(
      std::move(request), services_,
      [self](std::function<void()> task) {
        net::post(self->stream_.get_executor(), std::move(task));
      },
      [self, id](Response response) { self->on_response(id, std::move(response)); });
  do_read();  // pipelining: read the next request while this one is answered
}

void Session::refuse_request(const Problem& problem) {
  Slot& slot = slots_.emplace_back();
  slot.id = next_slot_id_++;
  slot.keep_alive = false;
  slot.drain_then_close = true;
  std::uint64_t id = slot.id;
  Request request = request_from_header();
  request.remote = remote_;
  router_.refuse(request, problem, services_, [self = shared_from_this(), id](Response response) {
    self->on_response(id, std::move(response));
  });
}

void Session::on_response(std::uint64_t id, Response response) {
  if (closed_) return;
  PARDNER_ASSERT(!slots_.empty());
  PARDNER_ASSERT(id >= slots_.front().id);
  std::size_t index = static_cast<std::size_t>(id - slots_.front().id);
  PARDNER_ASSERT(index < slots_.size());
  PARDNER_ASSERT(!slots_[index].response.has_value());
  slots_[index].response = std::move(response);
  do_write();
}

void Session::do_write() {
  if (writing_ || closed_ || slots_.empty() || !slots_.front().response) return;
  Slot& slot = slots_.front();
  // A stopping server answers every request already read, and says close on the last one.
  bool keep_alive = slot.keep_alive && !(stopping_ && slots_.size() == 1);
  Response& response = *slot.response;
  writing_ = std::make_unique<http::response<http::string_body>>(
      static_cast<http::status>(response.status), 11);
  writing_->set(http::field::content_type, response.content_type);
  writing_->set(http::field::cache_control, "no-store");
  for (const auto& [name, value] : response.headers) writing_->set(name, value);
  writing_->body() = std::move(response.body);
  writing_->keep_alive(keep_alive);
  writing_->prepare_payload();
  beast::get_lowest_layer(stream_).expires_after(std::chrono::milliseconds(write_timeout_ms));
  http::async_write(stream_, *writing_,
                    beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive,
                                              slot.drain_then_close));
}

void Session::on_write(bool keep_alive, bool drain, beast::error_code ec, std::size_t) {
  writing_.reset();
  if (ec) return close_socket();
  slots_.pop_front();
  if (!keep_alive) return start_close(drain);
  // Nothing more will be read (the server is stopping, or the client closed its side with
  // answers still owed) and nothing more is owed: close cleanly now. Left alone, the session
  // would end with its last handler and drop the connection without a close_notify.
  if (slots_.empty() && (stopping_ || read_finished_)) return start_close(false);
  if (read_paused_) do_read();
  do_write();
}

void Session::start_close(bool drain) {
  if (closing_ || closed_) return;
  closing_ = true;
  read_finished_ = true;
  drain_after_shutdown_ = drain;
  if (!handshake_done_) return close_socket();
  if (reading_) {
    // Cancel the pending read; its handler continues the close.
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().cancel(ignored);
    return;
  }
  do_shutdown();
}

void Session::do_shutdown() {
  if (closed_ || shutting_down_) return;
  shutting_down_ = true;
  // Send our close_notify without waiting for the peer's (RFC 8446 §6.1 does not require the
  // wait): OpenSSL is told the peer's has arrived, so the shutdown ends once ours is written.
  SSL_set_shutdown(stream_.native_handle(), SSL_RECEIVED_SHUTDOWN);
  beast::get_lowest_layer(stream_).expires_after(
      std::chrono::milliseconds(tls_shutdown_timeout_ms));
  stream_.async_shutdown(beast::bind_front_handler(&Session::on_shutdown, shared_from_this()));
}

void Session::on_shutdown(beast::error_code ec) {
  if (ec || !drain_after_shutdown_) return close_socket();
  // A request was refused unread: its client may still be sending. Closing a socket with
  // unread data sends a TCP reset, which can destroy our answer before the client reads it,
  // so send a FIN and read and discard until the client closes too (a lingering close).
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  do_drain();
}

void Session::do_drain() {
  buffer_.consume(buffer_.size());
  beast::get_lowest_layer(stream_).expires_after(std::chrono::milliseconds(drain_timeout_ms));
  // Below TLS: after our close_notify the bytes are only counted, never decrypted.
  beast::get_lowest_layer(stream_).async_read_some(
      buffer_.prepare(16 * 1024),
      beast::bind_front_handler(&Session::on_drain, shared_from_this()));
}

void Session::on_drain(beast::error_code ec, std::size_t bytes) {
  drained_bytes_ += bytes;
  if (ec || drained_bytes_ >= drain_bytes_max) return close_socket();
  do_drain();
}

void Session::close_socket() {
  if (closed_) return;
  closed_ = true;
  closing_ = true;
  read_finished_ = true;
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(stream_).close();
}

}  // namespace pardner::api
