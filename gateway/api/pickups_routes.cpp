// Routes of the pickup resource (DESIGN §4 "Pickups", docs/pickups.md).

#include "gateway/api/gateway_api.hpp"
#include "gateway/api/route_support.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/pickups.hpp"

namespace parcelgate::api {

namespace {

using task_response = boost::asio::awaitable<http::response>;

http::response not_found(const context& ctx, std::string_view id) {
  return problem(ctx, 404, "not-found", "Not found", "no pickup " + std::string(id));
}

http::response pickup_response(pickup_outcome outcome, const context& ctx) {
  using kind = pickup_outcome::kind;
  switch (outcome.what) {
    case kind::booked: {
      auto res = http::response::json(outcome.status, std::move(outcome.body));
      res.fields.push_back({"Location", "/v1/pickups/" + outcome.pickup_id});
      return res;
    }
    case kind::replayed:
      return replayed_response({.status = outcome.status, .body = std::move(outcome.body)},
                               "/v1/pickups");
    case kind::in_progress:
      return key_in_use(ctx.request_id);
    case kind::key_reused:
      return key_reused(ctx.request_id);
    case kind::invalid:
      return validation_failed(ctx, std::move(outcome.cause.fields));
    case kind::outcome_unknown:
      return stored_response({.status = outcome.status, .body = std::move(outcome.body)});
    case kind::refused:
    case kind::failed:
      break;
  }
  return error_response(outcome.cause, ctx.request_id);
}

task_response create_pickup(context& ctx, api_deps& deps) {
  std::string key;
  if (auto refused = check_sale_request(
          ctx, "POST /v1/pickups books a carrier's driver, which may be billed", "book twice", key))
    co_return std::move(*refused);
  auto input = parse_pickup_input(ctx.request.body);
  if (input.malformed)
    co_return problem(ctx, 400, "malformed-json", "Malformed JSON", input.malformed_detail);
  const std::string hash = sha256_hex("POST /v1/pickups\n" + input.canonical_json);
  pickup_order order{.tenant = ctx.who->tenant,
                     .idempotency_key = std::move(key),
                     .request_hash = hash,
                     .input = std::move(input)};
  auto outcome = co_await deps.pickups->book(std::move(order), ctx.request_id);
  co_return pickup_response(std::move(outcome), ctx);
}

task_response get_pickup(context& ctx, api_deps& deps) {
  auto id = ctx.param("id");
  if (!valid_prefixed_id(id, "pck_")) co_return not_found(ctx, id);
  auto found = co_await deps.pickups->get(ctx.tenant_scope(), std::string(id));
  if (!found) {
    if (found.error().kind == error_kind::not_found) co_return not_found(ctx, id);
    co_return error_response(found.error(), ctx.request_id);
  }
  co_return http::response::json(200, std::move(*found));
}

task_response cancel_pickup(context& ctx, api_deps& deps) {
  auto id = ctx.param("id");
  if (!valid_prefixed_id(id, "pck_")) co_return not_found(ctx, id);
  const auto& body = ctx.request.body;
  if (body.find_first_not_of(" \t\r\n") != std::string::npos &&
      body.find_first_not_of(" \t\r\n{}") != std::string::npos)
    co_return validation_failed(ctx, {{"", "the cancel request takes no body"}});
  auto cancelled = co_await deps.pickups->cancel(ctx.who->tenant, std::string(id), ctx.request_id);
  if (!cancelled) {
    if (cancelled.error().kind == error_kind::not_found) co_return not_found(ctx, id);
    co_return error_response(cancelled.error(), ctx.request_id);
  }
  co_return http::response::json(200, std::move(*cancelled));
}

// ---- OpenAPI description of the routes ----------------------------------------------------------

constexpr const char* kPickupIdParam = R"({"$ref": "#/components/schemas/PickupId"})";

constexpr const char* kCreateExample =
    R"({"carrier": "inpost", "date": "2026-12-03", "window": {"from": "10:00", "to": "16:00"},
  "address": {"name": "Jan Kowalski", "company": "Sklep Acme", "line1": "ul. Florianska 12", "city": "Krakow",
              "postal_code": "31-021", "country": "PL", "phone": "+48 600 100 200", "email": "magazyn@example.test"},
  "shipment_ids": ["shp_0a1b2c3d4e5f6g7"], "instructions": "Gate code 4711"})";

constexpr const char* kPickupExample =
    R"({"id": "pck_0a1b2c3d4e5f6g7", "object": "pickup", "tenant": "acme", "status": "scheduled",
  "carrier": "inpost", "confirmation": "3101", "carrier_status": "new", "date": "2026-12-03",
  "window": {"from": "10:00", "to": "16:00"},
  "address": {"name": "Jan Kowalski", "company": "Sklep Acme", "line1": "ul. Florianska 12", "line2": null,
              "city": "Krakow", "postal_code": "31-021", "country": "PL", "phone": "+48 600 100 200",
              "email": "magazyn@example.test"},
  "shipment_ids": ["shp_0a1b2c3d4e5f6g7"], "parcel_count": 1, "instructions": "Gate code 4711",
  "created_at": "2026-12-02T09:30:00Z", "updated_at": "2026-12-02T09:30:01Z"})";

