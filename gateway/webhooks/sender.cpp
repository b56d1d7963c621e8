#include "gateway/webhooks/sender.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <array>
#include <charconv>

namespace parcelgate::webhooks {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

constexpr auto nothrow = net::as_tuple(net::use_awaitable);

// Header names and values come from our own code; CR and LF are replaced all the same.
void append_field(std::string& out, std::string_view name, std::string_view value) {
  for (char c : name) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out += ": ";
  for (char c : value) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out += "\r\n";
}

std::string host_field(const target& t) {
  std::string host = t.literal && t.literal->is_v6() ? "[" + t.host + "]" : t.host;
  if (t.port != (t.tls ? 443 : 80)) host += ":" + std::to_string(t.port);
  return host;
}

std::chrono::milliseconds since(clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
}

// Writes the request and reads the response head on `stream` (a tcp_stream or a TLS stream).
template <class Stream>
net::awaitable<attempt_result> exchange(Stream& stream, const std::string& wire,
                                        std::size_t header_limit) {
  attempt_result out;
  auto [wec, written] = co_await net::async_write(stream, net::buffer(wire), nothrow);
  (void)written;
  if (wec) {
    out.error = "sending failed: " + wec.message();
    co_return out;
  }
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::empty_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(header_limit));
  auto [rec, read] = co_await beast::http::async_read_header(stream, buffer, parser, nothrow);
  (void)read;
  if (rec) {
    out.error = rec == beast::error::timeout ? "no answer before the deadline"
                : rec == beast::http::error::header_limit
                    ? "the response head is larger than " + std::to_string(header_limit) + " bytes"
                    : "reading the answer failed: " + rec.message();
    co_return out;
  }
  out.status = static_cast<int>(parser.get().result_int());
  const auto retry_after = parser.get()[beast::http::field::retry_after];
  int seconds = 0;
  if (auto [p, ec] =
          std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
      ec == std::errc() && p == retry_after.data() + retry_after.size() && seconds > 0)
    out.retry_after_s = seconds;
  if (out.status >= 300 && out.status < 400)
    out.error =
        "redirect not followed" +
        std::string(parser.get()[beast::http::field::location].empty()
                        ? ""
                        : " (Location: " + std::string(parser.get()[beast::http::field::location]) +
                              ")");
  else if (out.status < 200 || out.status >= 300)
    out.error = "the endpoint answered " + std::to_string(out.status);
  co_return out;
}

}  // namespace

struct sender::tls {
  ssl::context ctx{ssl::context::tls_client};
};

std::expected<std::unique_ptr<sender>, std::string> sender::create(sender_options options) {
  auto t = std::make_unique<tls>();
  boost::system::error_code ec;
  t->ctx.set_default_verify_paths(ec);
  t->ctx.set_verify_mode(ssl::verify_peer);
  t->ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!options.ca_file.empty()) {
    t->ctx.load_verify_file(options.ca_file, ec);
    if (ec) return std::unexpected("cannot read " + options.ca_file + ": " + ec.message());
  }
  return std::unique_ptr<sender>(new sender(std::move(options), std::move(t)));
}

sender::sender(sender_options options, std::unique_ptr<tls> ctx)
    : options_(std::move(options)), tls_(std::move(ctx)) {}

sender::~sender() = default;

net::awaitable<std::expected<std::vector<tcp::endpoint>, resolve_failure>> sender::resolve(
    const target& t) {
  std::vector<tcp::endpoint> out;
  if (t.literal) {
    if (!options_.allow_private && forbidden_address(*t.literal))
      co_return std::unexpected(
          resolve_failure{.refused = true, .message = refusal(t.host, *t.literal)});
    out.emplace_back(*t.literal, t.port);
    co_return out;
  }
  tcp::resolver resolver(co_await net::this_coro::executor);
  auto [ec, results] = co_await resolver.async_resolve(t.host, std::to_string(t.port), nothrow);
  if (ec)
    co_return std::unexpected(resolve_failure{
        .refused = false, .message = "cannot resolve " + t.host + ": " + ec.message()});
  for (const auto& r : results) {
    const auto a = r.endpoint().address();
    if (!options_.allow_private && forbidden_address(a))
      co_return std::unexpected(resolve_failure{.refused = true, .message = refusal(t.host, a)});
    out.push_back(r.endpoint());
  }
  if (out.empty())
    co_return std::unexpected(
        resolve_failure{.refused = false, .message = "cannot resolve " + t.host + ": no address"});
  co_return out;
}

net::awaitable<attempt_result> sender::post(const std::string& url, const http::headers& headers,
                                            const std::string& body) {
  const auto started = clock::now();
  const auto deadline = started + options_.timeout;
  attempt_result out;
  std::string why;
  const auto t = parse_target(url, options_.allow_private, &why);
  if (!t) {
    out.error = "refused: the URL " + why;
    co_return out;
  }
  auto endpoints = co_await resolve(*t);
  if (!endpoints) {
    out.error = (endpoints.error().refused ? "refused: " : "") + endpoints.error().message;
    out.duration = since(started);
    co_return out;
  }
  std::string wire = "POST " + t->path + " HTTP/1.1\r\n";
  append_field(wire, "Host", host_field(*t));
  append_field(wire, "User-Agent", options_.user_agent);
  for (const auto& h : headers) append_field(wire, h.name, h.value);
  append_field(wire, "Content-Length", std::to_string(body.size()));
  append_field(wire, "Connection", "close");
  wire += "\r\n";
  wire += body;

  // Connects to the addresses checked above, never to a name resolved again.
  beast::tcp_stream stream(co_await net::this_coro::executor);
  stream.expires_at(deadline);
  auto [cec, connected] = co_await stream.async_connect(*endpoints, nothrow);
  (void)connected;
  if (cec) {
    out.error = cec == beast::error::timeout ? "no connection before the deadline"
                                             : "connection failed: " + cec.message();
    out.duration = since(started);
    co_return out;
  }
  if (!t->tls) {
    out = co_await exchange(stream, wire, options_.max_header_bytes);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  } else {
    ssl::stream<beast::tcp_stream> secure(std::move(stream), tls_->ctx);
    if (!t->literal) SSL_set_tlsext_host_name(secure.native_handle(), t->host.c_str());
    secure.set_verify_callback(ssl::host_name_verification(t->host));
    beast::get_lowest_layer(secure).expires_at(deadline);
    auto [hec] = co_await secure.async_handshake(ssl::stream_base::client, nothrow);
    if (hec) {
      out.error = hec == beast::error::timeout ? "no TLS handshake before the deadline"
                                               : "TLS handshake failed: " + hec.message();
      out.duration = since(started);
      co_return out;
    }
    out = co_await exchange(secure, wire, options_.max_header_bytes);
    boost::system::error_code ignored;
    beast::get_lowest_layer(secure).socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
  out.duration = since(started);
  co_return out;
}

}  // namespace parcelgate::webhooks
