// SQLite implementation of store: WAL journal, synchronous=FULL (a commit is on disk when it
// returns), one writer connection behind a mutex, a small pool of reader connections that run in
// parallel with the writer (WAL readers never block on it).

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "gateway/store/migrations.hpp"
#include "gateway/store/store.hpp"

namespace parcelgate::store {

std::string_view to_string(role r) noexcept {
  switch (r) {
    case role::merchant:
      return "merchant";
    case role::point:
      return "point";
    case role::ops:
      return "ops";
  }
  return "merchant";
}

std::optional<role> parse_role(std::string_view s) noexcept {
  if (s == "merchant") return role::merchant;
  if (s == "point") return role::point;
  if (s == "ops") return role::ops;
  return std::nullopt;
}

namespace {

std::unexpected<error> db_error(sqlite3* db, std::string_view what) {
  // The caller sees a generic message; the SQLite text goes to carrier_message for the log only.
  error e{.kind = error_kind::internal,
          .message = "storage failure",
          .carrier_code = "sqlite",
          .carrier_message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "?"),
          .retry_after_s = 0};
  return std::unexpected(std::move(e));
}

std::unexpected<error> commit_failed() {
  error e{.kind = error_kind::internal,
          .message = "storage failure",
          .carrier_code = "sqlite",
          .carrier_message = "the write transaction did not commit",
          .retry_after_s = 0};
  return std::unexpected(std::move(e));
}

struct sql_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view v) const noexcept {
    return std::hash<std::string_view>{}(v);
  }
};

// A connection and its prepared statements. Statements are compiled once and reused: parsing
// and planning cost more than running the small statements of a purchase. Used by one thread at
// a time (the writer under write_mutex_, a reader while checked out).
struct connection {
  struct prepared {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db = nullptr;
  std::unordered_map<std::string, prepared, sql_hash, std::equal_to<>> statements;

