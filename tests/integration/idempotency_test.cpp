// Idempotency-Key semantics of POST /v1/shipments (DESIGN §4 "Idempotency", §5 step 2): replays
// are byte-identical, a reused key with another body is refused, keys are per tenant, concurrent
// twins buy one label, and a definite carrier refusal leaves the key free for a retry. The
// carrier simulator's sales ledger (GET /_sim/stats) is the witness of what was bought.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::describe;
using pgtest::expect_problem;
using pgtest::response;
using pgtest::stack;

class idempotency : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<stack>();
    key_ = env_->create_key("acme", "merchant");
  }
  void TearDown() override {
    if (!env_) return;
    for (const auto& [carrier, sales] : pgtest::sim_sales(*env_))
      EXPECT_EQ(sales.duplicates, 0u) << carrier << " sold two labels for one shipment";
  }

  response post(const std::string& body, const std::string& idempotency_key,
                const std::string& key = {}) {
    return env_->call("POST", "/v1/shipments", key.empty() ? key_ : key, body,
                      {{"Idempotency-Key", idempotency_key}});
  }

  std::unique_ptr<stack> env_;
  std::string key_;
};

TEST_F(idempotency, same_key_and_body_replays_the_stored_answer_byte_for_byte) {
  const auto body = pgtest::shipment_body("colissimo", "order-replay");
  auto first = post(body, "replay-1");
  ASSERT_EQ(first.status, 201) << describe(first);
  EXPECT_TRUE(first.header("idempotent-replayed").empty())
      << "the original answer claims to be a replay";
  auto second = post(body, "replay-1");
  EXPECT_EQ(second.status, 201) << describe(second);
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.header("idempotent-replayed"), "true");
  EXPECT_EQ(second.header("content-type"), first.header("content-type"));
  ASSERT_FALSE(first.header("location").empty());
  EXPECT_EQ(second.header("location"), first.header("location"))
      << "a replay points at the same shipment";
  // Whitespace is not part of the request's identity.
  std::string spaced;
  for (char c : body) {
    spaced.push_back(c);
    if (c == ',') spaced += "\n   ";
  }
  auto third = post(spaced, "replay-1");
  EXPECT_EQ(third.status, 201) << describe(third);
  EXPECT_EQ(third.body, first.body);
  EXPECT_EQ(third.header("idempotent-replayed"), "true");
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
  EXPECT_EQ(pgtest::list_all_shipments(*env_, key_).size(), 1u);
}

TEST_F(idempotency, replay_survives_a_gateway_restart) {
  const auto body = pgtest::shipment_body("mondialrelay", "order-restart");
  auto first = post(body, "restart-1");
  ASSERT_EQ(first.status, 201) << describe(first);
  env_->kill_gateway(SIGKILL);
  env_->start_gateway();
  auto again = post(body, "restart-1");
  EXPECT_EQ(again.status, 201) << describe(again);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
}

TEST_F(idempotency, same_key_with_another_body_is_422_and_buys_nothing) {
  auto first = post(pgtest::shipment_body("colissimo", "order-a"), "reuse-1");
  ASSERT_EQ(first.status, 201) << describe(first);
  auto other = post(pgtest::shipment_body("colissimo", "order-b"), "reuse-1");
  expect_problem(other, 422, "idempotency-key-reused");
  EXPECT_TRUE(other.header("idempotent-replayed").empty());
  auto other_carrier = post(pgtest::shipment_body("mondialrelay", "order-a"), "reuse-1");
  expect_problem(other_carrier, 422, "idempotency-key-reused");
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
  EXPECT_EQ(pgtest::list_all_shipments(*env_, key_).size(), 1u);
  // The original is still replayed afterwards.
  auto replay = post(pgtest::shipment_body("colissimo", "order-a"), "reuse-1");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
}

TEST_F(idempotency, the_same_fields_in_another_order_are_the_same_request) {
  const auto body = pgtest::shipment_body("colissimo", "order-reordered");
  auto first = post(body, "reorder-1");
  ASSERT_EQ(first.status, 201) << describe(first);
  // The same object with its members in reverse order (a client library that sorts keys, say).
  boost::json::object original = boost::json::parse(body).as_object();
  boost::json::object reversed;
  std::vector<std::string> names;
  for (const auto& m : original) names.emplace_back(m.key());
  for (auto it = names.rbegin(); it != names.rend(); ++it) reversed[*it] = original[*it];
  const auto reordered = boost::json::serialize(reversed);
  ASSERT_NE(reordered, body);
  auto again = post(reordered, "reorder-1");
  EXPECT_EQ(again.status, 201) << describe(again);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
}

