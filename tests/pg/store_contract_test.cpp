// The async_store contract, one parameterized suite run against SQLite and PostgreSQL: callers
// must not be able to tell the backends apart.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <filesystem>
#include <functional>
#include <random>
#include <thread>

#include "gateway/domain/duties.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/shipment_cache.hpp"
#include "gateway/domain/tracking_service.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/store/blocking_pool.hpp"
#include "gateway/store/pg/pg_store.hpp"
#include "gateway/telemetry/metrics.hpp"
#include "pg_cluster.hpp"

namespace parcelgate::store {
using parcelgate::duties;
using parcelgate::shipment_cache;
using parcelgate::timeline_event;
using parcelgate::tracking_service;
using parcelgate::tracking_status;
namespace {

using namespace std::chrono_literals;

// Runs `io` until `f` is ready. The blocking pool's threads release their unit of tracked work on
// `io` a moment after each job, which can leave `io` stopped with the answer still queued: it is
// restarted whenever that happens (without it the loop would spin forever).
template <class Future>
void run_until_ready(boost::asio::io_context& io, Future& f) {
  while (f.wait_for(0s) != std::future_status::ready) {
    if (io.stopped()) io.restart();
    io.run_one_for(10ms);
  }
}

// One backend under test, with the admin operations the contract leaves out (keys).
class backend {
 public:
  virtual ~backend() = default;
  virtual async_store& data() = 0;
  // Another instance on the same data (another gateway; on SQLite, the next life of this one).
  virtual async_store& other() = 0;
  virtual void add_key(const api_key& k) = 0;
  // The PostgreSQL store itself (its pool, for a transaction of a test's own), or null.
  virtual pg::pg_store* postgresql() { return nullptr; }
};

class sqlite_backend final : public backend {
 public:
  sqlite_backend() {
    path_ = std::filesystem::temp_directory_path() /
            ("store-contract-" + std::to_string(std::random_device{}()) + ".db");
    db_ = std::move(*open_sqlite({.path = path_.string(), .busy_timeout_ms = 1000}));
    EXPECT_TRUE(db_->migrate().has_value());
    data_ = make_sqlite_async_store(*db_, pool_, "instance-a");
    other_ = make_sqlite_async_store(*db_, pool_, "instance-b");
  }
  ~sqlite_backend() override {
    data_.reset();
    other_.reset();
    db_.reset();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  async_store& data() override { return *data_; }
  async_store& other() override { return *other_; }
  void add_key(const api_key& k) override { ASSERT_TRUE(db_->create_api_key(k).has_value()); }

 private:
  std::filesystem::path path_;
  blocking_pool pool_{2};
  std::unique_ptr<store> db_;
  std::unique_ptr<async_store> data_, other_;
};

pgtest::pg_cluster& cluster() {
  static pgtest::pg_cluster c;
  return c;
}

class postgresql_backend final : public backend {
 public:
  explicit postgresql_backend(boost::asio::io_context& io) : io_(io) {
    EXPECT_TRUE(cluster().ok()) << cluster().error();
    const auto name = "contract_" + std::to_string(std::random_device{}() % 1'000'000'000);
    const auto url = cluster().create_database(name);
    store_ = std::make_unique<pg::pg_store>(
        io.get_executor(), pg::pg_store_options{.url = url, .instance = "instance-a", .pool = 4});
    auto migrated = wait(store_->migrate());
    EXPECT_TRUE(migrated.has_value()) << (migrated ? "" : migrated.error().message);
    other_ = std::make_unique<pg::pg_store>(
        io.get_executor(), pg::pg_store_options{.url = url, .instance = "instance-b", .pool = 2});
  }
  async_store& data() override { return *store_; }
  async_store& other() override { return *other_; }
  pg::pg_store* postgresql() override { return store_.get(); }
  void add_key(const api_key& k) override {
    auto r = wait(store_->create_api_key(k));
    ASSERT_TRUE(r.has_value()) << r.error().carrier_message;
  }

 private:
  template <class T>
  T wait(boost::asio::awaitable<T> op) {
    auto f = boost::asio::co_spawn(io_, std::move(op), boost::asio::use_future);
    run_until_ready(io_, f);
    return f.get();
  }
  boost::asio::io_context& io_;
  std::unique_ptr<pg::pg_store> store_, other_;
};

class store_contract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite")
      be_ = std::make_unique<sqlite_backend>();
    else
      be_ = std::make_unique<postgresql_backend>(io_);
    be_->add_key(key("acme"));
    be_->add_key(key("globex"));
  }
  void TearDown() override { be_.reset(); }

  static api_key key(const std::string& tenant) {
    return {.id = new_id("key"),
            .tenant = tenant,
            .key_role = role::merchant,
            .key_hash = sha256_hex(tenant + "-" + new_id("k")),
            .hint = "pg_merchant_…",
            .name = {},
            .created_at = "2026-11-27T00:00:00Z",
            .revoked_at = {}};
  }
  static shipment_row pending(const std::string& tenant, const std::string& idem,
                              const std::string& reference = "r") {
    const auto id = new_id("shp");
    return {.id = id,
            .tenant = tenant,
            .status = "purchasing",
            .carrier = "colissimo",
            .service = "home",
            .carrier_service = {},
            .tracking_number = {},
            .reference = reference,
            .direction = "outbound",
            .idempotency_key = idem,
            .body = "{\"id\":\"" + id + "\"}",
            .created_at = "2026-11-27T00:00:00Z",
            .updated_at = "2026-11-27T00:00:00Z"};
  }
  static shipment_row bought(shipment_row r) {
    r.status = "label_created";
    r.tracking_number = "6A" + r.id.substr(4);
    r.updated_at = "2026-11-27T00:00:01Z";
    return r;
  }

  // Runs one store operation to completion on the test's I/O context.
  template <class T>
  T wait(boost::asio::awaitable<T> op) {
    auto f = boost::asio::co_spawn(io_, std::move(op), boost::asio::use_future);
    run_until_ready(io_, f);
    return f.get();
  }
  async_store& db() { return be_->data(); }
  async_store& peer() { return be_->other(); }

  boost::asio::io_context io_;
  std::unique_ptr<backend> be_;
};

const stored_label kLabel{.format = "pdf",
                          .content_type = "application/pdf",
                          .bytes = std::string("%PDF-1.4\0\x01\xff binary", 17),
                          .shipment_status = {}};

TEST_P(store_contract, a_claimed_purchase_completes_then_its_key_replays) {
  auto p = pending("acme", "k1");
  const std::string now = "2026-11-27T00:00:00Z", hash = "hash-a";
  auto c = wait(db().claim_purchase(hash, p, now));
  ASSERT_TRUE(c.has_value()) << c.error().carrier_message;
  EXPECT_EQ(c->result, claim::outcome::claimed);
  // In flight: not a shipment yet.
  EXPECT_FALSE(wait(db().get_shipment(std::string("acme"), p.id)).value().has_value());
  const std::string body = "{\"done\":1}";
  auto done = wait(db().complete_purchase(bought(p), kLabel, 201, body));
  ASSERT_TRUE(done.has_value()) << done.error().carrier_message;
  auto replay = wait(db().claim_purchase(hash, pending("acme", "k1"), now));
  ASSERT_TRUE(replay.has_value());
  EXPECT_EQ(replay->result, claim::outcome::replay);
  EXPECT_EQ(replay->status, 201);
  EXPECT_EQ(replay->body, body);
  auto row = wait(db().get_shipment(std::string("acme"), p.id)).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->status, "label_created");
  EXPECT_EQ(row->tracking_number, bought(p).tracking_number);
  auto label = wait(db().get_label(std::string("acme"), p.id)).value();
  ASSERT_TRUE(label.has_value());
  EXPECT_EQ(label->bytes, kLabel.bytes);  // binary bytes, NUL included
  EXPECT_EQ(label->content_type, "application/pdf");
  EXPECT_EQ(label->shipment_status, "label_created");
}

TEST_P(store_contract, a_key_in_use_or_reused_with_another_request_is_reported) {
  auto p = pending("acme", "k2");
  const std::string now = "2026-11-27T00:00:00Z", a = "hash-a", b = "hash-b";
  ASSERT_EQ(wait(db().claim_purchase(a, p, now)).value().result, claim::outcome::claimed);
  EXPECT_EQ(wait(db().claim_purchase(a, pending("acme", "k2"), now)).value().result,
            claim::outcome::in_progress);
  EXPECT_EQ(wait(db().claim_purchase(b, pending("acme", "k2"), now)).value().result,
            claim::outcome::mismatch);
  // The same key of another tenant is another key.
  EXPECT_EQ(wait(db().claim_purchase(b, pending("globex", "k2"), now)).value().result,
            claim::outcome::claimed);
}

TEST_P(store_contract, an_abandoned_purchase_frees_its_key_and_leaves_nothing) {
  auto p = pending("acme", "k3");
  const std::string now = "2026-11-27T00:00:00Z", hash = "hash-a", tenant = "acme", k = "k3";
  ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
  ASSERT_TRUE(wait(db().abandon_purchase(tenant, k, p.id)).has_value());
  EXPECT_TRUE(wait(db().interrupted_purchases()).value().empty());
  EXPECT_EQ(wait(db().claim_purchase(hash, pending("acme", "k3"), now)).value().result,
            claim::outcome::claimed);
}

TEST_P(store_contract, an_unknown_outcome_keeps_the_shipment_and_finishes_the_key) {
  auto p = pending("acme", "k4");
  const std::string now = "2026-11-27T00:00:00Z", hash = "hash-a", problem = "{\"status\":504}";
  ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
  EXPECT_TRUE(wait(db().interrupted_purchases()).value().empty());  // never its own
  auto interrupted = wait(peer().interrupted_purchases()).value();
  ASSERT_EQ(interrupted.size(), 1u);
  EXPECT_EQ(interrupted[0].shipment.id, p.id);
  EXPECT_EQ(interrupted[0].idempotency_key, "k4");
  auto row = p;
  row.status = "pending_confirmation";
  ASSERT_TRUE(wait(db().mark_pending_confirmation(row, 504, problem)).has_value());
  EXPECT_TRUE(wait(peer().interrupted_purchases()).value().empty());
  auto replay = wait(db().claim_purchase(hash, pending("acme", "k4"), now)).value();
  EXPECT_EQ(replay.result, claim::outcome::replay);
  EXPECT_EQ(replay.status, 504);
  EXPECT_EQ(replay.body, problem);
  EXPECT_EQ(wait(db().get_shipment(std::string(), p.id)).value()->status, "pending_confirmation");
  EXPECT_FALSE(wait(db().get_label(std::string("acme"), p.id)).value().has_value());
  // Marking it twice (recovery and its owner both) is harmless and changes nothing.
  ASSERT_TRUE(wait(peer().mark_pending_confirmation(row, 504, "{}")).has_value());
  EXPECT_EQ(wait(db().claim_purchase(hash, pending("acme", "k4"), now)).value().body, problem);
  // A purchase never claimed cannot land.
  auto stranger = pending("acme", "k4-never");
  stranger.status = "pending_confirmation";
  EXPECT_FALSE(wait(db().mark_pending_confirmation(stranger, 504, problem)).has_value());
  EXPECT_FALSE(wait(db().complete_purchase(bought(stranger), kLabel, 201, problem)).has_value());
  EXPECT_FALSE(wait(db().get_shipment(std::string(), stranger.id)).value().has_value());
}

TEST_P(store_contract, a_purchase_is_interrupted_only_once_its_owner_is_gone) {
  auto p = pending("acme", "own");
  const std::string now = "2026-11-27T00:00:00Z", hash = "h";
  const auto alive = instance_lease(db().instance());
  ASSERT_TRUE(wait(db().acquire_lease(alive, 60s)).value());
  ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
  EXPECT_TRUE(wait(peer().interrupted_purchases()).value().empty());  // its owner is alive
  ASSERT_TRUE(wait(db().release_lease(alive)).has_value());
  auto gone = wait(peer().interrupted_purchases()).value();
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].shipment.id, p.id);
  // Expired is gone too.
  ASSERT_TRUE(wait(db().acquire_lease(alive, 1ms)).value());
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(wait(peer().interrupted_purchases()).value().size(), 1u);
  EXPECT_TRUE(wait(db().interrupted_purchases()).value().empty());
}

