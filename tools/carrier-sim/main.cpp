// carrier-sim: sandboxes of the supported carriers on loopback, in their real wire formats.
//   carrier-sim --listen HOST:PORT [--plain] [--cert FILE --key FILE] [--threads N]
//               [--latency-ms N] [--jitter-ms N] [--fail-rate F] [--timeout-rate F]
//               [--malformed-rate F]
// Carriers live under /colissimo/..., /mondialrelay/..., /inpost/v1/... and
// /laposte/suivi/v2/... (tracking of the Colissimo parcels sold); GET /_sim/stats reads the labels
// sold, GET|POST /_sim/faults reads or changes fault settings, POST /_sim/reset clears the ledger
// and the timelines; POST /_sim/advance and GET|POST /_sim/timeline move a parcel along its
// scenario or script another one (timeline.hpp, README.md).

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/http/server.hpp"
#include "gateway/telemetry/log.hpp"
#include "tools/carrier-sim/faults.hpp"
#include "tools/carrier-sim/sim.hpp"
#include "tools/carrier-sim/timeline.hpp"

namespace net = boost::asio;
using namespace parcelgate;

namespace {

void usage() {
  std::fprintf(
      stderr,
      "usage: carrier-sim --listen HOST:PORT [--plain] [--cert FILE --key FILE] [--threads N]\n"
      "                   [--latency-ms N] [--jitter-ms N] [--fail-rate F] [--timeout-rate F]\n"
      "                   [--malformed-rate F]\n"
      "TLS uses certs/dev/server.crt and server.key unless --plain or --cert/--key are given.\n");
}

http::response sim_error(int status, std::string_view detail) {
  return http::response::text(status, std::string(detail) + "\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:9443", cert = "certs/dev/server.crt",
              key = "certs/dev/server.key";
  bool plain = false;
  unsigned threads = 2;
  sim::fault_settings faults;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--listen")
      listen = next();
    else if (a == "--plain")
      plain = true;
    else if (a == "--cert")
      cert = next();
    else if (a == "--key")
      key = next();
    else if (a == "--threads")
      threads = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--latency-ms")
      faults.latency_ms = std::stoi(next());
    else if (a == "--jitter-ms")
      faults.jitter_ms = std::stoi(next());
    else if (a == "--fail-rate")
      faults.fail_rate = std::stod(next());
    else if (a == "--timeout-rate")
      faults.timeout_rate = std::stod(next());
    else if (a == "--malformed-rate")
      faults.malformed_rate = std::stod(next());
    else if (a == "--help" || a == "-h")
      return usage(), 0;
    else
      return usage(), 2;
  }
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  http::server_options options;
  if (!config::parse_listen(listen, options.host, options.port)) return usage(), 2;
  if (!plain) options.tls = http::tls_files{cert, key};
  options.name = "carrier-sim";
  options.limits.max_body_bytes = 4 * 1024 * 1024;
  options.limits.max_connections = 100'000;
  options.limits.idle_timeout = std::chrono::seconds(60);

  sim::sales_ledger ledger;
  sim::timeline_book timelines(ledger);
  {
    // Defaults of new parcels' timelines: refuse to start on a setting that cannot be read.
    std::vector<std::string> problems;
    timelines.add_carrier(sim::colissimo_scripts(),
                          sim::defaults_from_environment("colissimo", {}, &problems));
    timelines.add_carrier(sim::mondialrelay_scripts(),
                          sim::defaults_from_environment("mondialrelay", {}, &problems));
    for (const auto& p : problems) std::fprintf(stderr, "carrier-sim: %s\n", p.c_str());
    if (!problems.empty()) return 2;
  }
  sim::fault_injector injector;
  injector.set(faults);
  net::io_context io(static_cast<int>(threads));
  std::vector<std::unique_ptr<sim::carrier_sim>> carriers;
  std::string public_url;  // known after bind; carriers only need it for absolute URLs
  http::server* server_ptr = nullptr;

  auto handler = [&](http::request& req) -> net::awaitable<http::response> {
    if (req.path == "/_sim/stats" && req.method == "GET")
      co_return http::response::json(200, ledger.to_json());
    if (req.path == "/_sim/faults") {
      if (req.method == "GET") co_return http::response::json(200, injector.to_json());
      if (req.method == "POST") {
        auto problem = injector.apply_json(req.body);
        if (!problem.empty())
          co_return http::response::json(400, "{\"error\":\"" + problem + "\"}");
        co_return http::response::json(200, injector.to_json());
      }
    }
    if (auto answer = timelines.handle_control(req)) co_return std::move(*answer);
    if (req.path == "/_sim/reset" && req.method == "POST") {
      ledger.reset();
      timelines.reset();
      co_return http::response::json(200, ledger.to_json());
    }
    if (req.path == "/healthz") co_return http::response::json(200, R"({"status":"ok"})");
    for (auto& c : carriers) {
      if (!req.path.starts_with(c->prefix())) continue;
      ledger.note_request(c->prefix().substr(1));
      int delay_ms = 0;
      auto f = injector.draw(delay_ms);
      net::steady_timer timer(co_await net::this_coro::executor);
      if (delay_ms > 0) {
        timer.expires_after(std::chrono::milliseconds(delay_ms));
        co_await timer.async_wait(net::use_awaitable);
      }
      if (f == sim::fault::fail)
        co_return http::response::text(
            503,
            "<html><body><h1>503 Service Unavailable</h1>No server is available "
            "to handle this request.</body></html>\n",
            "text/html");
      if (f == sim::fault::busy) co_return c->busy_answer(req);
      auto res = c->handle(req);
      if (f == sim::fault::proxy_error_after_sale)
        co_return http::response::text(
            502,
            "<html><head><title>502 Bad Gateway</title></head><body><center>"
            "<h1>502 Bad Gateway</h1></center></body></html>\n",
            "text/html");
      if (f == sim::fault::timeout) {
        // The request was handled; its answer is lost. Hold the connection until the client
        // gives up (or the simulator stops).
        timer.expires_after(std::chrono::minutes(10));
        co_await timer.async_wait(net::use_awaitable);
      }
      if (f == sim::fault::malformed) {
        res.status = 200;
        res.body = res.body.substr(0, res.body.size() / 3) + "\x01\x02garbage";
      }
      co_return res;
    }
    co_return http::response::text(404, "no simulated carrier at " + req.path + "\n");
  };
  http::server server(io, options, handler, sim_error);
  server_ptr = &server;
  if (auto started = server.start(); !started) {
    std::fprintf(stderr, "carrier-sim: %s\n", started.error().message.c_str());
    return 1;
  }
  public_url = server.url();
  carriers.push_back(sim::make_colissimo_sim(ledger, public_url, timelines));
  carriers.push_back(sim::make_mondialrelay_sim(ledger, public_url, timelines));
  carriers.push_back(sim::make_laposte_suivi_sim(ledger, timelines));
  // Carriers that push their scans (InPost) send them to CARRIER_SIM_PUSH_URL when it is set.
  sim::event_pusher pusher(io.get_executor(), sim::push_options::from_environment());
  carriers.push_back(sim::make_inpost_sim(ledger, &pusher));
  net::steady_timer ticks(io);
  std::function<void(const boost::system::error_code&)> on_tick =
      [&](const boost::system::error_code& ec) {
        if (ec) return;
        for (auto& c : carriers) c->tick();
        ticks.expires_after(std::chrono::milliseconds(250));
        ticks.async_wait(on_tick);
      };
  if (pusher.enabled()) {
    ticks.expires_after(std::chrono::milliseconds(250));
    ticks.async_wait(on_tick);
  }

  net::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    ticks.cancel();
    server_ptr->stop();
    io.stop();
  });
  telemetry::log_notice("carrier-sim listening",
                        {{"url", public_url}, {"threads", static_cast<std::int64_t>(threads)}});
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : workers) t.join();
  return 0;
}
