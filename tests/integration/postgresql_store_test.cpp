// The gateway on PostgreSQL (store.kind: postgresql) against a throwaway cluster: keys made by
// parcelctl on the same database, a purchase, its replay, the list and the label, a second
// gateway on the same database serving the same data, and the data surviving a restart; a second
// gateway on one SQLite file refused.
#include <gtest/gtest.h>

#include <csignal>

#include "harness.hpp"
#include "pg_cluster.hpp"
#include "test_support.hpp"

namespace {

using pgtest::stack;
using pgtest::stack_options;

stack_options on(const std::string& url) {
  stack_options o;
  o.store_yaml = "store: {kind: postgresql, url: \"" + url + "\", pool: 4}\n";
  return o;
}

TEST(postgresql_store, a_gateway_on_postgresql_buys_replays_lists_and_serves_labels) {
  pgtest::pg_cluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  const auto url = cluster.create_database("gateway");
  std::string id, first_body;
  {
    stack env(on(url));
    const auto key = env.create_key("acme", "merchant");
    const auto body = pgtest::shipment_body("colissimo", "order-pg-1");
    auto first = env.call("POST", "/v1/shipments", key, body, {{"Idempotency-Key", "pg-1"}});
    ASSERT_EQ(first.status, 201) << first.body;
    id = std::string(pgtest::parse_object(first.body).at("id").as_string());
    first_body = first.body;
    auto again = env.call("POST", "/v1/shipments", key, body, {{"Idempotency-Key", "pg-1"}});
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    EXPECT_EQ(again.body, first.body);
    auto other =
        env.call("POST", "/v1/shipments", key, pgtest::shipment_body("colissimo", "order-pg-2"),
                 {{"Idempotency-Key", "pg-1"}});
    EXPECT_EQ(other.status, 422);
    auto label = env.call("GET", "/v1/shipments/" + id + "/label", key);
    EXPECT_EQ(label.status, 200);
    EXPECT_TRUE(label.body.starts_with("%PDF-")) << label.body.substr(0, 20);
    auto list = env.call("GET", "/v1/shipments", key);
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(pgtest::parse_object(list.body).at("data").as_array().size(), 1u);
    EXPECT_EQ(env.call("GET", "/readyz", "").status, 200);
    auto stranger = env.create_key("globex", "merchant");
    EXPECT_EQ(env.call("GET", "/v1/shipments/" + id, stranger).status, 404);

    // A second gateway on the same database serves the same data beside this one, and a key
    // used on the first replays on the second.
    {
      stack second(on(url));
      const auto key2 = second.create_key("acme", "merchant");
      auto read = second.call("GET", "/v1/shipments/" + id, key2);
      EXPECT_EQ(read.status, 200);
      EXPECT_EQ(read.body, first.body);
      auto replay = second.call("POST", "/v1/shipments", key2, body, {{"Idempotency-Key", "pg-1"}});
      EXPECT_EQ(replay.status, 201);
      EXPECT_EQ(replay.header("idempotent-replayed"), "true");
      EXPECT_EQ(replay.body, first.body);
      EXPECT_EQ(cluster.psql("gateway", "SELECT count(*) FROM leases WHERE name LIKE 'instance:%'"),
                "2");
      EXPECT_EQ(second.kill_gateway(SIGTERM), 0);
    }
    // The second stopped cleanly: it gave its lease up.
    EXPECT_EQ(cluster.psql("gateway", "SELECT count(*) FROM leases WHERE name LIKE 'instance:%'"),
              "1");
  }
  EXPECT_EQ(cluster.psql("gateway", "SELECT count(*) FROM shipments"), "1");
  EXPECT_EQ(
      cluster.psql("gateway", "SELECT count(*) FROM idempotency_keys WHERE state = 'finished'"),
      "1");
  // The first gateway gone, a new one serves the same data.
  stack again(on(url));
  const auto key = again.create_key("acme", "merchant");
  auto read = again.call("GET", "/v1/shipments/" + id, key);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, first_body);
}

// Two gateways on one database; the first dies (kill -9) while the carrier holds its purchase.
// Until its instance lease expires the purchase is still in flight (the key answers 409 on the
// other gateway); then the other gateway's recovery duty marks it pending_confirmation, the key
// replays that outcome, and nothing is bought twice.
TEST(postgresql_store,
     a_killed_gateways_purchase_is_recovered_by_the_other_once_its_lease_expires) {
  pgtest::pg_cluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  const auto url = cluster.create_database("two");
  auto options = on(url);
  options.store_yaml = "store: {kind: postgresql, url: \"" + url + "\", pool: 4, lease_s: 4}\n";
  stack a(options), b(options);
  const auto key = a.create_key("acme", "merchant");
  pgtest::set_sim_faults(a, R"({"timeout_rate": 1.0})");  // sells, never answers
  const auto body = pgtest::shipment_body("colissimo", "order-two");
  pgtest::connection c(a.gateway_url(), a.ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  ASSERT_TRUE(c.write_request("POST", "/v1/shipments", body,
                              {{"Authorization", "Bearer " + key},
                               {"Content-Type", "application/json"},
                               {"Idempotency-Key", "two-1"}}));
  ASSERT_TRUE(
      pgtest::eventually([&] { return pgtest::labels_sold(a) == 1; }, std::chrono::seconds(10)));
  a.kill_gateway(SIGKILL);
  // Its lease has not expired yet: the purchase is still in flight for everyone.
  auto early = b.call("POST", "/v1/shipments", key, body, {{"Idempotency-Key", "two-1"}});
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_TRUE(pgtest::list_all_shipments(b, key, "status=pending_confirmation").empty());
  // Lease (4 s) plus one recovery period (2 s) later, the other gateway has recovered it.
  ASSERT_TRUE(pgtest::eventually(
      [&] { return pgtest::list_all_shipments(b, key, "status=pending_confirmation").size() == 1; },
      std::chrono::seconds(15)))
      << b.gateway_log();
  auto retry = b.call("POST", "/v1/shipments", key, body, {{"Idempotency-Key", "two-1"}});
  pgtest::expect_problem(retry, 504, "purchase-outcome-unknown", pgtest::answer_kind::replay);
  EXPECT_EQ(pgtest::labels_sold(b), 0u) << "the interrupted purchase was bought again";
  EXPECT_EQ(cluster.psql("two", "SELECT count(*) FROM purchases_in_flight"), "0");
}

TEST(sqlite_store, a_second_gateway_on_the_same_file_refuses_to_start) {
  stack_options sqlite;
  sqlite.store_yaml = "store: {kind: sqlite, path: parcelgate.db}\n";
  stack first(sqlite);
  stack_options same;
  same.store_yaml = "store: {path: \"" + (first.dir() / "parcelgate.db").string() + "\"}\n";
  try {
    stack second(same);
    ADD_FAILURE() << "a second gateway started on the same SQLite file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another gateway already uses this SQLite file"),
              std::string::npos)
        << e.what();
  }
  // The first one still serves.
  EXPECT_EQ(first.call("GET", "/readyz", "").status, 200);
}

}  // namespace
