#pragma once
// The PostgreSQL schema and its migrations. Versions are the store's logical schema versions,
// shared with SQLite (store/migrations.cpp): a version means the same tables on both. PostgreSQL
// support starts at version 3, so a fresh database is created at 3 in one step. Append only.
//
// migrate() runs once per database whichever instance starts first: every instance takes a
// transaction-level advisory lock before reading the version, so two instances starting at once
// apply each migration once. An instance whose code is older than the database refuses to start.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/store/pg/pool.hpp"

namespace parcelgate::store::pg {

struct migration {
  int version;
  std::string_view name;
  std::vector<std::string_view> statements;  // one SQL statement each (extended protocol)
};

std::span<const migration> migrations();
int code_schema_version() noexcept;

struct schema_status {
  int database_version = 0;  // 0: no schema yet
  int code_version = 0;
  std::vector<int> pending;  // versions this code would apply
};

task<std::expected<schema_status, db_error>> read_schema_status(pool& p, deadline until);

// Applies the pending migrations; how many. A database newer than the code is an error whose
// message says both versions.
task<std::expected<int, db_error>> migrate(pool& p, deadline until);

}  // namespace parcelgate::store::pg
