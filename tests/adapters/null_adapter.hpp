#pragma once
// The null adapter: the smallest correct carriers::carrier_adapter, kept with the conformance
// suite (tests/adapters/conformance_test.cpp) as the reference every real adapter is measured
// against. It buys labels from the "null carrier", a line-oriented text protocol:
//
//   purchase  POST {base_url}/labels, Authorization: Bearer {token}, text/plain body of
//             "key=value" lines (account, shipment, reference, service, weight_g, to_country,
//             to_postal_code). Never repeated.
//     201     "tracking=NULL12345678\n" then an empty line, then the label: a PDF (A6).
//     401/403 the carrier's refusal of our credentials ("refused=auth")     -> auth_failed, not
//     sold 422     "refused=<code>\nfield=<our field path>\nmessage=<text>"      -> rejected, not
//     sold other   anything else (5xx, an HTML page from a proxy, a 201 without a tracking number
//     or
//             PDF): proves nothing about the sale                            -> sale unknown
//   void      DELETE {base_url}/labels/{tracking}: idempotent, retried once after 100 ms by the
//   core
//     204     voided; 404 unknown label (not_found); anything else unavailable.
//
// Settings (carriers.null): base_url (required), account (required), token (required, secret).
// Capabilities: home delivery, one parcel of at most 30 kg, PDF labels in A6, cancel "carrier".
// Layout as in every adapter: rules (validation), wire (codec), and the flow.

#include <memory>
#include <string>
#include <string_view>

#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapter_testing {

inline constexpr std::string_view kNullCarrierId = "null";

std::unique_ptr<carriers::carrier_adapter> make_null_adapter();

// The null carrier's success answer to a purchase, for fake calls: tracking number and label.
carriers::outbound_response null_carrier_sale(std::string_view tracking, std::string_view pdf);

}  // namespace parcelgate::adapter_testing
