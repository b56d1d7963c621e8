// SQLite store: carrier pickups (store.hpp, pickup_row; migration 9). The writes of a booking run
// on the writer thread inside its group commit, as a purchase's do; reads on a reader connection.

#include <sqlite3.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/store/sqlite/sqlite_store.hpp"

namespace parcelgate::store::sqlite {

namespace {

constexpr std::string_view kPickupColumns =
    "id, tenant_id, carrier, status, date, idempotency_key, body, created_at, updated_at";

pickup_row pickup_at(const statement& s) {
  return {.id = s.text(0),
          .tenant = s.text(1),
          .carrier = s.text(2),
          .status = s.text(3),
          .date = s.text(4),
          .idempotency_key = s.text(5),
          .body = s.text(6),
          .shipment_ids = {},
          .created_at = s.text(7),
          .updated_at = s.text(8)};
}

result<void> read_shipment_ids(connection& db, pickup_row& p) {
  statement s(db, "SELECT shipment_id FROM pickup_shipments WHERE pickup_id = ? ORDER BY position");
  s.bind(1, p.id);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) p.shipment_ids.push_back(s.text(0));
  if (rc != SQLITE_DONE) return db_error(db.db, "read pickup shipments");
  return {};
}

// The first of `ids` already in an active pickup: its index and that pickup's id.
result<std::optional<std::pair<std::size_t, std::string>>> taken_shipment(
    connection& db, const std::vector<std::string>& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i) {
    statement s(db, "SELECT pickup_id FROM pickup_shipments WHERE shipment_id = ? AND active = 1");
    s.bind(1, ids[i]);
    const int rc = s.step();
    if (rc == SQLITE_ROW)
      return std::optional<std::pair<std::size_t, std::string>>(std::in_place, i, s.text(0));
    if (rc != SQLITE_DONE) return db_error(db.db, "check pickup shipments");
  }
  return std::optional<std::pair<std::size_t, std::string>>();
}

}  // namespace

result<claim> sqlite_store::claim_pickup(std::string_view request_hash, const pickup_row& pending,
                                         std::string_view now, std::string_view owner) {
  return batched<claim>(writer_, [&]() -> result<claim> {
    connection& w = writer_.in_batch();
    // The key first: a replay or a twin answers before any check of the shipments.
    auto held = take_key(pending.tenant, pending.idempotency_key, request_hash, pending.id, now);
    if (!held) return std::unexpected(held.error());
    if (*held) return std::move(**held);
    auto taken = taken_shipment(w, pending.shipment_ids);
    if (!taken) return std::unexpected(taken.error());
    if (*taken) {  // an error rolls this claim back, its key included
      const auto& [index, other] = **taken;
      return std::unexpected(error{
          .kind = error_kind::conflict,
          .message = "shipment " + pending.shipment_ids[index] + " is already in pickup " + other,
          .fields = {field_error{.field = "shipment_ids[" + std::to_string(index) + "]",
                                 .message = "already in pickup " + other}}});
    }
    statement p(
        w,
        "INSERT INTO pickups (id, tenant_id, carrier, status, date, idempotency_key, owner, "
        "body, created_at, updated_at) VALUES (?, ?, ?, 'booking', ?, ?, ?, ?, ?, ?)");
    p.bind(1, pending.id)
        .bind(2, pending.tenant)
        .bind(3, pending.carrier)
        .bind(4, pending.date)
        .bind(5, pending.idempotency_key)
        .bind(6, owner)
        .bind_borrowed(7, pending.body)
        .bind(8, pending.created_at)
        .bind(9, pending.updated_at);
    if (p.step() != SQLITE_DONE) return db_error(w.db, "insert pickup");
    for (std::size_t i = 0; i < pending.shipment_ids.size(); ++i) {
      statement s(
          w, "INSERT INTO pickup_shipments (pickup_id, position, shipment_id) VALUES (?, ?, ?)");
      s.bind(1, pending.id).bind(2, static_cast<long long>(i)).bind(3, pending.shipment_ids[i]);
      if (s.step() != SQLITE_DONE) return db_error(w.db, "insert pickup shipment");
    }
    return claim{};
  });
}

