// SQLite store: the schema. Applies the numbered migrations of store/migrations.cpp
// on the writer's connection, outside group commit. A new migration is appended to that list;
// nothing here changes for it.

#include <sqlite3.h>

#include <string>

#include "gateway/store/migrations.hpp"
#include "gateway/store/sqlite/sqlite_store.hpp"

namespace parcelgate::store::sqlite {

result<int> sqlite_store::migrate() {
  auto held = writer_.lock();
  connection& w = held.get();
  if (!exec(w.db,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TEXT NOT NULL)"))
    return db_error(w.db, "create schema_migrations");
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
