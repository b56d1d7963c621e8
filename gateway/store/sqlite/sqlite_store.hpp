#pragma once
// The SQLite store's class, shared by its parts (internal: callers use store::open_sqlite from
// store.hpp). Each part of the implementation has one job:
//   connection.*      opening the file and its pragmas, statements, the pool of readers
//   writer.*          the writer thread: group commit and WAL checkpoints
//   sqlite_store.cpp  wiring: open_sqlite, start and stop, submit_write
//   schema.*          migrations, and a file's version read without changing it (the numbered
//                     list itself is store/migrations.cpp)
//   queries.cpp       shipments, labels, purchases in flight, idempotency keys
//   keys.cpp          tenants and API keys
//   leases.cpp        leases (instances alive, work one instance does)
//   tracking_reads.cpp  shipments found by their carrier tracking number
//   webhooks.cpp      webhook endpoints, deliveries and attempts (events come from triggers)
//   point_scans.cpp   collection point scans (rows come from triggers on tracking events)
//   pickups.cpp       carrier pickups and their shipments
//   labelless.cpp     label-less returns and their codes
// A new table's SQL goes next to its peers in queries.cpp (or a new file of its own when it is a
// job of its own), and its migration at the end of store/migrations.cpp.

#include "gateway/store/sqlite/connection.hpp"
#include "gateway/store/sqlite/writer.hpp"
#include "gateway/store/store.hpp"

namespace parcelgate::store::sqlite {

class sqlite_store final : public store {
 public:
  explicit sqlite_store(sqlite_options options);
  ~sqlite_store() override;

  result<void> open();

  // schema.cpp
  result<int> migrate() override;

  // keys.cpp
  result<void> create_api_key(const api_key& key) override;
  result<std::optional<api_key>> find_api_key(std::string_view key_hash) override;
  result<std::vector<api_key>> list_api_keys() override;
  result<bool> revoke_api_key(std::string_view id, std::string_view at) override;

  // queries.cpp
  result<claim> claim_purchase(std::string_view request_hash, const shipment_row& pending,
                               std::string_view now, std::string_view owner) override;
  result<void> complete_purchase(const shipment_row& shipment, const stored_label& label,
                                 int response_status, std::string_view response_body) override;
  result<void> abandon_purchase(std::string_view tenant, std::string_view key,
                                std::string_view shipment_id) override;
  result<void> mark_pending_confirmation(const shipment_row& shipment, int response_status,
                                         std::string_view response_body) override;
  result<std::vector<interrupted_purchase>> interrupted_purchases(std::string_view self) override;
  result<std::optional<shipment_row>> get_shipment(std::string_view tenant,
                                                   std::string_view id) override;
  result<shipment_page> list_shipments(std::string_view tenant,
                                       const shipment_filter& filter) override;
  result<std::optional<stored_label>> get_label(std::string_view tenant,
                                                std::string_view id) override;
  result<bool> update_shipment(const shipment_row& shipment,
                               std::string_view expected_status) override;
  result<bool> record_tracking(const shipment_row& shipment,
                               const std::vector<stored_event>& events) override;
  result<std::vector<stored_event>> list_tracking_events(std::string_view tenant,
                                                         std::string_view shipment_id) override;
  result<int> purge_idempotency_keys(std::string_view before) override;

  // tracking_polls.cpp
  result<std::vector<poll_claim>> claim_due_polls(std::string_view carrier,
                                                  std::int64_t first_poll_after_ms, int limit,
                                                  std::int64_t hold_ms) override;
  result<void> reschedule_polls(const std::vector<poll_update>& updates) override;
  result<bool> record_push(std::string_view carrier, std::string_view digest,
                           std::string_view headers_json, std::string_view query,
                           std::string_view body, std::string_view received_at) override;
  result<std::vector<stored_push>> claim_pushes(int limit, std::int64_t hold_ms) override;
  result<void> finish_pushes(const std::vector<push_done>& done) override;
  result<std::vector<std::pair<std::string, std::string>>> match_tracking_numbers(
      std::string_view carrier, const std::vector<std::string>& tracking_numbers) override;
  result<int> purge_pushes(std::string_view before) override;