TEST_F(idempotency, keys_are_scoped_per_tenant) {
  auto other_tenant = env_->create_key("globex", "merchant");
  const auto body = pgtest::shipment_body("colissimo", "order-shared");
  auto a = post(body, "shared-key", key_);
  auto b = post(body, "shared-key", other_tenant);
  ASSERT_EQ(a.status, 201) << describe(a);
  ASSERT_EQ(b.status, 201) << describe(b);
  EXPECT_TRUE(b.header("idempotent-replayed").empty()) << "tenant B got tenant A's stored answer";
  EXPECT_NE(pgtest::string_at(pgtest::parse_object(a.body), "id"),
            pgtest::string_at(pgtest::parse_object(b.body), "id"));
  EXPECT_EQ(pgtest::labels_sold(*env_), 2u);
  // Two keys of the same tenant share its key space.
  auto same_tenant_other_key = env_->create_key("acme", "merchant");
  auto c = post(body, "shared-key", same_tenant_other_key);
  EXPECT_EQ(c.status, 201);
  EXPECT_EQ(c.body, a.body);
  EXPECT_EQ(c.header("idempotent-replayed"), "true");
  EXPECT_EQ(pgtest::labels_sold(*env_), 2u);
}

TEST_F(idempotency, fifty_concurrent_twins_buy_exactly_one_label) {
  // The carrier answers slowly so that every twin arrives while the first is still buying.
  pgtest::set_sim_faults(*env_, R"({"latency_ms": 300})");
  const auto body = pgtest::shipment_body("colissimo", "order-race");
  constexpr int kTwins = 50;
  std::vector<response> answers(kTwins);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kTwins; ++i)
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      answers[static_cast<std::size_t>(i)] = post(body, "race-key");
    });
  while (ready.load() < kTwins) std::this_thread::yield();
  go = true;
  for (auto& t : threads) t.join();

  std::string created_body;
  int created = 0, in_progress = 0;
  for (const auto& a : answers) {
    SCOPED_TRACE(describe(a));
    if (a.status == 201) {
      ++created;
      if (created_body.empty()) created_body = a.body;
      EXPECT_EQ(a.body, created_body) << "two different shipments for one key";
    } else {
      expect_problem(a, 409, "idempotency-key-in-use");
      EXPECT_FALSE(a.header("retry-after").empty());
      ++in_progress;
    }
  }
  EXPECT_GE(created, 1);
  EXPECT_GE(in_progress, 1) << "no twin overlapped the first purchase: the race was not exercised";
  auto sales = pgtest::sim_sales(*env_);
  EXPECT_EQ(sales["colissimo"].sold, 1u)
      << "one key bought " << sales["colissimo"].sold << " labels";
  EXPECT_EQ(pgtest::list_all_shipments(*env_, key_).size(), 1u);
  // Once finished, a retry gets the stored answer.
  auto late = post(body, "race-key");
  EXPECT_EQ(late.status, 201);
  EXPECT_EQ(late.body, created_body);
  EXPECT_EQ(late.header("idempotent-replayed"), "true");
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
}

TEST_F(idempotency, definite_carrier_refusal_frees_the_key_for_a_retry) {
  const auto body = pgtest::shipment_body("colissimo", "order-refused");
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 1.0})");
  auto refused = post(body, "refused-1");
  expect_problem(refused, 503, "carrier-unavailable");
  EXPECT_FALSE(refused.header("retry-after").empty());
  EXPECT_EQ(pgtest::labels_sold(*env_), 0u);
  EXPECT_TRUE(pgtest::list_all_shipments(*env_, key_).empty())
      << "a refused purchase left a shipment behind";
  // Still refused while the carrier is down: the key was not finished with the 503.
  auto again = post(body, "refused-1");
  expect_problem(again, 503, "carrier-unavailable");
  EXPECT_TRUE(again.header("idempotent-replayed").empty());

  pgtest::set_sim_faults(*env_, R"({"busy_rate": 0})");
  auto retried = post(body, "refused-1");
  ASSERT_EQ(retried.status, 201) << describe(retried);
  EXPECT_TRUE(retried.header("idempotent-replayed").empty());
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
  auto replay = post(body, "refused-1");
  EXPECT_EQ(replay.body, retried.body);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
}

TEST_F(idempotency, refused_mondialrelay_purchase_frees_the_key_too) {
  const auto body = pgtest::shipment_body("mondialrelay", "order-mr-refused");
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 1.0})");
  auto refused = post(body, "mr-refused-1");
  expect_problem(refused, 503, "carrier-unavailable");
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 0})");
  auto retried = post(body, "mr-refused-1");
  ASSERT_EQ(retried.status, 201) << describe(retried);
  EXPECT_EQ(pgtest::labels_sold(*env_), 1u);
}

}  // namespace
