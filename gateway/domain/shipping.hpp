#pragma once
// The label purchase flow (DESIGN §5) and the shipment operations around it.
//
// Money rules enforced here:
// - the idempotency key and the purchase in flight are durable before the carrier is called;
// - a purchase that may have reached the carrier (timeout, lost connection, unreadable answer,
//   crash) is never repeated: the shipment becomes `pending_confirmation` and its key is
//   finished with that answer, so no retry can buy a second label;
// - the bought label, the shipment and the key's stored response commit in one transaction
//   before the 201 is sent.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment_cache.hpp"
#include "gateway/domain/shipment_input.hpp"
#include "gateway/domain/shipment_json.hpp"
#include "gateway/store/store.hpp"

namespace parcelgate::carriers {
class registry;
class http_client;
}  // namespace parcelgate::carriers
namespace parcelgate::telemetry {
class metrics;
}
namespace parcelgate::store {
class blocking_pool;
}

namespace parcelgate {

template <class T>
using task = boost::asio::awaitable<T>;

struct purchase_command {
  std::string tenant;
  std::string idempotency_key;
  std::string request_hash;  // SHA-256 over method, path and canonical body
  shipment_input input;      // validated, carrier resolved (not "auto")
  std::optional<shipment_rate> rate;  // from the negotiated tariffs, when a contract prices it
  std::string rate_unavailable_reason;  // when `rate` is empty: why
};

struct purchase_reply {
  int status = 0;
  std::string body;
  bool replayed = false;
  int retry_after_s = 0;
  std::string shipment_id;  // of the shipment this request just created (empty otherwise)
};

class shipping_service {
 public:
  shipping_service(store::store& db, store::blocking_pool& pool, const carriers::registry& carriers,
                   carriers::http_client& client, telemetry::metrics& metrics, shipment_cache& cache)
      : db_(db), pool_(pool), carriers_(carriers), client_(client), metrics_(metrics), cache_(cache) {}

  task<purchase_reply> purchase(purchase_command command, std::string request_id);

  // Voids a label: at the carrier when it supports that, else recorded by the gateway alone.
  // not_found for another tenant's id; conflict once the parcel moved or its outcome is unknown.
  task<result<std::string>> cancel(std::string tenant, std::string id, std::string request_id);

  // At start: purchases interrupted by a crash become pending_confirmation. Blocking.
  result<int> recover_interrupted_purchases();

 private:
  task<purchase_reply> finish_unknown(store::shipment_row row, const error& e, std::string request_id);

  store::store& db_;
  store::blocking_pool& pool_;
  const carriers::registry& carriers_;
  carriers::http_client& client_;
  telemetry::metrics& metrics_;
  shipment_cache& cache_;
};

}  // namespace parcelgate