TEST_P(store_contract, a_late_completion_confirms_a_purchase_recovered_too_early) {
  auto p = pending("acme", "slow");
  const std::string now = "2026-11-27T00:00:00Z", hash = "h", body = "{\"created\":1}";
  ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
  // The peer took the owner for gone and recovered the purchase.
  auto row = wait(peer().interrupted_purchases()).value().at(0).shipment;
  row.status = "pending_confirmation";
  ASSERT_TRUE(wait(peer().mark_pending_confirmation(row, 504, "{}")).has_value());
  // The owner was only slow: its label arrives and is recorded.
  auto done = wait(db().complete_purchase(bought(p), kLabel, 201, body));
  ASSERT_TRUE(done.has_value()) << done.error().carrier_message;
  auto shipment = wait(db().get_shipment(std::string("acme"), p.id)).value();
  ASSERT_TRUE(shipment.has_value());
  EXPECT_EQ(shipment->status, "label_created");
  EXPECT_EQ(shipment->tracking_number, bought(p).tracking_number);
  EXPECT_EQ(wait(db().get_label(std::string("acme"), p.id)).value()->bytes, kLabel.bytes);
  auto replay = wait(db().claim_purchase(hash, pending("acme", "slow"), now)).value();
  EXPECT_EQ(replay.result, claim::outcome::replay);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, body);
  // The same completion written again (its first commit's answer was lost) is done already.
  auto again = wait(db().complete_purchase(bought(p), kLabel, 201, body));
  EXPECT_TRUE(again.has_value()) << again.error().carrier_message;
  EXPECT_EQ(wait(db().get_shipment(std::string("acme"), p.id)).value()->status, "label_created");
}

TEST_P(store_contract, abandoning_a_recovered_purchase_keeps_its_unknown_outcome) {
  auto p = pending("acme", "late-refusal");
  const std::string now = "2026-11-27T00:00:00Z", hash = "h", tenant = "acme", k = "late-refusal",
                    problem = "{\"status\":504}";
  ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
  auto row = wait(peer().interrupted_purchases()).value().at(0).shipment;
  row.status = "pending_confirmation";
  ASSERT_TRUE(wait(peer().mark_pending_confirmation(row, 504, problem)).has_value());
  ASSERT_TRUE(wait(db().abandon_purchase(tenant, k, p.id)).has_value());
  // The key was already answered: it stays, and cannot buy again.
  auto again = wait(db().claim_purchase(hash, pending("acme", "late-refusal"), now)).value();
  EXPECT_EQ(again.result, claim::outcome::replay);
  EXPECT_EQ(again.body, problem);
}

TEST_P(store_contract, a_lease_has_one_holder_until_it_expires_or_is_released) {
  const std::string job = "job";
  EXPECT_TRUE(wait(db().acquire_lease(job, 60s)).value());
  EXPECT_FALSE(wait(peer().acquire_lease(job, 60s)).value());
  EXPECT_TRUE(wait(db().acquire_lease(job, 60s)).value());   // renewed by its holder
  ASSERT_TRUE(wait(peer().release_lease(job)).has_value());  // not the peer's to release
  EXPECT_FALSE(wait(peer().acquire_lease(job, 60s)).value());
  ASSERT_TRUE(wait(db().release_lease(job)).has_value());
  EXPECT_TRUE(wait(peer().acquire_lease(job, 1ms)).value());
  std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(wait(db().acquire_lease(job, 60s)).value());  // the peer's expired
  EXPECT_FALSE(wait(peer().acquire_lease(job, 60s)).value());
}

TEST_P(store_contract, another_tenants_shipment_is_not_found_and_ops_see_all) {
  auto p = pending("acme", "k5");
  const std::string now = "2026-11-27T00:00:00Z", hash = "h", body = "{}";
  ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
  ASSERT_TRUE(wait(db().complete_purchase(bought(p), kLabel, 201, body)).has_value());
  EXPECT_FALSE(wait(db().get_shipment(std::string("globex"), p.id)).value().has_value());
  EXPECT_FALSE(wait(db().get_label(std::string("globex"), p.id)).value().has_value());
  EXPECT_TRUE(wait(db().get_shipment(std::string(), p.id)).value().has_value());
}

TEST_P(store_contract, lists_are_newest_first_paged_and_filtered) {
  std::vector<std::string> ids;
  const std::string now = "2026-11-27T00:00:00Z", body = "{}";
  for (int i = 0; i < 5; ++i) {
    auto p =
        pending(i == 4 ? "globex" : "acme", "list-" + std::to_string(i), i % 2 ? "odd" : "even");
    p.created_at = "2026-11-27T00:00:0" + std::to_string(i) + "Z";
    const std::string hash = "h" + std::to_string(i);
    ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
    ASSERT_TRUE(wait(db().complete_purchase(bought(p), kLabel, 201, body)).has_value());
    ids.push_back(p.id);
  }
  auto body_of = [](const std::string& id) { return "{\"id\":\"" + id + "\"}"; };
  shipment_filter f;
  f.limit = 2;
  const std::string acme = "acme";
  auto first = wait(db().list_shipments(acme, f)).value();
  ASSERT_EQ(first.bodies.size(), 2u);
  EXPECT_EQ(first.bodies[0], body_of(ids[3]));
  EXPECT_EQ(first.bodies[1], body_of(ids[2]));
  EXPECT_TRUE(first.has_more);
  EXPECT_EQ(first.next_cursor, ids[2]);
  f.starting_after = first.next_cursor;
  auto second = wait(db().list_shipments(acme, f)).value();
  ASSERT_EQ(second.bodies.size(), 2u);
  EXPECT_EQ(second.bodies[1], body_of(ids[0]));
  EXPECT_FALSE(second.has_more);
  shipment_filter odd;
  odd.reference = "odd";
  EXPECT_EQ(wait(db().list_shipments(acme, odd)).value().bodies.size(), 2u);  // 1 and 3
  shipment_filter by_tenant;
  by_tenant.tenant = "globex";
  const std::string everyone;
  auto globex = wait(db().list_shipments(everyone, by_tenant)).value();
  ASSERT_EQ(globex.bodies.size(), 1u);
  EXPECT_EQ(globex.bodies[0], body_of(ids[4]));
  shipment_filter late;
  late.created_after = "2026-11-27T00:00:02Z";
  EXPECT_EQ(wait(db().list_shipments(everyone, late)).value().bodies.size(), 2u);  // 3 and 4
  shipment_filter bad;
  bad.starting_after = new_id("shp");
  auto unknown = wait(db().list_shipments(acme, bad));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().kind, error_kind::invalid_request);
}

TEST_P(store_contract, update_is_a_compare_and_set_on_status) {
  auto p = pending("acme", "k6");
  const std::string now = "2026-11-27T00:00:00Z", hash = "h", body = "{}",
                    created = "label_created";
  ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
  ASSERT_TRUE(wait(db().complete_purchase(bought(p), kLabel, 201, body)).has_value());
  auto cancelled = bought(p);
  cancelled.status = "cancelled";
  EXPECT_TRUE(wait(db().update_shipment(cancelled, created)).value());
  EXPECT_FALSE(wait(db().update_shipment(cancelled, created)).value());  // no longer label_created
  EXPECT_EQ(wait(db().get_label(std::string("acme"), p.id)).value()->shipment_status, "cancelled");
}

TEST_P(store_contract, keys_are_found_by_hash_and_finished_keys_purged) {
  auto k = key("initech");
  be_->add_key(k);
  auto found = wait(db().find_api_key(k.key_hash)).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->tenant, "initech");
  EXPECT_EQ(found->key_role, role::merchant);
  EXPECT_TRUE(found->revoked_at.empty());
  EXPECT_FALSE(wait(db().find_api_key(std::string("nope"))).value().has_value());
  EXPECT_TRUE(wait(db().reachable()));
  auto p = pending("acme", "old");
  const std::string then = "2026-01-01T00:00:00Z", hash = "h", body = "{}",
                    cutoff = "2026-06-01T00:00:00Z";
  ASSERT_EQ(wait(db().claim_purchase(hash, p, then)).value().result, claim::outcome::claimed);
  EXPECT_EQ(wait(db().purge_idempotency_keys(cutoff)).value(), 0);  // started keys stay
  ASSERT_TRUE(wait(db().complete_purchase(bought(p), kLabel, 201, body)).has_value());
  EXPECT_EQ(wait(db().purge_idempotency_keys(cutoff)).value(), 1);
}

TEST_P(store_contract, concurrent_claims_of_one_key_let_exactly_one_through) {
  std::atomic<int> claimed{0}, other{0}, failed{0};
  const std::string hash = "same", now = "2026-11-27T00:00:00Z";
  std::vector<shipment_row> rows;
  for (int i = 0; i < 20; ++i) rows.push_back(pending("acme", "race"));
  for (int i = 0; i < 20; ++i)
    boost::asio::co_spawn(
        io_,
        [&, i]() -> boost::asio::awaitable<void> {
          auto c = co_await db().claim_purchase(hash, rows[static_cast<std::size_t>(i)], now);
          if (!c)
            ++failed;
          else if (c->result == claim::outcome::claimed)
            ++claimed;
          else
            ++other;
        },
        boost::asio::detached);
  std::thread second([&] { io_.run(); });
  io_.run();
  second.join();
  io_.restart();
  EXPECT_EQ(claimed.load(), 1);
  EXPECT_EQ(other.load(), 19);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wait(peer().interrupted_purchases()).value().size(), 1u);
}

