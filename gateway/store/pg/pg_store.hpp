#pragma once
// The PostgreSQL backend of async_store (DESIGN §9): every operation one pipelined round trip on
// a pooled connection, prepared statements, each purchase write one statement whose data-
// modifying CTEs make it all-or-nothing, committed with synchronous_commit = on before it
// resumes. READ COMMITTED is enough: the idempotency key's primary key serializes two claims of
// one key (the second waits for the first's commit, then sees it), and every later write of a
// purchase names the rows it moves by key, so no two requests race on one row.
//
// Failures map to the API's error kinds: pool exhausted, database unreachable, lost connection
// and statement timeout are `unavailable` (503 with Retry-After); anything else is `internal`.

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/store/async_store.hpp"
#include "gateway/store/pg/pool.hpp"
#include "gateway/store/pg/schema.hpp"

namespace parcelgate::store::pg {

struct pg_store_options {
  std::string url;         // libpq URI: postgresql://user:password@host:port/db?sslmode=...
  std::string instance{};  // this gateway's instance id (owner of the purchases it claims)
  int pool = 16;
  std::chrono::milliseconds acquire_timeout{2'000};
  std::chrono::milliseconds statement_timeout{5'000};
  std::chrono::milliseconds operation_timeout{10'000};  // our own bound on one round trip
};

class pg_store final : public async_store {
 public:
  pg_store(boost::asio::any_io_executor executor, pg_store_options options);

  // Applies pending migrations (schema.hpp); call once before anything else.
  task<std::expected<int, db_error>> migrate();
  task<std::expected<schema_status, db_error>> schema();

  task<result<void>> create_api_key(const api_key& key);
  task<result<std::vector<api_key>>> list_api_keys();
  task<result<bool>> revoke_api_key(const std::string& id, const std::string& at);

  task<result<std::optional<api_key>>> find_api_key(const std::string& key_hash) override;
  task<result<std::optional<claim>>> find_key(const std::string& tenant, const std::string& key,
                                              const std::string& request_hash) override;
  task<result<claim>> claim_purchase(const std::string& request_hash, const shipment_row& pending,
                                     const std::string& now) override;
  task<result<void>> complete_purchase(const shipment_row& shipment, const stored_label& label,
                                       int response_status,
                                       const std::string& response_body) override;
  task<result<void>> abandon_purchase(const std::string& tenant, const std::string& key,
                                      const std::string& shipment_id) override;
  task<result<void>> mark_pending_confirmation(const shipment_row& shipment, int response_status,
                                               const std::string& response_body) override;
  task<result<std::vector<interrupted_purchase>>> interrupted_purchases() override;
  task<result<bool>> update_shipment(const shipment_row& shipment,
                                     const std::string& expected_status) override;
  task<result<bool>> record_tracking(const shipment_row& shipment,
                                     const std::vector<stored_event>& events) override;
  task<result<std::vector<stored_event>>> list_tracking_events(
      const std::string& tenant, const std::string& shipment_id) override;
  task<result<std::optional<shipment_row>>> get_shipment(const std::string& tenant,
                                                         const std::string& id) override;
  task<result<shipment_page>> list_shipments(const std::string& tenant,
                                             const shipment_filter& filter) override;
  task<result<std::optional<stored_label>>> get_label(const std::string& tenant,
                                                      const std::string& id) override;
  task<result<std::vector<poll_claim>>> claim_due_polls(const std::string& carrier,
                                                        std::int64_t first_poll_after_ms, int limit,
                                                        std::int64_t hold_ms) override;
  task<result<void>> reschedule_polls(const std::vector<poll_update>& updates) override;
  task<result<bool>> record_push(const std::string& carrier, const std::string& digest,
                                 const std::string& headers_json, const std::string& query,
                                 const std::string& body, const std::string& received_at) override;
  task<result<std::vector<stored_push>>> claim_pushes(int limit, std::int64_t hold_ms) override;
  task<result<void>> finish_pushes(const std::vector<push_done>& done) override;
  task<result<std::vector<std::pair<std::string, std::string>>>> match_tracking_numbers(
      const std::string& carrier, const std::vector<std::string>& tracking_numbers) override;
  task<result<int>> purge_pushes(const std::string& before) override;
  task<result<int>> purge_idempotency_keys(const std::string& before) override;
  task<bool> reachable() override;
  bool shared() const noexcept override { return true; }
  const std::string& instance() const noexcept override { return options_.instance; }
  task<result<bool>> acquire_lease(const std::string& name, std::chrono::milliseconds ttl) override;
  task<result<void>> release_lease(const std::string& name) override;
  // tracking_reads.cpp
  task<result<std::vector<shipment_row>>> find_shipments_by_tracking(
      const std::string& tenant, const std::string& tracking_number,
      const std::vector<std::string>& carriers, int limit) override;
  // point_scans.cpp
  task<result<std::optional<point_scan>>> find_point_scan(const std::string& point_id,
                                                          const std::string& shipment_id,
                                                          const std::string& kind) override;
  task<result<point_scan_page>> list_point_scans(const std::string& point_id,
                                                 point_parcel_state state,
                                                 const std::string& starting_after,
                                                 int limit) override;

  // --- label-less returns
  task<result<claim>> create_labelless(const std::string& request_hash,
                                       const shipment_row& shipment, const std::string& return_code,
                                       const std::string& request_json, int response_status,
                                       const std::string& response_body) override;
  task<result<std::optional<labelless_return>>> find_labelless(
      const std::string& return_code) override;

  // --- carrier pickups (pickups.cpp)
  task<result<claim>> claim_pickup(const std::string& request_hash, const pickup_row& pending,
                                   const std::string& now) override;
  task<result<void>> finish_pickup(const pickup_row& pickup, int response_status,
                                   const std::string& response_body) override;
  task<result<void>> abandon_pickup(const std::string& tenant, const std::string& key,
                                    const std::string& pickup_id) override;
  task<result<std::vector<pickup_row>>> interrupted_pickups() override;
  task<result<std::optional<pickup_row>>> get_pickup(const std::string& tenant,
                                                     const std::string& id) override;
  task<result<bool>> update_pickup(const pickup_row& pickup,
                                   const std::string& expected_status) override;

  // --- webhooks (webhooks.cpp)
  task<result<webhook_endpoint>> create_webhook(const webhook_endpoint& endpoint) override;
  task<result<webhook_endpoint_page>> list_webhooks(const std::string& tenant,
                                                    const std::string& starting_after,
                                                    int limit) override;
  task<result<std::optional<webhook_endpoint>>> get_webhook(const std::string& tenant,
                                                            const std::string& id) override;
  task<result<bool>> delete_webhook(const std::string& tenant, const std::string& id) override;
  task<result<std::optional<webhook_endpoint>>> rotate_webhook_secret(
      const std::string& tenant, const std::string& id, const std::string& secret,
      std::int64_t previous_until_ms) override;
  task<result<std::vector<webhook_delivery>>> due_webhook_deliveries(std::int64_t now_ms,
                                                                     int limit) override;
  task<result<void>> record_webhook_attempt(const webhook_attempt_outcome& outcome) override;
  task<result<webhook_attempt_page>> list_webhook_attempts(const std::string& tenant,
                                                           const std::string& endpoint_id,
                                                           std::int64_t before_seq,
                                                           int limit) override;
  task<result<webhook_queue_stats>> webhook_queue() override;
  task<result<int>> purge_webhook_history(std::int64_t before_ms) override;

  pool& connections() noexcept { return pool_; }

 private:
  deadline until() const { return std::chrono::steady_clock::now() + options_.operation_timeout; }
  task<result<std::vector<rows>>> run(const std::vector<statement>& statements, const char* what);

  // Migrations and the schema check run on a pool of their own: the store's connections prepare
  // their statements when they connect, which needs the tables.
  pool& admin();

  boost::asio::any_io_executor executor_;
  pg_store_options options_;
  pool pool_;
  std::unique_ptr<pool> admin_;
};

}  // namespace parcelgate::store::pg
