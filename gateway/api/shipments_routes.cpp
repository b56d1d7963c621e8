// Routes of the shipment resource (DESIGN §4 "Shipments and labels").

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

#include "gateway/api/gateway_api.hpp"
#include "gateway/api/route_support.hpp"
#include "gateway/carriers/registry.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/domain/shipment_cache.hpp"
#include "gateway/domain/shipping.hpp"
#include "gateway/domain/tracking.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/tariffs/tariff_book.hpp"

namespace parcelgate::api {

namespace {

using task_response = boost::asio::awaitable<http::response>;

http::response json_ok(int status, std::string body) {
  return http::response::json(status, std::move(body));
}

bool valid_shipment_id(std::string_view id) {
  return valid_prefixed_id(id, "shp_");
}

http::response not_found(const context& ctx, std::string_view id) {
  return problem(ctx, 404, "not-found", "Not found", "no shipment " + std::string(id));
}

task_response create_shipment(context& ctx, api_deps& deps) {
  std::string key;
  if (auto refused = check_sale_request(ctx, "POST /v1/shipments buys a label", "buy twice", key))
    co_return std::move(*refused);
  auto input = parse_shipment_input(ctx.request.body, deps.carriers.ids());
  if (input.malformed)
    co_return problem(ctx, 400, "malformed-json", "Malformed JSON", input.malformed_detail);
  const std::string hash = sha256_hex("POST /v1/shipments\n" + input.canonical_json);
  const auto tariff_set = deps.tariffs.current();
  auto command = deps.shipping.prepare(purchase_order{.tenant = ctx.who->tenant,
                                                      .idempotency_key = std::move(key),
                                                      .request_hash = hash,
                                                      .input = std::move(input)},
                                       tariff_set.get());
  if (!command) co_return validation_failed(ctx, std::move(command.error()));
  if (command->input.labelless)  // nothing is bought now: a point's scan buys the label
    co_return purchase_response(co_await deps.shipping.issue_labelless(std::move(*command)),
                                ctx.request_id);
  co_return purchase_response(co_await deps.shipping.purchase(std::move(*command), ctx.request_id),
                              ctx.request_id);
}

task_response get_shipment(context& ctx, api_deps& deps) {
  auto id = ctx.param("id");
  if (!valid_shipment_id(id)) co_return not_found(ctx, id);
  const std::string scope = ctx.tenant_scope();
  if (auto hit = deps.cache.get(id)) {
    if (!scope.empty() && hit->tenant != scope) co_return not_found(ctx, id);
    co_return json_ok(200, *hit->body);
  }
  const std::string wanted(id);
  auto found = co_await deps.db.get_shipment(scope, wanted);
  if (!found) co_return error_response(found.error(), ctx.request_id);
  if (!*found) co_return not_found(ctx, id);
  deps.cache.fill((*found)->id, (*found)->tenant, (*found)->body);
  co_return json_ok(200, std::move((*found)->body));
}

bool known_shipment_status(std::string_view s) {
  return s == "label_created" || s == "pending_confirmation" || s == "cancelled" ||
         s == "awaiting_dropoff" || parse_tracking_status(s).has_value();
}

// The values `?status=` accepts, for error messages.
std::string shipment_status_list() {
  std::string out = "awaiting_dropoff, label_created, pending_confirmation, cancelled";
  for (int i = 0; i <= static_cast<int>(tracking_status::unknown); ++i) {
    const auto name = to_string(static_cast<tracking_status>(i));
    if (name != "label_created" && name != "cancelled") out += ", " + std::string(name);
  }
  return out;
}

task_response list_shipments(context& ctx, api_deps& deps) {
  std::vector<field_error> errors;
  store::shipment_filter filter;
  // Unknown query parameters are rejected like unknown JSON fields: a typo never filters nothing.
  static constexpr std::string_view kAllowed[] = {"limit",         "starting_after", "reference",
                                                  "status",        "carrier",        "tenant",
                                                  "created_after", "created_before"};
  reject_unknown_query(ctx.request, kAllowed, errors);
  bool has_limit = false;
  auto limit = ctx.request.query_param("limit", &has_limit);
  if (has_limit) {
    int v = 0;
    auto [p, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), v);
    if (ec != std::errc() || p != limit.data() + limit.size() || v < 1 || v > 100)
      errors.push_back({"limit", "must be an integer from 1 to 100"});
    else
      filter.limit = v;
  }
  filter.starting_after = ctx.request.query_param("starting_after");
  if (!filter.starting_after.empty() && !valid_shipment_id(filter.starting_after))
    errors.push_back({"starting_after", "must be a shipment id (shp_...)"});
  filter.reference = ctx.request.query_param("reference");
  filter.status = ctx.request.query_param("status");
  if (!filter.status.empty() && !known_shipment_status(filter.status))
    errors.push_back({"status", "unknown status; one of: " + shipment_status_list()});
  bool has_tenant = false;
  filter.tenant = ctx.request.query_param("tenant", &has_tenant);
  if (has_tenant && !ctx.tenant_scope().empty())
    errors.push_back(
        {"tenant", "only ops keys list across tenants; a merchant key lists its own shipments"});
  else if (has_tenant && filter.tenant.empty())
    errors.push_back({"tenant", "must be a tenant id"});
  for (auto [name, out] : {std::pair{"created_after", &filter.created_after},
                           std::pair{"created_before", &filter.created_before}}) {
    bool given = false;
    const auto text = ctx.request.query_param(name, &given);
    if (!given) continue;
    if (auto t = parse_rfc3339(text))
      *out = rfc3339(*t);
    else
      errors.push_back({name, "must be an RFC 3339 date-time, e.g. 2026-12-01T00:00:00Z"});
  }
  filter.carrier = ctx.request.query_param("carrier");
  if (!filter.carrier.empty()) {
    bool known = false;
    for (const auto& id : deps.carriers.ids()) known = known || id == filter.carrier;
    if (!known) errors.push_back({"carrier", "unknown carrier"});
  }
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));
  const std::string scope = ctx.tenant_scope();
  auto page = co_await deps.db.list_shipments(scope, filter);
  if (!page) co_return error_response(page.error(), ctx.request_id);
  std::string body = "{\"data\":[";
  for (std::size_t i = 0; i < page->bodies.size(); ++i) {
    if (i) body.push_back(',');
    body += page->bodies[i];
  }
  body += "],\"has_more\":";
  body += page->has_more ? "true" : "false";
  body += ",\"next_cursor\":";
  body += page->has_more ? boost::json::serialize(boost::json::value(page->next_cursor)) : "null";
  body += "}";
  co_return json_ok(200, std::move(body));
}

