// Routes of merchants' webhook endpoints (docs/webhooks.md). Every route is scoped to the
// caller's tenant: another tenant's endpoint is a 404, like one that does not exist.

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "gateway/api/gateway_api.hpp"
#include "gateway/api/route_support.hpp"
#include "gateway/config/config.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/webhooks/sender.hpp"
#include "gateway/webhooks/signing.hpp"
#include "gateway/webhooks/targets.hpp"

namespace parcelgate::api {

namespace {

namespace json = boost::json;
using task_response = boost::asio::awaitable<http::response>;

constexpr std::string_view kEventTypes[] = {"shipment.created", "shipment.status_changed",
                                            "shipment.cancelled", "pickup.scheduled",
                                            "pickup.cancelled"};

bool valid_webhook_id(std::string_view id) {
  return valid_prefixed_id(id, "whk_");
}

http::response not_found(const context& ctx, std::string_view id) {
  return problem(ctx, 404, "not-found", "Not found", "no webhook " + std::string(id));
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string at_ms(std::int64_t ms) {
  return rfc3339(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

// The endpoint as the API shows it; the secret only when `secret` (creation and rotation).
json::object endpoint_json(const store::webhook_endpoint& e, bool secret) {
  json::array events;
  for (const auto& t : e.events) events.emplace_back(t);
  json::object o{{"id", e.id},
                 {"object", "webhook_endpoint"},
                 {"url", e.url},
                 {"events", std::move(events)},
                 {"status", e.status},
                 {"disabled_reason", nullptr},
                 {"previous_secret_expires_at", nullptr},
                 {"created_at", e.created_at}};
  if (!e.disabled_reason.empty()) o["disabled_reason"] = e.disabled_reason;
  if (!e.previous_secret.empty() && e.previous_secret_until_ms > now_ms())
    o["previous_secret_expires_at"] = at_ms(e.previous_secret_until_ms);
  if (secret) o["secret"] = e.secret;
  return o;
}

http::response json_answer(int status, const json::object& o) {
  return http::response::json(status, json::serialize(o));
}

// `limit` (1-100, default 20) and `starting_after`; unknown parameters are refused.
struct page_query {
  int limit = 20;
  std::string starting_after;
};

std::optional<page_query> read_page_query(const context& ctx, std::vector<field_error>& errors,
                                          bool cursor_is_webhook_id) {
  page_query q;
  std::string_view rest = ctx.request.query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    auto name = pair.substr(0, pair.find('='));
    if (!name.empty() && name != "limit" && name != "starting_after")
      errors.push_back({.field = std::string(name),
                        .message = "unknown query parameter (allowed: limit, starting_after)"});
  }
  bool has_limit = false;
  auto limit = ctx.request.query_param("limit", &has_limit);
  if (has_limit) {
    int v = 0;
    auto [p, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), v);
    if (ec != std::errc() || p != limit.data() + limit.size() || v < 1 || v > 100)
      errors.push_back({.field = "limit", .message = "must be an integer from 1 to 100"});
    else
      q.limit = v;
  }
  q.starting_after = ctx.request.query_param("starting_after");
  if (!q.starting_after.empty()) {
    bool ok = cursor_is_webhook_id
                  ? valid_webhook_id(q.starting_after)
                  : q.starting_after.size() <= 18 &&
                        std::all_of(q.starting_after.begin(), q.starting_after.end(),
                                    [](char c) { return c >= '0' && c <= '9'; });
    if (!ok)
      errors.push_back({.field = "starting_after",
                        .message = cursor_is_webhook_id
                                       ? "must be a webhook id (whk_...)"
                                       : "must be the next_cursor of the previous page"});
  }
  if (!errors.empty()) return std::nullopt;
  return q;
}

task_response create_webhook(context& ctx, api_deps& deps) {
  auto& req = ctx.request;
  if (!has_media_type(req.header("Content-Type"), "application/json"))
    co_return problem(ctx, 415, "unsupported-media-type", "Unsupported media type",
                      "send the body as application/json");
  const auto key = req.header("Idempotency-Key");
  if (!key.empty() && !valid_idempotency_key(key))
    co_return problem(ctx, 400, "idempotency-key-invalid", "Invalid Idempotency-Key",
                      "the Idempotency-Key must be 1 to 255 visible ASCII characters");
  boost::system::error_code ec;
  auto parsed = json::parse(req.body, ec);
  if (ec)
    co_return problem(ctx, 400, "malformed-json", "Malformed JSON",
                      "the body is not valid JSON: " + ec.message());
  std::vector<field_error> errors;
  if (!parsed.is_object()) co_return validation_failed(ctx, {{"", "must be a JSON object"}});
  const auto& body = parsed.as_object();
  for (const auto& kv : body)
    if (kv.key() != "url" && kv.key() != "events")
      errors.push_back(
          {.field = std::string(kv.key()), .message = "unknown field (allowed: url, events)"});
  std::string url;
  std::optional<webhooks::target> target;
  if (auto* u = body.if_contains("url"); !u) {
    errors.push_back({.field = "url", .message = "required"});
  } else if (!u->is_string()) {
    errors.push_back({.field = "url", .message = "must be a string"});
  } else {
    url = std::string(u->as_string());
    std::string why;
    target = webhooks::parse_target(url, deps.webhooks->allow_private_targets, &why);
    if (!target) errors.push_back({.field = "url", .message = why});
  }
  std::vector<std::string> events;
  if (auto* e = body.if_contains("events"); !e) {
    errors.push_back({.field = "events", .message = "required"});
  } else if (!e->is_array() || e->as_array().empty()) {
    errors.push_back({.field = "events", .message = "must be a non-empty array of event types"});
  } else {
    const auto& list = e->as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = "events[" + std::to_string(i) + "]";
      if (!list[i].is_string()) {
        errors.push_back({.field = path, .message = "must be a string"});
        continue;
      }
      const std::string type(list[i].as_string());
      if (std::find(std::begin(kEventTypes), std::end(kEventTypes), type) == std::end(kEventTypes))
        errors.push_back({.field = path,
                          .message = "unknown event type (one of shipment.created, "
                                     "shipment.status_changed, shipment.cancelled, "
                                     "pickup.scheduled, pickup.cancelled)"});
      else if (std::find(events.begin(), events.end(), type) != events.end())
        errors.push_back({.field = path, .message = "listed twice"});
      else
        events.push_back(type);
    }
  }
  if (target && errors.empty()) {
    // What the host resolves to now; the same check runs again on every delivery. A host that
    // does not resolve yet is accepted (its deliveries fail and are retried until it does).
    auto resolved = co_await deps.webhook_sender->resolve(*target);
    if (!resolved && resolved.error().refused)
      errors.push_back({.field = "url", .message = "points at " + resolved.error().message});
  }
  if (!errors.empty()) co_return validation_failed(ctx, std::move(errors));

  std::string canonical = "POST /v1/webhooks\n" + url;
  for (const auto& t : events) canonical += "\n" + t;
  store::webhook_endpoint endpoint{.id = new_id("whk"),
                                   .tenant = ctx.who->tenant,
                                   .url = url,
                                   .events = events,
                                   .secret = webhooks::new_secret(),
                                   .created_at = now_rfc3339(),
                                   .idempotency_key = std::string(key),
                                   .request_hash = sha256_hex(canonical)};
  auto created = co_await deps.db.create_webhook(endpoint);
  if (!created) co_return error_response(created.error(), ctx.request_id);
  const bool replay = created->id != endpoint.id;
  if (replay && created->request_hash != endpoint.request_hash)
    co_return problem(ctx, 422, "idempotency-key-reused", "Idempotency-Key reused",
                      "this Idempotency-Key created a webhook with another url or events");
  auto res = json_answer(201, endpoint_json(*created, true));
  res.fields.push_back({"Location", "/v1/webhooks/" + created->id});
  if (replay) res.fields.push_back({"Idempotent-Replayed", "true"});
  co_return res;
}

task_response list_webhooks(context& ctx, api_deps& deps) {
  std::vector<field_error> errors;
  auto q = read_page_query(ctx, errors, true);
  if (!q) co_return validation_failed(ctx, std::move(errors));
  auto page = co_await deps.db.list_webhooks(ctx.who->tenant, q->starting_after, q->limit);
  if (!page) co_return error_response(page.error(), ctx.request_id);
  json::array data;
  for (const auto& e : page->items) data.push_back(endpoint_json(e, false));
  json::object o{{"data", std::move(data)}, {"has_more", page->has_more}, {"next_cursor", nullptr}};
  if (page->has_more) o["next_cursor"] = page->items.back().id;
  co_return json_answer(200, o);
}

task_response get_webhook(context& ctx, api_deps& deps) {
  const std::string id(ctx.param("id"));
  if (!valid_webhook_id(id)) co_return not_found(ctx, id);
  auto found = co_await deps.db.get_webhook(ctx.who->tenant, id);
  if (!found) co_return error_response(found.error(), ctx.request_id);
  if (!*found) co_return not_found(ctx, id);
  co_return json_answer(200, endpoint_json(**found, false));
}

task_response delete_webhook(context& ctx, api_deps& deps) {
  const std::string id(ctx.param("id"));
  if (!valid_webhook_id(id)) co_return not_found(ctx, id);
  auto deleted = co_await deps.db.delete_webhook(ctx.who->tenant, id);
  if (!deleted) co_return error_response(deleted.error(), ctx.request_id);
  if (!*deleted) co_return not_found(ctx, id);
  co_return json_answer(200, {{"id", id}, {"object", "webhook_endpoint"}, {"deleted", true}});
}

task_response rotate_secret(context& ctx, api_deps& deps) {
  const std::string id(ctx.param("id"));
  if (!valid_webhook_id(id)) co_return not_found(ctx, id);
  auto body = ctx.request.body;
  if (body.find_first_not_of(" \t\r\n") != std::string::npos &&
      body.find_first_not_of(" \t\r\n{}") != std::string::npos)
    co_return validation_failed(ctx, {{"", "the rotation takes no body"}});
  const auto grace =
      std::chrono::duration_cast<std::chrono::milliseconds>(deps.webhooks->secret_grace).count();
  auto rotated = co_await deps.db.rotate_webhook_secret(ctx.who->tenant, id, webhooks::new_secret(),
                                                        now_ms() + grace);
  if (!rotated) co_return error_response(rotated.error(), ctx.request_id);
  if (!*rotated) co_return not_found(ctx, id);
  co_return json_answer(200, endpoint_json(**rotated, true));
}

task_response list_deliveries(context& ctx, api_deps& deps) {
  const std::string id(ctx.param("id"));
  if (!valid_webhook_id(id)) co_return not_found(ctx, id);
  std::vector<field_error> errors;
  auto q = read_page_query(ctx, errors, false);
  if (!q) co_return validation_failed(ctx, std::move(errors));
  auto found = co_await deps.db.get_webhook(ctx.who->tenant, id);
  if (!found) co_return error_response(found.error(), ctx.request_id);
  if (!*found) co_return not_found(ctx, id);
  std::int64_t before = 0;
  if (!q->starting_after.empty())
    std::from_chars(q->starting_after.data(), q->starting_after.data() + q->starting_after.size(),
                    before);
  auto page = co_await deps.db.list_webhook_attempts(ctx.who->tenant, id, before, q->limit);
  if (!page) co_return error_response(page.error(), ctx.request_id);
  json::array data;
  for (const auto& a : page->items) {
    json::object o{{"event_id", a.event_id},
                   {"event_type", a.event_type},
                   {"attempt", a.attempt},
                   {"status_code", nullptr},
                   {"error", nullptr},
                   {"duration_ms", a.duration_ms},
                   {"at", a.at},
                   {"next_attempt_at", nullptr}};
    if (a.status_code > 0) o["status_code"] = a.status_code;
    if (!a.error.empty()) o["error"] = a.error;
    if (!a.next_attempt_at.empty()) o["next_attempt_at"] = a.next_attempt_at;
    data.push_back(std::move(o));
  }
  json::object o{{"data", std::move(data)}, {"has_more", page->has_more}, {"next_cursor", nullptr}};
  if (page->has_more) o["next_cursor"] = std::to_string(page->items.back().seq);
  co_return json_answer(200, o);
}

// ---- OpenAPI description of the routes ---------------------------------------------------------

constexpr const char* kWebhookIdParam = R"({"$ref": "#/components/schemas/WebhookId"})";

constexpr const char* kCreateExample =
    R"({"url": "https://hooks.example.com/parcelgate", "events": ["shipment.created", "shipment.cancelled"]})";

constexpr const char* kCreatedExample =
    R"({"id": "whk_0a1b2c3d4e5f6g7", "object": "webhook_endpoint", "url": "https://hooks.example.com/parcelgate",
  "events": ["shipment.created", "shipment.cancelled"], "status": "enabled", "disabled_reason": null,
  "previous_secret_expires_at": null, "created_at": "2026-06-01T09:30:00Z",
  "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAbCdEfGhIjK="})";

