// SQLite store: the queries of the data plane. Shipments, labels, purchases in
// flight and idempotency keys: the writes of a purchase run on the writer thread inside its group
// commit (writer.cpp), the reads on a reader connection (connection.cpp). A new column of these
// tables, or a query on them, goes here.

#include <sqlite3.h>

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "gateway/store/sqlite/sqlite_store.hpp"

namespace parcelgate::store::sqlite {

namespace {

constexpr const char* kShipmentColumns =
    "id, tenant_id, status, carrier, service, carrier_service, tracking_number, reference, "
    "direction, "
    "idempotency_key, body, created_at, updated_at";

shipment_row read_shipment(const statement& s) {
  shipment_row r;
  r.id = s.text(0);
  r.tenant = s.text(1);
  r.status = s.text(2);
  r.carrier = s.text(3);
  r.service = s.text(4);
  r.carrier_service = s.text(5);
  r.tracking_number = s.text(6);
  r.reference = s.text(7);
  r.direction = s.text(8);
  r.idempotency_key = s.text(9);
  r.body = s.text(10);
  r.created_at = s.text(11);
  r.updated_at = s.text(12);
  r.version = s.integer(13);
  return r;
}

// Binds the kShipmentColumns of `r`, in their order, as parameters 1 to 13.
void bind_shipment(statement& s, const shipment_row& r) {
  s.bind(1, r.id)
      .bind(2, r.tenant)
      .bind(3, r.status)
      .bind(4, r.carrier)
      .bind(5, r.service)
      .bind(6, r.carrier_service)
      .bind(7, r.tracking_number)
      .bind(8, r.reference)
      .bind(9, r.direction)
      .bind(10, r.idempotency_key)
      .bind_borrowed(11, r.body)
      .bind(12, r.created_at)
      .bind(13, r.updated_at);
}

// The claim a key row (request_hash, state, response_status, response_body) stands for.
claim claim_of(const statement& q, std::string_view request_hash) {
  claim c;
  if (q.text(0) != request_hash) {
    c.result = claim::outcome::mismatch;
  } else if (q.text(1) == "finished") {
    c.result = claim::outcome::replay;
    c.status = static_cast<int>(q.integer(2));
    c.body = q.text(3);
  } else {
    c.result = claim::outcome::in_progress;
  }
  return c;
}

constexpr const char* kReadKey =
    "SELECT request_hash, state, response_status, response_body FROM idempotency_keys "
    "WHERE tenant_id = ? AND key = ?";

}  // namespace

result<std::optional<claim>> sqlite_store::find_key(std::string_view tenant, std::string_view key,
                                                    std::string_view request_hash) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement q(db, kReadKey);
  q.bind(1, tenant).bind(2, key);
  const int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<claim>(claim_of(q, request_hash));
  if (rc != SQLITE_DONE) return db_error(db.db, "read idempotency key");
  return std::optional<claim>();
}

