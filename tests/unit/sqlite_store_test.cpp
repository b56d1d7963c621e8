#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <thread>

#include <sqlite3.h>

#include "gateway/domain/ids.hpp"
#include "gateway/store/migrations.hpp"
#include "gateway/store/sqlite/schema.hpp"
#include "gateway/store/store.hpp"

namespace parcelgate::store {
namespace {

// A shipment as claimed before the carrier call.
shipment_row pending_row(const std::string& tenant, const std::string& idem,
                         const std::string& reference = "r") {
  shipment_row r;
  r.id = new_id("shp");
  r.tenant = tenant;
  r.status = "purchasing";
  r.carrier = "colissimo";
  r.service = "home";
  r.reference = reference;
  r.direction = "outbound";
  r.idempotency_key = idem;
  r.body = "{\"id\":\"" + r.id + "\"}";
  r.created_at = r.updated_at = "2026-11-27T00:00:00Z";
  return r;
}

class sqlite_store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("pg-store-" + std::to_string(std::random_device{}()) + ".db");
    auto s = open_sqlite({.path = path_.string(), .busy_timeout_ms = 1000});
    ASSERT_TRUE(s.has_value());
    db_ = std::move(*s);
    ASSERT_TRUE(db_->migrate().has_value());
    ASSERT_TRUE(db_->create_api_key(key("acme")).has_value());
    ASSERT_TRUE(db_->create_api_key(key("globex")).has_value());
  }
  void TearDown() override {
    db_.reset();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  static api_key key(const std::string& tenant) {
    api_key k;
    k.id = new_id("key");
    k.tenant = tenant;
    k.key_hash = sha256_hex(k.id);
    k.hint = "pg_merchant_…";
    k.created_at = "2026-11-27T00:00:00Z";
    return k;
  }
  static shipment_row pending(const std::string& tenant, const std::string& idem,
                              const std::string& reference = "r") {
    return pending_row(tenant, idem, reference);
  }
  std::filesystem::path path_;
  std::unique_ptr<store> db_;
};

TEST(sqlite_store_migrations,
     a_version_1_database_keeps_its_shipments_labels_keys_and_purchases_in_flight) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("pg-v1-" + std::to_string(std::random_device{}()) + ".db");
  {
    // A database as version 1 left it: one finished purchase, one interrupted mid-flight.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const auto v1 = sqlite_migrations()[0];
    ASSERT_EQ(v1.version, 1);
    std::string sql =
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL);" +
        std::string(v1.sql) +
        "INSERT INTO schema_migrations VALUES (1, 'v1', '2026-11-01T00:00:00Z');"
        "INSERT INTO tenants VALUES ('acme', 't');"
        "INSERT INTO shipments (id, tenant_id, status, carrier, service, tracking_number, "
        "reference, direction, "
        "  idempotency_key, body, created_at, updated_at) VALUES "
        "('shp_done', 'acme', 'label_created', 'colissimo', 'home', '6A123', 'r1', 'outbound', "
        "'k-done', '{\"id\":\"shp_done\"}', 't', 't'),"
        "('shp_flying', 'acme', 'purchasing', 'mondialrelay', 'pickup_point', '', 'r2', 'return', "
        "'k-flying', '{\"id\":\"shp_flying\"}', 't', 't');"
        "INSERT INTO labels VALUES ('shp_done', 'pdf', 'application/pdf', x'255044462d');"
        "INSERT INTO idempotency_keys VALUES ('acme', 'k-done', 'h1', 'finished', 'shp_done', 201, "
        "'{\"id\":\"shp_done\"}', 't', 't'),"
        "('acme', 'k-flying', 'h2', 'started', 'shp_flying', NULL, NULL, 't', 't');";
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(db);
  }
  auto opened = open_sqlite({.path = path.string(), .busy_timeout_ms = 1000});
  ASSERT_TRUE(opened.has_value());
  auto db = std::move(*opened);
  auto applied = db->migrate();
  ASSERT_TRUE(applied.has_value()) << applied.error().carrier_message;
  EXPECT_EQ(*applied, static_cast<int>(sqlite_migrations().size()) - 1);

  auto done = db->get_shipment("acme", "shp_done");
  ASSERT_TRUE(done.has_value() && done->has_value());
  EXPECT_EQ((*done)->tracking_number, "6A123");
  EXPECT_NE((*done)->body.find("\"tenant\":\"acme\""), std::string::npos)
      << (*done)->body;  // migration 3
  auto label = db->get_label("acme", "shp_done");
  ASSERT_TRUE(label.has_value() && label->has_value());
  EXPECT_EQ((*label)->bytes, "%PDF-");
  auto replay = db->claim_purchase("h1", pending_row("acme", "k-done"), "t", "gw-a");
  ASSERT_TRUE(replay.has_value());
  EXPECT_EQ(replay->result, claim::outcome::replay);
  EXPECT_EQ(replay->status, 201);

  // The interrupted purchase is still known, with what recovery needs to mark it.
  auto interrupted = db->interrupted_purchases("gw-b");
  ASSERT_TRUE(interrupted.has_value());
  ASSERT_EQ(interrupted->size(), 1u);
  const auto& flying = interrupted->front().shipment;
  EXPECT_EQ(flying.id, "shp_flying");
  EXPECT_EQ(flying.carrier, "mondialrelay");
  EXPECT_EQ(flying.direction, "return");
  EXPECT_EQ(flying.idempotency_key, "k-flying");
  EXPECT_NE(flying.body.find("\"tenant\":\"acme\""), std::string::npos) << flying.body;
  EXPECT_FALSE(db->get_shipment("acme", "shp_flying")->has_value())
      << "in flight, not a shipment yet";
  auto marked = flying;
  marked.status = "pending_confirmation";
  ASSERT_TRUE(db->mark_pending_confirmation(marked, 504, "{}").has_value());
  EXPECT_TRUE(db->get_shipment("acme", "shp_flying")->has_value());
  EXPECT_TRUE(db->interrupted_purchases("gw-b")->empty());
  shipment_filter all;
  EXPECT_EQ(db->list_shipments("acme", all)->bodies.size(), 2u);
  db.reset();
  for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

