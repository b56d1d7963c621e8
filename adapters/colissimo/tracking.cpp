// La Poste Suivi v2 codec (tracking.hpp): request URL, Okapi event codes, dates, answers.
#include "adapters/colissimo/tracking.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>

#include "adapters/colissimo/wire.hpp"
#include "gateway/http/message.hpp"

namespace parcelgate::adapters::colissimo {

namespace {

namespace json = boost::json;
using ts = tracking_status;

struct okapi_entry {
  std::string_view code;
  tracking_status status;
};

// Okapi event codes published for Suivi v2 (carrier-wire-formats.md §6). DI3 ("delayed") and
// ID0 (customs information) say nothing about where the parcel is: they stay unknown.
constexpr okapi_entry kOkapiEvents[] = {
    {.code = "AG1",
     .status = ts::available_for_pickup},      // waiting at the post office counter or pickup point
    {.code = "DI0", .status = ts::delivered},  // delivered as part of a batch
    {.code = "DI1", .status = ts::delivered},
    {.code = "DI2", .status = ts::returned_to_sender},  // delivered back to the sender
    {.code = "DO1", .status = ts::in_transit},          // entered customs
    {.code = "DO2", .status = ts::in_transit},          // left customs
    {.code = "DO3", .status = ts::exception},           // held by customs
    {.code = "DR1",
     .status = ts::label_created},              // declaration received, parcel not handed over yet
    {.code = "DR2", .status = ts::exception},   // problem during preparation
    {.code = "EP1", .status = ts::in_transit},  // awaiting presentation
    {.code = "ET1", .status = ts::in_transit},
    {.code = "ET2", .status = ts::in_transit},  // processed in the origin country
    {.code = "ET3", .status = ts::in_transit},  // processed in the destination country
    {.code = "ET4", .status = ts::in_transit},  // processed in a transit country
    {.code = "MD2", .status = ts::out_for_delivery},
    {.code = "ND1", .status = ts::exception},   // could not be delivered
    {.code = "PB1", .status = ts::exception},   // problem in progress
    {.code = "PB2", .status = ts::in_transit},  // problem solved
    {.code = "PC1", .status = ts::picked_up},
    {.code = "PC2", .status = ts::picked_up},            // taken in charge in the origin country
    {.code = "RE1", .status = ts::returning_to_sender},  // sent back to the sender
};

bool two_digits(std::string_view s, std::size_t at, int& out) {
  if (at + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[at])) ||
      !std::isdigit(static_cast<unsigned char>(s[at + 1])))
    return false;
  out = (s[at] - '0') * 10 + (s[at + 1] - '0');
  return true;
}

std::string member_text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

std::optional<int> member_int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return static_cast<int>(v->get_int64());
  if (v->is_uint64()) return static_cast<int>(v->get_uint64());
  if (v->is_string()) {  // tolerated: "104"
    int n = 0;
    std::string_view s = v->get_string();
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc{} && ptr == s.data() + s.size()) return n;
  }
  return std::nullopt;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

int retry_after_seconds(std::string_view value) noexcept {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  int seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || ptr != value.data() + value.size() || seconds < 0) return 0;
  return seconds;
}

error suivi_error(error_kind kind, std::string message, std::string code, std::string text) {
  return carrier_failure(kCarrierId, kind, std::move(message), std::move(code), std::move(text));
}

// A whole-request error body: {"code": "...", "message": "..."}; the raw start otherwise.
std::string error_text(std::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (!ec && doc.is_object()) {
    const auto& o = doc.get_object();
    std::string code = member_text(o, "code"), message = member_text(o, "message");
    if (!code.empty() || !message.empty()) return code + (code.empty() ? "" : ": ") + message;
  }
  return std::string(body.substr(0, 200));
}

// What a per-id returnCode other than 200 means for that number.
error_kind miss_kind(int return_code) noexcept {
  if (return_code == 104 || return_code == 105) return error_kind::not_found;
  if (return_code == 400) return error_kind::invalid_request;
  if (return_code >= 500) return error_kind::unavailable;
  return error_kind::bad_gateway;
}

