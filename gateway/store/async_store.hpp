#pragma once
// The store as the request paths use it: every operation awaitable, none blocking an I/O
// thread, one contract whatever the backend. Callers (domain, API) see only this; how a backend
// gets off the I/O thread (SQLite: a blocking pool for reads and one writer thread with group
// commit for purchase writes) is its own business.
//
// Durability: claim_purchase, complete_purchase, abandon_purchase, mark_pending_confirmation
// and update_shipment resume only once their transaction is on stable storage.
//
// Arguments are taken by reference: callers co_await at once, so they outlive the operation.
//
// Instances (DESIGN §9): a store object is one gateway instance's view of the data. The
// purchases it claims are recorded as owned by its instance id; an instance is alive while it
// holds the lease `instance_lease(id)`, which it renews well before it expires. A lease is a
// named right held by one instance until it expires by the store's clock (the database's on
// PostgreSQL, so gateways' clocks never disagree about it). Work only one instance may do (the
// recovery of interrupted purchases, the purge of idempotency keys, later tracking polls and
// webhook deliveries) runs on whichever instance holds that work's lease.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/store/store.hpp"
#include "gateway/store/webhooks.hpp"

namespace parcelgate::store {

class blocking_pool;

template <class T>
using task = boost::asio::awaitable<T>;

class async_store {
 public:
  virtual ~async_store() = default;

  // --- API keys
  virtual task<result<std::optional<api_key>>> find_api_key(const std::string& key_hash) = 0;

  // --- label purchase (DESIGN §5): see store.hpp for what each one records
  virtual task<result<claim>> claim_purchase(const std::string& request_hash,
                                             const shipment_row& pending,
                                             const std::string& now) = 0;
  // On a purchase already moved to pending_confirmation (its owner looked gone but was only
  // slow), complete_purchase confirms it late: the shipment gets its label and the key its 201
  // answer, as if it had completed in time.
  virtual task<result<void>> complete_purchase(const shipment_row& shipment,
                                               const stored_label& label, int response_status,
                                               const std::string& response_body) = 0;
  virtual task<result<void>> abandon_purchase(const std::string& tenant, const std::string& key,
                                              const std::string& shipment_id) = 0;
  virtual task<result<void>> mark_pending_confirmation(const shipment_row& shipment,
                                                       int response_status,
                                                       const std::string& response_body) = 0;
  // Purchases in flight whose owner is gone (its instance lease expired or was released): their
  // carrier call may have happened but its outcome was never recorded. Never this instance's
  // own. (SQLite: a file serves one gateway, held by a lock; at start the gateway releases the
  // leases of its previous lives, so their purchases are interrupted at once.)
  virtual task<result<std::vector<interrupted_purchase>>> interrupted_purchases() = 0;
  // Compare-and-set on status; false when the shipment is not in `expected_status` any more.
  virtual task<result<bool>> update_shipment(const shipment_row& shipment,
                                             const std::string& expected_status) = 0;
  // Tracking (DESIGN §6): adds `events` to the shipment's timeline (those already there are
  // skipped) and writes its status, body and updated_at, all or nothing and durably, only if the
  // shipment is still at `shipment.version`; false, nothing written, when another write came
  // first (read again, merge again).
  virtual task<result<bool>> record_tracking(const shipment_row& shipment,
                                             const std::vector<stored_event>& events) = 0;
  // The shipment's timeline, oldest first; empty for another tenant's shipment (an empty
  // tenant: any, for ops).
  virtual task<result<std::vector<stored_event>>> list_tracking_events(
      const std::string& tenant, const std::string& shipment_id) = 0;

  // --- tracking polls (DESIGN §4): every shipment bought with a tracking number is polled until
  // its status is final or it is too old. A row is added with the shipment, in its transaction.
  // Claims the shipments of `carrier` due for a poll (a first poll is due `first_poll_after_ms`
  // after the label was bought), at most `limit`, and moves their next poll `hold_ms` ahead so
  // that no other claim (another instance, a later round) takes them while this poll runs; if
  // this instance dies, they are due again when the hold ends.
  virtual task<result<std::vector<poll_claim>>> claim_due_polls(const std::string& carrier,
                                                                std::int64_t first_poll_after_ms,
                                                                int limit,
                                                                std::int64_t hold_ms) = 0;
  // Writes each claimed shipment's next poll (or drops it from polling).
  virtual task<result<void>> reschedule_polls(const std::vector<poll_update>& updates) = 0;