result<void> sqlite_store::finish_pickup(const pickup_row& pickup, int response_status,
                                         std::string_view response_body) {
  return batched<void>(writer_, [&]() -> result<void> {
    connection& w = writer_.in_batch();
    // From booking to its outcome; a recovered (unconfirmed) pickup only to scheduled.
    statement u(w,
                "UPDATE pickups SET status = ?, body = ?, updated_at = ? WHERE id = ? AND "
                "tenant_id = ? AND (status = 'booking' OR (status = 'unconfirmed' AND ? = "
                "'scheduled'))");
    u.bind(1, pickup.status)
        .bind_borrowed(2, pickup.body)
        .bind(3, pickup.updated_at)
        .bind(4, pickup.id)
        .bind(5, pickup.tenant)
        .bind(6, pickup.status);
    if (u.step() != SQLITE_DONE) return db_error(w.db, "finish pickup");
    if (sqlite3_changes(w.db) == 0) return {};  // recovery, or an earlier attempt, got there first
    return finish_key(pickup.tenant, pickup.idempotency_key, pickup.updated_at, response_status,
                      response_body);
  });
}

result<void> sqlite_store::abandon_pickup(std::string_view tenant, std::string_view key,
                                          std::string_view pickup_id) {
  return batched<void>(writer_, [&]() -> result<void> {
    connection& w = writer_.in_batch();
    // Only a booking still in flight: a pickup recovery already answered keeps its answer.
    statement p(w, "SELECT 1 FROM pickups WHERE id = ? AND tenant_id = ? AND status = 'booking'");
    p.bind(1, pickup_id).bind(2, tenant);
    const int rc = p.step();
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return db_error(w.db, "read pickup");
    statement k(w,
                "DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ? AND state = "
                "'started'");
    k.bind(1, tenant).bind(2, key);
    statement s(w, "DELETE FROM pickup_shipments WHERE pickup_id = ?");
    s.bind(1, pickup_id);
    statement d(w, "DELETE FROM pickups WHERE id = ? AND tenant_id = ?");
    d.bind(1, pickup_id).bind(2, tenant);
    if (k.step() != SQLITE_DONE || s.step() != SQLITE_DONE || d.step() != SQLITE_DONE)
      return db_error(w.db, "abandon pickup");
    return {};
  });
}

result<std::vector<pickup_row>> sqlite_store::interrupted_pickups(std::string_view self) {
  auto held = writer_.lock();
  connection& w = held.get();
  statement s(w, std::string("SELECT ") + std::string(kPickupColumns) +
                     " FROM pickups p WHERE status = 'booking' AND owner <> ? AND NOT EXISTS "
                     "(SELECT 1 FROM leases l WHERE l.name = ? || p.owner AND l.expires_at > ?) "
                     "ORDER BY created_at");
  const std::string lease_prefix = instance_lease("");
  s.bind(1, self).bind(2, lease_prefix).bind(3, unix_ms_now());
  std::vector<pickup_row> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(pickup_at(s));
  if (rc != SQLITE_DONE) return db_error(w.db, "list interrupted pickups");
  for (auto& p : out) {
    auto read = read_shipment_ids(w, p);
    if (!read) return std::unexpected(read.error());
  }
  return out;
}

result<std::optional<pickup_row>> sqlite_store::get_pickup(std::string_view tenant,
                                                           std::string_view id) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement s(db, std::string("SELECT ") + std::string(kPickupColumns) +
                      " FROM pickups WHERE id = ? AND (? = '' OR tenant_id = ?)");
  s.bind(1, id).bind(2, tenant).bind(3, tenant);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<pickup_row>();
  if (rc != SQLITE_ROW) return db_error(db.db, "get pickup");
  auto p = pickup_at(s);
  auto read = read_shipment_ids(db, p);
  if (!read) return std::unexpected(read.error());
  return std::optional<pickup_row>(std::move(p));
}

result<bool> sqlite_store::update_pickup(const pickup_row& pickup,
                                         std::string_view expected_status) {
  return batched<bool>(writer_, [&]() -> result<bool> {
    connection& w = writer_.in_batch();
    statement u(w,
                "UPDATE pickups SET status = ?, body = ?, updated_at = ? WHERE id = ? AND "
                "tenant_id = ? AND status = ?");
    u.bind(1, pickup.status)
        .bind_borrowed(2, pickup.body)
        .bind(3, pickup.updated_at)
        .bind(4, pickup.id)
        .bind(5, pickup.tenant)
        .bind(6, expected_status);
    if (u.step() != SQLITE_DONE) return db_error(w.db, "update pickup");
    if (sqlite3_changes(w.db) == 0) return false;
    if (pickup.status == "cancelled") {
      statement f(w, "UPDATE pickup_shipments SET active = 0 WHERE pickup_id = ?");
      f.bind(1, pickup.id);
      if (f.step() != SQLITE_DONE) return db_error(w.db, "free pickup shipments");
    }
    return true;
  });
}

}  // namespace parcelgate::store::sqlite