// A file path in the temporary folder, its WAL files removed with it.
struct temp_db {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("pg-schema-" + std::to_string(std::random_device{}()) + ".db");
  ~temp_db() {
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  }
};

bool run_sql(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  bool ok = sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
            sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

// A database as the migrations up to `version` left it, built from the migration list.
void build_at_version(const std::filesystem::path& path, int version) {
  std::string sql =
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at TEXT NOT NULL);";
  for (const auto& m : sqlite_migrations()) {
    if (m.version > version) break;
    sql += std::string(m.sql) + ";INSERT INTO schema_migrations VALUES (" +
           std::to_string(m.version) + ", 'm', '2026-11-01T00:00:00Z');";
  }
  ASSERT_TRUE(run_sql(path, sql));
}

std::string describe(const result<sqlite::schema_status>& s) {
  if (!s) return "error: " + s.error().carrier_message;
  std::string out =
      std::to_string(s->database_version) + "/" + std::to_string(s->code_version) + " pending:";
  for (int v : s->pending) out += " " + std::to_string(v);
  return out;
}

TEST(sqlite_store_schema, status_reads_a_file_without_creating_or_changing_it) {
  const auto code = std::to_string(sqlite::code_schema_version());
  ASSERT_EQ(sqlite::code_schema_version(), sqlite_migrations().back().version);
  std::string all;
  for (const auto& m : sqlite_migrations()) all += " " + std::to_string(m.version);
  temp_db f;
  const sqlite_options options{.path = f.path.string(), .busy_timeout_ms = 1000};

  EXPECT_EQ(describe(sqlite::read_schema_status(options)), "0/" + code + " pending:" + all);
  EXPECT_FALSE(std::filesystem::exists(f.path)) << "reading the status created the file";

  build_at_version(f.path, 2);
  std::string after_2;
  for (const auto& m : sqlite_migrations())
    if (m.version > 2) after_2 += " " + std::to_string(m.version);
  EXPECT_EQ(describe(sqlite::read_schema_status(options)), "2/" + code + " pending:" + after_2);
  {
    auto db = open_sqlite(options);
    ASSERT_TRUE(db.has_value());
    auto applied = (*db)->migrate();
    ASSERT_TRUE(applied.has_value()) << applied.error().carrier_message;
    EXPECT_EQ(*applied, static_cast<int>(sqlite_migrations().size()) - 2);
  }
  EXPECT_EQ(describe(sqlite::read_schema_status(options)), code + "/" + code + " pending:");
  EXPECT_FALSE(std::filesystem::exists(f.path.string() + "-wal"))
      << "reading the status left WAL files behind";

  temp_db garbage;
  { std::ofstream(garbage.path) << "this is not a database, just text long enough to be read\n"; }
  const auto broken =
      sqlite::read_schema_status({.path = garbage.path.string(), .busy_timeout_ms = 1000});
  ASSERT_FALSE(broken.has_value()) << describe(broken);
  EXPECT_NE(broken.error().carrier_message.find("not a database"), std::string::npos)
      << broken.error().carrier_message;
}