result<claim> sqlite_store::claim_purchase(std::string_view request_hash,
                                           const shipment_row& pending, std::string_view now,
                                           std::string_view owner) {
  return batched<claim>(writer_, [&]() -> result<claim> {
    connection& w = writer_.in_batch();
    auto held = take_key(pending.tenant, pending.idempotency_key, request_hash, pending.id, now);
    if (!held) return std::unexpected(held.error());
    if (*held) return std::move(**held);
    statement f(w,
                "INSERT INTO purchases_in_flight (shipment_id, tenant_id, carrier, service, "
                "carrier_service, "
                "reference, direction, idempotency_key, body, created_at, updated_at, owner) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    f.bind(1, pending.id)
        .bind(2, pending.tenant)
        .bind(3, pending.carrier)
        .bind(4, pending.service)
        .bind(5, pending.carrier_service)
        .bind(6, pending.reference)
        .bind(7, pending.direction)
        .bind(8, pending.idempotency_key)
        .bind_borrowed(9, pending.body)
        .bind(10, pending.created_at)
        .bind(11, pending.updated_at)
        .bind(12, owner);
    if (f.step() != SQLITE_DONE) return db_error(w.db, "insert purchase in flight");
    return claim{};
  });
}

result<void> sqlite_store::complete_purchase(const shipment_row& shipment,
                                             const stored_label& label, int response_status,
                                             std::string_view response_body) {
  return batched<void>(writer_, [&]() -> result<void> {
    connection& w = writer_.in_batch();
    auto moved = land(shipment);
    if (!moved) return std::unexpected(moved.error());
    if (*moved == landing::done_already) return {};
    if (*moved == landing::recovered_already) {
      // Recovery took its owner for gone; the owner was only slow. Confirm it late.
      statement s(w,
                  "UPDATE shipments SET status = ?, carrier_service = ?, tracking_number = ?, "
                  "body = ?, updated_at = ?, version = version + 1 WHERE id = ? AND tenant_id = ? "
                  "AND status = 'pending_confirmation'");
      s.bind(1, shipment.status)
          .bind(2, shipment.carrier_service)
          .bind(3, shipment.tracking_number)
          .bind_borrowed(4, shipment.body)
          .bind(5, shipment.updated_at)
          .bind(6, shipment.id)
          .bind(7, shipment.tenant);
      if (s.step() != SQLITE_DONE || sqlite3_changes(w.db) != 1)
        return db_error(w.db, "confirm a recovered purchase");
    }
    statement l(w,
                "INSERT OR REPLACE INTO labels (shipment_id, format, content_type, bytes) VALUES "
                "(?, ?, ?, ?)");
    l.bind(1, shipment.id)
        .bind(2, label.format)
        .bind(3, label.content_type)
        .bind_borrowed_blob(4, label.bytes);
    if (l.step() != SQLITE_DONE) return db_error(w.db, "insert label");
    return finish_key(shipment, response_status, response_body);
  });
}

result<void> sqlite_store::abandon_purchase(std::string_view tenant, std::string_view key,
                                            std::string_view shipment_id) {
  return batched<void>(writer_, [&]() -> result<void> {
    connection& w = writer_.in_batch();
    // Only a key still started: a purchase recovery already answered keeps its answer.
    statement k(w,
                "DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ? AND state = "
                "'started'");
    k.bind(1, tenant).bind(2, key);
    statement s(w, "DELETE FROM purchases_in_flight WHERE shipment_id = ? AND tenant_id = ?");
    s.bind(1, shipment_id).bind(2, tenant);
    if (k.step() != SQLITE_DONE || s.step() != SQLITE_DONE)
      return db_error(w.db, "abandon purchase");
    return {};
  });
}

result<void> sqlite_store::mark_pending_confirmation(const shipment_row& shipment,
                                                     int response_status,
                                                     std::string_view response_body) {
  return batched<void>(writer_, [&]() -> result<void> {
    auto moved = land(shipment);
    if (!moved) return std::unexpected(moved.error());
    if (*moved != landing::moved) return {};  // recovery, or an earlier attempt, got there first
    return finish_key(shipment, response_status, response_body);
  });
}

result<std::vector<interrupted_purchase>> sqlite_store::interrupted_purchases(
    std::string_view self) {
  auto held = writer_.lock();
  connection& w = held.get();
  statement s(
      w,
      "SELECT shipment_id, tenant_id, carrier, service, carrier_service, reference, direction, "
      "idempotency_key, body, created_at, updated_at FROM purchases_in_flight p WHERE owner <> ? "
      "AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.name = ? || p.owner AND "
      "l.expires_at > ?) ORDER BY created_at");
  const std::string lease_prefix = instance_lease("");
  s.bind(1, self).bind(2, lease_prefix).bind(3, static_cast<long long>(unix_ms_now()));
  std::vector<interrupted_purchase> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    shipment_row row;
    row.id = s.text(0);
    row.tenant = s.text(1);
    row.status = "purchasing";
    row.carrier = s.text(2);
    row.service = s.text(3);
    row.carrier_service = s.text(4);
    row.reference = s.text(5);
    row.direction = s.text(6);
    row.idempotency_key = s.text(7);
    row.body = s.text(8);
    row.created_at = s.text(9);
    row.updated_at = s.text(10);
    auto key = row.idempotency_key;
    out.push_back(
        interrupted_purchase{.shipment = std::move(row), .idempotency_key = std::move(key)});
  }
  if (rc != SQLITE_DONE) return db_error(w.db, "list interrupted purchases");
  return out;
}

