#pragma once
// The SQLite backend's blocking contract. Request paths never call it: they use async_store
// (async_store.hpp), whose SQLite implementation runs these methods on the blocking pool (reads)
// and the writer thread (purchase writes, through submit_write / write_durably). Startup work
// (migrations) and parcelctl call it directly. Every method is blocking and thread-safe.
//
// Durability: methods that record a purchase (claim_purchase, complete_purchase,
// abandon_purchase, mark_pending_confirmation, update_shipment) return only after the
// transaction is on stable storage. They are group-committed: writes queued at the same time
// share one transaction and one fsync.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/store/webhooks.hpp"

namespace parcelgate::store {

enum class role { merchant, point, ops };
std::string_view to_string(role r) noexcept;
std::optional<role> parse_role(std::string_view s) noexcept;

// A key's points as stored (api_keys.points): "a:FR:1,b:FR:2", and back.
std::string join_points(const std::vector<std::string>& points);
std::vector<std::string> split_points(std::string_view text);

struct api_key {
  std::string id;  // "key_..."; public, used to revoke
  std::string tenant;
  role key_role = role::merchant;
  std::string key_hash;  // hex SHA-256 of the whole key; the key itself is never stored
  std::string hint;      // "pg_merchant_AbC1…" first characters, for humans
  std::string name;
  std::string created_at;  // RFC 3339 UTC
  std::string revoked_at;  // empty while active
  // The collection points a `point` key acts for ("mondialrelay:FR:020230"); empty for the other
  // roles. Stored comma-separated (point ids never contain a comma).
  std::vector<std::string> points{};
};

// A collection point's scan of a parcel (table point_scans, migration 8): a drop-off (the sender
// handed the parcel in at the point) or a handover (the point gave it to the carrier). At most one
// per (point, shipment, kind): the first scan is the one kept. Rows are written by the store
// itself, in the transaction that records the scan's tracking event (record_tracking with an
// event of source "point_scan", status dropped_off or picked_up and a point_id); an event whose
// scan is already recorded is skipped there, so a parcel never gets a second event for one scan.
struct point_scan {
  std::string id;        // "scn_..."
  std::string point_id;  // "<carrier>:<CC>:<native id>"
  std::string kind;      // dropoff | handover
  std::string shipment_id, tenant;
  std::string scanned_at, recorded_at;  // RFC 3339 UTC
  // The shipment as it is now (read with the scan).
  std::string carrier{}, tracking_number{}, status{};
};

// What GET /v1/points/{id}/parcels lists.
enum class point_parcel_state {
  awaiting_carrier,  // dropped off at the point, not handed over from it yet
  handed_over,       // handed over to the carrier from the point
};

struct point_scan_page {
  std::vector<point_scan> scans;  // newest first: the drop-off scans, or the handover scans
  bool has_more = false;
  std::string next_cursor;  // scan id of the last item when has_more
};

// A shipment as stored. `body` is its API representation (JSON), kept ready to serve.
struct shipment_row {
  std::string id;
  std::string tenant;
  std::string status;  // purchasing | label_created | pending_confirmation | cancelled | ...
  std::string carrier, service, carrier_service, tracking_number, reference, direction;
  std::string idempotency_key;
  std::string body;
  std::string created_at, updated_at;
  std::int64_t version = 0;  // bumped by every write of the shipment (compare-and-set token)
};

// One scan of a shipment as stored (DESIGN §6); occurred_at in RFC 3339 UTC with seconds.
struct stored_event {
  std::string occurred_at;
  std::string carrier_code;
  std::string status;
  std::string carrier_text{};
  std::string location{};
  std::string postal_code{};
  std::string country{};
  std::string point_id{};
  std::string source{};  // carrier_poll | carrier_push | point_scan | gateway
  std::string recorded_at{};
};

// One shipment whose tracking is polled (the table tracking_polls), as claimed for one poll.
// Times are the store's clock (the database's on PostgreSQL), given as ages so that no gateway
// clock is involved.
struct poll_claim {
  std::string shipment_id, tenant, carrier, tracking_number, status;
  std::int64_t age_ms = 0;   // since the label was bought
  std::int64_t idle_ms = 0;  // since a poll last found something new (or since bought)
  int polls = 0;             // polls so far
  int misses = 0;            // polls in a row the carrier did not know the number
};

// What one poll decided for one shipment.
struct poll_update {
  std::string shipment_id;
  std::int64_t next_in_ms = 0;  // the next poll this long from now; below 0: stop polling it
  bool changed = false;         // the poll found something new
  bool missed = false;          // the carrier did not know the number (yet)
};

// A carrier's push as recorded before it was answered (carrier_pushes).
struct stored_push {
  std::int64_t id = 0;
  std::string carrier, received_at, headers_json, query, body;
  int attempts = 0;  // claims so far, this one included
};
struct push_done {
  std::int64_t id = 0;
  bool failed = false;  // true: will never be readable (kept for inspection, never retried)
  std::string outcome;  // what processing found, for operators
};

struct stored_label {
  std::string format;  // pdf | zpl | png
  std::string content_type;
  std::string bytes;
  std::string shipment_status;  // read with the label (a cancelled shipment's label is void)
};

// A carrier pickup as stored (table pickups, migration 9; docs/pickups.md). `body` is its API
// representation (JSON), kept ready to serve. A pickup is active while booking, scheduled or
// unconfirmed; a shipment is in at most one active pickup (pickup_shipments, a unique index).
struct pickup_row {
  std::string id;  // "pck_..."
  std::string tenant;
  std::string carrier;
  std::string status;  // booking | scheduled | unconfirmed | cancelled
  std::string date;    // YYYY-MM-DD, the carrier's local date of the pickup
  std::string idempotency_key;
  std::string body;
  std::vector<std::string> shipment_ids{};  // in the order the request gave them
  std::string created_at{}, updated_at{};   // RFC 3339 UTC
};

// A label-less return as stored (table labelless_returns, migration 10; docs/labelless-returns.md):
// a return shipment recorded with status awaiting_dropoff and no label, whose label is bought
// when a collection point scans its code. The purchase then lands on this same shipment.
struct labelless_return {
  shipment_row shipment;     // as it is now
  std::string return_code;   // canonical: 11 symbols, no separators
  std::string request_json;  // the canonical POST /v1/shipments body it was issued for
};

// Result of trying to take an idempotency key for a purchase.
struct claim {
  enum class outcome {
    claimed,      // the key was free: the key and the purchase in flight are now durable
    in_progress,  // a twin request holds the key (HTTP 409)
    replay,       // the key finished: send `status` and `body` again
    mismatch,     // the key was used with another request (HTTP 422)
  };
  outcome result = outcome::claimed;
  int status = 0;
  std::string body;
};

struct shipment_filter {
  std::string reference, status, carrier;
  std::string tenant;  // ops only: one tenant's shipments
  std::string created_after,
      created_before;          // RFC 3339 UTC with seconds ("2026-12-01T10:00:00Z"), exclusive
  std::string starting_after;  // a shipment id: list what comes after it (older)
  int limit = 20;
};

struct shipment_page {
  std::vector<std::string> bodies;  // newest first
  bool has_more = false;
  std::string next_cursor;  // id of the last item when has_more
};

// A purchase whose carrier call may have happened but whose outcome was never recorded.
struct interrupted_purchase {
  shipment_row shipment;
  std::string idempotency_key;
};

class store {
 public:
  virtual ~store() = default;