route_doc create_doc() {
  route_doc d;
  d.operation_id = "createPickup";
  d.tag = "Pickups";
  d.description =
      "Checks the request (every field problem in one 422: the carrier books pickups, the date "
      "is between the carrier's local today and its horizon, the window is long enough, each "
      "shipment is this tenant's, of this carrier, label_created and in no other active "
      "pickup), records the Idempotency-Key durably, then books the carrier. The same key with "
      "the same body replays the stored answer; with another body it is a 422. A booking whose "
      "outcome is unknown leaves the pickup unconfirmed and is never booked again with that key.";
  d.params = {
      {"Idempotency-Key", "header", true,
       R"({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"})",
       "1-255 visible ASCII characters, e.g. a UUID: a retry with the same key never books twice"}};
  d.request = {media("application/json", "PickupCreate", kCreateExample)};
  d.responses = {
      answer(201, "Pickup scheduled (or the replay of an earlier answer to this key)",
             {media("application/json", "Pickup", kPickupExample)},
             {"Location", "Idempotent-Replayed"}),
      answer(400, "Missing or invalid Idempotency-Key, or malformed JSON"),
      answer(409,
             "A request with the same Idempotency-Key is in progress, or a shipment is already in "
             "another active pickup (errors[] names it)",
             {}, {"Retry-After"}),
      answer(415, "The body is not application/json"),
      answer(422,
             "Invalid fields (errors[] lists each), a carrier that refuses the booking (nothing "
             "booked), or an Idempotency-Key reused with another body",
             {}, {"Idempotent-Replayed"}),
      answer(502,
             "The carrier rejected the gateway's credentials (nothing booked), or answered "
             "unreadably: the pickup (pickup_id) is unconfirmed",
             {}, {"Idempotent-Replayed"}),
      answer(503, "The carrier is unavailable or throttling; nothing was booked", {},
             {"Retry-After", "Idempotent-Replayed"}),
      answer(504, "The carrier did not answer in time: the pickup (pickup_id) is unconfirmed", {},
             {"Idempotent-Replayed"})};
  return d;
}

route_doc get_doc() {
  route_doc d;
  d.operation_id = "getPickup";
  d.tag = "Pickups";
  d.params = {{"id", "path", true, kPickupIdParam, "The pickup id"}};
  d.responses = {answer(200, "The pickup", {media("application/json", "Pickup", kPickupExample)}),
                 answer(404, "No such pickup for this key's tenant")};
  return d;
}

route_doc cancel_doc() {
  route_doc d;
  d.operation_id = "cancelPickup";
  d.tag = "Pickups";
  d.description =
      "Cancels a scheduled pickup at the carrier, which frees its shipments for another pickup. "
      "Cancelling a cancelled pickup answers it again. A carrier that cannot cancel pickups "
      "(capabilities.pickup_cancel none, e.g. Colissimo) is a 422. The request takes no body.";
  d.params = {{"id", "path", true, kPickupIdParam, "The pickup id"}};
  d.responses = {answer(200, "The cancelled pickup", {media("application/json", "Pickup")}),
                 answer(404, "No such pickup for this key's tenant"),
                 answer(409,
                        "The pickup is still booking, unconfirmed, past its date, or its carrier "
                        "is no longer configured"),
                 answer(422, "A request body was sent, or the carrier cannot cancel pickups"),
                 answer(502, "The carrier refused the cancellation or answered unreadably"),
                 answer(503, "The carrier is unavailable", {}, {"Retry-After"}),
                 answer(504, "The carrier did not answer in time")};
  return d;
}

}  // namespace

std::string pickup_problem_answers::outcome_unknown(std::string_view pickup_id, const error& cause,
                                                    std::string_view request_id,
                                                    int& status) const {
  const auto p = outcome_unknown_problem(
      cause, "pickup-outcome-unknown", "The pickup booking could not be confirmed",
      "The carrier may have booked a pickup for this request (" + cause.message +
          "). The gateway will not book again with this Idempotency-Key; pickup " +
          std::string(pickup_id) + " is unconfirmed: ask the carrier whether it stands.",
      "pickup_id", pickup_id);
  status = p.status;
  return http::problem_body(p, request_id);
}

void add_pickup_routes(router& r, api_deps& deps) {
  auto* d = &deps;
  r.add(
      "POST", "/v1/pickups", merchant, "Book a carrier pickup (Idempotency-Key required)",
      [d](context& c) { return create_pickup(c, *d); }, create_doc());
  r.add(
      "GET", "/v1/pickups/{id}", merchant | ops, "Read a pickup",
      [d](context& c) { return get_pickup(c, *d); }, get_doc());
  r.add(
      "POST", "/v1/pickups/{id}/cancel", merchant, "Cancel a pickup",
      [d](context& c) { return cancel_pickup(c, *d); }, cancel_doc());
}

}  // namespace parcelgate::api
