// SQLite store: the schema. Applies the numbered migrations of store/migrations.cpp on the
// writer's connection, outside group commit, and reads a file's version without changing it
// (schema.hpp). A new migration is appended to that list; nothing here changes for it.

#include "gateway/store/sqlite/schema.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "gateway/store/migrations.hpp"
#include "gateway/store/sqlite/sqlite_store.hpp"

namespace parcelgate::store::sqlite {

namespace {

std::unexpected<error> newer_database(long long database, int code) {
  const std::string text = "the database schema is at version " + std::to_string(database) +
                           ", newer than this parcelgate (which knows up to version " +
                           std::to_string(code) +
                           "): upgrade parcelgate, or point it at another database";
  return std::unexpected(error{.kind = error_kind::internal,
                               .message = text,
                               .carrier_code = "sqlite",
                               .carrier_message = text,
                               .retry_after_s = 0});
}

}  // namespace

int code_schema_version() noexcept {
  return sqlite_migrations().back().version;
}

result<schema_status> read_schema_status(const sqlite_options& options) {
  schema_status s{.database_version = 0, .code_version = code_schema_version(), .pending = {}};
  std::vector<int> applied;
  std::error_code ec;
  if (std::filesystem::exists(options.path, ec) || ec) {
    // Opened for reading and writing but never created, and without the store's pragmas: only
    // read from, and as the last connection to close it removes the WAL files as the store does
    // (a read-only connection would leave them behind).
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(options.path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      auto e = db_error(db, "open " + options.path);
      sqlite3_close_v2(db);
      return e;
    }
    sqlite3_busy_timeout(db, options.busy_timeout_ms);
    connection c(db);
    statement table(c,
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                    "'schema_migrations'");
    int rc = table.step();
    if (rc == SQLITE_ROW) {
      statement versions(c, "SELECT version FROM schema_migrations ORDER BY version");
      while ((rc = versions.step()) == SQLITE_ROW)
        applied.push_back(static_cast<int>(versions.integer(0)));
      if (rc != SQLITE_DONE) return db_error(c.db, "read schema_migrations");
    } else if (rc != SQLITE_DONE) {
      return db_error(c.db, "read the schema");
    }
  }
  if (!applied.empty()) s.database_version = applied.back();
  if (s.database_version > s.code_version) return s;  // nothing this code would apply
  for (const auto& m : sqlite_migrations())
    if (!std::binary_search(applied.begin(), applied.end(), m.version))
      s.pending.push_back(m.version);
  return s;
}

result<int> sqlite_store::migrate() {
  auto held = writer_.lock();
  connection& w = held.get();
  if (!exec(w.db,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TEXT NOT NULL)"))
    return db_error(w.db, "create schema_migrations");
  {
    // A database that a newer parcelgate migrated is left alone: this code does not know its
    // tables.
    statement top(w, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (top.step() != SQLITE_ROW) return db_error(w.db, "read the schema version");
    if (top.integer(0) > code_schema_version())
      return newer_database(top.integer(0), code_schema_version());
  }
  // Table rebuilds drop and rename tables that others reference: foreign keys are checked once
  // at the end of each migration instead of statement by statement (the pragma only takes
  // effect outside a transaction).
  exec(w.db, "PRAGMA foreign_keys=OFF");
  struct restore_fk {
    sqlite3* db;
    ~restore_fk() { exec(db, "PRAGMA foreign_keys=ON"); }
  } restore{.db = w.db};
  int applied = 0;
  for (const auto& m : sqlite_migrations()) {
    statement q(w, "SELECT 1 FROM schema_migrations WHERE version = ?");
    q.bind(1, static_cast<long long>(m.version));
    if (q.step() == SQLITE_ROW) continue;
    transaction tx(w.db);
    if (!tx.begun()) return db_error(w.db, "begin migration");
    std::string sql(m.sql);
    if (!exec(w.db, sql.c_str())) return db_error(w.db, "migration " + std::to_string(m.version));
    statement fk(w, "PRAGMA foreign_key_check");
    if (fk.step() != SQLITE_DONE) {
      error e{.kind = error_kind::internal,
              .message = "storage failure",
              .carrier_code = "sqlite",
              .carrier_message = "migration " + std::to_string(m.version) +
                                 " leaves a dangling reference in " + fk.text(0),
              .retry_after_s = 0};
      return std::unexpected(std::move(e));
    }
    statement ins(w, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    ins.bind(1, static_cast<long long>(m.version)).bind(2, m.name).bind(3, now_text());
    if (ins.step() != SQLITE_DONE || !tx.commit()) return db_error(w.db, "record migration");
    ++applied;
  }
  return applied;
}

}  // namespace parcelgate::store::sqlite
