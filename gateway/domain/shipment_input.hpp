#pragma once
// Reads and validates the body of POST /v1/shipments (DESIGN §4). Every problem is reported at
// once with its field path; unknown fields are errors. Carrier-specific rules come afterwards
// from the adapter's validate().

#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"

namespace parcelgate {

struct shipment_input {
  shipment_request request;     // shipment_id, ship_date are left for the caller to set
  std::string carrier;          // "colissimo", or "auto"
  std::string selection;        // "cheapest" | "fastest" | "" (only with carrier auto)
  std::string pickup_point_id;  // as given ("mondialrelay:FR:020230")
  // label.mode "labelless": a return whose label is bought when a collection point scans its
  // return code (docs/labelless-returns.md); label.format and label.size are then the defaults the
  // point may override.
  bool labelless = false;
  std::string canonical_json;  // the body re-serialized (whitespace-free), for idempotency
  std::vector<field_error> errors;
  bool malformed = false;  // not JSON, or not an object
  std::string malformed_detail;
};

// `known_carriers` are the enabled carrier ids; "auto" is always accepted by the parser.
shipment_input parse_shipment_input(std::string_view body,
                                    const std::vector<std::string>& known_carriers);

// Limits, also published in the OpenAPI document.
inline constexpr int kMaxParcels = 50;
inline constexpr int kMaxWeightG = 1'000'000;
inline constexpr int kMaxDimensionMm = 10'000;

}  // namespace parcelgate
