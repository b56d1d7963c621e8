#include "adapters/inpost/wire.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

namespace parcelgate::adapters::inpost {

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string postcode(std::string_view s) {
  if (s.size() == 5) return std::string(s.substr(0, 2)) + "-" + std::string(s.substr(2));
  return std::string(s);
}

// "Jan Kowalski" -> first_name Jan, last_name Kowalski; one word stays a first name.
void put_name(json::object& o, const address& a) {
  if (!a.company.empty()) o["company_name"] = a.company;
  std::string_view name = a.name;
  if (name.empty()) return;
  auto space = name.find(' ');
  if (space == std::string_view::npos) {
    o["first_name"] = name;
    return;
  }
  o["first_name"] = name.substr(0, space);
  auto rest = name.substr(space + 1);
  while (rest.starts_with(' ')) rest.remove_prefix(1);
  if (!rest.empty()) o["last_name"] = rest;
}

json::object address_of(const address& a) {
  json::object o{{"line1", a.line1}};
  if (!a.line2.empty()) o["line2"] = a.line2;
  o["city"] = a.city;
  o["post_code"] = postcode(a.postal_code);
  o["country_code"] = a.country.empty() ? std::string(kCountry) : a.country;
  return o;
}

std::string kilograms(int grams) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d.%03d", grams / 1000, grams % 1000);
  std::string s = buf;
  while (s.ends_with('0')) s.pop_back();
  if (s.ends_with('.')) s.push_back('0');
  return s;
}

std::vector<carriers::http_header> auth_headers(const account& acct, bool json_body) {
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

std::optional<shipment_info> shipment_from(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  shipment_info s;
  s.id = text_of(o.if_contains("id"));
  s.status = text_of(o.if_contains("status"));
  s.tracking_number = text_of(o.if_contains("tracking_number"));
  s.service = text_of(o.if_contains("service"));
  if (s.id.empty() || s.status.empty()) return std::nullopt;
  return s;
}

void flatten(const json::value& v, const std::string& path,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.as_object()) {
      std::string_view k = key;
      const bool index = !k.empty() && std::all_of(k.begin(), k.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
      std::string next = index ? path + "[" + std::string(k) + "]"
                               : (path.empty() ? std::string(k) : path + "." + std::string(k));
      flatten(child, next, out);
    }
    return;
  }
  if (v.is_array()) {
    std::string codes;
    for (const auto& item : v.as_array()) {
      if (item.is_string()) {
        codes += (codes.empty() ? "" : ",") + std::string(item.as_string());
      } else {
        flatten(item, path, out);
      }
    }
    if (!codes.empty()) out.emplace_back(path, std::move(codes));
    return;
  }
  if (v.is_string()) out.emplace_back(path, std::string(v.as_string()));
}

error carrier_error(error_kind kind, std::string message, std::string code, std::string text) {
  return carrier_failure(kCarrierId, kind, std::move(message), std::move(code), std::move(text));
}

std::string snippet(std::string_view body) {
  return std::string(body.substr(0, 200));
}

}  // namespace

std::string shipment_body(const shipment_request& r, const shipment_plan& plan) {
  json::object receiver;
  put_name(receiver, r.to);
  if (!r.to.email.empty()) receiver["email"] = r.to.email;
  receiver["phone"] = plan.receiver_phone;
  if (!plan.locker) receiver["address"] = address_of(r.to);

  json::object body;
  body["receiver"] = std::move(receiver);
  if (!r.from.name.empty() || !r.from.company.empty()) {
    json::object sender;
    put_name(sender, r.from);
    if (!r.from.email.empty()) sender["email"] = r.from.email;
    if (!plan.sender_phone.empty()) sender["phone"] = plan.sender_phone;
    if (!r.from.line1.empty()) sender["address"] = address_of(r.from);
    body["sender"] = std::move(sender);
  }
  json::array parcels;
  for (const auto& p : r.parcels) {
    if (plan.locker) {
      parcels.push_back(json::object{{"template", plan.parcel_template}});
      continue;
    }
    json::object po;
    if (p.dimensions_mm)
      po["dimensions"] = json::object{{"length", p.dimensions_mm->length},
                                      {"width", p.dimensions_mm->width},
                                      {"height", p.dimensions_mm->height},
                                      {"unit", "mm"}};
    po["weight"] = json::object{{"amount", json::parse(kilograms(p.weight_g))}, {"unit", "kg"}};
    po["is_non_standard"] = false;
    parcels.push_back(std::move(po));
  }
  body["parcels"] = std::move(parcels);
  if (plan.locker)
    body["custom_attributes"] =
        json::object{{"target_point", plan.target_point}, {"sending_method", plan.sending_method}};
  else
    body["custom_attributes"] = json::object{{"sending_method", plan.sending_method}};
  body["service"] = plan.service;
  // Our shipment id is the sender's reference (unique per purchase); the merchant's own
  // reference (the order number) goes to comments, printed on the label.
  body["reference"] = r.shipment_id;
  if (!r.reference.empty()) body["comments"] = r.reference;
  return json::serialize(body);
}

