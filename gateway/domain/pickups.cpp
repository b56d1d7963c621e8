#include "gateway/domain/pickups.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

#include "gateway/carriers/registry.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/pickup_input.hpp"
#include "gateway/domain/shipment_json.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate {

namespace json = boost::json;

namespace {

// The zone a carrier's dates are in, by the pickup address's country.
constexpr std::pair<std::string_view, std::string_view> kZones[] = {
    {"FR", "Europe/Paris"},      {"MC", "Europe/Monaco"},    {"BE", "Europe/Brussels"},
    {"LU", "Europe/Luxembourg"}, {"NL", "Europe/Amsterdam"}, {"DE", "Europe/Berlin"},
    {"ES", "Europe/Madrid"},     {"PT", "Europe/Lisbon"},    {"IT", "Europe/Rome"},
    {"AT", "Europe/Vienna"},     {"PL", "Europe/Warsaw"},    {"CZ", "Europe/Prague"},
    {"GB", "Europe/London"},     {"IE", "Europe/Dublin"}};

std::string iso(std::chrono::sys_days d) {
  return iso_date(std::chrono::system_clock::time_point(d));
}

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

// The pickup resource as first recorded (status booking, no confirmation yet).
std::string render_pickup(const store::pickup_row& row, const pickup_input& in) {
  json::object o;
  o["id"] = row.id;
  o["object"] = "pickup";
  o["tenant"] = row.tenant;
  o["status"] = row.status;
  o["carrier"] = row.carrier;
  o["confirmation"] = nullptr;
  o["carrier_status"] = nullptr;
  o["date"] = in.date;
  if (in.window_from.empty())
    o["window"] = nullptr;
  else
    o["window"] = json::object{{"from", in.window_from}, {"to", in.window_to}};
  o["address"] = render_address(in.at);
  json::array ids;
  for (const auto& id : in.shipment_ids) ids.emplace_back(id);
  o["shipment_ids"] = std::move(ids);
  o["parcel_count"] =
      in.shipment_ids.empty() ? in.parcel_count : static_cast<int>(in.shipment_ids.size());
  o["instructions"] = text_or_null(in.instructions);
  o["created_at"] = row.created_at;
  o["updated_at"] = row.updated_at;
  return json::serialize(o);
}

// `body` with what the carrier confirmed.
std::string confirmed_pickup(std::string_view body, const carriers::pickup_confirmation& c,
                             std::string_view updated_at) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::string(body);
  auto& o = v.as_object();
  o["status"] = "scheduled";
  o["confirmation"] = c.confirmation;
  o["carrier_status"] = text_or_null(c.carrier_status);
  if (!c.date.empty()) o["date"] = c.date;
  if (!c.window_from.empty())
    o["window"] = json::object{{"from", c.window_from}, {"to", c.window_to}};
  o["updated_at"] = updated_at;
  return json::serialize(o);
}

std::string string_member(std::string_view body, std::string_view key) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto* m = v.as_object().if_contains(key);
  return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

