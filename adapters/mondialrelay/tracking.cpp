// WSI2_TracingColisDetaille -> tracking_batch (see tracking.hpp).
#include "adapters/mondialrelay/tracking.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace parcelgate::adapters::mondialrelay {

namespace {

using namespace std::chrono_literals;

// 1 or 2 digits (`max_digits` more when allowed) read whole, or nullopt.
std::optional<int> number(std::string_view s, std::size_t min_digits, std::size_t max_digits) {
  if (s.size() < min_digits || s.size() > max_digits) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<std::chrono::local_seconds> read_local(std::string_view date, std::string_view time) {
  auto s1 = date.find('/');
  auto s2 = s1 == std::string_view::npos ? s1 : date.find('/', s1 + 1);
  if (s2 == std::string_view::npos) return std::nullopt;
  auto day = number(date.substr(0, s1), 1, 2);
  auto month = number(date.substr(s1 + 1, s2 - s1 - 1), 1, 2);
  std::string_view year_text = date.substr(s2 + 1);
  auto year = number(year_text, 2, 4);
  if (!day || !month || !year || year_text.size() == 3) return std::nullopt;
  if (year_text.size() == 2) *year += 2000;  // "26" -> 2026: the service keeps recent history
  auto colon = time.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto hour = number(time.substr(0, colon), 1, 2);
  auto minute = number(time.substr(colon + 1), 2, 2);
  if (!hour || !minute || *hour > 23 || *minute > 59) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{*year},
                                  std::chrono::month{static_cast<unsigned>(*month)},
                                  std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::local_days{ymd} + std::chrono::hours{*hour} + std::chrono::minutes{*minute};
}

std::string point_id(const tracing_step& step) {
  if (step.relay_num.empty() || step.relay_country.empty()) return {};
  return std::string(kCarrierId) + ":" + step.relay_country + ":" + step.relay_num;
}

error tracking_wire_error(error_kind kind, std::string message, std::string code,
                          std::string text) {
  return carrier_failure(kCarrierId, kind, std::move(message), std::move(code), std::move(text));
}

}  // namespace

carriers::retry_policy tracing_retry_policy() {
  return carriers::retry_policy{.attempts = 3,
                                .backoff = {200ms, 1000ms},
                                .expect_status = 200,
                                .expect_body_prefix = {},
                                .retry_transport_failures = true};
}

carriers::outbound_request build_tracing_request(std::string_view base_url, const account& acct,
                                                 std::string_view expedition) {
  carriers::outbound_request out;
  out.method = "POST";
  out.url = std::string(base_url) + std::string(kSoapPath);
  out.headers = {{.name = "Content-Type", .value = "text/xml; charset=utf-8"},
                 {.name = "SOAPAction", .value = soap_action(kTracingOperation)}};
  out.body =
      build_envelope(kTracingOperation, build_tracing_params(acct, expedition, kTracingLanguage));
  out.idempotent = true;
  out.operation = "track";
  out.retry = tracing_retry_policy();
  return out;
}

bool valid_expedition(std::string_view expedition) noexcept {
  return expedition.size() == 8 && std::all_of(expedition.begin(), expedition.end(),
                                               [](char c) { return c >= '0' && c <= '9'; });
}

std::chrono::sys_seconds local_to_utc(std::chrono::local_seconds local, const time_zone& zone) {
  const std::chrono::sys_seconds wall{local.time_since_epoch()};
  // The offsets in force a day either side cover both sides of any change on that day.
  const std::chrono::seconds before = zone.offset(wall - 26h), after = zone.offset(wall + 26h);
  std::optional<std::chrono::sys_seconds> best;
  for (auto off : {before, after}) {
    auto t = wall - off;
    if (zone.offset(t) == off && (!best || t < *best)) best = t;
  }
  return best ? *best : wall - before;  // no such wall time (spring gap): the old offset
}

std::optional<std::string> tracing_time_utc(std::string_view date, std::string_view time,
                                            const time_zone& zone) {
  auto local = read_local(date, time);
  if (!local) return std::nullopt;
  auto t = local_to_utc(*local, zone);
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return std::string(buf);
}

bool tracing_known(int stat) noexcept {
  return stat >= 80 && stat <= 89;
}

error tracing_error(int stat) {
  error e = creation_error(stat, delivery_plan{});
  e.fields.clear();  // creation_error names fields of a label request, not of a poll
  e.sale = sale_outcome::unknown;
  if (stat == 24 || stat == 94) {
    e.kind = error_kind::not_found;
    e.message =
        "Mondial Relay does not know this expedition number (STAT " + std::to_string(stat) + ")";
  }
  return e;
}

result<carriers::tracking_batch> to_tracking_batch(std::string_view expedition,
                                                   const tracing_response& answer,
                                                   const time_zone& zone) {
  carriers::tracking_batch out;
  if (!tracing_known(answer.stat)) {
    error e = tracing_error(answer.stat);
    if (e.kind != error_kind::not_found) return fail(std::move(e));
    out.misses.push_back(
        carriers::tracking_miss{.tracking_number = std::string(expedition), .why = std::move(e)});
    return out;
  }
  for (std::size_t i = 0; i < answer.steps.size(); ++i) {
    const tracing_step& step = answer.steps[i];
    auto when = tracing_time_utc(step.date, step.time, zone);
    if (!when)
      return fail(tracking_wire_error(
          error_kind::bad_gateway,
          "Mondial Relay answered a tracing step whose date cannot be read",
          "STAT " + std::to_string(answer.stat), step.label + " " + step.date + " " + step.time));
    tracking_status status = status_from_label(step.label);
    // A label the map does not know takes the overall STAT when it is the latest step.
    if (status == tracking_status::unknown && i + 1 == answer.steps.size())
      status = status_from_stat(answer.stat);
    out.events.push_back(carriers::tracking_event{
        .tracking_number = std::string(expedition),
        .status = status,
        .carrier_code = to_mr_text(step.label, text_class::city, 200),
        .carrier_text = step.label,
        .occurred_at = std::move(*when),
        .location = step.location,
        .postal_code = {},
        .country = step.relay_country,
        .point_id = point_id(step),
    });
  }
  // The service lists steps oldest first; keep that order for equal times, enforce it otherwise.
  std::stable_sort(out.events.begin(), out.events.end(),
                   [](const carriers::tracking_event& a, const carriers::tracking_event& b) {
                     return a.occurred_at < b.occurred_at;
                   });
  return out;
}

result<carriers::tracking_batch> decode_tracking(std::string_view expedition, int http_status,
                                                 std::string_view body, const time_zone& zone) {
  auto parsed = parse_tracing_response(http_status, body);
  if (!parsed) return fail(std::move(parsed.error()));
  return to_tracking_batch(expedition, *parsed, zone);
}

}  // namespace parcelgate::adapters::mondialrelay