  // Applies the numbered migrations not applied yet. Called once at start.
  virtual result<int> migrate() = 0;

  // --- tenants and API keys
  virtual result<void> create_api_key(const api_key& key) = 0;  // creates the tenant on first use
  virtual result<std::optional<api_key>> find_api_key(std::string_view key_hash) = 0;
  virtual result<std::vector<api_key>> list_api_keys() = 0;
  virtual result<bool> revoke_api_key(std::string_view id, std::string_view at) = 0;

  // --- label purchase (DESIGN §5)
  // Takes (tenant, key) for `request_hash` and records `pending` (status purchasing) as a
  // purchase in flight, in one durable transaction; or reports who holds the key. A purchase in
  // flight is not a shipment: get_shipment and list_shipments do not see it until
  // complete_purchase or mark_pending_confirmation turns it into one.
  virtual result<claim> claim_purchase(std::string_view request_hash, const shipment_row& pending,
                                       std::string_view now, std::string_view owner) = 0;
  // Stores the bought label and the final shipment, and finishes the key with the response, in
  // one durable transaction. A purchase already moved to pending_confirmation by recovery is
  // confirmed late (shipment, label and answer as if it had completed in time).
  virtual result<void> complete_purchase(const shipment_row& shipment, const stored_label& label,
                                         int response_status, std::string_view response_body) = 0;
  // The carrier certainly did not buy anything: forget the key and the pending shipment so the
  // same key may be retried. A key recovery has already answered stays as it is.
  virtual result<void> abandon_purchase(std::string_view tenant, std::string_view key,
                                        std::string_view shipment_id) = 0;
  // The outcome is unknown (timeout, crash): keep the shipment for reconciliation and finish
  // the key with `response_body`, so the key can never buy again. Done already (recovery got
  // there first) is success.
  virtual result<void> mark_pending_confirmation(const shipment_row& shipment, int response_status,
                                                 std::string_view response_body) = 0;
  // Purchases in flight owned by another instance than `self` whose lease is not held.
  virtual result<std::vector<interrupted_purchase>> interrupted_purchases(
      std::string_view self) = 0;

