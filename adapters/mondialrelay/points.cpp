// WSI4_PointRelais_Recherche <-> collection points (see points.hpp).
#include "adapters/mondialrelay/points.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace parcelgate::adapters::mondialrelay {

namespace {

using namespace std::chrono_literals;

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

error point_error(error_kind kind, std::string message, std::string code = {},
                  std::string text = {}) {
  return error{.kind = kind,
               .message = std::move(message),
               .fields = {},
               .carrier = std::string(kCarrierId),
               .carrier_code = std::move(code),
               .carrier_message = std::move(text)};
}

error query_error(std::string field, std::string message) {
  error e = point_error(error_kind::invalid_request, message);
  e.fields.push_back(field_error{.field = std::move(field), .message = std::move(message)});
  return e;
}

std::string joined(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + " " + b;
}

// "0930" -> minutes since midnight (24:00 allowed); nullopt for anything else.
std::optional<int> hhmm(std::string_view s) {
  if (s.size() != 4 || !all_digits(s)) return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[2] - '0') * 10 + (s[3] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::string clock_text(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

struct stat_meaning {
  int stat;
  error_kind kind;
  std::string_view field;  // our query parameter; empty = not the caller's input
  std::string_view meaning;
};

constexpr stat_meaning kPointStats[] = {
    {1, error_kind::auth_failed, "", "invalid brand (Enseigne)"},
    {2, error_kind::auth_failed, "", "brand number empty or unknown"},
    {3, error_kind::auth_failed, "", "invalid brand account number"},
    {8, error_kind::auth_failed, "", "invalid password or hash"},
    {9, error_kind::invalid_request, "city", "city unknown or not unique"},
    {20, error_kind::invalid_request, "weight_g", "invalid parcel weight"},
    {22, error_kind::internal, "", "invalid parcel size (Taille)"},
    {35, error_kind::invalid_request, "city", "invalid city"},
    {36, error_kind::invalid_request, "postal_code", "invalid postcode"},
    {37, error_kind::invalid_request, "country", "invalid country"},
    {40, error_kind::internal, "", "missing mandatory parameters"},
    {49, error_kind::internal, "", "invalid action"},
    {67, error_kind::invalid_request, "latitude", "invalid latitude"},
    {68, error_kind::invalid_request, "longitude", "invalid longitude"},
    {69, error_kind::auth_failed, "", "invalid brand code"},
    {71, error_kind::internal, "", "invalid point-of-sale type (NACE)"},
    {74, error_kind::internal, "", "invalid language"},
    {95, error_kind::auth_failed, "", "brand account not activated"},
    {96, error_kind::auth_failed, "", "wrong brand type"},
    {97, error_kind::auth_failed, "", "invalid security key (check enseigne and private_key)"},
    // 98 masks a parameter error on production accounts: deterministic, so not worth a retry.
    {98, error_kind::bad_gateway, "", "generic error masking a parameter error"},
    {99, error_kind::unavailable, "", "generic technical error of the service"},
};

}  // namespace

carriers::retry_policy points_retry_policy() {
  return carriers::retry_policy{.attempts = 3,
                                .backoff = {200ms, 1000ms},
                                .expect_status = 200,
                                .expect_body_prefix = {},
                                .retry_transport_failures = true};
}

std::string wsi_coordinate(double degrees) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7f", degrees);
  std::string out = buf;
  if (out == "-0.0000000") out.erase(0, 1);
  return out;
}

std::optional<std::string> point_number(std::string_view native_id) {
  if (native_id.empty() || native_id.size() > 6 || !all_digits(native_id)) return std::nullopt;
  return std::string(6 - native_id.size(), '0') + std::string(native_id);
}

result<param_list> build_point_search_params(const carriers::point_query& query,
                                             const account& acct) {
  std::string country;
  for (char c : query.country)
    country.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  std::string cp, city, latitude, longitude, weight, radius;
  if (!query.postal_code.empty()) {
    auto normalized = normalize_postcode(country, query.postal_code);
    if (!normalized) return fail(query_error("postal_code", "not a postal code of " + country));
    cp = std::move(*normalized);
  } else {
    // Ville only without a postcode: with both, a spelling the service does not know makes it
    // refuse a search the postcode alone answers (STAT 9).
    city = to_mr_text(query.city, text_class::city, 25);
  }
  if (query.latitude.has_value() != query.longitude.has_value())
    return fail(query_error(query.latitude ? "longitude" : "latitude",
                            "latitude and longitude go together"));
  if (query.latitude) {
    if (!std::isfinite(*query.latitude) || std::abs(*query.latitude) > 90)
      return fail(query_error("latitude", "must be between -90 and 90"));
    if (!std::isfinite(*query.longitude) || std::abs(*query.longitude) > 180)
      return fail(query_error("longitude", "must be between -180 and 180"));
    latitude = wsi_coordinate(*query.latitude);
    longitude = wsi_coordinate(*query.longitude);
  }
  if (cp.empty() && city.size() < 2 && latitude.empty())
    return fail(query_error("postal_code", "a postal code, a city or coordinates are needed"));
  if (query.weight_g > 999'999)
    return fail(query_error("weight_g", "Mondial Relay points take parcels up to 30 kg"));
  if (query.weight_g > 0) weight = std::to_string(query.weight_g);
  if (query.radius_m > 0)
    radius = std::to_string(std::min((query.radius_m + 999) / 1000, kMaxRadiusKm));
  const int count = std::clamp(query.limit, 1, kMaxPointResults);

  param_list params = {{"Enseigne", acct.enseigne},
                       {"Pays", country},
                       {"NumPointRelais", ""},
                       {"Ville", city},
                       {"CP", cp},
                       {"Latitude", latitude},
                       {"Longitude", longitude},
                       {"Taille", ""},
                       {"Poids", weight},
                       {"Action", std::string(kPointsAction)},
                       {"DelaiEnvoi", "0"},
                       {"RayonRecherche", radius},
                       {"TypeActivite", ""},
                       {"NACE", ""},
                       {"NombreResultats", std::to_string(count)}};
  params.push_back({"Security", security_for(params, acct.private_key)});
  return params;
}

param_list build_point_lookup_params(std::string_view country, std::string_view number,
                                     const account& acct) {
  param_list params;
  for (auto name : kPointsParams) {
    if (name == "Security") continue;
    std::string value;
    if (name == "Enseigne") value = acct.enseigne;
    if (name == "Pays") value = std::string(country);
    if (name == "NumPointRelais") value = std::string(number);
    // NombreResultats is an xsd:int: an empty element is a SOAP fault, so it is always sent.
    if (name == "NombreResultats") value = "1";
    params.push_back({std::string(name), std::move(value)});
  }
  params.push_back({"Security", security_for(params, acct.private_key)});
  return params;
}

carriers::outbound_request build_points_request(std::string_view base_url, const param_list& params,
                                                std::string_view operation) {
  carriers::outbound_request out;
  out.method = "POST";
  out.url = std::string(base_url) + std::string(kSoapPath);
  out.headers = {{.name = "Content-Type", .value = "text/xml; charset=utf-8"},
                 {.name = "SOAPAction", .value = soap_action(kPointsOperation)}};
  out.body = build_envelope(kPointsOperation, params);
  out.idempotent = true;
  out.operation = std::string(operation);
  out.retry = points_retry_policy();
  return out;
}

std::optional<double> parse_wsi_decimal(std::string_view text) {
  std::string s(text);
  std::replace(s.begin(), s.end(), ',', '.');
  if (s.empty() || s.find_first_not_of("+-0123456789.") != std::string::npos) return std::nullopt;
  if (s.front() == '+') s.erase(0, 1);
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<std::vector<carriers::opening_interval>> day_hours(
    const std::vector<std::string>& strings) {
  if (strings.size() % 2 != 0) return std::nullopt;
  std::vector<carriers::opening_interval> out;
  for (std::size_t i = 0; i < strings.size(); i += 2) {
    auto opens = hhmm(strings[i]), closes = hhmm(strings[i + 1]);
    if (!opens || !closes) return std::nullopt;
    if (*opens == 0 && *closes == 0) continue;  // "0000" "0000": no interval
    // Lockers are published 0001-2359: open all day.
    if (*opens <= 1 && *closes >= 23 * 60 + 59) {
      opens = 0;
      closes = 24 * 60;
    }
    if (*closes == 0) closes = 24 * 60;  // closes at midnight
    if (*closes <= *opens) return std::nullopt;
    carriers::opening_interval interval{clock_text(*opens), clock_text(*closes)};
    if (!out.empty() && out.back() == interval) continue;
    out.push_back(std::move(interval));
  }
  return out;
}

result<carriers::collection_point> to_collection_point(const relay_point_details& details,
                                                       std::string_view country) {
  auto unreadable = [&details](std::string what, std::string value) {
    return fail(point_error(error_kind::bad_gateway,
                            "Mondial Relay answered a point whose " + what + " cannot be read",
                            "point " + details.num, std::move(value)));
  };
  auto number = point_number(details.num);
  if (!number) return unreadable("number", details.num);
  auto latitude = parse_wsi_decimal(details.latitude);
  auto longitude = parse_wsi_decimal(details.longitude);
  if (!latitude || !longitude || std::abs(*latitude) > 90 || std::abs(*longitude) > 180)
    return unreadable("coordinates", details.latitude + " " + details.longitude);
  int distance = -1;
  if (!details.distance.empty()) {
    auto [end, ec] = std::from_chars(details.distance.data(),
                                     details.distance.data() + details.distance.size(), distance);
    if (ec != std::errc{} || end != details.distance.data() + details.distance.size() ||
        distance < 0)
      return unreadable("distance", details.distance);
  }

  carriers::collection_point p;
  p.country = details.country.empty() ? std::string(country) : details.country;
  p.native_id = *number;
  p.id = std::string(kCarrierId) + ":" + p.country + ":" + p.native_id;
  p.name = joined(details.name1, details.name2);
  std::string info = to_mr_text(details.information, text_class::dossier, 40);
  p.type = info == "LOCKER" ? carriers::point_type::locker : carriers::point_type::shop;
  p.line1 = details.line3;
  p.line2 = details.line4;
  p.postal_code = details.postcode;
  p.city = details.city;
  p.latitude = *latitude;
  p.longitude = *longitude;
  p.distance_m = distance;
  for (std::size_t day = 0; day < details.hours.size(); ++day) {
    auto hours = day_hours(details.hours[day]);
    if (!hours) {
      std::string raw;
      for (const auto& s : details.hours[day]) raw += (raw.empty() ? "" : " ") + s;
      return unreadable("opening hours", "day " + std::to_string(day + 1) + ": " + raw);
    }
    p.opening_hours[day] = std::move(*hours);
  }
  p.description = joined(details.location1, details.location2);
  return p;
}

std::optional<error> point_search_error(int stat) {
  if (stat == 24 || stat == 70 || stat == 93) return std::nullopt;
  const std::string code = "STAT " + std::to_string(stat);
  auto it = std::find_if(std::begin(kPointStats), std::end(kPointStats),
                         [stat](const stat_meaning& m) { return m.stat == stat; });
  if (it == std::end(kPointStats))
    return point_error(error_kind::bad_gateway,
                       "Mondial Relay answered an undocumented STAT " + std::to_string(stat), code,
                       "undocumented code");
  std::string text = std::string(it->meaning) + " (" + code + ")";
  error e = point_error(it->kind, "Mondial Relay: " + text, code, std::string(it->meaning));
  if (!it->field.empty())
    e.fields.push_back(field_error{.field = std::string(it->field), .message = text});
  return e;
}

result<std::vector<carriers::collection_point>> decode_point_search(
    int http_status, std::string_view body, const carriers::point_query& query) {
  auto parsed = parse_point_search_response(http_status, body);
  if (!parsed) return fail(std::move(parsed.error()));
  std::vector<carriers::collection_point> out;
  if (parsed->stat != 0) {
    if (auto e = point_search_error(parsed->stat)) return fail(std::move(*e));
    return out;  // no point there
  }
  const std::size_t limit = static_cast<std::size_t>(std::clamp(query.limit, 1, kMaxPointResults));
  for (const auto& details : parsed->points) {
    auto point = to_collection_point(details, query.country);
    if (!point) return fail(std::move(point.error()));
    // RayonRecherche is whole km: drop what lies between radius_m and the next kilometre.
    if (query.radius_m > 0 && point->distance_m > query.radius_m) continue;
    out.push_back(std::move(*point));
    if (out.size() == limit) break;
  }
  return out;
}

result<carriers::collection_point> decode_point_lookup(int http_status, std::string_view body,
                                                       std::string_view country,
                                                       std::string_view number) {
  auto parsed = parse_point_search_response(http_status, body);
  if (!parsed) return fail(std::move(parsed.error()));
  if (parsed->stat != 0) {
    if (auto e = point_search_error(parsed->stat)) return fail(std::move(*e));
  } else {
    for (const auto& details : parsed->points)
      if (point_number(details.num) == number &&
          (details.country.empty() || details.country == country))
        return to_collection_point(details, country);
  }
  return fail(point_error(
      error_kind::not_found,
      "Mondial Relay has no point " + std::string(number) + " in " + std::string(country),
      parsed->stat == 0 ? std::string{} : "STAT " + std::to_string(parsed->stat)));
}

}  // namespace parcelgate::adapters::mondialrelay
