// Carrier faults during a label purchase (DESIGN §2.2 error mapping, §5 step 3): a carrier that
// never answers (504, pending_confirmation), a front proxy's 5xx page before or after the sale
// (502, pending_confirmation: such a page proves nothing), the carrier's own "unavailable" error
// (503 + Retry-After, the key freed), garbage (502, pending_confirmation), rejected credentials
// (502 carrier-auth-failed) or a connection dropped after selling. No request may hang, the
// gateway must stay up, and a purchase that may have reached the carrier is never bought twice.

#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <thread>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::describe;
using pgtest::expect_problem;
using pgtest::response;
using pgtest::stack;
using pgtest::stack_options;

// Client deadline of every request: well above the carrier timeout (2 s), far below a hang.
constexpr auto kClientTimeout = std::chrono::seconds(20);

stack_options fault_options() {
  stack_options o;
  o.carrier_timeout_s = 2;
  o.client_timeout = kClientTimeout;
  return o;
}

class carrier_faults : public ::testing::TestWithParam<std::string> {
 protected:
  void start(stack_options options = fault_options()) {
    env_ = std::make_unique<stack>(std::move(options));
    key_ = env_->create_key("acme", "merchant");
  }
  void TearDown() override {
    if (!env_) return;
    auto health = env_->call("GET", "/healthz", "");
    EXPECT_EQ(health.status, 200) << "the gateway did not survive: " << describe(health);
    EXPECT_TRUE(env_->gateway().running()) << "gateway log:\n" << env_->gateway_log();
  }

  const std::string& carrier() const { return GetParam(); }

  response post(const std::string& idempotency_key) {
    return env_->call("POST", "/v1/shipments", key_,
                      pgtest::shipment_body(carrier(), "order-fault"),
                      {{"Idempotency-Key", idempotency_key}});
  }

  // The purchase is recorded as pending_confirmation, listed as such, has no label, cannot be
  // cancelled, and the same key replays the answer without another sale.
  void expect_pending_and_never_rebought(const response& first, int status,
                                         const std::string& idempotency_key) {
    expect_problem(first, status, "purchase-outcome-unknown");
    auto problem = pgtest::parse_object(first.body);
    const std::string id = pgtest::string_at(problem, "shipment_id");
    ASSERT_TRUE(id.starts_with("shp_")) << describe(first);

    auto pending = pgtest::list_all_shipments(*env_, key_, "status=pending_confirmation");
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pgtest::string_at(pending[0], "id"), id);
    EXPECT_EQ(pgtest::list_all_shipments(*env_, key_).size(), 1u);
    auto read = env_->call("GET", "/v1/shipments/" + id, key_);
    ASSERT_EQ(read.status, 200) << describe(read);
    EXPECT_EQ(pgtest::string_at(pgtest::parse_object(read.body), "status"), "pending_confirmation");
    expect_problem(env_->call("GET", "/v1/shipments/" + id + "/label", key_), 404, "not-found");
    expect_problem(env_->call("POST", "/v1/shipments/" + id + "/cancel", key_), 409, "conflict");

    const auto sold = pgtest::labels_sold(*env_);
    // Even once the carrier is healthy again, the key never buys.
    pgtest::set_sim_faults(
        *env_, R"({"timeout_rate": 0, "malformed_rate": 0, "fail_rate": 0, "latency_ms": 0,
                                     "proxy_error_after_sale_rate": 0, "busy_rate": 0})");
    for (int i = 0; i < 2; ++i) {
      auto again = post(idempotency_key);
      expect_problem(again, status, "purchase-outcome-unknown", pgtest::answer_kind::replay);
      EXPECT_EQ(again.body, first.body);
    }
    EXPECT_EQ(pgtest::labels_sold(*env_), sold) << "a pending purchase was bought again";
    EXPECT_EQ(pgtest::list_all_shipments(*env_, key_).size(), 1u);
  }

  std::unique_ptr<stack> env_;
  std::string key_;
};

TEST_P(carrier_faults, carrier_that_never_answers_gives_504_and_a_pending_shipment) {
  start();
  pgtest::set_sim_faults(*env_, R"({"timeout_rate": 1.0})");
  auto first = post("timeout-1");
  ASSERT_NE(first.status, 0) << "the request hung or the connection failed: " << first.body;
  // The simulator handled (sold) before losing its answer: exactly that one sale exists.
  auto sales = pgtest::sim_sales(*env_);
  EXPECT_EQ(sales[carrier()].sold, 1u);
  expect_pending_and_never_rebought(first, 504, "timeout-1");
  ASSERT_EQ(sales[carrier()].references.size(), 1u);
  auto pending = pgtest::list_all_shipments(*env_, key_, "status=pending_confirmation");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pgtest::shipment_id_of_sale(sales[carrier()].references[0]),
            pgtest::string_at(pending[0], "id"))
      << "the sale cannot be traced to the pending shipment";
}

