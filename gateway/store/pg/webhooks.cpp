// PostgreSQL store: webhook endpoints, deliveries and attempts (store/webhooks.hpp). Events and
// their deliveries are written by the trigger of migration 7 in the statement that changes a
// shipment. Each operation here is one statement (writes of several tables are data-modifying
// CTEs, all or nothing), sent unprepared: they are rare next to the purchase statements.

#include <limits>

#include "gateway/store/pg/pg_store.hpp"

namespace parcelgate::store::pg {

namespace {

#define PG_ENDPOINT_COLUMNS                                                                 \
  "id, tenant_id, url, events, secret, previous_secret, previous_secret_until_ms, status, " \
  "disabled_reason, created_at, coalesce(idempotency_key, ''), request_hash"

constexpr std::string_view kInsert =
    "WITH ins AS (INSERT INTO webhook_endpoints (id, tenant_id, url, events, secret, "
    "idempotency_key, request_hash, created_at) VALUES ($1, $2, $3, $4, $5, nullif($6, ''), $7, "
    "$8) ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING "
    "RETURNING 1) SELECT count(*) FROM ins";
constexpr std::string_view kByKey = "SELECT " PG_ENDPOINT_COLUMNS
                                    " FROM webhook_endpoints WHERE tenant_id = $1 AND "
                                    "idempotency_key = $2";
constexpr std::string_view kGet =
    "SELECT " PG_ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2";
constexpr std::string_view kCursor =
    "SELECT seq FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2";
constexpr std::string_view kList = "SELECT " PG_ENDPOINT_COLUMNS
                                   " FROM webhook_endpoints WHERE tenant_id = $1 AND seq < "
                                   "$2::bigint ORDER BY seq DESC LIMIT $3::integer";
constexpr std::string_view kDelete =
    "WITH a AS (DELETE FROM webhook_attempts WHERE endpoint_id = $1 AND tenant_id = $2), "
    "d AS (DELETE FROM webhook_deliveries WHERE endpoint_id = $1 AND tenant_id = $2) "
    "DELETE FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2";
constexpr std::string_view kRotate =
    "UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until_ms = "
    "$3::bigint, secret = $4 WHERE id = $1 AND tenant_id = $2 RETURNING " PG_ENDPOINT_COLUMNS;
constexpr std::string_view kDue =
    "SELECT d.seq, e.id, e.type, e.created_at, e.data, d.attempts, d.created_ms, w.id, "
    "w.tenant_id, w.url, w.events, w.secret, w.previous_secret, w.previous_secret_until_ms, "
    "w.status, w.disabled_reason, w.created_at, '', '' "
    "FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq "
    "JOIN webhook_endpoints w ON w.id = d.endpoint_id "
    "WHERE d.state = 'pending' AND d.next_attempt_ms <= $1::bigint AND w.status = 'enabled' "
    "ORDER BY d.next_attempt_ms, d.seq LIMIT $2::integer";
constexpr std::string_view kRecord =
    "WITH a AS (INSERT INTO webhook_attempts (delivery_seq, endpoint_id, tenant_id, event_id, "
    "event_type, attempt, status_code, error, duration_ms, at, next_attempt_at) "
    "SELECT d.seq, d.endpoint_id, d.tenant_id, e.id, e.type, $2::integer, $3::integer, $4, "
    "$5::bigint, $6, $7 FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq "
    "WHERE d.seq = $1::bigint RETURNING 1), "
    "u AS (UPDATE webhook_deliveries SET state = $8, attempts = greatest(attempts, $2::integer), "
    "next_attempt_ms = $9::bigint, finished_ms = $10::bigint WHERE seq = $1::bigint RETURNING 1), "
    "x AS (UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $11 WHERE id = $12 "
    "AND $13 = 'disabled' RETURNING 1) "
    "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM u), (SELECT count(*) FROM x)";
constexpr std::string_view kAttempts =
    "SELECT seq, event_id, event_type, attempt, status_code, error, duration_ms, at, "
    "next_attempt_at FROM webhook_attempts WHERE endpoint_id = $1 AND tenant_id = $2 AND "
    "($3::bigint = 0 OR seq < $3::bigint) ORDER BY seq DESC LIMIT $4::integer";
constexpr std::string_view kQueue =
    "SELECT count(*), coalesce(min(d.created_ms), 0) FROM webhook_deliveries d JOIN "
    "webhook_endpoints w ON w.id = d.endpoint_id WHERE d.state = 'pending' AND w.status = "
    "'enabled'";

constexpr std::string_view kPurge =
    "WITH d AS (DELETE FROM webhook_deliveries WHERE state <> 'pending' AND finished_ms < "
    "$1::bigint RETURNING seq, event_seq), "
    "a AS (DELETE FROM webhook_attempts WHERE delivery_seq IN (SELECT seq FROM d)), "
    "e AS (DELETE FROM webhook_events v WHERE v.created_ms < $1::bigint AND NOT EXISTS (SELECT 1 "
    "FROM webhook_deliveries x WHERE x.event_seq = v.seq AND x.seq NOT IN (SELECT seq FROM d))) "
    "SELECT count(*) FROM d";

#undef PG_ENDPOINT_COLUMNS

statement sql(std::string_view text, std::vector<std::optional<std::string>> params = {}) {
  return statement{.sql_or_name = text, .params = std::move(params)};
}

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

webhook_endpoint endpoint_at(const rows& r, int i, int first = 0) {
  auto t = [&](int c) { return std::string(r.text(i, first + c)); };
  return webhook_endpoint{.id = t(0),
                          .tenant = t(1),
                          .url = t(2),
                          .events = split_events(r.text(i, first + 3)),
                          .secret = t(4),
                          .previous_secret = t(5),
                          .previous_secret_until_ms = r.integer(i, first + 6),
                          .status = t(7),
                          .disabled_reason = t(8),
                          .created_at = t(9),
                          .idempotency_key = t(10),
                          .request_hash = t(11)};
}

}  // namespace

task<result<webhook_endpoint>> pg_store::create_webhook(const webhook_endpoint& e) {
  std::vector<statement> q{sql(kInsert, {e.id, e.tenant, e.url, join_events(e.events), e.secret,
                                         e.idempotency_key, e.request_hash, e.created_at})};
  if (!e.idempotency_key.empty()) q.push_back(sql(kByKey, {e.tenant, e.idempotency_key}));
  auto r = co_await run(q, "create webhook");
  if (!r) co_return fail(std::move(r.error()));
  if ((*r)[0].integer(0, 0) == 1) co_return e;
  if (q.size() < 2 || (*r)[1].size() != 1)
    co_return fail(error{.kind = error_kind::internal,
                         .message = "storage failure",
                         .carrier_code = "postgresql",
                         .carrier_message = "create webhook: the idempotency key's row vanished"});
  co_return endpoint_at((*r)[1], 0);
}

task<result<webhook_endpoint_page>> pg_store::list_webhooks(const std::string& tenant,
                                                            const std::string& starting_after,
                                                            int limit) {
  std::string before = std::to_string(std::numeric_limits<std::int64_t>::max());
  if (!starting_after.empty()) {
    const std::vector<statement> c{sql(kCursor, {starting_after, tenant})};
    auto r = co_await run(c, "webhook cursor");
    if (!r) co_return fail(std::move(r.error()));
    if ((*r)[0].size() == 0)
      co_return fail(error{.kind = error_kind::invalid_request,
                           .message = "unknown cursor",
                           .fields = {field_error{.field = "starting_after",
                                                  .message = "no webhook with this id"}}});
    before = std::string((*r)[0].text(0, 0));
  }
  const std::vector<statement> q{sql(kList, {tenant, before, std::to_string(limit + 1)})};
  auto r = co_await run(q, "list webhooks");
  if (!r) co_return fail(std::move(r.error()));
  webhook_endpoint_page page;
  for (int i = 0; i < (*r)[0].size(); ++i) page.items.push_back(endpoint_at((*r)[0], i));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.has_more = true;
  }
  co_return page;
}