int weight_of(std::string_view shipment_body) {
  boost::system::error_code ec;
  auto v = json::parse(shipment_body, ec);
  if (ec || !v.is_object()) return 0;
  const auto* parcels = v.as_object().if_contains("parcels");
  if (!parcels || !parcels->is_array()) return 0;
  long long total = 0;
  for (const auto& p : parcels->as_array())
    if (const auto* w = p.is_object() ? p.as_object().if_contains("weight_g") : nullptr;
        w && w->is_int64())
      total += w->as_int64();
  return static_cast<int>(std::min<long long>(total, 1'000'000'000));
}

std::string in_carrier(const carriers::configured_carrier& c) {
  return std::string(c.adapter->display_name());
}

// The answer of a key a request already holds (a replay, a twin in progress, another body);
// nothing when the key was free and is now this booking's.
std::optional<pickup_outcome> held_key_answer(store::claim c) {
  using kind = pickup_outcome::kind;
  switch (c.result) {
    case store::claim::outcome::replay:
      return pickup_outcome{.what = kind::replayed, .status = c.status, .body = std::move(c.body)};
    case store::claim::outcome::in_progress:
      return pickup_outcome{.what = kind::in_progress};
    case store::claim::outcome::mismatch:
      return pickup_outcome{.what = kind::key_reused};
    case store::claim::outcome::claimed:
      break;
  }
  return std::nullopt;
}

std::string carriers_with_pickups(const carriers::registry& registry) {
  std::string list;
  for (const auto& id : registry.ids())
    if (const auto* c = registry.find(id); c && c->adapter->caps().pickups)
      list += (list.empty() ? "" : ", ") + id;
  return list.empty() ? std::string("none configured") : list;
}

}  // namespace

pickup_service::pickup_service(store::async_store& db, const carriers::registry& carriers,
                               carriers::http_client& client, telemetry::metrics& metrics,
                               const pickup_answers& answers)
    : db_(db), carriers_(carriers), client_(client), metrics_(metrics), answers_(answers) {
  for (const auto& [country, name] : kZones) {
    auto zone = time_zone::load(name);
    if (zone)
      zones_.emplace(std::string(country), std::move(*zone));
    else
      telemetry::log_warn("time zone not loaded; its country's pickup dates use UTC",
                          {{"zone", name}, {"cause", zone.error().message}});
  }
}

std::string pickup_service::local_today(std::string_view country,
                                        std::chrono::system_clock::time_point now) const {
  if (auto it = zones_.find(country); it != zones_.end()) return it->second.local_iso_date(now);
  return iso_date(now);
}

task<pickup_outcome> pickup_service::book(pickup_order order, std::string request_id) {
  using kind = pickup_outcome::kind;
  auto& in = order.input;
  // The key first: a booking's checks depend on state that changes once it succeeded (its
  // shipments move on, its date passes), so the retry of a booked request must replay before
  // being checked again. (The claim below settles races; this only reads.)
  auto held = co_await db_.find_key(order.tenant, order.idempotency_key, order.request_hash);
  if (!held) co_return pickup_outcome{.what = kind::failed, .cause = std::move(held.error())};
  if (*held)
    if (auto answer = held_key_answer(std::move(**held))) co_return std::move(*answer);
  std::vector<field_error> errors = std::move(in.errors);
  const auto* carrier = in.carrier.empty() ? nullptr : carriers_.find(in.carrier);
  const bool books_pickups = carrier && carrier->adapter->caps().pickups;
  if (!in.carrier.empty() && !books_pickups)
    errors.push_back({"carrier", (carrier ? "does not book pickups" : "unknown carrier") +
                                     std::string("; carriers that book pickups: ") +
                                     carriers_with_pickups(carriers_)});
  const auto now = std::chrono::system_clock::now();
  if (books_pickups) {
    const auto caps = carrier->adapter->caps();
    const auto date = parse_iso_date(in.date);
    if (date && !in.at.country.empty()) {
      const auto today = parse_iso_date(local_today(in.at.country, now));
      if (today && *date < *today)
        errors.push_back(
            {"date", "is in the past: today is " + iso(*today) + " where the driver comes"});
      else if (today && caps.pickup_max_days_ahead > 0 &&
               *date > *today + std::chrono::days(caps.pickup_max_days_ahead))
        errors.push_back(
            {"date", in.carrier + " books pickups at most " +
                         std::to_string(caps.pickup_max_days_ahead) + " days ahead (until " +
                         iso(*today + std::chrono::days(caps.pickup_max_days_ahead)) + ")"});
    }
    const int from = clock_minutes(in.window_from), to = clock_minutes(in.window_to);
    if (from >= 0 && to > from && caps.pickup_min_window_min > 0 &&
        to - from < caps.pickup_min_window_min)
      errors.push_back({"window.to", in.carrier + " needs a window of at least " +
                                         std::to_string(caps.pickup_min_window_min) + " minutes"});
  }
  // The shipments: this tenant's, bought from this carrier, not handed over yet.
  std::vector<carriers::pickup_parcel> parcels;
  for (std::size_t i = 0; i < in.shipment_ids.size(); ++i) {
    const std::string field = "shipment_ids[" + std::to_string(i) + "]";
    const std::string id = in.shipment_ids[i];
    if (id.size() != 19 || !id.starts_with("shp_")) {
      errors.push_back({field, "must be a shipment id (shp_...)"});
      continue;
    }
    auto found = co_await db_.get_shipment(order.tenant, id);
    if (!found) co_return pickup_outcome{.what = kind::failed, .cause = std::move(found.error())};
    if (!*found) {
      errors.push_back({field, "no shipment " + id});
      continue;
    }
    const auto& s = **found;
    if (books_pickups && s.carrier != in.carrier) {
      errors.push_back({field, "was bought from " + s.carrier + ", not " + in.carrier});
      continue;
    }
    if (s.status != "label_created") {
      errors.push_back(
          {field, s.status == "pending_confirmation"
                      ? std::string("its purchase is not confirmed yet")
                      : "cannot be picked up: its status is " + s.status +
                            (s.status == "cancelled" ? "" : " (the carrier already has it)")});
      continue;
    }
    parcels.push_back({.tracking_number = s.tracking_number,
                       .carrier_reference = carrier_reference_of(s.body),
                       .weight_g = weight_of(s.body)});
  }
  if (!errors.empty())
    co_return pickup_outcome{.what = kind::invalid,
                             .cause = error{.kind = error_kind::invalid_request,
                                            .message = "the pickup request is not valid",
                                            .fields = std::move(errors)}};
  if (in.date.empty()) {
    // No date asked: the first the carrier offers from today (a query, nothing booked), or today
    // where the carrier publishes no dates (it then comes on its next round).
    auto first = co_await first_pickup_date(*carrier, in.at, now);
    if (!first) {
      auto e = std::move(first.error());
      if (e.carrier.empty()) e.carrier = in.carrier;
      co_return pickup_outcome{
          .what = e.kind == error_kind::invalid_request ? kind::invalid : kind::refused,
          .cause = std::move(e)};
    }
    in.date = std::move(*first);
  }

  store::pickup_row row{.id = new_id("pck"),
                        .tenant = order.tenant,
                        .carrier = in.carrier,
                        .status = "booking",
                        .date = in.date,
                        .idempotency_key = order.idempotency_key,
                        .body = {},
                        .shipment_ids = in.shipment_ids,
                        .created_at = rfc3339(now),
                        .updated_at = {}};
  row.updated_at = row.created_at;
  row.body = render_pickup(row, in);
  auto claimed = co_await db_.claim_pickup(order.request_hash, row, row.created_at);
  if (!claimed) co_return pickup_outcome{.what = kind::failed, .cause = std::move(claimed.error())};
  if (auto answer = held_key_answer(std::move(*claimed))) co_return std::move(*answer);

  // The key and the booking in flight are on disk: the carrier may be called now.
  const carriers::pickup_request request{.pickup_id = row.id,
                                         .at = in.at,
                                         .date = in.date,
                                         .window_from = in.window_from,
                                         .window_to = in.window_to,
                                         .parcels = std::move(parcels),
                                         .parcel_count = in.parcel_count,
                                         .instructions = in.instructions};
  carriers::carrier_call call(client_, metrics_, carrier->adapter->id(),
                              std::chrono::steady_clock::now() + carrier->timeout);
  const auto started = std::chrono::steady_clock::now();
  auto booked = co_await carrier->adapter->book_pickup(request, call);
  metrics_.observe_carrier_operation(
      carrier->adapter->id(), "book_pickup", booked ? "ok" : to_string(booked.error().kind),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!booked) {
    error e = std::move(booked.error());
    if (e.carrier.empty()) e.carrier = row.carrier;
    if (e.sale == sale_outcome::not_sold) {
      auto abandoned = co_await db_.abandon_pickup(row.tenant, row.idempotency_key, row.id);
      if (!abandoned)
        telemetry::log_error("abandon pickup failed",
                             {{"pickup_id", row.id}, {"cause", abandoned.error().message}});
      telemetry::log_info("pickup booking refused", {{"request_id", request_id},
                                                     {"carrier", e.carrier},
                                                     {"kind", to_string(e.kind)},
                                                     {"carrier_code", e.carrier_code}});
      co_return pickup_outcome{.what = kind::refused, .cause = std::move(e)};
    }
    co_return co_await finish_unknown(std::move(row), std::move(e), std::move(request_id));
  }
  row.status = "scheduled";
  row.updated_at = now_rfc3339();
  if (!booked->date.empty()) row.date = booked->date;
  row.body = confirmed_pickup(row.body, *booked, row.updated_at);
  const int status = answers_.booked_status();
  auto saved = co_await db_.finish_pickup(row, status, row.body);
  if (!saved) {
    // Booked at the carrier but not recorded: the booking stays in flight (its key answers 409)
    // and becomes unconfirmed when this instance is gone; the log line is the reconciliation.
    telemetry::log_error("pickup booked but not stored", {{"request_id", request_id},
                                                          {"pickup_id", row.id},
                                                          {"carrier", row.carrier},
                                                          {"confirmation", booked->confirmation},
                                                          {"cause", saved.error().message}});
    co_return pickup_outcome{.what = kind::failed, .cause = std::move(saved.error())};
  }
  telemetry::log_info("pickup booked", {{"request_id", request_id},
                                        {"pickup_id", row.id},
                                        {"carrier", row.carrier},
                                        {"confirmation", booked->confirmation}});
  co_return pickup_outcome{
      .what = kind::booked, .pickup_id = row.id, .status = status, .body = std::move(row.body)};
}

task<result<std::string>> pickup_service::first_pickup_date(
    const carriers::configured_carrier& carrier, const address& at,
    std::chrono::system_clock::time_point now) {
  const std::string today = local_today(at.country, now);
  carriers::carrier_call call(client_, metrics_, carrier.adapter->id(),
                              std::chrono::steady_clock::now() + carrier.timeout);
  auto slots = co_await carrier.adapter->pickup_slots(at, today, call);
  if (!slots) {
    if (slots.error().kind == error_kind::unsupported) co_return today;
    co_return std::unexpected(std::move(slots.error()));
  }
  for (const auto& slot : *slots)
    if (slot.date >= today) co_return slot.date;
  co_return std::unexpected(
      error{.kind = error_kind::invalid_request,
            .message = "the carrier offers no pickup date at this address",
            .fields = {field_error{
                .field = "date",
                .message = in_carrier(carrier) + " offers no pickup date at this address now"}}});
}

task<pickup_outcome> pickup_service::finish_unknown(store::pickup_row row, error cause,
                                                    std::string request_id) {
  row.status = "unconfirmed";
  row.updated_at = now_rfc3339();
  row.body = restate_shipment(row.body, row.status, row.updated_at);
  int status = 0;
  auto body = answers_.outcome_unknown(row.id, cause, request_id, status);
  auto saved = co_await db_.finish_pickup(row, status, body);
  telemetry::log_warn("pickup booking outcome unknown", {{"request_id", request_id},
                                                         {"pickup_id", row.id},
                                                         {"carrier", row.carrier},
                                                         {"kind", to_string(cause.kind)},
                                                         {"detail", cause.carrier_message}});
  if (!saved)
    co_return pickup_outcome{.what = pickup_outcome::kind::failed, .cause = saved.error()};
  co_return pickup_outcome{.what = pickup_outcome::kind::outcome_unknown,
                           .pickup_id = row.id,
                           .status = status,
                           .body = std::move(body),
                           .cause = std::move(cause)};
}

task<result<std::string>> pickup_service::get(std::string tenant, std::string id) {
  auto found = co_await db_.get_pickup(tenant, id);
  if (!found) co_return std::unexpected(found.error());
  if (!*found) co_return make_error(error_kind::not_found, "no pickup " + id);
  co_return std::move((*found)->body);
}

task<result<std::string>> pickup_service::cancel(std::string tenant, std::string id,
                                                 std::string request_id) {
  auto found = co_await db_.get_pickup(tenant, id);
  if (!found) co_return std::unexpected(found.error());
  if (!*found) co_return make_error(error_kind::not_found, "no pickup " + id);
  auto row = std::move(**found);
  if (row.status == "cancelled") co_return row.body;  // cancelling twice is harmless
  if (row.status != "scheduled")
    co_return make_error(error_kind::conflict,
                         "pickup " + id + " cannot be cancelled: " +
                             (row.status == "booking"
                                  ? std::string("its booking is still in progress")
                                  : std::string("its booking was never confirmed by the carrier; "
                                                "ask the carrier whether it stands")));
  const auto* carrier = carriers_.find(row.carrier);
  if (!carrier)
    co_return make_error(error_kind::conflict,
                         "carrier " + row.carrier + " is not configured any more");
  boost::system::error_code ec;
  const auto body = json::parse(row.body, ec);
  std::string country;
  if (!ec && body.is_object())
    if (const auto* a = body.as_object().if_contains("address"); a && a->is_object())
      if (const auto* cc = a->as_object().if_contains("country"); cc && cc->is_string())
        country = std::string(cc->as_string());
  if (row.date < local_today(country, std::chrono::system_clock::now()))
    co_return make_error(error_kind::conflict,
                         "pickup " + id + " was due on " + row.date + ": it cannot be cancelled");
  carriers::pickup_ref ref{.pickup_id = row.id,
                           .confirmation = string_member(row.body, "confirmation"),
                           .date = row.date};
  for (const auto& shipment_id : row.shipment_ids) {
    auto s = co_await db_.get_shipment(row.tenant, shipment_id);
    if (s && *s)
      ref.parcels.push_back({.tracking_number = (*s)->tracking_number,
                             .carrier_reference = carrier_reference_of((*s)->body),
                             .weight_g = weight_of((*s)->body)});
  }
  carriers::carrier_call call(client_, metrics_, carrier->adapter->id(),
                              std::chrono::steady_clock::now() + carrier->timeout);
  auto cancelled = co_await carrier->adapter->cancel_pickup(ref, call);
  if (!cancelled) {
    auto e = std::move(cancelled.error());
    if (e.carrier.empty()) e.carrier = row.carrier;
    co_return std::unexpected(std::move(e));
  }
  row.status = "cancelled";
  row.updated_at = now_rfc3339();
  row.body = restate_shipment(row.body, row.status, row.updated_at);
  const std::string expected = "scheduled";  // named: no temporaries inside co_await (g++ 12)
  auto updated = co_await db_.update_pickup(row, expected);
  if (!updated) co_return std::unexpected(updated.error());
  if (!*updated)
    co_return make_error(error_kind::conflict,
                         "pickup " + id + " changed while it was being cancelled");
  telemetry::log_info("pickup cancelled",
                      {{"request_id", request_id}, {"pickup_id", id}, {"carrier", row.carrier}});
  co_return row.body;
}

task<result<int>> pickup_service::recover_interrupted_bookings() {
  auto interrupted = co_await db_.interrupted_pickups();
  if (!interrupted) co_return std::unexpected(interrupted.error());
  int n = 0;
  for (auto& row : *interrupted) {
    const error cause{.kind = error_kind::timeout,
                      .message = "the gateway stopped while the booking was in flight",
                      .carrier = row.carrier};
    const std::string recovery_id = new_trace_id("req");
    row.status = "unconfirmed";
    row.updated_at = now_rfc3339();
    row.body = restate_shipment(row.body, row.status, row.updated_at);
    int status = 0;
    const auto body = answers_.outcome_unknown(row.id, cause, recovery_id, status);
    auto saved = co_await db_.finish_pickup(row, status, body);
    if (!saved) co_return std::unexpected(saved.error());
    telemetry::log_warn(
        "interrupted pickup booking marked unconfirmed",
        {{"request_id", recovery_id}, {"pickup_id", row.id}, {"carrier", row.carrier}});
    ++n;
  }
  co_return n;
}

}  // namespace parcelgate
