#include "gateway/carriers/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <charconv>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <variant>

namespace parcelgate::carriers {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

constexpr auto nothrow = net::as_tuple(net::use_awaitable);

struct parsed_url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path?query, at least "/"
  std::string origin() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

std::optional<parsed_url> parse_url(std::string_view url) {
  parsed_url out;
  if (url.starts_with("https://"))
    out.tls = true, url.remove_prefix(8);
  else if (url.starts_with("http://"))
    url.remove_prefix(7);
  else
    return std::nullopt;
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view host = authority, port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  if (!port.empty()) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535)
      return std::nullopt;
  }
  out.host = std::string(host);
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  return out;
}

using tls_stream = ssl::stream<beast::tcp_stream>;

// A request as it goes on the wire. Serialised by hand and sent as one gathered write: Beast's
// serializer walks its field list through a chain of buffer-sequence adaptors on every write,
// which cost more than building the head here.
struct wire_request {
  std::string head;  // request line and fields, up to the blank line
  std::string body;
};

// Names and values come from the adapters' code; a CR or LF in one would split the head, so such
// characters are replaced.
void append_field(std::string& out, std::string_view name, std::string_view value) {
  for (char c : name) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out += ": ";
  for (char c : value) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out += "\r\n";
}

// HTTP/1.1, kept alive (the default: no Connection field). Host and User-Agent first, then the
// adapter's fields, then Content-Length, which the body decides (framing fields an adapter passed
// are dropped). As Beast's prepare_payload: a Content-Length when there is a body, and for
// POST, PUT and OPTIONS even when it is empty.
wire_request serialize_request(outbound_request& request, std::string_view target,
                               std::string_view host, std::string_view user_agent) {
  wire_request out;
  out.head.reserve(128 + target.size() + request.headers.size() * 48);
  for (char c : request.method) out.head.push_back(c == '\r' || c == '\n' || c == ' ' ? '_' : c);
  out.head.push_back(' ');
  out.head += target;
  out.head += " HTTP/1.1\r\n";
  append_field(out.head, "Host", host);
  append_field(out.head, "User-Agent", user_agent);
  for (const auto& h : request.headers) {
    if (http::iequals(h.name, "Content-Length") || http::iequals(h.name, "Transfer-Encoding") ||
        http::iequals(h.name, "Host") || http::iequals(h.name, "User-Agent"))
      continue;
    append_field(out.head, h.name, h.value);
  }
  out.body = std::move(request.body);
  if (!out.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "OPTIONS")
    append_field(out.head, "Content-Length", std::to_string(out.body.size()));
  out.head += "\r\n";
  return out;
}

struct connection {
  std::variant<beast::tcp_stream, tls_stream> stream;
  beast::flat_buffer buffer;
  clock::time_point idle_since{};

  beast::tcp_stream& tcp() {
    if (auto* p = std::get_if<beast::tcp_stream>(&stream)) return *p;
    return std::get<tls_stream>(stream).next_layer();
  }
};

error transport_error(const parsed_url& url, const beast::error_code& ec, bool timed_out) {
  error e;
  e.kind = timed_out ? error_kind::timeout : error_kind::unavailable;
  e.message = timed_out ? "carrier did not answer before the deadline" : "carrier unreachable";
  e.carrier_code = timed_out ? "timeout" : "transport";
  e.carrier_message = url.origin() + ": " + ec.message();
  return e;
}

}  // namespace

// A coroutine waiting for a connection slot of a full origin; woken by cancelling its timer.
struct slot_waiter {
  net::any_io_executor executor;
  std::shared_ptr<net::steady_timer> timer;
};

// Connections of one origin: the idle ones, and how many exist (idle, busy or connecting).
struct origin_pool {
  explicit origin_pool(circuit_options circuit = {}) : breaker(circuit) {}
  std::deque<std::unique_ptr<connection>> idle;
  std::size_t live = 0;
  std::deque<std::shared_ptr<slot_waiter>> waiters;
  circuit_breaker breaker;
};

