#include "gateway/store/pg/schema.hpp"

namespace parcelgate::store::pg {

namespace {

// Any 64-bit number unique to parcelgate's migrations ("pgate-mi" in ASCII).
constexpr std::string_view kMigrationLock = "7071676174652d6d";

const std::vector<migration>& all() {
  static const std::vector<migration> list = {
      {3,
       "tenants, api keys, shipments, labels, purchases in flight, idempotency keys (SQLite schema "
       "3)",
       {R"sql(CREATE TABLE tenants (
  id         text PRIMARY KEY,
  created_at text NOT NULL
))sql",
        R"sql(CREATE TABLE api_keys (
  id         text PRIMARY KEY,
  tenant_id  text NOT NULL REFERENCES tenants(id),
  role       text NOT NULL CHECK (role IN ('merchant', 'point', 'ops')),
  key_hash   text NOT NULL UNIQUE,
  hint       text NOT NULL,
  name       text NOT NULL DEFAULT '',
  created_at text NOT NULL,
  revoked_at text
))sql",
        R"sql(CREATE TABLE shipments (
  seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id              text NOT NULL UNIQUE,
  tenant_id       text NOT NULL REFERENCES tenants(id),
  status          text NOT NULL,
  carrier         text NOT NULL,
  service         text NOT NULL,
  carrier_service text NOT NULL DEFAULT '',
  tracking_number text NOT NULL DEFAULT '',
  reference       text NOT NULL DEFAULT '',
  direction       text NOT NULL,
  idempotency_key text NOT NULL,
  body            text NOT NULL,
  created_at      text NOT NULL,
  updated_at      text NOT NULL
))sql",
        "CREATE INDEX shipments_by_tenant ON shipments (tenant_id, seq)",
        "CREATE INDEX shipments_by_reference ON shipments (tenant_id, reference)",
        "CREATE INDEX shipments_by_tracking ON shipments (carrier, tracking_number)",
        "CREATE INDEX shipments_by_status ON shipments (status)",
        "CREATE INDEX shipments_by_creation ON shipments (created_at)",
        R"sql(CREATE TABLE labels (
  shipment_id  text PRIMARY KEY REFERENCES shipments(id),
  format       text NOT NULL,
  content_type text NOT NULL,
  bytes        bytea NOT NULL
))sql",
        R"sql(CREATE TABLE purchases_in_flight (
  shipment_id     text PRIMARY KEY,
  tenant_id       text NOT NULL,
  carrier         text NOT NULL,
  service         text NOT NULL,
  carrier_service text NOT NULL DEFAULT '',
  reference       text NOT NULL DEFAULT '',
  direction       text NOT NULL,
  idempotency_key text NOT NULL,
  body            text NOT NULL,
  created_at      text NOT NULL,
  updated_at      text NOT NULL
))sql",
        R"sql(CREATE TABLE idempotency_keys (
  tenant_id       text NOT NULL,
  key             text NOT NULL,
  request_hash    text NOT NULL,
  state           text NOT NULL CHECK (state IN ('started', 'finished')),
  shipment_id     text,
  response_status integer,
  response_body   text,
  created_at      text NOT NULL,
  updated_at      text NOT NULL,
  PRIMARY KEY (tenant_id, key)
))sql",
        "CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at)"}},
      {4,
       "purchases in flight name the instance that owns them; leases for work one instance does",
       {"ALTER TABLE purchases_in_flight ADD COLUMN owner text NOT NULL DEFAULT ''",
        R"sql(CREATE TABLE leases (
  name       text PRIMARY KEY,
  holder     text NOT NULL,
  expires_at timestamptz NOT NULL
))sql"}},
      {5,
       "tracking events; shipments carry a version every write bumps",
       {"ALTER TABLE shipments ADD COLUMN version bigint NOT NULL DEFAULT 0",
        R"sql(CREATE TABLE tracking_events (
  shipment_id     text NOT NULL REFERENCES shipments(id),
  tenant_id       text NOT NULL,
  occurred_at     text NOT NULL,
  carrier_code    text NOT NULL,
  status          text NOT NULL,
  carrier_text    text NOT NULL DEFAULT '',
  location        text NOT NULL DEFAULT '',
  postal_code     text NOT NULL DEFAULT '',
  country         text NOT NULL DEFAULT '',
  point_id        text NOT NULL DEFAULT '',
  source          text NOT NULL,
  recorded_at     text NOT NULL,
  PRIMARY KEY (shipment_id, occurred_at, carrier_code)
))sql"}},
      {6,
       "tracking polls: which shipments to poll and when; carrier pushes recorded before answered",
       {R"sql(CREATE TABLE tracking_polls (
  shipment_id    text PRIMARY KEY REFERENCES shipments(id),
  carrier        text NOT NULL,
  next_poll_at   bigint NOT NULL,
  created_at     bigint NOT NULL,
  last_change_at bigint NOT NULL DEFAULT 0,
  polls          integer NOT NULL DEFAULT 0,
  misses         integer NOT NULL DEFAULT 0
))sql",
        "CREATE INDEX tracking_polls_due ON tracking_polls (carrier, next_poll_at, created_at)",
        R"sql(CREATE FUNCTION parcelgate_poll_new_label() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.tracking_number <> '' AND NEW.status NOT IN ('delivered', 'returned_to_sender', 'cancelled')
     AND (TG_OP = 'INSERT' OR OLD.tracking_number = '') THEN
    INSERT INTO tracking_polls (shipment_id, carrier, next_poll_at, created_at)
    VALUES (NEW.id, NEW.carrier, 0, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$)sql",
        "CREATE TRIGGER tracking_polls_on_insert AFTER INSERT ON shipments FOR EACH ROW EXECUTE "
        "FUNCTION parcelgate_poll_new_label()",
        "CREATE TRIGGER tracking_polls_on_number AFTER UPDATE OF tracking_number ON shipments FOR "
        "EACH ROW EXECUTE FUNCTION parcelgate_poll_new_label()",
        R"sql(INSERT INTO tracking_polls (shipment_id, carrier, next_poll_at, created_at)
  SELECT id, carrier, 0, (extract(epoch FROM created_at::timestamptz) * 1000)::bigint
  FROM shipments WHERE tracking_number <> ''
  AND status NOT IN ('delivered', 'returned_to_sender', 'cancelled', 'pending_confirmation')
  ON CONFLICT DO NOTHING)sql",
        R"sql(CREATE TABLE carrier_pushes (
  id            bigserial PRIMARY KEY,
  carrier       text NOT NULL,
  digest        text NOT NULL,
  received_at   text NOT NULL,
  headers       text NOT NULL,
  query         text NOT NULL,
  body          text NOT NULL,
  state         text NOT NULL DEFAULT 'received',
  attempts      integer NOT NULL DEFAULT 0,
  claimed_until bigint NOT NULL DEFAULT 0,
  outcome       text NOT NULL DEFAULT ''
))sql",
        "CREATE UNIQUE INDEX carrier_pushes_once ON carrier_pushes (carrier, digest)",
        "CREATE INDEX carrier_pushes_waiting ON carrier_pushes (id) WHERE state = 'received'"}},
      {7,
       "webhook endpoints, events written by triggers on shipments, deliveries and attempts",
       {R"sql(CREATE TABLE webhook_endpoints (
  seq                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                       text NOT NULL UNIQUE,
  tenant_id                text NOT NULL REFERENCES tenants(id),
  url                      text NOT NULL,
  events                   text NOT NULL,
  secret                   text NOT NULL,
  previous_secret          text NOT NULL DEFAULT '',
  previous_secret_until_ms bigint NOT NULL DEFAULT 0,
  status                   text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  disabled_reason          text NOT NULL DEFAULT '',
  idempotency_key          text,
  request_hash             text NOT NULL DEFAULT '',
  created_at               text NOT NULL
))sql",
        "CREATE INDEX webhook_endpoints_by_tenant ON webhook_endpoints (tenant_id, seq)",
        "CREATE UNIQUE INDEX webhook_endpoints_by_key ON webhook_endpoints (tenant_id, "
        "idempotency_key) WHERE idempotency_key IS NOT NULL",
        R"sql(CREATE TABLE webhook_events (
  seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id          text NOT NULL UNIQUE,
  tenant_id   text NOT NULL,
  type        text NOT NULL,
  shipment_id text NOT NULL,
  data        text NOT NULL,
  created_at  text NOT NULL,
  created_ms  bigint NOT NULL
))sql",
        R"sql(CREATE TABLE webhook_deliveries (
  seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_seq       bigint NOT NULL REFERENCES webhook_events(seq),
  endpoint_id     text NOT NULL,
  tenant_id       text NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_ms bigint NOT NULL,
  created_ms      bigint NOT NULL,
  finished_ms     bigint NOT NULL DEFAULT 0
))sql",
        "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_ms) WHERE state "
        "= 'pending'",
        "CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id)",
        R"sql(CREATE TABLE webhook_attempts (
  seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_seq    bigint NOT NULL,
  endpoint_id     text NOT NULL,
  tenant_id       text NOT NULL,
  event_id        text NOT NULL,
  event_type      text NOT NULL,
  attempt         integer NOT NULL,
  status_code     integer NOT NULL,
  error           text NOT NULL DEFAULT '',
  duration_ms     bigint NOT NULL,
  at              text NOT NULL,
  next_attempt_at text NOT NULL DEFAULT ''
))sql",
        "CREATE INDEX webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, seq)",
        // The outbox: an event and its deliveries are written by the statement that changes the
        // shipment, in its transaction, only when an enabled endpoint of the tenant subscribes.
        R"sql(CREATE FUNCTION webhook_shipment_event() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  kind text;
  ev bigint;
  now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    kind := 'shipment.created';
  ELSIF NEW.status = 'cancelled' THEN
    kind := 'shipment.cancelled';
  ELSIF OLD.status = 'pending_confirmation' AND NEW.status = 'label_created' THEN
    kind := 'shipment.created';
  ELSE
    kind := 'shipment.status_changed';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.tenant_id = NEW.tenant_id
                 AND w.status = 'enabled' AND strpos(w.events, ',' || kind || ',') > 0) THEN
    RETURN NULL;
  END IF;
  INSERT INTO webhook_events (id, tenant_id, type, shipment_id, data, created_at, created_ms)
  VALUES ('evt_' || replace(gen_random_uuid()::text, '-', ''), NEW.tenant_id, kind, NEW.id, NEW.body,
          to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), now_ms)
  RETURNING seq INTO ev;
  INSERT INTO webhook_deliveries (event_seq, endpoint_id, tenant_id, next_attempt_ms, created_ms)
  SELECT ev, w.id, w.tenant_id, now_ms, now_ms FROM webhook_endpoints w
  WHERE w.tenant_id = NEW.tenant_id AND w.status = 'enabled'
    AND strpos(w.events, ',' || kind || ',') > 0;
  RETURN NULL;
