#pragma once
// InPost tracking: polling GET /v1/tracking/{tracking_number} (public, one number per request)
// and InPost's webhook pushes {event_ts, event, organization_id, payload}. ShipX statuses map to
// our statuses in status_map.cpp; ShipX times carry their offset (+01:00, +02:00) and are
// converted to UTC here.
//
// Pure functions of their arguments: no I/O, no clock, thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/inpost/wire.hpp"
#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapters::inpost {

// Numbers per request (the endpoint takes one) and the request rate the scheduler keeps below:
// InPost publishes no figure for this endpoint, so a conservative 2 per second.
inline constexpr int kTrackingBatch = 1;
inline constexpr double kTrackingRequestsPerS = 2.0;

// ---- status map (status_map.cpp) ----------------------------------------------------------------

struct status_entry {
  std::string_view name;   // ShipX status ("ready_to_pickup")
  tracking_status status;  // ours
  std::string_view title;  // English description, kept as carrier_text
  bool at_target_point;    // happened at the receiver's locker / point
};
// Every status of ShipX's /v1/statuses dictionary.
const std::vector<status_entry>& published_statuses();
// The entry of a ShipX status; nullptr for a status the dictionary does not list.
const status_entry* find_status(std::string_view name) noexcept;
// Our status for a ShipX status: `unknown` when the dictionary does not list it.
tracking_status status_for(std::string_view name) noexcept;

// ---- times --------------------------------------------------------------------------------------

// A ShipX time with its offset ("2015-09-17T11:28:00.000+02:00", "...Z", a space instead of T)
// as RFC 3339 UTC ("2015-09-17T09:28:00Z"; a non-zero fraction is kept: "...:00.250Z").
// nullopt when it is not such a time (no offset included).
std::optional<std::string> to_utc(std::string_view text);

// ---- polling ------------------------------------------------------------------------------------

// A tracking query is read-only: up to three exchanges, 200 ms then 1 s apart, when the
// connection fails; any HTTP answer is final (a 404 for a number not known yet is an answer, and
// the scheduler polls again later anyway).
carriers::retry_policy tracking_retry_policy();
// GET {base_url}/v1/tracking/{n}, idempotent, operation "track".
carriers::outbound_request build_tracking_request(const account& acct, std::string_view number);
// A tracking number InPost could have issued: 8 to 32 digits or uppercase letters.
bool valid_tracking_number(std::string_view number) noexcept;
// One number's answer: its tracking_details as events, oldest first; 404 resource_not_found is
// a miss (not_found). 401/403 auth_failed, 429 rate_limited, 5xx unavailable, anything
// unreadable (or a detail without a readable time) bad_gateway.
result<carriers::tracking_batch> decode_tracking(std::string_view number,
                                                 const carriers::outbound_response& answer);

// ---- pushes -------------------------------------------------------------------------------------

// One webhook body. shipment_status_changed gives one event (status mapped, carrier_code the
// ShipX status, occurred_at event_ts in UTC); shipment_confirmed and offers_prepared give none.
// A body that cannot be read, or that names another organization than `organization_id` (when
// that is set), is invalid_request with the offending field ("payload.status", "event_ts").
result<carriers::push_batch> decode_push(std::string_view body, std::string_view organization_id);

}  // namespace parcelgate::adapters::inpost