struct http_client::impl {
  impl(net::io_context& ctx, http_client_options o)
      : io(ctx), options(std::move(o)), tls(ssl::context::tls_client) {}

  net::io_context& io;
  http_client_options options;
  ssl::context tls;
  mutable std::mutex mutex;
  std::unordered_map<std::string, origin_pool> pools;

  // The pool of `origin` (mutex held), created with this client's breaker settings.
  origin_pool& pool_of(const std::string& origin) {
    auto it = pools.find(origin);
    if (it == pools.end()) it = pools.emplace(origin, origin_pool(options.circuit)).first;
    return it->second;
  }

  circuit_breaker::admission admit(const std::string& origin) {
    std::lock_guard lock(mutex);
    return pool_of(origin).breaker.admit(clock::now());
  }
  void record(const std::string& origin, bool ok, bool probe) {
    std::lock_guard lock(mutex);
    pool_of(origin).breaker.record(ok, probe, clock::now());
  }

  // Wakes the first coroutine waiting for a slot of `pool` (mutex held).
  static void wake_one(origin_pool& pool) {
    if (pool.waiters.empty()) return;
    auto w = std::move(pool.waiters.front());
    pool.waiters.pop_front();
    net::post(w->executor, [w] { w->timer->cancel(); });
  }

  // A connection that will not be reused: its slot becomes free.
  void drop(const std::string& origin) {
    std::lock_guard lock(mutex);
    auto& pool = pool_of(origin);
    if (pool.live > 0) --pool.live;
    wake_one(pool);
  }

  void give_back(const std::string& origin, std::unique_ptr<connection> c) {
    c->idle_since = clock::now();
    if (c->buffer.size() == 0) c->buffer.shrink_to_fit();
    std::lock_guard lock(mutex);
    auto& pool = pool_of(origin);
    if (pool.idle.size() < options.max_idle_per_origin)
      pool.idle.push_back(std::move(c));
    else if (pool.live > 0)
      --pool.live;
    wake_one(pool);
  }

  enum class slot { reused, fresh, full, timed_out };

  // Takes a fresh idle connection (into `out`) or a slot for a new one; waits while the origin
  // is at max_connections_per_origin, until the deadline.
  task<slot> acquire(const std::string& origin, clock::time_point deadline, bool allow_reuse,
                     std::unique_ptr<connection>& out) {
    auto ex = co_await net::this_coro::executor;
    for (;;) {
      std::shared_ptr<slot_waiter> waiter;
      {
        std::lock_guard lock(mutex);
        auto& pool = pool_of(origin);
        const auto now = clock::now();
        while (!pool.idle.empty()) {
          auto c = std::move(pool.idle.back());
          pool.idle.pop_back();
          if (allow_reuse && now - c->idle_since < options.max_idle_age) {
            out = std::move(c);
            co_return slot::reused;
          }
          --pool.live;  // too old (or reuse not allowed): closed, its slot is free again
        }
        if (pool.live < options.max_connections_per_origin) {
          ++pool.live;
          co_return slot::fresh;
        }
        if (pool.waiters.size() >= options.max_pending_per_origin) co_return slot::full;
        waiter =
            std::make_shared<slot_waiter>(slot_waiter{ex, std::make_shared<net::steady_timer>(ex)});
        waiter->timer->expires_at(deadline);
        pool.waiters.push_back(waiter);
      }
      co_await waiter->timer->async_wait(nothrow);
      {
        std::lock_guard lock(mutex);
        auto& list = pool_of(origin).waiters;
        for (auto it = list.begin(); it != list.end(); ++it)
          if (*it == waiter) {
            list.erase(it);
            break;
          }
      }
      if (clock::now() >= deadline) co_return slot::timed_out;
    }
  }