result<std::optional<shipment_row>> sqlite_store::get_shipment(std::string_view tenant,
                                                               std::string_view id) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement s(db, std::string("SELECT ") + kShipmentColumns +
                      ", version FROM shipments WHERE id = ? AND (? = '' OR tenant_id = ?)");
  s.bind(1, id).bind(2, tenant).bind(3, tenant);
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<shipment_row>(read_shipment(s));
  if (rc == SQLITE_DONE) return std::optional<shipment_row>();
  return db_error(db.db, "get shipment");
}

result<shipment_page> sqlite_store::list_shipments(std::string_view tenant,
                                                   const shipment_filter& f) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  long long before = std::numeric_limits<long long>::max();
  if (!f.starting_after.empty()) {
    statement c(db, "SELECT seq FROM shipments WHERE id = ? AND (? = '' OR tenant_id = ?)");
    c.bind(1, f.starting_after).bind(2, tenant).bind(3, tenant);
    int rc = c.step();
    if (rc == SQLITE_DONE) {
      error e{
          .kind = error_kind::invalid_request,
          .message = "unknown cursor",
          .fields = {field_error{.field = "starting_after", .message = "no shipment with this id"}},
          .retry_after_s = 0};
      return std::unexpected(std::move(e));
    }
    if (rc != SQLITE_ROW) return db_error(db.db, "cursor");
    before = c.integer(0);
  }
  statement s(
      db,
      "SELECT body, id FROM shipments WHERE seq < ? AND (? = '' OR tenant_id = ?) AND (? = '' "
      "OR reference = ?) "
      "AND (? = '' OR status = ?) AND (? = '' OR carrier = ?) AND (? = '' OR tenant_id = ?) "
      "AND (? = '' OR created_at > ?) AND (? = '' OR created_at < ?) "
      "ORDER BY seq DESC LIMIT ?");
  s.bind(1, before)
      .bind(2, tenant)
      .bind(3, tenant)
      .bind(4, f.reference)
      .bind(5, f.reference)
      .bind(6, f.status)
      .bind(7, f.status)
      .bind(8, f.carrier)
      .bind(9, f.carrier)
      .bind(10, f.tenant)
      .bind(11, f.tenant)
      .bind(12, f.created_after)
      .bind(13, f.created_after)
      .bind(14, f.created_before)
      .bind(15, f.created_before)
      .bind(16, static_cast<long long>(f.limit + 1));
  shipment_page page;
  int rc;
  std::string last_id, before_last_id;
  while ((rc = s.step()) == SQLITE_ROW) {
    page.bodies.push_back(s.text(0));
    before_last_id = std::move(last_id);
    last_id = s.text(1);
  }
  if (rc != SQLITE_DONE) return db_error(db.db, "list shipments");
  if (static_cast<int>(page.bodies.size()) > f.limit) {
    page.bodies.pop_back();
    page.has_more = true;
    page.next_cursor = std::move(before_last_id);  // the id of the last body kept
  }
  return page;
}

result<std::optional<stored_label>> sqlite_store::get_label(std::string_view tenant,
                                                            std::string_view id) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement s(db,
              "SELECT l.format, l.content_type, l.bytes, s.status FROM labels l JOIN shipments "
              "s ON s.id = l.shipment_id "
              "WHERE l.shipment_id = ? AND (? = '' OR s.tenant_id = ?)");
  s.bind(1, id).bind(2, tenant).bind(3, tenant);
  int rc = s.step();
  if (rc == SQLITE_ROW)
    return std::optional<stored_label>(stored_label{.format = s.text(0),
                                                    .content_type = s.text(1),
                                                    .bytes = s.blob(2),
                                                    .shipment_status = s.text(3)});
  if (rc == SQLITE_DONE) return std::optional<stored_label>();
  return db_error(db.db, "get label");
}

