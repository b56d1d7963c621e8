// Durability of the purchase flow across crashes and graceful stops (DESIGN §5 "After a kill -9
// at any point...", §9). The carrier simulator's ledger is the witness: every sale must belong to
// exactly one stored shipment, every acknowledged shipment must survive, and no Idempotency-Key
// may buy twice. Carriers offer no lookup by our reference, so purchases in flight at the crash
// must be kept as pending_confirmation rather than lost or bought again.

#include <gtest/gtest.h>

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
using pgtest::stack_options;

struct attempt {
  std::string idempotency_key;
  std::string body;
  response answer;
};

// The simulator keeps selling for requests that were in flight when the gateway died (it sells
// after its latency). Waits until its ledger has not moved for `quiet`.
std::uint64_t settled_sales(stack& env, std::chrono::milliseconds quiet) {
  auto last = pgtest::labels_sold(env);
  auto since = std::chrono::steady_clock::now();
  const auto give_up = since + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() - since < quiet &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto now = pgtest::labels_sold(env);
    if (now != last) {
      last = now;
      since = std::chrono::steady_clock::now();
    }
  }
  return last;
}

TEST(crash, kill_9_during_purchases_loses_no_acknowledged_label_and_never_buys_twice) {
  stack_options options;
  options.client_timeout = std::chrono::seconds(30);
  stack env(options);
  const auto key = env.create_key("acme", "merchant");
  const auto ops = env.create_key("ops-team", "ops");
  // Slow carriers: at any moment most purchases are waiting for the carrier's answer.
  pgtest::set_sim_faults(env, R"({"latency_ms": 250, "jitter_ms": 100})");

  constexpr int kClients = 6;
  constexpr int kAcknowledgedBeforeCrash = 10;
  std::mutex mutex;
  std::vector<attempt> attempts;
  std::atomic<int> acknowledged{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t)
    clients.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        attempt a;
        a.idempotency_key = "crash-" + std::to_string(t) + "-" + std::to_string(i);
        const std::string carrier = (t + i) % 2 ? "mondialrelay" : "colissimo";
        a.body = pgtest::shipment_body(carrier, "order-" + a.idempotency_key);
        a.answer = env.call("POST", "/v1/shipments", key, a.body,
                            {{"Idempotency-Key", a.idempotency_key}});
        if (a.answer.status == 201) acknowledged.fetch_add(1);
        std::lock_guard lock(mutex);
        attempts.push_back(std::move(a));
      }
    });
  const bool enough = pgtest::eventually(
      [&] { return acknowledged.load() >= kAcknowledgedBeforeCrash; }, std::chrono::seconds(60));
  stop = true;
  env.kill_gateway(SIGKILL);
  for (auto& c : clients) c.join();
  ASSERT_TRUE(enough) << "purchases did not get through before the crash";

  const auto sold_after_crash = settled_sales(env, std::chrono::milliseconds(1000));
  env.start_gateway();

  // 1. Every acknowledged purchase survived, with its label.
  int answered = 0, unanswered = 0;
  for (const auto& a : attempts) {
    if (a.answer.status == 0) {
      ++unanswered;
      continue;
    }
    SCOPED_TRACE(a.idempotency_key + ": " + describe(a.answer));
    ASSERT_EQ(a.answer.status, 201) << "a purchase failed before the crash";
    ++answered;
    const auto id = pgtest::string_at(pgtest::parse_object(a.answer.body), "id");
    auto read = env.call("GET", "/v1/shipments/" + id, key);
    ASSERT_EQ(read.status, 200) << "an acknowledged shipment is missing after the crash: "
                                << describe(read);
    EXPECT_EQ(read.body, a.answer.body);
    auto label = env.call("GET", "/v1/shipments/" + id + "/label", key);
    EXPECT_EQ(label.status, 200);
    EXPECT_TRUE(label.body.starts_with("%PDF-")) << "label of " << id << " lost";
  }
  EXPECT_GE(answered, kAcknowledgedBeforeCrash);
  EXPECT_GE(unanswered, 1)
      << "no purchase was in flight at the crash: the test did not exercise it";

  // 2. Retrying every key: acknowledged ones replay; unanswered ones replay their stored outcome
  //    (201 or 504 pending_confirmation), or buy for the first time if the crash came before
  //    the gateway claimed the key. A second retry always replays the first retry exactly.
  std::map<std::string, std::string> shipment_of_key;  // final shipment id of each key
  int pending_answers = 0, fresh_purchases = 0;
  for (const auto& a : attempts) {
    SCOPED_TRACE(a.idempotency_key);
    // On PostgreSQL the dead instance's purchases stay in flight (409) until its lease expires
    // and a live instance recovers them; on SQLite the restart recovered them already.
    response retry;
    pgtest::eventually(
        [&] {
          retry = env.call("POST", "/v1/shipments", key, a.body,
                           {{"Idempotency-Key", a.idempotency_key}});
          return retry.status != 409;
        },
        std::chrono::seconds(20));
    std::string id;
    if (a.answer.status == 201) {
      EXPECT_EQ(retry.status, 201) << describe(retry);
      EXPECT_EQ(retry.body, a.answer.body);
      EXPECT_EQ(retry.header("idempotent-replayed"), "true");
      id = pgtest::string_at(pgtest::parse_object(retry.body), "id");
    } else if (retry.status == 504) {
      expect_problem(retry, 504, "purchase-outcome-unknown", pgtest::answer_kind::replay);
      id = pgtest::string_at(pgtest::parse_object(retry.body), "shipment_id");
      ++pending_answers;
    } else {
      ASSERT_EQ(retry.status, 201) << "retry after the crash: " << describe(retry);
      id = pgtest::string_at(pgtest::parse_object(retry.body), "id");
      if (retry.header("idempotent-replayed").empty()) ++fresh_purchases;
    }
    ASSERT_TRUE(id.starts_with("shp_")) << describe(retry);
    shipment_of_key[a.idempotency_key] = id;
    auto again =
        env.call("POST", "/v1/shipments", key, a.body, {{"Idempotency-Key", a.idempotency_key}});
    EXPECT_EQ(again.status, retry.status);
    EXPECT_EQ(again.body, retry.body);
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
  }
  EXPECT_GE(pending_answers, 1) << "no purchase was caught at the carrier by the crash";

  // 3. The ledger: nothing sold twice, every sale belongs to a stored shipment that is either
  //    label_created or pending_confirmation, and the counts add up.
  auto all = pgtest::list_all_shipments(env, ops);
  std::map<std::string, std::string> status_of;
  for (const auto& s : all) status_of[pgtest::string_at(s, "id")] = pgtest::string_at(s, "status");
  std::set<std::string> sold_ids;
  std::uint64_t sold = 0;
  for (const auto& [carrier, sales] : pgtest::sim_sales(env)) {
    EXPECT_EQ(sales.duplicates, 0u) << carrier << " sold a label twice for one shipment";
    sold += sales.sold;
    for (const auto& reference : sales.references) {
      const auto id = pgtest::shipment_id_of_sale(reference);
      sold_ids.insert(id);
      ASSERT_TRUE(status_of.contains(id))
          << carrier << " sold " << reference << " but no shipment " << id << " is stored";
      EXPECT_TRUE(status_of[id] == "label_created" || status_of[id] == "pending_confirmation")
          << id << " " << status_of[id];
    }
  }
  EXPECT_EQ(sold, sold_after_crash + static_cast<std::uint64_t>(fresh_purchases))
      << "retries bought more than the keys that had never reached the gateway";
  std::uint64_t created = 0, pending_sold = 0;
  for (const auto& [id, status] : status_of) {
    if (status == "label_created") ++created;
    if (status == "pending_confirmation" && sold_ids.contains(id)) ++pending_sold;
    EXPECT_TRUE(status == "label_created" || status == "pending_confirmation")
        << id << " is " << status;
    if (status == "label_created") {
      EXPECT_TRUE(sold_ids.contains(id)) << id << " claims a label the carrier never sold";
    }
  }
  EXPECT_EQ(sold, created + pending_sold);

  // 4. One shipment per key, and every stored shipment is some key's outcome: no key bought a
  //    second shipment behind the one it replays.
  std::set<std::string> outcome_ids;
  for (const auto& [k, id] : shipment_of_key) {
    EXPECT_TRUE(outcome_ids.insert(id).second) << "two keys answer with shipment " << id;
    EXPECT_TRUE(status_of.contains(id))
        << k << " answers with shipment " << id << " that is not stored";
  }
  EXPECT_EQ(status_of.size(), outcome_ids.size()) << "a stored shipment belongs to no key's answer";
}

