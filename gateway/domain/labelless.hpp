#pragma once
// Label-less returns redeemed at a collection point (docs/labelless-returns.md).
//
// A return issued with label.mode labelless (shipping_service::issue_labelless) is a shipment
// awaiting_dropoff with a return code and no label. When a point of the return's network scans
// the code, its label is bought then, through the ordinary purchase (shipping_service::purchase)
// landing on that same shipment, with every money rule of a purchase:
// - the purchase's idempotency key is the shipment's own (a key no API client can send), and
//   the request it is bought for names the point: the same point scanning again replays the
//   purchase (the label is printed again, nothing is bought), another point is refused, and two
//   scans at once meet on the key (one buys, the other is told to scan again);
// - an outcome the carrier leaves unknown leaves the shipment pending_confirmation and its key
//   answers that for ever, as for any purchase; a refusal that proves nothing was sold keeps the
//   code valid.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"
#include "gateway/domain/shipping.hpp"
#include "gateway/store/store.hpp"

namespace parcelgate {

struct redeem_request {
  std::string point_id;                  // the scanning point, "<carrier>:<CC>:<native id>"
  std::string return_code;               // canonical (normalize_return_code)
  std::optional<label_format> format{};  // the point's printer; the return's own when absent
  std::optional<label_size> size{};
  std::string request_id{};
};

struct redeem_outcome {
  enum class kind {
    label,          // the label is bought (now, or earlier by this point): shipment and label
    not_found,      // no label-less return has this code
    wrong_network,  // the return goes with another carrier (shipment.carrier)
    cancelled,      // the merchant cancelled the return: the code is void
    other_point,    // another point redeemed the code
    in_progress,    // a twin scan is buying the label now: scan again in a moment
    invalid,        // the label cannot be bought as asked (fields: format, size, carrier rules)
    refused,        // the carrier refused and sold nothing (cause): the code stays valid
    answered,       // the purchase's stored answer, not a label (its outcome is unknown)
    failed,         // the store failed (cause)
  };
  kind what = kind::failed;
  bool bought_now = false;         // label: bought by this scan
  store::shipment_row shipment{};  // label, wrong_network, cancelled, other_point
  std::optional<store::stored_label> label{};
  std::vector<field_error> fields{};  // invalid
  stored_answer answer{};             // answered
  error cause{};                      // refused, failed
};

// The idempotency key under which a label-less return's label is bought: it contains spaces,
// which no Idempotency-Key header may hold, so no client request can take it.
std::string labelless_purchase_key(std::string_view shipment_id);

// Buys (or finds) the label of the return with `r.return_code` for the point `r.point_id`.
// `tariffs` prices the purchase as POST /v1/shipments would (may be null).
boost::asio::awaitable<redeem_outcome> redeem_return_code(store::async_store& db,
                                                          shipping_service& shipping,
                                                          const carriers::registry& carriers,
                                                          const tariffs::tariff_set* tariffs,
                                                          redeem_request r);

}  // namespace parcelgate
