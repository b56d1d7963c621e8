// The webhook part of the async_store contract, on SQLite and PostgreSQL: events are written by
// the shipment writes themselves (the triggers of migration 7), for the subscribed enabled
// endpoints of the shipment's tenant only; attempts move deliveries on; endpoints are per tenant.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <filesystem>
#include <random>

#include "gateway/domain/ids.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/store/blocking_pool.hpp"
#include "gateway/store/pg/pg_store.hpp"
#include "pg_cluster.hpp"

namespace parcelgate::store {
namespace {

using namespace std::chrono_literals;

template <class Future>
void run_until_ready(boost::asio::io_context& io, Future& f) {
  while (f.wait_for(0s) != std::future_status::ready) {
    if (io.stopped()) io.restart();
    io.run_one_for(10ms);
  }
}

pgtest::pg_cluster& cluster() {
  static pgtest::pg_cluster c;
  return c;
}

class webhook_store : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      path_ = std::filesystem::temp_directory_path() /
              ("webhook-store-" + std::to_string(std::random_device{}()) + ".db");
      sqlite_ = std::move(*open_sqlite({.path = path_.string(), .busy_timeout_ms = 1000}));
      ASSERT_TRUE(sqlite_->migrate().has_value());
      data_ = make_sqlite_async_store(*sqlite_, pool_, "instance-a");
      for (const auto* t : {"acme", "globex"}) ASSERT_TRUE(sqlite_->create_api_key(key(t)));
    } else {
      ASSERT_TRUE(cluster().ok()) << cluster().error();
      const auto url = cluster().create_database(
          "webhooks_" + std::to_string(std::random_device{}() % 1'000'000'000));
      auto pg = std::make_unique<pg::pg_store>(
          io_.get_executor(),
          pg::pg_store_options{.url = url, .instance = "instance-a", .pool = 4});
      ASSERT_TRUE(wait(pg->migrate()).has_value());
      for (const auto* t : {"acme", "globex"}) ASSERT_TRUE(wait(pg->create_api_key(key(t))));
      data_ = std::move(pg);
    }
  }
  void TearDown() override {
    data_.reset();
    sqlite_.reset();
    if (!path_.empty())
      for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

  static api_key key(const std::string& tenant) {
    return {.id = new_id("key"),
            .tenant = tenant,
            .key_role = role::merchant,
            .key_hash = sha256_hex(tenant + new_id("k")),
            .hint = "pg_merchant_…",
            .name = {},
            .created_at = "2026-11-27T00:00:00Z",
            .revoked_at = {}};
  }

  template <class T>
  T wait(boost::asio::awaitable<T> op) {
    auto f = boost::asio::co_spawn(io_, std::move(op), boost::asio::use_future);
    run_until_ready(io_, f);
    return f.get();
  }
  async_store& db() { return *data_; }

  webhook_endpoint endpoint(const std::string& tenant, std::vector<std::string> events) {
    webhook_endpoint e{.id = new_id("whk"),
                       .tenant = tenant,
                       .url = "https://hooks.example.com/" + tenant,
                       .events = std::move(events),
                       .secret = "whsec_c2VjcmV0",
                       .created_at = "2026-12-02T09:00:00Z"};
    auto made = wait(db().create_webhook(e));
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().carrier_message);
    return e;
  }

  // A purchase landed as label_created (through claim and complete, as the gateway does).
  shipment_row buy(const std::string& tenant) {
    const auto id = new_id("shp");
    shipment_row p{.id = id,
                   .tenant = tenant,
                   .status = "purchasing",
                   .carrier = "colissimo",
                   .service = "home",
                   .carrier_service = {},
                   .tracking_number = {},
                   .reference = "r",
                   .direction = "outbound",
                   .idempotency_key = "k-" + id,
                   .body = R"({"id":")" + id + R"(","status":"purchasing"})",
                   .created_at = "2026-12-02T09:00:00Z",
                   .updated_at = "2026-12-02T09:00:00Z"};
    EXPECT_EQ(wait(db().claim_purchase(std::string("h"), p, std::string("2026-12-02T09:00:00Z")))
                  .value()
                  .result,
              claim::outcome::claimed);
    p.status = "label_created";
    p.body = R"({"id":")" + id + R"(","status":"label_created"})";
    const stored_label label{.format = "pdf",
                             .content_type = "application/pdf",
                             .bytes = "%PDF-",
                             .shipment_status = {}};
    EXPECT_TRUE(wait(db().complete_purchase(p, label, 201, std::string("{}"))).has_value());
    return wait(db().get_shipment(tenant, id)).value().value();
  }

  std::vector<webhook_delivery> due() {
    const auto far = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     1000;
    return wait(db().due_webhook_deliveries(far, 100)).value();
  }

  std::filesystem::path path_;
  blocking_pool pool_{2};
  std::unique_ptr<store> sqlite_;
  boost::asio::io_context io_;
  std::unique_ptr<async_store> data_;
};

TEST_P(webhook_store, shipment_writes_announce_themselves_to_subscribed_endpoints_only) {
  const auto all =
      endpoint("acme", {"shipment.created", "shipment.status_changed", "shipment.cancelled"});
  const auto cancels = endpoint("acme", {"shipment.cancelled"});
  endpoint("globex", {"shipment.created"});
  EXPECT_TRUE(due().empty());

  const auto s = buy("acme");
  auto d = due();
  ASSERT_EQ(d.size(), 1u) << "one endpoint of acme subscribes to shipment.created";
  EXPECT_EQ(d[0].endpoint.id, all.id);
  EXPECT_EQ(d[0].event_type, "shipment.created");
  EXPECT_TRUE(d[0].event_id.starts_with("evt_")) << d[0].event_id;
  EXPECT_EQ(d[0].event_id.size(), 36u);
  EXPECT_EQ(d[0].data, s.body);
  EXPECT_EQ(d[0].attempts, 0);
  EXPECT_EQ(d[0].endpoint.secret, all.secret);

  // Tracking (record_tracking) changes the status: status_changed, with the new body.
  auto moved = s;
  moved.status = "in_transit";
  moved.body = R"({"id":")" + s.id + R"(","status":"in_transit"})";
  moved.updated_at = "2026-12-02T10:00:00Z";
  ASSERT_TRUE(wait(db().record_tracking(moved, {})).value());
  // The same status again announces nothing.
  auto same = wait(db().get_shipment(std::string("acme"), s.id)).value().value();
  same.updated_at = "2026-12-02T11:00:00Z";
  ASSERT_TRUE(wait(db().record_tracking(same, {})).value());
  d = due();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[1].event_type, "shipment.status_changed");
  EXPECT_EQ(d[1].data, moved.body);
  EXPECT_NE(d[1].event_id, d[0].event_id);

