// SQLite store: webhook endpoints, deliveries and attempts (store/webhooks.hpp). Events and their
// deliveries are written by the triggers of migration 7 inside the purchase and tracking writes;
// what is here are the API's reads and writes and the dispatcher's. Writes are small autocommit
// transactions on the writer's connection outside the purchase batches, like the leases.

#include <sqlite3.h>

#include <limits>

#include "gateway/store/sqlite/sqlite_store.hpp"

namespace parcelgate::store::sqlite {

namespace {

constexpr const char* kEndpointColumns =
    "id, tenant_id, url, events, secret, previous_secret, previous_secret_until_ms, status, "
    "disabled_reason, created_at, coalesce(idempotency_key, ''), request_hash";

// ",a,b," <-> {"a", "b"}: the triggers find a type with instr(events, ',type,').
std::string join_events(const std::vector<std::string>& events) {
  std::string out = ",";
  for (const auto& e : events) out += e + ",";
  return out;
}

std::vector<std::string> split_events(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto comma = text.find(',', at);
    if (comma == std::string_view::npos) comma = text.size();
    if (comma > at) out.emplace_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

webhook_endpoint read_endpoint(const statement& s, int first = 0) {
  return webhook_endpoint{.id = s.text(first + 0),
                          .tenant = s.text(first + 1),
                          .url = s.text(first + 2),
                          .events = split_events(s.text(first + 3)),
                          .secret = s.text(first + 4),
                          .previous_secret = s.text(first + 5),
                          .previous_secret_until_ms = s.integer(first + 6),
                          .status = s.text(first + 7),
                          .disabled_reason = s.text(first + 8),
                          .created_at = s.text(first + 9),
                          .idempotency_key = s.text(first + 10),
                          .request_hash = s.text(first + 11)};
}

result<std::optional<webhook_endpoint>> find_endpoint(connection& c, std::string_view tenant,
                                                      std::string_view id) {
  statement s(c, std::string("SELECT ") + kEndpointColumns +
                     " FROM webhook_endpoints WHERE id = ? AND tenant_id = ?");
  s.bind(1, id).bind(2, tenant);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<webhook_endpoint>(read_endpoint(s));
  if (rc == SQLITE_DONE) return std::optional<webhook_endpoint>();
  return db_error(c.db, "read webhook endpoint");
}

}  // namespace

result<webhook_endpoint> sqlite_store::create_webhook(const webhook_endpoint& e) {
  auto held = writer_.lock();
  connection& w = held.get();
  transaction tx(w.db);
  if (!tx.begun()) return db_error(w.db, "begin create webhook");
  if (!e.idempotency_key.empty()) {
    statement q(w, std::string("SELECT ") + kEndpointColumns +
                       " FROM webhook_endpoints WHERE tenant_id = ? AND idempotency_key = ?");
    q.bind(1, e.tenant).bind(2, e.idempotency_key);
    const int rc = q.step();
    if (rc == SQLITE_ROW) return read_endpoint(q);
    if (rc != SQLITE_DONE) return db_error(w.db, "read webhook idempotency key");
  }
  statement s(w,
              "INSERT INTO webhook_endpoints (id, tenant_id, url, events, secret, status, "
              "idempotency_key, request_hash, created_at) VALUES (?, ?, ?, ?, ?, 'enabled', ?, ?, "
              "?)");
  s.bind(1, e.id)
      .bind(2, e.tenant)
      .bind(3, e.url)
      .bind(4, join_events(e.events))
      .bind(5, e.secret)
      .bind(7, e.request_hash)
      .bind(8, e.created_at);
  if (e.idempotency_key.empty())
    s.bind_null(6);
  else
    s.bind(6, e.idempotency_key);
  if (s.step() != SQLITE_DONE) return db_error(w.db, "insert webhook endpoint");
  if (!tx.commit()) return db_error(w.db, "commit webhook endpoint");
  return e;
}

result<webhook_endpoint_page> sqlite_store::list_webhooks(std::string_view tenant,
                                                          std::string_view starting_after,
                                                          int limit) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  long long before = std::numeric_limits<long long>::max();
  if (!starting_after.empty()) {
    statement c(db, "SELECT seq FROM webhook_endpoints WHERE id = ? AND tenant_id = ?");
    c.bind(1, starting_after).bind(2, tenant);
    const int rc = c.step();
    if (rc == SQLITE_DONE)
      return std::unexpected(error{
          .kind = error_kind::invalid_request,
          .message = "unknown cursor",
          .fields = {field_error{.field = "starting_after", .message = "no webhook with this id"}},
          .retry_after_s = 0});
    if (rc != SQLITE_ROW) return db_error(db.db, "webhook cursor");
    before = c.integer(0);
  }
  statement s(db, std::string("SELECT ") + kEndpointColumns +
                      " FROM webhook_endpoints WHERE tenant_id = ? AND seq < ? ORDER BY seq DESC "
                      "LIMIT ?");
  s.bind(1, tenant).bind(2, before).bind(3, static_cast<long long>(limit + 1));
  webhook_endpoint_page page;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) page.items.push_back(read_endpoint(s));
  if (rc != SQLITE_DONE) return db_error(db.db, "list webhook endpoints");
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.has_more = true;
  }
  return page;
}

