#pragma once
// Numbered schema migrations of the SQLite store. Append only: a migration that shipped is
// never edited; a change is a new entry.

#include <span>
#include <string_view>

namespace parcelgate::store {

struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const migration> sqlite_migrations() noexcept;

}  // namespace parcelgate::store