carriers::outbound_request build_create_request(const account& acct, const shipment_request& r,
                                                const shipment_plan& plan) {
  carriers::outbound_request out;
  out.method = "POST";
  out.url = acct.base_url + "/v1/organizations/" + acct.organization_id + "/shipments";
  out.headers = auth_headers(acct, true);
  if (!r.shipment_id.empty())
    out.headers.push_back({.name = "X-Request-ID", .value = r.shipment_id});
  out.body = shipment_body(r, plan);
  out.idempotent = false;
  out.operation = "create_label";
  return out;
}

carriers::retry_policy confirm_policy(int confirm_timeout_s, label_format format) {
  // 0.25 s + 0.5 s, then 1 s per further exchange.
  const int attempts = 3 + std::max(0, confirm_timeout_s - 1);
  return carriers::retry_policy{.attempts = attempts,
                                .backoff = {250ms, 500ms, 1000ms},
                                .expect_status = 200,
                                .expect_body_prefix = format == label_format::pdf ? "%PDF-" : "",
                                .retry_transport_failures = true};
}

carriers::outbound_request build_label_request(const account& acct, std::string_view shipment_id,
                                               label_format format, int confirm_timeout_s) {
  carriers::outbound_request out;
  out.method = "GET";
  out.url = acct.base_url + "/v1/shipments/" + std::string(shipment_id) +
            "/label?format=" + (format == label_format::zpl ? "Zpl" : "Pdf") + "&type=A6";
  out.headers = {
      {.name = "Authorization", .value = "Bearer " + acct.token},
      {.name = "Accept", .value = format == label_format::zpl ? "text/plain" : "application/pdf"}};
  out.idempotent = true;
  out.operation = "fetch_label";
  out.retry = confirm_policy(confirm_timeout_s, format);
  return out;
}

carriers::outbound_request build_read_request(const account& acct, std::string_view shipment_id) {
  carriers::outbound_request out;
  out.method = "GET";
  out.url = acct.base_url + "/v1/shipments/" + std::string(shipment_id);
  out.headers = auth_headers(acct, false);
  out.idempotent = true;
  out.operation = "read_shipment";
  out.retry = carriers::retry_policy{.attempts = 3,
                                     .backoff = {200ms, 500ms},
                                     .expect_status = 200,
                                     .expect_body_prefix = {},
                                     .retry_transport_failures = true};
  return out;
}

carriers::outbound_request build_find_request(const account& acct,
                                              std::string_view tracking_number) {
  carriers::outbound_request out = build_read_request(acct, "");
  out.url = acct.base_url + "/v1/organizations/" + acct.organization_id +
            "/shipments?tracking_number=" + std::string(tracking_number);
  out.operation = "find_shipment";
  return out;
}

carriers::outbound_request build_cancel_request(const account& acct, std::string_view shipment_id) {
  carriers::outbound_request out;
  out.method = "DELETE";
  out.url = acct.base_url + "/v1/shipments/" + std::string(shipment_id);
  out.headers = auth_headers(acct, false);
  out.idempotent = false;
  out.operation = "cancel_label";
  return out;
}

std::optional<shipment_info> parse_shipment(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return shipment_from(v);
}

std::optional<shipment_info> parse_first_listed(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* items = v.as_object().if_contains("items");
  if (!items || !items->is_array() || items->as_array().empty()) return std::nullopt;
  return shipment_from(items->as_array().front());
}

