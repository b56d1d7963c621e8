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
#include <atomic>
#include <memory>
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
std::string serialize_head(const response& res, unsigned version, bool keep_alive,
                           std::string_view server_name) {
  std::string out;
  out.reserve(160 + res.fields.size() * 48);
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(res.status);
  out.push_back(' ');
  out += bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
  out += "\r\n";
  append_field(out, "Server", server_name);
  for (const auto& f : res.fields) {
    if (iequals(f.name, "Content-Length") || iequals(f.name, "Connection") ||
        iequals(f.name, "Transfer-Encoding"))
      continue;
    append_field(out, f.name, f.value);
  }
  // 1xx and 204 carry no body; everything else says how long its body is.
  if (res.status >= 200 && res.status != 204)
    append_field(out, "Content-Length", std::to_string(res.body.size()));
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

tcp::socket& raw_socket(beast::tcp_stream& s) {
  return s.socket();
}
tcp::socket& raw_socket(ssl::stream<beast::tcp_stream>& s) {
  return s.next_layer().socket();
}
beast::tcp_stream& tcp_layer(beast::tcp_stream& s) {
  return s;
}
beast::tcp_stream& tcp_layer(ssl::stream<beast::tcp_stream>& s) {
  return s.next_layer();
}

request to_request(bhttp::request<bhttp::string_body>&& in, const std::string& remote) {
  request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  std::string_view target = out.target;
  auto q = target.find('?');
  // The path stays as received: decoding it here would turn "%2F" into a separator and let
  // "/v1/shipments/{id}%2Fcancel" reach another route. The router decodes segment by segment.
  out.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
  out.fields.reserve(8);
  for (const auto& f : in)
    out.fields.push_back({std::string(f.name_string()), std::string(f.value())});
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

constexpr std::size_t kReadChunk = 16 * 1024;  // read-buffer room beyond the header limit
constexpr std::size_t kFirstRead = 1024;       // the first read of a request
constexpr std::uint64_t kMaxRefusing = 64;     // connections being answered 503 at once

struct read_result;

// Per-connection flags, only touched on the connection's strand.
struct conn_state {
  bool idle = false;
  bool alive = true;
};

}  // namespace

struct server::impl : std::enable_shared_from_this<impl> {
  impl(net::io_context& ctx, server_options o, handler h, error_responder e)
      : io(ctx),
        options(std::move(o)),
        on_request(std::move(h)),
        on_error(std::move(e)),
        acceptor(net::make_strand(ctx)) {}

  net::io_context& io;
  server_options options;
  handler on_request;
  error_responder on_error;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> open{0}, total{0}, in_flight{0}, refusing{0};

  // Closers of idle connections, called on stop(). Each posts to its connection's strand.
  std::mutex mutex;
  std::unordered_map<std::uint64_t, std::function<void()>> idle_closers;
  std::uint64_t next_id = 0;

  net::awaitable<void> accept_loop();
  // The executor of a new connection. Its coroutine, its deadline timers and the closer run by
  // stop() must never run at once: with several I/O threads that takes a strand. An io_context
  // created with concurrency hint 1 is run by one thread only (Asio's own contract for that hint,
  // which its scheduler relies on too): there the strand's dispatching, about 15% of a small
  // request's CPU on the read path, buys nothing and is left out.
  net::any_io_executor connection_executor() {
    if (single_threaded) return io.get_executor();
    return net::make_strand(io);
  }
  const bool single_threaded = net::use_service<net::detail::scheduler>(io).concurrency_hint() == 1;
  // One connection's life: wait for a request, read its head, then its body, answer, repeat;
  // then close (lingering after a refusal so the client can read it).
  template <class Stream>
  net::awaitable<void> serve(Stream& stream, std::uint64_t id, std::shared_ptr<conn_state> state);
  template <class Stream>
  net::awaitable<bool> wait_for_request(Stream& stream, beast::flat_buffer& buffer,
                                        conn_state& state, bool first);
  template <class Stream>
  net::awaitable<read_result> read_head(Stream& stream, beast::flat_buffer& buffer,
                                        bhttp::request_parser<bhttp::string_body>& parser);
  template <class Stream>
  net::awaitable<read_result> read_body(Stream& stream, beast::flat_buffer& buffer,
                                        bhttp::request_parser<bhttp::string_body>& parser);
  template <class Stream>
  net::awaitable<bool> write(Stream& stream, const response& res, unsigned version, bool keep_alive,
                             bool head_only);
  template <class Stream>
  net::awaitable<void> close(Stream& stream, bool linger);
  net::awaitable<void> run_connection(tcp::socket socket);
  net::awaitable<void> refuse_connection(tcp::socket socket);
};

net::awaitable<void> server::impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(connection_executor(), nothrow);
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      // EMFILE and friends: keep accepting later rather than dying.
      continue;
    }
    if (open.load() >= options.limits.max_connections) {
      // Over the limit: answer 503 with Retry-After and close, a few at a time; past that, the
      // connection is closed unanswered so refusing cannot itself exhaust the process.
      if (refusing.load() < kMaxRefusing) {
        net::co_spawn(socket.get_executor(), refuse_connection(std::move(socket)), net::detached);
      } else {
        beast::error_code ignored;
        socket.close(ignored);
      }
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    net::co_spawn(socket.get_executor(), run_connection(std::move(socket)), net::detached);
  }
}

