// Simulated InPost ShipX (prefix /inpost): the asynchronous shipment flow and public tracking.
//   POST   /v1/organizations/{org}/shipments            create: 201 shipment in status `created`
//   GET    /v1/organizations/{org}/shipments?tracking_number=N   list (one filter)
//   GET    /v1/shipments/{id}                           read; `confirmed` (with its tracking
//                                                       number) once the confirm delay passed
//   GET    /v1/shipments/{id}/label?format=Pdf|Zpl&type=A6   the label once confirmed, else 400
//                                                       invalid_action
//   DELETE /v1/shipments/{id}                           204 while not confirmed, else 400
//                                                       invalid_action
//   GET    /v1/tracking/{n}                             public; tracking_details newest first,
//                                                       404 resource_not_found for unknown numbers
//   GET    /v1/points, /v1/points/{name}                lockers and Parcel Points of Kraków and
//                                                       Warszawa (points_routes.cpp over
//                                                       points_data.cpp)
// Sandbox account: token "sandbox-inpost-token" (Authorization: Bearer), organization 6183.
// Errors are ShipX's {status, error, message, details}; validation details name the request
// paths ({"receiver": [{"phone": ["invalid"]}]}). Points whose name ends in 999 do not exist.
// Environment: CARRIER_SIM_INPOST_CONFIRM_MS (default 1000; "never": shipments stay `created`
// and nothing is sold), CARRIER_SIM_INPOST_STAGE_SECONDS (tracking moves one status per
// interval after the confirmation, default 60; 0: every status at once).
// A parcel sent with sending_method parcel_locker is `dispatched_by_sender` at its dropoff_point
// (KRA01M when none is given) instead of collected from the sender.
// Times are written in Polish local time with their offset (+01:00 / +02:00), as ShipX does.
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <optional>
#include <random>
#include <span>

#include "gateway/domain/time_zone.hpp"
#include "gateway/labels/label.hpp"
#include "tools/carrier-sim/inpost/points_routes.hpp"
#include "tools/carrier-sim/sim.hpp"
#include "tools/carrier-sim/timeline.hpp"

namespace parcelgate::sim {

namespace {

namespace json = boost::json;
using sys_clock = std::chrono::system_clock;

constexpr std::string_view kToken = "sandbox-inpost-token";
constexpr std::string_view kOrganization = "6183";
constexpr std::string_view kApiHost = "https://api-shipx-pl.easypack24.net";

// ---- the timeline -------------------------------------------------------------------------------

// What a shipment went through up to a moment: the status sequence of a parcel in the sandbox.
// Pure, so that a scripted clock (another module) can drive it later.
struct timeline_step {
  std::string_view status;
  sys_clock::time_point at;
};
struct timeline_input {
  bool locker = true;
  bool posted_in_locker = false;  // sending_method parcel_locker: the sender posts it in a locker
  sys_clock::time_point created;
  std::optional<std::chrono::milliseconds> confirm_after;  // nullopt: never confirmed
  std::chrono::seconds stage_interval{60};
  std::optional<sys_clock::time_point> cancelled;
};

constexpr std::string_view kLockerFlow[] = {"collected_from_sender",     "adopted_at_source_branch",
                                            "adopted_at_sorting_center", "sent_from_sorting_center",
                                            "adopted_at_target_branch",  "out_for_delivery",
                                            "ready_to_pickup",           "delivered"};
constexpr std::string_view kCourierFlow[] = {"collected_from_sender",
                                             "adopted_at_source_branch",
                                             "adopted_at_sorting_center",
                                             "sent_from_sorting_center",
                                             "adopted_at_target_branch",
                                             "out_for_delivery_to_address",
                                             "delivered"};

// The steps reached at `now`, oldest first (always at least `created`).
std::vector<timeline_step> timeline(const timeline_input& in, sys_clock::time_point now) {
  std::vector<timeline_step> out{{.status = "created", .at = in.created}};
  if (in.cancelled && *in.cancelled <= now) {
    out.push_back({.status = "canceled", .at = *in.cancelled});
    return out;
  }
  if (!in.confirm_after) return out;
  const auto confirmed = in.created + *in.confirm_after;
  if (confirmed > now) return out;
  out.push_back({.status = "confirmed", .at = confirmed});
  std::span<const std::string_view> flow = in.locker
                                               ? std::span<const std::string_view>(kLockerFlow)
                                               : std::span<const std::string_view>(kCourierFlow);
  for (std::size_t i = 0; i < flow.size(); ++i) {
    const auto at = confirmed + in.stage_interval * static_cast<int>(i + 1);
    if (at > now) break;
    std::string_view status = flow[i];
    if (i == 0 && in.posted_in_locker) status = "dispatched_by_sender";
    out.push_back({.status = status, .at = at});
  }
  return out;
}

// ---- helpers ------------------------------------------------------------------------------------

const time_zone& poland() {
  static const time_zone zone = [] {
    auto loaded = time_zone::load("Europe/Warsaw");
    if (!loaded) {
      std::fprintf(stderr, "carrier-sim: %s\n", loaded.error().message.c_str());
      std::exit(1);
    }
    return std::move(*loaded);
  }();
  return zone;
}

// "2026-12-02T10:28:00.000+01:00"
std::string shipx_time(sys_clock::time_point t) {
  const auto s = std::chrono::floor<std::chrono::seconds>(t);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - s).count();
  const auto offset = poland().offset(s);
  std::time_t tt = sys_clock::to_time_t(s + offset);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  const long minutes = static_cast<long>(offset.count() / 60);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s.%03d%c%02ld:%02ld", date, static_cast<int>(ms),
                minutes < 0 ? '-' : '+', std::labs(minutes) / 60, std::labs(minutes) % 60);
  return buf;
}