result<std::optional<webhook_endpoint>> sqlite_store::get_webhook(std::string_view tenant,
                                                                  std::string_view id) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  return find_endpoint(reader->get(), tenant, id);
}

result<bool> sqlite_store::delete_webhook(std::string_view tenant, std::string_view id) {
  auto held = writer_.lock();
  connection& w = held.get();
  transaction tx(w.db);
  if (!tx.begun()) return db_error(w.db, "begin delete webhook");
  statement a(w, "DELETE FROM webhook_attempts WHERE endpoint_id = ? AND tenant_id = ?");
  a.bind(1, id).bind(2, tenant);
  statement d(w, "DELETE FROM webhook_deliveries WHERE endpoint_id = ? AND tenant_id = ?");
  d.bind(1, id).bind(2, tenant);
  if (a.step() != SQLITE_DONE || d.step() != SQLITE_DONE)
    return db_error(w.db, "delete webhook deliveries");
  statement e(w, "DELETE FROM webhook_endpoints WHERE id = ? AND tenant_id = ?");
  e.bind(1, id).bind(2, tenant);
  if (e.step() != SQLITE_DONE) return db_error(w.db, "delete webhook endpoint");
  const bool deleted = sqlite3_changes(w.db) == 1;
  if (!tx.commit()) return db_error(w.db, "commit webhook deletion");
  return deleted;
}

result<std::optional<webhook_endpoint>> sqlite_store::rotate_webhook_secret(
    std::string_view tenant, std::string_view id, std::string_view secret,
    std::int64_t previous_until_ms) {
  auto held = writer_.lock();
  connection& w = held.get();
  statement s(
      w,
      "UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until_ms = ?, "
      "secret = ? WHERE id = ? AND tenant_id = ?");
  s.bind(1, static_cast<long long>(previous_until_ms)).bind(2, secret).bind(3, id).bind(4, tenant);
  if (s.step() != SQLITE_DONE) return db_error(w.db, "rotate webhook secret");
  if (sqlite3_changes(w.db) != 1) return std::optional<webhook_endpoint>();
  return find_endpoint(w, tenant, id);
}

result<std::vector<webhook_delivery>> sqlite_store::due_webhook_deliveries(std::int64_t now_ms,
                                                                           int limit) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement s(db,
              "SELECT d.seq, e.id, e.type, e.created_at, e.data, d.attempts, d.created_ms, w.id, "
              "w.tenant_id, w.url, w.events, w.secret, w.previous_secret, "
              "w.previous_secret_until_ms, w.status, w.disabled_reason, w.created_at, '', '' "
              "FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq "
              "JOIN webhook_endpoints w ON w.id = d.endpoint_id "
              "WHERE d.state = 'pending' AND d.next_attempt_ms <= ? AND w.status = 'enabled' "
              "ORDER BY d.next_attempt_ms, d.seq LIMIT ?");
  s.bind(1, static_cast<long long>(now_ms)).bind(2, static_cast<long long>(limit));
  std::vector<webhook_delivery> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    out.push_back(webhook_delivery{.seq = s.integer(0),
                                   .event_id = s.text(1),
                                   .event_type = s.text(2),
                                   .event_created_at = s.text(3),
                                   .data = s.text(4),
                                   .attempts = static_cast<int>(s.integer(5)),
                                   .created_ms = s.integer(6),
                                   .endpoint = read_endpoint(s, 7)});
  if (rc != SQLITE_DONE) return db_error(db.db, "list due webhook deliveries");
  return out;
}