constexpr std::size_t kLingerChunk = 16 * 1024;

net::awaitable<void> server::impl::refuse_connection(tcp::socket socket) {
  auto self = shared_from_this();
  refusing.fetch_add(1);
  try {
    response res =
        on_error(503, "the server is at its connection limit (" +
                          std::to_string(options.limits.max_connections) + "); retry shortly");
    res.set("Retry-After", "1");
    if (tls) {
      ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
      // The handshake gets the time a served connection gets: a loaded machine (or client) can
      // take more than a moment, and a refusal it never reads helps nobody. At most
      // kMaxRefusing refusals are held at once.
      tcp_layer(stream).expires_after(options.limits.header_timeout);
      auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, nothrow);
      if (!ec && co_await write(stream, res, 11, false, false)) co_await close(stream, true);
    } else {
      beast::tcp_stream stream(std::move(socket));
      if (co_await write(stream, res, 11, false, false)) co_await close(stream, true);
    }
  } catch (...) {
  }
  refusing.fetch_sub(1);
}

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
net::awaitable<bool> server::impl::write(Stream& stream, const response& res, unsigned version,
                                         bool keep_alive, bool head_only) {
  // Head and body in one gathered write: cheaper than Beast's serializer, which walks a
  // concatenated buffer sequence field by field on every write. A response to HEAD has the
  // GET answer's head, Content-Length included, and never a body (RFC 9110 §9.3.2).
  const std::string head = serialize_head(res, version, keep_alive, options.name);
  const std::array<net::const_buffer, 2> wire{
      net::buffer(head), net::buffer(head_only ? std::string_view() : res.body)};
  tcp_layer(stream).expires_after(options.limits.body_timeout);
  auto [ec, n] = co_await net::async_write(stream, wire, nothrow);
  co_return !ec;
}

namespace {

// What reading one request produced: a request to serve, a refusal to answer before closing
// the connection, or nothing (the peer closed, went idle, or the server is stopping).
struct read_result {
  enum class kind { request, refuse, closed } what = kind::closed;
  int status = 0;
  std::string detail{};
};

read_result refuse(int status, std::string detail) {
  return {.what = read_result::kind::refuse, .status = status, .detail = std::move(detail)};
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_more;
}

// RFC 9112 §6.1 and §6.3: the only transfer coding understood here is `chunked`, alone. Anything
// else (gzip, "chunked, gzip", a repeated chunked) cannot be framed reliably: a body that a
// proxy and this server delimit differently is a smuggled request.
std::string framing_problem(const bhttp::request_parser<bhttp::string_body>& parser) {
  const auto& head = parser.get();
  auto codings = head.equal_range(bhttp::field::transfer_encoding);
  if (codings.first == codings.second) return {};
  std::vector<std::string> tokens;
  for (auto it = codings.first; it != codings.second; ++it) {
    std::string_view value = it->value();
    while (!value.empty()) {
      const auto comma = value.find(',');
      std::string_view token = value.substr(0, comma);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
        token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
        token.remove_suffix(1);
      if (!token.empty()) tokens.emplace_back(token);
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    }
  }
  if (tokens.size() != 1 || !iequals(tokens.front(), "chunked"))
    return "Transfer-Encoding must be exactly \"chunked\" (other transfer codings are not "
           "supported)";
  if (head.count(bhttp::field::content_length) != 0)
    return "a request may not carry both Transfer-Encoding and Content-Length";
  if (head.version() < 11) return "Transfer-Encoding requires HTTP/1.1";
  return {};
}

}  // namespace