std::string miss_message(error_kind kind) {
  switch (kind) {
    case error_kind::not_found:
      return "La Poste has no tracking for this number (yet)";
    case error_kind::invalid_request:
      return "La Poste refused this tracking number as malformed";
    case error_kind::unavailable:
      return "La Poste could not answer for this number";
    default:
      return "La Poste answered an unexpected code for this number";
  }
}

}  // namespace

bool valid_suivi_id(std::string_view id) noexcept {
  return id.size() >= 11 && id.size() <= 15 && std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0;
         });
}

tracking_status map_suivi_event_code(std::string_view code) noexcept {
  for (const auto& e : kOkapiEvents)
    if (e.code == code) return e.status;
  return tracking_status::unknown;
}

tracking_status map_tracking_code(std::string_view code) noexcept {
  return code.size() == 6 ? map_event_code(code) : map_suivi_event_code(code);
}

std::optional<std::string> to_utc_rfc3339(std::string_view d) {
  // YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)
  int year = 0;
  if (d.size() < 20) return std::nullopt;
  auto [ptr, ec] = std::from_chars(d.data(), d.data() + 4, year);
  if (ec != std::errc{} || ptr != d.data() + 4) return std::nullopt;
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (d[4] != '-' || !two_digits(d, 5, month) || d[7] != '-' || !two_digits(d, 8, day) ||
      (d[10] != 'T' && d[10] != 't' && d[10] != ' ') || !two_digits(d, 11, hour) || d[13] != ':' ||
      !two_digits(d, 14, minute) || d[16] != ':' || !two_digits(d, 17, second))
    return std::nullopt;
  std::size_t at = 19;
  if (at < d.size() && d[at] == '.') {
    ++at;
    const std::size_t digits_from = at;
    while (at < d.size() && std::isdigit(static_cast<unsigned char>(d[at]))) ++at;
    if (at == digits_from) return std::nullopt;
  }
  int offset_min = 0;
  if (at < d.size() && (d[at] == 'Z' || d[at] == 'z')) {
    ++at;
  } else if (at < d.size() && (d[at] == '+' || d[at] == '-')) {
    int oh = 0, om = 0;
    if (!two_digits(d, at + 1, oh) || at + 3 >= d.size() || d[at + 3] != ':' ||
        !two_digits(d, at + 4, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_min = (d[at] == '-' ? -1 : 1) * (oh * 60 + om);
    at += 6;
  } else {
    return std::nullopt;  // a local time without its offset cannot be placed in UTC
  }
  if (at != d.size() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  using namespace std::chrono;
  const sys_seconds utc = sys_days{ymd} + hours{hour} + minutes{minute} +
                          seconds{std::min(second, 59)} - minutes{offset_min};
  const auto utc_day = floor<days>(utc);
  const year_month_day u{utc_day};
  const hh_mm_ss<seconds> t{utc - utc_day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(u.year()),
                static_cast<unsigned>(u.month()), static_cast<unsigned>(u.day()),
                static_cast<int>(t.hours().count()), static_cast<int>(t.minutes().count()),
                static_cast<int>(t.seconds().count()));
  return std::string(buf);
}

std::string suivi_url(std::string_view tracking_url, const std::vector<std::string>& ids) {
  std::string url(tracking_url);
  url += "/idships/";
  for (std::size_t i = 0; i < ids.size(); ++i) url += (i ? "," : "") + ids[i];
  url += "?lang=fr_FR";
  return url;
}

result<carriers::tracking_batch> parse_suivi_response(const carriers::outbound_response& response,
                                                      const std::vector<std::string>& requested) {
  const int status = response.status;
  const std::string http_code = "HTTP " + std::to_string(status);
  const int retry_after = retry_after_seconds(http::find_header(response.headers, "Retry-After"));
  if (status == 401 || status == 403)
    return fail(
        suivi_error(error_kind::auth_failed,
                    "La Poste refused the gateway's Okapi key (carriers.colissimo.okapi_key)",
                    http_code, error_text(response.body)));
  if (status == 429) {
    error e = suivi_error(error_kind::rate_limited, "La Poste Suivi is throttling the gateway",
                          http_code, error_text(response.body));
    e.retry_after_s = retry_after;
    return fail(std::move(e));
  }
  if (status >= 500) {
    error e = suivi_error(error_kind::unavailable, "La Poste Suivi is unavailable", http_code,
                          error_text(response.body));
    e.retry_after_s = retry_after;
    return fail(std::move(e));
  }

  // Envelopes: one object, or an array of them (207, and some 200 answers).
  boost::system::error_code ec;
  json::value doc = json::parse(response.body, ec);
  std::vector<const json::object*> envelopes;
  if (!ec && doc.is_object() && doc.get_object().contains("returnCode"))
    envelopes.push_back(&doc.get_object());
  else if (!ec && doc.is_array())
    for (const auto& item : doc.get_array())
      if (item.is_object() && item.get_object().contains("returnCode"))
        envelopes.push_back(&item.get_object());
  const bool readable_status = status == 200 || status == 207 || status == 400 || status == 404;
  if (!readable_status || envelopes.empty()) {
    const bool refused = status == 400;
    return fail(suivi_error(refused ? error_kind::invalid_request : error_kind::bad_gateway,
                            refused ? "La Poste Suivi refused the request"
                                    : "La Poste Suivi answered something unreadable",
                            http_code, error_text(response.body)));
  }

  std::map<std::string, std::string> wanted;  // upper-cased id -> id as requested
  for (const auto& id : requested) wanted.emplace(upper(id), id);
  std::map<std::string, bool> answered;

  carriers::tracking_batch batch;
  for (const json::object* env : envelopes) {
    const json::object* shipment = nullptr;
    if (const json::value* s = env->if_contains("shipment"); s && s->is_object())
      shipment = &s->get_object();
    std::string id = shipment ? member_text(*shipment, "idShip") : std::string{};
    if (id.empty()) id = member_text(*env, "idShip");
    auto it = wanted.find(upper(id));
    if (it == wanted.end()) continue;  // not one of ours: ignored
    const std::string& number = it->second;
    answered[it->first] = true;
    const int code = member_int(*env, "returnCode").value_or(0);
    if (code != 200 || !shipment) {
      const error_kind kind = code == 200 ? error_kind::bad_gateway : miss_kind(code);
      batch.misses.push_back(carriers::tracking_miss{
          .tracking_number = number,
          .why = suivi_error(
              kind, code == 200 ? "La Poste answered without a shipment" : miss_message(kind),
              std::to_string(code), member_text(*env, "returnMessage"))});
      continue;
    }
    std::string removal_point;
    if (const json::value* ctx = shipment->if_contains("contextData"); ctx && ctx->is_object())
      if (const json::value* rp = ctx->get_object().if_contains("removalPoint");
          rp && rp->is_object())
        removal_point = member_text(rp->get_object(), "name");
    std::vector<carriers::tracking_event> events;
    if (const json::value* list = shipment->if_contains("event"); list && list->is_array()) {
      for (const auto& item : list->get_array()) {
        if (!item.is_object()) continue;
        const json::object& ev = item.get_object();
        const std::string raw_date = member_text(ev, "date");
        auto utc = to_utc_rfc3339(raw_date);
        if (!utc)
          return fail(suivi_error(error_kind::bad_gateway,
                                  "La Poste Suivi gave an event date without a readable offset",
                                  http_code, raw_date));
        const std::string event_code = member_text(ev, "code");
        const tracking_status st = map_tracking_code(event_code);
        events.push_back(carriers::tracking_event{
            .tracking_number = number,
            .status = st,
            .carrier_code = event_code,
            .carrier_text = member_text(ev, "label"),
            .occurred_at = std::move(*utc),
            .location = st == tracking_status::available_for_pickup ? removal_point : "",
            .postal_code = {},
            .country = {},
            .point_id = {}});
      }
    }
    // Suivi lists events newest first; the contract wants oldest first.
    std::reverse(events.begin(), events.end());
    std::stable_sort(events.begin(), events.end(),
                     [](const auto& a, const auto& b) { return a.occurred_at < b.occurred_at; });
    for (auto& e : events) batch.events.push_back(std::move(e));
  }
  for (const auto& [key, number] : wanted)
    if (!answered.contains(key))
      batch.misses.push_back(carriers::tracking_miss{
          .tracking_number = number,
          .why = suivi_error(error_kind::unavailable,
                             "La Poste's answer did not mention this number", http_code, {})});
  return batch;
}

}  // namespace parcelgate::adapters::colissimo
