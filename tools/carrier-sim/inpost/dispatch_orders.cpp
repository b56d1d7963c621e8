#include "tools/carrier-sim/inpost/dispatch_orders.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <random>

namespace parcelgate::sim::inpost_dispatch {

namespace {

namespace json = boost::json;

http::response shipx_error(int status, std::string_view error, std::string_view message,
                           json::value details = json::object{}) {
  return http::response::json(
      status,
      json::serialize(json::object{
          {"status", status}, {"error", error}, {"message", message}, {"details", details}}));
}

bool digits(std::string_view s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

// "09:00-12:00" with the first before the second.
bool valid_hours(std::string_view s) {
  auto minutes = [](std::string_view t) -> int {
    if (t.size() != 5 || t[2] != ':' || !digits(t.substr(0, 2), 2) || !digits(t.substr(3), 2))
      return -1;
    const int h = std::stoi(std::string(t.substr(0, 2))), m = std::stoi(std::string(t.substr(3)));
    return h > 24 || m > 59 ? -1 : h * 60 + m;
  };
  if (s.size() != 11 || s[5] != '-') return false;
  const int from = minutes(s.substr(0, 5)), to = minutes(s.substr(6));
  return from >= 0 && to >= 0 && from < to;
}

void add(json::object& details, std::string_view field, std::string_view code) {
  auto& codes = details[field];
  if (!codes.is_array()) codes = json::array{};
  codes.as_array().push_back(json::string(code));
}

}  // namespace

dispatch_book::dispatch_book(environment env) : env_(std::move(env)) {
  std::random_device rd;
  next_id_ = 400'000 + std::uniform_int_distribution<std::uint64_t>(0, 99'999)(rd);
}

void dispatch_book::advance(order& o, sys_clock::time_point now) const {
  if (o.status == "new" && now >= o.created + env_.send_after) {
    o.status = "sent";
    o.updated = o.created + env_.send_after;
  }
}

std::string dispatch_book::render(const order& o) const {
  json::array shipments;
  for (const auto& id : o.shipments) {
    auto s = env_.find_shipment(id);
    json::value tracking = nullptr;
    if (s && !s->tracking_number.empty()) tracking = json::string(s->tracking_number);
    shipments.push_back(json::object{{"href", env_.api_host + "/v1/shipments/" + id},
                                     {"id", std::stoll(id)},
                                     {"tracking_number", std::move(tracking)}});
  }
  json::array comments;
  if (!o.comment.empty())
    comments.push_back(json::object{{"id", std::stoll(o.id) * 10 + 1},
                                    {"comment", o.comment},
                                    {"created_at", env_.shipx_time(o.created)}});
  json::object address{{"street", o.street},
                       {"building_number", o.building_number},
                       {"city", o.city},
                       {"post_code", o.post_code},
                       {"country_code", o.country_code}};
  return json::serialize(json::object{{"href", env_.api_host + "/v1/dispatch_orders/" + o.id},
                                      {"id", std::stoll(o.id)},
                                      {"status", o.status},
                                      {"created_at", env_.shipx_time(o.created)},
                                      {"updated_at", env_.shipx_time(o.updated)},
                                      {"address", std::move(address)},
                                      {"shipments", std::move(shipments)},
                                      {"comments", std::move(comments)}});
}

http::response dispatch_book::create(std::string_view body_text) {
  boost::system::error_code ec;
  auto parsed = json::parse(body_text, ec);
  if (ec || !parsed.is_object())
    return shipx_error(400, "invalid_json", "The request body is not valid JSON.");
  const auto& body = parsed.as_object();

  std::lock_guard lock(mutex_);
  const auto now = sys_clock::now();
  for (auto& [id, o] : orders_) advance(o, now);

  order o;
  json::object details;
  const auto* list = body.if_contains("shipments");
  if (!list || !list->is_array() || list->as_array().empty()) {
    add(details, "shipments", "required");
  } else {
    json::object per_item;
    const auto& items = list->as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string id = items[i].is_string()   ? std::string(items[i].as_string())
                             : items[i].is_int64()  ? std::to_string(items[i].as_int64())
                             : items[i].is_uint64() ? std::to_string(items[i].as_uint64())
                                                    : std::string{};
      std::string_view problem;
      auto shipment = id.empty() ? std::nullopt : env_.find_shipment(id);
      if (!shipment) {
        problem = "does_not_exist";
      } else if (!shipment->service.starts_with("inpost_courier")) {
        problem = "invalid_service";  // lockers are posted by the sender, not collected
      } else if (shipment->status == "created" || shipment->status == "canceled") {
        problem = "invalid_status";  // no label yet, or voided
      } else if (std::find(o.shipments.begin(), o.shipments.end(), id) != o.shipments.end()) {
        problem = "duplicated";
      } else {
        for (const auto& [oid, other] : orders_)
          if (other.status != "canceled" &&
              std::find(other.shipments.begin(), other.shipments.end(), id) !=
                  other.shipments.end())
            problem = "already_dispatched";
      }
      if (!problem.empty()) {
        per_item[std::to_string(i)] = json::array{json::string(problem)};
        continue;
      }
      o.shipments.push_back(id);
    }
    if (!per_item.empty()) details["shipments"] = json::array{std::move(per_item)};
  }