TEST(crash, sigterm_lets_requests_in_flight_finish_and_exits_zero) {
  stack env;
  const auto key = env.create_key("acme", "merchant");
  pgtest::set_sim_faults(env, R"({"latency_ms": 1500})");
  constexpr int kInFlight = 4;
  std::vector<std::unique_ptr<pgtest::connection>> conns;
  for (int i = 0; i < kInFlight; ++i) {
    auto c = std::make_unique<pgtest::connection>(env.gateway_url(), env.ca_file());
    ASSERT_TRUE(c->is_open()) << c->error();
    const std::string carrier = i % 2 ? "mondialrelay" : "colissimo";
    ASSERT_TRUE(c->write_request("POST", "/v1/shipments",
                                 pgtest::shipment_body(carrier, "order-sigterm"),
                                 {{"Authorization", "Bearer " + key},
                                  {"Content-Type", "application/json"},
                                  {"Idempotency-Key", "sigterm-" + std::to_string(i)}}));
    conns.push_back(std::move(c));
  }
  // A round trip after the writes: the gateway has read the requests above by now.
  ASSERT_EQ(env.call("GET", "/healthz", "").status, 200);
  // An idle keep-alive connection must not hold the stop up.
  pgtest::connection idle(env.gateway_url(), env.ca_file());
  ASSERT_EQ(idle.send("GET", "/healthz").status, 200);

  env.gateway().signal(SIGTERM);
  // The listener closes at once, while the purchases are still at the carrier.
  EXPECT_TRUE(pgtest::eventually(
      [&] {
        return pgtest::request(env.gateway_url(), "GET", "/healthz", {}, {}, env.ca_file(),
                               std::chrono::seconds(2))
                   .status == 0;
      },
      std::chrono::seconds(5)))
      << "the gateway still accepts connections after SIGTERM";
  std::vector<std::string> ids;
  for (auto& c : conns) {
    auto r = c->read_response(std::chrono::seconds(20));
    EXPECT_EQ(r.status, 201) << "a request in flight at SIGTERM did not complete: " << describe(r);
    EXPECT_EQ(r.header("connection"), "close");
    ids.push_back(pgtest::string_at(pgtest::parse_object(r.body), "id"));
  }
  auto exit_status = env.gateway().wait_for(std::chrono::seconds(20));
  ASSERT_TRUE(exit_status.has_value()) << "the gateway did not exit after SIGTERM";
  EXPECT_EQ(*exit_status, 0) << env.gateway_log();
  EXPECT_NE(env.gateway_log().find("\"stopped\""), std::string::npos);
  EXPECT_EQ(pgtest::labels_sold(env), static_cast<std::uint64_t>(kInFlight));

  // What was answered is on disk.
  env.start_gateway();
  for (const auto& id : ids) {
    SCOPED_TRACE(id);
    auto read = env.call("GET", "/v1/shipments/" + id, key);
    ASSERT_EQ(read.status, 200) << describe(read);
    EXPECT_EQ(pgtest::string_at(pgtest::parse_object(read.body), "status"), "label_created");
    EXPECT_TRUE(env.call("GET", "/v1/shipments/" + id + "/label", key).body.starts_with("%PDF-"));
  }
  EXPECT_TRUE(pgtest::list_all_shipments(env, key, "status=pending_confirmation").empty());
}