result<void> sqlite_store::record_webhook_attempt(const webhook_attempt_outcome& o) {
  auto held = writer_.lock();
  connection& w = held.get();
  transaction tx(w.db);
  if (!tx.begun()) return db_error(w.db, "begin record webhook attempt");
  statement a(w,
              "INSERT INTO webhook_attempts (delivery_seq, endpoint_id, tenant_id, event_id, "
              "event_type, attempt, status_code, error, duration_ms, at, next_attempt_at) "
              "SELECT d.seq, d.endpoint_id, d.tenant_id, e.id, e.type, ?, ?, ?, ?, ?, ? "
              "FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq "
              "WHERE d.seq = ?");
  a.bind(1, static_cast<long long>(o.attempt))
      .bind(2, static_cast<long long>(o.status_code))
      .bind(3, o.error)
      .bind(4, static_cast<long long>(o.duration_ms))
      .bind(5, o.at)
      .bind(6, o.next_attempt_at)
      .bind(7, static_cast<long long>(o.delivery_seq));
  if (a.step() != SQLITE_DONE) return db_error(w.db, "insert webhook attempt");
  const char* state = o.state == "delivered" ? "delivered"
                      : o.state == "retry"   ? "pending"
                                             : "failed";
  statement d(w,
              "UPDATE webhook_deliveries SET state = ?, attempts = max(attempts, ?), "
              "next_attempt_ms = ?, finished_ms = ? WHERE seq = ?");
  d.bind(1, std::string_view(state))
      .bind(2, static_cast<long long>(o.attempt))
      .bind(3, static_cast<long long>(o.state == "retry" ? o.next_attempt_ms : 0))
      .bind(4, static_cast<long long>(o.state == "retry" ? 0 : o.at_ms))
      .bind(5, static_cast<long long>(o.delivery_seq));
  if (d.step() != SQLITE_DONE) return db_error(w.db, "update webhook delivery");
  if (o.state == "disabled" || o.state == "failed") {
    statement e(w,
                "UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = ? WHERE id = "
                "?");
    e.bind(1, disabled_reason(o)).bind(2, o.endpoint_id);
    if (e.step() != SQLITE_DONE) return db_error(w.db, "disable webhook endpoint");
  }
  if (!tx.commit()) return db_error(w.db, "commit webhook attempt");
  return {};
}

result<webhook_attempt_page> sqlite_store::list_webhook_attempts(std::string_view tenant,
                                                                 std::string_view endpoint_id,
                                                                 std::int64_t before_seq,
                                                                 int limit) {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement s(db,
              "SELECT seq, event_id, event_type, attempt, status_code, error, duration_ms, at, "
              "next_attempt_at FROM webhook_attempts WHERE endpoint_id = ? AND tenant_id = ? AND "
              "(? = 0 OR seq < ?) ORDER BY seq DESC LIMIT ?");
  s.bind(1, endpoint_id)
      .bind(2, tenant)
      .bind(3, static_cast<long long>(before_seq))
      .bind(4, static_cast<long long>(before_seq))
      .bind(5, static_cast<long long>(limit + 1));
  webhook_attempt_page page;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    page.items.push_back(webhook_attempt{.seq = s.integer(0),
                                         .event_id = s.text(1),
                                         .event_type = s.text(2),
                                         .attempt = static_cast<int>(s.integer(3)),
                                         .status_code = static_cast<int>(s.integer(4)),
                                         .error = s.text(5),
                                         .duration_ms = s.integer(6),
                                         .at = s.text(7),
                                         .next_attempt_at = s.text(8)});
  if (rc != SQLITE_DONE) return db_error(db.db, "list webhook attempts");
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.has_more = true;
  }
  return page;
}

result<webhook_queue_stats> sqlite_store::webhook_queue() {
  auto reader = readers_.acquire();
  if (!reader) return std::unexpected(reader.error());
  connection& db = reader->get();
  statement s(db,
              "SELECT count(*), coalesce(min(d.created_ms), 0) FROM webhook_deliveries d JOIN "
              "webhook_endpoints w ON w.id = d.endpoint_id WHERE d.state = 'pending' AND "
              "w.status = 'enabled'");
  if (s.step() != SQLITE_ROW) return db_error(db.db, "webhook queue");
  return webhook_queue_stats{.pending = s.integer(0), .oldest_pending_ms = s.integer(1)};
}

result<int> sqlite_store::purge_webhook_history(std::int64_t before_ms) {
  auto held = writer_.lock();
  connection& w = held.get();
  transaction tx(w.db);
  if (!tx.begun()) return db_error(w.db, "begin webhook purge");
  const long long before = before_ms;
  statement a(w,
              "DELETE FROM webhook_attempts WHERE delivery_seq IN (SELECT seq FROM "
              "webhook_deliveries WHERE state <> 'pending' AND finished_ms < ?)");
  a.bind(1, before);
  if (a.step() != SQLITE_DONE) return db_error(w.db, "purge webhook attempts");
  statement d(w, "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND finished_ms < ?");
  d.bind(1, before);
  if (d.step() != SQLITE_DONE) return db_error(w.db, "purge webhook deliveries");
  const int purged = sqlite3_changes(w.db);
  statement e(w,
              "DELETE FROM webhook_events WHERE created_ms < ? AND NOT EXISTS (SELECT 1 FROM "
              "webhook_deliveries d WHERE d.event_seq = webhook_events.seq)");
  e.bind(1, before);
  if (e.step() != SQLITE_DONE) return db_error(w.db, "purge webhook events");
  if (!tx.commit()) return db_error(w.db, "commit webhook purge");
  return purged;
}

}  // namespace parcelgate::store::sqlite