stored_event event(std::string at, std::string code, std::string status) {
  return {.occurred_at = std::move(at),
          .carrier_code = std::move(code),
          .status = std::move(status),
          .carrier_text = "Votre colis est pris en charge",
          .location = "Lyon PFC",
          .postal_code = "69007",
          .country = "FR",
          .point_id = {},
          .source = "carrier_poll",
          .recorded_at = "2026-12-02T09:00:00Z"};
}

TEST_P(store_contract, tracking_is_recorded_all_or_nothing_against_the_shipment_version) {
  auto p = pending("acme", "track-1");
  const std::string now = "2026-11-27T00:00:00Z", hash = "h", body = "{}", acme = "acme";
  ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
  ASSERT_TRUE(wait(db().complete_purchase(bought(p), kLabel, 201, body)).has_value());
  auto row = wait(db().get_shipment(acme, p.id)).value().value();
  const auto v0 = row.version;
  row.status = "picked_up";
  row.body = "{\"status\":\"picked_up\"}";
  row.updated_at = "2026-12-02T09:00:00Z";
  const std::vector<stored_event> first{event("2026-12-02T08:00:00Z", "PCHCFM", "picked_up"),
                                        event("2026-12-01T16:00:00Z", "DEPGUI", "dropped_off")};
  auto done = wait(db().record_tracking(row, first));
  ASSERT_TRUE(done.has_value()) << done.error().carrier_message;
  EXPECT_TRUE(*done);
  auto after = wait(db().get_shipment(acme, p.id)).value().value();
  EXPECT_EQ(after.status, "picked_up");
  EXPECT_EQ(after.version, v0 + 1);
  auto timeline = wait(peer().list_tracking_events(acme, p.id)).value();
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline[0].carrier_code, "DEPGUI");  // oldest first
  EXPECT_EQ(timeline[1].carrier_text, "Votre colis est pris en charge");
  EXPECT_EQ(timeline[1].postal_code, "69007");
  EXPECT_EQ(timeline[1].country, "FR");
  EXPECT_EQ(timeline[1].source, "carrier_poll");
  // A writer holding the old version loses, and writes nothing at all.
  auto stale = row;
  stale.status = "delivered";
  const std::vector<stored_event> late{event("2026-12-03T10:00:00Z", "LIVCFM", "delivered")};
  EXPECT_FALSE(wait(peer().record_tracking(stale, late)).value());
  EXPECT_EQ(wait(db().get_shipment(acme, p.id)).value()->status, "picked_up");
  EXPECT_EQ(wait(db().list_tracking_events(acme, p.id)).value().size(), 2u);
  // Read again, write again: an event already there is skipped, the new one added.
  stale.version = after.version;
  const std::vector<stored_event> again{event("2026-12-02T08:00:00Z", "PCHCFM", "picked_up"),
                                        event("2026-12-03T10:00:00Z", "LIVCFM", "delivered")};
  EXPECT_TRUE(wait(peer().record_tracking(stale, again)).value());
  EXPECT_EQ(wait(db().list_tracking_events(acme, p.id)).value().size(), 3u);
  EXPECT_EQ(wait(db().get_shipment(acme, p.id)).value()->status, "delivered");
  // Another tenant sees no events; ops (empty tenant) see them all.
  EXPECT_TRUE(wait(db().list_tracking_events(std::string("globex"), p.id)).value().empty());
  EXPECT_EQ(wait(db().list_tracking_events(std::string(), p.id)).value().size(), 3u);
  // Text with quotes, backslashes and commas survives the round trip.
  auto odd = event("2026-12-03T11:00:00Z", "X\"1", "unknown");
  odd.carrier_text = "Colis \"abîmé\", voir \\agence {1}";
  auto v = wait(db().get_shipment(acme, p.id)).value().value();
  ASSERT_TRUE(wait(db().record_tracking(v, {odd})).value());
  auto last = wait(db().list_tracking_events(acme, p.id)).value().back();
  EXPECT_EQ(last.carrier_code, odd.carrier_code);
  EXPECT_EQ(last.carrier_text, odd.carrier_text);
}

TEST_P(store_contract, every_write_of_a_shipment_bumps_its_version) {
  auto p = pending("acme", "track-2");
  const std::string now = "2026-11-27T00:00:00Z", hash = "h", body = "{}", acme = "acme",
                    created = "label_created";
  ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
  ASSERT_TRUE(wait(db().complete_purchase(bought(p), kLabel, 201, body)).has_value());
  auto row = wait(db().get_shipment(acme, p.id)).value().value();
  auto cancelled = bought(p);
  cancelled.status = "cancelled";
  ASSERT_TRUE(wait(db().update_shipment(cancelled, created)).value());
  // A tracking merge computed before the cancel must not overwrite it.
  row.status = "picked_up";
  EXPECT_FALSE(wait(db().record_tracking(row, {})).value());
  EXPECT_EQ(wait(db().get_shipment(acme, p.id)).value()->status, "cancelled");
}

// Two instances applying scans of one parcel at once (a poll here, a push there): every event
// lands once, and the status is the latest scan's.
boost::asio::awaitable<void> apply_scans(tracking_service* t, std::string id,
                                         std::vector<timeline_event> scans, int* failures) {
  const std::string tenant = "acme";
  for (auto& s : scans) {
    std::vector<timeline_event> one(1, s);  // no braced temporaries inside co_await (g++ 12)
    auto r = co_await t->apply(tenant, id, std::move(one));
    if (!r) ++*failures;
  }
}

TEST_P(store_contract, concurrent_scans_from_two_instances_all_land_and_the_latest_wins) {
  auto p = pending("acme", "track-3");
  const std::string now = "2026-11-27T00:00:00Z", hash = "h", acme = "acme";
  auto done = bought(p);
  done.body = "{\"id\":\"" + p.id + "\",\"status\":\"label_created\",\"updated_at\":\"x\"}";
  ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
  ASSERT_TRUE(wait(db().complete_purchase(done, kLabel, 201, "{}")).has_value());
  shipment_cache cache_a(0), cache_b(0);
  telemetry::metrics metrics_a, metrics_b;
  tracking_service a(db(), cache_a, metrics_a), b(peer(), cache_b, metrics_b);
  auto scan = [](tracking_status st, std::string code, std::string at, std::string source) {
    return timeline_event{.status = st,
                          .carrier_code = std::move(code),
                          .carrier_text = {},
                          .occurred_at = std::move(at),
                          .location = {},
                          .postal_code = {},
                          .country = {},
                          .point_id = {},
                          .source = std::move(source)};
  };
  using ts = tracking_status;
  std::vector<timeline_event> polled{
      scan(ts::picked_up, "PCHCFM", "2026-12-01T18:00:00Z", "carrier_poll"),
      scan(ts::in_transit, "AARCFM", "2026-12-02T05:00:00Z", "carrier_poll"),
      scan(ts::out_for_delivery, "MLVARS", "2026-12-02T07:00:00Z", "carrier_poll")};
  std::vector<timeline_event> pushed{
      scan(ts::dropped_off, "DEPGUI", "2026-12-01T17:00:00+01:00", "carrier_push"),
      scan(ts::in_transit, "AARCFM", "2026-12-02T06:00:00+01:00",
           "carrier_push"),  // same as polled
      scan(ts::delivered, "LIVCFM", "2026-12-02T11:30:00Z", "carrier_push")};
  int failures = 0;
  // Both run at once on the test's I/O context, interleaving at every store round trip.
  auto fa =
      boost::asio::co_spawn(io_, apply_scans(&a, p.id, polled, &failures), boost::asio::use_future);
  auto fb =
      boost::asio::co_spawn(io_, apply_scans(&b, p.id, pushed, &failures), boost::asio::use_future);
  run_until_ready(io_, fa);
  run_until_ready(io_, fb);
  fa.get();
  fb.get();
  EXPECT_EQ(failures, 0);
  auto timeline = wait(a.timeline(acme, p.id)).value();
  std::vector<std::string> codes;
  for (const auto& e : timeline) codes.push_back(e.carrier_code);
  EXPECT_EQ(codes, (std::vector<std::string>{"DEPGUI", "PCHCFM", "AARCFM", "MLVARS", "LIVCFM"}));
  auto row = wait(db().get_shipment(acme, p.id)).value().value();
  EXPECT_EQ(row.status, "delivered");
  EXPECT_NE(row.body.find("\"status\":\"delivered\""), std::string::npos) << row.body;
  // A late scan after delivery is kept but moves nothing; an unknown shipment is not_found.
  auto late = wait(b.apply(
      acme, p.id, {scan(ts::in_transit, "AARCFM", "2026-12-02T09:00:00Z", "carrier_poll")}));
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->status, ts::delivered);
  EXPECT_EQ(wait(db().get_shipment(acme, p.id)).value()->status, "delivered");
  // A code no status map knows is kept as unknown, counted once per new event, not per sighting.
  const std::vector<timeline_event> odd{
      scan(ts::unknown, "ZZ\"9", "2026-12-02T12:00:00Z", "carrier_poll")};
  ASSERT_TRUE(wait(a.apply(acme, p.id, odd)).has_value());
  ASSERT_TRUE(wait(a.apply(acme, p.id, odd)).has_value());
  EXPECT_NE(
      metrics_a.render().find(
          "parcelgate_tracking_unmapped_codes_total{carrier=\"colissimo\",code=\"ZZ\\\"9\"} 1\n"),
      std::string::npos)
      << "the unmapped code was not counted exactly once";
  auto stranger = wait(a.apply(std::string("globex"), p.id, polled));
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().kind, error_kind::not_found);
}

// A duty whose run counts how often it ran (a plain coroutine: see duties.cpp).
boost::asio::awaitable<void> count_run(std::atomic<int>* n) {
  ++*n;
  co_return;
}

TEST_P(store_contract, a_duty_runs_on_one_instance_and_moves_when_it_stops) {
  std::atomic<int> ran_a{0}, ran_b{0};
  auto a = std::make_unique<duties>(db(), 2s);
  auto b = std::make_unique<duties>(peer(), 2s);
  ASSERT_TRUE(wait(a->announce()));
  ASSERT_TRUE(wait(b->announce()));
  a->add({.name = "sweep", .every = 10ms, .run = [&ran_a] { return count_run(&ran_a); }});
  b->add({.name = "sweep", .every = 10ms, .run = [&ran_b] { return count_run(&ran_b); }});
  const auto run_for = [&](std::chrono::milliseconds d, const std::function<bool()>& done = {}) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until && !(done && done())) {
      if (io_.stopped()) io_.restart();
      io_.run_one_for(5ms);
    }
  };
  a->start(io_.get_executor());
  run_for(10s, [&] { return ran_a.load() > 0; });  // `a` takes the duty first
  ASSERT_GT(ran_a.load(), 0);
  b->start(io_.get_executor());
  run_for(300ms);
  EXPECT_GT(ran_a.load(), 3);
  EXPECT_EQ(ran_b.load(), 0);
  // Both instances are alive, so neither takes the other's purchases.
  EXPECT_FALSE(wait(peer().acquire_lease(instance_lease(db().instance()), 1s)).value());
  // A clean stop hands the duty over at once.
  wait(a->stop());
  const int a_runs = ran_a.load();
  run_for(300ms);
  EXPECT_EQ(ran_a.load(), a_runs);
  EXPECT_GT(ran_b.load(), 3);
  // And `a`'s instance lease is released: another may take it now.
  EXPECT_TRUE(wait(peer().acquire_lease(instance_lease(db().instance()), 1s)).value());
  wait(b->stop());
  io_.stop();
  io_.restart();
  io_.poll();
}

