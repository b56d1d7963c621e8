#pragma once
// The HTTP client of webhook deliveries: one POST on a fresh connection, to addresses checked
// against targets.hpp right before connecting (resolved once, so DNS rebinding cannot change them
// in between), TLS verified against the system store and outbound.ca_file, one deadline for
// connect, TLS, write and the response head, only the status line and headers read (at most
// 16 KiB; the body is never read), redirects never followed. Thread-safe.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "gateway/http/message.hpp"
#include "gateway/webhooks/targets.hpp"

namespace parcelgate::webhooks {

struct sender_options {
  std::chrono::milliseconds timeout{15'000};
  bool allow_private = false;
  std::string ca_file{};
  std::size_t max_header_bytes = 16 * 1024;
  std::string user_agent = "parcelgate-webhooks/0.1";
};

struct attempt_result {
  int status = 0;       // the endpoint's HTTP status; 0 when none came
  std::string error{};  // why no status came, or what was wrong with it; empty on 2xx
  std::chrono::milliseconds duration{0};
  int retry_after_s = 0;  // the answer's Retry-After in seconds (0: none, or not a number)
};

// Why a target cannot be reached: refused (an address it may not go to), or not resolved now.
struct resolve_failure {
  bool refused = false;
  std::string message;
};

class sender {
 public:
  // Fails when the CA file cannot be read.
  static std::expected<std::unique_ptr<sender>, std::string> create(sender_options options);
  ~sender();

  // POSTs `body` with `headers` (Host, User-Agent, Content-Length and Connection: close added).
  boost::asio::awaitable<attempt_result> post(const std::string& url, const http::headers& headers,
                                              const std::string& body);

  // The addresses `t` may be reached at: its literal address, or what its host resolves to now,
  // every one of them allowed (unless allow_private).
  boost::asio::awaitable<
      std::expected<std::vector<boost::asio::ip::tcp::endpoint>, resolve_failure>>
  resolve(const target& t);

  const sender_options& options() const noexcept { return options_; }

 private:
  struct tls;
  sender(sender_options options, std::unique_ptr<tls> ctx);
  sender_options options_;
  std::unique_ptr<tls> tls_;
};

}  // namespace parcelgate::webhooks