  // leases.cpp
  result<bool> acquire_lease(std::string_view name, std::string_view holder,
                             std::chrono::milliseconds ttl) override;
  result<void> release_lease(std::string_view name, std::string_view holder) override;
  result<void> release_all_leases() override;

  // webhooks.cpp
  result<webhook_endpoint> create_webhook(const webhook_endpoint& endpoint) override;
  result<webhook_endpoint_page> list_webhooks(std::string_view tenant,
                                              std::string_view starting_after, int limit) override;
  result<std::optional<webhook_endpoint>> get_webhook(std::string_view tenant,
                                                      std::string_view id) override;
  result<bool> delete_webhook(std::string_view tenant, std::string_view id) override;
  result<std::optional<webhook_endpoint>> rotate_webhook_secret(
      std::string_view tenant, std::string_view id, std::string_view secret,
      std::int64_t previous_until_ms) override;
  result<std::vector<webhook_delivery>> due_webhook_deliveries(std::int64_t now_ms,
                                                               int limit) override;
  result<void> record_webhook_attempt(const webhook_attempt_outcome& outcome) override;
  result<webhook_attempt_page> list_webhook_attempts(std::string_view tenant,
                                                     std::string_view endpoint_id,
                                                     std::int64_t before_seq, int limit) override;
  result<webhook_queue_stats> webhook_queue() override;
  result<int> purge_webhook_history(std::int64_t before_ms) override;

  // point_scans.cpp
  result<std::optional<point_scan>> find_point_scan(std::string_view point_id,
                                                    std::string_view shipment_id,
                                                    std::string_view kind) override;
  result<point_scan_page> list_point_scans(std::string_view point_id, point_parcel_state state,
                                           std::string_view starting_after, int limit) override;

  result<std::optional<claim>> find_key(std::string_view tenant, std::string_view key,
                                        std::string_view request_hash) override;

  // labelless.cpp
  result<claim> create_labelless(std::string_view request_hash, const shipment_row& shipment,
                                 std::string_view return_code, std::string_view request_json,
                                 int response_status, std::string_view response_body) override;
  result<std::optional<labelless_return>> find_labelless(std::string_view return_code) override;

  // pickups.cpp
  result<claim> claim_pickup(std::string_view request_hash, const pickup_row& pending,
                             std::string_view now, std::string_view owner) override;
  result<void> finish_pickup(const pickup_row& pickup, int response_status,
                             std::string_view response_body) override;
  result<void> abandon_pickup(std::string_view tenant, std::string_view key,
                              std::string_view pickup_id) override;
  result<std::vector<pickup_row>> interrupted_pickups(std::string_view self) override;
  result<std::optional<pickup_row>> get_pickup(std::string_view tenant,
                                               std::string_view id) override;
  result<bool> update_pickup(const pickup_row& pickup, std::string_view expected_status) override;

  // sqlite_store.cpp
  void submit_write(std::function<bool()> work, std::function<void(bool)> done) override;

  // tracking_reads.cpp
  result<std::vector<shipment_row>> find_shipments_by_tracking(
      std::string_view tenant, std::string_view tracking_number,
      const std::vector<std::string>& carriers, int limit) override;

 private:
  // queries.cpp: steps of a purchase write, on the writer thread inside a batch.
  result<void> insert_shipment(const shipment_row& r);
  enum class landing { moved, recovered_already, done_already };
  result<landing> land(const shipment_row& r);
  result<void> finish_key(const shipment_row& r, int status, std::string_view body);
  // Idempotency keys, shared by purchases and pickups (on the writer, inside a batch): take_key
  // answers who holds (tenant, key) already, or nothing once it has taken the free key for
  // `resource_id` (state started); finish_key stores the answer the key gives from then on.
  result<std::optional<claim>> take_key(std::string_view tenant, std::string_view key,
                                        std::string_view request_hash, std::string_view resource_id,
                                        std::string_view now);
  result<void> finish_key(std::string_view tenant, std::string_view key,
                          std::string_view updated_at, int status, std::string_view body);

  sqlite_options options_;
  writer writer_;
  reader_pool readers_;  // after writer_: closed before it, as the writer's connection closes last
};

}  // namespace parcelgate::store::sqlite
