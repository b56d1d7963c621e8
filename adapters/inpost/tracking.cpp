// InPost tracking: GET /v1/tracking/{n} and webhook pushes -> tracking events (tracking.hpp).
#include "adapters/inpost/tracking.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace parcelgate::adapters::inpost {

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::optional<int> digits(std::string_view s, std::size_t n) {
  if (s.size() != n) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + n, value);
  if (ec != std::errc{} || end != s.data() + n) return std::nullopt;
  return value;
}

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

error tracking_error(error_kind kind, std::string message, std::string code, std::string body) {
  return carrier_failure(kCarrierId, kind, std::move(message), std::move(code),
                         body.substr(0, 200));
}

error push_error(std::string field, std::string message) {
  return error{.kind = error_kind::invalid_request,
               .message = "InPost push: " + message,
               .fields = {field_error{.field = std::move(field), .message = std::move(message)}},
               .carrier = std::string(kCarrierId),
               .carrier_code = {},
               .carrier_message = {},
               .retry_after_s = 0,
               .sale = sale_outcome::unknown};
}

std::string point_id(std::string_view name) {
  if (name.empty()) return {};
  return std::string(kCarrierId) + ":" + std::string(kCountry) + ":" + std::string(name);
}

}  // namespace

std::optional<std::string> to_utc(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.f...](Z|+HH:MM|-HH:MM|+HHMM)
  if (t.size() < 20) return std::nullopt;
  auto year = digits(t.substr(0, 4), 4), month = digits(t.substr(5, 2), 2),
       day = digits(t.substr(8, 2), 2), hour = digits(t.substr(11, 2), 2),
       minute = digits(t.substr(14, 2), 2), second = digits(t.substr(17, 2), 2);
  if (!year || !month || !day || !hour || !minute || !second || t[4] != '-' || t[7] != '-' ||
      (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
    return std::nullopt;
  if (*hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  std::string_view rest = t.substr(19);
  std::string fraction;
  if (rest.starts_with('.')) {
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      fraction.push_back(rest.front());
      rest.remove_prefix(1);
    }
    if (fraction.empty()) return std::nullopt;
    while (fraction.ends_with('0')) fraction.pop_back();
  }
  int offset_min = 0;
  if (rest == "Z" || rest == "z") {
    offset_min = 0;
  } else if (rest.size() == 6 || rest.size() == 5) {
    const char sign = rest[0];
    if (sign != '+' && sign != '-') return std::nullopt;
    auto oh = digits(rest.substr(1, 2), 2);
    auto om = rest.size() == 6 && rest[3] == ':' ? digits(rest.substr(4, 2), 2)
              : rest.size() == 5                 ? digits(rest.substr(3, 2), 2)
                                                 : std::nullopt;
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset_min = (*oh * 60 + *om) * (sign == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{*year},
                                        std::chrono::month{static_cast<unsigned>(*month)},
                                        std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  const auto utc = std::chrono::sys_days{ymd} + std::chrono::hours{*hour} +
                   std::chrono::minutes{*minute} + std::chrono::seconds{*second} -
                   std::chrono::minutes{offset_min};
  const auto d = std::chrono::floor<std::chrono::days>(utc);
  const std::chrono::year_month_day out{d};
  const std::chrono::hh_mm_ss hms{utc - d};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(out.year()),
                static_cast<unsigned>(out.month()), static_cast<unsigned>(out.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  std::string s = buf;
  if (!fraction.empty()) s += "." + fraction;
  return s + "Z";
}

carriers::retry_policy tracking_retry_policy() {
  return carriers::retry_policy{.attempts = 3,
                                .backoff = {200ms, 1000ms},
                                .expect_status = 0,
                                .expect_body_prefix = {},
                                .retry_transport_failures = true};
}

carriers::outbound_request build_tracking_request(const account& acct, std::string_view number) {
  carriers::outbound_request out;
  out.method = "GET";
  out.url = acct.base_url + "/v1/tracking/" + std::string(number);
  out.headers = {{.name = "Authorization", .value = "Bearer " + acct.token},
                 {.name = "Accept", .value = "application/json"}};
  out.idempotent = true;
  out.operation = "track";
  out.retry = tracking_retry_policy();
  return out;
}

bool valid_tracking_number(std::string_view n) noexcept {
  return n.size() >= 8 && n.size() <= 32 && std::all_of(n.begin(), n.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
         });
}

result<carriers::tracking_batch> decode_tracking(std::string_view number,
                                                 const carriers::outbound_response& answer) {
  const int status = answer.status;
  const std::string code = "HTTP " + std::to_string(status);
  carriers::tracking_batch out;
  if (status == 404) {
    auto shipx = parse_error(answer.body);
    out.misses.push_back(carriers::tracking_miss{
        .tracking_number = std::string(number),
        .why = tracking_error(error_kind::not_found,
                              "InPost does not know tracking number " + std::string(number),
                              shipx ? shipx->error : code, answer.body)});
    return out;
  }
  if (status == 401 || status == 403)
    return fail(tracking_error(error_kind::auth_failed,
                               "InPost refused our credentials for tracking (check token)", code,
                               answer.body));
  if (status == 429) {
    auto e = tracking_error(error_kind::rate_limited, "InPost throttles tracking requests", code,
                            answer.body);
    const auto retry_after = answer.header("Retry-After");
    int seconds = 0;
    std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
    e.retry_after_s = std::max(seconds, 1);
    return fail(std::move(e));
  }
  if (status >= 500)
    return fail(tracking_error(error_kind::unavailable, "InPost tracking is unavailable", code,
                               answer.body));
  if (status != 200)
    return fail(tracking_error(error_kind::bad_gateway,
                               "InPost answered tracking with HTTP " + std::to_string(status), code,
                               answer.body));

  boost::system::error_code ec;
  auto v = json::parse(answer.body, ec);
  if (ec || !v.is_object())
    return fail(tracking_error(error_kind::bad_gateway, "InPost tracking answer is not JSON",
                               "not JSON", answer.body));
  const auto& o = v.as_object();
  const auto* details = o.if_contains("tracking_details");
  if (!details || !details->is_array())
    return fail(tracking_error(error_kind::bad_gateway,
                               "InPost tracking answer has no tracking_details", "no details",
                               answer.body));
  std::string target, dropoff;
  if (const auto* attrs = o.if_contains("custom_attributes"); attrs && attrs->is_object()) {
    target = text(attrs->as_object(), "target_point_id");
    if (target.empty()) target = text(attrs->as_object(), "target_machine_id");
    if (target.empty()) target = text(attrs->as_object(), "target_point");
    dropoff = text(attrs->as_object(), "dropoff_point_id");
    if (dropoff.empty()) dropoff = text(attrs->as_object(), "dropoff_machine_id");
  }
  // ShipX lists the newest detail first; events go oldest first.
  const auto& list = details->as_array();
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    if (!it->is_object())
      return fail(tracking_error(error_kind::bad_gateway, "InPost tracking detail is not an object",
                                 "bad detail", answer.body));
    const auto& d = it->as_object();
    const std::string name = text(d, "status"), when = text(d, "datetime");
    auto utc = to_utc(when);
    if (name.empty() || !utc)
      return fail(tracking_error(
          error_kind::bad_gateway,
          "InPost tracking detail without a status or a readable time ('" + when + "')",
          "bad detail", answer.body));
    const auto* entry = find_status(name);
    std::string point;
    if (entry && entry->at_target_point) point = point_id(target);
    if (name == "dispatched_by_sender" || name == "dispatched_by_sender_to_pok")
      point = point_id(dropoff);
    out.events.push_back(carriers::tracking_event{
        .tracking_number = std::string(number),
        .status = entry ? entry->status : tracking_status::unknown,
        .carrier_code = name,
        .carrier_text = entry ? std::string(entry->title) : text(d, "origin_status"),
        .occurred_at = std::move(*utc),
        .location = text(d, "agency"),
        .postal_code = {},
        .country = std::string(kCountry),
        .point_id = std::move(point)});
  }
  return out;
}

result<carriers::push_batch> decode_push(std::string_view body, std::string_view organization_id) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return fail(push_error("body", "the body is not JSON (" + ec.message() + ")"));
  if (!v.is_object()) return fail(push_error("body", "the body is not a JSON object"));
  const auto& o = v.as_object();
  const std::string event = text(o, "event");
  if (event.empty()) return fail(push_error("event", "required: the InPost event name"));
  if (!organization_id.empty()) {
    const std::string org = text(o, "organization_id");
    if (!org.empty() && org != organization_id)
      return fail(push_error("organization_id", "organization " + org +
                                                    " is not the configured organization " +
                                                    std::string(organization_id)));
  }
  carriers::push_batch out{.events = {}, .kind = event};
  if (event != "shipment_status_changed") return out;  // no scan: a confirmation, offers...

  const auto* payload = o.if_contains("payload");
  if (!payload || !payload->is_object())
    return fail(push_error("payload", "required: an object with tracking_number and status"));
  const auto& p = payload->as_object();
  const std::string number = text(p, "tracking_number"), status = text(p, "status");
  if (number.empty())
    return fail(push_error("payload.tracking_number", "required for shipment_status_changed"));
  if (status.empty())
    return fail(push_error("payload.status", "required for shipment_status_changed"));
  const std::string ts = text(o, "event_ts");
  auto utc = to_utc(ts);
  if (!utc)
    return fail(push_error("event_ts",
                           "must be a time with its UTC offset, e.g. "
                           "2026-03-02T10:15:00.000+01:00 (got '" +
                               ts + "')"));
  const auto* entry = find_status(status);
  out.events.push_back(
      carriers::tracking_event{.tracking_number = number,
                               .status = entry ? entry->status : tracking_status::unknown,
                               .carrier_code = status,
                               .carrier_text = entry ? std::string(entry->title) : std::string{},
                               .occurred_at = std::move(*utc),
                               .location = {},
                               .postal_code = {},
                               .country = std::string(kCountry),
                               .point_id = {}});
  return out;
}

}  // namespace parcelgate::adapters::inpost
