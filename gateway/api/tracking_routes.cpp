// Routes of the tracking read side (DESIGN §4 "Tracking"): a parcel's timeline by its carrier
// tracking number or by its shipment id, for API keys, and the public HTML page of one tracking
// number. Scans are written elsewhere (tracking_service); these routes only read.
//
// Tenant scoping: a merchant key sees its own tenant's shipments, an ops key every tenant's; a
// number or id of another tenant is 404, like an unknown one. The public page has no key: the
// tracking number is its only key (docs/tracking.md, "The public page", says why that is enough
// and what it shows).

#include <boost/json.hpp>

#include <algorithm>
#include <memory>

#include "gateway/api/gateway_api.hpp"
#include "gateway/api/route_support.hpp"
#include "gateway/api/tracking_view.hpp"
#include "gateway/carriers/registry.hpp"
#include "gateway/domain/time_zone.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/web/track_page.hpp"

namespace parcelgate::api {

namespace {

using task_response = boost::asio::awaitable<http::response>;

// Shipments sharing one number with one carrier are a carrier reusing old numbers: the newest is
// the parcel. Several carriers are a real ambiguity; this many is more than any carrier list.
constexpr int kLookupLimit = 20;

// Carrier tracking numbers: 1-64 letters and digits (Colissimo 6A15984040331, Mondial Relay
// 12345678). Anything else names no parcel.
bool valid_tracking_number(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

bool valid_shipment_id(std::string_view id) { return valid_prefixed_id(id, "shp_"); }

bool configured(const carriers::registry& registry, std::string_view id) {
  return registry.find(id) != nullptr;
}

// A postal code as people type it: spaces and dashes dropped, letters uppercased.
std::string normalized_postal_code(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != ' ' && c != '-') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The postal code the shipment is sent to, from its stored representation.
std::string destination_postal_code(const std::string& body) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto* to = v.as_object().if_contains("to");
  if (!to || !to->is_object()) return {};
  const auto* pc = to->as_object().if_contains("postal_code");
  return pc && pc->is_string() ? normalized_postal_code(pc->as_string()) : std::string();
}

// The newest shipment of each carrier that has `number` (within `scope`; sent to `postal_code`
// when it is not empty), newest first.
boost::asio::awaitable<result<std::vector<store::shipment_row>>> candidates(
    api_deps& deps, const std::string& scope, const std::string& number, const std::string& carrier,
    const std::string& postal_code) {
  const std::vector<std::string> carriers =
      carrier.empty() ? deps.carriers.ids() : std::vector<std::string>{carrier};
  auto found = co_await deps.db.find_shipments_by_tracking(scope, number, carriers, kLookupLimit);
  if (!found) co_return std::unexpected(found.error());
  std::vector<store::shipment_row> out;
  for (auto& row : *found)
    if ((postal_code.empty() || destination_postal_code(row.body) == postal_code) &&
        std::none_of(out.begin(), out.end(),
                     [&](const auto& kept) { return kept.carrier == row.carrier; }))
      out.push_back(std::move(row));
  co_return out;
}

boost::asio::awaitable<result<std::string>> timeline_json(api_deps& deps,
                                                          const store::shipment_row& shipment) {
  auto events = co_await deps.db.list_tracking_events(shipment.tenant, shipment.id);
  if (!events) co_return std::unexpected(events.error());
  co_return render_tracking_json(make_tracking_view(shipment, *events));
}

task_response get_tracking(context& ctx, api_deps& deps) {
  auto errors = unknown_query(ctx.request, {"carrier"});
  const std::string carrier = ctx.request.query_param("carrier");
  if (!carrier.empty() && !configured(deps.carriers, carrier))
    errors.push_back(field_error{.field = "carrier", .message = "unknown carrier"});
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));
  const std::string number(ctx.param("tracking_number"));
  auto not_found = [&] {
    return problem(ctx, 404, "not-found", "Not found",
                   "no shipment with tracking number " + number +
                       (carrier.empty() ? std::string() : " at " + carrier));
  };
  if (!valid_tracking_number(number)) co_return not_found();
  // Arguments of a co_await are named, never temporaries: g++ 12 may end those too early.
  const std::string scope = ctx.tenant_scope(), no_filter;
  // The view of a number without a carrier filter is cached per scope (the merchant's tenant,
  // or every tenant for ops; shipment_cache.hpp says when it is forgotten): a view cached for
  // another scope falls through to the store, which may answer that scope otherwise.
  if (carrier.empty())
    if (auto hit = deps.cache.get_view(number); hit && hit->tenant == scope)
      co_return http::response::json(200, std::string(*hit->body));
  const auto generation = deps.cache.view_generation(number);
  auto found = co_await candidates(deps, scope, number, carrier, no_filter);
  if (!found) co_return error_response(found.error(), ctx.request_id);
  if (found->empty()) co_return not_found();
  if (found->size() > 1) {
    std::string list;
    for (const auto& row : *found) list += (list.empty() ? "" : ", ") + row.carrier;
    co_return problem(ctx, 409, "ambiguous-tracking-number", "Ambiguous tracking number",
                      "tracking number " + number + " is used by shipments of several carriers (" +
                          list + "): name one with ?carrier=",
                      {field_error{.field = "carrier", .message = "one of: " + list}});
  }
  auto body = co_await timeline_json(deps, found->front());
  if (!body) co_return error_response(body.error(), ctx.request_id);
  // Only the whole answer for the number in this scope, never one narrowed by ?carrier=.
  if (carrier.empty()) deps.cache.fill_view(number, generation, scope, *body);
  co_return http::response::json(200, std::move(*body));
}