template <class Stream>
net::awaitable<bool> server::impl::wait_for_request(Stream& stream, beast::flat_buffer& buffer,
                                                    conn_state& state, bool first) {
  if (buffer.size() != 0) co_return true;  // a pipelined request is already here
  // Keep-alive idle time (header time for the first request) until the first byte arrives.
  state.idle = true;
  tcp_layer(stream).expires_after(first ? options.limits.header_timeout
                                        : options.limits.idle_timeout);
  auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kFirstRead), nothrow);
  state.idle = false;
  if (ec) co_return false;  // closed, idle timeout, or cancelled by stop()
  buffer.commit(n);
  co_return true;
}

template <class Stream>
net::awaitable<read_result> server::impl::read_head(
    Stream& stream, beast::flat_buffer& buffer, bhttp::request_parser<bhttp::string_body>& parser) {
  const auto& limits = options.limits;
  auto ex = co_await net::this_coro::executor;
  // Slow headers: the deadline cancels the read but keeps the socket, so a 408 can be sent.
  tcp_layer(stream).expires_never();
  // When the whole head is already buffered (the usual case) the parse needs no read and no
  // deadline: arming a timer per request costs an allocation and timer-queue work.
  std::shared_ptr<read_deadline> late;
  if (!holds_complete_head(buffer)) late = cancel_read_at(stream, ex, limits.header_timeout);
  auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, nothrow);
  if (late) late->cancel();
  if (!ec) {
    if (auto problem = framing_problem(parser); !problem.empty())
      co_return refuse(400, std::move(problem));
    if (auto cl = parser.content_length(); cl && *cl > limits.max_body_bytes)
      co_return refuse(413,
                       "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes");
    co_return read_result{.what = read_result::kind::request};
  }
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof) co_return read_result{};
  if (late && late->fired) co_return refuse(408, "request headers not received in time");
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
    co_return refuse(
        431, "request headers exceed " + std::to_string(limits.max_header_bytes) + " bytes");
  if (ec == bhttp::error::body_limit)
    co_return refuse(413,
                     "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes");
  if (is_parse_error(ec)) co_return refuse(400, "malformed HTTP request");
  co_return read_result{};  // the connection failed: nobody to answer
}

template <class Stream>
net::awaitable<read_result> server::impl::read_body(
    Stream& stream, beast::flat_buffer& buffer, bhttp::request_parser<bhttp::string_body>& parser) {
  const auto& limits = options.limits;
  if (parser.is_done()) co_return read_result{.what = read_result::kind::request};
  auto& head = parser.get();
  if (iequals(head[bhttp::field::expect], "100-continue")) {
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, head.version()};
    auto [ec, n] = co_await bhttp::async_write(stream, cont, nothrow);
    if (ec) co_return read_result{};
  }
  auto late = cancel_read_at(stream, co_await net::this_coro::executor, limits.body_timeout);
  auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, nothrow);
  late->cancel();
  tcp_layer(stream).expires_never();
  if (!ec) co_return read_result{.what = read_result::kind::request};
  if (late->fired) co_return refuse(408, "request body not received in time");
  if (ec == bhttp::error::body_limit)
    co_return refuse(413,
                     "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes");
  // The read buffer holds at most the header limit plus one read: a chunk line (size and
  // extensions) or a trailer section that does not fit is refused like oversized headers.
  if (ec == bhttp::error::buffer_overflow)
    co_return refuse(431, "chunk extensions or trailer fields exceed " +
                              std::to_string(limits.max_header_bytes) + " bytes");
  if (is_parse_error(ec)) co_return refuse(400, "malformed chunked body (" + ec.message() + ")");
  co_return read_result{};
}

template <class Stream>
net::awaitable<void> server::impl::close(Stream& stream, bool linger) {
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
  if (!linger) co_return;
  // The client may still be sending the request we refused. Closing now would make the kernel
  // answer its data with a reset, which can destroy our error response before the client reads
  // it; so read and discard for a short while (bounded in time and bytes).
  auto& sock = raw_socket(stream);
  // On the heap: an array here would sit in every connection's coroutine frame for its whole
  // life, lingering or not (16 KiB x 10,000 connections).
  auto sink = std::make_unique<char[]>(kLingerChunk);
  std::size_t drained = 0;
  auto until =
      cancel_read_at(stream, co_await net::this_coro::executor, std::chrono::milliseconds(1000));
  while (drained < 8 * 1024 * 1024) {
    auto [rec, n] = co_await sock.async_read_some(net::buffer(sink.get(), kLingerChunk), nothrow);
    if (rec) break;
    drained += n;
  }
  until->cancel();
}