TEST(sqlite_store_schema, a_database_newer_than_the_code_is_refused_and_left_unchanged) {
  temp_db f;
  const sqlite_options options{.path = f.path.string(), .busy_timeout_ms = 1000};
  build_at_version(f.path, sqlite::code_schema_version());
  ASSERT_TRUE(run_sql(f.path,
                      "INSERT INTO schema_migrations VALUES (999, 'future', 't');"
                      "CREATE TABLE from_the_future (x INTEGER)"));
  const auto status = sqlite::read_schema_status(options);
  EXPECT_EQ(describe(status), "999/" + std::to_string(sqlite::code_schema_version()) + " pending:");

  auto db = open_sqlite(options);
  ASSERT_TRUE(db.has_value());
  auto applied = (*db)->migrate();
  ASSERT_FALSE(applied.has_value())
      << "migrated a database newer than the code: applied " << *applied;
  EXPECT_NE(applied.error().carrier_message.find(
                "the database schema is at version 999, newer than this parcelgate (which knows "
                "up to version " +
                std::to_string(sqlite::code_schema_version()) + ")"),
            std::string::npos)
      << applied.error().carrier_message;
  db->reset();
  EXPECT_EQ(describe(sqlite::read_schema_status(options)), describe(status));
}

TEST_F(sqlite_store_test, migrations_apply_once) {
  auto again = db_->migrate();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, 0);
}

TEST_F(sqlite_store_test, idempotency_claim_moves_through_its_states) {
  auto row = pending("acme", "k1");
  auto first = db_->claim_purchase("hash-a", row, row.created_at, "gw-a");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->result, claim::outcome::claimed);

  auto twin = db_->claim_purchase("hash-a", pending("acme", "k1"), row.created_at, "gw-a");
  EXPECT_EQ(twin->result, claim::outcome::in_progress);
  auto other_body = db_->claim_purchase("hash-b", pending("acme", "k1"), row.created_at, "gw-a");
  EXPECT_EQ(other_body->result, claim::outcome::mismatch);

  row.status = "label_created";
  row.tracking_number = "6A00000000001";
  ASSERT_TRUE(db_->complete_purchase(row,
                                     {.format = "pdf",
                                      .content_type = "application/pdf",
                                      .bytes = "%PDF-1.4",
                                      .shipment_status = {}},
                                     201, "{\"done\":1}")
                  .has_value());
  auto replay = db_->claim_purchase("hash-a", pending("acme", "k1"), row.created_at, "gw-a");
  EXPECT_EQ(replay->result, claim::outcome::replay);
  EXPECT_EQ(replay->status, 201);
  EXPECT_EQ(replay->body, "{\"done\":1}");
  auto label = db_->get_label("acme", row.id);
  ASSERT_TRUE(label.has_value() && label->has_value());
  EXPECT_EQ((*label)->bytes, "%PDF-1.4");
}

