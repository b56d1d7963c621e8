// async_store over the SQLite store: reads run on the blocking pool, purchase writes are queued
// for the writer thread and resume once the group commit that carried them is durable. Several
// of these (instances) may share one store: each records its own id on the purchases it claims.
#include <functional>

#include "gateway/store/async_store.hpp"
#include "gateway/store/blocking_pool.hpp"
#include "gateway/store/durable_write.hpp"

namespace parcelgate::store {

namespace {

// One purchase write, group-committed by the writer. Its result counts only once the
// transaction that carried it is durable. (A plain coroutine with a pointer parameter: see
// blocking_pool.cpp on capturing coroutine lambdas under g++ 12.)
template <class T>
task<result<T>> commit(store* db, const std::function<result<T>()>* op) {
  std::optional<result<T>> out;
  std::function<bool()> work = [&out, op] {
    out.emplace((*op)());
    return out->has_value();
  };
  const bool committed = co_await write_durably(*db, std::move(work));
  if (!committed || !out)
    co_return fail(error{.kind = error_kind::internal,
                         .message = "storage failure",
                         .carrier_code = "sqlite",
                         .carrier_message = "the write transaction did not commit"});
  co_return std::move(*out);
}

// A read on the blocking pool.
template <class T>
task<result<T>> read(blocking_pool* pool, const std::function<result<T>()>* op) {
  std::optional<result<T>> out;
  co_await pool->run([&out, op] { out.emplace((*op)()); });
  co_return std::move(*out);
}

class sqlite_async_store final : public async_store {
 public:
  sqlite_async_store(store& db, blocking_pool& pool, std::string instance)
      : db_(db), pool_(pool), instance_(std::move(instance)) {}

