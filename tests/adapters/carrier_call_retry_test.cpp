// The core's side of outbound_request::retry: a real carriers::carrier_call, through the real
// http_client, against a local HTTP server that answers from a script. Backoffs are a few
// milliseconds so the suite stays fast while the waits are real timers.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/carriers/http_client.hpp"
#include "gateway/carriers/registry.hpp"
#include "gateway/http/server.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace {

using namespace parcelgate;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// A local HTTP server answering the n-th request with script[n] (the last one repeats).
struct scripted_carrier {
  explicit scripted_carrier(boost::asio::io_context& io, std::vector<http::response> answers)
      : script(std::move(answers)),
        server(
            io,
            http::server_options{
                .host = "127.0.0.1", .port = 0, .tls = std::nullopt, .limits = {}, .name = "sim"},
            [this](http::request& request) -> boost::asio::awaitable<http::response> {
              targets.push_back(request.target);
              const std::size_t i = std::min(targets.size() - 1, script.size() - 1);
              co_return script[i];
            },
            [](int status, std::string_view detail) {
              return http::response::text(status, std::string(detail));
            }) {
    auto started = server.start();
    if (!started) throw std::runtime_error(started.error().message);
  }

  std::vector<http::response> script;
  std::vector<std::string> targets;
  http::server server;
};

carriers::outbound_request label_get(std::string url, int attempts,
                                     std::vector<std::chrono::milliseconds> backoff) {
  carriers::outbound_request r;
  r.method = "GET";
  r.url = std::move(url);
  r.idempotent = true;
  r.operation = "fetch_label";
  r.retry = carriers::retry_policy{.attempts = attempts,
                                   .backoff = std::move(backoff),
                                   .expect_status = 200,
                                   .expect_body_prefix = "%PDF-",
                                   .retry_transport_failures = true};
  return r;
}

struct outcome {
  result<carriers::outbound_response> response;
  clock_type::duration elapsed;
};

// Sends `request` through a carrier_call whose deadline is `budget` from now.
outcome send(boost::asio::io_context& io, carriers::http_client& client,
             telemetry::metrics& metrics, carriers::outbound_request request,
             std::chrono::milliseconds budget) {
  std::optional<outcome> out;
  std::exception_ptr failure;
  const auto started = clock_type::now();
  carriers::carrier_call call(client, metrics, "testcarrier", started + budget);
  boost::asio::co_spawn(
      io, call.send(std::move(request)),
      [&](std::exception_ptr e, result<carriers::outbound_response> r) {
        failure = e;
        if (!e)
          out.emplace(outcome{.response = std::move(r), .elapsed = clock_type::now() - started});
        io.stop();
      });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

class CarrierCallRetry : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  telemetry::metrics metrics;
  std::unique_ptr<carriers::http_client> client = [this] {
    auto made = carriers::http_client::create(io, carriers::http_client_options{});
    if (!made) throw std::runtime_error(made.error().message);
    return std::move(*made);
  }();

  std::string rendered() const { return metrics.render(); }
  bool has_line(const std::string& line) const {
    return rendered().find("\n" + line + "\n") != std::string::npos;
  }
};

http::response pdf() {
  return http::response::text(200, "%PDF-1.4 label", "application/pdf");
}

TEST_F(CarrierCallRetry,
       repeats_an_idempotent_request_until_the_answer_is_final_waiting_each_backoff) {
  scripted_carrier carrier(
      io, {http::response::text(503, "busy"), http::response::text(200, "<html>oops</html>"), pdf(),
           http::response::text(500, "never reached")});
  auto out = send(io, *client, metrics,
                  label_get(carrier.server.url() + "/label?n=1", 4, {20ms, 40ms}), 5000ms);
  ASSERT_TRUE(out.response) << out.response.error().message;
  EXPECT_EQ(out.response->body, "%PDF-1.4 label");
  EXPECT_EQ(carrier.targets.size(), 3u);
  for (const auto& t : carrier.targets) EXPECT_EQ(t, "/label?n=1");
  EXPECT_GE(out.elapsed, 60ms) << "the 20 ms and 40 ms waits were made";
  // Each exchange is its own carrier call in metrics; the retries are counted apart.
  EXPECT_TRUE(has_line(
      R"(parcelgate_carrier_calls_total{carrier="testcarrier",operation="fetch_label",outcome="http_5xx"} 1)"))
      << rendered();
  EXPECT_TRUE(has_line(
      R"(parcelgate_carrier_calls_total{carrier="testcarrier",operation="fetch_label",outcome="ok"} 2)"));
  EXPECT_TRUE(has_line(
      R"(parcelgate_carrier_retries_total{carrier="testcarrier",operation="fetch_label"} 2)"));
}

