#pragma once
// InPost courier pickups: ShipX dispatch orders ("zlecenie odbioru").
//   POST   /v1/organizations/{org}/dispatch_orders   book: one order for the pickup's shipments
//   GET    /v1/dispatch_orders/{id}                  read (status)
//   DELETE /v1/dispatch_orders/{id}                  cancel
//
// What the carrier does with an order (InPost's ShipX documentation, "Dispatch Orders"):
// - it names ShipX shipment ids (label_result::carrier_reference of labels already bought), not
//   parcel counts: a pickup without shipment ids cannot be booked;
// - it carries NO date and no time slot: InPost passes the order to the local depot, whose
//   courier comes on its next round (normally the same or the next working day). The requested
//   date is therefore informative only; the window is sent as the sender's availability
//   (`office_hours`, "HH:MM-HH:MM"), which the courier is asked, not bound, to respect;
// - its status moves new (not yet passed on) -> sent (passed to the depot, not yet accepted) ->
//   accepted (by a courier) -> done, or rejected (by the courier) / canceled;
// - there is no dates service, so pickup_slots stays unsupported.
//
// Pure functions of their arguments: no I/O, no clock, thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/inpost/wire.hpp"
#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapters::inpost {

// Our own cap for the driver's comment: ShipX publishes no limit for `comment`, and a refusal we
// make before sending is clearer than one InPost makes after.
inline constexpr std::size_t kMaxDispatchComment = 255;

// "ul. Florianska 12" -> {"ul. Florianska", "12"}; "Dluga 5/4" -> {"Dluga", "5/4"}: the last
// word that starts with a digit (and what follows it) is the building number. nullopt when the
// line has no such word or nothing before it.
struct street_parts {
  std::string street;
  std::string building_number;
};
std::optional<street_parts> split_street(std::string_view line1);

// What a checked pickup becomes on the wire.
struct dispatch_plan {
  std::vector<std::string> shipment_ids;  // ShipX ids, digits only, in request order, no repeat
  street_parts street;
  std::string post_code;     // "31-021"
  std::string phone;         // 9 digits
  std::string office_hours;  // "09:00-12:00", or empty when the request has no window
};

// Checks `request` against what a dispatch order needs, before anything is sent; every problem is
// a field_error on OUR pickup request's paths ("shipment_ids", "address.line1", "address.phone",
// "window.from", "instructions"), all reported at once. `plan` is complete only when the list is
// empty.
std::vector<field_error> check_pickup(const carriers::pickup_request& request, dispatch_plan& plan);

// The JSON body of POST /v1/organizations/{org}/dispatch_orders for a checked request: shipments,
// name, phone, email, address {street, building_number, city, post_code, country_code}, and when
// present office_hours and comment.
std::string dispatch_order_body(const carriers::pickup_request& request, const dispatch_plan& plan);
// The booking: POST, sent once (not idempotent: a repeat may book the courier twice), operation
// "book_pickup".
carriers::outbound_request build_dispatch_order_request(const account& acct,
                                                        const carriers::pickup_request& request,
                                                        const dispatch_plan& plan);
// GET /v1/dispatch_orders/{id}, idempotent (three exchanges until a 200), operation
// "read_pickup".
carriers::outbound_request build_dispatch_order_read_request(const account& acct,
                                                             std::string_view id);
// DELETE /v1/dispatch_orders/{id}, sent once, operation "cancel_pickup".
carriers::outbound_request build_dispatch_order_cancel_request(const account& acct,
                                                               std::string_view id);

// What we read of a dispatch order.
struct dispatch_order_info {
  std::string id;
  std::string status;  // new, sent, accepted, done, rejected, canceled
  std::vector<std::string> shipment_ids;
};
// A dispatch order object; nullopt when `body` is not one (no id or no status).
std::optional<dispatch_order_info> parse_dispatch_order(std::string_view body);

// The booking's answer: 200/201 with a dispatch order -> the confirmation (the order id, its
// status, the requested date and window echoed, as InPost gives none). Otherwise an error:
// validation_failed (400/422) -> invalid_request, not_sold, with our fields; 401/403 ->
// auth_failed, 404 -> auth_failed (unknown organization), 429 -> rate_limited, 503
// service_unavailable -> unavailable, all not_sold (ShipX's own refusal); any other 5xx, a body
// outside ShipX's format or a 2xx that is not an order -> unknown (the order may exist).
result<carriers::pickup_confirmation> decode_booking(const carriers::pickup_request& request,
                                                     const carriers::outbound_response& answer);
// The cancel's answer: 200/204 -> done; 404 -> not_found; invalid_action (or 409) -> conflict
// (the order is past the point InPost cancels it); 401/403 -> auth_failed; 429 -> rate_limited;
// 5xx -> unavailable; anything else bad_gateway.
result<void> decode_cancel(std::string_view id, const carriers::outbound_response& answer);

}  // namespace parcelgate::adapters::inpost
