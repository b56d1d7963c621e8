#pragma once
// SQLite store: the schema version of a database file, read without changing the file (for
// `parcelctl db status`). Migrations themselves are applied by store::migrate (schema.cpp); their
// numbered list is store/migrations.cpp.

#include <vector>

#include "gateway/store/store.hpp"

namespace parcelgate::store::sqlite {

struct schema_status {
  int database_version = 0;  // the highest applied migration; 0: no schema (or no file) yet
  int code_version = 0;      // the last migration this code knows
  std::vector<int> pending;  // versions this code would apply, in order
};

int code_schema_version() noexcept;

// Reads the applied migrations of the file at `options.path`. A file that does not exist is
// reported at version 0 with every migration pending, and is not created. A file that cannot be
// opened or is not a database is an error.
result<schema_status> read_schema_status(const sqlite_options& options);

}  // namespace parcelgate::store::sqlite
