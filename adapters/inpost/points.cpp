// InPost points: GET /v1/points and GET /v1/points/{name} -> collection points (points.hpp).
#include "adapters/inpost/points.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace parcelgate::adapters::inpost {

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr int kMinutesPerDay = 24 * 60;
constexpr int kMaxPerPage = 500;

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_lower(char c) noexcept {
  return c >= 'a' && c <= 'z';
}

std::string_view trimmed(std::string_view s) noexcept {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(trimmed(v->as_string()));
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

// A JSON number, or a number written as text with a dot or a decimal comma.
std::optional<double> number(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (!v->is_string()) return std::nullopt;
  std::string s(trimmed(v->as_string()));
  std::replace(s.begin(), s.end(), ',', '.');
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

bool truthy(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return false;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) return v->as_string() == "true" || v->as_string() == "1";
  if (v->is_int64()) return v->as_int64() != 0;
  return false;
}

error points_error(error_kind kind, std::string message, std::string code, std::string_view body) {
  return error{.kind = kind,
               .message = std::move(message),
               .fields = {},
               .carrier = std::string(kCarrierId),
               .carrier_code = std::move(code),
               .carrier_message = std::string(body.substr(0, 200)),
               .retry_after_s = 0,
               .sale = sale_outcome::unknown};
}

error query_error(std::string field, std::string message) {
  error e = points_error(error_kind::invalid_request, "InPost points: " + message, {}, {});
  e.fields.push_back(field_error{.field = std::move(field), .message = std::move(message)});
  return e;
}

// "50.0614" rather than "50.061400": six decimals (about 10 cm) without trailing zeros.
std::string coordinate(double degrees) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", degrees);
  std::string s = buf;
  while (s.ends_with('0')) s.pop_back();
  if (s.ends_with('.')) s.pop_back();
  return s;
}

std::string hh_mm(int minutes) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

// ---- opening hours ------------------------------------------------------------------------------

