// SQLite store: tenants and API keys. Key writes go straight to the writer's
// connection (outside group commit: they are rare and come from parcelctl); lookups run on a
// reader. Also the role names and the stored form of a key's points, shared by every backend.

#include <sqlite3.h>

#include "gateway/store/sqlite/sqlite_store.hpp"

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

std::string join_points(const std::vector<std::string>& points) {
  std::string out;
  for (const auto& p : points) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::vector<std::string> split_points(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    if (comma != 0) out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

namespace sqlite {

namespace {

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
  k.points = split_points(s.text(8));
  return k;
}

}  // namespace

result<void> sqlite_store::create_api_key(const api_key& key) {
  auto held = writer_.lock();
  connection& w = held.get();
  transaction tx(w.db);
  if (!tx.begun()) return db_error(w.db, "begin");
  statement t(w, "INSERT OR IGNORE INTO tenants (id, created_at) VALUES (?, ?)");
  t.bind(1, key.tenant).bind(2, key.created_at);
  if (t.step() != SQLITE_DONE) return db_error(w.db, "insert tenant");
  statement k(w,
              "INSERT INTO api_keys (id, tenant_id, role, key_hash, hint, name, created_at, "
              "points) VALUES (?,?,?,?,?,?,?,?)");
  k.bind(1, key.id)
      .bind(2, key.tenant)
      .bind(3, to_string(key.key_role))
      .bind(4, key.key_hash)
      .bind(5, key.hint)
      .bind(6, key.name)
      .bind(7, key.created_at)
      .bind(8, join_points(key.points));
  if (k.step() != SQLITE_DONE) return db_error(w.db, "insert api key");
  if (!tx.commit()) return db_error(w.db, "commit");
  return {};
}

result<std::optional<api_key>> sqlite_store::find_api_key(std::string_view key_hash) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement s(db,
              "SELECT id, tenant_id, role, key_hash, hint, name, created_at, revoked_at, points "
              "FROM "
              "api_keys WHERE key_hash = ?");
  s.bind(1, key_hash);
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<api_key>(read_key(s));
  if (rc == SQLITE_DONE) return std::optional<api_key>();
  return db_error(db.db, "find api key");
}

result<std::vector<api_key>> sqlite_store::list_api_keys() {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement s(db,
              "SELECT id, tenant_id, role, key_hash, hint, name, created_at, revoked_at, points "
              "FROM "
              "api_keys ORDER BY tenant_id, created_at");
  std::vector<api_key> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_key(s));
  if (rc != SQLITE_DONE) return db_error(db.db, "list api keys");
  return out;
}

result<bool> sqlite_store::revoke_api_key(std::string_view id, std::string_view at) {
  auto held = writer_.lock();
  connection& w = held.get();
  statement s(w, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  s.bind(1, at).bind(2, id);
  if (s.step() != SQLITE_DONE) return db_error(w.db, "revoke api key");
  return sqlite3_changes(w.db) > 0;
}

}  // namespace sqlite

}  // namespace parcelgate::store