  // Who holds (tenant, key) for `request_hash` (async_store.hpp), read only.
  virtual result<std::optional<claim>> find_key(std::string_view tenant, std::string_view key,
                                                std::string_view request_hash) = 0;

  // --- label-less returns (async_store.hpp says what each does)
  virtual result<claim> create_labelless(std::string_view request_hash,
                                         const shipment_row& shipment, std::string_view return_code,
                                         std::string_view request_json, int response_status,
                                         std::string_view response_body) = 0;
  virtual result<std::optional<labelless_return>> find_labelless(std::string_view return_code) = 0;

  // --- carrier pickups (async_store.hpp says what each records); the writes are durable
  virtual result<claim> claim_pickup(std::string_view request_hash, const pickup_row& pending,
                                     std::string_view now, std::string_view owner) = 0;
  virtual result<void> finish_pickup(const pickup_row& pickup, int response_status,
                                     std::string_view response_body) = 0;
  virtual result<void> abandon_pickup(std::string_view tenant, std::string_view key,
                                      std::string_view pickup_id) = 0;
  virtual result<std::vector<pickup_row>> interrupted_pickups(std::string_view self) = 0;
  virtual result<std::optional<pickup_row>> get_pickup(std::string_view tenant,
                                                       std::string_view id) = 0;
  virtual result<bool> update_pickup(const pickup_row& pickup,
                                     std::string_view expected_status) = 0;

  // --- leases (async_store.hpp); expiry by this machine's clock
  virtual result<bool> acquire_lease(std::string_view name, std::string_view holder,
                                     std::chrono::milliseconds ttl) = 0;
  virtual result<void> release_lease(std::string_view name, std::string_view holder) = 0;
  // Voids every lease: a gateway starting on the file it holds the lock of is the only one, so
  // the leases left are its previous lives'.
  virtual result<void> release_all_leases() = 0;

  // --- shipments; an empty tenant means every tenant (ops)
  virtual result<std::optional<shipment_row>> get_shipment(std::string_view tenant,
                                                           std::string_view id) = 0;
  virtual result<shipment_page> list_shipments(std::string_view tenant,
                                               const shipment_filter& filter) = 0;
  virtual result<std::optional<stored_label>> get_label(std::string_view tenant,
                                                        std::string_view id) = 0;
  // Compare-and-set on status; false when the shipment is not in `expected_status` any more.
  virtual result<bool> update_shipment(const shipment_row& shipment,
                                       std::string_view expected_status) = 0;
  // Adds `events` to the shipment's timeline (the ones already there are skipped) and writes
  // its status, body and updated_at, all or nothing, only if the shipment is still at
  // `shipment.version` (then bumped); false, with nothing written, when another write came first.
  virtual result<bool> record_tracking(const shipment_row& shipment,
                                       const std::vector<stored_event>& events) = 0;
  // The shipment's timeline, oldest first; empty for another tenant's shipment.
  virtual result<std::vector<stored_event>> list_tracking_events(std::string_view tenant,
                                                                 std::string_view shipment_id) = 0;

