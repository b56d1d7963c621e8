// Colissimo point retrait codec (points.hpp): SOAP requests, answers, opening hours, types.
#include "adapters/colissimo/points.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <sstream>

#include "gateway/http/message.hpp"

namespace parcelgate::adapters::colissimo {

namespace {

constexpr std::string_view kSoapEnvelope = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view kDays[7] = {"Lundi",    "Mardi",  "Mercredi", "Jeudi",
                                       "Vendredi", "Samedi", "Dimanche"};

std::string_view trim(std::string_view s) noexcept {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool digits_only(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view local_name(const pugi::xml_node& n) noexcept {
  std::string_view name = n.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The first descendant element named `local`, whatever its namespace prefix.
pugi::xml_node find_local(const pugi::xml_node& root, std::string_view local) {
  return root.find_node([local](const pugi::xml_node& n) {
    return n.type() == pugi::node_element && local_name(n) == local;
  });
}

// The first direct child element named `local`.
pugi::xml_node child_local(const pugi::xml_node& parent, std::string_view local) {
  for (auto c = parent.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c) == local) return c;
  return {};
}

std::string child_text(const pugi::xml_node& parent, std::string_view local) {
  auto node = child_local(parent, local);
  return node ? std::string(trim(node.child_value())) : std::string{};
}

std::optional<int> parse_int(std::string_view s) noexcept {
  s = trim(s);
  int value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

// A coordinate written with a dot or a decimal comma; 0 when unreadable.
double parse_coordinate(std::string_view s) noexcept {
  std::string text(trim(s));
  std::replace(text.begin(), text.end(), ',', '.');
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return 0;
  return value;
}

error points_failure(error_kind kind, std::string message, std::string code = {},
                     std::string text = {}) {
  return error{.kind = kind,
               .message = std::move(message),
               .fields = {},
               .carrier = std::string(kCarrierId),
               .carrier_code = std::move(code),
               .carrier_message = std::move(text),
               .retry_after_s = 0,
               .sale = sale_outcome::unknown};
}

int retry_after_seconds(std::string_view value) noexcept {
  return std::max(0, parse_int(value).value_or(0));
}

std::string serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  doc.save(out, "",
           pugi::format_raw | pugi::format_no_declaration | pugi::format_no_empty_element_tags,
           pugi::encoding_utf8);
  return out.str();
}

// <soapenv:Envelope><soapenv:Header/><soapenv:Body><v2:operation>...; returns the operation.
pugi::xml_node open_envelope(pugi::xml_document& doc, const char* operation) {
  auto envelope = doc.append_child("soapenv:Envelope");
  envelope.append_attribute("xmlns:soapenv") = std::string(kSoapEnvelope).c_str();
  envelope.append_attribute("xmlns:v2") = std::string(kPointsNamespace).c_str();
  envelope.append_child("soapenv:Header");
  return envelope.append_child("soapenv:Body").append_child(operation);
}

void add(pugi::xml_node& op, const char* name, std::string_view value) {
  op.append_child(name).text().set(std::string(value).c_str());
}

// HH:MM -> minutes after midnight (24:00 allowed); nullopt when unreadable. "9:00" is accepted.
std::optional<int> clock_minutes(std::string_view t) noexcept {
  const auto colon = t.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || t.size() != colon + 3)
    return std::nullopt;
  auto h = parse_int(t.substr(0, colon)), m = parse_int(t.substr(colon + 1));
  if (!h || !m || !digits_only(t.substr(0, colon)) || !digits_only(t.substr(colon + 1)) || *h < 0 ||
      *m < 0 || *m > 59 || *h > 24 || (*h == 24 && *m != 0))
    return std::nullopt;
  return *h * 60 + *m;
}

// Minutes after midnight (0..1440) -> "HH:MM".
std::string clock_text(int minutes) {
  const int h = minutes / 60, m = minutes % 60;
  return {static_cast<char>('0' + h / 10), static_cast<char>('0' + h % 10), ':',
          static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10)};
}

carriers::collection_point read_point(const pugi::xml_node& p) {
  carriers::collection_point out;
  out.native_id = child_text(p, "identifiant");
  out.country = upper(child_text(p, "codePays"));
  out.id = std::string(kCarrierId) + ":" + out.country + ":" + out.native_id;
  out.name = child_text(p, "nom");
  out.type = map_point_type(child_text(p, "typeDePoint"));
  out.line1 = child_text(p, "adresse1");
  for (const char* key : {"adresse2", "adresse3"}) {
    const std::string more = child_text(p, key);
    if (!more.empty()) out.line2 += (out.line2.empty() ? "" : ", ") + more;
  }
  out.postal_code = child_text(p, "codePostal");
  out.city = child_text(p, "localite");
  out.latitude = parse_coordinate(child_text(p, "coordGeolocalisationLatitude"));
  out.longitude = parse_coordinate(child_text(p, "coordGeolocalisationLongitude"));
  out.distance_m = parse_int(child_text(p, "distanceEnMetre")).value_or(-1);
  for (std::size_t d = 0; d < 7; ++d)
    out.opening_hours[d] =
        parse_opening_day(child_text(p, "horairesOuverture" + std::string(kDays[d])));
  // poidsMaxi is published in kilograms (20, 30); a value of 1000 or more can only be grams.
  const int max_weight = parse_int(child_text(p, "poidsMaxi")).value_or(0);
  out.max_weight_g = max_weight <= 0 ? 0 : max_weight < 1000 ? max_weight * 1000 : max_weight;
  out.wheelchair_access = child_text(p, "accesPersonneMobiliteReduite") == "true";
  out.description = child_text(p, "indiceDeLocalisation");
  return out;
}

// What both operations share: HTTP status, XML, SOAP fault, the <return> element and its
// errorCode. On success `code` and `message` hold errorCode and errorMessage.
struct answer_head {
  pugi::xml_node ret;
  int code = 0;
  std::string message;
};

result<answer_head> read_head(const pugi::xml_document& doc, const pugi::xml_parse_result& parsed,
                              const carriers::outbound_response& response,
                              std::string_view operation_response) {
  const int status = response.status;
  const std::string http_code = "HTTP " + std::to_string(status);
  // CXF answers faults with HTTP 500 and a SOAP body: the service could not read our request or
  // broke on it, which retrying the same request will not change.
  if (parsed)
    if (auto fault = find_local(doc, "Fault"))
      return fail(points_failure(
          error_kind::bad_gateway, "Colissimo's point service answered with a SOAP fault",
          std::string(trim(find_local(fault, "faultcode").child_value())),
          std::string(trim(find_local(fault, "faultstring").child_value()))));
  if (status == 429) {
    error e =
        points_failure(error_kind::rate_limited, "Colissimo is throttling the gateway", http_code);
    e.retry_after_s = retry_after_seconds(http::find_header(response.headers, "Retry-After"));
    return fail(std::move(e));
  }
  if (status >= 500) {
    error e = points_failure(error_kind::unavailable, "Colissimo's point service is unavailable",
                             http_code, response.body.substr(0, 200));
    e.retry_after_s = retry_after_seconds(http::find_header(response.headers, "Retry-After"));
    return fail(std::move(e));
  }
  if (status == 401 || status == 403)
    return fail(points_failure(error_kind::auth_failed,
                               "Colissimo's point service refused the connection", http_code));
  if (status != 200)
    return fail(points_failure(error_kind::bad_gateway,
                               "Colissimo's point service answered an unexpected status", http_code,
                               response.body.substr(0, 200)));
  if (!parsed)
    return fail(points_failure(error_kind::bad_gateway,
                               "Colissimo's point service answered a body that is not XML",
                               "malformed XML", parsed.description()));
  auto op = find_local(doc, operation_response);
  auto ret = op ? child_local(op, "return") : pugi::xml_node{};
  auto code = ret ? parse_int(child_text(ret, "errorCode")) : std::nullopt;
  if (!code)
    return fail(points_failure(error_kind::bad_gateway,
                               "Colissimo's point service answered without an errorCode", http_code,
                               response.body.substr(0, 200)));
  return answer_head{.ret = ret, .code = *code, .message = child_text(ret, "errorMessage")};
}

}  // namespace

std::optional<std::string> wire_date(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-' || !digits_only(iso.substr(0, 4)) ||
      !digits_only(iso.substr(5, 2)) || !digits_only(iso.substr(8, 2)))
    return std::nullopt;
  const int y = *parse_int(iso.substr(0, 4));
  const unsigned m = static_cast<unsigned>(*parse_int(iso.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(*parse_int(iso.substr(8, 2)));
  if (!std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}
           .ok())
    return std::nullopt;
  return std::string(iso.substr(8, 2)) + "/" + std::string(iso.substr(5, 2)) + "/" +
         std::string(iso.substr(0, 4));
}

result<points_search> make_points_search(const carriers::point_query& query,
                                         std::string_view today_iso) {
  std::vector<field_error> problems;
  auto add_problem = [&problems](std::string field, std::string message) {
    problems.push_back(field_error{.field = std::move(field), .message = std::move(message)});
  };
  points_search s;
  s.country = upper(trim(query.country));
  if (s.country.size() != 2 ||
      !std::all_of(s.country.begin(), s.country.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    add_problem("country", "must be an ISO 3166-1 alpha-2 country code");
  // Spaces and dashes are dropped, as the service compares bare postal codes.
  for (char c : query.postal_code)
    if (std::isalnum(static_cast<unsigned char>(c))) s.zip_code.push_back(c);
  if (s.zip_code.empty())
    add_problem("postal_code", "Colissimo searches points by postal code and city");
  else if ((s.country == "FR" || s.country == "MC") &&
           (s.zip_code.size() != 5 || !digits_only(s.zip_code)))
    add_problem("postal_code", "must be a French postal code of 5 digits");
  s.city = std::string(trim(query.city));
  if (s.city.empty()) add_problem("city", "Colissimo needs the city with the postal code");
  if (query.weight_g < 0 || query.weight_g > kMaxSearchWeightG)
    add_problem("weight_g", "must be between 0 and 99999 grams for Colissimo");
  s.weight_g = query.weight_g;
  const std::string_view date = query.shipping_date.empty() ? today_iso : query.shipping_date;
  if (auto wire = wire_date(date))
    s.shipping_date = std::move(*wire);
  else
    add_problem("shipping_date", "must be a date written YYYY-MM-DD");
  const std::string lang = upper(trim(query.language));
  if (lang.size() == 2 && std::isalpha(static_cast<unsigned char>(lang[0])) &&
      std::isalpha(static_cast<unsigned char>(lang[1])))
    s.lang = lang;
  if (!problems.empty())
    return fail(error{.kind = error_kind::invalid_request,
                      .message = "the search does not fit Colissimo's point service",
                      .fields = std::move(problems),
                      .carrier = std::string(kCarrierId)});
  return s;
}

std::string build_find_points_request(const points_search& search, const account& acct) {
  pugi::xml_document doc;
  auto op = open_envelope(doc, "v2:findRDVPointRetraitAcheminement");
  add(op, "accountNumber", acct.contract_number);
  add(op, "password", acct.password);
  add(op, "zipCode", search.zip_code);
  add(op, "city", search.city);
  add(op, "countryCode", search.country);
  if (search.weight_g > 0) add(op, "weight", std::to_string(search.weight_g));
  add(op, "shippingDate", search.shipping_date);
  // Relay shops and lockers take parcels up to 20 kg: heavier ones go to post offices only.
  add(op, "filterRelay", search.weight_g > kRelayMaxWeightG ? "0" : "1");
  add(op, "lang", search.lang);
  // Monaco's points are searched like France's (postal codes 980xx).
  add(op, "optionInter", search.country == "FR" || search.country == "MC" ? "0" : "1");
  return serialize(doc);
}

std::string build_find_point_request(std::string_view native_id, std::string_view date,
                                     const account& acct) {
  pugi::xml_document doc;
  auto op = open_envelope(doc, "v2:findPointRetraitAcheminementByID");
  add(op, "accountNumber", acct.contract_number);
  add(op, "password", acct.password);
  add(op, "id", native_id);
  add(op, "date", date);
  add(op, "filterRelay", "1");  // any type: the caller names the point
  add(op, "langue", "FR");
  return serialize(doc);
}

carriers::outbound_request points_request(std::string_view points_url, std::string body,
                                          std::string operation) {
  carriers::outbound_request out;
  out.method = "POST";
  out.url = std::string(points_url);
  out.headers = {{.name = "Content-Type", .value = "text/xml;charset=UTF-8"},
                 {.name = "SOAPAction", .value = "\"\""},
                 {.name = "Accept", .value = "text/xml"}};
  out.body = std::move(body);
  out.idempotent = true;  // a query: nothing is bought
  out.operation = std::move(operation);
  // Answers come as HTTP 200 (errors included, in errorCode); anything else is worth another
  // try or two, briefly: a person is waiting for the list.
  out.retry = carriers::retry_policy{
      .attempts = 3,
      .backoff = {std::chrono::milliseconds{300}, std::chrono::milliseconds{1000}},
      .expect_status = 200,
      .expect_body_prefix = {},
      .retry_transport_failures = true};
  return out;
}

std::vector<carriers::opening_interval> parse_opening_day(std::string_view horaires) {
  std::vector<std::pair<int, int>> slots;
  while (!horaires.empty()) {
    horaires = trim(horaires);
    const auto space = horaires.find_first_of(" \t");
    const std::string_view token = horaires.substr(0, space);
    horaires = space == std::string_view::npos ? std::string_view{} : horaires.substr(space);
    const auto dash = token.find('-');
    if (dash == std::string_view::npos) continue;
    auto opens = clock_minutes(token.substr(0, dash)),
         closes = clock_minutes(token.substr(dash + 1));
    if (!opens || !closes) continue;
    if (*opens == 0 && *closes == 0) continue;  // the unused-slot marker
    // 23:59 is how the service writes "until midnight"; so is 00:00 after an opening.
    if (*closes == 23 * 60 + 59 || *closes == 0) *closes = 24 * 60;
    if (*closes <= *opens) continue;
    slots.emplace_back(*opens, *closes);
  }
  std::sort(slots.begin(), slots.end());
  std::vector<carriers::opening_interval> out;
  int last_close = -1;
  for (const auto& [opens, closes] : slots) {
    if (!out.empty() && opens <= last_close) {
      last_close = std::max(last_close, closes);
      out.back().closes = clock_text(last_close);
      continue;
    }
    out.push_back({.opens = clock_text(opens), .closes = clock_text(closes)});
    last_close = closes;
  }
  return out;
}

carriers::point_type map_point_type(std::string_view t) noexcept {
  t = trim(t);
  if (t == "BPR" || t == "CDI" || t == "ACP" || t == "BDP")
    return carriers::point_type::post_office;
  if (t == "PCS" || t == "CIT") return carriers::point_type::locker;
  return carriers::point_type::shop;  // A2P, CMT and codes not published yet
}

bool points_empty_code(int code) noexcept {
  return code == 300 || code == 301 || code == 203;
}

error points_error(int code, std::string_view message, bool by_id) {
  auto out =
      points_failure(error_kind::bad_gateway, "", std::to_string(code), std::string(message));
  auto input = [&out](std::string text, std::initializer_list<const char*> fields) {
    out.kind = error_kind::invalid_request;
    out.message = std::move(text);
    for (const char* f : fields)
      out.fields.push_back(field_error{.field = f, .message = out.message});
  };
  switch (code) {
    case 101:
    case 102:
    case 201:
    case 202:
      out.kind = error_kind::auth_failed;
      out.message =
          "Colissimo refused the gateway's account for point search "
          "(carriers.colissimo.contract_number/password)";
      break;
    case 104:
    case 125:
    case 143:
    case 144:
    case 145:
      input("Colissimo refused the postal code", {"postal_code"});
      break;
    case 105:
      input("Colissimo needs the city with the postal code", {"city"});
      break;
    case 129:
      input("Colissimo could not place this postal code and city", {"postal_code", "city"});
      break;
    case 117:
    case 146:
      input("Colissimo has no point search for this country", {"country"});
      break;
    case 106:
    case 122:
      input("Colissimo refused the shipping date", {"shipping_date"});
      break;
    case 120:
    case 121:
      input("Colissimo refused the weight (1 to 99999 grams)", {"weight_g"});
      break;
    case 107:
    case 124:
      if (by_id) {
        out.kind = error_kind::not_found;
        out.message = "Colissimo knows no point with this id";
      } else {
        out.message = "Colissimo's point service refused the request";
      }
      break;
    case 1000:
      out.kind = error_kind::unavailable;
      out.message = "Colissimo's point service had a technical error";
      break;
    default:  // 123, 127 and unpublished codes: a request of ours it cannot read
      out.message = "Colissimo's point service answered an unexpected error code";
      break;
  }
  return out;
}

result<std::vector<carriers::collection_point>> parse_find_points_response(
    const carriers::outbound_response& response, int limit) {
  pugi::xml_document doc;
  const auto parsed = doc.load_buffer(response.body.data(), response.body.size());
  auto head = read_head(doc, parsed, response, "findRDVPointRetraitAcheminementResponse");
  if (!head) return fail(std::move(head.error()));
  std::vector<carriers::collection_point> points;
  if (points_empty_code(head->code)) return points;
  if (head->code != 0) return fail(points_error(head->code, head->message, false));
  for (auto c = head->ret.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || local_name(c) != "listePointRetraitAcheminement")
      continue;
    auto point = read_point(c);
    if (point.native_id.empty()) continue;  // nothing to ship to
    points.push_back(std::move(point));
    if (limit > 0 && static_cast<int>(points.size()) >= limit) break;
  }
  return points;
}

result<carriers::collection_point> parse_find_point_response(
    const carriers::outbound_response& response, std::string_view country,
    std::string_view native_id) {
  pugi::xml_document doc;
  const auto parsed = doc.load_buffer(response.body.data(), response.body.size());
  auto head = read_head(doc, parsed, response, "findPointRetraitAcheminementByIDResponse");
  if (!head) return fail(std::move(head.error()));
  const std::string wanted =
      std::string(kCarrierId) + ":" + upper(country) + ":" + std::string(native_id);
  auto not_found = [&] {
    return fail(points_failure(error_kind::not_found, "Colissimo has no point " + wanted,
                               std::to_string(head->code), head->message));
  };
  if (points_empty_code(head->code)) return not_found();
  if (head->code != 0) return fail(points_error(head->code, head->message, true));
  auto node = child_local(head->ret, "pointRetraitAcheminement");
  if (!node) return not_found();
  auto point = read_point(node);
  if (point.native_id != native_id || point.country != upper(country)) return not_found();
  return point;
}

bool valid_point_id(std::string_view native_id) noexcept {
  return native_id.size() == 6 && digits_only(native_id);
}

}  // namespace parcelgate::adapters::colissimo