  connection() = default;
  explicit connection(sqlite3* d) : db(d) {}
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection() {
    for (auto& [sql, p] : statements) sqlite3_finalize(p.stmt);
    sqlite3_close_v2(db);
  }
};

class statement {
 public:
  // Borrows the connection's compiled statement for `sql` (compiling it the first time); a
  // statement already in use on the connection is compiled again for this use only.
  statement(connection& c, std::string_view sql) {
    auto it = c.statements.find(sql);
    if (it != c.statements.end() && !it->second.in_use) {
      cached_ = &it->second;
      cached_->in_use = true;
      stmt_ = cached_->stmt;
      return;
    }
    const bool keep = it == c.statements.end();
    if (sqlite3_prepare_v3(c.db, sql.data(), static_cast<int>(sql.size()),
                           keep ? SQLITE_PREPARE_PERSISTENT : 0, &stmt_, nullptr) != SQLITE_OK) {
      stmt_ = nullptr;
      return;
    }
    if (keep) {
      cached_ =
          &c.statements.emplace(std::string(sql), connection::prepared{stmt_, true}).first->second;
    }
  }
  ~statement() {
    if (!cached_) {
      sqlite3_finalize(stmt_);
      return;
    }
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    cached_->in_use = false;
  }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  statement& bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  statement& bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Binds without a copy: `v` must stay alive and unchanged until this statement is destroyed
  // (it is reset there). For the large values of a purchase (bodies, label bytes) that the
  // caller owns for the whole call; never for a temporary.
  statement& bind_borrowed(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  statement& bind_borrowed_blob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  statement& bind(int i, long long v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  statement& bind_null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
  std::string text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::string blob(int col) const {
    auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  long long integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  connection::prepared* cached_ = nullptr;
};

bool exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeded.
class transaction {
 public:
  explicit transaction(sqlite3* db) : db_(db), open_(exec(db, "BEGIN IMMEDIATE")) {}
  ~transaction() {
    if (open_) exec(db_, "ROLLBACK");
  }
  bool begun() const { return open_; }
  bool commit() {
    if (!open_) return false;
    open_ = false;
    if (exec(db_, "COMMIT")) return true;
    exec(db_, "ROLLBACK");
    return false;
  }

 private:
  sqlite3* db_;
  bool open_;
};

constexpr const char* kShipmentColumns =
    "id, tenant_id, status, carrier, service, carrier_service, tracking_number, reference, "
    "direction, "
    "idempotency_key, body, created_at, updated_at";

shipment_row read_shipment(const statement& s) {
  shipment_row r;
  r.id = s.text(0);
  r.tenant = s.text(1);
  r.status = s.text(2);
  r.carrier = s.text(3);
  r.service = s.text(4);
  r.carrier_service = s.text(5);
  r.tracking_number = s.text(6);
  r.reference = s.text(7);
  r.direction = s.text(8);
  r.idempotency_key = s.text(9);
  r.body = s.text(10);
  r.created_at = s.text(11);
  r.updated_at = s.text(12);
  return r;
}

api_key read_key(const statement& s) {
  api_key k;
  k.id = s.text(0);
  k.tenant = s.text(1);
  k.key_role = parse_role(s.text(2)).value_or(role::merchant);
  k.key_hash = s.text(3);
  k.hint = s.text(4);
  k.name = s.text(5);
  k.created_at = s.text(6);
  k.revoked_at = s.is_null(7) ? "" : s.text(7);
  return k;
}

class sqlite_store final : public store {
 public:
  explicit sqlite_store(sqlite_options options) : options_(std::move(options)) {}
  ~sqlite_store() override {
    stop_writer();
    {
      std::lock_guard lock(checkpoint_mutex_);
      stopping_ = true;
    }
    checkpoint_wake_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
    readers_.clear();
    sqlite3_close_v2(checkpoint_db_);
  }

  result<void> open() {
    auto w = open_connection(false);
    if (!w) return std::unexpected(w.error());
    writer_.db = *w;
    // Checkpoints copy the WAL back into the database file. SQLite runs them inside the commit
    // that crosses the threshold, which would stall that purchase; here a background thread runs
    // them on its own connection instead, so commits only append to the WAL.
    auto c = open_connection(false);
    if (!c) return std::unexpected(c.error());
    checkpoint_db_ = *c;
    exec(writer_.db,
         "PRAGMA wal_autocheckpoint=0; PRAGMA temp_store=MEMORY; PRAGMA "
         "journal_size_limit=67108864");
    sqlite3_wal_hook(writer_.db, &sqlite_store::on_wal_commit, this);
    checkpointer_ = std::thread([this] { checkpoint_loop(); });
    writer_thread_ = std::thread([this] { writer_loop(); });
    return {};
  }

  result<int> migrate() override {
    std::lock_guard lock(write_mutex_);
    if (!exec(writer_.db,
              "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
              "name TEXT NOT NULL, applied_at TEXT NOT NULL)"))
      return db_error(writer_.db, "create schema_migrations");
    // Table rebuilds drop and rename tables that others reference: foreign keys are checked once
    // at the end of each migration instead of statement by statement (the pragma only takes
    // effect outside a transaction).
    exec(writer_.db, "PRAGMA foreign_keys=OFF");
    struct restore_fk {
      sqlite3* db;
      ~restore_fk() { exec(db, "PRAGMA foreign_keys=ON"); }
    } restore{writer_.db};
    int applied = 0;
    for (const auto& m : sqlite_migrations()) {
      statement q(writer_, "SELECT 1 FROM schema_migrations WHERE version = ?");
      q.bind(1, static_cast<long long>(m.version));
      if (q.step() == SQLITE_ROW) continue;
      transaction tx(writer_.db);
      if (!tx.begun()) return db_error(writer_.db, "begin migration");
      std::string sql(m.sql);
      if (!exec(writer_.db, sql.c_str()))
        return db_error(writer_.db, "migration " + std::to_string(m.version));
      statement fk(writer_, "PRAGMA foreign_key_check");
      if (fk.step() != SQLITE_DONE) {
        error e{.kind = error_kind::internal,
                .message = "storage failure",
                .carrier_code = "sqlite",
                .carrier_message = "migration " + std::to_string(m.version) +
                                   " leaves a dangling reference in " + fk.text(0),
                .retry_after_s = 0};
        return std::unexpected(std::move(e));
      }
      statement ins(writer_,
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      ins.bind(1, static_cast<long long>(m.version)).bind(2, m.name).bind(3, now_text());
      if (ins.step() != SQLITE_DONE || !tx.commit())
        return db_error(writer_.db, "record migration");
      ++applied;
    }
    return applied;
  }

  result<void> create_api_key(const api_key& key) override {
    std::lock_guard lock(write_mutex_);
    transaction tx(writer_.db);
    if (!tx.begun()) return db_error(writer_.db, "begin");
    statement t(writer_, "INSERT OR IGNORE INTO tenants (id, created_at) VALUES (?, ?)");
    t.bind(1, key.tenant).bind(2, key.created_at);
    if (t.step() != SQLITE_DONE) return db_error(writer_.db, "insert tenant");
    statement k(writer_,
                "INSERT INTO api_keys (id, tenant_id, role, key_hash, hint, name, created_at) "
                "VALUES (?,?,?,?,?,?,?)");
    k.bind(1, key.id)
        .bind(2, key.tenant)
        .bind(3, to_string(key.key_role))
        .bind(4, key.key_hash)
        .bind(5, key.hint)
        .bind(6, key.name)
        .bind(7, key.created_at);
    if (k.step() != SQLITE_DONE) return db_error(writer_.db, "insert api key");
    if (!tx.commit()) return db_error(writer_.db, "commit");
    return {};
  }

  result<std::optional<api_key>> find_api_key(std::string_view key_hash) override {
    return with_reader([&](connection& db) -> result<std::optional<api_key>> {
      statement s(db,
                  "SELECT id, tenant_id, role, key_hash, hint, name, created_at, revoked_at FROM "
                  "api_keys WHERE key_hash = ?");
      s.bind(1, key_hash);
      int rc = s.step();
      if (rc == SQLITE_ROW) return std::optional<api_key>(read_key(s));
      if (rc == SQLITE_DONE) return std::optional<api_key>();
      return db_error(db.db, "find api key");
    });
  }

  result<std::vector<api_key>> list_api_keys() override {
    return with_reader([&](connection& db) -> result<std::vector<api_key>> {
      statement s(db,
                  "SELECT id, tenant_id, role, key_hash, hint, name, created_at, revoked_at FROM "
                  "api_keys ORDER BY tenant_id, created_at");
      std::vector<api_key> out;
      int rc;
      while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_key(s));
      if (rc != SQLITE_DONE) return db_error(db.db, "list api keys");
      return out;
    });
  }

  result<bool> revoke_api_key(std::string_view id, std::string_view at) override {
    std::lock_guard lock(write_mutex_);
    statement s(writer_, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    s.bind(1, at).bind(2, id);
    if (s.step() != SQLITE_DONE) return db_error(writer_.db, "revoke api key");
    return sqlite3_changes(writer_.db) > 0;
  }

  result<claim> claim_purchase(std::string_view request_hash, const shipment_row& pending,
                               std::string_view now) override {
    return batched<claim>([&]() -> result<claim> {
      statement q(
          writer_,
          "SELECT request_hash, state, response_status, response_body FROM idempotency_keys "
          "WHERE tenant_id = ? AND key = ?");
      q.bind(1, pending.tenant).bind(2, pending.idempotency_key);
      int rc = q.step();
      if (rc == SQLITE_ROW) {
        claim c;
        if (q.text(0) != request_hash)
          c.result = claim::outcome::mismatch;
        else if (q.text(1) == "finished") {
          c.result = claim::outcome::replay;
          c.status = static_cast<int>(q.integer(2));
          c.body = q.text(3);
        } else {
          c.result = claim::outcome::in_progress;
        }
        return c;
      }
      if (rc != SQLITE_DONE) return db_error(writer_.db, "read idempotency key");
      statement k(writer_,
                  "INSERT INTO idempotency_keys (tenant_id, key, request_hash, state, shipment_id, "
                  "created_at, updated_at) "
                  "VALUES (?, ?, ?, 'started', ?, ?, ?)");
      k.bind(1, pending.tenant)
          .bind(2, pending.idempotency_key)
          .bind(3, request_hash)
          .bind(4, pending.id)
          .bind(5, now)
          .bind(6, now);
      if (k.step() != SQLITE_DONE) return db_error(writer_.db, "insert idempotency key");
      statement f(writer_,
                  "INSERT INTO purchases_in_flight (shipment_id, tenant_id, carrier, service, "
                  "carrier_service, "
                  "reference, direction, idempotency_key, body, created_at, updated_at) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
      f.bind(1, pending.id)
          .bind(2, pending.tenant)
          .bind(3, pending.carrier)
          .bind(4, pending.service)
          .bind(5, pending.carrier_service)
          .bind(6, pending.reference)
          .bind(7, pending.direction)
          .bind(8, pending.idempotency_key)
          .bind_borrowed(9, pending.body)
          .bind(10, pending.created_at)
          .bind(11, pending.updated_at);
      if (f.step() != SQLITE_DONE) return db_error(writer_.db, "insert purchase in flight");
      return claim{};
    });
  }

  result<void> complete_purchase(const shipment_row& shipment, const stored_label& label,
                                 int response_status, std::string_view response_body) override {
    return batched<void>([&]() -> result<void> {
      if (auto r = land(shipment); !r) return std::unexpected(r.error());
      statement l(writer_,
                  "INSERT OR REPLACE INTO labels (shipment_id, format, content_type, bytes) VALUES "
                  "(?, ?, ?, ?)");
      l.bind(1, shipment.id)
          .bind(2, label.format)
          .bind(3, label.content_type)
          .bind_borrowed_blob(4, label.bytes);
      if (l.step() != SQLITE_DONE) return db_error(writer_.db, "insert label");
      return finish_key(shipment, response_status, response_body);
    });
  }

  result<void> abandon_purchase(std::string_view tenant, std::string_view key,
                                std::string_view shipment_id) override {
    return batched<void>([&]() -> result<void> {
      statement k(writer_, "DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ?");
      k.bind(1, tenant).bind(2, key);
      statement s(writer_,
                  "DELETE FROM purchases_in_flight WHERE shipment_id = ? AND tenant_id = ?");
      s.bind(1, shipment_id).bind(2, tenant);
      if (k.step() != SQLITE_DONE || s.step() != SQLITE_DONE)
        return db_error(writer_.db, "abandon purchase");
      return {};
    });
  }

  result<void> mark_pending_confirmation(const shipment_row& shipment, int response_status,
                                         std::string_view response_body) override {
    return batched<void>([&]() -> result<void> {
      if (auto r = land(shipment); !r) return std::unexpected(r.error());
      return finish_key(shipment, response_status, response_body);
    });
  }

  result<std::vector<interrupted_purchase>> interrupted_purchases() override {
    std::lock_guard lock(write_mutex_);
    statement s(
        writer_,
        "SELECT shipment_id, tenant_id, carrier, service, carrier_service, reference, direction, "
        "idempotency_key, body, created_at, updated_at FROM purchases_in_flight ORDER BY "
        "created_at");
    std::vector<interrupted_purchase> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      shipment_row row;
      row.id = s.text(0);
      row.tenant = s.text(1);
      row.status = "purchasing";
      row.carrier = s.text(2);
      row.service = s.text(3);
      row.carrier_service = s.text(4);
      row.reference = s.text(5);
      row.direction = s.text(6);
      row.idempotency_key = s.text(7);
      row.body = s.text(8);
      row.created_at = s.text(9);
      row.updated_at = s.text(10);
      auto key = row.idempotency_key;
      out.push_back({std::move(row), std::move(key)});
    }
    if (rc != SQLITE_DONE) return db_error(writer_.db, "list interrupted purchases");
    return out;
  }

  result<std::optional<shipment_row>> get_shipment(std::string_view tenant,
                                                   std::string_view id) override {
    return with_reader([&](connection& db) -> result<std::optional<shipment_row>> {
      statement s(db, std::string("SELECT ") + kShipmentColumns +
                          " FROM shipments WHERE id = ? AND (? = '' OR tenant_id = ?)");
      s.bind(1, id).bind(2, tenant).bind(3, tenant);
      int rc = s.step();
      if (rc == SQLITE_ROW) return std::optional<shipment_row>(read_shipment(s));
      if (rc == SQLITE_DONE) return std::optional<shipment_row>();
      return db_error(db.db, "get shipment");
    });
  }

  result<shipment_page> list_shipments(std::string_view tenant, const shipment_filter& f) override {
    return with_reader([&](connection& db) -> result<shipment_page> {
      long long before = std::numeric_limits<long long>::max();
      if (!f.starting_after.empty()) {
        statement c(db, "SELECT seq FROM shipments WHERE id = ? AND (? = '' OR tenant_id = ?)");
        c.bind(1, f.starting_after).bind(2, tenant).bind(3, tenant);
        int rc = c.step();
        if (rc == SQLITE_DONE) {
          error e{.kind = error_kind::invalid_request,
                  .message = "unknown cursor",
                  .fields = {{"starting_after", "no shipment with this id"}},
                  .retry_after_s = 0};
          return std::unexpected(std::move(e));
        }
        if (rc != SQLITE_ROW) return db_error(db.db, "cursor");
        before = c.integer(0);
      }
      statement s(
          db,
          "SELECT body, id FROM shipments WHERE seq < ? AND (? = '' OR tenant_id = ?) AND (? = '' "
          "OR reference = ?) "
          "AND (? = '' OR status = ?) AND (? = '' OR carrier = ?) AND (? = '' OR tenant_id = ?) "
          "AND (? = '' OR created_at > ?) AND (? = '' OR created_at < ?) "
          "ORDER BY seq DESC LIMIT ?");
      s.bind(1, before)
          .bind(2, tenant)
          .bind(3, tenant)
          .bind(4, f.reference)
          .bind(5, f.reference)
          .bind(6, f.status)
          .bind(7, f.status)
          .bind(8, f.carrier)
          .bind(9, f.carrier)
          .bind(10, f.tenant)
          .bind(11, f.tenant)
          .bind(12, f.created_after)
          .bind(13, f.created_after)
          .bind(14, f.created_before)
          .bind(15, f.created_before)
          .bind(16, static_cast<long long>(f.limit + 1));
      shipment_page page;
      int rc;
      std::string last_id, before_last_id;
      while ((rc = s.step()) == SQLITE_ROW) {
        page.bodies.push_back(s.text(0));
        before_last_id = std::move(last_id);
        last_id = s.text(1);
      }
      if (rc != SQLITE_DONE) return db_error(db.db, "list shipments");
      if (static_cast<int>(page.bodies.size()) > f.limit) {
        page.bodies.pop_back();
        page.has_more = true;
        page.next_cursor = std::move(before_last_id);  // the id of the last body kept
      }
      return page;
    });
  }

  result<std::optional<stored_label>> get_label(std::string_view tenant,
                                                std::string_view id) override {
    return with_reader([&](connection& db) -> result<std::optional<stored_label>> {
      statement s(db,
                  "SELECT l.format, l.content_type, l.bytes, s.status FROM labels l JOIN shipments "
                  "s ON s.id = l.shipment_id "
                  "WHERE l.shipment_id = ? AND (? = '' OR s.tenant_id = ?)");
      s.bind(1, id).bind(2, tenant).bind(3, tenant);
      int rc = s.step();
      if (rc == SQLITE_ROW)
        return std::optional<stored_label>(stored_label{.format = s.text(0),
                                                        .content_type = s.text(1),
                                                        .bytes = s.blob(2),
                                                        .shipment_status = s.text(3)});
      if (rc == SQLITE_DONE) return std::optional<stored_label>();
      return db_error(db.db, "get label");
    });
  }

  result<bool> update_shipment(const shipment_row& shipment,
                               std::string_view expected_status) override {
    return batched<bool>([&]() -> result<bool> {
      statement s(writer_,
                  "UPDATE shipments SET status = ?, tracking_number = ?, carrier_service = ?, body "
                  "= ?, updated_at = ? "
                  "WHERE id = ? AND tenant_id = ? AND status = ?");
      s.bind(1, shipment.status)
          .bind(2, shipment.tracking_number)
          .bind(3, shipment.carrier_service)
          .bind(4, shipment.body)
          .bind(5, shipment.updated_at)
          .bind(6, shipment.id)
          .bind(7, shipment.tenant)
          .bind(8, expected_status);
      if (s.step() != SQLITE_DONE) return db_error(writer_.db, "update shipment");
      return sqlite3_changes(writer_.db) > 0;
    });
  }

  result<int> purge_idempotency_keys(std::string_view before) override {
    std::lock_guard lock(write_mutex_);
    statement s(writer_,
                "DELETE FROM idempotency_keys WHERE state = 'finished' AND created_at < ?");
    s.bind(1, before);
    if (s.step() != SQLITE_DONE) return db_error(writer_.db, "purge idempotency keys");
    return sqlite3_changes(writer_.db);
  }

 private:
  static std::string now_text() {
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }

  result<sqlite3*> open_connection(bool read_only) {
    sqlite3* db = nullptr;
    int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(options_.path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      auto e = db_error(db, "open " + options_.path);
      sqlite3_close_v2(db);
      return e;
    }
    sqlite3_busy_timeout(db, options_.busy_timeout_ms);
    const char* pragmas =
        read_only ? "PRAGMA foreign_keys=ON;"
                  : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
    if (!exec(db, pragmas)) {
      auto e = db_error(db, "pragmas");
      sqlite3_close_v2(db);
      return e;
    }
    return db;
  }

  template <class F>
  auto with_reader(F&& f) -> decltype(f(std::declval<connection&>())) {
    connection* db = nullptr;
    {
      std::lock_guard lock(reader_mutex_);
      if (!free_readers_.empty()) {
        db = free_readers_.back();
        free_readers_.pop_back();
      }
    }
    if (!db) {
      auto opened = open_connection(true);
      if (!opened) return std::unexpected(opened.error());
      auto owned = std::make_unique<connection>(*opened);
      db = owned.get();
      std::lock_guard lock(reader_mutex_);
      readers_.push_back(std::move(owned));
    }
    auto out = f(*db);
    std::lock_guard lock(reader_mutex_);
    free_readers_.push_back(db);
    return out;
  }

  result<void> insert_shipment(const shipment_row& r) {
    statement s(writer_, std::string("INSERT INTO shipments (") + kShipmentColumns +
                             ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, r.id)
        .bind(2, r.tenant)
        .bind(3, r.status)
        .bind(4, r.carrier)
        .bind(5, r.service)
        .bind(6, r.carrier_service)
        .bind(7, r.tracking_number)
        .bind(8, r.reference)
        .bind(9, r.direction)
        .bind(10, r.idempotency_key)
        .bind_borrowed(11, r.body)
        .bind(12, r.created_at)
        .bind(13, r.updated_at);
    if (s.step() != SQLITE_DONE) return db_error(writer_.db, "insert shipment");
    return {};
  }

  // A purchase whose outcome is now known leaves the in-flight table and becomes a shipment.
  result<void> land(const shipment_row& r) {
    statement f(writer_, "DELETE FROM purchases_in_flight WHERE shipment_id = ? AND tenant_id = ?");
    f.bind(1, r.id).bind(2, r.tenant);
    if (f.step() != SQLITE_DONE) return db_error(writer_.db, "remove purchase in flight");
    if (sqlite3_changes(writer_.db) != 1) {
      return std::unexpected(error{.kind = error_kind::internal,
                                   .message = "storage failure",
                                   .carrier_code = "sqlite",
                                   .carrier_message = "no purchase in flight: " + r.id,
                                   .retry_after_s = 0});
    }
    return insert_shipment(r);
  }

  result<void> finish_key(const shipment_row& r, int status, std::string_view body) {
    statement k(writer_,
                "UPDATE idempotency_keys SET state = 'finished', response_status = ?, "
                "response_body = ?, updated_at = ? "
                "WHERE tenant_id = ? AND key = ?");
    k.bind(1, static_cast<long long>(status))
        .bind_borrowed(2, body)
        .bind(3, r.updated_at)
        .bind(4, r.tenant)
        .bind(5, r.idempotency_key);
    if (k.step() != SQLITE_DONE) return db_error(writer_.db, "finish idempotency key");
    return {};
  }

  // Group commit. Purchases commit twice each (claim, completion) with synchronous=FULL; one
  // fsync per transaction would cap throughput at the disk's fsync rate. Write jobs are queued
  // for one writer thread, which runs every job queued at that moment in a single transaction,
  // each job inside its own SAVEPOINT (a failing job is rolled back alone), then commits once:
  // one fsync for the batch. Jobs that arrive during a commit form the next batch. A job's
  // result is reported only after its commit is on disk. Blocking callers wait on a future;
  // coroutines use submit_write and are resumed by the completion, so no thread ever sits
  // blocked on someone else's fsync.
  struct write_job {
    std::function<bool()> run;  // true = keep the job's changes
    std::function<void(bool)> done;
  };

  void submit_write(std::function<bool()> work, std::function<void(bool)> done) override {
    bool queued = false;
    {
      std::lock_guard lock(queue_mutex_);
      if (writer_thread_.joinable() && !writer_stopping_) {
        queue_.push_back(write_job{.run = std::move(work), .done = std::move(done)});
        queued = true;
      }
    }
    if (!queued) {
      done(false);  // no writer (the store is closing): refuse rather than leave the caller waiting
      return;
    }
    queue_wake_.notify_one();
  }

  template <class T>
  result<T> batched(const std::function<result<T>()>& body) {
    // Called from a job on the writer thread: join the batch's transaction.
    if (current_batch_ == this) return body();
    std::optional<result<T>> out;
    std::promise<bool> committed;
    auto future = committed.get_future();
    submit_write(
        [&] {
          out.emplace(body());
          return out->has_value();
        },
        [&](bool ok) { committed.set_value(ok); });
    if (!future.get() || !out) return commit_failed();
    return std::move(*out);
  }

  void writer_loop() {
    std::vector<write_job> batch;
    for (;;) {
      {
        std::unique_lock lock(queue_mutex_);
        queue_wake_.wait(lock, [this] { return !queue_.empty() || writer_stopping_; });
        if (queue_.empty()) return;  // stopping, and everything queued was written
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      const bool ok = run_batch(batch);
      for (auto& job : batch) job.done(ok);
      batch.clear();
    }
  }

  // Runs one of the writer's transaction-control statements through its compiled form:
  // sqlite3_exec would parse and plan it again on every batch (several times per purchase).
  bool control(std::string_view sql) {
    statement s(writer_, sql);
    return s.step() == SQLITE_DONE;
  }

  static bool run_job(write_job& job) {
    try {
      return job.run();
    } catch (...) {
      return false;
    }
  }

  bool run_batch(std::vector<write_job>& batch) {
    std::lock_guard lock(write_mutex_);
    if (!control("BEGIN IMMEDIATE")) return false;
    current_batch_ = this;
    if (batch.size() == 1) {
      // A batch of one (the usual case below the disk's fsync rate) needs no savepoint: a job
      // that fails rolls back the whole transaction, which holds nothing else.
      const bool keep = run_job(batch.front());
      current_batch_ = nullptr;
      if (!keep) {
        control("ROLLBACK");
        return true;  // nothing of the job was kept, as with a savepoint rolled back
      }
    } else {
      for (auto& job : batch) {
        control("SAVEPOINT job");
        if (!run_job(job)) control("ROLLBACK TO job");
        control("RELEASE job");
      }
      current_batch_ = nullptr;
    }
    if (control("COMMIT")) return true;
    control("ROLLBACK");
    return false;
  }

  void stop_writer() {
    {
      std::lock_guard lock(queue_mutex_);
      writer_stopping_ = true;
    }
    queue_wake_.notify_all();
    if (writer_thread_.joinable()) writer_thread_.join();
  }

  // Called on the writer thread after each commit with the WAL's length in pages. Asks for a
  // checkpoint each time the log grew by kCheckpointPages since the last request (not after
  // every commit past the threshold: each checkpoint costs two fsyncs). The length falls back
  // once a checkpoint completed and the log restarted from its beginning.
  static int on_wal_commit(void* self, sqlite3*, const char*, int pages) {
    auto* store = static_cast<sqlite_store*>(self);
    if (pages < store->wal_pages_) store->next_checkpoint_at_ = kCheckpointPages;
    store->wal_pages_ = pages;
    if (pages >= store->next_checkpoint_at_) {
      store->next_checkpoint_at_ = pages + kCheckpointPages;
      std::lock_guard lock(store->checkpoint_mutex_);
      store->checkpoint_due_ = true;
      store->checkpoint_wake_.notify_one();
    }
    return SQLITE_OK;
  }

  void checkpoint_loop() {
    std::unique_lock lock(checkpoint_mutex_);
    while (!stopping_) {
      checkpoint_wake_.wait_for(lock, std::chrono::seconds(5),
                                [this] { return checkpoint_due_ || stopping_; });
      if (stopping_) break;
      checkpoint_due_ = false;
      lock.unlock();
      checkpoint();
      lock.lock();
    }
  }

  // Copies the WAL back into the database so that the log can restart from its beginning.
  // Small and frequent: a pass every kCheckpointPages of growth keeps each of its fsyncs of the
  // database short (a large one occupies the disk for milliseconds, and the writer's commit
  // fsync waits behind it). The log restarts only when a write transaction begins with every
  // frame copied; under a steady stream of commits a checkpoint running beside the writer never
  // gets there (the log would grow without end, and appending to a growing file makes every
  // fsync slower). So once the log is kRestartPages long and the passes have caught up to a few
  // hundred pages, one last pass runs between two write batches, holding the writer back for
  // the few remaining pages; the log then restarts and stays a few MiB.
  void checkpoint() {
    int log = 0, copied = 0;
    for (int pass = 0; pass < 8; ++pass) {
      if (sqlite3_wal_checkpoint_v2(checkpoint_db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                    &copied) != SQLITE_OK)
        return;
      if (log - copied <= kCatchUpPages) break;
    }
    if (log <= 0) return;  // empty log
    if (log < kRestartPages) return;
    // Writes outpace the copy: try again at the next request, unless the log reached its bound;
    // then the writer waits for the whole copy (a stall, but the log's size stays bounded).
    if (log - copied > kCatchUpPages && log < kMaxLogPages) return;
    // Frames committed while the passes ran are few; copy them with the writer held back.
    std::lock_guard writer(write_mutex_);
    sqlite3_wal_checkpoint_v2(checkpoint_db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }

  static constexpr int kCheckpointPages = 256;
  static constexpr int kCatchUpPages = 256;
  static constexpr int kRestartPages = 2048;
  static constexpr int kMaxLogPages = 4 * kRestartPages;
  int wal_pages_ = 0;  // writer thread only
  int next_checkpoint_at_ = kCheckpointPages;
  static constexpr std::size_t kMaxBatch = 256;
  static thread_local sqlite_store* current_batch_;  // the store whose batch this thread runs
  std::mutex queue_mutex_;
  std::condition_variable queue_wake_;
  std::deque<write_job> queue_;
  bool writer_stopping_ = false;
  std::thread writer_thread_;
  sqlite_options options_;
  sqlite3* checkpoint_db_ = nullptr;
  std::thread checkpointer_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool checkpoint_due_ = false;
  bool stopping_ = false;
  std::mutex write_mutex_;
  connection writer_;
  std::mutex reader_mutex_;
  std::vector<std::unique_ptr<connection>> readers_;
  std::vector<connection*> free_readers_;
};

thread_local sqlite_store* sqlite_store::current_batch_ = nullptr;

}  // namespace

result<std::unique_ptr<store>> open_sqlite(const sqlite_options& options) {
  auto s = std::make_unique<sqlite_store>(options);
  if (auto r = s->open(); !r) return std::unexpected(r.error());
  return std::unique_ptr<store>(std::move(s));
}

}  // namespace parcelgate::store
