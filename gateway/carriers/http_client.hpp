#pragma once
// The outbound HTTP/1.1 client every carrier call goes through: per-origin keep-alive pools,
// TLS with certificate and host-name verification always on, an overall deadline per request,
// bounded response sizes. Retries only what cannot buy twice (outbound_request::idempotent) and
// only when a pooled connection turned out to be stale before any response byte arrived. A
// circuit breaker per origin stops calling a carrier that keeps failing (circuit_breaker.hpp).
//
// Thread-safe: one client is shared by all I/O threads.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "gateway/carriers/adapter.hpp"
#include "gateway/carriers/circuit_breaker.hpp"

namespace boost::asio {
class io_context;
}

namespace parcelgate::carriers {

struct http_client_options {
  std::string ca_file;  // extra PEM trust anchors (a dev CA); the system store is trusted too
  std::size_t max_idle_per_origin = 1024;
  // Connections to one carrier origin at once (idle + busy); further requests wait for a free
  // one until their deadline, and beyond max_pending_per_origin waiting they fail fast (503).
  std::size_t max_connections_per_origin = 4096;
  std::size_t max_pending_per_origin = 20000;
  std::chrono::milliseconds max_idle_age{4000};  // older idle connections are not reused
  std::size_t max_response_bytes = 32 * 1024 * 1024;
  std::string user_agent = "parcelgate/0.1";
  circuit_options circuit;  // per origin; see circuit_breaker.hpp
};

class http_client {
 public:
  // Fails when the CA file cannot be read.
  static result<std::unique_ptr<http_client>> create(boost::asio::io_context& io,
                                                     http_client_options options);
  ~http_client();

  // Sends `request` and reads the whole response before `deadline`. Errors: timeout (deadline
  // passed; for a non-idempotent request the carrier may have acted on it), unavailable
  // (DNS, refused, reset, TLS failure), bad_gateway (unparsable or oversized response),
  // invalid_request (bad URL: a configuration problem).
  task<result<outbound_response>> send(outbound_request request,
                                       std::chrono::steady_clock::time_point deadline);

 private:
  struct impl;
  explicit http_client(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace parcelgate::carriers
