#pragma once
// Colissimo mailbox pickup ("enlèvement en boîte aux lettres") codec: pure functions that build
// the SLS getListMailBoxPickingDates and planPickup JSON requests and read their answers. No I/O,
// no clock, no global state: every function is thread-safe.
//
// Wire facts (public sources listed in adapters/colissimo/README.md, "Pickups"):
//   - both operations POST JSON to the SLS REST service, beside generateLabel, with the account
//     inside the body (contractNumber, password);
//   - getListMailBoxPickingDates takes `sender` as a flat address {line0..line3, countryCode,
//     zipCode, city} (line2, the street, mandatory; French 5-digit zipCode) and answers
//     {mailBoxPickingDateMaxHour "HH:MM", validityTime "HH:MM", mailBoxPickingDates [epoch ms],
//     messages [...]};
//   - planPickup takes parcelNumber (13 characters), mailBoxPickingDate "YYYY-MM-DD" and `sender`
//     as a flat contact address {companyName, lastName, firstName, line2, line3, zipCode, city,
//     countryCode, email, phoneNumber} and answers {messages [...]} only: no pickup number;
//   - messages are the SLS ones (id "0" INFOS on success, type ERROR on a refusal; 30000 = bad
//     credentials), read and mapped like generateLabel's (wire.hpp map_messages);
//   - one planPickup books the pickup of one parcel: a pickup of several parcels is one call each.
//
// How the answer's fields are read:
//   - mailBoxPickingDates are instants at the start of each offered day; the day is the one they
//     fall on in Europe/Paris (the plugins print them as local dates). Midnight in Paris and
//     midnight UTC both land on the intended day, so either encoding reads right;
//   - mailBoxPickingDateMaxHour is the hour, on the pickup day, by which the parcel must be in
//     the mailbox (the official PrestaShop plugin tells the customer "drop the parcel in your
//     mailbox before <max hour>" on that date). Booking later than that cannot work, so it is the
//     slot's book_before (converted to UTC); no earlier booking deadline is published;
//   - validityTime has no published meaning; it is kept in picking_dates and not interpreted.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/colissimo/wire.hpp"
#include "gateway/carriers/adapter.hpp"
#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"
#include "gateway/domain/time_zone.hpp"

namespace parcelgate::adapters::colissimo {

inline constexpr std::string_view kPickingDatesPath =
    "/sls-ws/SlsServiceWSRest/2.0/getListMailBoxPickingDates";
inline constexpr std::string_view kPlanPickupPath = "/sls-ws/SlsServiceWSRest/2.0/planPickup";
// caps().pickup_max_days_ahead. Colissimo publishes no horizon: the dates service decides and
// book_pickup only books a date it offered. The plugins show the first offered date; a week
// covers a few working days across a weekend and a public holiday.
inline constexpr int kPickupMaxDaysAhead = 7;

// What getListMailBoxPickingDates answered, read.
struct picking_dates {
  std::vector<std::string> dates;  // YYYY-MM-DD in Europe/Paris, in the carrier's order
  std::string max_hour;            // mailBoxPickingDateMaxHour, "HH:MM" ("" when absent)
  std::string validity_time;       // validityTime, as given (not interpreted)
};

// Refusals made before anything is sent, on OUR pickup request paths: no parcels (Colissimo
// picks up parcels it sold, by number: "shipment_ids"), a parcel number that is not a Colissimo
// one ("shipment_ids"), a date that is not YYYY-MM-DD ("date"), an address outside France
// ("address.country"), a missing street, postal code or city ("address.line1",
// "address.postal_code", "address.city"). Empty when the request can be sent.
std::vector<field_error> check_pickup_request(const carriers::pickup_request& request);
// The address checks alone, for pickup_slots (paths "address.*").
std::vector<field_error> check_pickup_address(const address& at);

// The getListMailBoxPickingDates body for `at`.
std::string build_picking_dates_request(const address& at, const account& acct);
// The planPickup body for one parcel. `date` is YYYY-MM-DD. The contact is at.name (split into
// firstName and lastName at the last space; a single word fills both), at.company, at.email,
// at.phone (compacted as for labels).
std::string build_plan_pickup_request(const address& at, std::string_view parcel_number,
                                      std::string_view date, const account& acct);

// The Europe/Paris date of an epoch-milliseconds instant, "YYYY-MM-DD".
std::string paris_date_of_epoch_ms(std::int64_t epoch_ms, const time_zone& paris);
// `local_time` ("HH:MM") on `date` (YYYY-MM-DD) in `zone`, as RFC 3339 UTC
// ("2026-03-30T06:00:00Z"); nullopt when either is malformed.
std::optional<std::string> local_to_utc_rfc3339(std::string_view date, std::string_view local_time,
                                                const time_zone& zone);

// The answer interpretation shared by both operations (`what` names the operation in messages):
//   messages of type ERROR (any status) -> map_pickup_messages, not_sold;
//   429 -> rate_limited (Retry-After), not_sold; 5xx -> unavailable (not_sold only when the body
//   is SLS's own ERROR answer); 401/403 without SLS JSON -> auth_failed; an unreadable body or
//   another error status -> bad_gateway. Sale stays unknown except where said.
result<picking_dates> parse_picking_dates_response(const carriers::outbound_response& response,
                                                   const time_zone& paris);
// planPickup: success is a 200 carrying no ERROR message (it carries no pickup number).
result<void> parse_plan_pickup_response(const carriers::outbound_response& response);

// SLS ERROR messages as a pickup error: the kind, code and text of map_messages; fields about the
// sender's address become "address.*"; the message names the operation.
error map_pickup_messages(const std::vector<sls_message>& messages, std::string_view what);

// The offered dates as slots on or after `from_date` (YYYY-MM-DD; empty = all): no window (the
// postman's round sets it), book_before from max_hour when given.
std::vector<carriers::pickup_slot> to_pickup_slots(const picking_dates& offered,
                                                   std::string_view from_date,
                                                   const time_zone& paris);

// The confirmation of a booking whose planPickup calls all succeeded: SLS answers no pickup
// number, so `confirmation` is the parcel numbers joined by "," (what a later lookup at Colissimo
// is made with); no window; carrier_status "planned".
carriers::pickup_confirmation pickup_confirmation_of(const std::vector<std::string>& parcels,
                                                     std::string_view date);

// The error of a booking that failed at parcel `failed_parcel` after `booked` parcels were
// planned: the message lists what was booked and what was not, the failure's kind, carrier code
// and text are kept, and the sale is unknown (some pickups exist). With `booked` empty, `failure`
// is returned as is.
error partial_booking_error(error failure, const std::vector<std::string>& booked,
                            std::string_view failed_parcel,
                            const std::vector<std::string>& not_attempted, std::string_view date);

}  // namespace parcelgate::adapters::colissimo