TEST(crash, interrupted_purchase_is_pending_confirmation_after_restart_and_never_rebought) {
  stack env;
  const auto key = env.create_key("acme", "merchant");
  // The carrier sells and never answers: the gateway dies while it waits.
  pgtest::set_sim_faults(env, R"({"timeout_rate": 1.0})");
  const auto body = pgtest::shipment_body("colissimo", "order-interrupted");
  pgtest::connection c(env.gateway_url(), env.ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  ASSERT_TRUE(c.write_request("POST", "/v1/shipments", body,
                              {{"Authorization", "Bearer " + key},
                               {"Content-Type", "application/json"},
                               {"Idempotency-Key", "interrupted-1"}}));
  ASSERT_TRUE(
      pgtest::eventually([&] { return pgtest::labels_sold(env) == 1; }, std::chrono::seconds(10)));
  env.kill_gateway(SIGKILL);
  pgtest::set_sim_faults(env, R"({"timeout_rate": 0})");
  env.start_gateway();

  // At once on SQLite (the restart recovers its previous life's purchases); on PostgreSQL once
  // the dead instance's lease has expired.
  std::vector<boost::json::object> pending;
  pgtest::eventually(
      [&] {
        pending = pgtest::list_all_shipments(env, key, "status=pending_confirmation");
        return !pending.empty();
      },
      std::chrono::seconds(20));
  ASSERT_EQ(pending.size(), 1u);
  const auto id = pgtest::string_at(pending[0], "id");
  auto sales = pgtest::sim_sales(env);
  ASSERT_EQ(sales["colissimo"].references.size(), 1u);
  EXPECT_EQ(pgtest::shipment_id_of_sale(sales["colissimo"].references[0]), id);
  auto retry = env.call("POST", "/v1/shipments", key, body, {{"Idempotency-Key", "interrupted-1"}});
  expect_problem(retry, 504, "purchase-outcome-unknown", pgtest::answer_kind::replay);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(retry.body), "shipment_id"), id);
  EXPECT_EQ(pgtest::labels_sold(env), 1u) << "the interrupted purchase was bought again";
  // The stored answer names a request id a caller can quote to support.
  EXPECT_FALSE(pgtest::string_at(pgtest::parse_object(retry.body), "request_id").empty())
      << "the problem stored for a purchase interrupted by a crash has an empty request_id: "
      << retry.body;
}

}  // namespace