task_response get_label(context& ctx, api_deps& deps) {
  auto id = ctx.param("id");
  if (!valid_shipment_id(id)) co_return not_found(ctx, id);
  const std::string scope = ctx.tenant_scope();
  const std::string wanted(id);
  auto found = co_await deps.db.get_label(scope, wanted);
  if (!found) co_return error_response(found.error(), ctx.request_id);
  if (!*found)
    co_return problem(ctx, 404, "not-found", "Not found",
                      "no label for shipment " + std::string(id));
  auto& label = **found;
  if (label.shipment_status == "cancelled")
    co_return problem(
        ctx, 410, "label-voided", "The label was voided",
        "shipment " + std::string(id) + " is cancelled: its label must not be printed or used");
  http::response res = http::response::text(200, std::move(label.bytes), label.content_type);
  res.fields.push_back(
      {"Content-Disposition", "inline; filename=\"" + std::string(id) + "." + label.format + "\""});
  res.fields.push_back({"Cache-Control", "private, max-age=86400"});
  co_return res;
}

task_response cancel_shipment(context& ctx, api_deps& deps) {
  auto id = ctx.param("id");
  if (!valid_shipment_id(id)) co_return not_found(ctx, id);
  auto body = ctx.request.body;
  if (body.find_first_not_of(" \t\r\n") != std::string::npos &&
      body.find_first_not_of(" \t\r\n{}") != std::string::npos)
    co_return validation_failed(ctx, {{"", "the cancel request takes no body"}});
  auto tenant = ctx.who->tenant;
  auto result = co_await deps.shipping.cancel(tenant, std::string(id), ctx.request_id);
  if (!result) co_return error_response(result.error(), ctx.request_id);
  co_return json_ok(200, std::move(*result));
}

// ---- OpenAPI description of the routes
// -----------------------------------------------------------

constexpr const char* kShipmentIdParam = R"({"$ref": "#/components/schemas/ShipmentId"})";