END
$fn$)sql",
        "CREATE TRIGGER webhook_shipment_inserted AFTER INSERT ON shipments FOR EACH ROW WHEN "
        "(NEW.status = 'label_created') EXECUTE FUNCTION webhook_shipment_event()",
        "CREATE TRIGGER webhook_shipment_status AFTER UPDATE OF status ON shipments FOR EACH ROW "
        "WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION webhook_shipment_event()"}},
      {8,
       "point keys bound to their points; collection point scans recorded with their events",
       {"ALTER TABLE api_keys ADD COLUMN points text NOT NULL DEFAULT ''",
        R"sql(CREATE TABLE point_scans (
  seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id          text NOT NULL UNIQUE,
  point_id    text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('dropoff', 'handover')),
  shipment_id text NOT NULL REFERENCES shipments(id),
  tenant_id   text NOT NULL,
  scanned_at  text NOT NULL,
  recorded_at text NOT NULL
))sql",
        "CREATE UNIQUE INDEX point_scans_once ON point_scans (point_id, shipment_id, kind)",
        "CREATE INDEX point_scans_by_point ON point_scans (point_id, kind, seq)",
        // A point's scan is recorded by the statement that adds its tracking event, in its
        // transaction; the first scan of a (point, shipment, kind) wins and the event of a later
        // one is not inserted (the row trigger returns NULL). Two concurrent twins meet on the
        // unique index: the second waits for the first's commit, then skips.
        R"sql(CREATE FUNCTION point_scan_event() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  added bigint;