TEST_F(sqlite_store_test, keys_are_scoped_per_tenant) {
  EXPECT_EQ(db_->claim_purchase("h", pending("acme", "same"), "t", "gw-a")->result,
            claim::outcome::claimed);
  EXPECT_EQ(db_->claim_purchase("h", pending("globex", "same"), "t", "gw-a")->result,
            claim::outcome::claimed);
}

TEST_F(sqlite_store_test, abandoned_purchase_frees_the_key_and_leaves_no_shipment) {
  auto row = pending("acme", "k2");
  ASSERT_EQ(db_->claim_purchase("h", row, "t", "gw-a")->result, claim::outcome::claimed);
  ASSERT_TRUE(db_->abandon_purchase("acme", "k2", row.id).has_value());
  EXPECT_FALSE(db_->get_shipment("acme", row.id)->has_value());
  EXPECT_EQ(db_->claim_purchase("h", pending("acme", "k2"), "t", "gw-a")->result,
            claim::outcome::claimed);
}

TEST_F(sqlite_store_test, interrupted_purchases_are_listed_until_marked) {
  auto row = pending("acme", "k3");
  ASSERT_EQ(db_->claim_purchase("h", row, "t", "gw-a")->result, claim::outcome::claimed);
  auto interrupted = db_->interrupted_purchases("gw-b");
  ASSERT_EQ(interrupted->size(), 1u);
  EXPECT_EQ((*interrupted)[0].shipment.id, row.id);
  row.status = "pending_confirmation";
  ASSERT_TRUE(db_->mark_pending_confirmation(row, 504, "{\"status\":504}").has_value());
  EXPECT_TRUE(db_->interrupted_purchases("gw-b")->empty());
  auto replay = db_->claim_purchase("h", pending("acme", "k3"), "t", "gw-a");
  EXPECT_EQ(replay->result, claim::outcome::replay);
  EXPECT_EQ(replay->status, 504);
}

TEST_F(sqlite_store_test, another_tenant_cannot_read_a_shipment_or_its_label) {
  auto row = pending("acme", "k4");
  db_->claim_purchase("h", row, "t", "gw-a");
  row.status = "label_created";
  db_->complete_purchase(
      row,
      {.format = "pdf", .content_type = "application/pdf", .bytes = "x", .shipment_status = {}},
      201, "{}");
  EXPECT_TRUE(db_->get_shipment("acme", row.id)->has_value());
  EXPECT_FALSE(db_->get_shipment("globex", row.id)->has_value());
  EXPECT_FALSE(db_->get_label("globex", row.id)->has_value());
  EXPECT_TRUE(db_->get_shipment("", row.id)->has_value()) << "ops scope sees every tenant";
}

TEST_F(sqlite_store_test, list_pages_newest_first_with_a_cursor_and_filters) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto row = pending("acme", "list-" + std::to_string(i), i % 2 ? "odd" : "even");
    db_->claim_purchase("h", row, "t", "gw-a");
    row.status = "label_created";
    db_->complete_purchase(
        row,
        {.format = "pdf", .content_type = "application/pdf", .bytes = "x", .shipment_status = {}},
        201, row.body);
    ids.push_back(row.id);
  }
  shipment_filter f;
  f.limit = 2;
  auto page = db_->list_shipments("acme", f);
  ASSERT_EQ(page->bodies.size(), 2u);
  EXPECT_TRUE(page->has_more);
  EXPECT_NE(page->bodies[0].find(ids[4]), std::string::npos);
  EXPECT_EQ(page->next_cursor, ids[3]) << "the cursor is the id of the last shipment on the page";
  f.starting_after = ids[3];
  auto next = db_->list_shipments("acme", f);
  EXPECT_NE(next->bodies[0].find(ids[2]), std::string::npos);
  shipment_filter by_ref;
  by_ref.reference = "odd";
  EXPECT_EQ(db_->list_shipments("acme", by_ref)->bodies.size(), 2u);
  EXPECT_TRUE(db_->list_shipments("globex", {})->bodies.empty());
  shipment_filter foreign_cursor;
  foreign_cursor.starting_after = ids[0];
  EXPECT_FALSE(db_->list_shipments("globex", foreign_cursor).has_value())
      << "a cursor of another tenant is unknown";
}