TEST_P(store_contract, a_bought_label_is_polled_once_due_and_never_by_two_claims) {
  const std::string now = "2026-11-27T00:00:00Z", hash = "h", body = "{}", acme = "acme";
  auto a = pending("acme", "poll-a");
  auto b = pending("acme", "poll-b");
  for (const auto& p : {a, b}) {
    ASSERT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
    ASSERT_TRUE(wait(db().complete_purchase(bought(p), kLabel, 201, body)).has_value());
  }
  // A pending purchase with no tracking number is never polled.
  auto unknown = pending("acme", "poll-c");
  ASSERT_EQ(wait(db().claim_purchase(hash, unknown, now)).value().result, claim::outcome::claimed);
  ASSERT_TRUE(wait(db().mark_pending_confirmation(unknown, 202, body)).has_value());
  const std::string colissimo = "colissimo", other = "mondialrelay";
  // Bought just now: not due before first_poll_after.
  EXPECT_TRUE(wait(db().claim_due_polls(colissimo, 60'000, 10, 60'000)).value().empty());
  // Due at once with no first delay; another carrier's claim sees nothing.
  EXPECT_TRUE(wait(db().claim_due_polls(other, 0, 10, 60'000)).value().empty());
  auto first = wait(db().claim_due_polls(colissimo, 0, 1, 60'000));
  ASSERT_TRUE(first.has_value()) << first.error().carrier_message;
  ASSERT_EQ(first->size(), 1u);  // the limit holds
  auto rest = wait(peer().claim_due_polls(colissimo, 0, 10, 60'000)).value();
  ASSERT_EQ(rest.size(), 1u);  // the other instance gets only what was not claimed
  EXPECT_NE(rest[0].shipment_id, (*first)[0].shipment_id);
  const auto& c = (*first)[0];
  EXPECT_EQ(c.tenant, "acme");
  EXPECT_EQ(c.status, "label_created");
  EXPECT_EQ(c.tracking_number.substr(0, 2), "6A");
  EXPECT_EQ(c.polls, 0);
  EXPECT_GE(c.age_ms, 0);
  EXPECT_LT(c.age_ms, 60'000);
  // Claimed: held for the hold, by every instance.
  EXPECT_TRUE(wait(db().claim_due_polls(colissimo, 0, 10, 60'000)).value().empty());
  // Rescheduled due at once with a miss, and the other dropped from polling.
  ASSERT_TRUE(
      wait(db().reschedule_polls(
               {{.shipment_id = c.shipment_id, .next_in_ms = 1, .changed = false, .missed = true},
                {.shipment_id = rest[0].shipment_id,
                 .next_in_ms = -1,
                 .changed = false,
                 .missed = false}}))
          .has_value());
  std::this_thread::sleep_for(20ms);
  auto again = wait(peer().claim_due_polls(colissimo, 0, 10, 60'000)).value();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].shipment_id, c.shipment_id);
  EXPECT_EQ(again[0].polls, 1);
  EXPECT_EQ(again[0].misses, 1);
  // A poll that found something resets the misses and the idle time.
  ASSERT_TRUE(
      wait(db().reschedule_polls(
               {{.shipment_id = c.shipment_id, .next_in_ms = 1, .changed = true, .missed = false}}))
          .has_value());
  std::this_thread::sleep_for(20ms);
  auto third = wait(db().claim_due_polls(colissimo, 0, 10, 60'000)).value();
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].misses, 0);
  EXPECT_EQ(third[0].polls, 2);
  EXPECT_LT(third[0].idle_ms, 10'000);
  // A short hold ends: the shipment is due again (an instance died while polling it).
  ASSERT_TRUE(
      wait(
          db().reschedule_polls(
              {{.shipment_id = c.shipment_id, .next_in_ms = 1, .changed = false, .missed = false}}))
          .has_value());
  std::this_thread::sleep_for(20ms);
  ASSERT_EQ(wait(db().claim_due_polls(colissimo, 0, 10, 1)).value().size(), 1u);
  std::this_thread::sleep_for(20ms);
  ASSERT_EQ(wait(peer().claim_due_polls(colissimo, 0, 10, 60'000)).value().size(), 1u);
  // The number of a shipment is found by carrier.
  auto found =
      wait(db().match_tracking_numbers(colissimo, {c.tracking_number, std::string("nope")}))
          .value();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first, c.tracking_number);
  EXPECT_EQ(found[0].second, c.shipment_id);
  EXPECT_TRUE(wait(db().match_tracking_numbers(other, {c.tracking_number})).value().empty());
}

TEST_P(store_contract, a_push_is_recorded_once_claimed_by_one_and_finished) {
  const std::string inpost = "inpost", digest = "d1", headers = R"({"Content-Type":"x"})",
                    query = "a=1", at = "2026-12-02T09:00:00Z";
  const std::string body = "{\"event\":\"shipment_status_changed\",\"é\":\"ü\"}";
  auto first = wait(db().record_push(inpost, digest, headers, query, body, at));
  ASSERT_TRUE(first.has_value()) << first.error().carrier_message;
  EXPECT_TRUE(*first);
  EXPECT_FALSE(wait(peer().record_push(inpost, digest, headers, query, body, at)).value());
  const std::string digest2 = "d2", body2 = "{}";
  EXPECT_TRUE(wait(db().record_push(inpost, digest2, headers, query, body2, at)).value());
  auto claimed = wait(db().claim_pushes(1, 60'000));
  ASSERT_TRUE(claimed.has_value()) << claimed.error().carrier_message;
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].body, body);  // oldest first, bytes intact
  EXPECT_EQ((*claimed)[0].headers_json, headers);
  EXPECT_EQ((*claimed)[0].query, query);
  EXPECT_EQ((*claimed)[0].carrier, inpost);
  EXPECT_EQ((*claimed)[0].attempts, 1);
  auto other = wait(peer().claim_pushes(10, 1)).value();
  ASSERT_EQ(other.size(), 1u);  // only the unclaimed one
  EXPECT_EQ(other[0].body, body2);
  // The second's claim was short (its processor died): it is claimed again, counted.
  std::this_thread::sleep_for(20ms);
  auto retried = wait(db().claim_pushes(10, 60'000)).value();
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].attempts, 2);
  ASSERT_TRUE(wait(db().finish_pushes({{.id = (*claimed)[0].id, .failed = false, .outcome = "ok"},
                                       {.id = retried[0].id, .failed = true, .outcome = "bad"}}))
                  .has_value());
  std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(wait(peer().claim_pushes(10, 60'000)).value().empty());
  // Finished pushes are purged by age; a replay after the purge is recorded again.
  EXPECT_EQ(wait(db().purge_pushes(std::string("2026-12-01T00:00:00Z"))).value(), 0);
  EXPECT_EQ(wait(db().purge_pushes(std::string("2026-12-03T00:00:00Z"))).value(), 2);
  EXPECT_TRUE(wait(db().record_push(inpost, digest, headers, query, body, at)).value());
}

INSTANTIATE_TEST_SUITE_P(backends, store_contract, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace parcelgate::store

namespace parcelgate::store {
namespace {

// --- tracking reads: shipments by carrier tracking number, tenant-scoped, carrier-filtered,
// newest first; a number no shipment has (or an empty one) finds nothing.
TEST_P(store_contract, shipments_are_found_by_tracking_number_within_the_tenant_and_carriers) {
  const std::string now = "2026-11-27T00:00:00Z", hash = "h";
  auto buy = [&](const std::string& tenant, const std::string& idem, const std::string& carrier,
                 const std::string& number) {
    auto p = pending(tenant, idem);
    p.carrier = carrier;
    EXPECT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
    auto done = bought(p);
    done.tracking_number = number;
    EXPECT_TRUE(wait(db().complete_purchase(done, kLabel, 201, "{}")).has_value());
    return done.id;
  };
  const std::string old_colissimo = buy("acme", "t1", "colissimo", "6A1111111111");
  const std::string colissimo = buy("acme", "t2", "colissimo", "6A1111111111");  // reused number
  const std::string relay = buy("acme", "t3", "mondialrelay", "6A1111111111");
  const std::string other_tenant = buy("globex", "t4", "colissimo", "6A2222222222");
  const std::vector<std::string> both{"colissimo", "mondialrelay"};
  const std::vector<std::string> only_colissimo{"colissimo"};
  auto ids = [&](const std::string& tenant, const std::string& number,
                 const std::vector<std::string>& carriers) {
    std::vector<std::string> out;
    const auto found = wait(db().find_shipments_by_tracking(tenant, number, carriers, 10)).value();
    for (const auto& row : found) out.push_back(row.id);
    return out;
  };
  EXPECT_EQ(ids("acme", "6A1111111111", both),
            (std::vector<std::string>{relay, colissimo, old_colissimo}));
  EXPECT_EQ(ids("acme", "6A1111111111", only_colissimo),
            (std::vector<std::string>{colissimo, old_colissimo}));
  auto first = wait(db().find_shipments_by_tracking("acme", "6A1111111111", only_colissimo, 1));
  ASSERT_EQ(first.value().size(), 1u);
  EXPECT_EQ(first.value()[0].carrier, "colissimo");
  EXPECT_EQ(first.value()[0].tenant, "acme");
  EXPECT_EQ(first.value()[0].status, "label_created");
  // Another tenant's number is not found by acme, and is by the any-tenant scope.
  EXPECT_TRUE(ids("acme", "6A2222222222", both).empty());
  EXPECT_EQ(ids("", "6A2222222222", both), (std::vector<std::string>{other_tenant}));
  EXPECT_TRUE(ids("", "6A2222222222", {"mondialrelay"}).empty());
  EXPECT_TRUE(ids("", "6A3333333333", both).empty());
  EXPECT_TRUE(ids("", "", both).empty());
  EXPECT_TRUE(ids("", "6A1111111111", {}).empty());
  // A carrier id with quotes or a backslash is a value, never SQL.
  EXPECT_TRUE(ids("", "6A1111111111", {"x\",\"colissimo", "a'b\\"}).empty());
}

}  // namespace
}  // namespace parcelgate::store

namespace parcelgate::store {
namespace {

// --- collection point scans (migration 8): a point's scan is recorded by record_tracking with
// its event, once per (point, shipment, kind); the point's parcels are listed by state.
stored_event point_event(const std::string& point, const std::string& at,
                         const std::string& status) {
  return {.occurred_at = at,
          .carrier_code = status == "dropped_off" ? "POINT_DROPOFF" : "POINT_HANDOVER",
          .status = status,
          .carrier_text = "scan at " + point,
          .location = {},
          .postal_code = {},
          .country = "FR",
          .point_id = point,
          .source = "point_scan",
          .recorded_at = "2026-12-02T09:00:00Z"};
}

class point_scans : public store_contract {
 protected:
  std::string buy(const std::string& tenant, const std::string& idem, const std::string& number) {
    const std::string now = "2026-11-27T00:00:00Z", hash = "h";
    auto p = pending(tenant, idem);
    p.carrier = "mondialrelay";
    EXPECT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
    auto done = bought(p);
    done.tracking_number = number;
    EXPECT_TRUE(wait(db().complete_purchase(done, kLabel, 201, "{}")).has_value());
    return done.id;
  }
  // Writes `e` the way tracking_service does: the shipment read, its status set, one CAS write.
  bool scan(const std::string& shipment_id, const stored_event& e) {
    const std::string any;
    auto row = wait(db().get_shipment(any, shipment_id)).value().value();
    row.status = e.status;
    const std::vector<stored_event> events{e};
    auto done = wait(db().record_tracking(row, events));
    EXPECT_TRUE(done.has_value()) << done.error().carrier_message;
    return done.value_or(false);
  }
  std::vector<std::string> listed(const std::string& point, point_parcel_state state,
                                  const std::string& after = {}, int limit = 10,
                                  point_scan_page* page = nullptr) {
    auto found = wait(db().list_point_scans(point, state, after, limit));
    EXPECT_TRUE(found.has_value());
    std::vector<std::string> out;
    if (!found) return out;
    for (const auto& s : found->scans) out.push_back(s.shipment_id);
    if (page) *page = *found;
    return out;
  }
  int point_events(const std::string& shipment_id) {
    const std::string any;
    int n = 0;
    const auto events = wait(db().list_tracking_events(any, shipment_id)).value();
    for (const auto& e : events) n += e.source == "point_scan";
    return n;
  }
};

const std::string kRelay = "mondialrelay:FR:020230";
const std::string kOtherRelay = "mondialrelay:FR:066974";

TEST_P(point_scans, the_first_scan_is_kept_with_its_event_and_a_second_adds_nothing) {
  const auto parcel = buy("acme", "p1", "12345678");
  const std::string dropoff = "dropoff", handover = "handover";
  EXPECT_FALSE(wait(db().find_point_scan(kRelay, parcel, dropoff)).value().has_value());
  ASSERT_TRUE(scan(parcel, point_event(kRelay, "2026-12-02T08:00:00Z", "dropped_off")));
  auto first = wait(peer().find_point_scan(kRelay, parcel, dropoff)).value();
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->id.starts_with("scn_")) << first->id;
  EXPECT_EQ(first->id.size(), 19u);
  EXPECT_EQ(first->kind, "dropoff");
  EXPECT_EQ(first->point_id, kRelay);
  EXPECT_EQ(first->tenant, "acme");
  EXPECT_EQ(first->scanned_at, "2026-12-02T08:00:00Z");
  EXPECT_EQ(first->recorded_at, "2026-12-02T09:00:00Z");
  EXPECT_EQ(first->carrier, "mondialrelay");
  EXPECT_EQ(first->tracking_number, "12345678");
  EXPECT_EQ(first->status, "dropped_off");
  EXPECT_EQ(point_events(parcel), 1);
  // The same scan later (a second scan of the parcel at the point): the write goes through but
  // neither its event nor a second scan is recorded.
  EXPECT_TRUE(scan(parcel, point_event(kRelay, "2026-12-02T08:05:00Z", "dropped_off")));
  EXPECT_EQ(point_events(parcel), 1);
  EXPECT_EQ(wait(db().find_point_scan(kRelay, parcel, dropoff)).value()->id, first->id);
  EXPECT_EQ(wait(db().find_point_scan(kRelay, parcel, dropoff)).value()->scanned_at,
            "2026-12-02T08:00:00Z");
  // Another kind, or another point, is another scan.
  EXPECT_TRUE(scan(parcel, point_event(kRelay, "2026-12-02T17:00:00Z", "picked_up")));
  EXPECT_TRUE(scan(parcel, point_event(kOtherRelay, "2026-12-02T18:00:00Z", "dropped_off")));
  EXPECT_EQ(point_events(parcel), 3);
  auto handed = wait(db().find_point_scan(kRelay, parcel, handover)).value();
  ASSERT_TRUE(handed.has_value());
  EXPECT_NE(handed->id, first->id);
  EXPECT_EQ(handed->status, "dropped_off");  // the shipment as it is now (the last write)
  // A carrier's event naming a point is not a point's scan.
  auto carrier_event = point_event(kOtherRelay, "2026-12-03T08:00:00Z", "picked_up");
  carrier_event.source = "carrier_push";
  carrier_event.carrier_code = "PCH";
  EXPECT_TRUE(scan(parcel, carrier_event));
  EXPECT_FALSE(wait(db().find_point_scan(kOtherRelay, parcel, handover)).value().has_value());
}

TEST_P(point_scans, parcels_are_listed_by_state_newest_first_and_paged) {
  const auto a = buy("acme", "l1", "11111111");
  const auto b = buy("globex", "l2", "22222222");  // points serve every tenant
  const auto c = buy("acme", "l3", "33333333");
  ASSERT_TRUE(scan(a, point_event(kRelay, "2026-12-02T08:00:00Z", "dropped_off")));
  ASSERT_TRUE(scan(b, point_event(kRelay, "2026-12-02T08:01:00Z", "dropped_off")));
  ASSERT_TRUE(scan(c, point_event(kRelay, "2026-12-02T08:02:00Z", "dropped_off")));
  ASSERT_TRUE(scan(a, point_event(kRelay, "2026-12-02T17:00:00Z", "picked_up")));
  using state = point_parcel_state;
  EXPECT_EQ(listed(kRelay, state::awaiting_carrier), (std::vector<std::string>{c, b}));
  EXPECT_EQ(listed(kRelay, state::handed_over), (std::vector<std::string>{a}));
  EXPECT_TRUE(listed(kOtherRelay, state::awaiting_carrier).empty());
  point_scan_page page;
  EXPECT_EQ(listed(kRelay, state::awaiting_carrier, {}, 1, &page), (std::vector<std::string>{c}));
  ASSERT_TRUE(page.has_more);
  EXPECT_EQ(page.next_cursor, page.scans.back().id);
  EXPECT_EQ(listed(kRelay, state::awaiting_carrier, page.next_cursor, 1, &page),
            (std::vector<std::string>{b}));
  EXPECT_FALSE(page.has_more);
  EXPECT_TRUE(page.next_cursor.empty());
  EXPECT_EQ(page.scans.front().tenant, "globex");
  EXPECT_EQ(page.scans.front().tracking_number, "22222222");
  // A cursor of another list (the handover of a, listed in handed_over) is refused.
  const std::string kind = "handover";
  const auto handed = wait(db().find_point_scan(kRelay, a, kind)).value().value();
  const std::string other_cursor = handed.id;
  auto refused = wait(db().list_point_scans(kRelay, state::awaiting_carrier, other_cursor, 10));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, error_kind::invalid_request);
  ASSERT_EQ(refused.error().fields.size(), 1u);
  EXPECT_EQ(refused.error().fields[0].field, "starting_after");
}

TEST_P(point_scans, a_point_key_keeps_its_points_and_other_keys_have_none) {
  auto k = key("relay-network");
  k.key_role = role::point;
  k.points = {kRelay, "colissimo:FR:123456"};
  be_->add_key(k);
  auto found = wait(db().find_api_key(k.key_hash)).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->key_role, role::point);
  EXPECT_EQ(found->points, k.points);
  auto merchant = key("initech");
  be_->add_key(merchant);
  EXPECT_TRUE(wait(db().find_api_key(merchant.key_hash)).value()->points.empty());
  EXPECT_EQ(split_points(join_points(k.points)), k.points);
  EXPECT_TRUE(split_points("").empty());
}

INSTANTIATE_TEST_SUITE_P(backends, point_scans, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace parcelgate::store

namespace parcelgate::store {
namespace {

// --- carrier pickups (migration 9): claimed with their shipments under an idempotency key,
// finished, abandoned, recovered and cancelled; a shipment is in at most one active pickup.
// Opens a session of `p` into `*out` (a session cannot be the result of a future: it has no
// empty state).
boost::asio::awaitable<bool> open_into(pg::pool* p, std::optional<pg::session>* out,
                                       pg::deadline until) {
  auto opened = co_await p->open_session(until);
  if (!opened) co_return false;
  out->emplace(std::move(*opened));
  co_return true;
}

class pickup_store_contract : public store_contract {
 protected:
  // A shipment that exists (pickups reference shipments): bought through claim and complete.
  std::string buy(const std::string& tenant) {
    const std::string now = "2026-11-27T00:00:00Z", hash = "h";
    auto p = pending(tenant, new_id("buy"));
    EXPECT_EQ(wait(db().claim_purchase(hash, p, now)).value().result, claim::outcome::claimed);
    EXPECT_TRUE(wait(db().complete_purchase(bought(p), kLabel, 201, "{}")).has_value());
    return p.id;
  }
  static pickup_row pickup(const std::string& tenant, const std::string& idem,
                           std::vector<std::string> shipments) {
    const auto id = new_id("pck");
    return {.id = id,
            .tenant = tenant,
            .carrier = "colissimo",
            .status = "booking",
            .date = "2026-12-03",
            .idempotency_key = idem,
            .body = R"({"id":")" + id + R"(","status":"booking"})",
            .shipment_ids = std::move(shipments),
            .created_at = "2026-12-02T09:00:00Z",
            .updated_at = "2026-12-02T09:00:00Z"};
  }
  // `p` as it is once it moved to `status`.
  static pickup_row moved(pickup_row p, const std::string& status,
                          const std::string& at = "2026-12-02T09:00:05Z") {
    p.status = status;
    p.body = R"({"id":")" + p.id + R"(","status":")" + status + R"("})";
    p.updated_at = at;
    return p;
  }
  claim::outcome claim_of(const std::string& hash, const pickup_row& p) {
    auto c = wait(db().claim_pickup(hash, p, kNow));
    EXPECT_TRUE(c.has_value()) << c.error().message << " " << c.error().carrier_message;
    return c ? c->result : claim::outcome::in_progress;
  }
  std::optional<pickup_row> find(const std::string& tenant, const std::string& id) {
    auto found = wait(db().get_pickup(tenant, id));
    EXPECT_TRUE(found.has_value()) << found.error().carrier_message;
    return found ? *found : std::nullopt;
  }
  std::vector<webhook_delivery> due() {
    const auto far = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     1000;
    return wait(db().due_webhook_deliveries(far, 100)).value();
  }

  const std::string kNow = "2026-12-02T09:00:00Z";
};

TEST_P(pickup_store_contract, a_claimed_pickup_is_scheduled_then_its_key_replays) {
  const auto a = buy("acme"), b = buy("acme");
  const std::string hash = "hash-a", body = R"({"scheduled":1})";
  const auto p = pickup("acme", "pk1", {b, a});
  ASSERT_EQ(claim_of(hash, p), claim::outcome::claimed);
  auto booking = find("acme", p.id);
  ASSERT_TRUE(booking.has_value());
  EXPECT_EQ(booking->status, "booking");
  EXPECT_EQ(booking->shipment_ids, (std::vector<std::string>{b, a}));  // the request's order
  EXPECT_EQ(booking->idempotency_key, "pk1");
  EXPECT_EQ(booking->carrier, "colissimo");
  EXPECT_EQ(booking->date, "2026-12-03");
  EXPECT_EQ(booking->body, p.body);
  EXPECT_EQ(booking->created_at, p.created_at);
  const auto scheduled = moved(p, "scheduled");
  auto done = wait(db().finish_pickup(scheduled, 201, body));
  ASSERT_TRUE(done.has_value()) << done.error().carrier_message;
  auto replay = wait(db().claim_pickup(hash, pickup("acme", "pk1", {a, b}), kNow));
  ASSERT_TRUE(replay.has_value()) << replay.error().message;
  EXPECT_EQ(replay->result, claim::outcome::replay);
  EXPECT_EQ(replay->status, 201);
  EXPECT_EQ(replay->body, body);
  auto row = find("acme", p.id);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->status, "scheduled");
  EXPECT_EQ(row->body, scheduled.body);
  EXPECT_EQ(row->updated_at, scheduled.updated_at);
  EXPECT_EQ(row->shipment_ids, (std::vector<std::string>{b, a}));
  // Finishing again (its first commit's answer was lost) changes nothing.
  ASSERT_TRUE(wait(db().finish_pickup(moved(p, "unconfirmed"), 504, "{}")).has_value());
  EXPECT_EQ(find("acme", p.id)->status, "scheduled");
  EXPECT_EQ(wait(db().claim_pickup(hash, p, kNow)).value().body, body);
}

TEST_P(pickup_store_contract, find_key_reads_what_a_claim_would_say_without_taking_the_key) {
  const auto a = buy("acme");
  const std::string hash = "hash-f";
  auto free_key = wait(db().find_key("acme", "pk-find", hash));
  ASSERT_TRUE(free_key.has_value()) << free_key.error().message;
  EXPECT_FALSE(free_key->has_value());
  // Reading did not take it: the claim still does.
  const auto p = pickup("acme", "pk-find", {a});
  ASSERT_EQ(claim_of(hash, p), claim::outcome::claimed);
  EXPECT_EQ(wait(db().find_key("acme", "pk-find", hash)).value()->result,
            claim::outcome::in_progress);
  EXPECT_EQ(wait(db().find_key("acme", "pk-find", "hash-other")).value()->result,
            claim::outcome::mismatch);
  EXPECT_FALSE(wait(db().find_key("globex", "pk-find", hash)).value().has_value())
      << "another tenant's key of the same name";
  ASSERT_TRUE(wait(db().finish_pickup(moved(p, "scheduled"), 201, R"({"ok":1})")).has_value());
  auto replay = wait(db().find_key("acme", "pk-find", hash)).value();
  ASSERT_TRUE(replay.has_value());
  EXPECT_EQ(replay->result, claim::outcome::replay);
  EXPECT_EQ(replay->status, 201);
  EXPECT_EQ(replay->body, R"({"ok":1})");
}

TEST_P(pickup_store_contract, a_pickup_key_in_use_or_reused_with_another_request_is_reported) {
  const auto a = buy("acme");
  const std::string first = "hash-a", second = "hash-b";
  ASSERT_EQ(claim_of(first, pickup("acme", "pk2", {a})), claim::outcome::claimed);
  EXPECT_EQ(claim_of(first, pickup("acme", "pk2", {a})), claim::outcome::in_progress);
  EXPECT_EQ(claim_of(second, pickup("acme", "pk2", {a})), claim::outcome::mismatch);
  // A purchase's key of the same name is the same key.
  EXPECT_EQ(wait(db().claim_purchase(second, pending("acme", "pk2"), kNow)).value().result,
            claim::outcome::mismatch);
}

TEST_P(pickup_store_contract, a_shipment_in_an_active_pickup_is_a_conflict_and_nothing_is_written) {
  const auto a = buy("acme"), b = buy("acme"), c = buy("acme");
  const std::string hash = "h1", other_hash = "h2";
  const auto held = pickup("acme", "holder", {a});
  ASSERT_EQ(claim_of(hash, held), claim::outcome::claimed);
  const auto clash = pickup("acme", "pk3", {b, c, a});
  auto refused = wait(db().claim_pickup(hash, clash, kNow));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, error_kind::conflict);
  EXPECT_EQ(refused.error().message, "shipment " + a + " is already in pickup " + held.id);
  ASSERT_EQ(refused.error().fields.size(), 1u);
  EXPECT_EQ(refused.error().fields[0].field, "shipment_ids[2]");
  EXPECT_EQ(refused.error().fields[0].message, "already in pickup " + held.id);
  // Nothing was written: no pickup, the key free (another request under it is no mismatch),
  // b and c in no pickup.
  EXPECT_FALSE(find(std::string(), clash.id).has_value());
  EXPECT_EQ(find("acme", held.id)->shipment_ids, (std::vector<std::string>{a}));
  const auto retried = pickup("acme", "pk3", {b, c});
  ASSERT_EQ(claim_of(other_hash, retried), claim::outcome::claimed);
  EXPECT_EQ(find("acme", retried.id)->shipment_ids, (std::vector<std::string>{b, c}));
  // A pickup that finished keeps its shipments too.
  ASSERT_TRUE(wait(db().finish_pickup(moved(held, "scheduled"), 201, "{}")).has_value());
  auto again = wait(db().claim_pickup(hash, pickup("acme", "pk4", {a}), kNow));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().kind, error_kind::conflict);
  ASSERT_EQ(again.error().fields.size(), 1u);
  EXPECT_EQ(again.error().fields[0].field, "shipment_ids[0]");
}

TEST_P(pickup_store_contract, two_pickups_racing_for_a_shipment_leave_one_claim_and_a_conflict) {
  for (int round = 0; round < 5; ++round) {
    const auto s = buy("acme");
    const std::string h1 = "h1", h2 = "h2";
    const auto p1 = pickup("acme", "race-a-" + std::to_string(round), {s});
    const auto p2 = pickup("acme", "race-b-" + std::to_string(round), {s});
    auto f1 = boost::asio::co_spawn(io_, db().claim_pickup(h1, p1, kNow), boost::asio::use_future);
    auto f2 =
        boost::asio::co_spawn(io_, peer().claim_pickup(h2, p2, kNow), boost::asio::use_future);
    run_until_ready(io_, f1);
    run_until_ready(io_, f2);
    auto r1 = f1.get(), r2 = f2.get();
    ASSERT_NE(r1.has_value(), r2.has_value()) << "round " << round;
    const auto& lost = r1.has_value() ? r2 : r1;
    const auto& winner = r1.has_value() ? p1 : p2;
    const auto& loser = r1.has_value() ? p2 : p1;
    EXPECT_EQ((r1.has_value() ? r1 : r2)->result, claim::outcome::claimed);
    EXPECT_EQ(lost.error().kind, error_kind::conflict) << lost.error().carrier_message;
    ASSERT_EQ(lost.error().fields.size(), 1u);
    EXPECT_EQ(lost.error().fields[0].field, "shipment_ids[0]");
    EXPECT_EQ(lost.error().fields[0].message, "already in pickup " + winner.id);
    EXPECT_FALSE(find(std::string(), loser.id).has_value());
    // The loser's key was not taken.
    const std::string other = "h3";
    EXPECT_EQ(claim_of(other, pickup("acme", loser.idempotency_key, {})), claim::outcome::claimed);
  }
}

TEST_P(pickup_store_contract, a_claim_running_into_the_unique_index_is_the_same_conflict) {
  auto* pg = be_->postgresql();
  if (!pg) GTEST_SKIP() << "SQLite writes one transaction at a time: no claim races another";
  const auto s = buy("acme"), t = buy("acme");
  // Another instance books s in a transaction not committed yet: the claim's check cannot see
  // it, so the claim goes on and waits on pickup_shipments_active until that commits.
  const auto until = std::chrono::steady_clock::now() + 10s;
  std::optional<pg::session> opened;
  ASSERT_TRUE(wait(open_into(&pg->connections(), &opened, until)));
  const std::string other = new_id("pck");
  const std::vector<pg::statement> book{
      {.sql_or_name = "BEGIN"},
      {.sql_or_name = "INSERT INTO pickups (id, tenant_id, carrier, status, date, "
                      "idempotency_key, owner, body, created_at, updated_at) VALUES ($1, 'acme', "
                      "'colissimo', 'booking', '2026-12-03', 'elsewhere', 'instance-c', '{}', $2, "
                      "$2)",
       .params = {other, kNow}},
      {.sql_or_name = "INSERT INTO pickup_shipments (pickup_id, position, shipment_id) VALUES "
                      "($1, 0, $2)",
       .params = {other, s}}};
  auto booked = wait(opened->run(book, until));
  ASSERT_TRUE(booked.has_value()) << booked.error().message;
  const std::string hash = "h";
  const auto p = pickup("acme", "racer", {t, s});
  auto f = boost::asio::co_spawn(io_, db().claim_pickup(hash, p, kNow), boost::asio::use_future);
  for (int i = 0; i < 50 && f.wait_for(0s) != std::future_status::ready; ++i) {
    if (io_.stopped()) io_.restart();
    io_.run_one_for(10ms);
  }
  EXPECT_NE(f.wait_for(0s), std::future_status::ready) << "the claim should wait on the index";
  const std::vector<pg::statement> commit{{.sql_or_name = "COMMIT"}};
  ASSERT_TRUE(wait(opened->run(commit, until)).has_value());
  run_until_ready(io_, f);
  auto refused = f.get();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, error_kind::conflict) << refused.error().carrier_message;
  EXPECT_EQ(refused.error().message, "shipment " + s + " is already in pickup " + other);
  ASSERT_EQ(refused.error().fields.size(), 1u);
  EXPECT_EQ(refused.error().fields[0].field, "shipment_ids[1]");
  EXPECT_EQ(refused.error().fields[0].message, "already in pickup " + other);
  // Nothing of the claim was kept: no pickup, t free, the key free.
  EXPECT_FALSE(find(std::string(), p.id).has_value());
  const std::string other_hash = "h2";
  const auto retried = pickup("acme", "racer", {t});
  EXPECT_EQ(claim_of(other_hash, retried), claim::outcome::claimed);
}

TEST_P(pickup_store_contract, a_cancelled_pickup_frees_its_shipments_for_another) {
  const auto a = buy("acme"), b = buy("acme");
  const std::string hash = "h";
  const auto first = pickup("acme", "pk5", {a, b});
  ASSERT_EQ(claim_of(hash, first), claim::outcome::claimed);
  ASSERT_TRUE(wait(db().finish_pickup(moved(first, "scheduled"), 201, "{}")).has_value());
  const std::string scheduled = "scheduled";
  const auto cancelled = moved(first, "cancelled", "2026-12-02T10:00:00Z");
  auto cas = wait(db().update_pickup(cancelled, scheduled));
  ASSERT_TRUE(cas.has_value()) << cas.error().carrier_message;
  EXPECT_TRUE(*cas);
  auto row = find("acme", first.id);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->status, "cancelled");
  EXPECT_EQ(row->body, cancelled.body);
  EXPECT_EQ(row->updated_at, "2026-12-02T10:00:00Z");
  EXPECT_EQ(row->shipment_ids, (std::vector<std::string>{a, b}));  // still listed
  const auto second = pickup("acme", "pk6", {b, a});
  ASSERT_EQ(claim_of(hash, second), claim::outcome::claimed);
  EXPECT_EQ(find("acme", second.id)->shipment_ids, (std::vector<std::string>{b, a}));
}

TEST_P(pickup_store_contract, update_pickup_is_a_compare_and_set_on_status) {
  const auto a = buy("acme");
  const std::string hash = "h", booking = "booking", scheduled = "scheduled";
  const auto p = pickup("acme", "pk7", {a});
  ASSERT_EQ(claim_of(hash, p), claim::outcome::claimed);
  ASSERT_TRUE(wait(db().finish_pickup(moved(p, "scheduled"), 201, "{}")).has_value());
  // Expecting booking while it is scheduled: nothing written, the shipment still taken.
  const auto cancelled = moved(p, "cancelled", "2026-12-02T10:00:00Z");
  EXPECT_FALSE(wait(db().update_pickup(cancelled, booking)).value());
  EXPECT_EQ(find("acme", p.id)->status, "scheduled");
  EXPECT_EQ(find("acme", p.id)->body, moved(p, "scheduled").body);
  auto taken = wait(db().claim_pickup(hash, pickup("acme", "pk8", {a}), kNow));
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().kind, error_kind::conflict);
  // Another tenant cannot move it either.
  auto stranger = cancelled;
  stranger.tenant = "globex";
  EXPECT_FALSE(wait(db().update_pickup(stranger, scheduled)).value());
  EXPECT_EQ(find("acme", p.id)->status, "scheduled");
  // Expecting what it is: written.
  EXPECT_TRUE(wait(db().update_pickup(cancelled, scheduled)).value());
  EXPECT_EQ(find("acme", p.id)->status, "cancelled");
  // A move that is no cancellation keeps the shipments taken.
  const auto b = buy("acme");
  const auto q = pickup("acme", "pk9", {b});
  ASSERT_EQ(claim_of(hash, q), claim::outcome::claimed);
  EXPECT_TRUE(wait(db().update_pickup(moved(q, "unconfirmed"), booking)).value());
  auto still = wait(db().claim_pickup(hash, pickup("acme", "pk10", {b}), kNow));
  ASSERT_FALSE(still.has_value());
  EXPECT_EQ(still.error().fields.at(0).message, "already in pickup " + q.id);
}

TEST_P(pickup_store_contract, an_abandoned_pickup_frees_its_key_and_shipments_and_leaves_nothing) {
  const auto a = buy("acme");
  const std::string hash = "h", other_hash = "h2", tenant = "acme", k = "pk11";
  const auto p = pickup("acme", "pk11", {a});
  ASSERT_EQ(claim_of(hash, p), claim::outcome::claimed);
  auto gone = wait(db().abandon_pickup(tenant, k, p.id));
  ASSERT_TRUE(gone.has_value()) << gone.error().carrier_message;
  EXPECT_FALSE(find(std::string(), p.id).has_value());
  EXPECT_TRUE(wait(peer().interrupted_pickups()).value().empty());
  // The key is free (another request under it is no mismatch) and so is the shipment.
  const auto retry = pickup("acme", "pk11", {a});
  ASSERT_EQ(claim_of(other_hash, retry), claim::outcome::claimed);
  EXPECT_EQ(find("acme", retry.id)->shipment_ids, (std::vector<std::string>{a}));
}

TEST_P(pickup_store_contract, abandoning_a_recovered_pickup_keeps_its_answer) {
  const auto a = buy("acme");
  const std::string hash = "h", tenant = "acme", k = "pk12", problem = R"({"status":504})";
  const auto p = pickup("acme", "pk12", {a});
  ASSERT_EQ(claim_of(hash, p), claim::outcome::claimed);
  auto recovered = wait(peer().interrupted_pickups()).value().at(0);
  ASSERT_TRUE(wait(peer().finish_pickup(moved(recovered, "unconfirmed"), 504, problem)));
  ASSERT_TRUE(wait(db().abandon_pickup(tenant, k, p.id)).has_value());
  auto row = find("acme", p.id);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->status, "unconfirmed");
  EXPECT_EQ(row->shipment_ids, (std::vector<std::string>{a}));
  auto again = wait(db().claim_pickup(hash, pickup("acme", "pk12", {}), kNow)).value();
  EXPECT_EQ(again.result, claim::outcome::replay);
  EXPECT_EQ(again.status, 504);
  EXPECT_EQ(again.body, problem);
}

TEST_P(pickup_store_contract, a_pickup_is_interrupted_only_once_its_owner_is_gone) {
  const auto a = buy("acme"), b = buy("acme"), c = buy("acme");
  const std::string hash = "h";
  const auto alive = instance_lease(db().instance());
  ASSERT_TRUE(wait(db().acquire_lease(alive, 60s)).value());
  auto older = pickup("acme", "own-1", {b, a});
  older.created_at = "2026-12-02T08:00:00Z";
  const auto newer = pickup("acme", "own-2", {c});
  ASSERT_EQ(claim_of(hash, newer), claim::outcome::claimed);
  ASSERT_EQ(claim_of(hash, older), claim::outcome::claimed);
  EXPECT_TRUE(wait(peer().interrupted_pickups()).value().empty());  // its owner is alive
  ASSERT_TRUE(wait(db().release_lease(alive)).has_value());
  auto gone = wait(peer().interrupted_pickups()).value();
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_EQ(gone[0].id, older.id);  // oldest first
  EXPECT_EQ(gone[0].shipment_ids, (std::vector<std::string>{b, a}));
  EXPECT_EQ(gone[0].idempotency_key, "own-1");
  EXPECT_EQ(gone[0].status, "booking");
  EXPECT_EQ(gone[0].tenant, "acme");
  EXPECT_EQ(gone[1].id, newer.id);
  EXPECT_EQ(gone[1].shipment_ids, (std::vector<std::string>{c}));
  // Expired is gone too; never this instance's own.
  ASSERT_TRUE(wait(db().acquire_lease(alive, 1ms)).value());
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(wait(peer().interrupted_pickups()).value().size(), 2u);
  EXPECT_TRUE(wait(db().interrupted_pickups()).value().empty());
  // Once it is no longer booking it is not interrupted any more.
  ASSERT_TRUE(wait(db().finish_pickup(moved(older, "scheduled"), 201, "{}")).has_value());
  auto left = wait(peer().interrupted_pickups()).value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, newer.id);
}

TEST_P(pickup_store_contract, a_late_schedule_confirms_a_pickup_recovered_as_unconfirmed) {
  const auto a = buy("acme"), b = buy("acme");
  const std::string hash = "h", problem = R"({"status":504})", body = R"({"scheduled":1})";
  const auto p = pickup("acme", "slow", {a});
  ASSERT_EQ(claim_of(hash, p), claim::outcome::claimed);
  // The peer took the owner for gone and recovered the pickup as unconfirmed.
  auto recovered = wait(peer().interrupted_pickups()).value().at(0);
  ASSERT_TRUE(wait(peer().finish_pickup(moved(recovered, "unconfirmed"), 504, problem)));
  EXPECT_EQ(find("acme", p.id)->status, "unconfirmed");
  auto unknown = wait(db().claim_pickup(hash, p, kNow)).value();
  EXPECT_EQ(unknown.result, claim::outcome::replay);
  EXPECT_EQ(unknown.status, 504);
  EXPECT_EQ(unknown.body, problem);
  // The owner was only slow: the carrier booked it.
  const auto scheduled = moved(p, "scheduled", "2026-12-02T09:01:00Z");
  ASSERT_TRUE(wait(db().finish_pickup(scheduled, 201, body)).has_value());
  auto row = find("acme", p.id);
  EXPECT_EQ(row->status, "scheduled");
  EXPECT_EQ(row->body, scheduled.body);
  EXPECT_EQ(row->updated_at, "2026-12-02T09:01:00Z");
  auto replay = wait(db().claim_pickup(hash, p, kNow)).value();
  EXPECT_EQ(replay.result, claim::outcome::replay);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, body);
  // An unconfirmed outcome finding it unconfirmed already changes nothing.
  const auto q = pickup("acme", "slow-2", {b});
  ASSERT_EQ(claim_of(hash, q), claim::outcome::claimed);
  const auto first = moved(q, "unconfirmed", "2026-12-02T09:02:00Z");
  ASSERT_TRUE(wait(peer().finish_pickup(first, 504, problem)).has_value());
  const auto second = moved(q, "unconfirmed", "2026-12-02T09:03:00Z");
  const std::string other_problem = R"({"status":502})";
  ASSERT_TRUE(wait(db().finish_pickup(second, 502, other_problem)).has_value());
  auto kept = find("acme", q.id);
  EXPECT_EQ(kept->status, "unconfirmed");
  EXPECT_EQ(kept->updated_at, "2026-12-02T09:02:00Z");
  auto answer = wait(db().claim_pickup(hash, q, kNow)).value();
  EXPECT_EQ(answer.status, 504);
  EXPECT_EQ(answer.body, problem);
  // Nor does a cancellation: finishing only moves from booking (or unconfirmed to scheduled).
  ASSERT_TRUE(wait(db().finish_pickup(moved(q, "cancelled"), 200, "{}")).has_value());
  EXPECT_EQ(find("acme", q.id)->status, "unconfirmed");
}

TEST_P(pickup_store_contract, a_pickup_is_read_by_its_tenant_or_by_any_tenant_only) {
  const auto a = buy("acme");
  const std::string hash = "h";
  const auto p = pickup("acme", "pk13", {a});
  ASSERT_EQ(claim_of(hash, p), claim::outcome::claimed);
  EXPECT_FALSE(find("globex", p.id).has_value());
  auto any = find(std::string(), p.id);
  ASSERT_TRUE(any.has_value());
  EXPECT_EQ(any->tenant, "acme");
  EXPECT_EQ(any->shipment_ids, (std::vector<std::string>{a}));
  EXPECT_TRUE(find("acme", p.id).has_value());
  EXPECT_FALSE(find(std::string(), "pck_nope").has_value());
  // Another tenant's key of the same name is another key.
  const auto g = buy("globex");
  EXPECT_EQ(claim_of(hash, pickup("globex", "pk13", {g})), claim::outcome::claimed);
}

TEST_P(pickup_store_contract, scheduled_and_cancelled_pickups_announce_themselves_to_subscribers) {
  const auto a = buy("acme"), b = buy("acme");
  const auto g = buy("globex");
  const auto subscribe = [&](const std::string& tenant, std::vector<std::string> events) {
    webhook_endpoint e{.id = new_id("whk"),
                       .tenant = tenant,
                       .url = "https://hooks.example.com/" + tenant,
                       .events = std::move(events),
                       .secret = "whsec_c2VjcmV0",
                       .created_at = "2026-12-02T09:00:00Z"};
    auto made = wait(db().create_webhook(e));
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().carrier_message);
    return e;
  };
  const auto both = subscribe("acme", {"pickup.scheduled", "pickup.cancelled"});
  const auto cancels = subscribe("acme", {"pickup.cancelled"});
  subscribe("acme", {"shipment.created"});
  const auto theirs = subscribe("globex", {"pickup.scheduled"});
  ASSERT_TRUE(due().empty());
  const std::string hash = "h";
  const auto p = pickup("acme", "pk14", {a, b});
  ASSERT_EQ(claim_of(hash, p), claim::outcome::claimed);
  EXPECT_TRUE(due().empty());  // booking announces nothing
  const auto scheduled = moved(p, "scheduled");
  ASSERT_TRUE(wait(db().finish_pickup(scheduled, 201, "{}")).has_value());
  auto d = due();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].event_type, "pickup.scheduled");
  EXPECT_EQ(d[0].endpoint.id, both.id);
  EXPECT_EQ(d[0].data, scheduled.body);
  EXPECT_TRUE(d[0].event_id.starts_with("evt_")) << d[0].event_id;
  EXPECT_EQ(d[0].event_id.size(), 36u);
  // A cancellation goes to both acme endpoints that take it, with one event.
  const auto cancelled = moved(p, "cancelled", "2026-12-02T10:00:00Z");
  const std::string was = "scheduled";
  ASSERT_TRUE(wait(db().update_pickup(cancelled, was)).value());
  d = due();
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[1].event_type, "pickup.cancelled");
  EXPECT_EQ(d[2].event_type, "pickup.cancelled");
  EXPECT_EQ(d[1].event_id, d[2].event_id);
  EXPECT_EQ(d[1].data, cancelled.body);
  EXPECT_TRUE(d[1].endpoint.id == cancels.id || d[2].endpoint.id == cancels.id);
  EXPECT_NE(d[1].endpoint.id, d[2].endpoint.id);
  // A pickup recovered as unconfirmed announces nothing until it is confirmed late.
  const auto q = pickup("globex", "pk15", {g});
  ASSERT_EQ(claim_of(hash, q), claim::outcome::claimed);
  ASSERT_TRUE(wait(db().finish_pickup(moved(q, "unconfirmed"), 504, "{}")).has_value());
  EXPECT_EQ(due().size(), 3u);
  const auto late = moved(q, "scheduled", "2026-12-02T11:00:00Z");
  ASSERT_TRUE(wait(db().finish_pickup(late, 201, "{}")).has_value());
  d = due();
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[3].event_type, "pickup.scheduled");
  EXPECT_EQ(d[3].endpoint.id, theirs.id);
  EXPECT_EQ(d[3].data, late.body);
}

INSTANTIATE_TEST_SUITE_P(backends, pickup_store_contract, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// ---- label-less returns (migration 10; docs/labelless-returns.md) ----------------------------

class labelless_store_contract : public store_contract {
 protected:
  static shipment_row issued(const std::string& tenant, const std::string& idem) {
    auto r = pending(tenant, idem);
    r.status = "awaiting_dropoff";
    r.direction = "return";
    r.body = R"({"id":")" + r.id + R"(","status":"awaiting_dropoff"})";
    return r;
  }
  claim issue(const shipment_row& r, const std::string& code, const std::string& hash = "h-issue") {
    auto c = wait(db().create_labelless(hash, r, code, kRequest, 201, r.body));
    EXPECT_TRUE(c.has_value()) << c.error().message << " " << c.error().carrier_message;
    return c ? *c : claim{.result = claim::outcome::in_progress, .status = 0, .body = {}};
  }
  std::vector<webhook_delivery> due() {
    const auto far = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     1000;
    return wait(db().due_webhook_deliveries(far, 100)).value();
  }
  const std::string kRequest = R"({"direction":"return","label":{"mode":"labelless"}})";
};

TEST_P(labelless_store_contract, an_issued_return_is_found_by_its_code_and_its_key_replays) {
  const auto r = issued("acme", "rk1");
  ASSERT_EQ(issue(r, "K7QM4TZXP97").result, claim::outcome::claimed);
  // A shipment awaiting its drop-off, without a label, found by its code from any tenant.
  auto row = wait(db().get_shipment(std::string("acme"), r.id)).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->status, "awaiting_dropoff");
  EXPECT_FALSE(wait(db().get_label(std::string("acme"), r.id)).value().has_value());
  auto found = wait(db().find_labelless(std::string("K7QM4TZXP97"))).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->shipment.id, r.id);
  EXPECT_EQ(found->shipment.tenant, "acme");
  EXPECT_EQ(found->return_code, "K7QM4TZXP97");
  EXPECT_EQ(found->request_json, kRequest);
  EXPECT_FALSE(wait(db().find_labelless(std::string("K7QM4TZXP98"))).value().has_value());
  // The key replays the issue; with another request it is reused; nothing else was written.
  auto again = issue(issued("acme", "rk1"), "AAAAAAAAAA0");
  EXPECT_EQ(again.result, claim::outcome::replay);
  EXPECT_EQ(again.body, r.body);
  EXPECT_EQ(issue(issued("acme", "rk1"), "AAAAAAAAAA0", "other").result, claim::outcome::mismatch);
  EXPECT_FALSE(wait(db().find_labelless(std::string("AAAAAAAAAA0"))).value().has_value());
}

TEST_P(labelless_store_contract, a_code_issued_twice_is_a_conflict_and_writes_nothing) {
  ASSERT_EQ(issue(issued("acme", "rk2"), "K7QM4TZXP97").result, claim::outcome::claimed);
  const auto twin = issued("globex", "rk3");
  auto c = wait(db().create_labelless(std::string("h"), twin, std::string("K7QM4TZXP97"), kRequest,
                                      201, twin.body));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().kind, error_kind::conflict);
  // Neither the shipment nor the key stayed: the key is free for another code.
  EXPECT_FALSE(wait(db().get_shipment(std::string("globex"), twin.id)).value().has_value());
  EXPECT_EQ(issue(issued("globex", "rk3"), "BBBBBBBBBB0").result, claim::outcome::claimed);
}

TEST_P(labelless_store_contract, a_purchase_lands_on_the_issued_return_and_announces_it) {
  webhook_endpoint hook{.id = new_id("whk"),
                        .tenant = "acme",
                        .url = "https://hooks.example.com/a",
                        .events = {"shipment.created", "shipment.status_changed"},
                        .secret = "s",
                        .created_at = "2026-12-02T09:00:00Z"};
  ASSERT_TRUE(wait(db().create_webhook(hook)).has_value());
  const auto r = issued("acme", "rk4");
  ASSERT_EQ(issue(r, "K7QM4TZXP97").result, claim::outcome::claimed);
  // The scan's purchase: its own key, the same shipment id.
  auto p = r;
  p.status = "purchasing";
  p.idempotency_key = "labelless return " + r.id;
  const std::string now = "2026-12-02T09:00:01Z";
  ASSERT_EQ(wait(db().claim_purchase(std::string("point-a"), p, now)).value().result,
            claim::outcome::claimed);
  auto b = bought(p);
  b.body = R"({"id":")" + r.id + R"(","status":"label_created"})";
  ASSERT_TRUE(wait(db().complete_purchase(b, kLabel, 201, b.body)).has_value());
  auto row = wait(db().get_shipment(std::string("acme"), r.id)).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->status, "label_created");
  EXPECT_EQ(row->tracking_number, b.tracking_number);
  EXPECT_EQ(row->idempotency_key, "rk4") << "the shipment keeps the key it was issued with";
  EXPECT_TRUE(wait(db().get_label(std::string("acme"), r.id)).value().has_value());
  // Another point's request is refused by the key; the issue's own key still replays the issue.
  EXPECT_EQ(wait(db().claim_purchase(std::string("point-b"), p, now)).value().result,
            claim::outcome::mismatch);
  EXPECT_EQ(issue(issued("acme", "rk4"), "CCCCCCCCCC0").result, claim::outcome::replay);
  // shipment.created when issued, shipment.status_changed when bought.
  const auto d = due();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].event_type, "shipment.created");
  EXPECT_EQ(d[0].data, r.body);
  EXPECT_EQ(d[1].event_type, "shipment.status_changed");
  EXPECT_EQ(d[1].data, b.body);
}

TEST_P(labelless_store_contract, an_unknown_scan_purchase_leaves_the_return_pending) {
  const auto r = issued("acme", "rk5");
  ASSERT_EQ(issue(r, "K7QM4TZXP97").result, claim::outcome::claimed);
  auto p = r;
  p.status = "purchasing";
  p.idempotency_key = "labelless return " + r.id;
  const std::string now = "2026-12-02T09:00:01Z";
  ASSERT_EQ(wait(db().claim_purchase(std::string("point-a"), p, now)).value().result,
            claim::outcome::claimed);
  auto unknown = p;
  unknown.status = "pending_confirmation";
  const std::string answer = R"({"status":504})";
  ASSERT_TRUE(wait(db().mark_pending_confirmation(unknown, 504, answer)).has_value());
  auto row = wait(db().get_shipment(std::string("acme"), r.id)).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->status, "pending_confirmation");
  const std::string tenant = "acme", key = p.idempotency_key, hash = "point-a";
  auto held = wait(db().find_key(tenant, key, hash)).value();
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->result, claim::outcome::replay);
  EXPECT_EQ(held->status, 504);
  EXPECT_EQ(held->body, answer);
}

INSTANTIATE_TEST_SUITE_P(backends, labelless_store_contract,
                         ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace parcelgate::store
