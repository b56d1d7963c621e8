#include "gateway/store/migrations.hpp"

namespace parcelgate::store {

namespace {

constexpr migration kMigrations[] = {
    {1, "tenants, api keys, shipments, labels, idempotency keys", R"sql(
CREATE TABLE tenants (
  id         TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);
CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY,
  tenant_id  TEXT NOT NULL REFERENCES tenants(id),
  role       TEXT NOT NULL CHECK (role IN ('merchant', 'point', 'ops')),
  key_hash   TEXT NOT NULL UNIQUE,
  hint       TEXT NOT NULL,
  name       TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE shipments (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT NOT NULL UNIQUE,
  tenant_id       TEXT NOT NULL REFERENCES tenants(id),
  status          TEXT NOT NULL,
  carrier         TEXT NOT NULL,
  service         TEXT NOT NULL,
  carrier_service TEXT NOT NULL DEFAULT '',
  tracking_number TEXT NOT NULL DEFAULT '',
  reference       TEXT NOT NULL DEFAULT '',
  direction       TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  body            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX shipments_by_tenant ON shipments (tenant_id, seq);
CREATE INDEX shipments_by_reference ON shipments (tenant_id, reference);
CREATE INDEX shipments_by_tracking ON shipments (carrier, tracking_number);
CREATE INDEX shipments_by_status ON shipments (status);
CREATE TABLE labels (
  shipment_id  TEXT PRIMARY KEY REFERENCES shipments(id),
  format       TEXT NOT NULL,
  content_type TEXT NOT NULL,
  bytes        BLOB NOT NULL
);
CREATE TABLE idempotency_keys (
  tenant_id       TEXT NOT NULL,
  key             TEXT NOT NULL,
  request_hash    TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('started', 'finished')),
  shipment_id     TEXT,
  response_status INTEGER,
  response_body   TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
)sql"},
    {2,
     "purchases in flight in their own table; keys and labels without a rowid b-tree; no "
     "AUTOINCREMENT",
     R"sql(
-- A purchase writes two durable transactions; each b-tree it touches is at least one page of WAL.
-- The claim now writes three small b-trees (key, its age index, the purchase in flight) instead
-- of ten, and `shipments` holds only shipments the API can show.
CREATE TABLE purchases_in_flight (
  shipment_id     TEXT PRIMARY KEY,
  tenant_id       TEXT NOT NULL,
  carrier         TEXT NOT NULL,
  service         TEXT NOT NULL,
  carrier_service TEXT NOT NULL DEFAULT '',
  reference       TEXT NOT NULL DEFAULT '',
  direction       TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  body            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO purchases_in_flight
  SELECT id, tenant_id, carrier, service, carrier_service, reference, direction, idempotency_key, body,
         created_at, updated_at
  FROM shipments WHERE status = 'purchasing';

CREATE TABLE shipments_v2 (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  tenant_id       TEXT NOT NULL REFERENCES tenants(id),
  status          TEXT NOT NULL,
  carrier         TEXT NOT NULL,
  service         TEXT NOT NULL,
  carrier_service TEXT NOT NULL DEFAULT '',
  tracking_number TEXT NOT NULL DEFAULT '',
  reference       TEXT NOT NULL DEFAULT '',
  direction       TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  body            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
INSERT INTO shipments_v2 SELECT * FROM shipments WHERE status <> 'purchasing';

CREATE TABLE labels_v2 (
  shipment_id  TEXT PRIMARY KEY REFERENCES shipments(id),
  format       TEXT NOT NULL,
  content_type TEXT NOT NULL,
  bytes        BLOB NOT NULL
) WITHOUT ROWID;
INSERT INTO labels_v2 SELECT shipment_id, format, content_type, bytes FROM labels;
DROP TABLE labels;
DROP TABLE shipments;
ALTER TABLE shipments_v2 RENAME TO shipments;
ALTER TABLE labels_v2 RENAME TO labels;
CREATE INDEX shipments_by_tenant ON shipments (tenant_id, seq);
CREATE INDEX shipments_by_reference ON shipments (tenant_id, reference);
CREATE INDEX shipments_by_tracking ON shipments (carrier, tracking_number);
CREATE INDEX shipments_by_status ON shipments (status);

CREATE TABLE idempotency_keys_v2 (
  tenant_id       TEXT NOT NULL,
  key             TEXT NOT NULL,
  request_hash    TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('started', 'finished')),
  shipment_id     TEXT,
  response_status INTEGER,
  response_body   TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (tenant_id, key)
) WITHOUT ROWID;
INSERT INTO idempotency_keys_v2 SELECT * FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_v2 RENAME TO idempotency_keys;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
)sql"},
    {3, "shipment bodies name their tenant and why they have no rate; list filter by creation time",
     R"sql(
UPDATE shipments SET body = json_set(body, '$.tenant', tenant_id,
  '$.rate_unavailable_reason',
  CASE WHEN json_type(body, '$.rate') = 'null' THEN 'not recorded (shipment created before rate reasons were kept)' END);
UPDATE purchases_in_flight SET body = json_set(body, '$.tenant', tenant_id,
  '$.rate_unavailable_reason',
  CASE WHEN json_type(body, '$.rate') = 'null' THEN 'not recorded (shipment created before rate reasons were kept)' END);
CREATE INDEX shipments_by_creation ON shipments (created_at);
)sql"},
    {4, "purchases in flight name the instance that owns them; leases for work one instance does",
     R"sql(
ALTER TABLE purchases_in_flight ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE TABLE leases (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_at INTEGER NOT NULL  -- Unix time in milliseconds
) WITHOUT ROWID;
)sql"},
    {5, "tracking events; shipments carry a version every write bumps", R"sql(
ALTER TABLE shipments ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE tracking_events (
  shipment_id     TEXT NOT NULL REFERENCES shipments(id),
  tenant_id       TEXT NOT NULL,
  occurred_at     TEXT NOT NULL,  -- RFC 3339 UTC, seconds ("2026-12-02T08:00:00Z")
  carrier_code    TEXT NOT NULL,
  status          TEXT NOT NULL,
  carrier_text    TEXT NOT NULL DEFAULT '',
  location        TEXT NOT NULL DEFAULT '',
  postal_code     TEXT NOT NULL DEFAULT '',
  country         TEXT NOT NULL DEFAULT '',
  point_id        TEXT NOT NULL DEFAULT '',
  source          TEXT NOT NULL,
  recorded_at     TEXT NOT NULL,
  PRIMARY KEY (shipment_id, occurred_at, carrier_code)
) WITHOUT ROWID;
)sql"},
    {6, "tracking polls: which shipments to poll and when; carrier pushes recorded before answered",
     R"sql(
CREATE TABLE tracking_polls (
  shipment_id    TEXT PRIMARY KEY REFERENCES shipments(id),
  carrier        TEXT NOT NULL,
  next_poll_at   INTEGER NOT NULL,  -- Unix ms; 0: never polled (due created_at + first_poll_after)
  created_at     INTEGER NOT NULL,  -- Unix ms the label was bought
  last_change_at INTEGER NOT NULL DEFAULT 0,  -- Unix ms a poll last found something new
  polls          INTEGER NOT NULL DEFAULT 0,
  misses         INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX tracking_polls_due ON tracking_polls (carrier, next_poll_at, created_at);
-- A shipment that has a tracking number is polled from the transaction that records it on.
CREATE TRIGGER tracking_polls_on_insert AFTER INSERT ON shipments
WHEN NEW.tracking_number <> '' AND NEW.status NOT IN ('delivered', 'returned_to_sender', 'cancelled')
BEGIN
  INSERT OR IGNORE INTO tracking_polls (shipment_id, carrier, next_poll_at, created_at)
  VALUES (NEW.id, NEW.carrier, 0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER tracking_polls_on_number AFTER UPDATE OF tracking_number ON shipments
WHEN OLD.tracking_number = '' AND NEW.tracking_number <> ''
BEGIN
  INSERT OR IGNORE INTO tracking_polls (shipment_id, carrier, next_poll_at, created_at)
  VALUES (NEW.id, NEW.carrier, 0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
INSERT OR IGNORE INTO tracking_polls (shipment_id, carrier, next_poll_at, created_at)
  SELECT id, carrier, 0, CAST((julianday(created_at) - 2440587.5) * 86400000 AS INTEGER)
  FROM shipments WHERE tracking_number <> ''
  AND status NOT IN ('delivered', 'returned_to_sender', 'cancelled', 'pending_confirmation');
CREATE TABLE carrier_pushes (
  id            INTEGER PRIMARY KEY,
  carrier       TEXT NOT NULL,
  digest        TEXT NOT NULL,  -- SHA-256 of the body, hex: the same push twice is kept once
  received_at   TEXT NOT NULL,
  headers       TEXT NOT NULL,  -- JSON object of the request headers kept
  query         TEXT NOT NULL,  -- the query string, the push token removed
  body          BLOB NOT NULL,
  state         TEXT NOT NULL DEFAULT 'received',  -- received | processed | failed
  attempts      INTEGER NOT NULL DEFAULT 0,
  claimed_until INTEGER NOT NULL DEFAULT 0,  -- Unix ms
  outcome       TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX carrier_pushes_once ON carrier_pushes (carrier, digest);
CREATE INDEX carrier_pushes_waiting ON carrier_pushes (id) WHERE state = 'received';
)sql"},
    {7, "webhook endpoints, events written by triggers on shipments, deliveries and attempts",
     R"sql(
CREATE TABLE webhook_endpoints (
  seq                      INTEGER PRIMARY KEY,
  id                       TEXT NOT NULL UNIQUE,
  tenant_id                TEXT NOT NULL REFERENCES tenants(id),
  url                      TEXT NOT NULL,
  events                   TEXT NOT NULL,  -- ",shipment.created,shipment.cancelled,"
  secret                   TEXT NOT NULL,
  previous_secret          TEXT NOT NULL DEFAULT '',
  previous_secret_until_ms INTEGER NOT NULL DEFAULT 0,
  status                   TEXT NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  disabled_reason          TEXT NOT NULL DEFAULT '',
  idempotency_key          TEXT,
  request_hash             TEXT NOT NULL DEFAULT '',
  created_at               TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_by_tenant ON webhook_endpoints (tenant_id, seq);
CREATE UNIQUE INDEX webhook_endpoints_by_key ON webhook_endpoints (tenant_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE TABLE webhook_events (
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  tenant_id   TEXT NOT NULL,
  type        TEXT NOT NULL,
  shipment_id TEXT NOT NULL,
  data        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_ms  INTEGER NOT NULL
);
CREATE TABLE webhook_deliveries (
  seq             INTEGER PRIMARY KEY,
  event_seq       INTEGER NOT NULL REFERENCES webhook_events(seq),
  endpoint_id     TEXT NOT NULL,
  tenant_id       TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  created_ms      INTEGER NOT NULL,
  finished_ms     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_ms) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id);
CREATE TABLE webhook_attempts (
  seq             INTEGER PRIMARY KEY,
  delivery_seq    INTEGER NOT NULL,
  endpoint_id     TEXT NOT NULL,
  tenant_id       TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  attempt         INTEGER NOT NULL,
  status_code     INTEGER NOT NULL,
  error           TEXT NOT NULL DEFAULT '',
  duration_ms     INTEGER NOT NULL,
  at              TEXT NOT NULL,
  next_attempt_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, seq);
-- The outbox: an event and its deliveries are written by the statement that changes the
-- shipment, in its transaction, and only when an enabled endpoint of the tenant subscribes.
-- Writes are serialized, so the event just inserted is the one with the highest seq.
CREATE TRIGGER webhook_shipment_inserted AFTER INSERT ON shipments
WHEN NEW.status = 'label_created' AND EXISTS (SELECT 1 FROM webhook_endpoints w
  WHERE w.tenant_id = NEW.tenant_id AND w.status = 'enabled' AND instr(w.events, ',shipment.created,') > 0)
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, shipment_id, data, created_at, created_ms)
  VALUES ('evt_' || lower(hex(randomblob(16))), NEW.tenant_id, 'shipment.created', NEW.id, NEW.body,
          strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
          CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO webhook_deliveries (event_seq, endpoint_id, tenant_id, next_attempt_ms, created_ms)
  SELECT e.seq, w.id, w.tenant_id, e.created_ms, e.created_ms
  FROM webhook_endpoints w JOIN webhook_events e ON e.seq = (SELECT max(seq) FROM webhook_events)
  WHERE w.tenant_id = NEW.tenant_id AND w.status = 'enabled'
    AND instr(w.events, ',shipment.created,') > 0;
END;
CREATE TRIGGER webhook_shipment_status AFTER UPDATE OF status ON shipments
WHEN OLD.status <> NEW.status AND EXISTS (SELECT 1 FROM webhook_endpoints w
  WHERE w.tenant_id = NEW.tenant_id AND w.status = 'enabled' AND instr(w.events, ',' ||
    CASE WHEN NEW.status = 'cancelled' THEN 'shipment.cancelled'
         WHEN OLD.status = 'pending_confirmation' AND NEW.status = 'label_created' THEN 'shipment.created'
         ELSE 'shipment.status_changed' END || ',') > 0)
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, shipment_id, data, created_at, created_ms)
  VALUES ('evt_' || lower(hex(randomblob(16))), NEW.tenant_id,
          CASE WHEN NEW.status = 'cancelled' THEN 'shipment.cancelled'
               WHEN OLD.status = 'pending_confirmation' AND NEW.status = 'label_created' THEN 'shipment.created'
               ELSE 'shipment.status_changed' END,
          NEW.id, NEW.body, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
          CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO webhook_deliveries (event_seq, endpoint_id, tenant_id, next_attempt_ms, created_ms)
  SELECT e.seq, w.id, w.tenant_id, e.created_ms, e.created_ms
  FROM webhook_endpoints w JOIN webhook_events e ON e.seq = (SELECT max(seq) FROM webhook_events)
  WHERE w.tenant_id = NEW.tenant_id AND w.status = 'enabled'
    AND instr(w.events, ',' || e.type || ',') > 0;
END;
)sql"},
    {8, "point keys bound to their points; collection point scans recorded with their events",
     R"sql(
ALTER TABLE api_keys ADD COLUMN points TEXT NOT NULL DEFAULT '';  -- "a:FR:1,b:FR:2"; '' elsewhere
CREATE TABLE point_scans (
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  point_id    TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('dropoff', 'handover')),
  shipment_id TEXT NOT NULL REFERENCES shipments(id),
  tenant_id   TEXT NOT NULL,
  scanned_at  TEXT NOT NULL,  -- the event's occurred_at
  recorded_at TEXT NOT NULL
);
CREATE UNIQUE INDEX point_scans_once ON point_scans (point_id, shipment_id, kind);
CREATE INDEX point_scans_by_point ON point_scans (point_id, kind, seq);
-- A point's scan is recorded by the statement that adds its tracking event, in its transaction.
-- The first scan of a (point, shipment, kind) wins: the event of a later one is not inserted.
CREATE TRIGGER point_scan_again BEFORE INSERT ON tracking_events
WHEN NEW.source = 'point_scan' AND NEW.point_id <> '' AND NEW.status IN ('dropped_off', 'picked_up')
  AND EXISTS (SELECT 1 FROM point_scans s WHERE s.point_id = NEW.point_id
    AND s.shipment_id = NEW.shipment_id
    AND s.kind = CASE NEW.status WHEN 'dropped_off' THEN 'dropoff' ELSE 'handover' END)
BEGIN
  SELECT RAISE(IGNORE);
END;
CREATE TRIGGER point_scan_recorded AFTER INSERT ON tracking_events
WHEN NEW.source = 'point_scan' AND NEW.point_id <> '' AND NEW.status IN ('dropped_off', 'picked_up')
BEGIN
  INSERT OR IGNORE INTO point_scans (id, point_id, kind, shipment_id, tenant_id, scanned_at,
                                     recorded_at)
  VALUES ('scn_' || substr(lower(hex(randomblob(8))), 1, 15), NEW.point_id,
          CASE NEW.status WHEN 'dropped_off' THEN 'dropoff' ELSE 'handover' END,
          NEW.shipment_id, NEW.tenant_id, NEW.occurred_at, NEW.recorded_at);
END;
)sql"},
    {9, "carrier pickups with their shipments; pickup webhooks written by triggers", R"sql(
CREATE TABLE pickups (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  tenant_id       TEXT NOT NULL REFERENCES tenants(id),
  carrier         TEXT NOT NULL,
  status          TEXT NOT NULL
                  CHECK (status IN ('booking', 'scheduled', 'unconfirmed', 'cancelled')),
  date            TEXT NOT NULL,  -- YYYY-MM-DD, the carrier's local date
  idempotency_key TEXT NOT NULL,
  owner           TEXT NOT NULL,  -- the instance that books it (recovery of a crashed booking)
  body            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX pickups_by_tenant ON pickups (tenant_id, seq);
CREATE INDEX pickups_booking ON pickups (created_at) WHERE status = 'booking';
-- The shipments a pickup takes, in the request's order; `active` until the pickup is cancelled.
-- A shipment is in at most one active pickup.
CREATE TABLE pickup_shipments (
  pickup_id   TEXT NOT NULL REFERENCES pickups(id),
  position    INTEGER NOT NULL,
  shipment_id TEXT NOT NULL REFERENCES shipments(id),
  active      INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (pickup_id, position)
) WITHOUT ROWID;
CREATE UNIQUE INDEX pickup_shipments_active ON pickup_shipments (shipment_id) WHERE active = 1;
-- pickup.scheduled when a booking is confirmed (at once, or late after it was unconfirmed),
-- pickup.cancelled when it is cancelled; in the transaction that changes the pickup.
CREATE TRIGGER webhook_pickup_status AFTER UPDATE OF status ON pickups
WHEN OLD.status <> NEW.status AND NEW.status IN ('scheduled', 'cancelled')
  AND EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.tenant_id = NEW.tenant_id
    AND w.status = 'enabled' AND instr(w.events, ',pickup.' || NEW.status || ',') > 0)
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, shipment_id, data, created_at, created_ms)
  VALUES ('evt_' || lower(hex(randomblob(16))), NEW.tenant_id, 'pickup.' || NEW.status, NEW.id,
          NEW.body, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
          CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO webhook_deliveries (event_seq, endpoint_id, tenant_id, next_attempt_ms, created_ms)
  SELECT e.seq, w.id, w.tenant_id, e.created_ms, e.created_ms
  FROM webhook_endpoints w JOIN webhook_events e ON e.seq = (SELECT max(seq) FROM webhook_events)
  WHERE w.tenant_id = NEW.tenant_id AND w.status = 'enabled'
    AND instr(w.events, ',' || e.type || ',') > 0;
END;
)sql"},
    {10, "label-less returns: codes issued before a label is bought; shipment.created when issued",
     R"sql(
CREATE TABLE labelless_returns (
  shipment_id TEXT PRIMARY KEY REFERENCES shipments(id),
  tenant_id   TEXT NOT NULL,
  return_code TEXT NOT NULL UNIQUE,  -- canonical: 11 symbols, no separators
  request     TEXT NOT NULL,         -- the canonical POST /v1/shipments body, bought from at the scan
  created_at  TEXT NOT NULL
) WITHOUT ROWID;
-- A label-less return is announced when it is issued (awaiting_dropoff), as a bought label is.
DROP TRIGGER webhook_shipment_inserted;
CREATE TRIGGER webhook_shipment_inserted AFTER INSERT ON shipments
WHEN NEW.status IN ('label_created', 'awaiting_dropoff') AND EXISTS (SELECT 1 FROM webhook_endpoints w
  WHERE w.tenant_id = NEW.tenant_id AND w.status = 'enabled' AND instr(w.events, ',shipment.created,') > 0)
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, shipment_id, data, created_at, created_ms)
  VALUES ('evt_' || lower(hex(randomblob(16))), NEW.tenant_id, 'shipment.created', NEW.id, NEW.body,
          strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
          CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO webhook_deliveries (event_seq, endpoint_id, tenant_id, next_attempt_ms, created_ms)
  SELECT e.seq, w.id, w.tenant_id, e.created_ms, e.created_ms
  FROM webhook_endpoints w JOIN webhook_events e ON e.seq = (SELECT max(seq) FROM webhook_events)
  WHERE w.tenant_id = NEW.tenant_id AND w.status = 'enabled'
    AND instr(w.events, ',shipment.created,') > 0;
END;
)sql"},
};

}  // namespace

std::span<const migration> sqlite_migrations() noexcept {
  return kMigrations;
}

}  // namespace parcelgate::store
