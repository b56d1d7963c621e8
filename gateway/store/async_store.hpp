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

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/store/store.hpp"

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
  virtual task<result<void>> complete_purchase(const shipment_row& shipment,
                                               const stored_label& label, int response_status,
                                               const std::string& response_body) = 0;
  virtual task<result<void>> abandon_purchase(const std::string& tenant, const std::string& key,
                                              const std::string& shipment_id) = 0;
  virtual task<result<void>> mark_pending_confirmation(const shipment_row& shipment,
                                                       int response_status,
                                                       const std::string& response_body) = 0;
  // Purchases whose carrier call may have happened but whose outcome was never recorded.
  virtual task<result<std::vector<interrupted_purchase>>> interrupted_purchases() = 0;
  // Compare-and-set on status; false when the shipment is not in `expected_status` any more.
  virtual task<result<bool>> update_shipment(const shipment_row& shipment,
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
};

// The SQLite backend: reads on `pool`, purchase writes group-committed by `db`'s writer thread.
std::unique_ptr<async_store> make_sqlite_async_store(store& db, blocking_pool& pool);

}  // namespace parcelgate::store