  // --- tracking polls and carrier pushes (async_store.hpp says what each does)
  virtual result<std::vector<poll_claim>> claim_due_polls(std::string_view carrier,
                                                          std::int64_t first_poll_after_ms,
                                                          int limit, std::int64_t hold_ms) = 0;
  virtual result<void> reschedule_polls(const std::vector<poll_update>& updates) = 0;
  virtual result<bool> record_push(std::string_view carrier, std::string_view digest,
                                   std::string_view headers_json, std::string_view query,
                                   std::string_view body, std::string_view received_at) = 0;
  virtual result<std::vector<stored_push>> claim_pushes(int limit, std::int64_t hold_ms) = 0;
  virtual result<void> finish_pushes(const std::vector<push_done>& done) = 0;
  virtual result<std::vector<std::pair<std::string, std::string>>> match_tracking_numbers(
      std::string_view carrier, const std::vector<std::string>& tracking_numbers) = 0;
  virtual result<int> purge_pushes(std::string_view before) = 0;

  // Deletes finished idempotency keys created before `before` (RFC 3339). Returns how many.
  virtual result<int> purge_idempotency_keys(std::string_view before) = 0;

  // --- webhooks (async_store.hpp says what each one does); `now_ms` in Unix milliseconds
  virtual result<webhook_endpoint> create_webhook(const webhook_endpoint& endpoint) = 0;
  virtual result<webhook_endpoint_page> list_webhooks(std::string_view tenant,
                                                      std::string_view starting_after,
                                                      int limit) = 0;
  virtual result<std::optional<webhook_endpoint>> get_webhook(std::string_view tenant,
                                                              std::string_view id) = 0;
  virtual result<bool> delete_webhook(std::string_view tenant, std::string_view id) = 0;
  virtual result<std::optional<webhook_endpoint>> rotate_webhook_secret(
      std::string_view tenant, std::string_view id, std::string_view secret,
      std::int64_t previous_until_ms) = 0;
  virtual result<std::vector<webhook_delivery>> due_webhook_deliveries(std::int64_t now_ms,
                                                                       int limit) = 0;
  virtual result<void> record_webhook_attempt(const webhook_attempt_outcome& outcome) = 0;
  virtual result<webhook_attempt_page> list_webhook_attempts(std::string_view tenant,
                                                             std::string_view endpoint_id,
                                                             std::int64_t before_seq,
                                                             int limit) = 0;
  virtual result<webhook_queue_stats> webhook_queue() = 0;
  virtual result<int> purge_webhook_history(std::int64_t before_ms) = 0;

  // --- collection point scans (point_scan above; async_store.hpp says what each finds)
  virtual result<std::optional<point_scan>> find_point_scan(std::string_view point_id,
                                                            std::string_view shipment_id,
                                                            std::string_view kind) = 0;
  virtual result<point_scan_page> list_point_scans(std::string_view point_id,
                                                   point_parcel_state state,
                                                   std::string_view starting_after, int limit) = 0;

  // --- asynchronous durable writes
  // Queues `work` for the store's writer. It runs on the writer thread inside a transaction
  // shared with the other queued writes; the purchase-write methods above, called from `work`,
  // join that transaction instead of starting their own (no other method may be called from
  // it). `work` returns false to have its own changes rolled back. `done(committed)` is called
  // on the writer thread once the shared transaction is on stable storage (true) or failed
  // (false, nothing of `work` was kept). Never blocks the caller.
  virtual void submit_write(std::function<bool()> work,
                            std::function<void(bool committed)> done) = 0;

  // --- tracking reads (async_store.hpp says what it finds)
  virtual result<std::vector<shipment_row>> find_shipments_by_tracking(
      std::string_view tenant, std::string_view tracking_number,
      const std::vector<std::string>& carriers, int limit) = 0;
};

// The lease an instance holds while it is alive (async_store.hpp); the backends' recovery
// queries find an owner's lease by this name.
inline std::string instance_lease(std::string_view instance_id) {
  return "instance:" + std::string(instance_id);
}

struct sqlite_options {
  std::string path;
  int busy_timeout_ms = 5000;
};

result<std::unique_ptr<store>> open_sqlite(const sqlite_options& options);

}  // namespace parcelgate::store