task_response get_shipment_events(context& ctx, api_deps& deps) {
  if (auto errors = unknown_query(ctx.request, {}); !errors.empty())
    co_return validation_failed(ctx, std::move(errors));
  const auto id = ctx.param("id");
  auto not_found = [&] {
    return problem(ctx, 404, "not-found", "Not found", "no shipment " + std::string(id));
  };
  if (!valid_shipment_id(id)) co_return not_found();
  const std::string wanted(id);
  const std::string scope = ctx.tenant_scope();
  auto found = co_await deps.db.get_shipment(scope, wanted);
  if (!found) co_return error_response(found.error(), ctx.request_id);
  if (!*found) co_return not_found();
  auto body = co_await timeline_json(deps, **found);
  if (!body) co_return error_response(body.error(), ctx.request_id);
  co_return http::response::json(200, std::move(*body));
}

http::response html_page(int status, std::string html, web::page_language lang) {
  http::response res = http::response::text(status, std::move(html), "text/html; charset=utf-8");
  res.fields.push_back({"Content-Security-Policy", web::track_page_csp()});
  res.fields.push_back({"Cache-Control", "no-store"});
  res.fields.push_back({"X-Content-Type-Options", "nosniff"});
  res.fields.push_back({"Referrer-Policy", "no-referrer"});
  res.fields.push_back({"Content-Language", std::string(web::language_tag(lang))});
  res.fields.push_back({"Vary", "Accept-Language"});
  return res;
}

std::string carrier_name(const carriers::registry& registry, const std::string& id) {
  const auto* c = registry.find(id);
  return c ? std::string(c->adapter->display_name()) : id;
}

