// SQLite store: connections (see connection.hpp). Opening a file with the store's
// pragmas, compiled statements cached per connection, transactions, and the pool of read-only
// connections. No table is named here.

#include "gateway/store/sqlite/connection.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <functional>
#include <utility>

namespace parcelgate::store::sqlite {

std::unexpected<error> db_error(sqlite3* db, std::string_view what) {
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

long long unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string now_text() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

result<sqlite3*> open_connection(const sqlite_options& options, bool read_only) {
  sqlite3* db = nullptr;
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
              SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    auto e = db_error(db, "open " + options.path);
    sqlite3_close_v2(db);
    return e;
  }
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
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

std::size_t sql_hash::operator()(std::string_view v) const noexcept {
  return std::hash<std::string_view>{}(v);
}

connection::~connection() {
  for (auto& [sql, p] : statements) sqlite3_finalize(p.stmt);
  sqlite3_close_v2(db);
}

statement::statement(connection& c, std::string_view sql) {
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
        &c.statements.emplace(std::string(sql), connection::prepared{.stmt = stmt_, .in_use = true})
             .first->second;
  }
}

statement::~statement() {
  if (!cached_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  cached_->in_use = false;
}

statement& statement::bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

statement& statement::bind_blob(int i, std::string_view v) {
  sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

statement& statement::bind_borrowed(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}

statement& statement::bind_borrowed_blob(int i, std::string_view v) {
  sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}

statement& statement::bind(int i, long long v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

statement& statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

int statement::step() {
  return stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR;
}

std::string statement::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

std::string statement::blob(int col) const {
  auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

long long statement::integer(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

bool statement::is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

transaction::transaction(sqlite3* db) : db_(db), open_(exec(db, "BEGIN IMMEDIATE")) {}

transaction::~transaction() {
  if (open_) exec(db_, "ROLLBACK");
}

bool transaction::commit() {
  if (!open_) return false;
  open_ = false;
  if (exec(db_, "COMMIT")) return true;
  exec(db_, "ROLLBACK");
  return false;
}

reader_pool::lease::lease(lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), conn_(std::exchange(other.conn_, nullptr)) {}

reader_pool::lease::~lease() {
  if (pool_) pool_->release(conn_);
}

result<reader_pool::lease> reader_pool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      connection* c = free_.back();
      free_.pop_back();
      return lease(this, c);
    }
  }
  auto opened = open_connection(options_, true);
  if (!opened) return std::unexpected(opened.error());
  auto owned = std::make_unique<connection>(*opened);
  connection* c = owned.get();
  std::lock_guard lock(mutex_);
  readers_.push_back(std::move(owned));
  return lease(this, c);
}

void reader_pool::release(connection* c) {
  std::lock_guard lock(mutex_);
  free_.push_back(c);
}

}  // namespace parcelgate::store::sqlite