  task<result<std::unique_ptr<connection>>> connect(const parsed_url& url,
                                                    clock::time_point deadline) {
    auto ex = co_await net::this_coro::executor;
    tcp::resolver resolver(ex);
    auto [rec, endpoints] = co_await resolver.async_resolve(url.host, url.port, nothrow);
    if (rec) co_return std::unexpected(transport_error(url, rec, false));
    auto c = std::make_unique<connection>(connection{beast::tcp_stream(ex), {}, {}});
    if (url.tls) c->stream.emplace<tls_stream>(beast::tcp_stream(ex), tls);
    c->tcp().expires_at(deadline);
    auto [cec, ep] = co_await c->tcp().async_connect(endpoints, nothrow);
    if (cec) co_return std::unexpected(transport_error(url, cec, cec == beast::error::timeout));
    beast::error_code ignored;
    c->tcp().socket().set_option(tcp::no_delay(true), ignored);
    if (url.tls) {
      auto& s = std::get<tls_stream>(c->stream);
      if (!SSL_set_tlsext_host_name(s.native_handle(), url.host.c_str()))
        co_return std::unexpected(transport_error(url, net::error::invalid_argument, false));
      s.set_verify_mode(ssl::verify_peer);
      s.set_verify_callback(ssl::host_name_verification(url.host));
      auto [hec] = co_await s.async_handshake(ssl::stream_base::client, nothrow);
      if (hec) {
        auto e = transport_error(url, hec, hec == beast::error::timeout);
        if (!hec.message().empty()) e.message = "TLS handshake with the carrier failed";
        co_return std::unexpected(std::move(e));
      }
    }
    co_return c;
  }

  // One exchange on `c`: the request's head and body in one gathered write, then the response.
  task<beast::error_code> exchange(connection& c, const wire_request& req,
                                   bhttp::response_parser<bhttp::string_body>& parser,
                                   clock::time_point deadline) {
    c.tcp().expires_at(deadline);
    const std::array<net::const_buffer, 2> wire{net::buffer(req.head), net::buffer(req.body)};
    beast::error_code ec;
    if (auto* plain = std::get_if<beast::tcp_stream>(&c.stream)) {
      std::tie(ec, std::ignore) = co_await net::async_write(*plain, wire, nothrow);
      if (!ec)
        std::tie(ec, std::ignore) = co_await bhttp::async_read(*plain, c.buffer, parser, nothrow);
    } else {
      auto& s = std::get<tls_stream>(c.stream);
      std::tie(ec, std::ignore) = co_await net::async_write(s, wire, nothrow);
      if (!ec) std::tie(ec, std::ignore) = co_await bhttp::async_read(s, c.buffer, parser, nothrow);
    }
    co_return ec;
  }
};

result<std::unique_ptr<http_client>> http_client::create(net::io_context& io,
                                                         http_client_options options) {
  auto p = std::make_unique<impl>(io, std::move(options));
  try {
    p->tls.set_default_verify_paths();
    p->tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (!p->options.ca_file.empty()) p->tls.load_verify_file(p->options.ca_file);
  } catch (const std::exception& e) {
    return make_error(error_kind::internal,
                      "cannot load CA file '" + p->options.ca_file + "': " + e.what());
  }
  return std::unique_ptr<http_client>(new http_client(std::move(p)));
}

