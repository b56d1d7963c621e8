// SQLite store: tracking polls and carrier pushes (async_store.hpp). Claims run as one
// autocommit transaction on the writer's connection outside the purchase batches (like leases);
// the writes that follow a poll or record a push are group-committed with the purchases. Times
// are this machine's clock in Unix milliseconds: one file serves one gateway.

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>

#include "gateway/store/sqlite/sqlite_store.hpp"

namespace parcelgate::store::sqlite {

result<std::vector<poll_claim>> sqlite_store::claim_due_polls(std::string_view carrier,
                                                              std::int64_t first_poll_after_ms,
                                                              int limit, std::int64_t hold_ms) {
  auto held = writer_.lock();
  connection& w = held.get();
  const long long now = unix_ms_now();
  transaction tx(w.db);
  if (!tx.begun()) return db_error(w.db, "begin poll claim");
  // Polled before and due, or never polled and bought long enough ago.
  statement c(w,
              "UPDATE tracking_polls SET next_poll_at = ?1 + ?2 WHERE shipment_id IN ("
              "SELECT shipment_id FROM tracking_polls WHERE carrier = ?3 AND next_poll_at > 0 AND "
              "next_poll_at <= ?1 UNION ALL SELECT shipment_id FROM tracking_polls WHERE carrier = "
              "?3 AND next_poll_at = 0 AND created_at <= ?1 - ?4 LIMIT ?5) "
              "RETURNING shipment_id, ?1 - created_at, ?1 - max(last_change_at, created_at), "
              "polls, misses");
  c.bind(1, now)
      .bind(2, static_cast<long long>(hold_ms))
      .bind(3, carrier)
      .bind(4, static_cast<long long>(first_poll_after_ms))
      .bind(5, static_cast<long long>(limit));
  std::vector<poll_claim> out;
  int rc;
  while ((rc = c.step()) == SQLITE_ROW)
    out.push_back({.shipment_id = c.text(0),
                   .tenant = {},
                   .carrier = std::string(carrier),
                   .tracking_number = {},
                   .status = {},
                   .age_ms = c.integer(1),
                   .idle_ms = c.integer(2),
                   .polls = static_cast<int>(c.integer(3)),
                   .misses = static_cast<int>(c.integer(4))});
  if (rc != SQLITE_DONE) return db_error(w.db, "claim due polls");
  for (auto& p : out) {
    statement s(w, "SELECT tenant_id, tracking_number, status FROM shipments WHERE id = ?");
    s.bind(1, p.shipment_id);
    if (s.step() == SQLITE_ROW) {
      p.tenant = s.text(0);
      p.tracking_number = s.text(1);
      p.status = s.text(2);
    }
  }
  if (!tx.commit()) return db_error(w.db, "commit poll claim");
  return out;
}

result<void> sqlite_store::reschedule_polls(const std::vector<poll_update>& updates) {
  return batched<void>(writer_, [&]() -> result<void> {
    connection& w = writer_.in_batch();
    const long long now = unix_ms_now();
    for (const auto& u : updates) {
      if (u.next_in_ms < 0) {
        statement d(w, "DELETE FROM tracking_polls WHERE shipment_id = ?");
        d.bind(1, u.shipment_id);
        if (d.step() != SQLITE_DONE) return db_error(w.db, "stop polling");
        continue;
      }
      statement s(w,
                  "UPDATE tracking_polls SET next_poll_at = ?1 + ?2, polls = polls + 1, "
                  "misses = CASE WHEN ?3 THEN misses + 1 ELSE 0 END, "
                  "last_change_at = CASE WHEN ?4 THEN ?1 ELSE last_change_at END "
                  "WHERE shipment_id = ?5");
      s.bind(1, now)
          .bind(2, static_cast<long long>(std::max<std::int64_t>(u.next_in_ms, 1)))
          .bind(3, static_cast<long long>(u.missed))
          .bind(4, static_cast<long long>(u.changed))
          .bind(5, u.shipment_id);
      if (s.step() != SQLITE_DONE) return db_error(w.db, "reschedule poll");
    }
    return {};
  });
}

result<bool> sqlite_store::record_push(std::string_view carrier, std::string_view digest,
                                       std::string_view headers_json, std::string_view query,
                                       std::string_view body, std::string_view received_at) {
  return batched<bool>(writer_, [&]() -> result<bool> {
    connection& w = writer_.in_batch();
    statement s(w,
                "INSERT INTO carrier_pushes (carrier, digest, received_at, headers, query, body) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (carrier, digest) DO NOTHING");
    s.bind(1, carrier)
        .bind(2, digest)
        .bind(3, received_at)
        .bind(4, headers_json)
        .bind(5, query)
        .bind_blob(6, body);
    if (s.step() != SQLITE_DONE) return db_error(w.db, "record push");
    return sqlite3_changes(w.db) == 1;
  });
}

result<std::vector<stored_push>> sqlite_store::claim_pushes(int limit, std::int64_t hold_ms) {
  auto held = writer_.lock();
  connection& w = held.get();
  const long long now = unix_ms_now();
  statement c(w,
              "UPDATE carrier_pushes SET claimed_until = ?1 + ?2, attempts = attempts + 1 "
              "WHERE id IN (SELECT id FROM carrier_pushes WHERE state = 'received' AND "
              "claimed_until <= ?1 ORDER BY id LIMIT ?3) "
              "RETURNING id, carrier, received_at, headers, query, body, attempts");
  c.bind(1, now).bind(2, static_cast<long long>(hold_ms)).bind(3, static_cast<long long>(limit));
  std::vector<stored_push> out;
  int rc;
  while ((rc = c.step()) == SQLITE_ROW)
    out.push_back({.id = c.integer(0),
                   .carrier = c.text(1),
                   .received_at = c.text(2),
                   .headers_json = c.text(3),
                   .query = c.text(4),
                   .body = c.text(5),
                   .attempts = static_cast<int>(c.integer(6))});
  if (rc != SQLITE_DONE) return db_error(w.db, "claim pushes");
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

result<void> sqlite_store::finish_pushes(const std::vector<push_done>& done) {
  return batched<void>(writer_, [&]() -> result<void> {
    connection& w = writer_.in_batch();
    for (const auto& d : done) {
      statement s(w, "UPDATE carrier_pushes SET state = ?, outcome = ? WHERE id = ?");
      s.bind(1, d.failed ? "failed" : "processed").bind(2, d.outcome).bind(3, d.id);
      if (s.step() != SQLITE_DONE) return db_error(w.db, "finish push");
    }
    return {};
  });
}

result<std::vector<std::pair<std::string, std::string>>> sqlite_store::match_tracking_numbers(
    std::string_view carrier, const std::vector<std::string>& tracking_numbers) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& n : tracking_numbers) {
    statement s(db,
                "SELECT id FROM shipments WHERE carrier = ? AND tracking_number = ? "
                "ORDER BY created_at DESC LIMIT 1");
    s.bind(1, carrier).bind(2, n);
    const int rc = s.step();
    if (rc == SQLITE_ROW)
      out.emplace_back(n, s.text(0));
    else if (rc != SQLITE_DONE)
      return db_error(db.db, "find shipment by tracking number");
  }
  return out;
}

result<int> sqlite_store::purge_pushes(std::string_view before) {
  auto held = writer_.lock();
  connection& w = held.get();
  statement s(w, "DELETE FROM carrier_pushes WHERE state <> 'received' AND received_at < ?");
  s.bind(1, before);
  if (s.step() != SQLITE_DONE) return db_error(w.db, "purge pushes");
  return sqlite3_changes(w.db);
}

}  // namespace parcelgate::store::sqlite