  // --- carrier pushes: recorded durably before the carrier gets its answer, processed later.
  // Records one push; false (nothing written) when the same push (carrier and body digest) was
  // recorded before, so replays are harmless.
  virtual task<result<bool>> record_push(const std::string& carrier, const std::string& digest,
                                         const std::string& headers_json, const std::string& query,
                                         const std::string& body,
                                         const std::string& received_at) = 0;
  // Claims up to `limit` pushes not processed yet and not claimed by anyone (a claim lasts
  // `hold_ms`: a push whose processor died is claimed again afterwards), oldest first.
  virtual task<result<std::vector<stored_push>>> claim_pushes(int limit, std::int64_t hold_ms) = 0;
  virtual task<result<void>> finish_pushes(const std::vector<push_done>& done) = 0;
  // (tracking number, shipment id) for the numbers of `carrier` that name a shipment.
  virtual task<result<std::vector<std::pair<std::string, std::string>>>> match_tracking_numbers(
      const std::string& carrier, const std::vector<std::string>& tracking_numbers) = 0;
  // Deletes processed pushes received before `before` (RFC 3339). Returns how many.
  virtual task<result<int>> purge_pushes(const std::string& before) = 0;

  // What (tenant, key) already answers for a request of `request_hash`, read without taking it:
  // nothing while the key is free; otherwise mismatch, in_progress or replay (with the stored
  // answer), as a claim would say. For requests whose checks depend on state that changes after
  // they succeed (a pickup's shipments, its date): their retry replays before being checked again.
  virtual task<result<std::optional<claim>>> find_key(const std::string& tenant,
                                                      const std::string& key,
                                                      const std::string& request_hash) = 0;

  // --- label-less returns (docs/labelless-returns.md)
  // Takes (tenant, key) for `request_hash` as claim_purchase does and, when the key was free,
  // records `shipment` (status awaiting_dropoff, no label) with its return code and the request
  // it was issued for, and finishes the key with the answer, in one durable transaction: nothing
  // is bought now, so there is nothing in flight. A return code already issued is a `conflict`
  // error (50 random bits: the caller draws another).
  // The purchase a point's scan makes later is an ordinary one (claim_purchase with the
  // shipment's id): when it lands, it turns this awaiting_dropoff (or meanwhile cancelled)
  // shipment into the bought one instead of inserting a new shipment.
  virtual task<result<claim>> create_labelless(const std::string& request_hash,
                                               const shipment_row& shipment,
                                               const std::string& return_code,
                                               const std::string& request_json, int response_status,
                                               const std::string& response_body) = 0;
  // The label-less return with this canonical code, of any tenant (points scan every merchant's).
  virtual task<result<std::optional<labelless_return>>> find_labelless(
      const std::string& return_code) = 0;

  // --- carrier pickups (DESIGN §4, docs/pickups.md). The writes resume once durable.
  // Takes (tenant, key) for `request_hash` as claim_purchase does and, when the key was free,
  // records `pending` (status booking, owned by this instance) with its shipments, all in one
  // transaction. A shipment already in another active pickup (booking, scheduled, unconfirmed)
  // is a `conflict` error whose fields name it ("shipment_ids[2]") and the pickup holding it;
  // nothing is written then.
  virtual task<result<claim>> claim_pickup(const std::string& request_hash,
                                           const pickup_row& pending, const std::string& now) = 0;
  // Records what the booking ended in (status scheduled or unconfirmed, body, updated_at) and
  // finishes the key with the answer, in one transaction. A pickup recovery already made
  // unconfirmed is confirmed late by a scheduled outcome (the key then answers with it); any
  // other outcome finding the booking over is success with nothing written.
  virtual task<result<void>> finish_pickup(const pickup_row& pickup, int response_status,
                                           const std::string& response_body) = 0;
  // The carrier certainly booked nothing: forgets the pickup, its shipments and the key, so the
  // key may be retried (a key already finished, by recovery, stays as it is).
  virtual task<result<void>> abandon_pickup(const std::string& tenant, const std::string& key,
                                            const std::string& pickup_id) = 0;
  // Pickups still booking whose owner is gone, as interrupted_purchases (never this instance's),
  // oldest first, with their shipment ids.
  virtual task<result<std::vector<pickup_row>>> interrupted_pickups() = 0;
  // One pickup with its shipment ids; another tenant's is nothing (an empty tenant: any).
  virtual task<result<std::optional<pickup_row>>> get_pickup(const std::string& tenant,
                                                             const std::string& id) = 0;
  // Compare-and-set on status: writes status, body and updated_at only if the pickup is still
  // in `expected_status`, else false with nothing written. A pickup moving to cancelled frees
  // its shipments for another pickup in the same transaction.
  virtual task<result<bool>> update_pickup(const pickup_row& pickup,
                                           const std::string& expected_status) = 0;

  // --- reads; an empty tenant means every tenant (ops)
  virtual task<result<std::optional<shipment_row>>> get_shipment(const std::string& tenant,
                                                                 const std::string& id) = 0;
  virtual task<result<shipment_page>> list_shipments(const std::string& tenant,
                                                     const shipment_filter& filter) = 0;
  virtual task<result<std::optional<stored_label>>> get_label(const std::string& tenant,
                                                              const std::string& id) = 0;

  // --- housekeeping
  // Deletes finished idempotency keys created before `before` (RFC 3339). Returns how many.
  virtual task<result<int>> purge_idempotency_keys(const std::string& before) = 0;
  // True when the store answers a trivial read (readiness).
  virtual task<bool> reachable() = 0;

