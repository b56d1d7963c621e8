#include "adapters/inpost/pickup.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "adapters/inpost/points.hpp"

namespace parcelgate::adapters::inpost {

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), is_digit);
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "09:00" -> 540; nullopt unless HH:MM with 00-23 / 00-59 (24:00 is accepted as the day's end).
std::optional<int> minutes_of(std::string_view hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':' || !is_digit(hhmm[0]) || !is_digit(hhmm[1]) ||
      !is_digit(hhmm[3]) || !is_digit(hhmm[4]))
    return std::nullopt;
  const int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  const int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::vector<carriers::http_header> headers(const account& acct, bool json_body) {
  std::vector<carriers::http_header> h = {
      {.name = "Authorization", .value = "Bearer " + acct.token},
      {.name = "Accept", .value = "application/json"}};
  if (json_body) h.push_back({.name = "Content-Type", .value = "application/json"});
  return h;
}

std::string text_of(const json::value* v) {
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

error pickup_error(error_kind kind, std::string message, std::string code = {},
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

// Our pickup request's path for a path of ShipX's dispatch order details; empty when none.
std::string pickup_path(std::string_view shipx) {
  if (shipx.starts_with("shipments")) return "shipment_ids";
  if (shipx == "name") return "address.name";
  if (shipx == "phone") return "address.phone";
  if (shipx == "email") return "address.email";
  if (shipx == "comment") return "instructions";
  if (shipx == "office_hours") return "window.from";
  if (shipx.starts_with("address")) {
    if (shipx.ends_with("city")) return "address.city";
    if (shipx.ends_with("post_code")) return "address.postal_code";
    if (shipx.ends_with("country_code")) return "address.country";
    return "address.line1";
  }
  return {};
}

std::string snippet(std::string_view body) {
  return std::string(body.substr(0, 200));
}

}  // namespace

std::optional<street_parts> split_street(std::string_view line1) {
  line1 = trimmed(line1);
  // The building number is the last word starting with a digit: "Aleja 3 Maja 10" keeps "3 Maja"
  // in the street. A word is cut at spaces only; "5/4" and "12A" stay whole.
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < line1.size(); ++i)
    if (is_digit(line1[i]) && (i == 0 || line1[i - 1] == ' ')) at = i;
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::string_view street = trimmed(line1.substr(0, at));
  std::string_view number = trimmed(line1.substr(at));
  // Separators written before the number ("Florianska, 12") belong to neither part.
  while (!street.empty() && (street.back() == ',' || street.back() == ' ')) street.remove_suffix(1);
  if (street.empty() || number.empty()) return std::nullopt;
  return street_parts{.street = std::string(street), .building_number = std::string(number)};
}

std::vector<field_error> check_pickup(const carriers::pickup_request& r, dispatch_plan& plan) {
  std::vector<field_error> errors;
  auto add = [&errors](std::string field, std::string message) {
    errors.push_back(field_error{.field = std::move(field), .message = std::move(message)});
  };

  plan.shipment_ids.clear();
  bool missing = r.parcels.empty();
  for (const auto& p : r.parcels) {
    if (p.carrier_reference.empty()) {
      missing = true;
      continue;
    }
    if (!all_digits(p.carrier_reference)) {
      add("shipment_ids", "InPost shipment id " + p.carrier_reference + " is not a ShipX id");
      continue;
    }
    if (std::find(plan.shipment_ids.begin(), plan.shipment_ids.end(), p.carrier_reference) ==
        plan.shipment_ids.end())
      plan.shipment_ids.push_back(p.carrier_reference);
  }
  if (missing)
    add("shipment_ids",
        "an InPost courier collects shipments bought through this gateway: every parcel needs "
        "the InPost shipment id of its label (a parcel count alone cannot be booked)");

  if (!r.at.country.empty() && r.at.country != kCountry)
    add("address.country", "InPost collects parcels in Poland only");
  if (auto parts = split_street(r.at.line1))
    plan.street = std::move(*parts);
  else
    add("address.line1", "must hold the street and the building number (\"ul. Florianska 12\")");
  if (trimmed(r.at.city).empty()) add("address.city", "must not be empty");
  if (auto code = shipx_post_code(r.at.postal_code))
    plan.post_code = std::move(*code);
  else
    add("address.postal_code", "must be a Polish postal code (NN-NNN)");
  if (trimmed(r.at.name).empty() && trimmed(r.at.company).empty())
    add("address.name", "InPost's courier asks for a contact name");
  if (auto phone = polish_phone(r.at.phone))
    plan.phone = std::move(*phone);
  else
    add("address.phone", "must be a Polish phone number: 9 digits, optionally after +48");

  plan.office_hours.clear();
  if (!r.window_from.empty() || !r.window_to.empty()) {
    auto from = minutes_of(r.window_from), to = minutes_of(r.window_to);
    if (!from) add("window.from", "must be a time HH:MM");
    if (!to) add("window.to", "must be a time HH:MM");
    if (from && to && *from >= *to) add("window.to", "must be after window.from");
    if (from && to && *from < *to) plan.office_hours = r.window_from + "-" + r.window_to;
  }
  if (r.instructions.size() > kMaxDispatchComment)
    add("instructions",
        "at most " + std::to_string(kMaxDispatchComment) + " characters for InPost");
  return errors;
}

std::string dispatch_order_body(const carriers::pickup_request& r, const dispatch_plan& plan) {
  json::array shipments;
  // ShipX numbers shipments: the ids go as numbers, as its clients send them.
  for (const auto& id : plan.shipment_ids) shipments.push_back(json::parse(id));
  json::object body;
  body["shipments"] = std::move(shipments);
  body["name"] =
      std::string(trimmed(r.at.name).empty() ? trimmed(r.at.company) : trimmed(r.at.name));
  body["phone"] = plan.phone;
  if (!r.at.email.empty()) body["email"] = r.at.email;
  body["address"] = json::object{{"street", plan.street.street},
                                 {"building_number", plan.street.building_number},
                                 {"city", std::string(trimmed(r.at.city))},
                                 {"post_code", plan.post_code},
                                 {"country_code", std::string(kCountry)}};
  if (!plan.office_hours.empty()) body["office_hours"] = plan.office_hours;
  if (!r.instructions.empty()) body["comment"] = r.instructions;
  return json::serialize(body);
}

carriers::outbound_request build_dispatch_order_request(const account& acct,
                                                        const carriers::pickup_request& r,
                                                        const dispatch_plan& plan) {
  carriers::outbound_request out;
  out.method = "POST";
  out.url = acct.base_url + "/v1/organizations/" + acct.organization_id + "/dispatch_orders";
  out.headers = headers(acct, true);
  if (!r.pickup_id.empty()) out.headers.push_back({.name = "X-Request-ID", .value = r.pickup_id});
  out.body = dispatch_order_body(r, plan);
  out.idempotent = false;
  out.operation = "book_pickup";
  return out;
}

carriers::outbound_request build_dispatch_order_read_request(const account& acct,
                                                             std::string_view id) {
  carriers::outbound_request out;
  out.method = "GET";
  out.url = acct.base_url + "/v1/dispatch_orders/" + std::string(id);
  out.headers = headers(acct, false);
  out.idempotent = true;
  out.operation = "read_pickup";
  out.retry = carriers::retry_policy{.attempts = 3,
                                     .backoff = {200ms, 500ms},
                                     .expect_status = 200,
                                     .expect_body_prefix = {},
                                     .retry_transport_failures = true};
  return out;
}

carriers::outbound_request build_dispatch_order_cancel_request(const account& acct,
                                                               std::string_view id) {
  carriers::outbound_request out;
  out.method = "DELETE";
  out.url = acct.base_url + "/v1/dispatch_orders/" + std::string(id);
  out.headers = headers(acct, false);
  out.idempotent = false;
  out.operation = "cancel_pickup";
  return out;
}

std::optional<dispatch_order_info> parse_dispatch_order(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  dispatch_order_info info;
  info.id = text_of(o.if_contains("id"));
  info.status = text_of(o.if_contains("status"));
  if (info.id.empty() || info.status.empty()) return std::nullopt;
  if (const auto* list = o.if_contains("shipments"); list && list->is_array())
    for (const auto& s : list->as_array()) {
      std::string id = s.is_object() ? text_of(s.as_object().if_contains("id")) : text_of(&s);
      if (!id.empty()) info.shipment_ids.push_back(std::move(id));
    }
  return info;
}

result<carriers::pickup_confirmation> decode_booking(const carriers::pickup_request& request,
                                                     const carriers::outbound_response& answer) {
  if (answer.status == 200 || answer.status == 201) {
    if (auto order = parse_dispatch_order(answer.body))
      return carriers::pickup_confirmation{.confirmation = order->id,
                                           .date = request.date,
                                           .window_from = request.window_from,
                                           .window_to = request.window_to,
                                           .carrier_status = order->status};
  }
  auto shipx = parse_error(answer.body);
  const int status = shipx && shipx->status != 0 ? shipx->status : answer.status;
  if (shipx && (shipx->error == "validation_failed" || status == 400 || status == 422)) {
    error e = pickup_error(error_kind::invalid_request,
                           "InPost refused the dispatch order: " + shipx->message, shipx->error,
                           shipx->message);
    std::string listed;
    for (const auto& [path, codes] : shipx->details) {
      listed += (listed.empty() ? "" : "; ") + path + ": " + codes;
      auto ours = pickup_path(path);
      if (ours.empty()) continue;
      e.fields.push_back(field_error{.field = std::move(ours),
                                     .message = "InPost refused " + path + " (" + codes + ")"});
    }
    if (!listed.empty()) e.message += " (" + listed + ")";
    return fail(not_sold(std::move(e)));
  }
  // Everything else reads as a refused shipment creation does: the same statuses mean the same.
  error e = creation_error(answer.status, answer.body);
  if (answer.status >= 200 && answer.status < 300)
    e.message = "InPost answered a dispatch order with a body that is not one";
  else
    e.message = "dispatch order: " + e.message;
  return fail(std::move(e));
}

result<void> decode_cancel(std::string_view id, const carriers::outbound_response& answer) {
  if (answer.status == 200 || answer.status == 204) return {};
  const std::string order(id);
  auto shipx = parse_error(answer.body);
  if (!shipx) {
    if (answer.status == 404)
      return fail(pickup_error(error_kind::not_found,
                               "InPost does not know dispatch order " + order, "HTTP 404",
                               snippet(answer.body)));
    return fail(
        pickup_error(answer.status >= 500 ? error_kind::unavailable : error_kind::bad_gateway,
                     "InPost answered the cancel of dispatch order " + order + " with HTTP " +
                         std::to_string(answer.status),
                     "HTTP " + std::to_string(answer.status), snippet(answer.body)));
  }
  error e =
      pickup_error(error_kind::rejected, "InPost: " + shipx->message, shipx->error, shipx->message);
  if (shipx->error == "invalid_action" || answer.status == 409) {
    std::string state;
    for (const auto& [path, codes] : shipx->details)
      if (path == "dispatch_order_status" || path == "status") state = codes;
    e.kind = error_kind::conflict;
    e.message = "InPost no longer cancels dispatch order " + order +
                (state.empty() ? std::string(": it is past that point") : " (" + state + ")");
  } else if (answer.status == 404 || shipx->error == "resource_not_found") {
    e.kind = error_kind::not_found;
    e.message = "InPost does not know dispatch order " + order;
  } else if (answer.status == 401 || answer.status == 403) {
    e.kind = error_kind::auth_failed;
    e.message = "InPost refused our credentials (check token): " + shipx->message;
  } else if (answer.status == 429) {
    e.kind = error_kind::rate_limited;
  } else if (answer.status >= 500) {
    e.kind = error_kind::unavailable;
  }
  return fail(std::move(e));
}

}  // namespace parcelgate::adapters::inpost