constexpr const char* kCreateExample =
    R"({"reference": "order-1042", "carrier": "colissimo", "service": "home",
  "from": {"name": "Acme", "line1": "10 rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR"},
  "to": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne", "postal_code": "69100",
         "country": "FR", "phone": "+33611223344", "email": "marie@example.test"},
  "parcels": [{"weight_g": 1200, "dimensions_mm": {"length": 300, "width": 200, "height": 100}}],
  "label": {"format": "pdf", "size": "a6"}})";

constexpr const char* kShipmentExample =
    R"({"id": "shp_0a1b2c3d4e5f6g7", "object": "shipment", "tenant": "acme", "status": "label_created",
  "carrier": "colissimo", "service": "home", "carrier_service": "DOM", "pickup_point_id": null,
  "tracking_number": "6A15984040331", "tracking_url": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A15984040331",
  "label": {"format": "pdf", "size": "a6", "url": "/v1/shipments/shp_0a1b2c3d4e5f6g7/label"},
  "rate": {"amount": 712, "currency": "EUR", "contract": "colissimo-2026"}, "rate_unavailable_reason": null,
  "reference": "order-1042",
  "direction": "outbound",
  "from": {"name": "Acme", "company": null, "line1": "10 rue de Rivoli", "line2": null, "city": "Paris",
           "postal_code": "75001", "country": "FR", "phone": null, "email": null},
  "to": {"name": "Marie Curie", "company": null, "line1": "31 cours Andre Philip", "line2": null, "city": "Villeurbanne",
         "postal_code": "69100", "country": "FR", "phone": "+33611223344", "email": "marie@example.test"},
  "parcels": [{"weight_g": 1200, "dimensions_mm": {"length": 300, "width": 200, "height": 100}, "reference": null}],
  "created_at": "2026-06-01T09:30:00Z", "updated_at": "2026-06-01T09:30:01Z"})";

route_doc create_doc() {
  route_doc d;
  d.operation_id = "createShipment";
  d.tag = "Shipments";
  d.description =
      "Validates the request (every field problem in one 422), picks the contract (carrier auto), "
      "records the Idempotency-Key durably, then buys the label from the carrier. The same key "
      "with the same "
      "body replays the stored answer (Idempotent-Replayed: true); with another body it is a 422. "
      "A return with label.mode labelless buys nothing now: it is recorded awaiting_dropoff with "
      "a return_code and a QR code (qr_code_url), and a collection point's scan of the code buys "
      "its label (POST /v1/points/{point_id}/dropoffs with return_code).";
  d.params = {
      {"Idempotency-Key", "header", true,
       R"({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"})",
       "1-255 visible ASCII characters, e.g. a UUID: a retry with the same key never buys twice"}};
  d.request = {media("application/json", "ShipmentCreate", kCreateExample)};
  d.responses = {
      answer(201, "Label bought (or the replay of an earlier answer to this key)",
             {media("application/json", "Shipment", kShipmentExample)},
             {"Location", "Idempotent-Replayed"}),
      answer(400, "Missing or invalid Idempotency-Key, or malformed JSON"),
      answer(409, "A request with the same Idempotency-Key is in progress", {}, {"Retry-After"}),
      answer(415, "The body is not application/json"),
      answer(422,
             "Invalid fields (errors[] lists each), a carrier that refuses the shipment, or an "
             "Idempotency-Key "
             "reused with another body",
             {}, {"Idempotent-Replayed"}),
      answer(502,
             "The carrier rejected the gateway's credentials (nothing bought), or answered "
             "unreadably: the "
             "shipment (shipment_id) is pending_confirmation",
             {}, {"Idempotent-Replayed"}),
      answer(503, "The carrier is unavailable or throttling; nothing was bought", {},
             {"Retry-After", "Idempotent-Replayed"}),
      answer(
          504,
          "The carrier did not answer in time: the shipment (shipment_id) is pending_confirmation",
          {}, {"Idempotent-Replayed"})};
  return d;
}