http_client::http_client(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
http_client::~http_client() = default;

task<result<outbound_response>> http_client::send(outbound_request request,
                                                  clock::time_point deadline) {
  auto url = parse_url(request.url);
  if (!url)
    co_return fail(not_sold(
        make_error(error_kind::invalid_request, "bad carrier URL '" + request.url + "'").error()));
  const std::string origin = url->origin();

  const bool default_port = url->port == (url->tls ? "443" : "80");
  wire_request req = serialize_request(request, url->target,
                                       default_port ? url->host : url->host + ":" + url->port,
                                       impl_->options.user_agent);

  // An open circuit refuses at once: nothing is sent, so nothing can have been bought.
  const auto admitted = impl_->admit(origin);
  if (!admitted.allowed) {
    const auto wait_s = static_cast<int>((admitted.retry_after.count() + 999) / 1000);
    error e{.kind = error_kind::unavailable,
            .message = "the carrier is failing; calls are paused for a moment (circuit open)",
            .carrier_code = "circuit_open",
            .carrier_message = origin,
            .retry_after_s = wait_s};
    co_return fail(not_sold(std::move(e)));
  }
  const bool probe = admitted.probe;

  // A reused connection may have been closed by the carrier while idle. Such a failure before
  // any response byte is retried on a fresh connection, but only for idempotent requests.
  for (int attempt = 0;; ++attempt) {
    if (clock::now() >= deadline) {
      impl_->record(origin, false, probe);
      // Nothing of this attempt was sent (an earlier one is retried only when idempotent).
      co_return fail(not_sold(
          make_error(error_kind::timeout, "carrier did not answer before the deadline").error()));
    }
    std::unique_ptr<connection> conn;
    auto got = co_await impl_->acquire(origin, deadline, attempt == 0, conn);
    if (got == impl::slot::full || got == impl::slot::timed_out) {
      // Local congestion says nothing about the carrier's health; only a probe must conclude.
      if (probe) impl_->record(origin, false, probe);
      if (got == impl::slot::timed_out)
        co_return fail(
            not_sold(make_error(error_kind::timeout,
                                "no connection to the carrier became free before the deadline")
                         .error()));
      error e{.kind = error_kind::unavailable,
              .message = "too many requests are waiting for this carrier",
              .carrier_code = "queue_full",
              .carrier_message = origin,
              .retry_after_s = 1};
      co_return fail(not_sold(std::move(e)));
    }
    const bool reused = got == impl::slot::reused;
    if (!conn) {
      auto fresh = co_await impl_->connect(*url, deadline);
      if (!fresh) {
        impl_->drop(origin);
        impl_->record(origin, false, probe);
        // Name resolution, TCP connect or the TLS handshake failed: no request byte was sent.
        co_return fail(not_sold(std::move(fresh.error())));
      }
      conn = std::move(*fresh);
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(impl_->options.max_response_bytes);
    if (request.method == "HEAD") parser.skip(true);
    auto ec = co_await impl_->exchange(*conn, req, parser, deadline);
    if (ec) {
      conn.reset();
      impl_->drop(origin);
      const bool timed_out = ec == beast::error::timeout;
      const bool nothing_received = !parser.got_some();
      if (reused && nothing_received && !timed_out && request.idempotent) continue;
      impl_->record(origin, false, probe);
      if (ec == bhttp::error::body_limit ||
          (!nothing_received && !timed_out && ec != net::error::eof &&
           ec != net::error::connection_reset && ec != bhttp::error::partial_message)) {
        error e{.kind = error_kind::bad_gateway,
                .message = "carrier sent an unreadable response",
                .carrier_code = "protocol",
                .carrier_message = origin + ": " + ec.message(),
                .retry_after_s = 0};
        co_return std::unexpected(std::move(e));
      }
      auto e = transport_error(*url, ec, timed_out);
      if (!request.idempotent && !timed_out) {
        // The request may have reached the carrier: for a purchase that is an unknown outcome,
        // reported like a timeout so that the caller never treats it as "nothing was bought".
        e.kind = error_kind::timeout;
        e.message = "the connection to the carrier was lost after the request was sent";
      }
      co_return std::unexpected(std::move(e));
    }
    auto msg = parser.release();
    outbound_response out;
    out.status = static_cast<int>(msg.result_int());
    impl_->record(origin, out.status < 500, probe);
    out.headers.reserve(8);
    for (const auto& f : msg)
      out.headers.push_back({std::string(f.name_string()), std::string(f.value())});
    out.body = std::move(msg.body());
    if (msg.keep_alive()) {
      impl_->give_back(origin, std::move(conn));
    } else {
      conn.reset();
      impl_->drop(origin);
    }
    co_return out;
  }
}

}  // namespace parcelgate::carriers