result<bool> sqlite_store::update_shipment(const shipment_row& shipment,
                                           std::string_view expected_status) {
  return batched<bool>(writer_, [&]() -> result<bool> {
    connection& w = writer_.in_batch();
    statement s(w,
                "UPDATE shipments SET status = ?, tracking_number = ?, carrier_service = ?, body "
                "= ?, updated_at = ?, version = version + 1 "
                "WHERE id = ? AND tenant_id = ? AND status = ?");
    s.bind(1, shipment.status)
        .bind(2, shipment.tracking_number)
        .bind(3, shipment.carrier_service)
        .bind(4, shipment.body)
        .bind(5, shipment.updated_at)
        .bind(6, shipment.id)
        .bind(7, shipment.tenant)
        .bind(8, expected_status);
    if (s.step() != SQLITE_DONE) return db_error(w.db, "update shipment");
    return sqlite3_changes(w.db) > 0;
  });
}

result<bool> sqlite_store::record_tracking(const shipment_row& shipment,
                                           const std::vector<stored_event>& events) {
  return batched<bool>(writer_, [&]() -> result<bool> {
    connection& w = writer_.in_batch();
    // The compare-and-set first: when it fails nothing else is written.
    statement u(w,
                "UPDATE shipments SET status = ?, body = ?, updated_at = ?, version = version + 1 "
                "WHERE id = ? AND tenant_id = ? AND version = ?");
    u.bind(1, shipment.status)
        .bind_borrowed(2, shipment.body)
        .bind(3, shipment.updated_at)
        .bind(4, shipment.id)
        .bind(5, shipment.tenant)
        .bind(6, static_cast<long long>(shipment.version));
    if (u.step() != SQLITE_DONE) return db_error(w.db, "update tracked shipment");
    if (sqlite3_changes(w.db) != 1) return false;
    for (const auto& e : events) {
      statement i(w,
                  "INSERT INTO tracking_events (shipment_id, tenant_id, occurred_at, carrier_code, "
                  "status, carrier_text, location, postal_code, country, point_id, source, "
                  "recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
      i.bind(1, shipment.id)
          .bind(2, shipment.tenant)
          .bind(3, e.occurred_at)
          .bind(4, e.carrier_code)
          .bind(5, e.status)
          .bind(6, e.carrier_text)
          .bind(7, e.location)
          .bind(8, e.postal_code)
          .bind(9, e.country)
          .bind(10, e.point_id)
          .bind(11, e.source)
          .bind(12, e.recorded_at);
      if (i.step() != SQLITE_DONE) return db_error(w.db, "insert tracking event");
    }
    return true;
  });
}

result<std::vector<stored_event>> sqlite_store::list_tracking_events(std::string_view tenant,
                                                                     std::string_view shipment_id) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement s(
      db,
      "SELECT occurred_at, carrier_code, status, carrier_text, location, postal_code, country, "
      "point_id, source, recorded_at FROM tracking_events WHERE shipment_id = ? AND (? = '' OR "
      "tenant_id = ?) "
      "ORDER BY occurred_at, recorded_at, carrier_code");
  s.bind(1, shipment_id).bind(2, tenant).bind(3, tenant);
  std::vector<stored_event> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    out.push_back({.occurred_at = s.text(0),
                   .carrier_code = s.text(1),
                   .status = s.text(2),
                   .carrier_text = s.text(3),
                   .location = s.text(4),
                   .postal_code = s.text(5),
                   .country = s.text(6),
                   .point_id = s.text(7),
                   .source = s.text(8),
                   .recorded_at = s.text(9)});
  if (rc != SQLITE_DONE) return db_error(db.db, "list tracking events");
  return out;
}

result<int> sqlite_store::purge_idempotency_keys(std::string_view before) {
  auto held = writer_.lock();
  connection& w = held.get();
  statement s(w, "DELETE FROM idempotency_keys WHERE state = 'finished' AND created_at < ?");
  s.bind(1, before);
  if (s.step() != SQLITE_DONE) return db_error(w.db, "purge idempotency keys");
  return sqlite3_changes(w.db);
}

