#include "gateway/store/pg/pg_store.hpp"

#include "gateway/store/pg/statements.hpp"

#include <algorithm>
#include <limits>

namespace parcelgate::store::pg {

namespace {

constexpr std::string_view kShipmentColumns =
    "id, tenant_id, status, carrier, service, carrier_service, tracking_number, reference, "
    "direction, "
    "idempotency_key, body, created_at, updated_at";

// Every statement the store sends, prepared once per connection.
std::vector<prepared_statement> prepared() {
  const std::string columns(kShipmentColumns);
  return {
      {"find_key",
       "SELECT id, tenant_id, role, key_hash, hint, name, created_at, coalesce(revoked_at, ''), "
       "points FROM api_keys WHERE key_hash = $1"},
      {"list_keys",
       "SELECT id, tenant_id, role, key_hash, hint, name, created_at, coalesce(revoked_at, ''), "
       "points FROM api_keys ORDER BY tenant_id, created_at"},
      {"add_tenant",
       "INSERT INTO tenants (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING"},
      {"add_key",
       "INSERT INTO api_keys (id, tenant_id, role, key_hash, hint, name, created_at, points) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
      {"revoke_key", "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"},
      // Takes the key and records the purchase in flight, or neither when the key exists (its
      // row is then read by read_key in the same round trip).
      {"claim",
       "WITH k AS (INSERT INTO idempotency_keys (tenant_id, key, request_hash, state, shipment_id, "
       "created_at, "
       "updated_at) VALUES ($1, $2, $3, 'started', $4, $5, $5) ON CONFLICT (tenant_id, key) DO "
       "NOTHING RETURNING 1) "
       "INSERT INTO purchases_in_flight (shipment_id, tenant_id, carrier, service, "
       "carrier_service, reference, "
       "direction, idempotency_key, body, created_at, updated_at, owner) "
       "SELECT $4, $1, $6, $7, $8, $9, $10, $2, $11, $12, $13, $14 FROM k"},
      {"read_key",
       "SELECT request_hash, state, coalesce(response_status, 0), coalesce(response_body, '') "
       "FROM idempotency_keys WHERE tenant_id = $1 AND key = $2"},
      // The purchase in flight becomes a shipment (with its label when one was bought) and the
      // key keeps the answer, all or nothing: every step depends on the in-flight row moved.
      {"land",
       "WITH gone AS (DELETE FROM purchases_in_flight WHERE shipment_id = $1 AND tenant_id = $2 "
       "RETURNING 1), "
       "s AS (INSERT INTO shipments (" +
           columns +
           ") SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 "
           // A label-less return whose label a point's scan bought becomes the bought shipment
           // (a cancel that raced the scan loses: the label exists).
           "FROM gone ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, carrier_service = "
           "EXCLUDED.carrier_service, tracking_number = EXCLUDED.tracking_number, body = "
           "EXCLUDED.body, updated_at = EXCLUDED.updated_at, version = shipments.version + 1 "
           "WHERE shipments.status IN ('awaiting_dropoff', 'cancelled') AND shipments.tenant_id = "
           "EXCLUDED.tenant_id RETURNING id), "
           "l AS (INSERT INTO labels (shipment_id, format, content_type, bytes) SELECT id, $14, "
           "$15, $16::bytea FROM s "
           "WHERE $14 <> '' ON CONFLICT (shipment_id) DO UPDATE SET format = EXCLUDED.format, "
           "content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes RETURNING 1), "
           "k AS (UPDATE idempotency_keys SET state = 'finished', response_status = $17::integer, "
           "response_body = $18, "
           "updated_at = $13 WHERE tenant_id = $2 AND key = $10 AND EXISTS (SELECT 1 FROM s) "
           "RETURNING 1) "
           "SELECT (SELECT count(*) FROM s), (SELECT count(*) FROM l), (SELECT count(*) FROM k)"},
      // A purchase recovered as pending_confirmation while its owner was only slow, confirmed
      // late by that owner: the same columns as "land", on the shipment instead of the row in
      // flight.
      {"confirm_late",
       "WITH s AS (UPDATE shipments SET status = $3, carrier_service = $4, tracking_number = $5, "
       "body = $7, updated_at = $8, version = version + 1 WHERE id = $1 AND tenant_id = $2 AND "
       "status = "
       "'pending_confirmation' RETURNING id), "
       "l AS (INSERT INTO labels (shipment_id, format, content_type, bytes) SELECT id, $9, "
       "$10, $11::bytea FROM s "
       "ON CONFLICT (shipment_id) DO UPDATE SET format = EXCLUDED.format, "
       "content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes RETURNING 1), "
       "k AS (UPDATE idempotency_keys SET state = 'finished', response_status = $12::integer, "
       "response_body = $13, updated_at = $8 WHERE tenant_id = $2 AND key = $6 AND EXISTS "
       "(SELECT 1 FROM s) RETURNING 1) "
       "SELECT (SELECT count(*) FROM s), (SELECT count(*) FROM l), (SELECT count(*) FROM k)"},
      {"shipment_status", "SELECT status FROM shipments WHERE id = $1 AND tenant_id = $2"},
      // Only a key still started: a purchase already recovered keeps its outcome-unknown answer.
      {"drop_key",
       "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 AND state = 'started'"},
      {"drop_in_flight",
       "DELETE FROM purchases_in_flight WHERE shipment_id = $1 AND tenant_id = $2"},
      {"in_flight",
       "SELECT shipment_id, tenant_id, carrier, service, carrier_service, reference, direction, "
       "idempotency_key, body, created_at, updated_at FROM purchases_in_flight p WHERE owner <> $1 "
       "AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.name = $2 || p.owner AND "
       "l.expires_at > clock_timestamp()) ORDER BY created_at"},
      {"update_shipment",
       "UPDATE shipments SET status = $1, tracking_number = $2, carrier_service = $3, body = $4, "
       "updated_at = $5, version = version + 1 "
       "WHERE id = $6 AND tenant_id = $7 AND status = $8"},
      // The compare-and-set on the version first; the events go in only if it took.
      {"record_tracking",
       "WITH u AS (UPDATE shipments SET status = $3, body = $4, updated_at = $5, version = version "
       "+ 1 WHERE id = $1 AND tenant_id = $2 AND version = $6::bigint RETURNING 1), "
       "i AS (INSERT INTO tracking_events (shipment_id, tenant_id, occurred_at, carrier_code, "
       "status, carrier_text, location, postal_code, country, point_id, source, recorded_at) "
       "SELECT $1, $2, e.* FROM unnest($7::text[], $8::text[], $9::text[], $10::text[], "
       "$11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[]) AS e "
       "WHERE EXISTS (SELECT 1 FROM u) ON CONFLICT DO NOTHING RETURNING 1) "
       "SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM i)"},
      {"list_tracking_events",
       "SELECT occurred_at, carrier_code, status, carrier_text, location, postal_code, country, "
       "point_id, source, recorded_at FROM tracking_events WHERE shipment_id = $1 AND ($2 = '' OR "
       "tenant_id = $2) "
       "ORDER BY occurred_at, recorded_at, carrier_code"},
      {"get_shipment",
       "SELECT " + columns +
           ", version FROM shipments WHERE id = $1 AND ($2 = '' OR tenant_id = $2)"},
      {"cursor", "SELECT seq FROM shipments WHERE id = $1 AND ($2 = '' OR tenant_id = $2)"},
      {"list_shipments",
       "SELECT body, id FROM shipments WHERE seq < $1::bigint AND ($2 = '' OR tenant_id = $2) "
       "AND ($3 = '' OR reference = $3) AND ($4 = '' OR status = $4) AND ($5 = '' OR carrier = $5) "
       "AND ($6 = '' OR tenant_id = $6) AND ($7 = '' OR created_at > $7) AND ($8 = '' OR "
       "created_at < $8) "
       "ORDER BY seq DESC LIMIT $9::integer"},
      {"get_label",
       "SELECT l.format, l.content_type, l.bytes, s.status FROM labels l JOIN shipments s "
       "ON s.id = l.shipment_id WHERE l.shipment_id = $1 AND ($2 = '' OR s.tenant_id = $2)"},
      {"purge_keys", "DELETE FROM idempotency_keys WHERE state = 'finished' AND created_at < $1"},
      {"ping", "SELECT 1"},
      // Tracking polls: due rows of one carrier, claimed by moving their next poll ahead; times
      // in the database's clock (Unix ms), like leases.
      {"claim_due_polls",
       "WITH t AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now), "
       "a AS (SELECT p.shipment_id FROM tracking_polls p, t WHERE p.carrier = $1 AND "
       "p.next_poll_at > 0 AND p.next_poll_at <= t.now ORDER BY p.next_poll_at LIMIT $3::integer "
       "FOR UPDATE OF p SKIP LOCKED), "
       "b AS (SELECT p.shipment_id FROM tracking_polls p, t WHERE p.carrier = $1 AND "
       "p.next_poll_at = 0 AND p.created_at <= t.now - $2::bigint LIMIT $3::integer "
       "FOR UPDATE OF p SKIP LOCKED), "
       "due AS (SELECT shipment_id FROM a UNION ALL SELECT shipment_id FROM b LIMIT $3::integer), "
       "u AS (UPDATE tracking_polls p SET next_poll_at = t.now + $4::bigint FROM due, t WHERE "
       "p.shipment_id = due.shipment_id RETURNING p.shipment_id, t.now - p.created_at AS age, "
       "t.now - greatest(p.last_change_at, p.created_at) AS idle, p.polls, p.misses) "
       "SELECT u.shipment_id, s.tenant_id, s.tracking_number, s.status, u.age, u.idle, u.polls, "
       "u.misses FROM u JOIN shipments s ON s.id = u.shipment_id"},
      {"reschedule_polls",
       "WITH x AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::boolean[], $4::boolean[]) "
       "AS x(id, next_in, missed, changed)), t AS (SELECT (extract(epoch FROM clock_timestamp()) * "
       "1000)::bigint AS now), "
       "d AS (DELETE FROM tracking_polls p USING x WHERE p.shipment_id = x.id AND x.next_in < 0 "
       "RETURNING 1) "
       "UPDATE tracking_polls p SET next_poll_at = t.now + greatest(x.next_in, 1), "
       "polls = p.polls + 1, misses = CASE WHEN x.missed THEN p.misses + 1 ELSE 0 END, "
       "last_change_at = CASE WHEN x.changed THEN t.now ELSE p.last_change_at END "
       "FROM x, t WHERE p.shipment_id = x.id AND x.next_in >= 0"},
      {"record_push",
       "INSERT INTO carrier_pushes (carrier, digest, received_at, headers, query, body) VALUES "
       "($1, $2, $3, $4, $5, $6) ON CONFLICT (carrier, digest) DO NOTHING"},
      {"claim_pushes",
       "WITH t AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now), "
       "c AS (SELECT p.id FROM carrier_pushes p, t WHERE p.state = 'received' AND "
       "p.claimed_until <= t.now ORDER BY p.id LIMIT $1::integer FOR UPDATE OF p SKIP LOCKED) "
       "UPDATE carrier_pushes p SET claimed_until = t.now + $2::bigint, attempts = p.attempts + 1 "
       "FROM c, t WHERE p.id = c.id RETURNING p.id, p.carrier, p.received_at, p.headers, p.query, "
       "p.body, p.attempts"},
      {"finish_pushes",
       "UPDATE carrier_pushes p SET state = x.state, outcome = x.outcome FROM "
       "unnest($1::bigint[], $2::text[], $3::text[]) AS x(id, state, outcome) WHERE p.id = x.id"},
      {"shipments_by_tracking",
       "SELECT DISTINCT ON (tracking_number) tracking_number, id FROM shipments WHERE carrier = $1 "
       "AND tracking_number = ANY($2::text[]) ORDER BY tracking_number, created_at DESC"},
      {"purge_pushes", "DELETE FROM carrier_pushes WHERE state <> 'received' AND received_at < $1"},
      // Free, expired or already ours: take it until now + $3 ms. A row comes back when held.
      {"acquire_lease",
       "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, clock_timestamp() + "
       "$3::bigint * interval '1 millisecond') ON CONFLICT (name) DO UPDATE SET holder = "
       "EXCLUDED.holder, expires_at = EXCLUDED.expires_at WHERE leases.holder = EXCLUDED.holder "
       "OR leases.expires_at <= clock_timestamp() RETURNING 1"},
      {"release_lease", "DELETE FROM leases WHERE name = $1 AND holder = $2"},
      // tracking_reads.cpp: the index shipments_by_tracking (carrier, tracking_number) serves it.
      {"find_by_tracking",
       "SELECT " + columns +
           ", version FROM shipments WHERE carrier = ANY($2::text[]) AND tracking_number = $1 "
           "AND ($3 = '' OR tenant_id = $3) ORDER BY seq DESC LIMIT $4::integer"},
      // A label-less return: its key finished at once (nothing is bought now), the shipment
      // and its code, or none of it when the key exists (read_key follows in the round trip).
      {"create_labelless",
       "WITH k AS (INSERT INTO idempotency_keys (tenant_id, key, request_hash, state, "
       "shipment_id, created_at, updated_at, response_status, response_body) VALUES ($2, $10, "
       "$16, 'finished', $1, $12, $13, $17::integer, $18) ON CONFLICT (tenant_id, key) DO NOTHING "
       "RETURNING 1), "
       "s AS (INSERT INTO shipments (" +
           columns +
           ") SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM k RETURNING id), "
           "r AS (INSERT INTO labelless_returns (shipment_id, tenant_id, return_code, request, "
           "created_at) SELECT id, $2, $14, $15, $12 FROM s RETURNING 1) "
           "SELECT (SELECT count(*) FROM r)"},
      {"find_labelless",
       "SELECT s.id, s.tenant_id, s.status, s.carrier, s.service, s.carrier_service, "
       "s.tracking_number, s.reference, s.direction, s.idempotency_key, s.body, s.created_at, "
       "s.updated_at, s.version, r.request FROM labelless_returns r JOIN shipments s ON s.id = "
       "r.shipment_id WHERE r.return_code = $1"},
      // point_scans.cpp: the scans themselves are written by the trigger of migration 8.
      {"find_point_scan",
       "SELECT s.id, s.point_id, s.kind, s.shipment_id, s.tenant_id, s.scanned_at, "
       "s.recorded_at, sh.carrier, sh.tracking_number, sh.status FROM point_scans s JOIN "
       "shipments sh ON sh.id = s.shipment_id WHERE s.point_id = $1 AND s.shipment_id = $2 AND "
       "s.kind = $3"},
      {"point_scan_cursor",
       "SELECT seq FROM point_scans WHERE id = $1 AND point_id = $2 AND kind = $3"},
      // Awaiting the carrier: dropped off here and not handed over from here.
      {"list_point_scans",
       "SELECT s.id, s.point_id, s.kind, s.shipment_id, s.tenant_id, s.scanned_at, "
       "s.recorded_at, sh.carrier, sh.tracking_number, sh.status FROM point_scans s JOIN "
       "shipments sh ON sh.id = s.shipment_id WHERE s.point_id = $1 AND s.kind = $2 AND s.seq < "
       "$3::bigint AND (s.kind = 'handover' OR NOT EXISTS (SELECT 1 FROM point_scans h WHERE "
       "h.point_id = s.point_id AND h.shipment_id = s.shipment_id AND h.kind = 'handover')) "
       "ORDER BY s.seq DESC LIMIT $4::integer"},
      // pickups.cpp. Takes the key and records the pickup booking with its shipments, or none of
      // it when the key exists or one of the shipments is in an active pickup (then read_key and
      // pickup_taken, in the same round trip, tell which). Two concurrent claims of one shipment
      // meet on the unique index pickup_shipments_active.
      {"claim_pickup",
       "WITH ids AS (SELECT x.id, x.pos FROM unnest($12::text[]) WITH ORDINALITY AS x(id, pos)), "
       "k AS (INSERT INTO idempotency_keys (tenant_id, key, request_hash, state, shipment_id, "
       "created_at, updated_at) SELECT $1, $2, $3, 'started', $4, $5, $5 WHERE NOT EXISTS "
       "(SELECT 1 FROM pickup_shipments s JOIN ids ON s.shipment_id = ids.id WHERE s.active = 1) "
       "ON CONFLICT (tenant_id, key) DO NOTHING RETURNING 1), "
       "p AS (INSERT INTO pickups (id, tenant_id, carrier, status, date, idempotency_key, owner, "
       "body, created_at, updated_at) SELECT $4, $1, $6, 'booking', $7, $2, $8, $9, $10, $11 "
       "FROM k RETURNING id), "
       "s AS (INSERT INTO pickup_shipments (pickup_id, position, shipment_id) SELECT p.id, "
       "ids.pos - 1, ids.id FROM p, ids RETURNING 1) "
       "SELECT (SELECT count(*) FROM k), (SELECT count(*) FROM s)"},
      // The first of the shipments ($1) in an active pickup other than $2: its index, the pickup.
      {"pickup_taken",
       "SELECT x.pos - 1, s.pickup_id FROM unnest($1::text[]) WITH ORDINALITY AS x(id, pos) "
       "JOIN pickup_shipments s ON s.shipment_id = x.id AND s.active = 1 WHERE s.pickup_id <> $2 "
       "ORDER BY x.pos LIMIT 1"},
      // From booking to its outcome, a recovered (unconfirmed) pickup only to scheduled; the key
      // keeps the answer only if the pickup moved.
      {"finish_pickup",
       "WITH u AS (UPDATE pickups SET status = $3, body = $4, updated_at = $5 WHERE id = $1 AND "
       "tenant_id = $2 AND (status = 'booking' OR (status = 'unconfirmed' AND $3::text = "
       "'scheduled')) RETURNING 1), "
       "k AS (UPDATE idempotency_keys SET state = 'finished', response_status = $6::integer, "
       "response_body = $7, updated_at = $5 WHERE tenant_id = $2 AND key = $8 AND EXISTS "
       "(SELECT 1 FROM u) RETURNING 1) "
       "SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM k)"},
      // Only a booking still in flight (locked, so recovery's move to unconfirmed either waits or
      // wins): its key (if still started), its shipments and the pickup go together.
      {"abandon_pickup",
       "WITH p AS (SELECT id FROM pickups WHERE id = $3 AND tenant_id = $1 AND status = 'booking' "
       "FOR UPDATE), "
       "k AS (DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 AND state = "
       "'started' AND EXISTS (SELECT 1 FROM p) RETURNING 1), "
       "s AS (DELETE FROM pickup_shipments WHERE pickup_id IN (SELECT id FROM p) RETURNING 1), "
       "d AS (DELETE FROM pickups WHERE id IN (SELECT id FROM p) RETURNING 1) "
       "SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM k), (SELECT count(*) FROM s)"},
      // One row per (pickup, shipment) in position order; a pickup without shipments has one
      // row with a NULL shipment.
      {"interrupted_pickups",
       "SELECT p.id, p.tenant_id, p.carrier, p.status, p.date, p.idempotency_key, p.body, "
       "p.created_at, p.updated_at, s.shipment_id FROM pickups p LEFT JOIN pickup_shipments s ON "
       "s.pickup_id = p.id WHERE p.status = 'booking' AND p.owner <> $1 AND NOT EXISTS (SELECT 1 "
       "FROM leases l WHERE l.name = $2 || p.owner AND l.expires_at > clock_timestamp()) "
       "ORDER BY p.created_at, p.seq, s.position"},
      {"get_pickup",
       "SELECT p.id, p.tenant_id, p.carrier, p.status, p.date, p.idempotency_key, p.body, "
       "p.created_at, p.updated_at, s.shipment_id FROM pickups p LEFT JOIN pickup_shipments s ON "
       "s.pickup_id = p.id WHERE p.id = $1 AND ($2 = '' OR p.tenant_id = $2) ORDER BY s.position"},
      // Compare-and-set on status; a pickup cancelled frees its shipments in the same statement.
      {"update_pickup",
       "WITH u AS (UPDATE pickups SET status = $1, body = $2, updated_at = $3 WHERE id = $4 AND "
       "tenant_id = $5 AND status = $6 RETURNING id), "
       "f AS (UPDATE pickup_shipments SET active = 0 WHERE pickup_id IN (SELECT id FROM u) AND "
       "$1::text = 'cancelled' RETURNING 1) "
       "SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM f)"},
  };
}

statement call(std::string_view name, std::vector<std::optional<std::string>> params = {}) {
  return call_prepared(name, std::move(params));
}

shipment_row shipment_at(const rows& r, int i) {
  auto t = [&](int c) { return std::string(r.text(i, c)); };
  return {.id = t(0),
          .tenant = t(1),
          .status = t(2),
          .carrier = t(3),
          .service = t(4),
          .carrier_service = t(5),
          .tracking_number = t(6),
          .reference = t(7),
          .direction = t(8),
          .idempotency_key = t(9),
          .body = t(10),
          .created_at = t(11),
          .updated_at = t(12),
          .version = r.integer(i, 13)};
}

api_key key_at(const rows& r, int i) {
  auto t = [&](int c) { return std::string(r.text(i, c)); };
  return {.id = t(0),
          .tenant = t(1),
          .key_role = parse_role(r.text(i, 2)).value_or(role::merchant),
          .key_hash = t(3),
          .hint = t(4),
          .name = t(5),
          .created_at = t(6),
          .revoked_at = t(7),
          .points = split_points(r.text(i, 8))};
}

// The shipment columns, then the label and the stored answer, as "land" takes them.
std::vector<std::optional<std::string>> land_params(const shipment_row& s,
                                                    const stored_label* label, int status,
                                                    const std::string& body) {
  return {s.id,
          s.tenant,
          s.status,
          s.carrier,
          s.service,
          s.carrier_service,
          s.tracking_number,
          s.reference,
          s.direction,
          s.idempotency_key,
          s.body,
          s.created_at,
          s.updated_at,
          label ? label->format : std::string(),
          label ? label->content_type : std::string(),
          label ? label->bytes : std::string(),
          std::to_string(status),
          body};
}

}  // namespace

statement call_prepared(std::string_view name, std::vector<std::optional<std::string>> params) {
  return statement{.sql_or_name = name, .params = std::move(params), .prepared = true};
}

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t n = 0; n < items.size(); ++n) {
    if (n) out += ',';
    out += '"';
    for (char ch : items[n]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

claim claim_of(const rows& k, int i, std::string_view request_hash) {
  claim c;
  if (k.text(i, 0) != request_hash) {
    c.result = claim::outcome::mismatch;
  } else if (k.text(i, 1) == "finished") {
    c.result = claim::outcome::replay;
    c.status = static_cast<int>(k.integer(i, 2));
    c.body = std::string(k.text(i, 3));
  } else {
    c.result = claim::outcome::in_progress;
  }
  return c;
}

error storage_error(const db_error& e, const char* what) {
  const bool transient = e.what == failure::pool_exhausted || e.what == failure::unreachable ||
                         e.what == failure::connection_lost || e.what == failure::timeout ||
                         e.what == failure::statement_timeout ||
                         e.what == failure::serialization_failure;
  return error{
      .kind = transient ? error_kind::unavailable : error_kind::internal,
      .message = transient ? "the database is unavailable; retry shortly" : "storage failure",
      .carrier_code = "postgresql" + (e.sqlstate.empty() ? std::string() : " " + e.sqlstate),
      .carrier_message = std::string(what) + ": " + e.message,
      .retry_after_s = transient ? 1 : 0};
}

pg_store::pg_store(boost::asio::any_io_executor executor, pg_store_options options)
    : executor_(executor),
      options_(std::move(options)),
      pool_(std::move(executor),
            pool_options{.conninfo = options_.url,
                         .size = options_.pool,
                         .acquire_timeout = options_.acquire_timeout,
                         .statements = prepared(),
                         .setup = {"SET statement_timeout = " +
                                       std::to_string(options_.statement_timeout.count()),
                                   "SET synchronous_commit = on",
                                   "SET default_transaction_isolation = 'read committed'"}}) {}

task<result<std::vector<rows>>> pg_store::run(const std::vector<statement>& statements,
                                              const char* what) {
  auto out = co_await pool_.run(statements, until());
  if (!out) co_return fail(storage_error(out.error(), what));
  co_return std::move(*out);
}

pool& pg_store::admin() {
  if (!admin_)
    admin_ = std::make_unique<pool>(executor_,
                                    pool_options{.conninfo = options_.url,
                                                 .size = 1,
                                                 .acquire_timeout = options_.operation_timeout,
                                                 .setup = {"SET statement_timeout = 0"}});
  return *admin_;
}

task<std::expected<int, db_error>> pg_store::migrate() {
  co_return co_await pg::migrate(admin(), until());
}

task<std::expected<schema_status, db_error>> pg_store::schema() {
  co_return co_await read_schema_status(admin(), until());
}

task<result<void>> pg_store::create_api_key(const api_key& key) {
  const std::vector<statement> q{
      call("add_tenant", {key.tenant, key.created_at}),
      call("add_key", {key.id, key.tenant, std::string(to_string(key.key_role)), key.key_hash,
                       key.hint, key.name, key.created_at, join_points(key.points)})};
  auto r = co_await run(q, "create api key");
  if (!r) co_return fail(std::move(r.error()));
  co_return result<void>{};
}

task<result<std::vector<api_key>>> pg_store::list_api_keys() {
  const std::vector<statement> q{call("list_keys")};
  auto r = co_await run(q, "list api keys");
  if (!r) co_return fail(std::move(r.error()));
  std::vector<api_key> out;
  for (int i = 0; i < (*r)[0].size(); ++i) out.push_back(key_at((*r)[0], i));
  co_return out;
}

task<result<bool>> pg_store::revoke_api_key(const std::string& id, const std::string& at) {
  const std::vector<statement> q{call("revoke_key", {at, id})};
  auto r = co_await run(q, "revoke api key");
  if (!r) co_return fail(std::move(r.error()));
  co_return (*r)[0].affected() > 0;
}

task<result<std::optional<api_key>>> pg_store::find_api_key(const std::string& key_hash) {
  const std::vector<statement> q{call("find_key", {key_hash})};
  auto r = co_await run(q, "find api key");
  if (!r) co_return fail(std::move(r.error()));
  if ((*r)[0].size() == 0) co_return std::optional<api_key>();
  co_return std::optional<api_key>(key_at((*r)[0], 0));
}

task<result<claim>> pg_store::claim_purchase(const std::string& request_hash, const shipment_row& p,
                                             const std::string& now) {
  const std::vector<statement> q{
      call("claim", {p.tenant, p.idempotency_key, request_hash, p.id, now, p.carrier, p.service,
                     p.carrier_service, p.reference, p.direction, p.body, p.created_at,
                     p.updated_at, options_.instance}),
      call("read_key", {p.tenant, p.idempotency_key})};
  auto r = co_await run(q, "claim idempotency key");
  if (!r) co_return fail(std::move(r.error()));
  if ((*r)[0].affected() == 1) co_return claim{};
  const auto& k = (*r)[1];
  if (k.size() != 1)
    co_return fail(
        storage_error({.what = failure::other, .sqlstate = {}, .message = "key vanished"},
                      "claim idempotency key"));
  co_return claim_of(k, 0, request_hash);
}

task<result<std::optional<claim>>> pg_store::find_key(const std::string& tenant,
                                                      const std::string& key,
                                                      const std::string& request_hash) {
  const std::vector<statement> q{call("read_key", {tenant, key})};
  auto r = co_await run(q, "read idempotency key");
  if (!r) co_return fail(std::move(r.error()));
  if ((*r)[0].size() == 0) co_return std::optional<claim>();
  co_return std::optional<claim>(claim_of((*r)[0], 0, request_hash));
}

task<result<void>> pg_store::complete_purchase(const shipment_row& shipment,
                                               const stored_label& label, int response_status,
                                               const std::string& response_body) {
  const auto all_three = [](const rows& x) {
    return x.integer(0, 0) == 1 && x.integer(0, 1) == 1 && x.integer(0, 2) == 1;
  };
  // The usual case, one statement: the purchase in flight becomes the shipment.
  std::vector<statement> q{
      call("land", land_params(shipment, &label, response_status, response_body))};
  q[0].binary_param = 15;  // the label bytes, raw
  auto r = co_await run(q, "complete purchase");
  if (!r) co_return fail(std::move(r.error()));
  if (all_three((*r)[0])) co_return result<void>{};
  // Not in flight any more: recovery moved it to pending_confirmation (confirm it late), or an
  // earlier attempt of this very write committed but its answer was lost (done already).
  std::vector<statement> late{
      call("confirm_late", {shipment.id, shipment.tenant, shipment.status, shipment.carrier_service,
                            shipment.tracking_number, shipment.idempotency_key, shipment.body,
                            shipment.updated_at, label.format, label.content_type, label.bytes,
                            std::to_string(response_status), response_body}),
      call("shipment_status", {shipment.id, shipment.tenant})};
  late[0].binary_param = 10;
  auto l = co_await run(late, "complete purchase");
  if (!l) co_return fail(std::move(l.error()));
  const bool landed = (*l)[1].size() == 1 && (*l)[1].text(0, 0) != "pending_confirmation";
  if (!all_three((*l)[0]) && !landed)
    co_return fail(storage_error({.what = failure::other,
                                  .sqlstate = {},
                                  .message = "no purchase in flight: " + shipment.id},
                                 "complete purchase"));
  co_return result<void>{};
}

task<result<void>> pg_store::abandon_purchase(const std::string& tenant, const std::string& key,
                                              const std::string& shipment_id) {
  const std::vector<statement> q{call("drop_key", {tenant, key}),
                                 call("drop_in_flight", {shipment_id, tenant})};
  auto r = co_await run(q, "abandon purchase");
  if (!r) co_return fail(std::move(r.error()));
  co_return result<void>{};
}

task<result<void>> pg_store::mark_pending_confirmation(const shipment_row& shipment,
                                                       int response_status,
                                                       const std::string& response_body) {
  // Done when the purchase in flight moved now, or had moved already (recovery got there first,
  // or an earlier attempt of this write committed but its answer was lost).
  const std::vector<statement> q{
      call("land", land_params(shipment, nullptr, response_status, response_body)),
      call("shipment_status", {shipment.id, shipment.tenant})};
  auto r = co_await run(q, "mark pending confirmation");
  if (!r) co_return fail(std::move(r.error()));
  if ((*r)[1].size() != 1)
    co_return fail(storage_error({.what = failure::other,
                                  .sqlstate = {},
                                  .message = "no purchase in flight: " + shipment.id},
                                 "mark pending confirmation"));
  co_return result<void>{};
}

task<result<std::vector<interrupted_purchase>>> pg_store::interrupted_purchases() {
  const std::vector<statement> q{call("in_flight", {options_.instance, instance_lease("")})};
  auto r = co_await run(q, "list interrupted purchases");
  if (!r) co_return fail(std::move(r.error()));
  std::vector<interrupted_purchase> out;
  const auto& rs = (*r)[0];
  for (int i = 0; i < rs.size(); ++i) {
    auto t = [&](int c) { return std::string(rs.text(i, c)); };
    shipment_row row{.id = t(0),
                     .tenant = t(1),
                     .status = "purchasing",
                     .carrier = t(2),
                     .service = t(3),
                     .carrier_service = t(4),
                     .tracking_number = {},
                     .reference = t(5),
                     .direction = t(6),
                     .idempotency_key = t(7),
                     .body = t(8),
                     .created_at = t(9),
                     .updated_at = t(10)};
    auto key = row.idempotency_key;
    out.push_back({.shipment = std::move(row), .idempotency_key = std::move(key)});
  }
  co_return out;
}

task<result<bool>> pg_store::update_shipment(const shipment_row& s,
                                             const std::string& expected_status) {
  const std::vector<statement> q{
      call("update_shipment", {s.status, s.tracking_number, s.carrier_service, s.body, s.updated_at,
                               s.id, s.tenant, expected_status})};
  auto r = co_await run(q, "update shipment");
  if (!r) co_return fail(std::move(r.error()));
  co_return (*r)[0].affected() > 0;
}

task<result<bool>> pg_store::record_tracking(const shipment_row& s,
                                             const std::vector<stored_event>& events) {
  std::vector<std::string> at, code, status, text, location, postal, country, point, source,
      recorded;
  for (const auto& e : events) {
    at.push_back(e.occurred_at);
    code.push_back(e.carrier_code);
    status.push_back(e.status);
    text.push_back(e.carrier_text);
    location.push_back(e.location);
    postal.push_back(e.postal_code);
    country.push_back(e.country);
    point.push_back(e.point_id);
    source.push_back(e.source);
    recorded.push_back(e.recorded_at);
  }
  const std::vector<statement> q{call(
      "record_tracking", {s.id, s.tenant, s.status, s.body, s.updated_at, std::to_string(s.version),
                          text_array(at), text_array(code), text_array(status), text_array(text),
                          text_array(location), text_array(postal), text_array(country),
                          text_array(point), text_array(source), text_array(recorded)})};
  auto r = co_await run(q, "record tracking");
  if (!r) co_return fail(std::move(r.error()));
  co_return (*r)[0].integer(0, 0) == 1;
}

task<result<std::vector<stored_event>>> pg_store::list_tracking_events(
    const std::string& tenant, const std::string& shipment_id) {
  const std::vector<statement> q{call("list_tracking_events", {shipment_id, tenant})};
  auto r = co_await run(q, "list tracking events");
  if (!r) co_return fail(std::move(r.error()));
  const auto& rs = (*r)[0];
  std::vector<stored_event> out;
  for (int i = 0; i < rs.size(); ++i) {
    auto t = [&](int c) { return std::string(rs.text(i, c)); };
    out.push_back({.occurred_at = t(0),
                   .carrier_code = t(1),
                   .status = t(2),
                   .carrier_text = t(3),
                   .location = t(4),
                   .postal_code = t(5),
                   .country = t(6),
                   .point_id = t(7),
                   .source = t(8),
                   .recorded_at = t(9)});
  }
  co_return out;
}

task<result<std::optional<shipment_row>>> pg_store::get_shipment(const std::string& tenant,
                                                                 const std::string& id) {
  const std::vector<statement> q{call("get_shipment", {id, tenant})};
  auto r = co_await run(q, "get shipment");
  if (!r) co_return fail(std::move(r.error()));
  if ((*r)[0].size() == 0) co_return std::optional<shipment_row>();
  co_return std::optional<shipment_row>(shipment_at((*r)[0], 0));
}

task<result<claim>> pg_store::create_labelless(const std::string& request_hash,
                                               const shipment_row& shipment,
                                               const std::string& return_code,
                                               const std::string& request_json, int response_status,
                                               const std::string& response_body) {
  const auto& r = shipment;
  const std::vector<statement> q{
      call("create_labelless", {r.id, r.tenant, r.status, r.carrier, r.service, r.carrier_service,
                                r.tracking_number, r.reference, r.direction, r.idempotency_key,
                                r.body, r.created_at, r.updated_at, return_code, request_json,
                                request_hash, std::to_string(response_status), response_body}),
      call("read_key", {r.tenant, r.idempotency_key})};
  auto done = co_await pool_.run(q, until());
  if (!done) {
    if (done.error().what == failure::unique_violation &&
        done.error().message.find("labelless_returns") != std::string::npos)
      co_return fail(error{.kind = error_kind::conflict,
                           .message = "return code already issued",
                           .carrier_code = "postgresql",
                           .carrier_message = done.error().message,
                           .retry_after_s = 0});
    co_return fail(storage_error(done.error(), "issue label-less return"));
  }
  if ((*done)[0].integer(0, 0) == 1) co_return claim{};
  const auto& k = (*done)[1];
  if (k.size() == 1) co_return claim_of(k, 0, request_hash);
  co_return fail(storage_error(
      {.what = failure::other, .sqlstate = {}, .message = "the key vanished while read"},
      "issue label-less return"));
}

task<result<std::optional<labelless_return>>> pg_store::find_labelless(
    const std::string& return_code) {
  const std::vector<statement> q{call("find_labelless", {return_code})};
  auto r = co_await run(q, "find label-less return");
  if (!r) co_return fail(std::move(r.error()));
  if ((*r)[0].size() == 0) co_return std::optional<labelless_return>();
  co_return std::optional<labelless_return>(
      labelless_return{.shipment = shipment_at((*r)[0], 0),
                       .return_code = return_code,
                       .request_json = std::string((*r)[0].text(0, 14))});
}

task<result<shipment_page>> pg_store::list_shipments(const std::string& tenant,
                                                     const shipment_filter& f) {
  std::string before = std::to_string(std::numeric_limits<std::int64_t>::max());
  if (!f.starting_after.empty()) {
    const std::vector<statement> c{call("cursor", {f.starting_after, tenant})};
    auto r = co_await run(c, "cursor");
    if (!r) co_return fail(std::move(r.error()));
    if ((*r)[0].size() == 0)
      co_return fail(error{.kind = error_kind::invalid_request,
                           .message = "unknown cursor",
                           .fields = {{"starting_after", "no shipment with this id"}}});
    before = std::string((*r)[0].text(0, 0));
  }
  const std::vector<statement> q{
      call("list_shipments", {before, tenant, f.reference, f.status, f.carrier, f.tenant,
                              f.created_after, f.created_before, std::to_string(f.limit + 1)})};
  auto r = co_await run(q, "list shipments");
  if (!r) co_return fail(std::move(r.error()));
  const auto& rs = (*r)[0];
  shipment_page page;
  for (int i = 0; i < rs.size(); ++i) page.bodies.emplace_back(rs.text(i, 0));
  if (static_cast<int>(page.bodies.size()) > f.limit) {
    page.bodies.pop_back();
    page.has_more = true;
    page.next_cursor = std::string(rs.text(f.limit - 1, 1));  // the id of the last body kept
  }
  co_return page;
}

task<result<std::optional<stored_label>>> pg_store::get_label(const std::string& tenant,
                                                              const std::string& id) {
  std::vector<statement> q{call("get_label", {id, tenant})};
  q[0].binary_result = true;  // the bytes come back raw; text columns are the same in binary
  auto r = co_await run(q, "get label");
  if (!r) co_return fail(std::move(r.error()));
  const auto& rs = (*r)[0];
  if (rs.size() == 0) co_return std::optional<stored_label>();
  co_return std::optional<stored_label>(
      stored_label{.format = std::string(rs.text(0, 0)),
                   .content_type = std::string(rs.text(0, 1)),
                   .bytes = std::string(rs.text(0, 2)),
                   .shipment_status = std::string(rs.text(0, 3))});
}

task<result<int>> pg_store::purge_idempotency_keys(const std::string& before) {
  const std::vector<statement> q{call("purge_keys", {before})};
  auto r = co_await run(q, "purge idempotency keys");
  if (!r) co_return fail(std::move(r.error()));
  co_return (*r)[0].affected();
}

namespace {

// An array literal of plain values (numbers, booleans) that need no quoting.
std::string plain_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t n = 0; n < items.size(); ++n) out += (n ? "," : "") + items[n];
  return out + '}';
}

}  // namespace

task<result<std::vector<poll_claim>>> pg_store::claim_due_polls(const std::string& carrier,
                                                                std::int64_t first_poll_after_ms,
                                                                int limit, std::int64_t hold_ms) {
  const std::vector<statement> q{
      call("claim_due_polls", {carrier, std::to_string(first_poll_after_ms), std::to_string(limit),
                               std::to_string(hold_ms)})};
  auto r = co_await run(q, "claim due polls");
  if (!r) co_return fail(std::move(r.error()));
  const auto& rs = (*r)[0];
  std::vector<poll_claim> out;
  for (int i = 0; i < rs.size(); ++i)
    out.push_back({.shipment_id = std::string(rs.text(i, 0)),
                   .tenant = std::string(rs.text(i, 1)),
                   .carrier = carrier,
                   .tracking_number = std::string(rs.text(i, 2)),
                   .status = std::string(rs.text(i, 3)),
                   .age_ms = rs.integer(i, 4),
                   .idle_ms = rs.integer(i, 5),
                   .polls = static_cast<int>(rs.integer(i, 6)),
                   .misses = static_cast<int>(rs.integer(i, 7))});
  co_return out;
}

task<result<void>> pg_store::reschedule_polls(const std::vector<poll_update>& updates) {
  if (updates.empty()) co_return result<void>{};
  std::vector<std::string> ids, next, missed, changed;
  for (const auto& u : updates) {
    ids.push_back(u.shipment_id);
    next.push_back(std::to_string(u.next_in_ms));
    missed.push_back(u.missed ? "t" : "f");
    changed.push_back(u.changed ? "t" : "f");
  }
  const std::vector<statement> q{
      call("reschedule_polls",
           {text_array(ids), plain_array(next), plain_array(missed), plain_array(changed)})};
  auto r = co_await run(q, "reschedule polls");
  if (!r) co_return fail(std::move(r.error()));
  co_return result<void>{};
}

task<result<bool>> pg_store::record_push(const std::string& carrier, const std::string& digest,
                                         const std::string& headers_json, const std::string& query,
                                         const std::string& body, const std::string& received_at) {
  const std::vector<statement> q{
      call("record_push", {carrier, digest, received_at, headers_json, query, body})};
  auto r = co_await run(q, "record push");
  if (!r) co_return fail(std::move(r.error()));
  co_return (*r)[0].affected() == 1;
}

task<result<std::vector<stored_push>>> pg_store::claim_pushes(int limit, std::int64_t hold_ms) {
  const std::vector<statement> q{
      call("claim_pushes", {std::to_string(limit), std::to_string(hold_ms)})};
  auto r = co_await run(q, "claim pushes");
  if (!r) co_return fail(std::move(r.error()));
  const auto& rs = (*r)[0];
  std::vector<stored_push> out;
  for (int i = 0; i < rs.size(); ++i)
    out.push_back({.id = rs.integer(i, 0),
                   .carrier = std::string(rs.text(i, 1)),
                   .received_at = std::string(rs.text(i, 2)),
                   .headers_json = std::string(rs.text(i, 3)),
                   .query = std::string(rs.text(i, 4)),
                   .body = std::string(rs.text(i, 5)),
                   .attempts = static_cast<int>(rs.integer(i, 6))});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  co_return out;
}

task<result<void>> pg_store::finish_pushes(const std::vector<push_done>& done) {
  if (done.empty()) co_return result<void>{};
  std::vector<std::string> ids, states, outcomes;
  for (const auto& d : done) {
    ids.push_back(std::to_string(d.id));
    states.push_back(d.failed ? "failed" : "processed");
    outcomes.push_back(d.outcome);
  }
  const std::vector<statement> q{
      call("finish_pushes", {plain_array(ids), text_array(states), text_array(outcomes)})};
  auto r = co_await run(q, "finish pushes");
  if (!r) co_return fail(std::move(r.error()));
  co_return result<void>{};
}

task<result<std::vector<std::pair<std::string, std::string>>>> pg_store::match_tracking_numbers(
    const std::string& carrier, const std::vector<std::string>& tracking_numbers) {
  const std::vector<statement> q{
      call("shipments_by_tracking", {carrier, text_array(tracking_numbers)})};
  auto r = co_await run(q, "find shipments by tracking number");
  if (!r) co_return fail(std::move(r.error()));
  const auto& rs = (*r)[0];
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 0; i < rs.size(); ++i)
    out.emplace_back(std::string(rs.text(i, 0)), std::string(rs.text(i, 1)));
  co_return out;
}

task<result<int>> pg_store::purge_pushes(const std::string& before) {
  const std::vector<statement> q{call("purge_pushes", {before})};
  auto r = co_await run(q, "purge pushes");
  if (!r) co_return fail(std::move(r.error()));
  co_return (*r)[0].affected();
}

task<result<bool>> pg_store::acquire_lease(const std::string& name, std::chrono::milliseconds ttl) {
  const std::vector<statement> q{
      call("acquire_lease", {name, options_.instance, std::to_string(ttl.count())})};
  auto r = co_await run(q, "acquire lease");
  if (!r) co_return fail(std::move(r.error()));
  co_return (*r)[0].size() == 1;
}

task<result<void>> pg_store::release_lease(const std::string& name) {
  const std::vector<statement> q{call("release_lease", {name, options_.instance})};
  auto r = co_await run(q, "release lease");
  if (!r) co_return fail(std::move(r.error()));
  co_return result<void>{};
}

task<bool> pg_store::reachable() {
  const std::vector<statement> q{call("ping")};
  auto r = co_await pool_.run(q, until());
  co_return r.has_value();
}

}  // namespace parcelgate::store::pg
