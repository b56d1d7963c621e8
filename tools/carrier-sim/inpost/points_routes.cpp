// ShipX's points search and lookup over the simulated network (points_routes.hpp).
//   filters: name, type (comma list, any of), functions (comma list, all of), city, post_code,
//            relative_point "lat,lng" or relative_post_code "NN-NNN" with max_distance (metres)
//   sort_by: name (default), distance_to_relative_point, status; sort_order asc|desc
//   per_page (default 25, 1..5000), page (from 1)
// A relative_post_code outside the known areas finds no point (an empty page, as ShipX answers
// a place with no point); malformed parameters are 400 validation_failed naming them.
#include "tools/carrier-sim/inpost/points_routes.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "tools/carrier-sim/inpost/points_data.hpp"

namespace parcelgate::sim::inpost_points {

namespace {

namespace json = boost::json;

constexpr std::string_view kPointsHost = "https://api-shipx-pl.easypack24.net";
constexpr int kDefaultPerPage = 25;
constexpr int kMaxPerPage = 5000;

http::response shipx_error(int status, std::string_view error, std::string_view message,
                           json::object details = {}) {
  return http::response::json(
      status,
      json::serialize(json::object{
          {"status", status}, {"error", error}, {"message", message}, {"details", details}}));
}

http::response invalid(std::string_view parameter) {
  return shipx_error(400, "validation_failed",
                     "There are some validation errors. Check details object for more info.",
                     json::object{{parameter, json::array{"invalid"}}});
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    auto part = s.substr(0, comma);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<double> decimal(std::string_view s) {
  std::string text(s);
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<int> whole(std::string_view s, int low, int high) {
  auto d = decimal(s);
  if (!d || *d != std::floor(*d) || *d < low || *d > high) return std::nullopt;
  return static_cast<int>(*d);
}

double haversine_m(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusM = 6'371'000.0;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

std::vector<std::string_view> types_of(const point& p) {
  if (p.type == "parcel_locker_superpop") return {"parcel_locker_superpop", "pop"};
  return {p.type};
}

std::vector<std::string_view> functions_of(const point& p) {
  if (!p.collect) return {"parcel_send", "standard_courier_send"};
  if (p.type == "pop")
    return {"parcel", "parcel_collect", "parcel_send", "parcel_reverse_return_send"};
  return {"parcel",
          "parcel_collect",
          "parcel_send",
          "parcel_reverse_return_send",
          "standard_courier_send",
          "allegro_parcel_collect"};
}

json::array strings(const std::vector<std::string_view>& list) {
  json::array out;
  for (auto s : list) out.emplace_back(json::string(s));
  return out;
}

json::value nullable(std::string_view s) {
  return s.empty() ? json::value(nullptr) : json::value(json::string(s));
}

// A point as ShipX shows it; `distance` in metres, or null when no relative place was given.
json::object render(const point& p, std::optional<int> distance) {
  std::string line1 = std::string(p.street) + " " + std::string(p.building_number);
  if (!p.flat_number.empty()) line1 += "/" + std::string(p.flat_number);
  json::object o;
  o["href"] = std::string(kPointsHost) + "/v1/points/" + std::string(p.name);
  o["name"] = p.name;
  o["type"] = strings(types_of(p));
  o["status"] = p.status;
  o["location"] = json::object{{"longitude", p.longitude}, {"latitude", p.latitude}};
  o["location_type"] = p.location_type;
  o["location_date"] = nullptr;
  o["location_description"] = p.location_description;
  o["location_description_1"] = nullptr;
  o["location_description_2"] = nullptr;
  o["distance"] = distance ? json::value(*distance) : json::value(nullptr);
  o["opening_hours"] = p.opening_hours;
  o["address"] = json::object{{"line1", line1},
                              {"line2", std::string(p.post_code) + " " + std::string(p.city)}};
  o["address_details"] = json::object{{"city", p.city},
                                      {"province", p.province},
                                      {"post_code", p.post_code},
                                      {"street", p.street},
                                      {"building_number", p.building_number},
                                      {"flat_number", nullable(p.flat_number)}};
  o["phone_number"] = nullptr;
  o["payment_point_descr"] = "Płatność apką InPost oraz PayByLink";
  o["functions"] = strings(functions_of(p));
  o["partner_id"] = p.type == "pop" ? 31 : 0;
  o["is_next"] = false;
  o["payment_available"] = p.type != "pop";
  o["payment_type"] = json::object{{"0", "Payments are not supported"}};
  o["virtual"] = "0";
  o["recommended_low_interest_box_machines_list"] = nullptr;
  o["apm_doubled"] = nullptr;
  o["location_247"] = p.location_247;
  o["operating_hours_extended"] = json::object{{"customer", nullptr}};
  o["agency"] = p.city == "Warszawa" ? "WA1" : "KR1";
  o["image_url"] = "https://static.easypack24.net/points/pl/images/" + std::string(p.name) + ".jpg";
  o["easy_access_zone"] = p.easy_access_zone;
  o["air_index_level"] = nullptr;
  o["physical_type_mapped"] = p.type == "pop" ? "000" : "003";
  o["physical_type_description"] = nullptr;
  return o;
}

json::object envelope(json::array items, std::size_t count, int page, int per_page) {
  const auto pages = std::max<std::size_t>(
      1, (count + static_cast<std::size_t>(per_page) - 1) / static_cast<std::size_t>(per_page));
  return json::object{{"href", std::string(kPointsHost) + "/v1/points"},
                      {"count", count},
                      {"page", page},
                      {"per_page", per_page},
                      {"total_pages", pages},
                      {"items", std::move(items)}};
}

bool any_in(const std::vector<std::string_view>& have, const std::vector<std::string_view>& want) {
  return std::any_of(want.begin(), want.end(), [&have](std::string_view w) {
    return std::find(have.begin(), have.end(), w) != have.end();
  });
}

bool all_in(const std::vector<std::string_view>& have, const std::vector<std::string_view>& want) {
  return std::all_of(want.begin(), want.end(), [&have](std::string_view w) {
    return std::find(have.begin(), have.end(), w) != have.end();
  });
}

}  // namespace

http::response search(const http::request& r) {
  std::optional<centre> from;
  bool has = false;
  const std::string relative_point = r.query_param("relative_point", &has);
  if (has) {
    auto comma = relative_point.find(',');
    auto lat = comma == std::string::npos
                   ? std::nullopt
                   : decimal(std::string_view(relative_point).substr(0, comma));
    auto lon = comma == std::string::npos
                   ? std::nullopt
                   : decimal(std::string_view(relative_point).substr(comma + 1));
    if (!lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180)
      return invalid("relative_point");
    from = centre{.latitude = *lat, .longitude = *lon};
  }
  const std::string post_code = r.query_param("relative_post_code", &has);
  bool unknown_place = false;
  if (has && !from) {
    const bool shaped = post_code.size() == 6 && post_code[2] == '-' &&
                        std::all_of(post_code.begin(), post_code.end(),
                                    [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
    if (!shaped) return invalid("relative_post_code");
    from = centre_of(post_code);
    unknown_place = !from;
  }
  std::optional<int> max_distance;
  if (const std::string m = r.query_param("max_distance", &has); has) {
    max_distance = whole(m, 0, 1'000'000);
    if (!max_distance) return invalid("max_distance");
  }
  int per_page = kDefaultPerPage, page = 1;
  if (const std::string p = r.query_param("per_page", &has); has) {
    auto n = whole(p, 1, kMaxPerPage);
    if (!n) return invalid("per_page");
    per_page = *n;
  }
  if (const std::string p = r.query_param("page", &has); has) {
    auto n = whole(p, 1, 1'000'000);
    if (!n) return invalid("page");
    page = *n;
  }
  const std::string sort_by = r.query_param("sort_by");
  if (!sort_by.empty() && sort_by != "name" && sort_by != "distance_to_relative_point" &&
      sort_by != "status")
    return invalid("sort_by");
  const bool descending = r.query_param("sort_order") == "desc";
  const std::string type_text = r.query_param("type"), function_text = r.query_param("functions");
  const auto types = split(type_text), functions = split(function_text);
  const std::string name = r.query_param("name"), city = r.query_param("city"),
                    code = r.query_param("post_code");

  struct found {
    const point* p;
    std::optional<int> distance;
  };
  std::vector<found> hits;
  if (!unknown_place) {
    for (const auto& p : all()) {
      if (!name.empty() && p.name != name) continue;
      if (!types.empty() && !any_in(types_of(p), types)) continue;
      if (!functions.empty() && !all_in(functions_of(p), functions)) continue;
      if (!city.empty() && p.city != city) continue;
      if (!code.empty() && p.post_code != code) continue;
      std::optional<int> distance;
      if (from) {
        distance = static_cast<int>(
            std::lround(haversine_m(from->latitude, from->longitude, p.latitude, p.longitude)));
        if (max_distance && *distance > *max_distance) continue;
      }
      hits.push_back({.p = &p, .distance = distance});
    }
  }
  const auto key_less = [&](const found& a, const found& b) {
    if (sort_by == "distance_to_relative_point" && a.distance && b.distance &&
        *a.distance != *b.distance)
      return *a.distance < *b.distance;
    if (sort_by == "status" && a.p->status != b.p->status) return a.p->status < b.p->status;
    return a.p->name < b.p->name;
  };
  std::sort(hits.begin(), hits.end(), key_less);
  if (descending) std::reverse(hits.begin(), hits.end());

  json::array items;
  const auto first = static_cast<std::size_t>(page - 1) * static_cast<std::size_t>(per_page);
  for (std::size_t i = first; i < hits.size() && i < first + static_cast<std::size_t>(per_page);
       ++i)
    items.push_back(render(*hits[i].p, hits[i].distance));
  return http::response::json(
      200, json::serialize(envelope(std::move(items), hits.size(), page, per_page)));
}

http::response lookup(std::string_view name) {
  const point* p = find(name);
  if (!p) return shipx_error(404, "resource_not_found", "Resource not found.");
  return http::response::json(200, json::serialize(render(*p, std::nullopt)));
}

}  // namespace parcelgate::sim::inpost_points