// Lower-case ASCII with the Polish letters folded ("Śr" -> "sr", "Pią" -> "pia") and dashes
// (en, em) made '-'. Other non-ASCII bytes stay, and then fail to read as a word.
std::string folded(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
      continue;
    }
    if (i + 1 < in.size()) {
      const auto d = static_cast<unsigned char>(in[i + 1]);
      char letter = 0;
      if (c == 0xC4 && (d == 0x84 || d == 0x85)) letter = 'a';
      if (c == 0xC4 && (d == 0x86 || d == 0x87)) letter = 'c';
      if (c == 0xC4 && (d == 0x98 || d == 0x99)) letter = 'e';
      if (c == 0xC5 && (d == 0x81 || d == 0x82)) letter = 'l';
      if (c == 0xC5 && (d == 0x83 || d == 0x84)) letter = 'n';
      if (c == 0xC3 && (d == 0x93 || d == 0xB3)) letter = 'o';
      if (c == 0xC5 && (d == 0x9A || d == 0x9B)) letter = 's';
      if (c == 0xC5 && (d >= 0xB9 && d <= 0xBC)) letter = 'z';
      if (letter) {
        out.push_back(letter);
        ++i;
        continue;
      }
    }
    if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(in[i + 2]) == 0x93 ||
         static_cast<unsigned char>(in[i + 2]) == 0x94)) {
      out.push_back('-');
      i += 2;
      continue;
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

enum class token_kind { day, time, all_day, closed, dash, separator };
struct token {
  token_kind kind;
  int value = 0;  // day: 0 = Monday; time: minutes after midnight
};

std::optional<int> day_of(std::string_view w) {
  struct name {
    std::string_view word;
    int day;
  };
  static constexpr name kDays[] = {
      {"pn", 0}, {"pon", 0}, {"wt", 1},  {"wto", 1},  {"sr", 2},    {"sro", 2},
      {"cz", 3}, {"czw", 3}, {"pt", 4},  {"pia", 4},  {"sb", 5},    {"sob", 5},
      {"so", 5}, {"nd", 6},  {"ndz", 6}, {"nied", 6}, {"niedz", 6}, {"niedziela", 6},
  };
  for (const auto& d : kDays)
    if (d.word == w) return d.day;
  return std::nullopt;
}

std::optional<std::vector<token>> tokens_of(std::string_view s) {
  std::vector<token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == ',' || c == ';' || c == '|' || c == ':') {
      out.push_back({.kind = token_kind::separator});
      ++i;
    } else if (c == '-') {
      out.push_back({.kind = token_kind::dash});
      ++i;
    } else if (is_digit(c)) {
      std::size_t j = i;
      while (j < s.size() && is_digit(s[j])) ++j;
      if (j - i > 2) return std::nullopt;  // "0800": not a form seen in ShipX texts
      int hours = 0, minutes = 0;
      std::from_chars(s.data() + i, s.data() + j, hours);
      if (j + 2 < s.size() && (s[j] == ':' || s[j] == '.') && is_digit(s[j + 1]) &&
          is_digit(s[j + 2])) {
        minutes = (s[j + 1] - '0') * 10 + (s[j + 2] - '0');
        j += 3;
      }
      if (hours > 24 || minutes > 59 || (hours == 24 && minutes != 0)) return std::nullopt;
      out.push_back({.kind = token_kind::time, .value = hours * 60 + minutes});
      i = j;
    } else if (is_lower(c)) {
      std::size_t j = i;
      while (j < s.size() && is_lower(s[j])) ++j;
      const std::string_view word = s.substr(i, j - i);
      if (j < s.size() && s[j] == '.') ++j;  // "Pn." "Sob."
      if (auto day = day_of(word)) {
        out.push_back({.kind = token_kind::day, .value = *day});
      } else if (word.starts_with("nieczynn") || word.starts_with("zamkni") || word == "closed") {
        out.push_back({.kind = token_kind::closed});
      } else if (word == "calodobowo") {
        out.push_back({.kind = token_kind::all_day});
      } else {
        return std::nullopt;
      }
      i = j;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

struct day_group {
  std::array<bool, 7> days{};
  std::vector<std::pair<int, int>> ranges{};
  bool closed = false;
  bool has_day() const { return std::find(days.begin(), days.end(), true) != days.end(); }
  bool complete() const { return closed || !ranges.empty(); }
};

// ---- points -------------------------------------------------------------------------------------

carriers::point_type type_of(const json::value* types) {
  std::vector<std::string_view> list;
  if (types && types->is_array()) {
    for (const auto& t : types->as_array())
      if (t.is_string()) list.push_back(t.as_string());
  } else if (types && types->is_string()) {
    list.push_back(types->as_string());
  }
  const auto any = [&list](auto pred) { return std::any_of(list.begin(), list.end(), pred); };
  if (any([](std::string_view t) { return t.find("post_office") != std::string_view::npos; }))
    return carriers::point_type::post_office;
  if (any([](std::string_view t) { return t.starts_with("parcel_locker"); }))
    return carriers::point_type::locker;
  return carriers::point_type::shop;  // pop (Parcel Point in a shop), pok, and anything else
}

week_hours all_week() {
  week_hours w;
  for (auto& day : w) day.push_back({.opens = "00:00", .closes = "24:00"});
  return w;
}

// One ShipX point object. nullopt when it has no name or no readable location; `operating` tells
// whether its status is "Operating".
std::optional<carriers::collection_point> point_from(const json::object& o, bool& operating) {
  carriers::collection_point p;
  p.native_id = text(o, "name");
  if (p.native_id.empty()) return std::nullopt;
  operating = text(o, "status") == "Operating";
  const auto* location = object_at(o, "location");
  auto latitude = location ? number(location->if_contains("latitude")) : std::nullopt;
  auto longitude = location ? number(location->if_contains("longitude")) : std::nullopt;
  if (!latitude || !longitude) return std::nullopt;
  p.latitude = *latitude;
  p.longitude = *longitude;
  p.id = std::string(kCarrierId) + ":" + std::string(kCountry) + ":" + p.native_id;
  p.type = type_of(o.if_contains("type"));
  switch (p.type) {
    case carriers::point_type::locker:
      p.name = "Paczkomat " + p.native_id;
      break;
    case carriers::point_type::shop:
      p.name = "PaczkoPunkt " + p.native_id;
      break;
    case carriers::point_type::post_office:
      p.name = p.native_id;
      break;
  }
  p.country = std::string(kCountry);

  if (const auto* details = object_at(o, "address_details")) {
    const std::string street = text(*details, "street"),
                      building = text(*details, "building_number"),
                      flat = text(*details, "flat_number");
    if (!street.empty()) {
      p.line1 = street;
      if (!building.empty()) p.line1 += " " + building;
      if (!building.empty() && !flat.empty()) p.line1 += "/" + flat;
    }
    p.postal_code = text(*details, "post_code");
    p.city = text(*details, "city");
  }
  if (const auto* address = object_at(o, "address")) {
    if (p.line1.empty()) p.line1 = text(*address, "line1");
    // line2 is "43-340 Kozy": only read when address_details did not give them.
    const std::string line2 = text(*address, "line2");
    if (p.postal_code.empty() && line2.size() > 7 && shipx_post_code(line2.substr(0, 6)))
      p.postal_code = line2.substr(0, 6);
    if (p.city.empty() && line2.size() > 7 && shipx_post_code(line2.substr(0, 6)))
      p.city = std::string(trimmed(std::string_view(line2).substr(7)));
  }

  if (auto d = number(o.if_contains("distance")); d && *d >= 0)
    p.distance_m = static_cast<int>(std::lround(*d));
  p.max_weight_g = kMaxPointWeightG;
  // The easy access zone: low lockers reachable from a wheelchair.
  p.wheelchair_access = truthy(o, "easy_access_zone");
  p.description = text(o, "location_description");

  const std::string hours = text(o, "opening_hours");
  if (truthy(o, "location_247")) {
    p.opening_hours = all_week();
  } else if (auto week = parse_opening_hours(hours)) {
    p.opening_hours = std::move(*week);
  } else if (!hours.empty()) {
    // Hours we cannot read are shown as InPost wrote them rather than guessed.
    p.description += (p.description.empty() ? "" : "; ") + std::string("opening hours: ") + hours;
  }
  return p;
}

// The error of any answer that is not the expected 200 (or an unreadable one).
error answer_error(const carriers::outbound_response& answer, std::string_view what) {
  const int status = answer.status;
  const std::string code = "HTTP " + std::to_string(status);
  auto shipx = parse_error(answer.body);
  const std::string carrier_code = shipx ? shipx->error : code;
  if (status == 400 || status == 422) {
    error e = points_error(error_kind::invalid_request,
                           "InPost refused the " + std::string(what) +
                               (shipx && !shipx->message.empty() ? ": " + shipx->message : ""),
                           carrier_code, answer.body);
    if (shipx) {
      for (const auto& [path, codes] : shipx->details) {
        std::string ours;
        if (path == "relative_post_code" || path == "post_code") ours = "postal_code";
        if (path == "relative_point") ours = "latitude";
        if (path == "max_distance") ours = "radius_m";
        if (path == "per_page" || path == "limit") ours = "limit";
        if (path == "city") ours = "city";
        e.message += " (" + path + ": " + codes + ")";
        if (!ours.empty())
          e.fields.push_back(
              field_error{.field = ours, .message = "InPost refused " + path + " (" + codes + ")"});
      }
    }
    return e;
  }
  if (status == 401 || status == 403)
    return points_error(
        error_kind::auth_failed,
        "InPost refused our credentials for the " + std::string(what) + " (check token)",
        carrier_code, answer.body);
  if (status == 429) {
    auto e = points_error(error_kind::rate_limited,
                          "InPost throttles the " + std::string(what) + " requests", carrier_code,
                          answer.body);
    const auto retry_after = answer.header("Retry-After");
    int seconds = 0;
    std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
    e.retry_after_s = std::max(seconds, 1);
    return e;
  }
  if (status >= 500)
    return points_error(error_kind::unavailable,
                        "InPost's " + std::string(what) + " is unavailable (" + code + ")",
                        carrier_code, answer.body);
  return points_error(error_kind::bad_gateway,
                      "InPost answered the " + std::string(what) + " with " + code, carrier_code,
                      answer.body);
}

}  // namespace

std::optional<std::string> shipx_post_code(std::string_view t) {
  t = trimmed(t);
  const auto digits = [](std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); };
  if (t.size() == 5 && digits(t))
    return std::string(t.substr(0, 2)) + "-" + std::string(t.substr(2));
  if (t.size() == 6 && t[2] == '-' && digits(t.substr(0, 2)) && digits(t.substr(3)))
    return std::string(t);
  return std::nullopt;
}

