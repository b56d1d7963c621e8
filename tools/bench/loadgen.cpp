// loadgen: an open-loop HTTP/1.1 load generator (plain or TLS).
//
// Requests are scheduled at a fixed rate and each latency is measured from its *scheduled* send
// time, so a slow server cannot hide its queueing (no coordinated omission). `--at-once N` instead
// fires N requests at the same instant, each on its own connection (for in-flight scale tests).
//
//   loadgen --url https://127.0.0.1:8443/v1/shipments [--method POST] [--body-file F]
//           [--header "Name: value"]... [--rate R --duration S | --at-once N] [--connections C]
//           [--ca FILE] [--timeout-s T] [--label NAME] [--cycle K]
// "{{n}}" in the body and header values becomes the request number (plus a per-run prefix), so
// each request can carry its own Idempotency-Key; "{{i}}" becomes the request number modulo
// --cycle K (default: the request number itself), to address K existing records in turn.
// Prints one JSON object with the results.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;
constexpr auto nothrow = net::as_tuple(net::use_awaitable);

namespace {

struct options {
  std::string url, method = "GET", body, ca, label = "run";
  std::vector<std::pair<std::string, std::string>> headers;
  double rate = 0, duration_s = 0;
  long at_once = 0;
  std::size_t connections = 1024;
  int timeout_s = 30;
  long cycle = 0;  // {{i}} = n % cycle (0: n)
  bool tls = false;
  std::string host, port, target;
};

using tls_stream = net::ssl::stream<beast::tcp_stream>;
struct conn {
  std::variant<beast::tcp_stream, tls_stream> s;
  beast::flat_buffer buffer;
  beast::tcp_stream& tcp() {
    if (auto* p = std::get_if<beast::tcp_stream>(&s)) return *p;
    return std::get<tls_stream>(s).next_layer();
  }
};

struct state {
  options opt;
  net::io_context& io;
  net::ssl::context ssl{net::ssl::context::tls_client};
  tcp::resolver::results_type endpoints;
  std::deque<std::unique_ptr<conn>> idle;
  std::size_t open = 0;
  std::deque<std::shared_ptr<net::steady_timer>> waiting;
  std::vector<double> latencies_ms;
  std::map<int, long> statuses;
  std::map<std::string, long> errors;
  long done = 0, expected = 0;
  std::string run_id;
  clock_type::time_point first_send{}, last_done{};
  explicit state(net::io_context& ctx) : io(ctx) {}
};

std::string expand(const std::string& text, const std::string& run, long n, long cycle) {
  std::string out = text;
  const std::string token = "{{n}}", value = run + "-" + std::to_string(n);
  for (std::size_t p; (p = out.find(token)) != std::string::npos;)
    out.replace(p, token.size(), value);
  const std::string index = std::to_string(cycle > 0 ? n % cycle : n);
  for (std::size_t p; (p = out.find("{{i}}")) != std::string::npos;) out.replace(p, 5, index);
  return out;
}

net::awaitable<std::unique_ptr<conn>> connect(state& st) {
  auto c = std::make_unique<conn>(conn{beast::tcp_stream(st.io), {}});
  if (st.opt.tls) c->s.emplace<tls_stream>(beast::tcp_stream(st.io), st.ssl);
  c->tcp().expires_after(std::chrono::seconds(st.opt.timeout_s));
  auto [ec, ep] = co_await c->tcp().async_connect(st.endpoints, nothrow);
  if (ec) throw std::runtime_error("connect: " + ec.message());
  if (st.opt.tls) {
    auto& s = std::get<tls_stream>(c->s);
    SSL_set_tlsext_host_name(s.native_handle(), st.opt.host.c_str());
    auto [hec] = co_await s.async_handshake(net::ssl::stream_base::client, nothrow);
    if (hec) throw std::runtime_error("tls: " + hec.message());
  }
  co_return c;
}

void finish(state& st) {
  st.last_done = clock_type::now();
  if (++st.done == st.expected) st.io.stop();
}

net::awaitable<void> one_request(state& st, long n, clock_type::time_point scheduled) {
  std::unique_ptr<conn> c;
  try {
    // Take an idle connection, open a new one under the cap, or wait for one to be returned.
    while (!c) {
      if (!st.idle.empty()) {
        c = std::move(st.idle.back());
        st.idle.pop_back();
      } else if (st.open < st.opt.connections) {
        ++st.open;
        try {
          c = co_await connect(st);
        } catch (...) {
          --st.open;
          throw;
        }
      } else {
        auto t = std::make_shared<net::steady_timer>(st.io, clock_type::time_point::max());
        st.waiting.push_back(t);
        co_await t->async_wait(nothrow);
      }
    }
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(st.opt.method), st.opt.target, 11};
    req.set(bhttp::field::host, st.opt.host + ":" + st.opt.port);
    for (const auto& [k, v] : st.opt.headers) req.insert(k, expand(v, st.run_id, n, st.opt.cycle));
    if (!st.opt.body.empty()) req.body() = expand(st.opt.body, st.run_id, n, st.opt.cycle);
    req.keep_alive(true);
    req.prepare_payload();
    c->tcp().expires_after(std::chrono::seconds(st.opt.timeout_s));
    bhttp::response<bhttp::string_body> res;
    beast::error_code ec;
    if (auto* p = std::get_if<beast::tcp_stream>(&c->s)) {
      std::tie(ec, std::ignore) = co_await bhttp::async_write(*p, req, nothrow);
      if (!ec) std::tie(ec, std::ignore) = co_await bhttp::async_read(*p, c->buffer, res, nothrow);
    } else {
      auto& s = std::get<tls_stream>(c->s);
      std::tie(ec, std::ignore) = co_await bhttp::async_write(s, req, nothrow);
      if (!ec) std::tie(ec, std::ignore) = co_await bhttp::async_read(s, c->buffer, res, nothrow);
    }
    if (ec) throw std::runtime_error(ec.message());
    st.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(clock_type::now() - scheduled).count());
    ++st.statuses[static_cast<int>(res.result_int())];
    if (res.keep_alive())
      st.idle.push_back(std::move(c));
    else
      --st.open;
  } catch (const std::exception& e) {
    if (c) --st.open;
    ++st.errors[e.what()];
  }
  if (!st.waiting.empty()) {
    st.waiting.front()->cancel();
    st.waiting.pop_front();
  }
  finish(st);
}

