// SQLite store: leases (async_store.hpp). Each is one autocommit statement on the writer's
// connection outside the purchase batches, like the key purge; expiry is this machine's clock in
// Unix milliseconds (one file serves one gateway, so no other clock is involved).

#include <sqlite3.h>

#include "gateway/store/sqlite/sqlite_store.hpp"

namespace parcelgate::store::sqlite {

result<bool> sqlite_store::acquire_lease(std::string_view name, std::string_view holder,
                                         std::chrono::milliseconds ttl) {
  auto held = writer_.lock();
  connection& w = held.get();
  const long long now = unix_ms_now();
  // Free, expired or already the holder's: taken until now + ttl. Otherwise nothing changes.
  statement s(w,
              "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) "
              "DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
              "WHERE leases.holder = excluded.holder OR leases.expires_at <= ?");
  s.bind(1, name).bind(2, holder).bind(3, now + ttl.count()).bind(4, now);
  if (s.step() != SQLITE_DONE) return db_error(w.db, "acquire lease");
  return sqlite3_changes(w.db) == 1;
}

result<void> sqlite_store::release_lease(std::string_view name, std::string_view holder) {
  auto held = writer_.lock();
  connection& w = held.get();
  statement s(w, "DELETE FROM leases WHERE name = ? AND holder = ?");
  s.bind(1, name).bind(2, holder);
  if (s.step() != SQLITE_DONE) return db_error(w.db, "release lease");
  return {};
}

result<void> sqlite_store::release_all_leases() {
  auto held = writer_.lock();
  connection& w = held.get();
  if (!exec(w.db, "DELETE FROM leases")) return db_error(w.db, "release every lease");
  return {};
}

}  // namespace parcelgate::store::sqlite