BEGIN
  INSERT INTO point_scans (id, point_id, kind, shipment_id, tenant_id, scanned_at, recorded_at)
  VALUES ('scn_' || substr(md5(gen_random_uuid()::text), 1, 15), NEW.point_id,
          CASE NEW.status WHEN 'dropped_off' THEN 'dropoff' ELSE 'handover' END,
          NEW.shipment_id, NEW.tenant_id, NEW.occurred_at, NEW.recorded_at)
  ON CONFLICT (point_id, shipment_id, kind) DO NOTHING;
  GET DIAGNOSTICS added = ROW_COUNT;
  IF added = 0 THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END
$fn$)sql",
        "CREATE TRIGGER point_scan_recorded BEFORE INSERT ON tracking_events FOR EACH ROW WHEN "
        "(NEW.source = 'point_scan' AND NEW.point_id <> '' AND NEW.status IN ('dropped_off', "
        "'picked_up')) EXECUTE FUNCTION point_scan_event()"}},
      {9,
       "carrier pickups with their shipments; pickup webhooks written by triggers",
       {R"sql(CREATE TABLE pickups (
  seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id              text NOT NULL UNIQUE,
  tenant_id       text NOT NULL REFERENCES tenants(id),
  carrier         text NOT NULL,
  status          text NOT NULL
                  CHECK (status IN ('booking', 'scheduled', 'unconfirmed', 'cancelled')),
  date            text NOT NULL,
  idempotency_key text NOT NULL,
  owner           text NOT NULL,
  body            text NOT NULL,
  created_at      text NOT NULL,
  updated_at      text NOT NULL
))sql",
        "CREATE INDEX pickups_by_tenant ON pickups (tenant_id, seq)",
        "CREATE INDEX pickups_booking ON pickups (created_at) WHERE status = 'booking'",
        // The shipments a pickup takes, in the request's order; `active` until the pickup is
        // cancelled. A shipment is in at most one active pickup: two concurrent claims of one
        // shipment meet on the unique index (the second waits for the first's commit, then fails).
        R"sql(CREATE TABLE pickup_shipments (
  pickup_id   text NOT NULL REFERENCES pickups(id),
  position    integer NOT NULL,
  shipment_id text NOT NULL REFERENCES shipments(id),
  active      integer NOT NULL DEFAULT 1,
  PRIMARY KEY (pickup_id, position)
))sql",
        "CREATE UNIQUE INDEX pickup_shipments_active ON pickup_shipments (shipment_id) WHERE "
        "active = 1",
        // pickup.scheduled when a booking is confirmed (at once, or late after it was
        // unconfirmed), pickup.cancelled when it is cancelled; in the statement that changes the
        // pickup, only when an enabled endpoint of the tenant subscribes.
        R"sql(CREATE FUNCTION webhook_pickup_event() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  kind text := 'pickup.' || NEW.status;
  ev bigint;
  now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.tenant_id = NEW.tenant_id
                 AND w.status = 'enabled' AND strpos(w.events, ',' || kind || ',') > 0) THEN
    RETURN NULL;
  END IF;
  INSERT INTO webhook_events (id, tenant_id, type, shipment_id, data, created_at, created_ms)
  VALUES ('evt_' || replace(gen_random_uuid()::text, '-', ''), NEW.tenant_id, kind, NEW.id, NEW.body,
          to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), now_ms)
  RETURNING seq INTO ev;
  INSERT INTO webhook_deliveries (event_seq, endpoint_id, tenant_id, next_attempt_ms, created_ms)
  SELECT ev, w.id, w.tenant_id, now_ms, now_ms FROM webhook_endpoints w
  WHERE w.tenant_id = NEW.tenant_id AND w.status = 'enabled'
    AND strpos(w.events, ',' || kind || ',') > 0;
  RETURN NULL;