  o.name = text(body, "name");
  o.phone = text(body, "phone");
  o.email = text(body, "email");
  o.office_hours = text(body, "office_hours");
  o.comment = text(body, "comment");
  o.dispatch_point_id = text(body, "dispatch_point_id");
  if (o.name.empty()) add(details, "name", "required");
  if (o.phone.empty())
    add(details, "phone", "required");
  else if (!digits(o.phone, 9))
    add(details, "phone", "invalid");
  if (!o.office_hours.empty() && !valid_hours(o.office_hours))
    add(details, "office_hours", "invalid");
  if (o.dispatch_point_id.empty()) {
    const auto* a = body.if_contains("address");
    if (!a || !a->is_object()) {
      add(details, "address", "required");
    } else {
      const auto& addr = a->as_object();
      json::object problems;
      o.street = text(addr, "street");
      o.building_number = text(addr, "building_number");
      o.city = text(addr, "city");
      o.post_code = text(addr, "post_code");
      o.country_code = text(addr, "country_code");
      if (o.street.empty()) add(problems, "street", "required");
      if (o.building_number.empty()) add(problems, "building_number", "required");
      if (o.city.empty()) add(problems, "city", "required");
      if (o.post_code.size() != 6 || o.post_code[2] != '-' ||
          !digits(o.post_code.substr(0, 2), 2) || !digits(o.post_code.substr(3), 3))
        add(problems, "post_code", "invalid");
      if (o.country_code != "PL") add(problems, "country_code", "invalid");
      if (!problems.empty()) details["address"] = json::array{std::move(problems)};
    }
  }
  if (!details.empty())
    return shipx_error(400, "validation_failed",
                       "There are some validation errors. Check details object for more info.",
                       std::move(details));

  o.id = std::to_string(next_id_++);
  o.status = "new";
  o.created = o.updated = now;
  auto out = http::response::json(201, render(o));
  orders_.emplace(o.id, std::move(o));
  return out;
}

http::response dispatch_book::read(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = orders_.find(id);
  if (it == orders_.end()) return shipx_error(404, "resource_not_found", "Resource not found.");
  order& o = it->second;
  advance(o, sys_clock::now());
  // The first read finds the order passed on, whatever the delay: tests then never wait.
  if (o.status == "new") {
    o.status = "sent";
    o.updated = sys_clock::now();
  }
  return http::response::json(200, render(o));
}

http::response dispatch_book::cancel(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = orders_.find(id);
  if (it == orders_.end()) return shipx_error(404, "resource_not_found", "Resource not found.");
  order& o = it->second;
  const auto now = sys_clock::now();
  advance(o, now);
  if (o.status != "new" && o.status != "sent")
    return shipx_error(
        400, "invalid_action",
        "Action (cancel) can not be taken on dispatch order with status (" + o.status + ").",
        json::object{{"action", "cancel"},
                     {"dispatch_order_status", o.status},
                     {"dispatch_order_id", std::stoll(o.id)}});
  o.status = "canceled";
  o.updated = now;
  return http::response::text(204, "", "application/json");
}

}  // namespace parcelgate::sim::inpost_dispatch