TEST_P(carrier_faults, a_proxys_5xx_page_proves_nothing_so_the_purchase_stays_pending) {
  start();
  pgtest::set_sim_faults(*env_, R"({"fail_rate": 1.0})");
  auto first = post("fail-1");
  ASSERT_NE(first.status, 0) << first.body;
  EXPECT_EQ(pgtest::labels_sold(*env_), 0u);
  expect_pending_and_never_rebought(first, 502, "fail-1");
}

TEST_P(carrier_faults, a_proxys_5xx_page_after_the_sale_never_lets_the_key_buy_again) {
  start();
  pgtest::set_sim_faults(*env_, R"({"proxy_error_after_sale_rate": 1.0})");
  auto first = post("proxy-1");
  ASSERT_NE(first.status, 0) << first.body;
  ASSERT_EQ(pgtest::labels_sold(*env_), 1u)
      << "the simulator should have sold before its proxy failed";
  expect_pending_and_never_rebought(first, 502, "proxy-1");
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
}

TEST_P(carrier_faults, the_carriers_own_unavailable_error_gives_503_and_frees_the_key) {
  start();
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 1.0})");
  auto r = post("busy-1");
  expect_problem(r, 503, "carrier-unavailable");
  auto retry_after = r.header("retry-after");
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GT(std::stoi(retry_after), 0);
  auto problem = pgtest::parse_object(r.body);
  ASSERT_TRUE(problem.contains("carrier"));
  EXPECT_EQ(problem.at("carrier").as_object().at("id").as_string(), carrier());
  EXPECT_FALSE(problem.contains("shipment_id"));
  EXPECT_TRUE(pgtest::list_all_shipments(*env_, key_).empty());
  EXPECT_TRUE(pgtest::list_all_shipments(*env_, key_, "status=pending_confirmation").empty());
  EXPECT_EQ(pgtest::labels_sold(*env_), 0u);
  // The refusal proved nothing was sold: the same key buys once the carrier is back.
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 0})");
  auto again = post("busy-1");
  ASSERT_EQ(again.status, 201) << describe(again);
  EXPECT_TRUE(again.header("idempotent-replayed").empty());
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
}

TEST_P(carrier_faults, unreadable_carrier_answer_gives_502_and_a_pending_shipment) {
  start();
  pgtest::set_sim_faults(*env_, R"({"malformed_rate": 1.0})");
  auto first = post("malformed-1");
  ASSERT_NE(first.status, 0) << first.body;
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
  expect_pending_and_never_rebought(first, 502, "malformed-1");
}

TEST_P(carrier_faults, rejected_credentials_give_502_carrier_auth_failed_and_keep_nothing) {
  auto options = fault_options();
  if (carrier() == "colissimo")
    options.colissimo_password = "not-the-password";
  else
    options.mondialrelay_private_key = "WrongKey";
  start(options);
  auto r = post("auth-1");
  expect_problem(r, 502, "carrier-auth-failed");
  auto problem = pgtest::parse_object(r.body);
  ASSERT_TRUE(problem.contains("carrier")) << describe(r);
  EXPECT_EQ(problem.at("carrier").as_object().at("id").as_string(), carrier());
  EXPECT_EQ(r.body.find("not-the-password"), std::string::npos)
      << "the answer leaks the configured secret";
  EXPECT_EQ(r.body.find("WrongKey"), std::string::npos) << "the answer leaks the configured secret";
  EXPECT_TRUE(pgtest::list_all_shipments(*env_, key_).empty());
  EXPECT_EQ(pgtest::labels_sold(*env_), 0u);
  // Nothing was bought, so the key is not finished: the same request is tried again.
  auto again = post("auth-1");
  expect_problem(again, 502, "carrier-auth-failed");
  EXPECT_TRUE(again.header("idempotent-replayed").empty());
  EXPECT_EQ(env_->gateway_log().find("not-the-password"), std::string::npos)
      << "the log shows the secret";
}