param_doc limit_param() {
  return query_param("limit", R"({"type": "integer", "minimum": 1, "maximum": 100, "default": 20})",
                     "Page size");
}

route_doc create_doc() {
  route_doc d;
  d.operation_id = "createWebhook";
  d.tag = "Webhooks";
  d.description =
      "Registers an endpoint for the tenant's shipment events. The answer carries the signing "
      "secret, shown this once (and again on a replay of the same Idempotency-Key). The URL must "
      "be https and its host must not be or resolve to a loopback, private, link-local or "
      "reserved address (webhooks.allow_private_targets lifts this for development).";
  d.params = {{"Idempotency-Key", "header", false,
               R"({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"})",
               "Optional: a retry with the same key answers the endpoint created first"}};
  d.request = {media("application/json", "WebhookCreate", kCreateExample)};
  d.responses = {answer(201, "Endpoint registered (or the replay of an earlier answer to this key)",
                        {media("application/json", "WebhookEndpointWithSecret", kCreatedExample)},
                        {"Location", "Idempotent-Replayed"}),
                 answer(400, "Malformed JSON or invalid Idempotency-Key"),
                 answer(415, "The body is not application/json"),
                 answer(422,
                        "Invalid fields (errors[] lists each: a refused url, an unknown event "
                        "type), or an Idempotency-Key reused with another body")};
  return d;
}