END
$fn$)sql",
        "CREATE TRIGGER webhook_pickup_status AFTER UPDATE OF status ON pickups FOR EACH ROW WHEN "
        "(OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('scheduled', 'cancelled')) "
        "EXECUTE FUNCTION webhook_pickup_event()"}},
      {10,
       "label-less returns: codes issued before a label is bought; shipment.created when issued",
       {R"sql(CREATE TABLE labelless_returns (
  shipment_id text PRIMARY KEY REFERENCES shipments(id),
  tenant_id   text NOT NULL,
  return_code text NOT NULL UNIQUE,
  request     text NOT NULL,
  created_at  text NOT NULL
))sql",
        // A label-less return is announced when it is issued (awaiting_dropoff), as a bought
        // label is.
        "DROP TRIGGER webhook_shipment_inserted ON shipments",
        "CREATE TRIGGER webhook_shipment_inserted AFTER INSERT ON shipments FOR EACH ROW WHEN "
        "(NEW.status IN ('label_created', 'awaiting_dropoff')) EXECUTE FUNCTION "
        "webhook_shipment_event()"}},
  };
  return list;
}

db_error newer_database(int database, int code) {
  return db_error{.what = failure::other,
                  .sqlstate = {},
                  .message = "the database schema is at version " + std::to_string(database) +
                             ", newer than this parcelgate (which knows up to version " +
                             std::to_string(code) +
                             "): upgrade parcelgate, or point it at another database"};
}

