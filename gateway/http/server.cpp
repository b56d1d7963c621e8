#include "gateway/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <memory>
#include <atomic>
#include <mutex>
#include <unordered_map>

namespace parcelgate::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

// Field values come from the gateway's own code, but a CR or LF in one would split the header
// (response splitting): such characters are replaced.
void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  for (char c : value) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out += "\r\n";
}

// Status line and header fields of `res`, with Server, Content-Length and the connection
// semantics of `version` (HTTP/1.1 keeps alive unless told to close; 1.0 the other way round).
std::string serialize_head(const response& res, unsigned version, bool keep_alive, std::string_view server_name) {
  std::string out;
  out.reserve(160 + res.fields.size() * 48);
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(res.status);
  out.push_back(' ');
  out += bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
  out += "\r\n";
  append_field(out, "Server", server_name);
  for (const auto& f : res.fields) {
    if (iequals(f.name, "Content-Length") || iequals(f.name, "Connection") || iequals(f.name, "Transfer-Encoding")) continue;
    append_field(out, f.name, f.value);
  }
  // 1xx and 204 carry no body; everything else says how long its body is.
  if (res.status >= 200 && res.status != 204) append_field(out, "Content-Length", std::to_string(res.body.size()));
  if (version == 10 && keep_alive) append_field(out, "Connection", "keep-alive");
  if (version != 10 && !keep_alive) append_field(out, "Connection", "close");
  out += "\r\n";
  return out;
}

constexpr auto nothrow = net::as_tuple(net::use_awaitable);

// Mozilla "intermediate" server profile: TLS 1.2+ with forward-secret AEAD suites.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

tcp::socket& raw_socket(beast::tcp_stream& s) { return s.socket(); }
tcp::socket& raw_socket(ssl::stream<beast::tcp_stream>& s) { return s.next_layer().socket(); }
beast::tcp_stream& tcp_layer(beast::tcp_stream& s) { return s; }
beast::tcp_stream& tcp_layer(ssl::stream<beast::tcp_stream>& s) { return s.next_layer(); }

request to_request(bhttp::request<bhttp::string_body>&& in, const std::string& remote) {
  request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  std::string_view target = out.target;
  auto q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
  if (!percent_decode(raw_path, out.path)) out.path = std::string(raw_path);
  out.fields.reserve(8);
  for (const auto& f : in) out.fields.push_back({std::string(f.name_string()), std::string(f.value())});
  out.body = std::move(in.body());
  out.remote = remote;
  return out;
}

// True when `buffer` holds a complete request head (up to the blank line).
bool holds_complete_head(const beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  const std::string_view bytes(static_cast<const char*>(data.data()), data.size());
  return bytes.find("\r\n\r\n") != std::string_view::npos;
}

// A read deadline that cancels the pending read instead of closing the socket (what an expiring
// beast::tcp_stream does), so that the server can still answer 408. Everything runs on the
// connection's strand; the timer's handler only acts while `armed` (a handler already queued when
// the read finished in time finds it cleared).
struct read_deadline {
  explicit read_deadline(const net::any_io_executor& ex) : timer(ex) {}
  net::steady_timer timer;
  bool armed = true;
  bool fired = false;
  void cancel() {
    armed = false;
    timer.cancel();
  }
};

template <class Stream>
std::shared_ptr<read_deadline> cancel_read_at(Stream& stream, const net::any_io_executor& ex,
                                              std::chrono::milliseconds after) {
  auto d = std::make_shared<read_deadline>(ex);
  d->timer.expires_after(after);
  d->timer.async_wait([d, &stream](const beast::error_code& ec) {
    if (ec || !d->armed) return;
    d->fired = true;
    beast::error_code ignored;
    raw_socket(stream).cancel(ignored);
  });
  return d;
}

// Per-connection flags, only touched on the connection's strand.
struct conn_state {
  bool idle = false;
  bool alive = true;
};

}  // namespace

struct server::impl : std::enable_shared_from_this<impl> {
  impl(net::io_context& ctx, server_options o, handler h, error_responder e)
      : io(ctx), options(std::move(o)), on_request(std::move(h)), on_error(std::move(e)),
        acceptor(net::make_strand(ctx)) {}

  net::io_context& io;
  server_options options;
  handler on_request;
  error_responder on_error;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> open{0}, total{0}, in_flight{0};

  // Closers of idle connections, called on stop(). Each posts to its connection's strand.
  std::mutex mutex;
  std::unordered_map<std::uint64_t, std::function<void()>> idle_closers;
  std::uint64_t next_id = 0;

  net::awaitable<void> accept_loop();
  template <class Stream>
  net::awaitable<void> serve(Stream& stream, std::uint64_t id, std::shared_ptr<conn_state> state);
  template <class Stream>
  net::awaitable<bool> write(Stream& stream, response res, unsigned version, bool keep_alive);
  net::awaitable<void> run_connection(tcp::socket socket);
};