TEST_F(CarrierCallRetry, returns_the_last_answer_when_every_attempt_fails) {
  scripted_carrier carrier(io, {http::response::text(404, "Not Found")});
  auto out =
      send(io, *client, metrics, label_get(carrier.server.url() + "/label", 3, {5ms}), 5000ms);
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 404);
  EXPECT_EQ(carrier.targets.size(), 3u);
  EXPECT_GE(out.elapsed, 10ms) << "the last backoff repeats";
}

TEST_F(CarrierCallRetry, never_repeats_a_request_that_is_not_idempotent) {
  scripted_carrier carrier(io, {http::response::text(503, "busy"), pdf()});
  auto purchase = label_get(carrier.server.url() + "/buy", 3, {1ms});
  purchase.method = "POST";
  purchase.idempotent = false;  // a purchase: the policy must be ignored
  purchase.operation = "create_label";
  auto out = send(io, *client, metrics, purchase, 5000ms);
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 503);
  EXPECT_EQ(carrier.targets.size(), 1u);
  EXPECT_EQ(rendered().find("parcelgate_carrier_retries_total"), std::string::npos);
}

TEST_F(CarrierCallRetry, does_not_start_a_wait_that_would_end_past_the_deadline) {
  scripted_carrier carrier(io, {http::response::text(503, "busy"), pdf()});
  auto out =
      send(io, *client, metrics, label_get(carrier.server.url() + "/label", 3, {2000ms}), 300ms);
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 503);
  EXPECT_EQ(carrier.targets.size(), 1u);
  EXPECT_LT(out.elapsed, 1000ms) << "returned without waiting for a retry that could not fit";
}

TEST_F(CarrierCallRetry, retries_transport_failures_and_counts_each_one) {
  // A port nobody listens on: bind a server, note its port, and stop it.
  std::string url;
  {
    scripted_carrier gone(io, {pdf()});
    url = gone.server.url() + "/label";
    gone.server.stop();
    io.restart();
    io.run_for(50ms);
  }
  auto out = send(io, *client, metrics, label_get(url, 3, {1ms}), 5000ms);
  ASSERT_FALSE(out.response);
  EXPECT_EQ(out.response.error().kind, error_kind::unavailable);
  EXPECT_TRUE(has_line(
      R"(parcelgate_carrier_calls_total{carrier="testcarrier",operation="fetch_label",outcome="unavailable"} 3)"))
      << rendered();
  EXPECT_TRUE(has_line(
      R"(parcelgate_carrier_retries_total{carrier="testcarrier",operation="fetch_label"} 2)"));
}

TEST(RetryPolicy, says_which_outcomes_are_final) {
  carriers::retry_policy p{.attempts = 3,
                           .backoff = {250ms, 500ms},
                           .expect_status = 200,
                           .expect_body_prefix = "%PDF-",
                           .retry_transport_failures = true};
  auto answer = [](int status, std::string body) -> result<carriers::outbound_response> {
    return carriers::outbound_response{.status = status, .headers = {}, .body = std::move(body)};
  };
  EXPECT_FALSE(p.retries(answer(200, "%PDF-1.7")));
  EXPECT_TRUE(p.retries(answer(200, "<html>")));
  EXPECT_TRUE(p.retries(answer(503, "%PDF-1.7")));
  EXPECT_TRUE(p.retries(make_error(error_kind::timeout, "late")));
  EXPECT_TRUE(p.retries(make_error(error_kind::unavailable, "reset")));
  EXPECT_FALSE(p.retries(make_error(error_kind::invalid_request, "bad url")));
  p.retry_transport_failures = false;
  EXPECT_FALSE(p.retries(make_error(error_kind::unavailable, "reset")));
  p.expect_status = 0;
  p.expect_body_prefix.clear();
  EXPECT_FALSE(p.retries(answer(502, "")));
  EXPECT_EQ(p.delay_before(1), 0ms);
  EXPECT_EQ(p.delay_before(2), 250ms);
  EXPECT_EQ(p.delay_before(3), 500ms);
  EXPECT_EQ(p.delay_before(7), 500ms);
  carriers::outbound_request r;
  r.retry = p;
  EXPECT_EQ(r.max_exchanges(), 1) << "not idempotent";
  r.idempotent = true;
  EXPECT_EQ(r.max_exchanges(), 3);
  r.retry.attempts = 0;
  EXPECT_EQ(r.max_exchanges(), 1);
}

}  // namespace
