#pragma once
// `parcelctl db ...`: the schema of the configured store (SQLite or PostgreSQL, chosen by the
// config's `store.kind`, as for `keys`).
//   parcelctl db status [--json]    versions and pending migrations; exit code below
//   parcelctl db migrate [--json]   applies the pending migrations and lists them
// Exit codes: 0 up to date (status) or migrated (migrate); 1 the database cannot be reached or
// a migration failed; 2 usage, or a schema newer than this parcelctl (nothing is changed);
// 3 migrations pending (status only).

#include <string>
#include <vector>

#include "gateway/config/config.hpp"

namespace parcelgate::parcelctl {

// args are what follows "db".
int db_command(const config::config& cfg, const std::vector<std::string>& args);

// The usage lines of the db commands, for the main usage text.
const char* db_usage() noexcept;

}  // namespace parcelgate::parcelctl