TEST_F(sqlite_store_test, update_is_a_compare_and_set_on_status) {
  auto row = pending("acme", "k5");
  db_->claim_purchase("h", row, "t", "gw-a");
  row.status = "label_created";
  db_->complete_purchase(
      row,
      {.format = "pdf", .content_type = "application/pdf", .bytes = "x", .shipment_status = {}},
      201, "{}");
  row.status = "cancelled";
  EXPECT_TRUE(*db_->update_shipment(row, "label_created"));
  EXPECT_FALSE(*db_->update_shipment(row, "label_created"));
}

TEST_F(sqlite_store_test, revoked_keys_stay_listed_with_their_revocation_time) {
  auto k = key("acme");
  db_->create_api_key(k);
  EXPECT_TRUE(*db_->revoke_api_key(k.id, "2026-11-27T01:00:00Z"));
  EXPECT_FALSE(*db_->revoke_api_key(k.id, "2026-11-27T02:00:00Z"));
  auto found = db_->find_api_key(k.key_hash);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->revoked_at, "2026-11-27T01:00:00Z");
}

TEST_F(sqlite_store_test, old_finished_keys_are_purged) {
  auto row = pending("acme", "old");
  db_->claim_purchase("h", row, "2026-01-01T00:00:00Z", "gw-a");
  row.status = "label_created";
  db_->complete_purchase(
      row,
      {.format = "pdf", .content_type = "application/pdf", .bytes = "x", .shipment_status = {}},
      201, "{}");
  auto n = db_->purge_idempotency_keys("2026-06-01T00:00:00Z");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 1);
}

TEST_F(sqlite_store_test, queued_writes_share_a_commit_and_a_failing_one_is_rolled_back_alone) {
  // Writes queued together: each reports only after the commit; the one that fails keeps nothing.
  constexpr int kJobs = 40;
  std::vector<shipment_row> rows;
  for (int i = 0; i < kJobs; ++i) rows.push_back(pending("acme", "batch-" + std::to_string(i)));
  std::vector<std::promise<bool>> done(kJobs);
  std::atomic<int> ran = 0;
  for (int i = 0; i < kJobs; ++i) {
    db_->submit_write(
        [&, i] {
          ++ran;
          auto r = db_->claim_purchase("h", rows[static_cast<std::size_t>(i)], "t", "gw-a");
          // Job 7 changes its mind after writing: its rows must vanish, the others must stay.
          return i != 7 && r.has_value() && r->result == claim::outcome::claimed;
        },
        [&, i](bool committed) { done[static_cast<std::size_t>(i)].set_value(committed); });
  }
  for (auto& d : done) EXPECT_TRUE(d.get_future().get());
  EXPECT_EQ(ran.load(), kJobs);
  auto interrupted = db_->interrupted_purchases("gw-b");
  ASSERT_TRUE(interrupted.has_value());
  EXPECT_EQ(interrupted->size(), static_cast<std::size_t>(kJobs - 1));
  for (const auto& p : *interrupted) EXPECT_NE(p.idempotency_key, "batch-7");
  EXPECT_EQ(db_->claim_purchase("h", pending("acme", "batch-7"), "t", "gw-a")->result,
            claim::outcome::claimed)
      << "the rolled-back job left its key free";
}