http::response shipx_error(int status, std::string_view error, std::string_view message,
                           json::value details = json::object{}) {
  return http::response::json(
      status,
      json::serialize(json::object{
          {"status", status}, {"error", error}, {"message", message}, {"details", details}}));
}

http::response validation_failed(json::object details) {
  return shipx_error(400, "validation_failed",
                     "There are some validation errors. Check details object for more info.",
                     std::move(details));
}

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

const json::object* obj(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

bool digits_only(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::chrono::milliseconds> confirm_from_environment() {
  const char* text = std::getenv("CARRIER_SIM_INPOST_CONFIRM_MS");
  if (!text || !*text) return std::chrono::milliseconds(1000);
  if (std::string_view(text) == "never") return std::nullopt;
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 0) return std::chrono::milliseconds(1000);
  return std::chrono::milliseconds(value);
}

std::chrono::seconds stage_from_environment() {
  const char* text = std::getenv("CARRIER_SIM_INPOST_STAGE_SECONDS");
  if (!text || !*text) return std::chrono::seconds(60);
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  return *end == '\0' && value >= 0 ? std::chrono::seconds(value) : std::chrono::seconds(60);
}

// Adds `code` under details[group][0][field] (ShipX's nesting).
void add_detail(json::object& details, std::string_view group, std::string_view field,
                std::string_view code) {
  auto& arr = details[group];
  if (!arr.is_array()) arr = json::array{json::object{}};
  auto& inner = arr.as_array().front().as_object();
  auto& codes = inner[field];
  if (!codes.is_array()) codes = json::array{};
  codes.as_array().push_back(json::string(code));
}

// ---- the service --------------------------------------------------------------------------------

struct shipment_record {
  std::string id, tracking_number, service, reference, target_point, dropoff_point;
  json::object request;  // as received, echoed in reads
  timeline_input flow;
  labels::label_content content;
  bool label_taken = false;
  std::size_t pushed = 1;  // timeline steps already pushed ("created" is never pushed)
};

class inpost_sim final : public carrier_sim {
 public:
  inpost_sim(sales_ledger& ledger, event_pusher* pusher)
      : ledger_(ledger),
        pusher_(pusher),
        confirm_after_(confirm_from_environment()),
        stage_interval_(stage_from_environment()) {
    (void)poland();  // fail at start, not at the first request
    std::random_device rd;
    next_id_ = 1'600'000'000 + std::uniform_int_distribution<std::uint64_t>(0, 99'999'999)(rd);
    rng_.seed(rd());
  }

  std::string_view prefix() const noexcept override { return "/inpost"; }

  http::response handle(const http::request& request) override {
    std::string_view path = request.path;
    path.remove_prefix(prefix().size());
    if (path.starts_with("/v1/tracking/") && request.method == "GET")
      return tracking(path.substr(13));
    if (!authorized(request))
      return shipx_error(401, "token_invalid", "Token is missing or invalid.");
    if (path == "/v1/points" || path.starts_with("/v1/points/")) {
      if (request.method != "GET")
        return shipx_error(405, "method_not_allowed", "Method not allowed.");
      std::string_view name = path.substr(std::min<std::size_t>(path.size(), 11));
      if (name.empty()) return inpost_points::search(request);
      return inpost_points::lookup(name);
    }
    if (path.starts_with("/v1/organizations/")) {
      std::string_view rest = path.substr(18);
      auto slash = rest.find('/');
      std::string_view org = rest.substr(0, slash);
      if (!digits_only(org)) return shipx_error(404, "resource_not_found", "Resource not found.");
      if (org != kOrganization)
        return shipx_error(403, "access_forbidden",
                           "You have not enough permissions to access this resource.");
      if (slash == std::string_view::npos || rest.substr(slash) != "/shipments")
        return shipx_error(404, "resource_not_found", "Resource not found.");
      if (request.method == "POST") return create(request.body);
      if (request.method == "GET") return list(request.query_param("tracking_number"));
      return shipx_error(405, "method_not_allowed", "Method not allowed.");
    }
    if (path.starts_with("/v1/shipments/")) {
      std::string_view rest = path.substr(14);
      auto slash = rest.find('/');
      std::string id(rest.substr(0, slash));
      if (slash != std::string_view::npos) {
        if (rest.substr(slash) == "/label" && request.method == "GET")
          return label(id, request.query_param("format"), request.query_param("type"));
        return shipx_error(404, "resource_not_found", "Resource not found.");
      }
      if (request.method == "GET") return read(id);
      if (request.method == "DELETE") return cancel(id);
      return shipx_error(405, "method_not_allowed", "Method not allowed.");
    }
    return shipx_error(404, "resource_not_found", "Resource not found.");
  }

  http::response busy_answer(const http::request&) const override {
    auto r = shipx_error(503, "service_unavailable",
                         "Service is temporarily unavailable. Please try again later.");
    r.set("Retry-After", "1");
    return r;
  }

 private:
  static bool authorized(const http::request& request) {
    return request.header("Authorization") == "Bearer " + std::string(kToken);
  }

  // ShipX's checks of a creation request; an empty object when it passes.
  json::object validate(const json::object& body, bool& locker) {
    json::object details;
    const std::string service = str(body, "service");
    locker = service.starts_with("inpost_locker");
    if (service != "inpost_locker_standard" && !service.starts_with("inpost_courier_"))
      details["service"] = json::array{"invalid"};
    const auto* receiver = obj(body, "receiver");
    if (!receiver) {
      details["receiver"] = json::array{"required"};
    } else {
      const std::string phone = str(*receiver, "phone");
      if (phone.empty())
        add_detail(details, "receiver", "phone", "required");
      else if (phone.size() != 9 || !digits_only(phone))
        add_detail(details, "receiver", "phone", "invalid");
      const std::string email = str(*receiver, "email");
      if (locker && email.empty())
        add_detail(details, "receiver", "email", "required");
      else if (!email.empty() && email.find('@') == std::string::npos)
        add_detail(details, "receiver", "email", "invalid");
      if (str(*receiver, "first_name").empty() && str(*receiver, "company_name").empty())
        add_detail(details, "receiver", "name", "required");
      if (!locker) {
        const auto* a = obj(*receiver, "address");
        if (!a) {
          add_detail(details, "receiver", "address", "required");
        } else {
          const std::string pc = str(*a, "post_code");
          if (pc.size() != 6 || pc[2] != '-' || !digits_only(pc.substr(0, 2)) ||
              !digits_only(pc.substr(3)))
            details["receiver"] = json::array{json::object{
                {"address", json::array{json::object{{"post_code", json::array{"invalid"}}}}}}};
        }
      }
    }
    if (locker) {
      const auto* attrs = obj(body, "custom_attributes");
      const std::string point = attrs ? str(*attrs, "target_point") : std::string{};
      if (point.empty())
        add_detail(details, "custom_attributes", "target_point", "required");
      else if (point.ends_with("999"))
        add_detail(details, "custom_attributes", "target_point", "does_not_exist");
    }
    const auto* parcels = body.if_contains("parcels");
    if (!parcels || !parcels->is_array() || parcels->as_array().empty()) {
      details["parcels"] = json::array{"required"};
    } else {
      const auto& p = parcels->as_array().front();
      json::object problems;
      if (!p.is_object()) {
        problems["template"] = json::array{"invalid"};
      } else if (locker) {
        const std::string t = str(p.as_object(), "template");
        if (t != "small" && t != "medium" && t != "large")
          problems["template"] = json::array{"invalid"};
      } else {
        const auto* w = obj(p.as_object(), "weight");
        const auto* amount = w ? w->if_contains("amount") : nullptr;
        const double kg = amount && amount->is_number() ? amount->to_number<double>() : 0;
        if (kg <= 0)
          problems["weight"] = json::array{json::object{{"amount", json::array{"too_small"}}}};
        if (kg > 50)
          problems["weight"] = json::array{json::object{{"amount", json::array{"too_big"}}}};
        if (!obj(p.as_object(), "dimensions")) problems["dimensions"] = json::array{"required"};
      }
      if (!problems.empty())
        details["parcels"] = json::array{json::object{{"0", std::move(problems)}}};
    }
    return details;
  }

  http::response create(std::string_view raw) {
    boost::system::error_code ec;
    auto parsed = json::parse(raw, ec);
    if (ec || !parsed.is_object())
      return shipx_error(400, "invalid_json", "The request body is not valid JSON.");
    const auto& body = parsed.as_object();
    bool locker = true;
    auto details = validate(body, locker);
    if (!details.empty()) return validation_failed(std::move(details));

    shipment_record rec;
    rec.id = std::to_string(next_id_.fetch_add(1));
    rec.service = str(body, "service");
    rec.reference = str(body, "reference");
    rec.request = body;
    const auto* attrs = obj(body, "custom_attributes");
    const bool posted = attrs && str(*attrs, "sending_method") == "parcel_locker";
    if (posted) {
      rec.dropoff_point = str(*attrs, "dropoff_point");
      if (rec.dropoff_point.empty()) rec.dropoff_point = "KRA01M";  // the sandbox's nearest one
    }
    rec.flow = timeline_input{.locker = locker,
                              .posted_in_locker = posted,
                              .created = sys_clock::now(),
                              .confirm_after = confirm_after_,
                              .stage_interval = stage_interval_,
                              .cancelled = std::nullopt};
    {
      std::lock_guard lock(mutex_);
      rec.tracking_number = (locker ? "6" : "5") + random_digits(23);
    }
    const auto& receiver = body.at("receiver").as_object();
    auto& c = rec.content;
    c.carrier_name = "InPost";
    c.product = locker ? "Paczkomat" : "Kurier";
    c.tracking_number = rec.tracking_number;
    c.recipient_lines.push_back(str(receiver, "first_name") + " " + str(receiver, "last_name"));
    if (locker) {
      rec.target_point = str(body.at("custom_attributes").as_object(), "target_point");
      c.recipient_lines.push_back("Paczkomat " + rec.target_point);
      c.routing = rec.target_point;
    } else {
      const auto& a = receiver.at("address").as_object();
      c.recipient_lines.push_back(str(a, "line1"));
      c.recipient_lines.push_back(str(a, "post_code") + " " + str(a, "city"));
      c.routing = str(a, "post_code");
    }
    c.recipient_lines.push_back("tel. " + str(receiver, "phone"));
    if (const auto* sender = obj(body, "sender")) {
      c.sender_lines.push_back(str(*sender, "first_name") + " " + str(*sender, "last_name"));
      if (const auto* a = obj(*sender, "address")) {
        c.sender_lines.push_back(str(*a, "line1"));
        c.sender_lines.push_back(str(*a, "post_code") + " " + str(*a, "city"));
      }
    }
    if (const auto* parcels = body.if_contains("parcels")) {
      const auto& p = parcels->as_array().front().as_object();
      c.weight = locker ? "size " + str(p, "template") : "";
    }
    c.reference = str(body, "comments");
    c.footer = "SANDBOX ORGANIZATION " + std::string(kOrganization) + " - NOT FOR SHIPPING";
    // InPost bills confirmed shipments: a sandbox that never confirms sells nothing.
    if (confirm_after_) ledger_.record("inpost", rec.reference, rec.tracking_number);
    auto answer = render(rec, sys_clock::now());
    {
      std::lock_guard lock(mutex_);
      by_tracking_.emplace(rec.tracking_number, rec.id);
      shipments_.emplace(rec.id, std::move(rec));
    }
    return http::response::json(201, json::serialize(answer));
  }

  // The shipment object as ShipX shows it at `now`.
  json::object render(const shipment_record& rec, sys_clock::time_point now) const {
    const auto steps = timeline(rec.flow, now);
    const std::string_view status = steps.back().status;
    const bool numbered = status != "created" && status != "canceled";
    json::object o;
    o["href"] = std::string(kApiHost) + "/v1/shipments/" + rec.id;
    o["id"] = std::stoll(rec.id);
    o["status"] = status;
    o["tracking_number"] = numbered ? json::value(rec.tracking_number) : json::value(nullptr);
    o["service"] = rec.service;
    o["reference"] = rec.reference;
    o["is_return"] = false;
    o["created_by_id"] = nullptr;
    o["sending_method"] = nullptr;
    o["comments"] = str(rec.request, "comments");
    o["additional_services"] = json::array{};
    o["custom_attributes"] = rec.request.contains("custom_attributes")
                                 ? rec.request.at("custom_attributes")
                                 : json::value(json::object{});
    o["sender"] = rec.request.contains("sender") ? rec.request.at("sender") : json::value(nullptr);
    o["receiver"] = rec.request.at("receiver");
    json::array parcels;
    for (const auto& p : rec.request.at("parcels").as_array()) {
      json::object po = p.as_object();
      po["id"] = std::stoll(rec.id) + 1;
      po["tracking_number"] = numbered ? json::value(rec.tracking_number) : json::value(nullptr);
      po["is_non_standard"] = false;
      parcels.push_back(std::move(po));
    }
    o["parcels"] = std::move(parcels);
    o["selected_offer"] = nullptr;
    o["offers"] = json::array{};
    o["transactions"] = json::array{};
    o["created_at"] = shipx_time(rec.flow.created);
    o["updated_at"] = shipx_time(steps.back().at);
    return o;
  }

  http::response read(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto it = shipments_.find(id);
    if (it == shipments_.end())
      return shipx_error(404, "resource_not_found", "Resource not found.");
    return http::response::json(200, json::serialize(render(it->second, sys_clock::now())));
  }

  http::response list(const std::string& tracking_number) {
    std::lock_guard lock(mutex_);
    json::array items;
    const auto now = sys_clock::now();
    for (const auto& [id, rec] : shipments_) {
      if (!tracking_number.empty() && rec.tracking_number != tracking_number) continue;
      auto shown = render(rec, now);
      if (!tracking_number.empty() && shown["tracking_number"].is_null()) continue;
      items.push_back(std::move(shown));
    }
    const auto count = items.size();
    return http::response::json(
        200, json::serialize(json::object{{"href", std::string(kApiHost) + "/v1/organizations/" +
                                                       std::string(kOrganization) + "/shipments"},
                                          {"count", count},
                                          {"page", 1},
                                          {"per_page", 100},
                                          {"items", std::move(items)}}));
  }

  http::response label(const std::string& id, const std::string& format, const std::string& type) {
    labels::label_content content;
    {
      std::lock_guard lock(mutex_);
      auto it = shipments_.find(id);
      if (it == shipments_.end())
        return shipx_error(404, "resource_not_found", "Resource not found.");
      const auto status = timeline(it->second.flow, sys_clock::now()).back().status;
      if (status == "created" || status == "canceled")
        return shipx_error(
            400, "invalid_action",
            "Action (label) can not be taken on shipment with status (" + std::string(status) +
                ").",
            json::object{
                {"action", "label"}, {"shipment_status", status}, {"shipment_id", std::stoll(id)}});
      it->second.label_taken = true;
      content = it->second.content;
    }
    label_format f;
    if (format == "Pdf" || format == "pdf" || format.empty())
      f = label_format::pdf;
    else if (format == "Zpl" || format == "zpl")
      f = label_format::zpl;
    else
      return validation_failed(json::object{{"format", json::array{"invalid"}}});
    if (!type.empty() && type != "A6" && type != "normal")
      return validation_failed(json::object{{"type", json::array{"invalid"}}});
    auto bytes = labels::render(content, f, type == "normal" ? label_size::a4 : label_size::a6);
    if (!bytes) return shipx_error(500, "internal_error", bytes.error().message);
    auto r = http::response::text(200, std::move(*bytes),
                                  f == label_format::pdf ? "application/pdf" : "text/plain");
    r.set("Content-Disposition",
          "attachment; filename=\"label_" + id + (f == label_format::pdf ? ".pdf\"" : ".zpl\""));
    return r;
  }

  http::response cancel(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto it = shipments_.find(id);
    if (it == shipments_.end())
      return shipx_error(404, "resource_not_found", "Resource not found.");
    const auto now = sys_clock::now();
    const auto status = timeline(it->second.flow, now).back().status;
    if (status != "created")
      return shipx_error(
          400, "invalid_action",
          "Action (cancel) can not be taken on shipment with status (" + std::string(status) + ").",
          json::object{
              {"action", "cancel"}, {"shipment_status", status}, {"shipment_id", std::stoll(id)}});
    it->second.flow.cancelled = now;
    return http::response::text(204, "", "application/json");
  }

  // InPost's webhook for each step reached since the last tick: shipment_confirmed, then
  // shipment_status_changed for every status after it.
  void tick() override {
    if (!pusher_ || !pusher_->enabled()) return;
    std::vector<std::string> bodies;
    {
      std::lock_guard lock(mutex_);
      const auto now = sys_clock::now();
      for (auto& [id, rec] : shipments_) {
        const auto steps = timeline(rec.flow, now);
        for (; rec.pushed < steps.size(); ++rec.pushed) {
          const auto& step = steps[rec.pushed];
          if (step.status == "canceled") continue;
          const bool confirmed = step.status == "confirmed";
          json::object payload{{"shipment_id", std::stoll(rec.id)},
                               {"tracking_number", rec.tracking_number}};
          if (!confirmed) {
            payload["status"] = step.status;
            payload["return_tracking_number"] = nullptr;
          }
          bodies.push_back(json::serialize(
              json::object{{"event_ts", shipx_time(step.at)},
                           {"event", confirmed ? "shipment_confirmed" : "shipment_status_changed"},
                           {"organization_id", std::stoll(std::string(kOrganization))},
                           {"payload", std::move(payload)}}));
        }
      }
    }
    for (auto& b : bodies) pusher_->push(std::move(b));
  }

  http::response tracking(std::string_view number) {
    shipment_record rec;
    {
      std::lock_guard lock(mutex_);
      auto t = by_tracking_.find(number);
      if (t == by_tracking_.end())
        return shipx_error(404, "resource_not_found", "Resource not found.");
      rec = shipments_.at(t->second);
    }
    const auto steps = timeline(rec.flow, sys_clock::now());
    if (steps.back().status == "created" || steps.back().status == "canceled")
      return shipx_error(404, "resource_not_found", "Resource not found.");
    json::array details;
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
      if (it->status == "created") continue;
      details.push_back(json::object{{"status", it->status},
                                     {"origin_status", origin_code(it->status)},
                                     {"agency", nullptr},
                                     {"datetime", shipx_time(it->at)}});
    }
    json::object attrs;
    if (rec.flow.locker) {
      attrs["size"] = "A";
      attrs["target_point_id"] = rec.target_point;
      attrs["target_machine_detail"] = json::object{
          {"href", "https://api-pl-points.easypack24.net/v1/points/" + rec.target_point},
          {"name", rec.target_point},
          {"opening_hours", "24/7"},
          {"type", json::array{"parcel_locker"}}};
    }
    if (!rec.dropoff_point.empty()) attrs["dropoff_point_id"] = rec.dropoff_point;
    json::object o{{"tracking_number", rec.tracking_number},
                   {"type", rec.service},
                   {"service", rec.service},
                   {"status", steps.back().status},
                   {"custom_attributes", std::move(attrs)},
                   {"tracking_details", std::move(details)},
                   {"expected_flow", json::array{}},
                   {"created_at", shipx_time(rec.flow.created)},
                   {"updated_at", shipx_time(steps.back().at)}};
    return http::response::json(200, json::serialize(o));
  }

  // The sorting system's own three-letter code shown beside each status.
  static std::string_view origin_code(std::string_view status) {
    if (status == "confirmed") return "PPN";
    if (status == "collected_from_sender") return "ODB";
    if (status == "ready_to_pickup") return "WPZ";
    if (status == "delivered") return "DOR";
    if (status.starts_with("out_for_delivery")) return "WDK";
    return "PRZ";
  }

  std::string random_digits(int n) {
    std::uniform_int_distribution<int> d(0, 9);
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + d(rng_)));
    return s;
  }

  sales_ledger& ledger_;
  event_pusher* pusher_;
  const std::optional<std::chrono::milliseconds> confirm_after_;
  const std::chrono::seconds stage_interval_;
  std::atomic<std::uint64_t> next_id_;
  std::mutex mutex_;
  std::mt19937_64 rng_;
  std::map<std::string, shipment_record, std::less<>> shipments_;
  std::map<std::string, std::string, std::less<>> by_tracking_;
};

}  // namespace

std::unique_ptr<carrier_sim> make_inpost_sim(sales_ledger& ledger, event_pusher* pusher) {
  return std::make_unique<inpost_sim>(ledger, pusher);
}

}  // namespace parcelgate::sim