TEST_P(carrier_faults, connection_lost_after_the_carrier_sold_keeps_the_purchase_pending) {
  auto options = fault_options();
  options.carrier_timeout_s = 15;  // the loss, not our deadline, ends the call
  start(options);
  pgtest::set_sim_faults(*env_, R"({"timeout_rate": 1.0})");
  auto answer = std::async(std::launch::async, [this] { return post("lost-1"); });
  // The simulator sells, then holds its answer; once the sale is on its ledger, it dies.
  ASSERT_TRUE(pgtest::eventually([&] { return pgtest::labels_sold(*env_) == 1; },
                                 std::chrono::seconds(10)));
  env_->kill_sim(SIGKILL);
  auto first = answer.get();
  ASSERT_NE(first.status, 0) << first.body;
  // The carrier may have sold (it did): the purchase must stay pending, never be released.
  expect_problem(first, first.status == 504 ? 504 : 502, "purchase-outcome-unknown");
  EXPECT_EQ(pgtest::list_all_shipments(*env_, key_, "status=pending_confirmation").size(), 1u);
  auto again = post("lost-1");
  EXPECT_EQ(again.status, first.status) << describe(again);
  EXPECT_EQ(again.header("idempotent-replayed"), "true")
      << "the key was released although a label was sold";
}

TEST_P(carrier_faults, slow_carrier_within_the_deadline_still_sells_once) {
  start();
  pgtest::set_sim_faults(*env_, R"({"latency_ms": 700})");
  auto r = post("slow-1");
  EXPECT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
}

TEST_P(carrier_faults, metrics_count_carrier_call_outcomes) {
  start();
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 1.0})");
  post("metrics-busy");
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 0, "fail_rate": 1.0})");
  post("metrics-fail");
  pgtest::set_sim_faults(*env_, R"({"fail_rate": 0})");
  ASSERT_EQ(post("metrics-ok").status, 201);
  auto metrics = env_->call("GET", "/metrics", "").body;
  const std::string prefix = "parcelgate_carrier_calls_total{carrier=\"" + carrier() + "\"";
  EXPECT_NE(metrics.find(prefix), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("outcome=\"ok\""), std::string::npos);
  EXPECT_NE(metrics.find("outcome=\"http_5xx\""), std::string::npos);
  // Each HTTP exchange is counted once in the calls; the whole purchase flow apart.
  EXPECT_EQ(metrics.find(prefix + ",operation=\"purchase\""), std::string::npos)
      << "a purchase counted as a call";
  EXPECT_NE(metrics.find("parcelgate_carrier_operations_total{carrier=\"" + carrier() +
                         "\",operation=\"purchase\",outcome=\"ok\"} 1"),
            std::string::npos)
      << metrics;
  // Every purchase claimed a key durably; the carrier's refusal gave it back, the proxy's page
  // left the purchase pending, the last one completed.
  EXPECT_NE(metrics.find("parcelgate_store_durable_write_seconds_count{operation=\"claim\"} 3"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("parcelgate_store_durable_write_seconds_count{operation=\"abandon\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.find("parcelgate_store_durable_write_seconds_count{operation=\"pending\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.find("parcelgate_store_durable_write_seconds_count{operation=\"complete\"} 1"),
            std::string::npos);
}

TEST_P(carrier_faults, a_failing_carrier_is_paused_by_the_circuit_breaker_then_probed) {
  auto options = fault_options();
  options.circuit_breaker = "{failures: 3, open_s: 1}";
  start(options);
  pgtest::set_sim_faults(*env_, R"({"fail_rate": 1.0})");
  // A proxy's 503 page proves nothing: each of these purchases is left pending.
  for (int i = 0; i < 3; ++i)
    expect_problem(post("cb-fail-" + std::to_string(i)), 502, "purchase-outcome-unknown");
  const auto reached = pgtest::sim_sales(*env_)[carrier()].requests;
  ASSERT_GE(reached, 3u);

  // Open: refused at once, the carrier is not called, the key stays free, Retry-After is given.
  auto refused = post("cb-open");
  expect_problem(refused, 503, "carrier-unavailable");
  EXPECT_NE(refused.body.find("circuit open"), std::string::npos) << refused.body;
  ASSERT_FALSE(refused.header("retry-after").empty());
  EXPECT_GE(std::stoi(refused.header("retry-after")), 1);
  EXPECT_EQ(pgtest::sim_sales(*env_)[carrier()].requests, reached)
      << "an open circuit still called the carrier";
  EXPECT_EQ(pgtest::list_all_shipments(*env_, key_).size(), 3u)
      << "the refused purchase left a shipment";
  auto metrics = env_->call("GET", "/metrics", "").body;
  EXPECT_NE(metrics.find("outcome=\"circuit_open\""), std::string::npos);

  // The carrier recovers; after open_s one probe goes through and closes the circuit.
  pgtest::set_sim_faults(*env_, R"({"fail_rate": 0})");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto probe = post("cb-open");  // the same key: the refusal left it free
  ASSERT_EQ(probe.status, 201) << describe(probe);
  EXPECT_EQ(post("cb-after").status, 201);
  EXPECT_EQ(pgtest::labels_sold(*env_), 2u);
}

INSTANTIATE_TEST_SUITE_P(carriers, carrier_faults, ::testing::Values("colissimo", "mondialrelay"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