route_doc list_doc() {
  route_doc d;
  d.operation_id = "listShipments";
  d.tag = "Shipments";
  d.description =
      "Newest first. Merchant keys see their tenant's shipments, ops keys every tenant's. "
      "An unknown query parameter is a 422.";
  d.params = {
      query_param("limit", R"({"type": "integer", "minimum": 1, "maximum": 100, "default": 20})",
                  "Page size"),
      query_param("starting_after", kShipmentIdParam, "next_cursor of the previous page"),
      query_param("reference", R"({"type": "string"})", "Only shipments with this reference"),
      query_param("status", R"({"anyOf": [{"$ref": "#/components/schemas/ShipmentStatus"},
                                                  {"$ref": "#/components/schemas/TrackingStatus"}]})",
                  "Only shipments in this status"),
      query_param("carrier", R"({"type": "string"})",
                  "Only this carrier's shipments (a configured carrier id)"),
      query_param("tenant", R"({"type": "string", "minLength": 1})",
                  "Only this tenant's shipments (ops keys only; a merchant key gets 422)"),
      query_param("created_after", R"({"type": "string", "format": "date-time"})",
                  "Only shipments created after this instant (RFC 3339, exclusive, to the second)"),
      query_param(
          "created_before", R"({"type": "string", "format": "date-time"})",
          "Only shipments created before this instant (RFC 3339, exclusive, to the second)")};
  d.responses = {answer(200, "A page of shipments", {media("application/json", "ShipmentList")}),
                 answer(422, "Invalid or unknown query parameters")};
  return d;
}

route_doc get_doc() {
  route_doc d;
  d.operation_id = "getShipment";
  d.tag = "Shipments";
  d.params = {{"id", "path", true, kShipmentIdParam, "The shipment id"}};
  d.responses = {
      answer(200, "The shipment", {media("application/json", "Shipment", kShipmentExample)}),
      answer(404, "No such shipment for this key's tenant")};
  return d;
}

route_doc label_doc() {
  route_doc d;
  d.operation_id = "getShipmentLabel";
  d.tag = "Shipments";
  d.description = "The bytes the carrier sold, in the format asked at purchase (label.format).";
  d.params = {{"id", "path", true, kShipmentIdParam, "The shipment id"}};
  const char* binary = R"({"type": "string", "format": "binary"})";
  d.responses = {
      answer(200, "The label",
             {media("application/pdf", binary), media("application/x-zpl", binary),
              media("image/png", binary)},
             {"Content-Disposition", "Cache-Control"}),
      answer(404, "No such shipment for this key's tenant, or no label (pending_confirmation)"),
      answer(410, "The shipment was cancelled: its label is void and must not be printed")};
  return d;
}

route_doc cancel_doc() {
  route_doc d;
  d.operation_id = "cancelShipment";
  d.tag = "Shipments";
  d.description =
      "Voids the label (at the carrier, or locally when the carrier bills scanned parcels only). "
      "Cancelling a cancelled shipment answers it again. The request takes no body.";
  d.params = {{"id", "path", true, kShipmentIdParam, "The shipment id"}};
  d.responses = {answer(200, "The cancelled shipment", {media("application/json", "Shipment")}),
                 answer(404, "No such shipment for this key's tenant"),
                 answer(409,
                        "The parcel already moved, its purchase is unconfirmed, or its carrier is "
                        "no longer configured"),
                 answer(422, "A request body was sent"),
                 answer(502, "The carrier refused the void or answered unreadably"),
                 answer(503, "The carrier is unavailable", {}, {"Retry-After"}),
                 answer(504, "The carrier did not answer in time")};
  return d;
}

}  // namespace

void add_shipment_routes(router& r, api_deps& deps) {
  auto* d = &deps;
  r.add(
      "POST", "/v1/shipments", merchant, "Buy a label (Idempotency-Key required)",
      [d](context& c) { return create_shipment(c, *d); }, create_doc());
  r.add(
      "GET", "/v1/shipments", merchant | ops, "List shipments, newest first",
      [d](context& c) { return list_shipments(c, *d); }, list_doc());
  r.add(
      "GET", "/v1/shipments/{id}", merchant | ops, "Read a shipment",
      [d](context& c) { return get_shipment(c, *d); }, get_doc());
  r.add(
      "GET", "/v1/shipments/{id}/label", merchant | ops, "Download the label exactly as printed",
      [d](context& c) { return get_label(c, *d); }, label_doc());
  r.add(
      "POST", "/v1/shipments/{id}/cancel", merchant, "Void a label",
      [d](context& c) { return cancel_shipment(c, *d); }, cancel_doc());
}

}  // namespace parcelgate::api
