#pragma once
// The JSON representation of a shipment resource (DESIGN §4), rendered once when the shipment
// changes and stored ready to serve, so reads never rebuild it.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/domain/shipment.hpp"

namespace parcelgate {

// The negotiated price of a shipment: the contract that carries it and its total.
struct shipment_rate {
  std::int64_t amount = 0;  // minor units
  std::string currency;
  std::string contract;
};

struct shipment_view {
  std::string id, tenant, status, carrier, carrier_service, tracking_number, tracking_url,
      pickup_point_id;
  // label_result::carrier_reference, kept for voiding; the member is left out when empty.
  std::string carrier_reference{};
  const shipment_request* request =
      nullptr;  // service, direction, reference, addresses, parcels, label
  bool has_label = false;
  std::string created_at, updated_at;
  std::optional<shipment_rate> rate;
  std::string rate_unavailable_reason;  // why `rate` is absent (no tariffs, no contract prices it)
  // A label-less return's code as people read it ("K7QM-4TZX-P9H"); empty for printed labels.
  // The body then names it and where its QR code is served.
  std::string return_code{};
};

std::string render_shipment(const shipment_view& view);

// An Address as the API writes it (optional members null when empty); shared with pickups.
boost::json::object render_address(const address& a);

// Returns `body` with "status" and "updated_at" replaced (used by cancel and reconciliation).
// The "carrier_reference" member of a stored shipment body; empty when absent or null.
std::string carrier_reference_of(std::string_view body);
// The "return_code" member of a stored shipment body (a label-less return); empty otherwise.
std::string return_code_of(std::string_view body);

std::string restate_shipment(std::string_view body, std::string_view status,
                             std::string_view updated_at);

}  // namespace parcelgate
