// POST /v1/carriers/{carrier}/events: the carriers' own pushes of scans (DESIGN §4). No API key:
// each carrier authenticates by its own published scheme or by its push_token (push_inbox.hpp).
// The answer comes once the raw push is durably recorded; processing follows asynchronously.
// GET on the same path answers 200 to an authenticated caller, for carriers (InPost) that check
// an endpoint with a GET before they push to it.

#include <boost/json.hpp>

#include "gateway/api/gateway_api.hpp"
#include "gateway/api/route_support.hpp"
#include "gateway/domain/push_inbox.hpp"

namespace parcelgate::api {

namespace {

using task_response = boost::asio::awaitable<http::response>;

// A UTF-8 check (RFC 3629: no overlongs, surrogates or code points past U+10FFFF); pushes are
// text (JSON, XML) and are stored as text.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int n = 0;
    unsigned min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      min = 0x10000;
    } else {
      return false;
    }
    unsigned cp = c & (0x3F >> n);
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

// The token a request presents: `?token=` or `Authorization: Bearer <token>`.
std::string presented_token(const http::request& r) {
  bool found = false;
  auto q = r.query_param("token", &found);
  if (found) return q;
  auto auth = r.header("authorization");
  constexpr std::string_view bearer = "bearer ";  // the scheme is case-insensitive
  if (auth.size() <= bearer.size()) return {};
  for (std::size_t i = 0; i < bearer.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(auth[i])) != bearer[i]) return {};
  return std::string(auth.substr(bearer.size()));
  return {};
}

std::optional<http::response> refuse(const context& ctx, push_inbox::check verdict,
                                     std::string_view carrier) {
  switch (verdict) {
    case push_inbox::check::accepted:
      return std::nullopt;
    case push_inbox::check::unknown_carrier:
      return problem(ctx, 404, "not-found", "Not found",
                     "no configured carrier " + std::string(carrier) + " pushes tracking events");
    case push_inbox::check::not_enabled:
      return problem(ctx, 404, "not-found", "Not found",
                     "pushes from " + std::string(carrier) + " are not enabled (set carriers." +
                         std::string(carrier) + ".push_token)");
    case push_inbox::check::refused:
      break;
  }
  auto res = problem(ctx, 401, "unauthorized", "Authentication required",
                     "the push is not authenticated for " + std::string(carrier) +
                         " (its push token as ?token= or Authorization: Bearer, or the "
                         "carrier's own signature)");
  res.fields.push_back({"WWW-Authenticate", "Bearer realm=\"parcelgate carrier push\""});
  return res;
}

carriers::inbound_push inbound(const http::request& r) {
  return {.headers = r.fields, .body = r.body, .query = r.query};
}

task_response receive_push(context& ctx, api_deps& deps) {
  const std::string carrier(ctx.param("carrier"));
  auto push = inbound(ctx.request);
  if (auto refused = refuse(
          ctx, deps.pushes->authenticate(carrier, push, presented_token(ctx.request)), carrier))
    co_return std::move(*refused);
  if (push.body.empty()) co_return validation_failed(ctx, {{"", "the push has no body"}});
  if (!valid_utf8(push.body))
    co_return validation_failed(ctx, {{"", "the push body is not valid UTF-8 text"}});
  auto recorded = co_await deps.pushes->record(carrier, std::move(push));
  if (!recorded)
    co_return problem(ctx, 503, "service-unavailable", "Service unavailable",
                      "the push could not be recorded; send it again");
  boost::json::object body{
      {"status", *recorded == push_inbox::recorded::stored ? "recorded" : "already_recorded"}};
  co_return http::response::json(202, boost::json::serialize(body));
}

task_response check_push_endpoint(context& ctx, api_deps& deps) {
  const std::string carrier(ctx.param("carrier"));
  const auto push = inbound(ctx.request);
  if (auto refused = refuse(
          ctx, deps.pushes->authenticate(carrier, push, presented_token(ctx.request)), carrier))
    co_return std::move(*refused);
  co_return http::response::json(200, R"({"status":"ready"})");
}

const char* kCarrierParam = R"({"type": "string", "pattern": "^[a-z0-9_]{1,32}$"})";

std::vector<param_doc> push_params() {
  return {{"carrier", "path", true, kCarrierParam, "A configured carrier that pushes (inpost)"},
          query_param("token", R"({"type": "string"})",
                      "The carrier's push_token, when it is not sent as Authorization: Bearer "
                      "(never stored)")};
}

route_doc receive_doc() {
  route_doc d;
  d.operation_id = "receiveCarrierPush";
  d.tag = "Tracking";
  d.description =
      "Where a carrier pushes its scans. Authenticated by the carrier's own scheme where it "
      "publishes one, otherwise by carriers.<carrier>.push_token (?token= or Authorization: "
      "Bearer). Answers 202 once the raw push is durably recorded; its events are applied "
      "asynchronously. The same push again is recorded once and answered 202 again.";
  d.params = push_params();
  d.request = {media("application/json", R"({"type": "object"})")};
  const char* answer_schema =
      R"({"type": "object", "additionalProperties": false, "required": ["status"],
          "properties": {"status": {"enum": ["recorded", "already_recorded"]}}})";
  d.responses = {answer(202, "Recorded; processed asynchronously",
                        {media("application/json", answer_schema, R"({"status": "recorded"})")}),
                 answer(401, "Not authenticated for this carrier", {}, {"WWW-Authenticate"}),
                 answer(404, "No such carrier, or it does not push, or pushes are not enabled"),
                 answer(422, "An empty body, or one that is not UTF-8 text"),
                 answer(503, "The push could not be recorded; the carrier should send it again")};
  return d;
}

route_doc check_doc() {
  route_doc d;
  d.operation_id = "checkCarrierPushEndpoint";
  d.tag = "Tracking";
  d.description =
      "Answers 200 to an authenticated carrier: some carriers check their webhook URL with a GET "
      "before they push to it.";
  d.params = push_params();
  const char* ready = R"({"type": "object", "additionalProperties": false, "required": ["status"],
                          "properties": {"status": {"const": "ready"}}})";
  d.responses = {answer(200, "The endpoint accepts this carrier's pushes",
                        {media("application/json", ready, R"({"status": "ready"})")}),
                 answer(401, "Not authenticated for this carrier", {}, {"WWW-Authenticate"}),
                 answer(404, "No such carrier, or it does not push, or pushes are not enabled")};
  return d;
}

}  // namespace

void add_carrier_push_routes(router& r, api_deps& deps) {
  if (!deps.pushes) return;
  auto* d = &deps;
  r.add(
      "POST", "/v1/carriers/{carrier}/events", anyone, "Receive a carrier's pushed scans",
      [d](context& c) { return receive_push(c, *d); }, receive_doc());
  r.add(
      "GET", "/v1/carriers/{carrier}/events", anyone, "Check the push endpoint (carriers)",
      [d](context& c) { return check_push_endpoint(c, *d); }, check_doc());
}

}  // namespace parcelgate::api
