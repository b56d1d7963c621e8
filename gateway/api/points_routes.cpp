// GET /v1/points and GET /v1/points/{point_id}: collection points of every network in one list
// (DESIGN §4, docs/points.md). Query checks live here; the fan-out, cache and merge in
// gateway/domain/points_finder.*.

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

#include "gateway/api/gateway_api.hpp"
#include "gateway/api/problems.hpp"
#include "gateway/api/route_support.hpp"
#include "gateway/carriers/registry.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/points_finder.hpp"

namespace parcelgate::api {

namespace {

namespace json = boost::json;
using task_response = boost::asio::awaitable<http::response>;
using carriers::collection_point;

constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

json::object point_json(const collection_point& p, std::string_view carrier) {
  json::object hours;
  for (std::size_t d = 0; d < 7; ++d) {
    json::array day;
    for (const auto& i : p.opening_hours[d])
      day.push_back(json::array{json::string(i.opens), json::string(i.closes)});
    hours[kDays[d]] = std::move(day);
  }
  auto text_or_null = [](const std::string& s) -> json::value {
    if (s.empty()) return nullptr;
    return json::string(s);
  };
  json::object o;
  o["id"] = p.id;
  o["carrier"] = carrier;
  o["name"] = p.name;
  o["type"] = to_string(p.type);
  o["address"] = json::object{{"line1", p.line1},
                              {"line2", text_or_null(p.line2)},
                              {"postal_code", p.postal_code},
                              {"city", p.city},
                              {"country", p.country}};
  o["location"] = json::object{{"lat", p.latitude}, {"lon", p.longitude}};
  if (p.distance_m >= 0)
    o["distance_m"] = p.distance_m;
  else
    o["distance_m"] = nullptr;
  o["opening_hours"] = std::move(hours);
  if (p.max_weight_g > 0)
    o["max_weight_g"] = p.max_weight_g;
  else
    o["max_weight_g"] = nullptr;
  o["wheelchair_access"] = p.wheelchair_access;
  o["description"] = text_or_null(p.description);
  return o;
}

std::string_view carrier_of(const collection_point& p) {
  return std::string_view(p.id).substr(0, p.id.find(':'));
}

bool is_decimal(std::string_view s, double& out) {
  if (s.empty() || s.size() > 24) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

bool is_integer(std::string_view s, int lo, int hi, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size() && out >= lo && out <= hi;
}

// Postal codes as the networks take them: letters, digits, one space or dash inside.
bool valid_postal_code(std::string_view s) {
  if (s.empty() || s.size() > 10) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ' && c != '-') return false;
  return std::isalnum(static_cast<unsigned char>(s.front())) &&
         std::isalnum(static_cast<unsigned char>(s.back()));
}

bool valid_city(std::string_view s) {
  if (s.size() > 64) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return false;
  return true;
}

std::vector<std::string_view> split_list(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    out.push_back(s.substr(0, comma));
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

task_response search_points(context& ctx, api_deps& deps) {
  std::vector<field_error> errors;
  static constexpr std::string_view kAllowed[] = {"country", "postal_code", "city",    "lat",
                                                  "lon",     "radius_km",   "carrier", "type",
                                                  "open_at", "limit",       "weight_g"};
  reject_unknown_query(ctx.request, kAllowed, errors);
  const auto& r = ctx.request;
  points_request req;
  auto& q = req.where;

  q.country = r.query_param("country");
  for (auto& c : q.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (q.country.size() != 2 || !std::isalpha(static_cast<unsigned char>(q.country[0])) ||
      !std::isalpha(static_cast<unsigned char>(q.country[1])))
    errors.push_back({"country", "required: an ISO 3166-1 alpha-2 country code, e.g. FR"});

  bool has_postal = false;
  q.postal_code = r.query_param("postal_code", &has_postal);
  if (has_postal && !valid_postal_code(q.postal_code))
    errors.push_back({"postal_code", "must be a postal code: 1-10 letters or digits, e.g. 69100"});
  q.city = r.query_param("city");
  if (!valid_city(q.city)) errors.push_back({"city", "must be at most 64 printable characters"});

  bool has_lat = false, has_lon = false;
  const auto lat_text = r.query_param("lat", &has_lat);
  const auto lon_text = r.query_param("lon", &has_lon);
  double lat = 0, lon = 0;
  if (has_lat && (!is_decimal(lat_text, lat) || lat < -90 || lat > 90))
    errors.push_back({"lat", "must be a latitude in degrees, from -90 to 90"});
  if (has_lon && (!is_decimal(lon_text, lon) || lon < -180 || lon > 180))
    errors.push_back({"lon", "must be a longitude in degrees, from -180 to 180"});
  if (has_lat != has_lon) errors.push_back({has_lat ? "lon" : "lat", "lat and lon go together"});
  if (has_lat && has_lon) {
    q.latitude = lat;
    q.longitude = lon;
  }
  if (!has_postal && !(has_lat && has_lon))
    errors.push_back({"postal_code", "required unless lat and lon are given"});

  bool given = false;
  const auto radius = r.query_param("radius_km", &given);
  double radius_km = 10;
  if (given && (!is_decimal(radius, radius_km) || radius_km < 0.1 || radius_km > 50))
    errors.push_back({"radius_km", "must be a number of kilometres from 0.1 to 50"});
  q.radius_m = static_cast<int>(std::lround(radius_km * 1000));

  const auto limit = r.query_param("limit", &given);
  if (given && !is_integer(limit, 1, 50, req.limit))
    errors.push_back({"limit", "must be an integer from 1 to 50"});
  const auto weight = r.query_param("weight_g", &given);
  if (given && !is_integer(weight, 1, 150'000, q.weight_g))
    errors.push_back({"weight_g", "must be an integer number of grams from 1 to 150000"});

  const auto types = r.query_param("type", &given);
  if (given)
    for (auto t : split_list(types)) {
      if (auto parsed = carriers::parse_point_type(t))
        req.types.push_back(*parsed);
      else
        errors.push_back({"type", "unknown type '" + std::string(t) +
                                      "'; one or more of shop, locker, post_office"});
    }

  const auto open_at = r.query_param("open_at", &given);
  if (given) {
    if (auto t = parse_rfc3339(open_at))
      req.open_at = *t;
    else
      errors.push_back(
          {"open_at", "must be an RFC 3339 date-time, e.g. 2026-12-05T18:30:00+01:00"});
  }

  const auto& networks = deps.points->networks();
  const auto wanted = r.query_param("carrier", &given);
  if (given) {
    for (auto c : split_list(wanted)) {
      if (std::find(networks.begin(), networks.end(), c) == networks.end())
        errors.push_back(
            {"carrier", "'" + std::string(c) +
                            "' does not search points here; networks that do: " + join(networks)});
      else if (std::find(req.networks.begin(), req.networks.end(), c) == req.networks.end())
        req.networks.emplace_back(c);
    }
  } else {
    req.networks = networks;
  }
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));
  if (req.networks.empty())
    co_return problem(ctx, 422, "unsupported", "Unsupported",
                      "no configured carrier searches collection points");

  q.shipping_date = std::string();  // each adapter takes its carrier's own "today"
  // The canonical query: what the answer depends on, once validated.
  std::string canonical =
      q.country + "|" + q.postal_code + "|" + q.city + "|" +
      (q.latitude ? std::to_string(*q.latitude) + "," + std::to_string(*q.longitude)
                  : std::string()) +
      "|" + std::to_string(q.radius_m) + "|" + std::to_string(q.weight_g) + "|" +
      std::to_string(req.limit) + "|" +
      (req.open_at ? std::to_string(req.open_at->time_since_epoch().count()) : std::string()) + "|";
  for (const auto& n : req.networks) canonical += n + ",";
  canonical += "|";
  for (auto t : req.types) canonical += std::string(to_string(t)) + ",";
  if (auto kept = deps.points->kept_answer(canonical)) {
    auto res = http::response::json(200, std::move(*kept));
    res.fields.push_back({"Cache-Control", "private, max-age=60"});
    co_return res;
  }
  auto found = co_await deps.points->find(req);

  json::array data;
  for (const auto& p : found.points) data.push_back(point_json(p, carrier_of(p)));
  json::array networks_out, warnings;
  bool any_answer = false;
  int retry_after = 0;
  for (const auto& n : found.networks) {
    json::object o{{"carrier", n.carrier},
                   {"source", to_string(n.from)},
                   {"points", n.points},
                   {"age_s", n.age_s}};
    networks_out.push_back(std::move(o));
    if (!n.failure) {
      any_answer = true;
      continue;
    }
    const auto kind = n.failure->kind;
    retry_after = std::max(retry_after, kind == error_kind::rate_limited ? 30 : 5);
    std::string detail;
    if (kind == error_kind::timeout)
      detail = "the network did not answer in time; its points are missing";
    else if (kind == error_kind::invalid_request && !n.failure->fields.empty())
      detail = "the network cannot search with this query (" + n.failure->fields[0].field + ": " +
               n.failure->fields[0].message + "); its points are missing";
    else
      detail = "the network's search failed (" + n.failure->message + "); its points are missing";
    warnings.push_back(json::object{
        {"carrier", n.carrier}, {"code", to_string(kind)}, {"detail", std::move(detail)}});
  }
  if (!any_answer) {
    auto res = problem(ctx, 503, "service-unavailable", "Service unavailable",
                       "no network answered the points search; try again shortly");
    res.fields.push_back({"Retry-After", std::to_string(retry_after)});
    co_return res;
  }
  const bool complete = warnings.empty();
  json::object body{{"data", std::move(data)},
                    {"networks", std::move(networks_out)},
                    {"warnings", std::move(warnings)}};
  std::string text = json::serialize(body);
  if (complete) deps.points->keep_answer(canonical, text, found.fresh_until);
  auto res = http::response::json(200, std::move(text));
  // Answers change slowly; a shop's checkout may keep one for a minute.
  res.fields.push_back({"Cache-Control", "private, max-age=60"});
  co_return res;
}

task_response get_point(context& ctx, api_deps& deps) {
  const std::string id(ctx.param("point_id"));
  const auto first = id.find(':');
  const auto second = first == std::string::npos ? first : id.find(':', first + 1);
  if (second == std::string::npos || second + 1 >= id.size() || second - first != 3 ||
      id.size() > 80)
    co_return validation_failed(ctx, {{"point_id",
                                       "must be <carrier>:<country>:<the carrier's point id>, e.g. "
                                       "mondialrelay:FR:020230"}});
  const auto carrier = std::string_view(id).substr(0, first);
  const auto country = std::string_view(id).substr(first + 1, 2);
  const auto native = std::string_view(id).substr(second + 1);
  const auto& networks = deps.points->networks();
  if (std::find(networks.begin(), networks.end(), carrier) == networks.end())
    co_return problem(ctx, 404, "not-found", "Not found",
                      "no configured network " + std::string(carrier) + " has points");
  auto found = co_await deps.points->find_one(carrier, country, native);
  if (!found) {
    if (found.error().kind == error_kind::not_found ||
        found.error().kind == error_kind::invalid_request)
      co_return problem(ctx, 404, "not-found", "Not found", "no point " + id);
    co_return error_response(found.error(), ctx.request_id);
  }
  auto res = http::response::json(200, json::serialize(point_json(*found, carrier)));
  res.fields.push_back({"Cache-Control", "private, max-age=300"});
  co_return res;
}

// ---- OpenAPI ------------------------------------------------------------------------------------

constexpr const char* kPointSchema = R"({
  "type": "object", "additionalProperties": false,
  "required": ["id", "carrier", "name", "type", "address", "location", "distance_m", "opening_hours",
               "max_weight_g", "wheelchair_access", "description"],
  "properties": {
    "id": {"type": "string", "pattern": "^[a-z0-9_]+:[A-Z]{2}:.+$"},
    "carrier": {"type": "string"},
    "name": {"type": "string"},
    "type": {"enum": ["shop", "locker", "post_office"]},
    "address": {"type": "object", "additionalProperties": false,
                "required": ["line1", "line2", "postal_code", "city", "country"],
                "properties": {"line1": {"type": "string"}, "line2": {"type": ["string", "null"]},
                               "postal_code": {"type": "string"}, "city": {"type": "string"},
                               "country": {"type": "string", "pattern": "^[A-Z]{2}$"}}},
    "location": {"type": "object", "additionalProperties": false, "required": ["lat", "lon"],
                 "properties": {"lat": {"type": "number", "minimum": -90, "maximum": 90},
                                "lon": {"type": "number", "minimum": -180, "maximum": 180}}},
    "distance_m": {"type": ["integer", "null"], "minimum": 0},
    "opening_hours": {"type": "object", "additionalProperties": false,
      "required": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
      "properties": {"mon": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}}}, "tue": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}}},
                     "wed": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}}}, "thu": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}}},
                     "fri": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}}}, "sat": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}}},
                     "sun": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}}}}},
    "max_weight_g": {"type": ["integer", "null"], "minimum": 1},
    "wheelchair_access": {"type": "boolean"},
    "description": {"type": ["string", "null"]}
  }
})";

