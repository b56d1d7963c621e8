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
};

}  // namespace

std::span<const migration> sqlite_migrations() noexcept { return kMigrations; }

}  // namespace parcelgate::store