task_response track_page(context& ctx, api_deps& deps, const time_zone* paris) {
  web::page_context page{.lang = web::choose_language(ctx.request.header("Accept-Language"),
                                                      ctx.request.query_param("lang")),
                         .carrier_name = {},
                         .carrier = {},
                         .postal_code = {},
                         .paris = paris};
  const std::string number(ctx.param("tracking_number"));
  const std::string carrier = ctx.request.query_param("carrier");
  // Unknown, malformed, or a carrier that is not configured: one page, nothing echoed.
  auto not_found = [&] { return html_page(404, web::render_track_not_found(page), page.lang); };
  if (!valid_tracking_number(number)) co_return not_found();
  if (!carrier.empty() && !configured(deps.carriers, carrier)) co_return not_found();
  // A short number is shown only with its destination postal code: asked for first, whatever
  // the number (nothing looked up), and a wrong one is the same 404 as an unknown number.
  const std::string postal_code = normalized_postal_code(ctx.request.query_param("postal_code"));
  const bool short_number = number.size() < web::kShortTrackingNumber;
  if (short_number && postal_code.empty()) {
    page.carrier = carrier;
    co_return html_page(200, web::render_track_postal_code_form(page), page.lang);
  }
  // Named, not temporaries (as above).
  const std::string any_tenant, filter = short_number ? postal_code : std::string();
  auto found = co_await candidates(deps, any_tenant, number, carrier, filter);
  if (!found) {
    auto res = html_page(503, web::render_track_unavailable(page), page.lang);
    res.fields.push_back({"Retry-After", "5"});
    co_return res;
  }
  if (found->empty()) co_return not_found();
  page.carrier = carrier;
  if (short_number) page.postal_code = postal_code;
  if (found->size() > 1) {
    std::vector<std::pair<std::string, std::string>> choices;
    for (const auto& row : *found)
      choices.emplace_back(row.carrier, carrier_name(deps.carriers, row.carrier));
    co_return html_page(200, web::render_track_choice(number, choices, page), page.lang);
  }
  const auto& shipment = found->front();
  auto events = co_await deps.db.list_tracking_events(shipment.tenant, shipment.id);
  if (!events) {
    auto res = html_page(503, web::render_track_unavailable(page), page.lang);
    res.fields.push_back({"Retry-After", "5"});
    co_return res;
  }
  page.carrier_name = carrier_name(deps.carriers, shipment.carrier);
  co_return html_page(200, web::render_track_page(make_tracking_view(shipment, *events), page),
                      page.lang);
}

// ---- OpenAPI description of the routes ---------------------------------------------------------

constexpr const char* kTrackingNumberParam =
    R"({"type": "string", "pattern": "^[A-Za-z0-9]{1,64}$", "examples": ["6A15984040331"]})";

constexpr const char* kTrackingExample =
    R"({"tracking_number": "6A15984040331", "carrier": "colissimo", "shipment_id": "shp_0a1b2c3d4e5f6g7",
  "status": "in_transit", "status_detail": "Votre colis est en cours d'acheminement.", "estimated_delivery": null,
  "events": [
    {"id": "evt_3f1c0d9e2b7a65840c1d", "status": "label_created", "carrier_code": null, "description": null,
     "location": {"city": null, "postal_code": null, "country": null, "point_id": null},
     "occurred_at": "2026-06-01T09:30:00Z", "source": "gateway"},
    {"id": "evt_9b2e4a71c05d3f8e6a12", "status": "in_transit", "carrier_code": "ET1",
     "description": "Votre colis est en cours d'acheminement.",
     "location": {"city": "Lyon", "postal_code": "69007", "country": "FR", "point_id": null},
     "occurred_at": "2026-06-02T04:12:00Z", "source": "carrier_poll"}]})";

route_doc tracking_doc() {
  route_doc d;
  d.operation_id = "getTracking";
  d.tag = "Tracking";
  d.description =
      "The timeline of the parcel with this carrier tracking number, events oldest first. "
      "Merchant keys find their tenant's shipments, ops keys every tenant's. When several "
      "carriers' shipments share the number, name one with ?carrier= (409 otherwise); when one "
      "carrier's shipments share it (a reused number), the newest is the parcel.";
  d.params = {{"tracking_number", "path", true, kTrackingNumberParam, "The carrier's number"},
              query_param("carrier", R"({"type": "string"})",
                          "Only this carrier's shipments (a configured carrier id)")};
  d.responses = {
      answer(200, "The parcel's timeline",
             {media("application/json", "Tracking", kTrackingExample)}),
      answer(404, "No shipment with this number for this key's tenant"),
      answer(409, "Shipments of several carriers have this number: name one with ?carrier="),
      answer(422, "An unknown carrier or query parameter")};
  return d;
}