carriers::retry_policy points_retry_policy() {
  return carriers::retry_policy{.attempts = 3,
                                .backoff = {200ms, 1000ms},
                                .expect_status = 0,
                                .expect_body_prefix = {},
                                .retry_transport_failures = true};
}

bool outside_network(const carriers::point_query& q) noexcept {
  const bool poland = q.country.size() == 2 && (q.country[0] == 'P' || q.country[0] == 'p') &&
                      (q.country[1] == 'L' || q.country[1] == 'l');
  return !poland || q.weight_g > kMaxPointWeightG;
}

result<carriers::outbound_request> build_points_request(const account& acct,
                                                        const carriers::point_query& q) {
  std::string where;
  if (q.latitude && q.longitude) {
    if (!std::isfinite(*q.latitude) || *q.latitude < -90 || *q.latitude > 90)
      return fail(query_error("latitude", "must be a latitude in degrees, -90 to 90"));
    if (!std::isfinite(*q.longitude) || *q.longitude < -180 || *q.longitude > 180)
      return fail(query_error("longitude", "must be a longitude in degrees, -180 to 180"));
    where = "relative_point=" + coordinate(*q.latitude) + "," + coordinate(*q.longitude);
  } else {
    auto code = shipx_post_code(q.postal_code);
    if (!code)
      return fail(query_error("postal_code",
                              q.postal_code.empty()
                                  ? "InPost searches around coordinates or a Polish postal code"
                                  : "must be a Polish postal code, e.g. 30-415"));
    where = "relative_post_code=" + *code;
  }
  carriers::outbound_request out;
  out.method = "GET";
  out.url = acct.base_url + "/v1/points?" + where;
  if (q.radius_m > 0) out.url += "&max_distance=" + std::to_string(q.radius_m);
  out.url += "&functions=parcel_collect&sort_by=distance_to_relative_point&per_page=" +
             std::to_string(std::clamp(q.limit, 1, kMaxPerPage)) + "&page=1";
  out.headers = {{.name = "Authorization", .value = "Bearer " + acct.token},
                 {.name = "Accept", .value = "application/json"}};
  out.idempotent = true;
  out.operation = "find_points";
  out.retry = points_retry_policy();
  return out;
}