task<result<std::optional<webhook_endpoint>>> pg_store::get_webhook(const std::string& tenant,
                                                                    const std::string& id) {
  const std::vector<statement> q{sql(kGet, {id, tenant})};
  auto r = co_await run(q, "get webhook");
  if (!r) co_return fail(std::move(r.error()));
  if ((*r)[0].size() == 0) co_return std::optional<webhook_endpoint>();
  co_return std::optional<webhook_endpoint>(endpoint_at((*r)[0], 0));
}

task<result<bool>> pg_store::delete_webhook(const std::string& tenant, const std::string& id) {
  const std::vector<statement> q{sql(kDelete, {id, tenant})};
  auto r = co_await run(q, "delete webhook");
  if (!r) co_return fail(std::move(r.error()));
  co_return (*r)[0].affected() == 1;
}

task<result<std::optional<webhook_endpoint>>> pg_store::rotate_webhook_secret(
    const std::string& tenant, const std::string& id, const std::string& secret,
    std::int64_t previous_until_ms) {
  const std::vector<statement> q{
      sql(kRotate, {id, tenant, std::to_string(previous_until_ms), secret})};
  auto r = co_await run(q, "rotate webhook secret");
  if (!r) co_return fail(std::move(r.error()));
  if ((*r)[0].size() == 0) co_return std::optional<webhook_endpoint>();
  co_return std::optional<webhook_endpoint>(endpoint_at((*r)[0], 0));
}

