// The simulator's event pusher (tools/carrier-sim/timeline.hpp) against a tiny local receiver
// (the project's own HTTP server on loopback, plain and TLS with the dev certificates): retries
// until a 2xx, gives up after max_attempts, sends the token and the body unchanged, verifies the
// receiver's certificate.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/http/server.hpp"
#include "tools/carrier-sim/timeline.hpp"

using namespace parcelgate;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

// A receiver answering each POST with the next status of `script` (the last one repeats).
struct receiver {
  struct seen {
    std::string method, target, body, authorization, content_type, signature;
  };
  net::io_context io;
  std::vector<int> script;
  std::mutex mutex;
  std::vector<seen> requests;
  std::unique_ptr<http::server> server;
  std::thread thread;

  receiver(std::vector<int> statuses, bool tls) : script(std::move(statuses)) {
    http::server_options options;
    options.name = "receiver";
    if (tls)
      options.tls = http::tls_files{.cert_file = std::string(CERTS_DIR) + "/server.crt",
                                    .key_file = std::string(CERTS_DIR) + "/server.key"};
    server = std::make_unique<http::server>(
        io, options,
        [this](http::request& req) -> net::awaitable<http::response> {
          std::lock_guard lock(mutex);
          requests.push_back(seen{.method = req.method,
                                  .target = req.target,
                                  .body = req.body,
                                  .authorization = std::string(req.header("Authorization")),
                                  .content_type = std::string(req.header("Content-Type")),
                                  .signature = std::string(req.header("X-Signature"))});
          const int status = script[std::min(requests.size(), script.size()) - 1];
          co_return http::response::json(status, R"({"ok":true})");
        },
        [](int status, std::string_view detail) {
          return http::response::text(status, std::string(detail));
        });
    auto started = server->start();
    if (!started) throw std::runtime_error(started.error().message);
    thread = std::thread([this] { io.run(); });
  }
  ~receiver() {
    server->stop();
    io.stop();
    thread.join();
  }
  std::string url(std::string_view path) const { return server->url() + std::string(path); }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return requests.size();
  }
};

// Runs the pusher on its own io_context and waits for one push's result.
struct push_run {
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};
  ~push_run() {
    work.reset();
    io.stop();
    thread.join();
  }
  sim::push_result push(sim::event_pusher& pusher, std::string body, http::headers headers = {}) {
    auto done = std::make_shared<std::promise<sim::push_result>>();
    auto result = done->get_future();
    pusher.push(std::move(body), std::move(headers),
                [done](const sim::push_result& r) { done->set_value(r); });
    if (result.wait_for(30s) != std::future_status::ready) return {.error = "no result in 30 s"};
    return result.get();
  }
};

sim::push_options fast(std::string url) {
  sim::push_options o;
  o.url = std::move(url);
  o.first_delay = 10ms;
  o.max_delay = 40ms;
  o.attempt_timeout = 3s;
  return o;
}

TEST(EventPusher, RetriesUntilA2xxAndSendsTheBodyAndToken) {
  receiver rx({503, 500, 202}, /*tls=*/false);
  push_run run;
  auto options = fast(rx.url("/v1/carriers/inpost/events?source=sim"));
  options.token = "push-secret";
  sim::event_pusher pusher(run.io.get_executor(), options);
  ASSERT_TRUE(pusher.enabled());
  const std::string body =
      R"({"event":"shipment_status_changed","payload":{"status":"delivered"}})";
  auto r = run.push(pusher, body, {{"X-Signature", "abc"}});
  EXPECT_TRUE(r.delivered) << r.error;
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.status, 202);
  ASSERT_EQ(rx.count(), 3u);
  for (const auto& seen : rx.requests) {
    EXPECT_EQ(seen.method, "POST");
    EXPECT_EQ(seen.target, "/v1/carriers/inpost/events?source=sim");
    EXPECT_EQ(seen.body, body);
    EXPECT_EQ(seen.authorization, "Bearer push-secret");
    EXPECT_EQ(seen.content_type, "application/json");
    EXPECT_EQ(seen.signature, "abc");
  }
  auto counts = pusher.counts();
  EXPECT_EQ(counts.delivered, 1u);
  EXPECT_EQ(counts.attempts, 3u);
  EXPECT_EQ(counts.in_flight, 0u);
}