  task<result<std::optional<api_key>>> find_api_key(const std::string& key_hash) override {
    const std::function<result<std::optional<api_key>>()> op = [&] {
      return db_.find_api_key(key_hash);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<claim>> claim_purchase(const std::string& request_hash, const shipment_row& pending,
                                     const std::string& now) override {
    const std::function<result<claim>()> op = [&] {
      return db_.claim_purchase(request_hash, pending, now, instance_);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<void>> complete_purchase(const shipment_row& shipment, const stored_label& label,
                                       int response_status,
                                       const std::string& response_body) override {
    const std::function<result<void>()> op = [&] {
      return db_.complete_purchase(shipment, label, response_status, response_body);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<void>> abandon_purchase(const std::string& tenant, const std::string& key,
                                      const std::string& shipment_id) override {
    const std::function<result<void>()> op = [&] {
      return db_.abandon_purchase(tenant, key, shipment_id);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<void>> mark_pending_confirmation(const shipment_row& shipment, int response_status,
                                               const std::string& response_body) override {
    const std::function<result<void>()> op = [&] {
      return db_.mark_pending_confirmation(shipment, response_status, response_body);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<std::vector<interrupted_purchase>>> interrupted_purchases() override {
    const std::function<result<std::vector<interrupted_purchase>>()> op = [&] {
      return db_.interrupted_purchases(instance_);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<std::optional<claim>>> find_key(const std::string& tenant, const std::string& key,
                                              const std::string& request_hash) override {
    const std::function<result<std::optional<claim>>()> op = [&] {
      return db_.find_key(tenant, key, request_hash);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<claim>> create_labelless(const std::string& request_hash,
                                       const shipment_row& shipment, const std::string& return_code,
                                       const std::string& request_json, int response_status,
                                       const std::string& response_body) override {
    const std::function<result<claim>()> op = [&] {
      return db_.create_labelless(request_hash, shipment, return_code, request_json,
                                  response_status, response_body);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<std::optional<labelless_return>>> find_labelless(
      const std::string& return_code) override {
    const std::function<result<std::optional<labelless_return>>()> op = [&] {
      return db_.find_labelless(return_code);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<claim>> claim_pickup(const std::string& request_hash, const pickup_row& pending,
                                   const std::string& now) override {
    const std::function<result<claim>()> op = [&] {
      return db_.claim_pickup(request_hash, pending, now, instance_);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<void>> finish_pickup(const pickup_row& pickup, int response_status,
                                   const std::string& response_body) override {
    const std::function<result<void>()> op = [&] {
      return db_.finish_pickup(pickup, response_status, response_body);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<void>> abandon_pickup(const std::string& tenant, const std::string& key,
                                    const std::string& pickup_id) override {
    const std::function<result<void>()> op = [&] {
      return db_.abandon_pickup(tenant, key, pickup_id);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<std::vector<pickup_row>>> interrupted_pickups() override {
    const std::function<result<std::vector<pickup_row>>()> op = [&] {
      return db_.interrupted_pickups(instance_);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<std::optional<pickup_row>>> get_pickup(const std::string& tenant,
                                                     const std::string& id) override {
    const std::function<result<std::optional<pickup_row>>()> op = [&] {
      return db_.get_pickup(tenant, id);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<bool>> update_pickup(const pickup_row& pickup,
                                   const std::string& expected_status) override {
    const std::function<result<bool>()> op = [&] {
      return db_.update_pickup(pickup, expected_status);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<bool>> update_shipment(const shipment_row& shipment,
                                     const std::string& expected_status) override {
    const std::function<result<bool>()> op = [&] {
      return db_.update_shipment(shipment, expected_status);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<bool>> record_tracking(const shipment_row& shipment,
                                     const std::vector<stored_event>& events) override {
    const std::function<result<bool>()> op = [&] { return db_.record_tracking(shipment, events); };
    co_return co_await commit(&db_, &op);
  }

  task<result<std::vector<stored_event>>> list_tracking_events(
      const std::string& tenant, const std::string& shipment_id) override {
    const std::function<result<std::vector<stored_event>>()> op = [&] {
      return db_.list_tracking_events(tenant, shipment_id);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<std::vector<poll_claim>>> claim_due_polls(const std::string& carrier,
                                                        std::int64_t first_poll_after_ms, int limit,
                                                        std::int64_t hold_ms) override {
    const std::function<result<std::vector<poll_claim>>()> op = [&] {
      return db_.claim_due_polls(carrier, first_poll_after_ms, limit, hold_ms);
    };
    co_return co_await read(&pool_, &op);  // its own transaction on the writer's connection
  }

  task<result<void>> reschedule_polls(const std::vector<poll_update>& updates) override {
    const std::function<result<void>()> op = [&] { return db_.reschedule_polls(updates); };
    co_return co_await commit(&db_, &op);
  }

  task<result<bool>> record_push(const std::string& carrier, const std::string& digest,
                                 const std::string& headers_json, const std::string& query,
                                 const std::string& body, const std::string& received_at) override {
    const std::function<result<bool>()> op = [&] {
      return db_.record_push(carrier, digest, headers_json, query, body, received_at);
    };
    co_return co_await commit(&db_, &op);
  }

  task<result<std::vector<stored_push>>> claim_pushes(int limit, std::int64_t hold_ms) override {
    const std::function<result<std::vector<stored_push>>()> op = [&] {
      return db_.claim_pushes(limit, hold_ms);
    };
    co_return co_await read(&pool_, &op);  // its own statement on the writer's connection
  }

  task<result<void>> finish_pushes(const std::vector<push_done>& done) override {
    const std::function<result<void>()> op = [&] { return db_.finish_pushes(done); };
    co_return co_await commit(&db_, &op);
  }

  task<result<std::vector<std::pair<std::string, std::string>>>> match_tracking_numbers(
      const std::string& carrier, const std::vector<std::string>& tracking_numbers) override {
    const std::function<result<std::vector<std::pair<std::string, std::string>>>()> op = [&] {
      return db_.match_tracking_numbers(carrier, tracking_numbers);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<int>> purge_pushes(const std::string& before) override {
    const std::function<result<int>()> op = [&] { return db_.purge_pushes(before); };
    co_return co_await read(&pool_, &op);
  }

  task<result<std::optional<shipment_row>>> get_shipment(const std::string& tenant,
                                                         const std::string& id) override {
    const std::function<result<std::optional<shipment_row>>()> op = [&] {
      return db_.get_shipment(tenant, id);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<shipment_page>> list_shipments(const std::string& tenant,
                                             const shipment_filter& filter) override {
    const std::function<result<shipment_page>()> op = [&] {
      return db_.list_shipments(tenant, filter);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<std::optional<stored_label>>> get_label(const std::string& tenant,
                                                      const std::string& id) override {
    const std::function<result<std::optional<stored_label>>()> op = [&] {
      return db_.get_label(tenant, id);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<int>> purge_idempotency_keys(const std::string& before) override {
    const std::function<result<int>()> op = [&] { return db_.purge_idempotency_keys(before); };
    co_return co_await read(&pool_, &op);
  }

  task<bool> reachable() override {
    const std::function<result<std::optional<api_key>>()> op = [&] {
      return db_.find_api_key("readiness-probe");
    };
    const auto r = co_await read(&pool_, &op);
    co_return r.has_value();
  }

  bool shared() const noexcept override { return false; }
  const std::string& instance() const noexcept override { return instance_; }

  // Leases are small writes of their own on the blocking pool, outside the purchase batches.
  task<result<bool>> acquire_lease(const std::string& name,
                                   std::chrono::milliseconds ttl) override {
    const std::function<result<bool>()> op = [&] {
      return db_.acquire_lease(name, instance_, ttl);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<void>> release_lease(const std::string& name) override {
    const std::function<result<void>()> op = [&] { return db_.release_lease(name, instance_); };
    co_return co_await read(&pool_, &op);
  }

  // --- tracking reads
  task<result<std::vector<shipment_row>>> find_shipments_by_tracking(
      const std::string& tenant, const std::string& tracking_number,
      const std::vector<std::string>& carriers, int limit) override {
    const std::function<result<std::vector<shipment_row>>()> op = [&] {
      return db_.find_shipments_by_tracking(tenant, tracking_number, carriers, limit);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<std::optional<point_scan>>> find_point_scan(const std::string& point_id,
                                                          const std::string& shipment_id,
                                                          const std::string& kind) override {
    const std::function<result<std::optional<point_scan>>()> op = [&] {
      return db_.find_point_scan(point_id, shipment_id, kind);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<point_scan_page>> list_point_scans(const std::string& point_id,
                                                 point_parcel_state state,
                                                 const std::string& starting_after,
                                                 int limit) override {
    const std::function<result<point_scan_page>()> op = [&] {
      return db_.list_point_scans(point_id, state, starting_after, limit);
    };
    co_return co_await read(&pool_, &op);
  }

  // --- webhooks: small writes of their own on the blocking pool, outside the purchase batches
  task<result<webhook_endpoint>> create_webhook(const webhook_endpoint& endpoint) override {
    const std::function<result<webhook_endpoint>()> op = [&] {
      return db_.create_webhook(endpoint);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<webhook_endpoint_page>> list_webhooks(const std::string& tenant,
                                                    const std::string& starting_after,
                                                    int limit) override {
    const std::function<result<webhook_endpoint_page>()> op = [&] {
      return db_.list_webhooks(tenant, starting_after, limit);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<std::optional<webhook_endpoint>>> get_webhook(const std::string& tenant,
                                                            const std::string& id) override {
    const std::function<result<std::optional<webhook_endpoint>>()> op = [&] {
      return db_.get_webhook(tenant, id);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<bool>> delete_webhook(const std::string& tenant, const std::string& id) override {
    const std::function<result<bool>()> op = [&] { return db_.delete_webhook(tenant, id); };
    co_return co_await read(&pool_, &op);
  }

  task<result<std::optional<webhook_endpoint>>> rotate_webhook_secret(
      const std::string& tenant, const std::string& id, const std::string& secret,
      std::int64_t previous_until_ms) override {
    const std::function<result<std::optional<webhook_endpoint>>()> op = [&] {
      return db_.rotate_webhook_secret(tenant, id, secret, previous_until_ms);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<std::vector<webhook_delivery>>> due_webhook_deliveries(std::int64_t now_ms,
                                                                     int limit) override {
    const std::function<result<std::vector<webhook_delivery>>()> op = [&] {
      return db_.due_webhook_deliveries(now_ms, limit);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<void>> record_webhook_attempt(const webhook_attempt_outcome& outcome) override {
    const std::function<result<void>()> op = [&] { return db_.record_webhook_attempt(outcome); };
    co_return co_await read(&pool_, &op);
  }

  task<result<webhook_attempt_page>> list_webhook_attempts(const std::string& tenant,
                                                           const std::string& endpoint_id,
                                                           std::int64_t before_seq,
                                                           int limit) override {
    const std::function<result<webhook_attempt_page>()> op = [&] {
      return db_.list_webhook_attempts(tenant, endpoint_id, before_seq, limit);
    };
    co_return co_await read(&pool_, &op);
  }

  task<result<webhook_queue_stats>> webhook_queue() override {
    const std::function<result<webhook_queue_stats>()> op = [&] { return db_.webhook_queue(); };
    co_return co_await read(&pool_, &op);
  }

  task<result<int>> purge_webhook_history(std::int64_t before_ms) override {
    const std::function<result<int>()> op = [&] { return db_.purge_webhook_history(before_ms); };
    co_return co_await read(&pool_, &op);
  }

 private:
  store& db_;
  blocking_pool& pool_;
  std::string instance_;
};

}  // namespace

std::unique_ptr<async_store> make_sqlite_async_store(store& db, blocking_pool& pool,
                                                     std::string instance) {
  return std::make_unique<sqlite_async_store>(db, pool, std::move(instance));
}

}  // namespace parcelgate::store