std::optional<shipx_error> parse_error(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  const auto* status = o.if_contains("status");
  const auto* name = o.if_contains("error");
  if (!status || !status->is_int64() || !name || !name->is_string()) return std::nullopt;
  shipx_error e;
  e.status = static_cast<int>(status->as_int64());
  e.error = std::string(name->as_string());
  e.message = text_of(o.if_contains("message"));
  if (const auto* details = o.if_contains("details")) flatten(*details, "", e.details);
  return e;
}

error creation_error(int http_status, std::string_view body) {
  auto shipx = parse_error(body);
  if (!shipx) {
    if (http_status >= 200 && http_status < 300)
      return carrier_error(error_kind::bad_gateway,
                           "InPost answered a shipment creation with a body that is not a shipment",
                           "HTTP " + std::to_string(http_status), snippet(body));
    // A proxy's page or an unknown format: the shipment may exist.
    return carrier_error(
        http_status >= 500 ? error_kind::unavailable : error_kind::bad_gateway,
        "InPost answered HTTP " + std::to_string(http_status) + " outside its error format",
        "HTTP " + std::to_string(http_status), snippet(body));
  }
  error e = carrier_error(error_kind::rejected, "InPost: " + shipx->message, shipx->error,
                          shipx->message);
  std::string listed;
  for (const auto& [path, codes] : shipx->details) {
    listed += (listed.empty() ? "" : "; ") + path + ": " + codes;
    auto ours = api_path(path);
    if (ours.empty()) continue;
    e.fields.push_back(field_error{.field = std::move(ours),
                                   .message = "InPost refused " + path + " (" + codes + ")"});
  }
  if (!listed.empty()) e.message += " (" + listed + ")";
  const int status = shipx->status != 0 ? shipx->status : http_status;
  if (shipx->error == "validation_failed" || status == 400 || status == 422) {
    e.kind = error_kind::invalid_request;
  } else if (status == 401 || status == 403 || shipx->error == "token_invalid" ||
             shipx->error == "unauthorized" || shipx->error == "access_forbidden") {
    e.kind = error_kind::auth_failed;
    e.message =
        "InPost refused our credentials (check token and organization_id): " + shipx->message;
  } else if (status == 404) {
    e.kind = error_kind::auth_failed;
    e.message = "InPost does not know organization (check organization_id): " + shipx->message;
  } else if (status == 429) {
    e.kind = error_kind::rate_limited;
  } else if (status == 503) {
    e.kind = error_kind::unavailable;
  } else if (status >= 500) {
    // InPost's own 500: its processing failed somewhere, possibly after the shipment was stored.
    e.kind = error_kind::unavailable;
    return e;
  }
  return not_sold(std::move(e));  // InPost's own refusal: no shipment was created
}

error cancel_error(std::string_view shipment_id, int http_status, std::string_view body) {
  const std::string id(shipment_id);
  auto shipx = parse_error(body);
  if (!shipx)
    return carrier_error(
        http_status >= 500 ? error_kind::unavailable : error_kind::bad_gateway,
        "InPost answered the void of shipment " + id + " with HTTP " + std::to_string(http_status),
        "HTTP " + std::to_string(http_status), snippet(body));
  error e = carrier_error(error_kind::rejected, "InPost: " + shipx->message, shipx->error,
                          shipx->message);
  if (shipx->error == "invalid_action" || http_status == 409) {
    std::string state;
    for (const auto& [path, codes] : shipx->details)
      if (path == "shipment_status") state = codes;
    e.kind = error_kind::conflict;
    e.message =
        "the InPost label can no longer be voided: InPost voids a shipment only before "
        "its label is generated, and shipment " +
        id + " is " + (state.empty() ? "past that point" : state);
  } else if (http_status == 404) {
    e.kind = error_kind::not_found;
    e.message = "InPost does not know shipment " + id;
  } else if (http_status == 401 || http_status == 403) {
    e.kind = error_kind::auth_failed;
    e.message = "InPost refused our credentials (check token): " + shipx->message;
  } else if (http_status == 429) {
    e.kind = error_kind::rate_limited;
  } else if (http_status >= 500) {
    e.kind = error_kind::unavailable;
  }
  return e;
}

}  // namespace parcelgate::adapters::inpost
