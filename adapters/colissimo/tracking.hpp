#pragma once
// La Poste "Suivi v2" (Okapi) tracking codec for Colissimo parcels: pure functions that build the
// GET {tracking_url}/idships/{id1,id2,...}?lang=fr_FR request and read its answers. No I/O, no
// clock, no global state: every function is thread-safe.
//
// Wire facts (public sources listed in adapters/colissimo/README.md, "Tracking"):
//   - up to 10 ids per call, comma separated, each 11 to 15 letters or digits;
//   - header X-Okapi-Key (the application's key) and Accept: application/json;
//   - one id: HTTP 200 and one envelope (an object; some answers wrap it in an array);
//     several ids: HTTP 207 and an array of envelopes, each with its own returnCode
//     (200 found, 104/105 not known yet / unknown, 400 malformed id...);
//   - an envelope's shipment.event[] is newest first: {code, label, date} with dates written
//     with their UTC offset ("2024-03-30T18:05:00+01:00");
//   - 401 bad key, 429 quota (Retry-After), both with {code, message} bodies.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/carriers/adapter.hpp"
#include "gateway/domain/error.hpp"
#include "gateway/domain/tracking.hpp"

namespace parcelgate::adapters::colissimo {

// Tracking numbers one Suivi v2 call may carry (the API's published limit).
inline constexpr std::size_t kSuiviMaxIds = 10;
// Published quota of the Suivi v2 plan: 10 calls per second per key
// (developer.laposte.fr/catalog-apis/suivi@2, recorded in the api-evangelist Suivi overlay).
inline constexpr double kSuiviRequestsPerSecond = 10;
inline constexpr std::string_view kDefaultTrackingUrl = "https://api.laposte.fr/suivi/v2";

// True for an id Suivi v2 accepts: 11 to 15 ASCII letters or digits.
bool valid_suivi_id(std::string_view id) noexcept;

// Okapi 3-character event code ("DI1") -> normalized status; unknown codes -> unknown.
tracking_status map_suivi_event_code(std::string_view code) noexcept;
// The status of an event code as Suivi v2 may give it: Okapi codes (3 characters) through
// map_suivi_event_code, Colissimo's internal 6-character codes through map_event_code.
tracking_status map_tracking_code(std::string_view code) noexcept;

// "2024-03-31T03:30:00+02:00" -> "2024-03-31T01:30:00Z". Accepts "Z" or a +hh:mm / -hh:mm
// offset, optional fractional seconds (dropped). nullopt when `date` is not such a date-time.
std::optional<std::string> to_utc_rfc3339(std::string_view date);

// The request URL: tracking_url + "/idships/" + ids joined by "," + "?lang=fr_FR".
// Expects ids that passed valid_suivi_id (nothing to escape).
std::string suivi_url(std::string_view tracking_url, const std::vector<std::string>& ids);

// The full answer interpretation for track(); `requested` are the ids sent, in order:
//   200/207 (or 400/404 carrying per-id envelopes) -> events (oldest first per number) and
//     misses: returnCode 104/105 -> not_found, 400 -> invalid_request, 504 and other 5xx ->
//     unavailable, any other code -> bad_gateway; a requested id the answer does not mention ->
//     unavailable miss;
//   401/403 -> auth_failed; 429 -> rate_limited with retry_after_s; 5xx -> unavailable with
//     retry_after_s; an unreadable body or another status -> bad_gateway.
// An event with an unreadable date makes the whole answer bad_gateway (no invented times).
result<carriers::tracking_batch> parse_suivi_response(const carriers::outbound_response& response,
                                                      const std::vector<std::string>& requested);

}  // namespace parcelgate::adapters::colissimo
