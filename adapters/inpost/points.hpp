#pragma once
// InPost collection points: the ShipX points search GET /v1/points and the lookup of one point
// GET /v1/points/{name}, and what their answers become (collection_point, errors).
//
// The search asks for points where a recipient can collect a parcel (functions=parcel_collect),
// around the query's coordinates (relative_point "lat,lng") or else its Polish postal code
// (relative_post_code "NN-NNN"), within radius_m (max_distance, metres), nearest first
// (sort_by=distance_to_relative_point), one page of `limit` points (per_page). No `type` filter is
// sent: the core filters by our point types after normalization, and a ShipX type list would have
// to name every locker variant (parcel_locker_superpop...) to avoid hiding collection points.
//
// Pure functions of their arguments: no I/O, no clock, thread-safe.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/inpost/wire.hpp"
#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapters::inpost {

// Every InPost point takes parcels of the locker service, 25 kg at most: a heavier query has no
// point to go to.
inline constexpr int kMaxPointWeightG = kMaxLockerWeightG;

using week_hours = std::array<std::vector<carriers::opening_interval>, 7>;  // Monday first

// ---- requests -----------------------------------------------------------------------------------

// A Polish postal code as ShipX writes it: "30415" or "30-415" (spaces around trimmed) ->
// "30-415"; nullopt for anything else.
std::optional<std::string> shipx_post_code(std::string_view text);

// Point queries are read-only: up to three exchanges, 200 ms then 1 s apart, when the connection
// fails; any HTTP answer is final (as for tracking).
carriers::retry_policy points_retry_policy();

// True when the query cannot have an InPost answer: a country other than PL, or a parcel heavier
// than kMaxPointWeightG. find_points then answers an empty list without a network call.
bool outside_network(const carriers::point_query& query) noexcept;

// GET {base_url}/v1/points?relative_point=...|relative_post_code=...&max_distance=...
//   &functions=parcel_collect&sort_by=distance_to_relative_point&per_page=...&page=1
// idempotent, operation "find_points", Bearer token. Coordinates are used when both are given,
// else the postal code. invalid_request (sale not concerned) naming "postal_code" when there is
// neither coordinates nor a Polish postal code, "latitude"/"longitude" when out of range.
// max_distance is left out when radius_m <= 0; per_page is limit clamped to 1..500.
result<carriers::outbound_request> build_points_request(const account& acct,
                                                        const carriers::point_query& query);

// A ShipX point name as it may appear in a URL path: 1 to 32 letters, digits, '-' or '_'.
bool plausible_point_name(std::string_view name) noexcept;
// GET {base_url}/v1/points/{name}, idempotent, operation "find_point".
carriers::outbound_request build_point_request(const account& acct, std::string_view name);

// ---- answers ------------------------------------------------------------------------------------

// ShipX's opening_hours text as weekly intervals. "24/7" -> every day 00:00-24:00. Otherwise
// groups of days then times: days are Polish abbreviations in any case (Pn/Pon, Wt, Śr/Sr,
// Cz/Czw, Pt/Pią, Sb/Sob, Nd/Ndz/Niedz), single, listed with commas or ranged with '-'; times are
// "H", "HH", "H:MM" or "H.MM" ranges ("8-20", "09:00-16:00"), several per group for a break
// ("Pn-Pt 9-13, 14-18"); "nieczynne"/"zamknięte" closes a group's days. Groups are separated by
// spaces, commas, semicolons or '|'. A closing time 00:00 is midnight (24:00). Days never named
// are closed. nullopt when the text is empty or does not read this way (an overnight range, an
// unknown word), so that nothing is guessed.
std::optional<week_hours> parse_opening_hours(std::string_view text);

// The answer of a search: the operating points in the carrier's order (nearest first), at most
// `limit`. A point whose status is not "Operating" is left out; an empty `items` is an empty list.
// 200 unreadable -> bad_gateway; 400/422 (validation_failed) -> invalid_request with our query
// fields (relative_post_code -> postal_code, relative_point -> latitude, max_distance ->
// radius_m, per_page -> limit); 401/403 -> auth_failed; 429 -> rate_limited (Retry-After);
// 5xx -> unavailable; anything else (a 404 means a wrong base_url) -> bad_gateway.
result<std::vector<carriers::collection_point>> decode_points(
    const carriers::outbound_response& answer, int limit);

// The answer of a lookup: the point, or not_found for 404 resource_not_found and for a point
// that is not operating; other answers as for decode_points.
result<carriers::collection_point> decode_point(std::string_view name,
                                                const carriers::outbound_response& answer);

}  // namespace parcelgate::adapters::inpost