  // --- instances and leases
  // True when other processes (other gateways) may write to this store, so that nothing read
  // from it may be cached without asking it again (PostgreSQL; SQLite serves one gateway).
  virtual bool shared() const noexcept = 0;
  // This store's instance id, recorded as the owner of the purchases it claims.
  virtual const std::string& instance() const noexcept = 0;
  // Takes or renews the lease `name` for this instance until `ttl` from now: true when it is
  // this instance's now (it was free, had expired, or was already this instance's); false while
  // another instance holds it.
  virtual task<result<bool>> acquire_lease(const std::string& name,
                                           std::chrono::milliseconds ttl) = 0;
  // Gives `name` up if this instance holds it, so another may take it at once.
  virtual task<result<void>> release_lease(const std::string& name) = 0;

  // --- tracking reads
  // The shipments whose carrier tracking number is `tracking_number` with one of `carriers`
  // (the index shipments_by_tracking (carrier, tracking_number) serves it), newest first, at most
  // `limit`; only `tenant`'s (empty: any tenant, for ops and the public tracking page). An empty
  // number or carrier list matches nothing.
  virtual task<result<std::vector<shipment_row>>> find_shipments_by_tracking(
      const std::string& tenant, const std::string& tracking_number,
      const std::vector<std::string>& carriers, int limit) = 0;
  // --- collection point scans (store.hpp, point_scan; docs/points.md). Scans are written by
  // record_tracking with the point's tracking event; these only read, across tenants.
  // The scan of `shipment_id` of that kind (dropoff | handover) at the point, if recorded.
  virtual task<result<std::optional<point_scan>>> find_point_scan(const std::string& point_id,
                                                                  const std::string& shipment_id,
                                                                  const std::string& kind) = 0;
  // The point's parcels in `state`, newest scan first, after the scan `starting_after` when given
  // (a scan id not of this point's list is an invalid_request on field starting_after).
  virtual task<result<point_scan_page>> list_point_scans(const std::string& point_id,
                                                         point_parcel_state state,
                                                         const std::string& starting_after,
                                                         int limit) = 0;
  // --- webhooks (store/webhooks.hpp, docs/webhooks.md). Every write is durable when it resumes.
  // Records `endpoint`. When the tenant already used its idempotency key, nothing is written and
  // the endpoint created then comes back (the caller compares the request hashes).
  virtual task<result<webhook_endpoint>> create_webhook(const webhook_endpoint& endpoint) = 0;
  // The tenant's endpoints, newest first, after `starting_after` (an endpoint id) when given; an
  // unknown cursor is an invalid_request on field starting_after.
  virtual task<result<webhook_endpoint_page>> list_webhooks(const std::string& tenant,
                                                            const std::string& starting_after,
                                                            int limit) = 0;
  virtual task<result<std::optional<webhook_endpoint>>> get_webhook(const std::string& tenant,
                                                                    const std::string& id) = 0;
  // Deletes the endpoint with its deliveries and their attempts; false when it was not there.
  virtual task<result<bool>> delete_webhook(const std::string& tenant, const std::string& id) = 0;
  // `secret` signs from now on; the current one becomes the previous one, which still signs until
  // `previous_until_ms`. Nothing when the endpoint is not there.
  virtual task<result<std::optional<webhook_endpoint>>> rotate_webhook_secret(
      const std::string& tenant, const std::string& id, const std::string& secret,
      std::int64_t previous_until_ms) = 0;
  // Deliveries whose next attempt is due at `now_ms`, to enabled endpoints, oldest due first.
  virtual task<result<std::vector<webhook_delivery>>> due_webhook_deliveries(std::int64_t now_ms,
                                                                             int limit) = 0;
  // Records an attempt and moves its delivery on (delivered, retried later, given up); a
  // `disabled` outcome also disables the endpoint.
  virtual task<result<void>> record_webhook_attempt(const webhook_attempt_outcome& outcome) = 0;
  // The attempts of the tenant's endpoint, newest first, older than `before_seq` (0: from the
  // newest).
  virtual task<result<webhook_attempt_page>> list_webhook_attempts(const std::string& tenant,
                                                                   const std::string& endpoint_id,
                                                                   std::int64_t before_seq,
                                                                   int limit) = 0;
  virtual task<result<webhook_queue_stats>> webhook_queue() = 0;
  // Forgets deliveries finished (delivered or given up) before `before_ms` with their attempts,
  // and events older than that with no delivery left. Returns how many deliveries.
  virtual task<result<int>> purge_webhook_history(std::int64_t before_ms) = 0;
};

// The SQLite backend: reads on `pool`, purchase writes group-committed by `db`'s writer thread,
// as instance `instance`.
std::unique_ptr<async_store> make_sqlite_async_store(store& db, blocking_pool& pool,
                                                     std::string instance);

}  // namespace parcelgate::store
