// The HTTP request path of the server up to the handler: Beast's request parser with the
// server's header and body limits and bounded read buffer (gateway/http/server.cpp), the
// conversion to http::request (raw path and query) and the API router's match on the result
// (segments percent-decoded one by one, HEAD served by GET routes).
//
// The input is the raw bytes a client sends. It is parsed twice, once whole and once fed in
// 7-byte reads (as a slow client would), and both parses must agree.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "gateway/api/router.hpp"
#include "gateway/http/message.hpp"
#include "gateway/http/server.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace parcelgate;

// How the server answers a parse error (server.cpp): 431, 413, closes on end of stream, 400.
int answer(const beast::error_code& ec) {
  if (!ec) return 0;
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) return 431;
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::end_of_stream) return -1;
  return 400;
}

struct outcome {
  bool done = false;
  int status = 0;  // answer() of the error; which error Beast names depends on what it saw last
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> fields;
  bool operator==(const outcome&) const = default;
};

// Feeds `in` to a parser configured like the server's, `chunk` bytes at a time (0 = at once),
// the way a read loop does: unparsed bytes stay in the buffer for the next put().
outcome parse(std::string_view in, std::size_t chunk, const http::server_limits& limits) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  beast::flat_buffer buffer(limits.max_header_bytes + 16 * 1024);
  outcome out;
  beast::error_code ec;
  std::size_t fed = 0;
  while (!parser.is_done()) {
    if (buffer.size() == 0 || ec == bhttp::error::need_more) {
      if (fed == in.size()) {  // the client closed the connection
        if (parser.got_some())
          parser.put_eof(ec);
        else
          ec = bhttp::error::end_of_stream;
        break;
      }
      // The server's read buffer is bounded (header limit + one 16 KiB read, server.cpp).
      const std::size_t room = buffer.max_size() - buffer.size();
      if (room == 0) {
        ec = bhttp::error::buffer_overflow;
        break;
      }
      const std::size_t n = std::min({chunk == 0 ? in.size() : chunk, in.size() - fed, room});
      auto dst = buffer.prepare(n);
      std::memcpy(dst.data(), in.data() + fed, n);
      buffer.commit(n);
      fed += n;
    }
    ec = {};
    const std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (!ec && used == 0 && !parser.is_done()) ec = bhttp::error::need_more;
    if (ec && ec != bhttp::error::need_more) break;
    if (parser.is_header_done()) {
      // The server refuses a declared length above the limit before reading the body.
      if (auto cl = parser.content_length(); cl && *cl > limits.max_body_bytes) {
        ec = bhttp::error::body_limit;
        break;
      }
    }
  }
  if (ec == bhttp::error::need_more) ec = {};
  out.status = answer(ec);
  out.done = parser.is_done() && !ec;
  if (out.done) {
    const auto& msg = parser.get();
    out.method = std::string(msg.method_string());
    out.target = std::string(msg.target());
    out.body = msg.body();
    for (const auto& f : msg) out.fields.emplace_back(f.name_string(), f.value());
    FUZZ_CHECK(out.body.size() <= limits.max_body_bytes);
  }
  return out;
}

const api::router& gateway_routes() {
  // The route table of the gateway (add_system_routes, add_shipment_routes, add_rate_routes).
  static const api::router table = [] {
    api::router r;
    auto none = [](api::context&) -> boost::asio::awaitable<http::response> {
      co_return http::response{};
    };
    for (auto [method, pattern] : {std::pair{"GET", "/healthz"},
                                   {"GET", "/readyz"},
                                   {"GET", "/metrics"},
                                   {"GET", "/openapi.json"},
                                   {"GET", "/v1/carriers"},
                                   {"POST", "/v1/shipments"},
                                   {"GET", "/v1/shipments"},
                                   {"GET", "/v1/shipments/{id}"},
                                   {"GET", "/v1/shipments/{id}/label"},
                                   {"POST", "/v1/shipments/{id}/cancel"},
                                   {"POST", "/v1/rates"},
                                   {"POST", "/v1/tariffs/compare"},
                                   {"GET", "/v1/tariffs"}})
      r.add(method, pattern, api::anyone, "", none);
    return r;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto in = fuzz::as_text(data, size);
  const http::server_limits limits;
  const outcome whole = parse(in, 0, limits);
  const outcome pieces = parse(in, 7, limits);
  FUZZ_CHECK(whole == pieces);
  if (!whole.done) return 0;

  // What the server hands to the API (server.cpp, to_request): the raw path, the raw query.
  http::request req;
  req.method = whole.method;
  req.target = whole.target;
  std::string_view target = req.target;
  const auto q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  for (const auto& [name, value] : whole.fields) req.fields.push_back({name, value});
  bool found = false;
  const auto limit = req.query_param("limit", &found);
  FUZZ_CHECK(found || limit.empty());

  std::vector<std::pair<std::string_view, std::string>> params;
  const auto m = gateway_routes().match(req.method, req.path, params);
  if (m.found) {
    FUZZ_CHECK(m.path_exists);
    FUZZ_CHECK(m.found->method == (req.method == "HEAD" ? "GET" : req.method));  // HEAD uses GET
    std::size_t expected_params = 0;
    for (const auto& seg : m.found->segments) expected_params += seg.starts_with('{') ? 1 : 0;
    FUZZ_CHECK(params.size() == expected_params);
    for (const auto& [name, value] : params) {
      FUZZ_CHECK(!name.empty() && !value.empty());
      FUZZ_CHECK(value.find('/') == std::string::npos);  // segments are decoded one by one
    }
  } else if (m.path_exists) {
    // 405: the Allow list names other methods only.
    FUZZ_CHECK(!m.allowed.empty());
    std::string_view allowed = m.allowed;
    while (!allowed.empty()) {
      const auto comma = allowed.find(", ");
      FUZZ_CHECK(allowed.substr(0, comma) != req.method);
      allowed = comma == std::string_view::npos ? std::string_view() : allowed.substr(comma + 2);
    }
  }
  return 0;
}
