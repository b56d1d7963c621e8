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
#include <expected>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment_cache.hpp"
#include "gateway/domain/shipment_input.hpp"
#include "gateway/domain/shipment_json.hpp"
#include "gateway/store/async_store.hpp"

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
namespace parcelgate::tariffs {
class tariff_set;
}

namespace parcelgate {

template <class T>
using task = boost::asio::awaitable<T>;

// The HTTP form of the answers a purchase stores under its Idempotency-Key. The domain decides
// what happened; the API layer (api/problems.cpp) writes how it is answered, then and on replay.
struct stored_answer {
  int status = 0;
  std::string body{};
};

class purchase_answers {
 public:
  virtual ~purchase_answers() = default;
  // The label was bought: `shipment_json` is the shipment.
  virtual stored_answer created(std::string shipment_json) const = 0;
  // The carrier may have sold a label: shipment `shipment_id` stays pending_confirmation.
  virtual stored_answer outcome_unknown(std::string_view shipment_id, const error& cause,
                                        std::string_view request_id) const = 0;
};

// A label purchase as the caller asks it, its body read and generically checked.
struct purchase_order {
  std::string tenant;
  std::string idempotency_key;
  std::string request_hash;  // SHA-256 over method, path and canonical body
  shipment_input input;      // input.errors: the generic problems found so far
};

// A purchase ready to buy: every check passed, the carrier and the contract chosen.
struct purchase_command {
  std::string tenant;
  std::string idempotency_key;
  std::string request_hash;
  shipment_input input;  // carrier resolved (not "auto")
  const carriers::configured_carrier* carrier = nullptr;
  std::optional<shipment_rate> rate;    // from the negotiated tariffs, when one prices it
  std::string rate_unavailable_reason;  // when `rate` is empty: why
  // A label-less return being bought at a point's scan (docs/labelless-returns.md): the purchase
  // lands on this existing shipment (its id, creation time and code) instead of a new one.
  std::string shipment_id{};
  std::string created_at{};
  std::string return_code{};  // as people read it ("K7QM-4TZX-P9H")
};

// What a purchase ended in. The API maps each kind to its HTTP answer in one place.
struct purchase_outcome {
  enum class kind {
    created,          // bought now: `body` is the shipment
    replayed,         // the key had finished: `answer` is what was stored
    in_progress,      // a twin request holds the key
    key_reused,       // the key was used with another request
    refused,          // the carrier refused and sold nothing (`cause`): the key is free again
    outcome_unknown,  // the carrier may have sold (`cause`): `answer` is stored for the key
    failed,           // the store failed (`cause`)
  };
  kind what = kind::failed;
  std::string shipment_id{};  // created, outcome_unknown
  std::string body{};         // created
  stored_answer answer{};     // replayed, outcome_unknown
  error cause{};              // refused, outcome_unknown, failed
};

class shipping_service {
 public:
  shipping_service(store::async_store& db, const carriers::registry& carriers,
                   carriers::http_client& client, telemetry::metrics& metrics,
                   shipment_cache& cache, const purchase_answers& answers)
      : db_(db),
        carriers_(carriers),
        client_(client),
        metrics_(metrics),
        cache_(cache),
        answers_(answers) {}

  // The checks after the generic ones, each run once: the carrier offers the service, its own
  // rules (adapter validate), then the contract (the best by `selection` among the carriers
  // that accept the shipment for carrier auto, the named carrier's cheapest otherwise). Every
  // field problem comes back at once; `tariffs` may be null (none loaded).
  std::expected<purchase_command, std::vector<field_error>> prepare(
      purchase_order order, const tariffs::tariff_set* tariffs) const;

  task<purchase_outcome> purchase(purchase_command command, std::string request_id);

  // Issues a label-less return (label.mode labelless): the shipment is recorded awaiting_dropoff
  // with a new return code and the request it will be bought with, and the key finished with
  // the 201, in one durable transaction. Nothing is bought: a collection point's scan of the code
  // buys the label later (labelless_service). Outcomes: created, replayed, in_progress,
  // key_reused, failed.
  task<purchase_outcome> issue_labelless(purchase_command command);

  // Voids a label: at the carrier when it supports that, else recorded by the gateway alone.
  // not_found for another tenant's id; conflict once the parcel moved or its outcome is unknown.
  task<result<std::string>> cancel(std::string tenant, std::string id, std::string request_id);

  // Purchases in flight whose owner is gone (a crash, another instance killed) become
  // pending_confirmation: at start, before serving, then periodically as a duty.
  task<result<int>> recover_interrupted_purchases();

  // Outcomes the carrier gave that the store could not record (the database was away, a
  // statement timed out): kept in memory and written again by this, run every second, until
  // the store takes them. Meanwhile the purchase stays in flight, owned by this live instance,
  // so its key answers 409; once written, it replays. Returns how many were written. (If this
  // instance dies first, its purchases in flight are recovered as pending_confirmation.)
  task<int> record_unrecorded_outcomes();
  std::size_t unrecorded_outcomes() const;

 private:
  struct unrecorded_outcome {
    store::shipment_row row;
    std::optional<store::stored_label> label;  // a bought label; none: outcome unknown
    int status = 0;
    std::string body;
  };
  void keep_unrecorded(unrecorded_outcome outcome);

  task<purchase_outcome> finish_unknown(store::shipment_row row, error cause,
                                        std::string request_id);

  store::async_store& db_;
  const carriers::registry& carriers_;
  carriers::http_client& client_;
  telemetry::metrics& metrics_;
  shipment_cache& cache_;
  const purchase_answers& answers_;
  mutable std::mutex unrecorded_mutex_;
  std::vector<unrecorded_outcome> unrecorded_;
};

}  // namespace parcelgate