net::awaitable<void> schedule(state& st) {
  net::steady_timer timer(st.io);
  const auto start = clock_type::now();
  st.first_send = start;
  if (st.opt.at_once > 0) {
    for (long i = 0; i < st.opt.at_once; ++i)
      net::co_spawn(st.io, one_request(st, i, start), net::detached);
    co_return;
  }
  const double interval_ns = 1e9 / st.opt.rate;
  for (long i = 0; i < st.expected; ++i) {
    auto at = start + std::chrono::nanoseconds(static_cast<long long>(i * interval_ns));
    if (at > clock_type::now()) {
      timer.expires_at(at);
      co_await timer.async_wait(nothrow);
    }
    net::co_spawn(st.io, one_request(st, i, at), net::detached);
  }
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto idx = static_cast<std::size_t>(
      std::min<double>(sorted.size() - 1, std::ceil(p / 100.0 * sorted.size()) - 1));
  return sorted[idx];
}

int usage() {
  std::fprintf(stderr,
               "usage: loadgen --url URL [--method M] [--body-file F] [--header 'N: V']... "
               "(--rate R --duration S | --at-once N) [--connections C] [--ca FILE] [--timeout-s "
               "T] [--label L] [--cycle K]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--url")
      opt.url = next();
    else if (a == "--method")
      opt.method = next();
    else if (a == "--body-file") {
      std::ifstream in(next());
      std::stringstream ss;
      ss << in.rdbuf();
      opt.body = ss.str();
    } else if (a == "--header") {
      auto h = next();
      auto colon = h.find(':');
      if (colon == std::string::npos) return usage();
      auto v = h.substr(colon + 1);
      v.erase(0, v.find_first_not_of(' '));
      opt.headers.emplace_back(h.substr(0, colon), v);
    } else if (a == "--rate")
      opt.rate = std::stod(next());
    else if (a == "--duration")
      opt.duration_s = std::stod(next());
    else if (a == "--at-once")
      opt.at_once = std::stol(next());
    else if (a == "--connections")
      opt.connections = std::stoul(next());
    else if (a == "--ca")
      opt.ca = next();
    else if (a == "--timeout-s")
      opt.timeout_s = std::stoi(next());
    else if (a == "--label")
      opt.label = next();
    else if (a == "--cycle")
      opt.cycle = std::stol(next());
    else
      return usage();
  }
  if (opt.url.empty() || (opt.at_once <= 0 && (opt.rate <= 0 || opt.duration_s <= 0)))
    return usage();
  opt.tls = opt.url.starts_with("https://");
  auto rest = opt.url.substr(opt.tls ? 8 : 7);
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  opt.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  opt.host = authority.substr(0, colon);
  opt.port = colon == std::string::npos ? (opt.tls ? "443" : "80") : authority.substr(colon + 1);
  if (opt.at_once > 0)
    opt.connections = std::max<std::size_t>(opt.connections, static_cast<std::size_t>(opt.at_once));

  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  net::io_context io(1);
  state st(io);
  st.opt = opt;
  st.run_id = std::to_string(std::random_device{}() % 1000000);
  if (opt.tls) {
    st.ssl.set_verify_mode(net::ssl::verify_peer);
    if (!opt.ca.empty()) st.ssl.load_verify_file(opt.ca);
  }
  st.endpoints = tcp::resolver(io).resolve(opt.host, opt.port);
  st.expected = opt.at_once > 0 ? opt.at_once : static_cast<long>(opt.rate * opt.duration_s);
  st.latencies_ms.reserve(static_cast<std::size_t>(st.expected));
  net::co_spawn(io, schedule(st), net::detached);
  io.run();

  std::sort(st.latencies_ms.begin(), st.latencies_ms.end());
  double wall = std::chrono::duration<double>(st.last_done - st.first_send).count();
  std::printf(
      "{\"label\":\"%s\",\"requests\":%ld,\"completed\":%zu,\"wall_s\":%.3f,\"achieved_rps\":%.1f,"
      "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,"
      "\"statuses\":{",
      opt.label.c_str(), st.expected, st.latencies_ms.size(), wall,
      wall > 0 ? static_cast<double>(st.latencies_ms.size()) / wall : 0.0,
      percentile(st.latencies_ms, 50), percentile(st.latencies_ms, 90),
      percentile(st.latencies_ms, 99), percentile(st.latencies_ms, 99.9),
      st.latencies_ms.empty() ? 0.0 : st.latencies_ms.back());
  bool first = true;
  for (const auto& [code, n] : st.statuses)
    std::printf("%s\"%d\":%ld", first ? "" : ",", code, n), first = false;
  std::printf("},\"errors\":{");
  first = true;
  for (const auto& [what, n] : st.errors)
    std::printf("%s\"%s\":%ld", first ? "" : ",", what.c_str(), n), first = false;
  std::printf("}}\n");
  return 0;
}
