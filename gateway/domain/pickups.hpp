#pragma once
// Carrier pickups (DESIGN §4, docs/pickups.md): a merchant books a carrier's driver to come to
// its warehouse for shipments it bought, reads the booking and cancels it.
//
// Money rules, as for labels (shipping.hpp): a booking may be billed, so the Idempotency-Key and
// the booking in flight are durable before the carrier is called; only a failure that proves
// nothing was booked frees the key; any other failure (timeout, lost connection, a proxy's page,
// a crash) leaves the pickup `unconfirmed` with its key answered, so no retry books twice.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/pickup_input.hpp"
#include "gateway/domain/shipment.hpp"
#include "gateway/domain/time_zone.hpp"
#include "gateway/store/store.hpp"

namespace parcelgate::carriers {
class registry;
class http_client;
struct configured_carrier;
}  // namespace parcelgate::carriers
namespace parcelgate::telemetry {
class metrics;
}
namespace parcelgate::store {
class async_store;
}

namespace parcelgate {

template <class T>
using task = boost::asio::awaitable<T>;

// The HTTP form of the answers a booking stores under its Idempotency-Key (api/problems.cpp).
class pickup_answers {
 public:
  virtual ~pickup_answers() = default;
  virtual int booked_status() const = 0;  // the status of a booked pickup's answer (201)
  // The carrier may have booked: pickup `pickup_id` stays unconfirmed.
  virtual std::string outcome_unknown(std::string_view pickup_id, const error& cause,
                                      std::string_view request_id, int& status) const = 0;
};

struct pickup_order {
  std::string tenant;
  std::string idempotency_key;
  std::string request_hash;  // SHA-256 over method, path and canonical body
  pickup_input input;
};

// What a booking ended in; the API maps each kind to its answer.
struct pickup_outcome {
  enum class kind {
    booked,           // scheduled now: `body` is the pickup
    replayed,         // the key had finished: `status` and `body` are what was stored
    in_progress,      // a twin request holds the key
    key_reused,       // the key was used with another request
    invalid,          // the request is wrong (`cause`: fields); nothing was sent
    refused,          // the carrier refused and booked nothing (`cause`): the key is free again
    outcome_unknown,  // the carrier may have booked: `status` and `body` are stored for the key
    failed,           // the store failed, or a conflict (`cause`)
  };
  kind what = kind::failed;
  std::string pickup_id{};
  int status = 0;
  std::string body{};
  error cause{};
};

class pickup_service {
 public:
  pickup_service(store::async_store& db, const carriers::registry& carriers,
                 carriers::http_client& client, telemetry::metrics& metrics,
                 const pickup_answers& answers);

  // Checks the order against the carrier and the tenant's shipments, records it, books it.
  task<pickup_outcome> book(pickup_order order, std::string request_id);
  // The pickup as stored; not_found for another tenant's id (an empty tenant: any, for ops).
  task<result<std::string>> get(std::string tenant, std::string id);
  // Cancels a scheduled pickup at the carrier; cancelling a cancelled one answers it again.
  task<result<std::string>> cancel(std::string tenant, std::string id, std::string request_id);
  // Bookings in flight whose owner is gone become unconfirmed (start, then periodically).
  task<result<int>> recover_interrupted_bookings();

  // The carrier's local date today for a pickup in `country` (its zone; UTC when unknown).
  std::string local_today(std::string_view country,
                          std::chrono::system_clock::time_point now) const;

 private:
  task<pickup_outcome> finish_unknown(store::pickup_row row, error cause, std::string request_id);
  // The carrier's first pickup date at `at` from its local today (pickup_slots), or today when
  // it publishes none.
  task<result<std::string>> first_pickup_date(const carriers::configured_carrier& carrier,
                                              const address& at,
                                              std::chrono::system_clock::time_point now);

  store::async_store& db_;
  const carriers::registry& carriers_;
  carriers::http_client& client_;
  telemetry::metrics& metrics_;
  const pickup_answers& answers_;
  std::map<std::string, time_zone, std::less<>> zones_;  // by country, loaded once
};

}  // namespace parcelgate
