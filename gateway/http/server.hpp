#pragma once
// The HTTP/1.1 listener: plain TCP or TLS (OpenSSL via Beast), keep-alive, strict limits, a
// timeout before every read, graceful stop. Routing and everything above it live in the handler.
//
// Threading: the server runs on the io_context it is given (one strand per connection); the
// handler is called on the connection's strand and may co_await anything.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gateway/domain/error.hpp"
#include "gateway/http/message.hpp"

namespace boost::asio {
class io_context;
}

namespace parcelgate::http {

struct server_limits {
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds header_timeout{10'000};  // first byte to end of headers (408 after)
  std::chrono::milliseconds body_timeout{30'000};    // end of headers to end of body
  std::chrono::milliseconds idle_timeout{30'000};    // keep-alive connection waiting for a request
  // Further connections get a 503 with Retry-After: 1 and are closed (64 at a time; beyond
  // that they are closed unanswered).
  std::size_t max_connections = 10'000;
};

struct tls_files {
  std::string cert_file;  // PEM chain
  std::string key_file;   // PEM private key
};

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 picks a free port; see server::port()
  std::optional<tls_files> tls;
  server_limits limits;
  std::string name = "parcelgate";  // Server header
};

using handler = std::function<boost::asio::awaitable<response>(request&)>;

// Called for requests the server answers itself (400, 408, 413, 431, 503) so the body has the
// same problem+json shape as the rest of the API. Must be thread-safe and cheap.
using error_responder = std::function<response(int status, std::string_view detail)>;

struct server_stats {
  std::uint64_t connections_open = 0;
  std::uint64_t connections_total = 0;
  std::uint64_t requests_in_flight = 0;
};

class server {
 public:
  server(boost::asio::io_context& io, server_options options, handler on_request,
         error_responder on_error);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and starts accepting. Errors (address in use, bad certificate) are returned, not thrown.
  result<void> start();
  std::uint16_t port() const noexcept;
  std::string url() const;  // "https://127.0.0.1:8443"

  // Graceful stop: closes the listener, closes idle keep-alive connections, lets requests in
  // flight finish and their responses be written (with Connection: close). Thread-safe.
  void stop();
  // True once stop() was called and no connection is left.
  bool drained() const noexcept;
  server_stats stats() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace parcelgate::http