constexpr const char* kPointExample = R"({
  "id": "mondialrelay:FR:005680", "carrier": "mondialrelay", "name": "BUREAU COPY", "type": "shop",
  "address": {"line1": "31 COURS ANDRE PHILIP", "line2": null, "postal_code": "69100",
              "city": "VILLEURBANNE", "country": "FR"},
  "location": {"lat": 45.772845, "lon": 4.863041}, "distance_m": 1739,
  "opening_hours": {"mon": [["09:00", "12:30"], ["14:00", "18:30"]], "tue": [["09:00", "18:30"]],
                    "wed": [], "thu": [["09:00", "18:30"]], "fri": [["09:00", "18:30"]],
                    "sat": [["09:00", "12:00"]], "sun": []},
  "max_weight_g": null, "wheelchair_access": false, "description": null})";

route_doc search_doc() {
  route_doc d;
  d.operation_id = "searchPoints";
  d.tag = "Points";
  d.description =
      "Collection points of every network near a postal code or coordinates, nearest first. Each "
      "network is asked in parallel within its own deadline; answers are cached per area and "
      "served while they are refreshed. A network that fails or is late is listed in `warnings` "
      "and its points are missing; only when no network answers is the answer 503. Distances are "
      "computed from `lat`/`lon` when given, otherwise they are each network's own distance from "
      "the postal code.";
  d.params = {
      query_param("country", R"({"type": "string", "pattern": "^[A-Za-z]{2}$"})",
                  "ISO 3166-1 alpha-2 country of the points (required)"),
      query_param("postal_code", R"({"type": "string", "maxLength": 10})",
                  "Postal code to search around (required unless lat and lon are given)"),
      query_param("city", R"({"type": "string", "maxLength": 64})",
                  "City, for networks that use it"),
      query_param("lat", R"({"type": "number", "minimum": -90, "maximum": 90})",
                  "Latitude (WGS 84)"),
      query_param("lon", R"({"type": "number", "minimum": -180, "maximum": 180})",
                  "Longitude (WGS 84)"),
      query_param("radius_km",
                  R"({"type": "number", "minimum": 0.1, "maximum": 50, "default": 10})",
                  "Search radius in kilometres"),
      query_param("carrier", R"({"type": "string"})",
                  "Comma-separated networks to ask (default: all)"),
      query_param("type", R"({"type": "string"})",
                  "Comma-separated types to keep: shop, locker, post_office"),
      query_param("open_at", R"({"type": "string", "format": "date-time"})",
                  "Only points open at this instant (read in each point's local time)"),
      query_param("limit", R"({"type": "integer", "minimum": 1, "maximum": 50, "default": 20})",
                  "Points at most"),
      query_param("weight_g", R"({"type": "integer", "minimum": 1, "maximum": 150000})",
                  "Only points that accept a parcel this heavy")};
  const std::string answer_schema = std::string(R"({
    "type": "object", "additionalProperties": false, "required": ["data", "networks", "warnings"],
    "properties": {
      "data": {"type": "array", "items": )") +
                                    kPointSchema + R"(},
      "networks": {"type": "array", "items": {"type": "object", "additionalProperties": false,
        "required": ["carrier", "source", "points", "age_s"],
        "properties": {"carrier": {"type": "string"},
                       "source": {"enum": ["fetched", "cached", "stale", "failed"]},
                       "points": {"type": "integer", "minimum": 0},
                       "age_s": {"type": "integer", "minimum": 0}}}},
      "warnings": {"type": "array", "items": {"type": "object", "additionalProperties": false,
        "required": ["carrier", "code", "detail"],
        "properties": {"carrier": {"type": "string"}, "code": {"type": "string"},
                       "detail": {"type": "string"}}}}}})";
  const std::string example = std::string(R"({"data": [)") + kPointExample +
                              R"(], "networks": [{"carrier": "mondialrelay", "source": "fetched",
      "points": 1, "age_s": 0}], "warnings": []})";
  d.responses = {answer(200, "Points, nearest first, and how each network answered",
                        {media("application/json", answer_schema, example)}),
                 answer(422, "A query parameter is missing or invalid (each named in `errors`)"),
                 answer(503, "No network answered", {}, {"Retry-After"})};
  return d;
}

route_doc one_doc() {
  route_doc d;
  d.operation_id = "getPoint";
  d.tag = "Points";
  d.description = "One collection point by its id (<carrier>:<country>:<the carrier's id>).";
  d.params = {{"point_id", "path", true, R"({"type": "string", "maxLength": 80})",
               "mondialrelay:FR:020230"}};
  d.responses = {answer(200, "The point", {media("application/json", kPointSchema, kPointExample)}),
                 answer(404, "No such point, or no such network"),
                 answer(422, "Not a point id"),
                 answer(502, "The network refused our credentials"),
                 answer(503, "The network is unavailable", {}, {"Retry-After"}),
                 answer(504, "The network did not answer in time")};
  return d;
}

}  // namespace

void add_points_routes(router& r, api_deps& deps) {
  if (!deps.points) return;
  auto* d = &deps;
  r.add(
      "GET", "/v1/points", merchant | point | ops, "Search collection points across networks",
      [d](context& c) { return search_points(c, *d); }, search_doc());
  r.add(
      "GET", "/v1/points/{point_id}", merchant | point | ops, "One collection point",
      [d](context& c) { return get_point(c, *d); }, one_doc());
}

}  // namespace parcelgate::api