task<result<std::vector<webhook_delivery>>> pg_store::due_webhook_deliveries(std::int64_t now_ms,
                                                                             int limit) {
  const std::vector<statement> q{sql(kDue, {std::to_string(now_ms), std::to_string(limit)})};
  auto r = co_await run(q, "due webhook deliveries");
  if (!r) co_return fail(std::move(r.error()));
  const auto& rs = (*r)[0];
  std::vector<webhook_delivery> out;
  for (int i = 0; i < rs.size(); ++i)
    out.push_back(webhook_delivery{.seq = rs.integer(i, 0),
                                   .event_id = std::string(rs.text(i, 1)),
                                   .event_type = std::string(rs.text(i, 2)),
                                   .event_created_at = std::string(rs.text(i, 3)),
                                   .data = std::string(rs.text(i, 4)),
                                   .attempts = static_cast<int>(rs.integer(i, 5)),
                                   .created_ms = rs.integer(i, 6),
                                   .endpoint = endpoint_at(rs, i, 7)});
  co_return out;
}

task<result<void>> pg_store::record_webhook_attempt(const webhook_attempt_outcome& o) {
  const std::string state = o.state == "delivered" ? "delivered"
                            : o.state == "retry"   ? "pending"
                                                   : "failed";
  const std::vector<statement> q{
      sql(kRecord,
          {std::to_string(o.delivery_seq), std::to_string(o.attempt), std::to_string(o.status_code),
           o.error, std::to_string(o.duration_ms), o.at, o.next_attempt_at, state,
           std::to_string(o.state == "retry" ? o.next_attempt_ms : 0),
           std::to_string(o.state == "retry" ? 0 : o.at_ms), disabled_reason(o), o.endpoint_id,
           o.state == "disabled" || o.state == "failed" ? "disabled" : o.state})};
  auto r = co_await run(q, "record webhook attempt");
  if (!r) co_return fail(std::move(r.error()));
  co_return result<void>{};
}

task<result<webhook_attempt_page>> pg_store::list_webhook_attempts(const std::string& tenant,
                                                                   const std::string& endpoint_id,
                                                                   std::int64_t before_seq,
                                                                   int limit) {
  const std::vector<statement> q{
      sql(kAttempts, {endpoint_id, tenant, std::to_string(before_seq), std::to_string(limit + 1)})};
  auto r = co_await run(q, "list webhook attempts");
  if (!r) co_return fail(std::move(r.error()));
  const auto& rs = (*r)[0];
  webhook_attempt_page page;
  for (int i = 0; i < rs.size(); ++i)
    page.items.push_back(webhook_attempt{.seq = rs.integer(i, 0),
                                         .event_id = std::string(rs.text(i, 1)),
                                         .event_type = std::string(rs.text(i, 2)),
                                         .attempt = static_cast<int>(rs.integer(i, 3)),
                                         .status_code = static_cast<int>(rs.integer(i, 4)),
                                         .error = std::string(rs.text(i, 5)),
                                         .duration_ms = rs.integer(i, 6),
                                         .at = std::string(rs.text(i, 7)),
                                         .next_attempt_at = std::string(rs.text(i, 8))});
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.has_more = true;
  }
  co_return page;
}

task<result<webhook_queue_stats>> pg_store::webhook_queue() {
  const std::vector<statement> q{sql(kQueue)};
  auto r = co_await run(q, "webhook queue");
  if (!r) co_return fail(std::move(r.error()));
  co_return webhook_queue_stats{.pending = (*r)[0].integer(0, 0),
                                .oldest_pending_ms = (*r)[0].integer(0, 1)};
}

task<result<int>> pg_store::purge_webhook_history(std::int64_t before_ms) {
  const std::vector<statement> q{sql(kPurge, {std::to_string(before_ms)})};
  auto r = co_await run(q, "purge webhook history");
  if (!r) co_return fail(std::move(r.error()));
  co_return static_cast<int>((*r)[0].integer(0, 0));
}

}  // namespace parcelgate::store::pg