route_doc list_doc() {
  route_doc d;
  d.operation_id = "listWebhooks";
  d.tag = "Webhooks";
  d.description = "The tenant's endpoints, newest first. Secrets are never listed.";
  d.params = {limit_param(),
              query_param("starting_after", kWebhookIdParam, "next_cursor of the previous page")};
  d.responses = {answer(200, "A page of endpoints", {media("application/json", "WebhookList")}),
                 answer(422, "Invalid or unknown query parameters")};
  return d;
}

route_doc get_doc() {
  route_doc d;
  d.operation_id = "getWebhook";
  d.tag = "Webhooks";
  d.params = {{"id", "path", true, kWebhookIdParam, "The webhook id"}};
  d.responses = {answer(200, "The endpoint", {media("application/json", "WebhookEndpoint")}),
                 answer(404, "No such webhook for this key's tenant")};
  return d;
}

route_doc delete_doc() {
  route_doc d;
  d.operation_id = "deleteWebhook";
  d.tag = "Webhooks";
  d.description = "Deletes the endpoint, its pending deliveries and its delivery log.";
  d.params = {{"id", "path", true, kWebhookIdParam, "The webhook id"}};
  d.responses = {answer(200, "Deleted", {media("application/json", "WebhookDeleted")}),
                 answer(404, "No such webhook for this key's tenant")};
  return d;
}