route_doc events_doc() {
  route_doc d;
  d.operation_id = "listShipmentEvents";
  d.tag = "Tracking";
  d.description =
      "The shipment's timeline, events oldest first, in the shape of GET "
      "/v1/tracking/{tracking_number} (tracking_number is null while the purchase is "
      "unconfirmed).";
  d.params = {
      {"id", "path", true, R"({"$ref": "#/components/schemas/ShipmentId"})", "The shipment id"}};
  d.responses = {answer(200, "The shipment's timeline", {media("application/json", "Tracking")}),
                 answer(404, "No such shipment for this key's tenant"),
                 answer(422, "A query parameter was sent")};
  return d;
}

route_doc page_doc() {
  route_doc d;
  d.operation_id = "getTrackingPage";
  d.tag = "Tracking";
  d.description =
      "The public tracking page, for the parcel's recipient: no API key, no personal data "
      "(statuses, the carrier's texts, cities, collection point ids, times in Paris time), events "
      "newest first. English or French from Accept-Language (q-values honoured; English by "
      "default) or ?lang=. Served with a strict Content-Security-Policy (no script; the one "
      "stylesheet allowed by its hash) and Cache-Control: no-store. An unknown or malformed "
      "number gets the same 404 page. A number several carriers use gets a page to choose the "
      "carrier (?carrier=). A number shorter than 11 characters (Mondial Relay's 8 digits) is "
      "shown only with the destination postal code (?postal_code=): without it the page asks "
      "for it (a form, the same for every number); with a wrong one it is the 404 page.";
  const char* html = R"j({"type": "string", "description": "An HTML5 document (UTF-8)"})j";
  d.params = {{"tracking_number", "path", true, R"({"type": "string"})", "The carrier's number"},
              query_param("lang", R"({"type": "string", "enum": ["en", "fr"]})",
                          "The page's language, whatever Accept-Language says"),
              query_param("carrier", R"({"type": "string"})",
                          "Only this carrier's parcel (when several carriers use the number)"),
              query_param("postal_code", R"({"type": "string", "maxLength": 12})",
                          "The destination postal code (required to see a number shorter than 11 "
                          "characters)"),
              {"Accept-Language", "header", false, R"({"type": "string"})",
               "fr or en (RFC 9110 language ranges with q-values)"}};
  d.responses = {answer(200,
                        "The parcel's page, the choice of carriers, or the form asking a short "
                        "number's postal code",
                        {media("text/html", html)}, {"Cache-Control", "Content-Security-Policy"}),
                 answer(404, "No parcel with this number: the same page whatever the reason",
                        {media("text/html", html)}, {"Cache-Control", "Content-Security-Policy"}),
                 answer(503, "The store could not be read", {media("text/html", html)},
                        {"Cache-Control", "Content-Security-Policy", "Retry-After"})};
  return d;
}

}  // namespace

void add_tracking_routes(router& r, api_deps& deps) {
  auto* d = &deps;
  // Times on the page are Paris times (the carriers served are French); without a tz database
  // they are shown in UTC, saying so.
  std::shared_ptr<const time_zone> paris;
  if (auto tz = time_zone::load("Europe/Paris"))
    paris = std::make_shared<const time_zone>(std::move(*tz));
  else
    telemetry::log_warn("tracking page: Europe/Paris not loaded, times shown in UTC",
                        {{"error", tz.error().message}});
  r.add(
      "GET", "/v1/tracking/{tracking_number}", merchant | ops,
      "A parcel's timeline by its tracking number", [d](context& c) { return get_tracking(c, *d); },
      tracking_doc());
  r.add(
      "GET", "/v1/shipments/{id}/events", merchant | ops, "A shipment's timeline",
      [d](context& c) { return get_shipment_events(c, *d); }, events_doc());
  r.add(
      "GET", "/track/{tracking_number}", anyone, "Public tracking page (HTML)",
      [d, paris](context& c) { return track_page(c, *d, paris.get()); }, page_doc());
}

}  // namespace parcelgate::api