TEST_F(sqlite_store_test, a_failing_write_alone_in_its_batch_keeps_nothing_and_the_next_one_lands) {
  // A batch of one runs without a savepoint: its failure rolls the whole transaction back.
  auto row = pending("acme", "alone");
  std::promise<bool> failed;
  db_->submit_write(
      [&] {
        auto r = db_->claim_purchase("h", row, "t", "gw-a");
        return !(r.has_value() &&
                 r->result == claim::outcome::claimed);  // wrote, then changes its mind
      },
      [&](bool committed) { failed.set_value(committed); });
  EXPECT_TRUE(failed.get_future().get()) << "the (empty) transaction is reported done";
  EXPECT_TRUE(db_->interrupted_purchases("gw-b")->empty())
      << "nothing of the failed write was kept";
  auto again = db_->claim_purchase("h", row, "t", "gw-a");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->result, claim::outcome::claimed)
      << "the key is free again and the writer still works";
  EXPECT_EQ(db_->interrupted_purchases("gw-b")->size(), 1u);
}

TEST_F(sqlite_store_test, large_bodies_and_label_bytes_are_stored_exactly) {
  // Bodies and label bytes are bound without a copy: what lands must be the caller's bytes.
  auto row = pending("acme", "big");
  row.body = "{\"id\":\"" + row.id + "\",\"pad\":\"" + std::string(20000, 'x') + "\"}";
  ASSERT_EQ(db_->claim_purchase("h", row, "t", "gw-a")->result, claim::outcome::claimed);
  std::string bytes(50000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  row.status = "label_created";
  row.body += " ";
  ASSERT_TRUE(db_->complete_purchase(row,
                                     {.format = "pdf",
                                      .content_type = "application/pdf",
                                      .bytes = bytes,
                                      .shipment_status = {}},
                                     201, row.body)
                  .has_value());
  auto label = db_->get_label("acme", row.id);
  ASSERT_TRUE(label.has_value() && label->has_value());
  EXPECT_EQ((*label)->bytes, bytes);
  auto stored = db_->get_shipment("acme", row.id);
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->body, row.body);
  auto replay = db_->claim_purchase("h", row, "t", "gw-a");
  ASSERT_TRUE(replay.has_value());
  EXPECT_EQ(replay->result, claim::outcome::replay);
  EXPECT_EQ(replay->body, row.body);
}

TEST_F(sqlite_store_test, blocking_writers_on_many_threads_all_land_once) {
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> claimed = 0;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto row =
            pending("acme", "t" + std::to_string(t) + "-" + std::to_string(i % 20));  // some twins
        auto c = db_->claim_purchase("h", row, "t", "gw-a");
        if (c && c->result == claim::outcome::claimed) {
          ++claimed;
          row.status = "label_created";
          EXPECT_TRUE(db_->complete_purchase(row,
                                             {.format = "pdf",
                                              .content_type = "application/pdf",
                                              .bytes = "x",
                                              .shipment_status = {}},
                                             201, row.body)
                          .has_value());
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.load(), kThreads * 20) << "each distinct key claimed exactly once";
  shipment_filter all;
  all.limit = 1000;
  EXPECT_EQ(db_->list_shipments("acme", all)->bodies.size(),
            static_cast<std::size_t>(kThreads * 20));
}

TEST_F(sqlite_store_test, the_write_ahead_log_restarts_under_a_steady_stream_of_commits) {
  // Without checkpoints that catch up with the writer, the log never restarts and every commit
  // appends to an ever larger file (each purchase writes some 16 pages, ~64 KiB, to it).
  constexpr int kThreads = 4, kEach = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto row = pending("acme", "wal-" + std::to_string(t) + "-" + std::to_string(i));
        ASSERT_EQ(db_->claim_purchase("h", row, "t", "gw-a")->result, claim::outcome::claimed);
        row.status = "label_created";
        ASSERT_TRUE(db_->complete_purchase(row,
                                           {.format = "pdf",
                                            .content_type = "application/pdf",
                                            .bytes = std::string(2048, 'x'),
                                            .shipment_status = {}},
                                           201, row.body));
      }
    });
  for (auto& t : threads) t.join();
  const auto wal_bytes = std::filesystem::file_size(path_.string() + "-wal");
  EXPECT_LT(wal_bytes, 32u << 20) << "the log kept growing: " << wal_bytes << " bytes after "
                                  << kThreads * kEach << " purchases";
}

}  // namespace
}  // namespace parcelgate::store
