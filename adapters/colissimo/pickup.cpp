#include "adapters/colissimo/pickup.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "gateway/http/message.hpp"

namespace parcelgate::adapters::colissimo {

namespace json = boost::json;

namespace {

bool all_digits_of(std::string_view s, std::size_t n) noexcept {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !all_digits_of(s.substr(0, 4), 4) ||
      !all_digits_of(s.substr(5, 2), 2) || !all_digits_of(s.substr(8, 2), 2))
    return std::nullopt;
  const int y = std::stoi(std::string(s.substr(0, 4)));
  const unsigned m = static_cast<unsigned>(std::stoi(std::string(s.substr(5, 2))));
  const unsigned d = static_cast<unsigned>(std::stoi(std::string(s.substr(8, 2))));
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string iso_date(std::chrono::year_month_day ymd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

void put_if(json::object& o, std::string_view key, std::string_view value) {
  if (!value.empty()) o[key] = value;
}

std::string retry_text(const carriers::outbound_response& r) {
  return std::string(http::find_header(r.headers, "Retry-After"));
}

int retry_after_seconds(std::string_view value) noexcept {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty() || value.size() > 6 || !all_digits_of(value, value.size())) return 0;
  return std::stoi(std::string(value));
}

error carrier_error(error_kind kind, std::string message, std::string code, std::string text) {
  return error{.kind = kind,
               .message = std::move(message),
               .fields = {},
               .carrier = std::string(kCarrierId),
               .carrier_code = std::move(code),
               .carrier_message = std::move(text)};
}

// What both operations share: the SLS envelope checks. On success, the parsed JSON root.
result<json::object> read_pickup_answer(const carriers::outbound_response& response,
                                        std::string_view what) {
  const int status = response.status;
  const std::string http_code = "HTTP " + std::to_string(status);
  const std::string_view content_type = http::find_header(response.headers, "Content-Type");
  const int retry_after = retry_after_seconds(retry_text(response));
  if (status == 429) {
    error e = carrier_error(error_kind::rate_limited, "Colissimo is throttling the gateway",
                            http_code, response.body.substr(0, 200));
    e.retry_after_s = retry_after;
    return fail(not_sold(std::move(e)));
  }
  auto answer = read_answer(content_type, response.body);
  const bool refused_by_sls =
      answer && std::any_of(answer->messages.begin(), answer->messages.end(),
                            [](const sls_message& m) { return m.type == "ERROR"; });
  if (status >= 500) {
    // Only SLS's own ERROR answer proves the call was refused; a proxy's page may come after the
    // back end planned the pickup.
    std::string text = answer && !answer->messages.empty() ? answer->messages.front().content
                                                           : response.body.substr(0, 200);
    error e = carrier_error(error_kind::unavailable, "Colissimo is unavailable", http_code,
                            std::move(text));
    e.retry_after_s = retry_after;
    return fail(refused_by_sls ? not_sold(std::move(e)) : std::move(e));
  }
  if (!answer) {
    const bool denied = status == 401 || status == 403;
    return fail(carrier_error(
        denied ? error_kind::auth_failed : error_kind::bad_gateway,
        denied ? "Colissimo refused the gateway's account"
               : "Colissimo answered " + std::string(what) + " with a body that is not SLS JSON",
        http_code, response.body.substr(0, 200)));
  }
  if (refused_by_sls) return fail(not_sold(map_pickup_messages(answer->messages, what)));
  if (status != 200)
    return fail(carrier_error(
        error_kind::bad_gateway,
        "Colissimo answered " + std::string(what) + " with an error status and no message",
        http_code, response.body.substr(0, 200)));
  // read_answer accepted the body, so its JSON is an object; the multipart envelope is not
  // expected for these operations, but read_answer would have unwrapped it.
  boost::system::error_code ec;
  std::string_view body = response.body;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return json::object{};  // multipart: only the messages were read
  return std::move(doc.get_object());
}

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

bool valid_hhmm(std::string_view t) noexcept {
  if (t.size() != 5 || t[2] != ':' || !all_digits_of(t.substr(0, 2), 2) ||
      !all_digits_of(t.substr(3, 2), 2))
    return false;
  return (t[0] - '0') * 10 + (t[1] - '0') < 24 && (t[3] - '0') * 10 + (t[4] - '0') < 60;
}

}  // namespace

std::vector<field_error> check_pickup_address(const address& at) {
  std::vector<field_error> problems;
  auto add = [&problems](std::string field, std::string message) {
    problems.push_back(field_error{.field = std::move(field), .message = std::move(message)});
  };
  if (at.country != "FR")
    add("address.country", "Colissimo mailbox pickups are offered in France only (country FR)");
  if (at.line1.empty()) add("address.line1", "the street line is required for a mailbox pickup");
  if (!all_digits_of(at.postal_code, 5))
    add("address.postal_code", "a French postal code has 5 digits");
  if (at.city.empty()) add("address.city", "the city is required for a mailbox pickup");
  return problems;
}

std::vector<field_error> check_pickup_request(const carriers::pickup_request& request) {
  std::vector<field_error> problems = check_pickup_address(request.at);
  auto add = [&problems](std::string field, std::string message) {
    problems.push_back(field_error{.field = std::move(field), .message = std::move(message)});
  };
  if (request.parcels.empty()) {
    add("shipment_ids",
        "Colissimo picks up parcels it sold, by their parcel number: list the shipments to pick "
        "up (a parcel count alone cannot be booked)");
  }
  for (std::size_t i = 0; i < request.parcels.size(); ++i)
    if (!valid_parcel_number(request.parcels[i].tracking_number))
      add("shipment_ids[" + std::to_string(i) + "]",
          "not a Colissimo parcel number: '" + request.parcels[i].tracking_number + "'");
  if (!parse_iso_date(request.date)) add("date", "must be a date written YYYY-MM-DD");
  if (request.at.name.empty())
    add("address.name", "the contact's name is required for a mailbox pickup");
  // planPickup's sender.email is mandatory (ekyna's SDK model: required, 80 characters).
  if (request.at.email.empty())
    add("address.email", "Colissimo needs the contact's email to plan a mailbox pickup");
  return problems;
}

std::string build_picking_dates_request(const address& at, const account& acct) {
  json::object sender;
  // line2 is the street (mandatory), line3 the complement, as in generateLabel's addresses.
  sender["line2"] = at.line1;
  put_if(sender, "line3", at.line2);
  sender["countryCode"] = at.country;
  sender["zipCode"] = at.postal_code;
  sender["city"] = at.city;
  json::object root{{"contractNumber", acct.contract_number},
                    {"password", acct.password},
                    {"sender", std::move(sender)}};
  return json::serialize(root);
}

std::string build_plan_pickup_request(const address& at, std::string_view parcel_number,
                                      std::string_view date, const account& acct) {
  std::string first, last = at.name;
  if (auto space = at.name.find_last_of(' '); space != std::string::npos) {
    first = at.name.substr(0, space);
    last = at.name.substr(space + 1);
  } else {
    first = at.name;  // firstName is mandatory: a single name fills both
  }
  json::object sender;
  put_if(sender, "companyName", at.company);
  sender["lastName"] = last;
  sender["firstName"] = first;
  sender["line2"] = at.line1;
  put_if(sender, "line3", at.line2);
  sender["zipCode"] = at.postal_code;
  sender["city"] = at.city;
  sender["countryCode"] = at.country;
  sender["email"] = at.email;
  if (!at.phone.empty()) sender["phoneNumber"] = compact_phone(at.phone);
  json::object root{{"contractNumber", acct.contract_number},
                    {"password", acct.password},
                    {"parcelNumber", parcel_number},
                    {"mailBoxPickingDate", date},
                    {"sender", std::move(sender)}};
  return json::serialize(root);
}

std::string paris_date_of_epoch_ms(std::int64_t epoch_ms, const time_zone& paris) {
  // Floor division: an instant before 1970 still belongs to the second it falls in.
  std::int64_t seconds = epoch_ms / 1000;
  if (epoch_ms % 1000 < 0) --seconds;
  return iso_date(paris.local_date(std::chrono::sys_seconds{std::chrono::seconds{seconds}}));
}

std::optional<std::string> local_to_utc_rfc3339(std::string_view date, std::string_view local_time,
                                                const time_zone& zone) {
  const auto ymd = parse_iso_date(date);
  if (!ymd || !valid_hhmm(local_time)) return std::nullopt;
  const auto hours = std::chrono::hours{(local_time[0] - '0') * 10 + (local_time[1] - '0')};
  const auto minutes = std::chrono::minutes{(local_time[3] - '0') * 10 + (local_time[4] - '0')};
  // The wall clock read as if it were UTC, then corrected by the offset in force: the offset is
  // looked up twice so that a time just after a change uses the offset of its own side.
  const std::chrono::sys_seconds wall{std::chrono::sys_days{*ymd}.time_since_epoch() + hours +
                                      minutes};
  const std::chrono::sys_seconds guess = wall - zone.offset(wall);
  const std::chrono::sys_seconds utc = wall - zone.offset(guess);
  const auto day = std::chrono::floor<std::chrono::days>(utc);
  const std::chrono::hh_mm_ss hms{utc - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ",
                iso_date(std::chrono::year_month_day{day}).c_str(),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return std::string(buf);
}

error map_pickup_messages(const std::vector<sls_message>& messages, std::string_view what) {
  error e = map_messages(messages);
  // The catalogue names the label request's sender ("from.*"); here the sender is the pickup
  // address. Paths about the label's other parts mean nothing to a pickup request.
  std::vector<field_error> fields;
  for (auto& f : e.fields)
    if (f.field.starts_with("from.")) fields.push_back({"address." + f.field.substr(5), f.message});
  e.fields = std::move(fields);
  const std::string op(what);
  switch (e.kind) {
    case error_kind::auth_failed:
    case error_kind::unavailable:
      break;  // map_messages already says whose fault it is
    case error_kind::invalid_request:
      e.message = "Colissimo rejected the " + op + " data";
      break;
    default:
      e.message = "Colissimo refused the " + op + ": " +
                  (e.carrier_message.empty() ? std::string("no reason given") : e.carrier_message);
  }
  return e;
}

result<picking_dates> parse_picking_dates_response(const carriers::outbound_response& response,
                                                   const time_zone& paris) {
  auto root = read_pickup_answer(response, "pickup dates request");
  if (!root) return fail(std::move(root.error()));
  const json::value* list = root->if_contains("mailBoxPickingDates");
  if (!list || !(list->is_array() || list->is_null()))
    return fail(carrier_error(error_kind::bad_gateway,
                              "Colissimo answered the pickup dates request without "
                              "mailBoxPickingDates",
                              "HTTP " + std::to_string(response.status), {}));
  picking_dates out;
  out.max_hour = text_of(*root, "mailBoxPickingDateMaxHour");
  out.validity_time = text_of(*root, "validityTime");
  if (list->is_null()) return out;  // no date offered at that address
  for (const auto& item : list->get_array()) {
    std::optional<std::int64_t> ms;
    if (item.is_int64())
      ms = item.get_int64();
    else if (item.is_uint64() && item.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
      ms = static_cast<std::int64_t>(item.get_uint64());
    else if (item.is_string() && !item.get_string().empty() &&
             all_digits_of(item.get_string(), item.get_string().size()) &&
             item.get_string().size() <= 15)
      ms = std::stoll(std::string(item.get_string()));
    if (!ms)
      return fail(carrier_error(error_kind::bad_gateway,
                                "Colissimo answered a pickup date that is not epoch milliseconds",
                                "HTTP " + std::to_string(response.status), json::serialize(item)));
    std::string date = paris_date_of_epoch_ms(*ms, paris);
    if (std::find(out.dates.begin(), out.dates.end(), date) == out.dates.end())
      out.dates.push_back(std::move(date));
  }
  return out;
}

result<void> parse_plan_pickup_response(const carriers::outbound_response& response) {
  auto root = read_pickup_answer(response, "mailbox pickup");
  if (!root) return fail(std::move(root.error()));
  return {};
}

std::vector<carriers::pickup_slot> to_pickup_slots(const picking_dates& offered,
                                                   std::string_view from_date,
                                                   const time_zone& paris) {
  std::vector<carriers::pickup_slot> slots;
  for (const auto& d : offered.dates) {
    if (!from_date.empty() && d < from_date) continue;  // YYYY-MM-DD sorts as text
    carriers::pickup_slot s{.date = d};
    if (auto before = local_to_utc_rfc3339(d, offered.max_hour, paris)) s.book_before = *before;
    slots.push_back(std::move(s));
  }
  return slots;
}

carriers::pickup_confirmation pickup_confirmation_of(const std::vector<std::string>& parcels,
                                                     std::string_view date) {
  std::string joined;
  for (const auto& p : parcels) joined += (joined.empty() ? "" : ",") + p;
  return carriers::pickup_confirmation{.confirmation = std::move(joined),
                                       .date = std::string(date),
                                       .window_from = {},
                                       .window_to = {},
                                       .carrier_status = "planned"};
}

error partial_booking_error(error failure, const std::vector<std::string>& booked,
                            std::string_view failed_parcel,
                            const std::vector<std::string>& not_attempted, std::string_view date) {
  if (booked.empty()) return failure;
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& p : v) s += (s.empty() ? "" : ", ") + p;
    return s;
  };
  std::string message = "Colissimo booked the mailbox pickup on " + std::string(date) + " of " +
                        join(booked) + ", but not of " + std::string(failed_parcel) + " (" +
                        failure.message + ")";
  if (!not_attempted.empty()) message += "; not attempted: " + join(not_attempted);
  message += ". The booked parcels will be picked up; Colissimo offers no cancellation.";
  failure.message = std::move(message);
  failure.sale = sale_outcome::unknown;  // pickups exist: the request must not be replayed blindly
  return failure;
}

}  // namespace parcelgate::adapters::colissimo
