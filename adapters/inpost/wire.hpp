#pragma once
// The InPost ShipX JSON codec: request builders (shipment creation, label download, shipment
// read, shipment search, void) and response parsers (the shipment object, ShipX's error format
// {status, error, message, details}), and what each answer means for our errors.
//
// Pure functions of their arguments: no I/O, no clock, thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/inpost/rules.hpp"
#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapters::inpost {

struct account {
  std::string base_url;  // without a trailing slash
  std::string token;
  std::string organization_id;
};

// ---- requests -----------------------------------------------------------------------------------

// The JSON body of POST /v1/organizations/{org}/shipments for a checked request.
std::string shipment_body(const shipment_request& request, const shipment_plan& plan);
// The purchase: POST, sent once (not idempotent), operation "create_label".
carriers::outbound_request build_create_request(const account& acct,
                                                const shipment_request& request,
                                                const shipment_plan& plan);

// How long the label download is repeated while InPost has not confirmed the shipment: waits of
// 250 ms, 500 ms, then 1 s each, as many as fit in `confirm_timeout_s`, until a 200 (and, for
// PDF, a body starting with %PDF-).
carriers::retry_policy confirm_policy(int confirm_timeout_s, label_format format);
// GET /v1/shipments/{id}/label?format=Pdf|Zpl&type=A6, idempotent, operation "fetch_label".
carriers::outbound_request build_label_request(const account& acct, std::string_view shipment_id,
                                               label_format format, int confirm_timeout_s);
// GET /v1/shipments/{id}, idempotent (three exchanges until a 200), operation "read_shipment".
carriers::outbound_request build_read_request(const account& acct, std::string_view shipment_id);
// GET /v1/organizations/{org}/shipments?tracking_number=N, idempotent, operation
// "find_shipment": finds the ShipX id of a label bought before ids were kept.
carriers::outbound_request build_find_request(const account& acct,
                                              std::string_view tracking_number);
// DELETE /v1/shipments/{id}, sent once, operation "cancel_label".
carriers::outbound_request build_cancel_request(const account& acct, std::string_view shipment_id);

// ---- responses ----------------------------------------------------------------------------------

// What we read of a ShipX shipment object.
struct shipment_info {
  std::string id;  // ShipX numbers it; kept as text
  std::string status;
  std::string tracking_number;  // empty until confirmed
  std::string service;
};
// A shipment object (create, read); nullopt when `body` is not one.
std::optional<shipment_info> parse_shipment(std::string_view body);
// The first shipment of a list answer {items: [...]}; nullopt when none or unreadable.
std::optional<shipment_info> parse_first_listed(std::string_view body);

// ShipX's error format. `details` is flattened to (path, codes): nested objects and the arrays
// that wrap them are walked, numeric keys become indexes ("parcels[0].weight.amount").
struct shipx_error {
  int status = 0;
  std::string error;  // "validation_failed", "resource_not_found", "invalid_action"...
  std::string message;
  std::vector<std::pair<std::string, std::string>> details;  // path -> codes, comma separated
};
// nullopt when `body` is not in ShipX's error format.
std::optional<shipx_error> parse_error(std::string_view body);

// Our API path for a ShipX request path ("receiver.phone" -> "to.phone",
// "custom_attributes.target_point" -> "pickup_point_id"); empty when it has none (status_map.cpp).
std::string api_path(std::string_view shipx_path);

// The error of a refused creation (any answer but a shipment object). not_sold when ShipX's own
// format says it refused (4xx, or 503 service_unavailable); unknown otherwise (a proxy's page, a
// 500, a body we cannot read).
error creation_error(int http_status, std::string_view body);
// The error of a refused void: `invalid_action` (the shipment is past the point InPost allows it)
// is a conflict saying the label can no longer be voided.
error cancel_error(std::string_view shipment_id, int http_status, std::string_view body);

}  // namespace parcelgate::adapters::inpost
