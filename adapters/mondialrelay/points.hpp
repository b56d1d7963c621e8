#pragma once
// Mondial Relay collection points through WSI4_PointRelais_Recherche (same WSI SOAP endpoint as
// labels and tracing): the request for a search near a place or for one point by its number, and
// the mapping of the service's answer (space-padded strings, decimal commas, four-string opening
// hours per day) to the adapter contract's collection_point.
//
// Pure functions of their arguments: no I/O, no clock, thread-safe. Raw SOAP parsing (faults,
// STAT, PointRelais_Details) is parse_point_search_response in wire.hpp.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/mondialrelay/wire.hpp"
#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapters::mondialrelay {

inline constexpr std::string_view kPointsOperation = "WSI4_PointRelais_Recherche";

// Parameters of WSI4_PointRelais_Recherche in WSDL order. Security is the MD5 of every other
// value in this order plus the private key (NACE and NombreResultats included).
inline constexpr std::array<std::string_view, 16> kPointsParams = {
    "Enseigne",     "Pays",   "NumPointRelais",  "Ville",   "CP",         "Latitude",
    "Longitude",    "Taille", "Poids",           "Action",  "DelaiEnvoi", "RayonRecherche",
    "TypeActivite", "NACE",   "NombreResultats", "Security"};

// The service answers at most 30 points per search.
inline constexpr int kMaxPointResults = 30;
// Action of a search: the points that take 24R deliveries, the mode this adapter buys for both
// pickup_point and locker shipments (lockers are points of the same network), so that every point
// found can be used as the shipment's pickup_point_id.
inline constexpr std::string_view kPointsAction = "24R";
// RayonRecherche takes whole kilometres, 1 to 4 digits.
inline constexpr int kMaxRadiusKm = 9'999;

// A point query is read-only: three exchanges, 200 ms then 1 s apart, until an HTTP 200 (as for
// tracing).
carriers::retry_policy points_retry_policy();

// Latitude/Longitude as the WSI regexes take them: a dot and 7 decimals ("48.8590000",
// "-1.1500341").
std::string wsi_coordinate(double degrees);

// The service's Num for a point id: 1 to 6 digits zero-padded to 6 ("20230" -> "020230");
// nullopt for anything else (the id cannot name a Mondial Relay point).
std::optional<std::string> point_number(std::string_view native_id);

// The parameter list (Security included) of a search near `query`'s place: Pays, CP (the
// country's postcode form) or else Ville, Latitude/Longitude when given, Poids in grams when
// weight_g > 0, Action 24R, DelaiEnvoi 0, RayonRecherche = radius_m rounded up to whole km
// (1..9999), NombreResultats = limit capped to 1..30. Fails with invalid_request on field
// "postal_code" when the postcode cannot be one of the country's, "city" when neither a postcode
// nor coordinates nor a city is given, "latitude"/"longitude" when out of range.
result<param_list> build_point_search_params(const carriers::point_query& query,
                                             const account& acct);

// The parameter list (Security included) of the lookup of point `number` (6 digits) in `country`:
// Pays and NumPointRelais, NombreResultats 1, everything else empty.
param_list build_point_lookup_params(std::string_view country, std::string_view number,
                                     const account& acct);

// POST {base_url}/Web_Services.asmx with the WSI4_PointRelais_Recherche envelope of `params`,
// idempotent, retried as points_retry_policy says; `operation` is the metrics label
// ("find_points" or "find_point").
carriers::outbound_request build_points_request(std::string_view base_url, const param_list& params,
                                                std::string_view operation);

// "45,7728450" or "45.7728450" -> 45.772845; nullopt for anything that is not a plain decimal.
std::optional<double> parse_wsi_decimal(std::string_view text);

// One day's Horaires strings as intervals: consecutive pairs (opens, closes) in HHMM; a pair
// "0000"/"0000" is no interval (a day of only such pairs is closed); a closing "0000" after a
// real opening is midnight ("24:00"); a pair covering 0000/0001 to 2359/2400 is the whole day
// "00:00"-"24:00" (how lockers are published). nullopt when a value is not 4 digits of a valid
// time, a pair is incomplete, or a pair closes before it opens.
std::optional<std::vector<carriers::opening_interval>> day_hours(
    const std::vector<std::string>& strings);

// One point of an answer, normalized: id "mondialrelay:<Pays>:<Num>" (`country` when the point
// names none), name = LgAdr1 + " " + LgAdr2, line1/line2 = LgAdr3/LgAdr4, locker when Information
// is "LOCKER" (else shop: the network has no post offices), coordinates with a dot, Distance in
// metres (-1 when absent), description = Localisation1 + " " + Localisation2. Fails with
// bad_gateway when Num, the coordinates, the distance or the hours cannot be read.
result<carriers::collection_point> to_collection_point(const relay_point_details& details,
                                                       std::string_view country);

// What a non-zero STAT of a point request means. nullopt: "no point there" (an empty list;
// 24/70 unknown point number, 93 nothing in the sorting plan for that place). Otherwise the
// error: 9/35 city, 36 postal_code, 37 country, 67 latitude, 68 longitude, 20 weight_g
// (invalid_request with those fields), 1/2/3/8/69/95/96/97 auth_failed, 22/40/49/71/74 internal
// (a value this adapter builds), 99 unavailable, 98 and undocumented codes bad_gateway.
std::optional<error> point_search_error(int stat);

// An answer to a search as points: parse_point_search_response, STAT mapping, then the points in
// the service's order without those farther than query.radius_m (RayonRecherche is rounded up to
// whole km) and at most query.limit of them.
result<std::vector<carriers::collection_point>> decode_point_search(
    int http_status, std::string_view body, const carriers::point_query& query);

// An answer to the lookup of point `number` in `country`: that point, or not_found when the
// service lists no point with that number.
result<carriers::collection_point> decode_point_lookup(int http_status, std::string_view body,
                                                       std::string_view country,
                                                       std::string_view number);

}  // namespace parcelgate::adapters::mondialrelay