result<void> sqlite_store::insert_shipment(const shipment_row& r) {
  connection& w = writer_.in_batch();
  statement s(w, std::string("INSERT INTO shipments (") + kShipmentColumns +
                     ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  bind_shipment(s, r);
  if (s.step() != SQLITE_DONE) return db_error(w.db, "insert shipment");
  return {};
}

// A purchase whose outcome is now known leaves the in-flight table and becomes a shipment; or
// it had left already: moved to pending_confirmation by the recovery of interrupted purchases,
// or landed by an earlier attempt of the same write.
result<sqlite_store::landing> sqlite_store::land(const shipment_row& r) {
  connection& w = writer_.in_batch();
  statement f(w, "DELETE FROM purchases_in_flight WHERE shipment_id = ? AND tenant_id = ?");
  f.bind(1, r.id).bind(2, r.tenant);
  if (f.step() != SQLITE_DONE) return db_error(w.db, "remove purchase in flight");
  if (sqlite3_changes(w.db) == 1) {
    // A new shipment; or a label-less return whose label a point's scan bought, which becomes
    // the bought shipment (a cancel that raced the scan loses: the label exists).
    statement s(w, std::string("INSERT INTO shipments (") + kShipmentColumns +
                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
                       "status = excluded.status, carrier_service = excluded.carrier_service, "
                       "tracking_number = excluded.tracking_number, body = excluded.body, "
                       "updated_at = excluded.updated_at, version = version + 1 WHERE "
                       "shipments.status IN ('awaiting_dropoff', 'cancelled') AND "
                       "shipments.tenant_id = excluded.tenant_id");
    bind_shipment(s, r);
    if (s.step() != SQLITE_DONE) return db_error(w.db, "insert shipment");
    if (sqlite3_changes(w.db) != 1)
      return std::unexpected(error{.kind = error_kind::internal,
                                   .message = "storage failure",
                                   .carrier_code = "sqlite",
                                   .carrier_message = "shipment " + r.id + " exists already",
                                   .retry_after_s = 0});
    return landing::moved;
  }
  statement p(w, "SELECT status FROM shipments WHERE id = ? AND tenant_id = ?");
  p.bind(1, r.id).bind(2, r.tenant);
  const int rc = p.step();
  if (rc == SQLITE_ROW)
    return p.text(0) == "pending_confirmation" ? landing::recovered_already : landing::done_already;
  if (rc != SQLITE_DONE) return db_error(w.db, "read a recovered purchase");
  return std::unexpected(error{.kind = error_kind::internal,
                               .message = "storage failure",
                               .carrier_code = "sqlite",
                               .carrier_message = "no purchase in flight: " + r.id,
                               .retry_after_s = 0});
}

result<void> sqlite_store::finish_key(const shipment_row& r, int status, std::string_view body) {
  return finish_key(r.tenant, r.idempotency_key, r.updated_at, status, body);
}

result<void> sqlite_store::finish_key(std::string_view tenant, std::string_view key,
                                      std::string_view updated_at, int status,
                                      std::string_view body) {
  connection& w = writer_.in_batch();
  statement k(w,
              "UPDATE idempotency_keys SET state = 'finished', response_status = ?, "
              "response_body = ?, updated_at = ? "
              "WHERE tenant_id = ? AND key = ?");
  k.bind(1, static_cast<long long>(status))
      .bind_borrowed(2, body)
      .bind(3, updated_at)
      .bind(4, tenant)
      .bind(5, key);
  if (k.step() != SQLITE_DONE) return db_error(w.db, "finish idempotency key");
  return {};
}

result<std::optional<claim>> sqlite_store::take_key(std::string_view tenant, std::string_view key,
                                                    std::string_view request_hash,
                                                    std::string_view resource_id,
                                                    std::string_view now) {
  connection& w = writer_.in_batch();
  statement q(w, kReadKey);
  q.bind(1, tenant).bind(2, key);
  const int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<claim>(claim_of(q, request_hash));
  if (rc != SQLITE_DONE) return db_error(w.db, "read idempotency key");
  statement k(w,
              "INSERT INTO idempotency_keys (tenant_id, key, request_hash, state, shipment_id, "
              "created_at, updated_at) VALUES (?, ?, ?, 'started', ?, ?, ?)");
  k.bind(1, tenant)
      .bind(2, key)
      .bind(3, request_hash)
      .bind(4, resource_id)
      .bind(5, now)
      .bind(6, now);
  if (k.step() != SQLITE_DONE) return db_error(w.db, "insert idempotency key");
  return std::optional<claim>();
}

}  // namespace parcelgate::store::sqlite