bool plausible_point_name(std::string_view n) noexcept {
  return !n.empty() && n.size() <= 32 && std::all_of(n.begin(), n.end(), [](char c) {
    return is_digit(c) || (c >= 'A' && c <= 'Z') || is_lower(c) || c == '-' || c == '_';
  });
}

carriers::outbound_request build_point_request(const account& acct, std::string_view name) {
  carriers::outbound_request out;
  out.method = "GET";
  out.url = acct.base_url + "/v1/points/" + std::string(name);
  out.headers = {{.name = "Authorization", .value = "Bearer " + acct.token},
                 {.name = "Accept", .value = "application/json"}};
  out.idempotent = true;
  out.operation = "find_point";
  out.retry = points_retry_policy();
  return out;
}

std::optional<week_hours> parse_opening_hours(std::string_view raw) {
  const std::string s = folded(trimmed(raw));
  if (s.empty()) return std::nullopt;
  if (s == "24/7" || s == "24h/7" || s == "24/7/365") return all_week();
  auto tokens = tokens_of(s);
  if (!tokens) return std::nullopt;
  const auto& t = *tokens;
  std::vector<day_group> groups;
  for (std::size_t i = 0; i < t.size(); ++i) {
    switch (t[i].kind) {
      case token_kind::separator:
        break;
      case token_kind::dash:
        return std::nullopt;  // a dash outside a day or time range
      case token_kind::day: {
        // Days after a group's times start the next group; before them they add to its days.
        if (groups.empty() || groups.back().complete()) groups.emplace_back();
        auto& g = groups.back();
        int first = t[i].value, last = first;
        if (i + 2 < t.size() && t[i + 1].kind == token_kind::dash &&
            t[i + 2].kind == token_kind::day) {
          last = t[i + 2].value;
          i += 2;
        }
        for (int d = first;; d = (d + 1) % 7) {  // "Sb-Pn" wraps over the week end
          g.days[static_cast<std::size_t>(d)] = true;
          if (d == last) break;
        }
        break;
      }
      case token_kind::time: {
        if (groups.empty() || !groups.back().has_day() || groups.back().closed) return std::nullopt;
        if (i + 2 >= t.size() || t[i + 1].kind != token_kind::dash ||
            t[i + 2].kind != token_kind::time)
          return std::nullopt;
        const int opens = t[i].value;
        int closes = t[i + 2].value;
        if (closes == 0) closes = kMinutesPerDay;  // "07:00-00:00": until midnight
        if (opens >= closes) return std::nullopt;  // overnight: not one day's interval
        groups.back().ranges.emplace_back(opens, closes);
        i += 2;
        break;
      }
      case token_kind::all_day:
      case token_kind::closed: {
        if (groups.empty() || !groups.back().has_day() || !groups.back().ranges.empty())
          return std::nullopt;
        if (t[i].kind == token_kind::closed)
          groups.back().closed = true;
        else
          groups.back().ranges.emplace_back(0, kMinutesPerDay);
        break;
      }
    }
  }
  if (groups.empty()) return std::nullopt;
  std::array<std::vector<std::pair<int, int>>, 7> days;
  for (const auto& g : groups) {
    if (!g.complete()) return std::nullopt;  // days without times: "Pn-Pt"
    for (std::size_t d = 0; d < 7; ++d)
      if (g.days[d]) days[d].insert(days[d].end(), g.ranges.begin(), g.ranges.end());
  }
  week_hours out;
  for (std::size_t d = 0; d < 7; ++d) {
    std::sort(days[d].begin(), days[d].end());
    for (std::size_t k = 1; k < days[d].size(); ++k)
      if (days[d][k].first < days[d][k - 1].second) return std::nullopt;  // overlapping
    for (const auto& [opens, closes] : days[d])
      out[d].push_back({.opens = hh_mm(opens), .closes = hh_mm(closes)});
  }
  return out;
}