route_doc rotate_doc() {
  route_doc d;
  d.operation_id = "rotateWebhookSecret";
  d.tag = "Webhooks";
  d.description =
      "A new signing secret, shown this once. The previous one keeps signing until "
      "previous_secret_expires_at (webhooks.secret_grace_s, 24 h by default): meanwhile "
      "webhook-signature carries both signatures, the new one first. Takes no body.";
  d.params = {{"id", "path", true, kWebhookIdParam, "The webhook id"}};
  d.responses = {answer(200, "The endpoint with its new secret",
                        {media("application/json", "WebhookEndpointWithSecret")}),
                 answer(404, "No such webhook for this key's tenant"),
                 answer(422, "A request body was sent")};
  return d;
}

route_doc deliveries_doc() {
  route_doc d;
  d.operation_id = "listWebhookDeliveries";
  d.tag = "Webhooks";
  d.description = "Every delivery attempt to the endpoint, newest first.";
  d.params = {{"id", "path", true, kWebhookIdParam, "The webhook id"},
              limit_param(),
              query_param("starting_after", R"({"type": "string", "pattern": "^[0-9]{1,18}$"})",
                          "next_cursor of the previous page")};
  d.responses = {
      answer(200, "A page of attempts", {media("application/json", "WebhookDeliveryList")}),
      answer(404, "No such webhook for this key's tenant"),
      answer(422, "Invalid or unknown query parameters")};
  return d;
}

}  // namespace

void add_webhook_routes(router& r, api_deps& deps) {
  auto* d = &deps;
  r.add(
      "POST", "/v1/webhooks", merchant, "Register a webhook endpoint",
      [d](context& c) { return create_webhook(c, *d); }, create_doc());
  r.add(
      "GET", "/v1/webhooks", merchant, "List webhook endpoints",
      [d](context& c) { return list_webhooks(c, *d); }, list_doc());
  r.add(
      "GET", "/v1/webhooks/{id}", merchant, "Read a webhook endpoint",
      [d](context& c) { return get_webhook(c, *d); }, get_doc());
  r.add(
      "DELETE", "/v1/webhooks/{id}", merchant, "Delete a webhook endpoint",
      [d](context& c) { return delete_webhook(c, *d); }, delete_doc());
  r.add(
      "POST", "/v1/webhooks/{id}/rotate-secret", merchant, "Rotate a webhook's signing secret",
      [d](context& c) { return rotate_secret(c, *d); }, rotate_doc());
  r.add(
      "GET", "/v1/webhooks/{id}/deliveries", merchant, "List a webhook's delivery attempts",
      [d](context& c) { return list_deliveries(c, *d); }, deliveries_doc());
}

}  // namespace parcelgate::api
