#pragma once
// Colissimo point retrait codec (SOAP 1.1, Apache CXF, namespace
// http://v2.pointretrait.geopost.com/): pure functions that build the
// findRDVPointRetraitAcheminement (search) and findPointRetraitAcheminementByID (one point)
// requests and read their answers into collection points. No I/O, no clock, no global state: every
// function is thread-safe.
//
// Wire facts (public sources listed in adapters/colissimo/README.md, "Collection points"):
//   - POST to points_url, Content-Type text/xml; credentials as accountNumber/password;
//   - search fields: zipCode, city, countryCode, weight (grams, 1..99999, optional),
//     shippingDate (dd/mm/yyyy), filterRelay ("1" every type, "0" post offices only), lang,
//     optionInter ("1" outside France);
//   - by-id fields: id (6 digits), date (dd/mm/yyyy), filterRelay, langue;
//   - answers: <return> with errorCode (0 ok; 300/301/203 no point; 101/102/201/202 account;
//     104-146 input; 1000 technical), errorMessage, then listePointRetraitAcheminement[] (search)
//     or pointRetraitAcheminement (by id);
//   - horairesOuverture<Day>: "HH:MM-HH:MM HH:MM-HH:MM", "00:00-00:00" for an unused slot;
//   - poidsMaxi in kilograms; coordinates as decimal strings.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/colissimo/wire.hpp"
#include "gateway/carriers/adapter.hpp"
#include "gateway/domain/error.hpp"

namespace parcelgate::adapters::colissimo {

inline constexpr std::string_view kDefaultPointsUrl =
    "https://ws.colissimo.fr/pointretrait-ws-cxf/PointRetraitServiceWS/2.0";
inline constexpr std::string_view kPointsNamespace = "http://v2.pointretrait.geopost.com/";
// Above this weight relay shops and lockers refuse the parcel: the search asks for post offices
// only (filterRelay 0), as La Poste's own plugins do.
inline constexpr int kRelayMaxWeightG = 20'000;
// The service's weight field holds 1 to 99999 grams (error 121 outside).
inline constexpr int kMaxSearchWeightG = 99'999;

// What a search sends once the adapter has settled the date.
struct points_search {
  std::string zip_code;
  std::string city;
  std::string country;        // ISO alpha-2, upper case
  int weight_g = 0;           // 0: the field is left out (any weight)
  std::string shipping_date;  // dd/mm/yyyy
  std::string lang = "FR";
};

// "2026-08-24" -> "24/08/2026"; nullopt when `iso` is not a valid YYYY-MM-DD date.
std::optional<std::string> wire_date(std::string_view iso);

// Checks a query against what the service takes and turns it into a search. `today_iso` is
// France's date (YYYY-MM-DD), used when the query has no shipping_date. Errors: invalid_request
// with fields named after OUR query parameters ("postal_code", "city", "country", "weight_g",
// "shipping_date"); Colissimo searches by postal code and city only, so coordinates alone are
// not enough.
result<points_search> make_points_search(const carriers::point_query& query,
                                         std::string_view today_iso);

// The findRDVPointRetraitAcheminement SOAP envelope.
std::string build_find_points_request(const points_search& search, const account& acct);
// The findPointRetraitAcheminementByID SOAP envelope; `date` is dd/mm/yyyy.
std::string build_find_point_request(std::string_view native_id, std::string_view date,
                                     const account& acct);

// The outbound request around a body: POST to `points_url`, SOAP 1.1 headers, idempotent,
// retried a few times with short backoff. `operation` is "find_points" or "find_point".
carriers::outbound_request points_request(std::string_view points_url, std::string body,
                                          std::string operation);

// One horairesOuverture<Day> value -> intervals, earliest first. "00:00-00:00" slots and
// unreadable tokens are dropped (an all-closed day is empty); "H:MM" is padded; a slot closing at
// 23:59 or at 00:00 after opening closes at "24:00" (a locker open all day is 00:00-24:00);
// touching or overlapping slots are merged.
std::vector<carriers::opening_interval> parse_opening_day(std::string_view horaires);

// typeDePoint -> our type: A2P/CMT relay shops; BPR/CDI/ACP/BDP post offices; PCS/CIT lockers;
// anything else a shop.
carriers::point_type map_point_type(std::string_view type_de_point) noexcept;

// The errorCode of an answer as an error for a search (`by_id` false) or a by-id lookup. Only
// for codes that are neither 0 nor "no point" (see points_empty_code).
error points_error(int error_code, std::string_view error_message, bool by_id);
// True for the codes that mean "no point here" (300, 301, 203): an empty list, not an error.
bool points_empty_code(int error_code) noexcept;

// Reads a search answer. Points keep the service's order (nearest first); at most `limit` are
// kept (0: all). Errors: auth_failed (account refused), invalid_request (input refused, with
// fields), unavailable (HTTP 5xx without SOAP, errorCode 1000), rate_limited (429), bad_gateway
// (SOAP fault, body that is not XML or has no errorCode, other statuses).
result<std::vector<carriers::collection_point>> parse_find_points_response(
    const carriers::outbound_response& response, int limit = 0);

// Reads a by-id answer. A point absent from the answer, a "no point"/bad id code, or a point of
// another country than `country` -> not_found; other errors as parse_find_points_response.
result<carriers::collection_point> parse_find_point_response(
    const carriers::outbound_response& response, std::string_view country,
    std::string_view native_id);

// True for an id the service can know: 6 digits.
bool valid_point_id(std::string_view native_id) noexcept;

}  // namespace parcelgate::adapters::colissimo