result<std::vector<carriers::collection_point>> decode_points(
    const carriers::outbound_response& answer, int limit) {
  if (answer.status != 200) return fail(answer_error(answer, "points search"));
  boost::system::error_code ec;
  auto v = json::parse(answer.body, ec);
  if (ec || !v.is_object())
    return fail(points_error(error_kind::bad_gateway, "InPost points answer is not JSON",
                             "not JSON", answer.body));
  const auto* items = v.as_object().if_contains("items");
  if (!items || !items->is_array())
    return fail(points_error(error_kind::bad_gateway, "InPost points answer has no items",
                             "no items", answer.body));
  std::vector<carriers::collection_point> out;
  for (const auto& item : items->as_array()) {
    if (static_cast<int>(out.size()) >= std::max(limit, 1)) break;
    if (!item.is_object())
      return fail(points_error(error_kind::bad_gateway, "InPost point is not an object",
                               "bad point", answer.body));
    bool operating = false;
    auto p = point_from(item.as_object(), operating);
    if (!p || !operating) continue;  // not placeable on a map, or out of service
    out.push_back(std::move(*p));
  }
  return out;
}

result<carriers::collection_point> decode_point(std::string_view name,
                                                const carriers::outbound_response& answer) {
  const std::string n(name);
  if (answer.status == 404) {
    auto shipx = parse_error(answer.body);
    return fail(points_error(error_kind::not_found, "InPost has no point " + n,
                             shipx ? shipx->error : "HTTP 404", answer.body));
  }
  if (answer.status != 200) return fail(answer_error(answer, "point lookup"));
  boost::system::error_code ec;
  auto v = json::parse(answer.body, ec);
  bool operating = false;
  auto p = !ec && v.is_object() ? point_from(v.as_object(), operating) : std::nullopt;
  if (!p)
    return fail(points_error(error_kind::bad_gateway,
                             "InPost answered the lookup of point " + n + " with no readable point",
                             "bad point", answer.body));
  if (!operating)
    return fail(points_error(
        error_kind::not_found,
        "InPost point " + n + " is not operating (status " + text(v.as_object(), "status") + ")",
        text(v.as_object(), "status"), {}));
  return std::move(*p);
}

}  // namespace parcelgate::adapters::inpost
