// The gateway on PostgreSQL (store.kind: postgresql) against a throwaway cluster: keys made by
// parcelctl on the same database, a purchase, its replay, the list and the label, a second
// gateway on the same database refused, and the data surviving a restart.
#include <gtest/gtest.h>

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

    // A second gateway on the same database refuses to start while this one runs.
    try {
      stack second(on(url));
      ADD_FAILURE() << "a second gateway started on the same database";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("another gateway already uses this PostgreSQL database"),
                std::string::npos)
          << e.what();
    }
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

}  // namespace