const std::vector<statement>& version_query() {
  static const std::vector<statement> q{
      {.sql_or_name = "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                      "name text NOT NULL, "
                      "applied_at timestamptz NOT NULL DEFAULT now())"},
      {.sql_or_name = "SELECT coalesce(max(version), 0) FROM schema_migrations"}};
  return q;
}

}  // namespace

std::span<const migration> migrations() {
  return all();
}

int code_schema_version() noexcept {
  return all().back().version;
}

task<std::expected<schema_status, db_error>> read_schema_status(pool& p, deadline until) {
  const std::vector<statement> exists{
      {.sql_or_name = "SELECT to_regclass('schema_migrations') IS NOT NULL"}};
  auto e = co_await p.run(exists, until);
  if (!e) co_return std::unexpected(std::move(e.error()));
  schema_status s{.database_version = 0, .code_version = code_schema_version(), .pending = {}};
  if ((*e)[0].text(0, 0) == "t") {
    const std::vector<statement> version{version_query()[1]};
    auto v = co_await p.run(version, until);
    if (!v) co_return std::unexpected(std::move(v.error()));
    s.database_version = static_cast<int>((*v)[0].integer(0, 0));
  }
  for (const auto& m : all())
    if (m.version > s.database_version) s.pending.push_back(m.version);
  co_return s;
}

task<std::expected<int, db_error>> migrate(pool& p, deadline until) {
  auto opened = co_await p.open_session(until);
  if (!opened) co_return std::unexpected(std::move(opened.error()));
  auto& s = *opened;
  // One explicit transaction: the advisory lock is held until COMMIT, so a second instance
  // starting now waits here and then finds the migrations applied.
  const std::vector<statement> begin{
      {.sql_or_name = "BEGIN"},
      {.sql_or_name = "SELECT pg_advisory_xact_lock(('x' || $1)::bit(64)::bigint)",
       .params = {std::string(kMigrationLock)}},
      version_query()[0],
      version_query()[1]};
  auto head = co_await s.run(begin, until);
  if (!head) co_return std::unexpected(std::move(head.error()));
  const int current = static_cast<int>((*head)[3].integer(0, 0));
  if (current > code_schema_version()) {
    const std::vector<statement> rollback{{.sql_or_name = "ROLLBACK"}};
    co_await s.run(rollback, until);
    co_return std::unexpected(newer_database(current, code_schema_version()));
  }
  int applied = 0;
  std::vector<statement> work;
  for (const auto& m : all()) {
    if (m.version <= current) continue;
    for (auto sql : m.statements) work.push_back({.sql_or_name = sql});
    work.push_back(
        {.sql_or_name = "INSERT INTO schema_migrations (version, name) VALUES ($1::integer, $2)",
         .params = {std::to_string(m.version), std::string(m.name)}});
    ++applied;
  }
  work.push_back({.sql_or_name = "COMMIT"});
  auto done = co_await s.run(work, until);
  if (!done) co_return std::unexpected(std::move(done.error()));
  co_return applied;
}

}  // namespace parcelgate::store::pg