TEST(EventPusher, GivesUpAfterMaxAttempts) {
  receiver rx({500}, /*tls=*/false);
  push_run run;
  auto options = fast(rx.url("/events"));
  options.max_attempts = 4;
  sim::event_pusher pusher(run.io.get_executor(), options);
  auto r = run.push(pusher, "{}");
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.error, "HTTP 500");
  EXPECT_EQ(rx.count(), 4u);
  EXPECT_EQ(pusher.counts().failed, 1u);
}

TEST(EventPusher, HttpsVerifiesTheReceiverAgainstTheGivenCa) {
  receiver rx({200}, /*tls=*/true);
  ASSERT_TRUE(rx.url("").starts_with("https://"));
  push_run run;
  auto options = fast(rx.url("/events"));
  options.ca_file = std::string(CERTS_DIR) + "/ca.crt";
  sim::event_pusher trusted(run.io.get_executor(), options);
  auto ok = run.push(trusted, R"({"n":1})");
  EXPECT_TRUE(ok.delivered) << ok.error;
  EXPECT_EQ(ok.attempts, 1);
  ASSERT_EQ(rx.count(), 1u);
  EXPECT_EQ(rx.requests[0].body, R"({"n":1})");

  // Without the dev CA the certificate is not trusted: every attempt fails before any request.
  options.ca_file.clear();
  options.max_attempts = 2;
  sim::event_pusher untrusted(run.io.get_executor(), options);
  auto refused = run.push(untrusted, R"({"n":2})");
  EXPECT_FALSE(refused.delivered);
  EXPECT_EQ(refused.attempts, 2);
  EXPECT_EQ(refused.status, 0);
  EXPECT_FALSE(refused.error.empty());
  EXPECT_EQ(rx.count(), 1u);
}

TEST(EventPusher, UnreachableReceiverIsRetriedThenReported) {
  // A port nobody listens on: bind one, note it, close it.
  net::io_context io;
  net::ip::tcp::acceptor probe(io, {net::ip::make_address("127.0.0.1"), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();
  push_run run;
  auto options = fast("http://127.0.0.1:" + std::to_string(port) + "/events");
  options.max_attempts = 3;
  sim::event_pusher pusher(run.io.get_executor(), options);
  auto r = run.push(pusher, "{}");
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

TEST(EventPusher, WithoutAUsableUrlNothingIsSent) {
  push_run run;
  sim::event_pusher none(run.io.get_executor(), sim::push_options{});
  EXPECT_FALSE(none.enabled());
  auto r = run.push(none, "{}");
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.attempts, 0);
  EXPECT_NE(r.error.find("CARRIER_SIM_PUSH_URL"), std::string::npos) << r.error;
  for (const char* bad : {"ftp://127.0.0.1/x", "http://", "http://host:99999/", "127.0.0.1:80"}) {
    sim::event_pusher p(run.io.get_executor(), fast(bad));
    EXPECT_FALSE(p.enabled()) << bad;
  }
}

TEST(EventPusher, OptionsFromTheEnvironment) {
  ::setenv("CARRIER_SIM_PUSH_URL", "https://127.0.0.1:8443/v1/carriers/inpost/events", 1);
  ::setenv("CARRIER_SIM_PUSH_TOKEN", "tok", 1);
  auto o = sim::push_options::from_environment();
  ::unsetenv("CARRIER_SIM_PUSH_URL");
  ::unsetenv("CARRIER_SIM_PUSH_TOKEN");
  EXPECT_EQ(o.url, "https://127.0.0.1:8443/v1/carriers/inpost/events");
  EXPECT_EQ(o.token, "tok");
  EXPECT_TRUE(sim::push_options::from_environment().url.empty());
}

}  // namespace