net::awaitable<void> server::impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(io), nothrow);
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      // EMFILE and friends: keep accepting later rather than dying.
      continue;
    }
    if (open.load() >= options.limits.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    net::co_spawn(socket.get_executor(), run_connection(std::move(socket)), net::detached);
  }
}

constexpr std::size_t kLingerChunk = 16 * 1024;

net::awaitable<void> server::impl::run_connection(tcp::socket socket) {
  auto self = shared_from_this();
  open.fetch_add(1);
  total.fetch_add(1);
  std::uint64_t id;
  auto idle = std::make_shared<conn_state>();
  {
    std::lock_guard lock(mutex);
    id = next_id++;
  }
  try {
    if (tls) {
      ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
      tcp_layer(stream).expires_after(options.limits.header_timeout);
      auto [hs_ec] = co_await stream.async_handshake(ssl::stream_base::server, nothrow);
      if (!hs_ec) co_await serve(stream, id, idle);
    } else {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, id, idle);
    }
  } catch (...) {
    // A connection never takes the process down; its socket is closed by RAII.
  }
  // No suspension point since the stream was destroyed, so no closer can have run in between.
  idle->alive = false;
  {
    std::lock_guard lock(mutex);
    idle_closers.erase(id);
  }
  open.fetch_sub(1);
}

template <class Stream>
net::awaitable<bool> server::impl::write(Stream& stream, response res, unsigned version, bool keep_alive) {
  // Head and body in one gathered write: cheaper than Beast's serializer, which walks a
  // concatenated buffer sequence field by field on every write.
  const std::string head = serialize_head(res, version, keep_alive, options.name);
  const std::array<net::const_buffer, 2> wire{net::buffer(head), net::buffer(res.body)};
  tcp_layer(stream).expires_after(options.limits.body_timeout);
  auto [ec, n] = co_await net::async_write(stream, wire, nothrow);
  co_return !ec;
}

template <class Stream>
net::awaitable<void> server::impl::serve(Stream& stream, std::uint64_t id, std::shared_ptr<conn_state> state) {
  auto ex = co_await net::this_coro::executor;
  {
    std::lock_guard lock(mutex);
    idle_closers.emplace(id, [ex, state, &stream] {
      // Runs on the connection's strand, where `alive` is cleared before the stream dies.
      net::post(ex, [state, &stream] {
        if (state->alive && state->idle) {
          beast::error_code ignored;
          raw_socket(stream).cancel(ignored);
        }
      });
    });
  }
  std::string remote;
  {
    beast::error_code ec;
    auto ep = raw_socket(stream).remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  beast::flat_buffer buffer;
  const auto& limits = options.limits;
  bool first = true;
  bool linger = false;  // closing with request bytes possibly unread
  for (;;) {
    if (stopping.load()) break;
    // Wait for the first byte of the next request (keep-alive idle time), then give the client
    // header_timeout to send all of its headers.
    if (buffer.size() == 0) {
      state->idle = true;
      tcp_layer(stream).expires_after(first ? limits.header_timeout : limits.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(1024), nothrow);
      state->idle = false;
      if (ec) break;  // closed, idle timeout, or cancelled by stop()
      buffer.commit(n);
    }
    first = false;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    // Slow headers: the deadline cancels the read but keeps the socket, so a 408 can be sent.
    tcp_layer(stream).expires_never();
    // When the whole head is already buffered (the usual case) the parse needs no read and no
    // deadline: arming a timer per request costs an allocation and timer-queue work.
    std::shared_ptr<read_deadline> header_late;
    if (!holds_complete_head(buffer)) header_late = cancel_read_at(stream, ex, limits.header_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, nothrow);
    if (header_late) header_late->cancel();
    if (hec) {
      if (hec == bhttp::error::end_of_stream || hec == net::error::eof) break;
      int status = 400;
      std::string detail = "malformed HTTP request";
      if (header_late && header_late->fired) status = 408, detail = "request headers not received in time";
      else if (hec == bhttp::error::header_limit)
        status = 431, detail = "request headers exceed " + std::to_string(limits.max_header_bytes) + " bytes";
      else if (hec == bhttp::error::body_limit)
        status = 413, detail = "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes";
      co_await write(stream, on_error(status, detail), 11, false);
      linger = true;
      break;
    }
    auto& head = parser.get();
    if (auto cl = parser.content_length(); cl && *cl > limits.max_body_bytes) {
      co_await write(stream, on_error(413, "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes"),
                     head.version(), false);
      linger = true;
      break;
    }
    if (!parser.is_done()) {
      if (http::iequals(head[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, head.version()};
        auto [cec, cn] = co_await bhttp::async_write(stream, cont, nothrow);
        if (cec) break;
      }
      auto body_late = cancel_read_at(stream, ex, limits.body_timeout);
      auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, nothrow);
      body_late->cancel();
      if (bec) {
        if (bec == bhttp::error::body_limit)
          co_await write(stream, on_error(413, "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes"),
                         head.version(), false);
        else if (body_late->fired)
          co_await write(stream, on_error(408, "request body not received in time"), head.version(), false);
        linger = true;
        break;
      }
    }
    tcp_layer(stream).expires_never();
    const unsigned version = head.version();
    bool keep_alive = head.keep_alive();
    request req = to_request(parser.release(), remote);
    // While the handler runs (possibly seconds, waiting for a carrier), an idle connection's
    // read buffer holds nothing worth its memory.
    if (buffer.size() == 0) buffer.shrink_to_fit();
    in_flight.fetch_add(1);
    response res;
    try {
      res = co_await on_request(req);
    } catch (...) {
      res = on_error(500, "internal error");
    }
    in_flight.fetch_sub(1);
    if (stopping.load()) keep_alive = false;
    if (!co_await write(stream, std::move(res), version, keep_alive)) break;
    if (!keep_alive) break;
  }
  // Orderly close: TLS close_notify (bounded), then TCP shutdown.
  // (Not when lingering: a client still sending never answers close_notify, and the timed-out
  // wait would close the socket.)
  if constexpr (std::is_same_v<Stream, ssl::stream<beast::tcp_stream>>) {
    if (!linger) {
      tcp_layer(stream).expires_after(std::chrono::seconds(2));
      co_await stream.async_shutdown(nothrow);
    }
  }
  beast::error_code ignored;
  raw_socket(stream).shutdown(tcp::socket::shutdown_send, ignored);
  if (linger) {
    // The client may still be sending the request we refused. Closing now would make the
    // kernel answer its data with a reset, which can destroy our error response before the
    // client reads it; so read and discard for a short while (bounded in time and bytes).
    auto& sock = raw_socket(stream);
    // On the heap: an array here would sit in every connection's coroutine frame for its
    // whole life, lingering or not (16 KiB x 10,000 connections).
    auto sink = std::make_unique<char[]>(kLingerChunk);
    std::size_t drained = 0;
    auto until = cancel_read_at(stream, ex, std::chrono::milliseconds(1000));
    while (drained < 8 * 1024 * 1024) {
      auto [rec, n] = co_await sock.async_read_some(net::buffer(sink.get(), kLingerChunk), nothrow);
      if (rec) break;
      drained += n;
    }
    until->cancel();
  }
  state->alive = false;
  std::lock_guard lock(mutex);
  idle_closers.erase(id);
}

server::server(net::io_context& io, server_options options, handler on_request, error_responder on_error)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(on_request), std::move(on_error))) {}