  // A cancellation goes to both acme endpoints, with one event id.
  auto cancelled = wait(db().get_shipment(std::string("acme"), s.id)).value().value();
  cancelled.status = "cancelled";
  cancelled.body = R"({"id":")" + s.id + R"(","status":"cancelled"})";
  ASSERT_TRUE(wait(db().update_shipment(cancelled, std::string("in_transit"))).value());
  d = due();
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[2].event_type, "shipment.cancelled");
  EXPECT_EQ(d[3].event_type, "shipment.cancelled");
  EXPECT_EQ(d[2].event_id, d[3].event_id);
  EXPECT_NE(d[2].endpoint.id, d[3].endpoint.id);
  EXPECT_TRUE(d[2].endpoint.id == cancels.id || d[3].endpoint.id == cancels.id);

  auto q = wait(db().webhook_queue()).value();
  EXPECT_EQ(q.pending, 4);
  EXPECT_GT(q.oldest_pending_ms, 0);
}

TEST_P(webhook_store, attempts_move_deliveries_on_and_a_410_disables_the_endpoint) {
  const auto e = endpoint("acme", {"shipment.created"});
  buy("acme");
  buy("acme");
  auto d = due();
  ASSERT_EQ(d.size(), 2u);
  const std::int64_t now = d[0].created_ms + 10;
  // First: failed, retried in a minute (not due now any more).
  ASSERT_TRUE(wait(db().record_webhook_attempt({.delivery_seq = d[0].seq,
                                                .endpoint_id = e.id,
                                                .attempt = 1,
                                                .status_code = 500,
                                                .error = "the endpoint answered 500",
                                                .duration_ms = 12,
                                                .at = "2026-12-02T09:00:01Z",
                                                .at_ms = now,
                                                .state = "retry",
                                                .next_attempt_ms = now + 60'000,
                                                .next_attempt_at = "2026-12-02T09:01:01Z"})));
  auto later = wait(db().due_webhook_deliveries(now + 1000, 10)).value();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].seq, d[1].seq);
  auto retry = wait(db().due_webhook_deliveries(now + 60'000, 10)).value();
  ASSERT_EQ(retry.size(), 2u);
  EXPECT_EQ(retry[1].attempts, 1);
  // Second: delivered.
  ASSERT_TRUE(wait(db().record_webhook_attempt({.delivery_seq = d[1].seq,
                                                .endpoint_id = e.id,
                                                .attempt = 1,
                                                .status_code = 200,
                                                .duration_ms = 5,
                                                .at = "2026-12-02T09:00:02Z",
                                                .at_ms = now,
                                                .state = "delivered"})));
  EXPECT_EQ(wait(db().webhook_queue()).value().pending, 1);
  // The retry meets a 410: the endpoint is disabled and nothing of it is due any more.
  ASSERT_TRUE(wait(db().record_webhook_attempt({.delivery_seq = d[0].seq,
                                                .endpoint_id = e.id,
                                                .attempt = 2,
                                                .status_code = 410,
                                                .error = "410 Gone",
                                                .duration_ms = 3,
                                                .at = "2026-12-02T09:01:02Z",
                                                .at_ms = now + 60'000,
                                                .state = "disabled"})));
  buy("acme");
  EXPECT_TRUE(wait(db().due_webhook_deliveries(now + 120'000, 10)).value().empty());
  auto got = wait(db().get_webhook(std::string("acme"), e.id)).value().value();
  EXPECT_EQ(got.status, "disabled");
  EXPECT_FALSE(got.disabled_reason.empty());
  // The log, newest first, in pages.
  auto page = wait(db().list_webhook_attempts(std::string("acme"), e.id, 0, 2)).value();
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_TRUE(page.has_more);
  EXPECT_EQ(page.items[0].status_code, 410);
  EXPECT_EQ(page.items[0].attempt, 2);
  EXPECT_EQ(page.items[0].event_type, "shipment.created");
  auto rest =
      wait(db().list_webhook_attempts(std::string("acme"), e.id, page.items[1].seq, 2)).value();
  ASSERT_EQ(rest.items.size(), 1u);
  EXPECT_FALSE(rest.has_more);
  EXPECT_EQ(rest.items[0].status_code, 500);
  EXPECT_EQ(rest.items[0].next_attempt_at, "2026-12-02T09:01:01Z");
  EXPECT_TRUE(
      wait(db().list_webhook_attempts(std::string("globex"), e.id, 0, 10)).value().items.empty());
  // A delivery given up disables its endpoint too, saying so.
  const auto other = endpoint("globex", {"shipment.created"});
  buy("globex");
  auto theirs = wait(db().due_webhook_deliveries(now + 120'000, 10)).value();
  ASSERT_EQ(theirs.size(), 1u);
  ASSERT_TRUE(wait(db().record_webhook_attempt({.delivery_seq = theirs[0].seq,
                                                .endpoint_id = other.id,
                                                .attempt = 20,
                                                .status_code = 500,
                                                .error = "the endpoint answered 500",
                                                .duration_ms = 3,
                                                .at = "2026-12-05T09:00:00Z",
                                                .at_ms = now + 120'000,
                                                .state = "failed"})));
  auto given_up = wait(db().get_webhook(std::string("globex"), other.id)).value().value();
  EXPECT_EQ(given_up.status, "disabled");
  EXPECT_NE(given_up.disabled_reason.find("given up"), std::string::npos)
      << given_up.disabled_reason;
  EXPECT_EQ(wait(db().webhook_queue()).value().pending, 0);
  // History: what finished before the cutoff goes, with its attempts; pending work stays.
  EXPECT_EQ(wait(db().purge_webhook_history(now)).value(), 0);
  EXPECT_EQ(wait(db().purge_webhook_history(now + 200'000)).value(), 3);
  EXPECT_TRUE(
      wait(db().list_webhook_attempts(std::string("acme"), e.id, 0, 10)).value().items.empty());
  EXPECT_TRUE(wait(db().list_webhook_attempts(std::string("globex"), other.id, 0, 10))
                  .value()
                  .items.empty());
}

TEST_P(webhook_store, endpoints_are_per_tenant_rotated_listed_and_deleted_with_their_log) {
  const auto a = endpoint("acme", {"shipment.created"});
  const auto b = endpoint("acme", {"shipment.cancelled"});
  EXPECT_FALSE(wait(db().get_webhook(std::string("globex"), a.id)).value().has_value());
  EXPECT_FALSE(wait(db().delete_webhook(std::string("globex"), a.id)).value());
  EXPECT_FALSE(
      wait(db().rotate_webhook_secret(std::string("globex"), a.id, std::string("whsec_x"), 1))
          .value()
          .has_value());
  auto page = wait(db().list_webhooks(std::string("acme"), std::string(), 1)).value();
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, b.id);  // newest first
  EXPECT_TRUE(page.has_more);
  auto next = wait(db().list_webhooks(std::string("acme"), b.id, 1)).value();
  ASSERT_EQ(next.items.size(), 1u);
  EXPECT_EQ(next.items[0].id, a.id);
  EXPECT_FALSE(next.has_more);
  EXPECT_TRUE(
      wait(db().list_webhooks(std::string("globex"), std::string(), 10)).value().items.empty());
  auto unknown = wait(db().list_webhooks(std::string("globex"), a.id, 10));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().kind, error_kind::invalid_request);

  auto rotated =
      wait(db().rotate_webhook_secret(std::string("acme"), a.id, std::string("whsec_bmV3"), 123456))
          .value()
          .value();
  EXPECT_EQ(rotated.secret, "whsec_bmV3");
  EXPECT_EQ(rotated.previous_secret, a.secret);
  EXPECT_EQ(rotated.previous_secret_until_ms, 123456);

  // An idempotency key returns the endpoint it created first.
  webhook_endpoint keyed{.id = new_id("whk"),
                         .tenant = "acme",
                         .url = "https://hooks.example.com/k",
                         .events = {"shipment.created"},
                         .secret = "whsec_a2V5",
                         .created_at = "2026-12-02T09:00:00Z",
                         .idempotency_key = "key-1",
                         .request_hash = "hash-1"};
  EXPECT_EQ(wait(db().create_webhook(keyed)).value().id, keyed.id);
  auto twin = keyed;
  twin.id = new_id("whk");
  twin.request_hash = "hash-2";
  auto again = wait(db().create_webhook(twin)).value();
  EXPECT_EQ(again.id, keyed.id);
  EXPECT_EQ(again.request_hash, "hash-1");
  EXPECT_EQ(again.secret, keyed.secret);

  buy("acme");
  ASSERT_EQ(due().size(), 2u);  // a and keyed subscribe to shipment.created
  EXPECT_TRUE(wait(db().delete_webhook(std::string("acme"), a.id)).value());
  EXPECT_FALSE(wait(db().get_webhook(std::string("acme"), a.id)).value().has_value());
  ASSERT_EQ(due().size(), 1u);
  EXPECT_EQ(due()[0].endpoint.id, keyed.id);
}

INSTANTIATE_TEST_SUITE_P(backends, webhook_store, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace parcelgate::store