template <class Stream>
net::awaitable<void> server::impl::serve(Stream& stream, std::uint64_t id,
                                         std::shared_ptr<conn_state> state) {
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
  // Bounded: besides the request head (max_header_bytes), it only ever holds one read's worth of
  // unparsed bytes, so a chunk line or trailer that never ends cannot grow it without limit.
  beast::flat_buffer buffer(options.limits.max_header_bytes + kReadChunk);
  bool first = true;
  bool linger = false;  // closing with request bytes possibly unread
  while (!stopping.load()) {
    if (!co_await wait_for_request(stream, buffer, *state, first)) break;
    first = false;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.limits.max_header_bytes));
    parser.body_limit(options.limits.max_body_bytes);
    auto got = co_await read_head(stream, buffer, parser);
    if (got.what == read_result::kind::request) got = co_await read_body(stream, buffer, parser);
    if (got.what != read_result::kind::request) {
      if (got.what == read_result::kind::refuse) {
        co_await write(stream, on_error(got.status, got.detail), 11, false, false);
        linger = true;
      }
      break;
    }
    const unsigned version = parser.get().version();
    bool keep_alive = parser.get().keep_alive();
    request req = to_request(parser.release(), remote);
    const bool head_only = req.method == "HEAD";
    // While the handler runs (possibly seconds, waiting for a carrier), an idle connection's
    // read buffer holds nothing worth its memory. A buffer no larger than the first read's
    // (small requests: the read path) is kept: freeing it and allocating it again for the next
    // request cost an allocation per request, and glibc consolidates its fast bins on every
    // allocation of that size.
    if (buffer.size() == 0 && buffer.capacity() > kFirstRead) buffer.shrink_to_fit();
    in_flight.fetch_add(1);
    response res;
    try {
      res = co_await on_request(req);
    } catch (...) {
      res = on_error(500, "internal error");
    }
    in_flight.fetch_sub(1);
    if (stopping.load()) keep_alive = false;
    if (!co_await write(stream, res, version, keep_alive, head_only) || !keep_alive) break;
  }
  co_await close(stream, linger);
  state->alive = false;
  std::lock_guard lock(mutex);
  idle_closers.erase(id);
}

server::server(net::io_context& io, server_options options, handler on_request,
               error_responder on_error)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(on_request),
                                   std::move(on_error))) {}

server::~server() = default;

result<void> server::start() {
  auto& im = *impl_;
  if (im.options.tls) {
    try {
      im.tls.emplace(ssl::context::tls_server);
      im.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
      SSL_CTX_set_min_proto_version(im.tls->native_handle(), TLS1_2_VERSION);
      SSL_CTX_set_cipher_list(im.tls->native_handle(), kTls12Ciphers);
      im.tls->use_certificate_chain_file(im.options.tls->cert_file);
      im.tls->use_private_key_file(im.options.tls->key_file, ssl::context::pem);
    } catch (const std::exception& e) {
      return make_error(error_kind::internal, std::string("TLS setup failed (") +
                                                  im.options.tls->cert_file + ", " +
                                                  im.options.tls->key_file + "): " + e.what());
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
                                                std::to_string(im.options.port) + ": " +
                                                ec.message());
  im.bound_port = im.acceptor.local_endpoint().port();
  net::co_spawn(im.acceptor.get_executor(), im.accept_loop(), net::detached);
  return {};
}

std::uint16_t server::port() const noexcept {
  return impl_->bound_port;
}

std::string server::url() const {
  std::string host = impl_->options.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(impl_->tls ? "https://" : "http://") + host + ":" +
         std::to_string(impl_->bound_port);
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

bool server::drained() const noexcept {
  return impl_->stopping.load() && impl_->open.load() == 0;
}

server_stats server::stats() const noexcept {
  return {.connections_open = impl_->open.load(),
          .connections_total = impl_->total.load(),
          .requests_in_flight = impl_->in_flight.load()};
}

}  // namespace parcelgate::http