server::~server() = default;

result<void> server::start() {
  auto& im = *impl_;
  if (im.options.tls) {
    try {
      im.tls.emplace(ssl::context::tls_server);
      im.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                          ssl::context::single_dh_use);
      SSL_CTX_set_min_proto_version(im.tls->native_handle(), TLS1_2_VERSION);
      SSL_CTX_set_cipher_list(im.tls->native_handle(), kTls12Ciphers);
      im.tls->use_certificate_chain_file(im.options.tls->cert_file);
      im.tls->use_private_key_file(im.options.tls->key_file, ssl::context::pem);
    } catch (const std::exception& e) {
      return make_error(error_kind::internal, std::string("TLS setup failed (") + im.options.tls->cert_file +
                                                  ", " + im.options.tls->key_file + "): " + e.what());
    }
  }
  beast::error_code ec;
  auto address = net::ip::make_address(im.options.host, ec);
  if (ec) return make_error(error_kind::internal, "bad listen address '" + im.options.host + "'");
  tcp::endpoint endpoint(address, im.options.port);
  im.acceptor.open(endpoint.protocol(), ec);
  if (!ec) im.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(endpoint, ec);
  if (!ec) im.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(error_kind::internal, "cannot listen on " + im.options.host + ":" +
                                                std::to_string(im.options.port) + ": " + ec.message());
  im.bound_port = im.acceptor.local_endpoint().port();
  net::co_spawn(im.acceptor.get_executor(), im.accept_loop(), net::detached);
  return {};
}

std::uint16_t server::port() const noexcept { return impl_->bound_port; }

std::string server::url() const {
  std::string host = impl_->options.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(impl_->tls ? "https://" : "http://") + host + ":" + std::to_string(impl_->bound_port);
}

void server::stop() {
  auto im = impl_;
  if (im->stopping.exchange(true)) return;
  net::dispatch(im->acceptor.get_executor(), [im] {
    beast::error_code ignored;
    im->acceptor.close(ignored);
  });
  std::lock_guard lock(im->mutex);
  for (auto& [id, close] : im->idle_closers) close();
}

bool server::drained() const noexcept { return impl_->stopping.load() && impl_->open.load() == 0; }

server_stats server::stats() const noexcept {
  return {impl_->open.load(), impl_->total.load(), impl_->in_flight.load()};
}

}  // namespace parcelgate::http
