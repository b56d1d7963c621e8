#include "gateway/api/problems.hpp"

#include <boost/json.hpp>

#include "gateway/domain/ids.hpp"

namespace parcelgate::api {

namespace {

http::problem simple(int status, std::string type, std::string title, std::string detail) {
  return http::problem{.status = status,
                       .type = std::move(type),
                       .title = std::move(title),
                       .detail = std::move(detail),
                       .errors = {},
                       .retry_after_s = 0,
                       .extensions = {}};
}

// The id of the resource in a stored 201 answer (a replay carries no other record of it).
std::string resource_id_in(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto* id = v.as_object().if_contains("id");
  return id && id->is_string() ? std::string(id->as_string()) : std::string();
}

}  // namespace

int status_for(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::invalid_request:
      return 422;
    case error_kind::unsupported:
      return 422;
    case error_kind::rejected:
      return 422;
    case error_kind::auth_failed:
      return 502;
    case error_kind::bad_gateway:
      return 502;
    case error_kind::not_found:
      return 404;
    case error_kind::conflict:
      return 409;
    case error_kind::rate_limited:
      return 503;
    case error_kind::unavailable:
      return 503;
    case error_kind::timeout:
      return 504;
    case error_kind::internal:
      return 500;
  }
  return 500;
}

http::problem problem_for(const error& e) {
  auto p = simple(status_for(e.kind), {}, {}, e.message);
  p.errors = e.fields;
  p.retry_after_s = e.retry_after_s;
  switch (e.kind) {
    case error_kind::invalid_request:
      p.type = "validation-error", p.title = "The request is not valid";
      break;
    case error_kind::unsupported:
      p.type = "unsupported", p.title = "The carrier does not support this";
      break;
    case error_kind::rejected:
      p.type = "carrier-rejected", p.title = "The carrier refused the request";
      break;
    case error_kind::auth_failed:
      p.type = "carrier-auth-failed", p.title = "The carrier rejected the gateway's credentials";
      break;
    case error_kind::bad_gateway:
      p.type = "carrier-bad-response", p.title = "The carrier sent an unusable answer";
      break;
    case error_kind::not_found:
      p.type = "not-found", p.title = "Not found";
      break;
    case error_kind::conflict:
      p.type = "conflict", p.title = "The resource's state does not allow this";
      break;
    case error_kind::rate_limited:
      p.type = "carrier-rate-limited", p.title = "The carrier is throttling requests";
      break;
    case error_kind::unavailable:
      // Not every outage is a carrier's: the store (database restarting, pool exhausted,
      // statement timed out) names no carrier.
      if (e.carrier.empty())
        p.type = "service-unavailable", p.title = "Service unavailable";
      else
        p.type = "carrier-unavailable", p.title = "The carrier is unavailable";
      break;
    case error_kind::timeout:
      p.type = "carrier-timeout", p.title = "The carrier did not answer in time";
      break;
    case error_kind::internal:
      p.type = "internal-error", p.title = "Internal error";
      p.detail = "an internal error occurred; quote the request id when reporting it";
      break;
  }
  if ((e.kind == error_kind::rate_limited || e.kind == error_kind::unavailable) &&
      p.retry_after_s == 0)
    p.retry_after_s = e.kind == error_kind::rate_limited ? 30 : 10;
  if (!e.carrier.empty()) {
    boost::json::object c{{"id", e.carrier}};
    if (!e.carrier_code.empty()) c["code"] = e.carrier_code;
    if (!e.carrier_message.empty() && e.kind != error_kind::internal)
      c["message"] = e.carrier_message;
    p.extensions.emplace_back("carrier", boost::json::serialize(c));
  }
  return p;
}

http::response error_response(const error& e, std::string_view request_id) {
  return http::problem_response(problem_for(e), request_id);
}

http::response problem(std::string_view request_id, int status, std::string type, std::string title,
                       std::string detail, std::vector<field_error> fields) {
  auto p = simple(status, std::move(type), std::move(title), std::move(detail));
  p.errors = std::move(fields);
  return http::problem_response(p, request_id);
}

http::response validation_failed(const context& ctx, std::vector<field_error> fields) {
  // Counted before the call: argument evaluation order is unspecified and `fields` is moved.
  std::string detail = std::to_string(fields.size()) + " field(s) need attention";
  return problem(ctx, 422, "validation-error", "The request is not valid", std::move(detail),
                 std::move(fields));
}

http::response no_route(std::string_view request_id, std::string_view path) {
  return problem(request_id, 404, "not-found", "Not found", "no route for " + std::string(path));
}

http::response method_not_allowed(std::string_view request_id, std::string_view method,
                                  std::string_view allowed) {
  auto res =
      problem(request_id, 405, "method-not-allowed", "Method not allowed",
              std::string(method) + " is not allowed here; allowed: " + std::string(allowed));
  res.fields.push_back({"Allow", std::string(allowed)});
  return res;
}

http::response unauthenticated(std::string_view request_id, auth_failure why) {
  if (why == auth_failure::storage)
    return problem(request_id, 503, "unavailable", "Service unavailable",
                   "authentication is temporarily unavailable");
  std::string detail;
  switch (why) {
    case auth_failure::missing:
      detail = "send an API key: Authorization: Bearer pg_<role>_...";
      break;
    case auth_failure::not_bearer:
      detail =
          "the Authorization header must use the Bearer scheme: Authorization: Bearer "
          "pg_<role>_...";
      break;
    case auth_failure::malformed:
      detail =
          "the Bearer value is not shaped like a parcelgate API key (pg_<role>_ and 30 characters)";
      break;
    default:
      detail = "the API key is not valid (unknown or revoked)";
      break;
  }
  auto res = problem(request_id, 401, "unauthorized", "Authentication required", std::move(detail));
  res.fields.push_back({"WWW-Authenticate", "Bearer realm=\"parcelgate\""});
  return res;
}

http::response forbidden(std::string_view request_id, store::role role, std::string_view method,
                         std::string_view pattern) {
  return problem(request_id, 403, "forbidden", "Forbidden",
                 "a " + std::string(store::to_string(role)) + " key cannot use " +
                     std::string(method) + " " + std::string(pattern));
}

http::response rate_limited(std::string_view request_id, int retry_after_s) {
  auto p = simple(429, "rate-limited", "Too many requests", "this API key sent too many requests");
  p.retry_after_s = retry_after_s;
  return http::problem_response(p, request_id);
}

http::response server_refusal(int status, std::string_view detail) {
  std::string_view type = "bad-request", title = "Bad request";
  switch (status) {
    case 408:
      type = "request-timeout", title = "Request timeout";
      break;
    case 413:
      type = "body-too-large", title = "Request body too large";
      break;
    case 431:
      type = "headers-too-large", title = "Request headers too large";
      break;
    case 500:
      type = "internal-error", title = "Internal error";
      break;
    case 503:
      type = "service-unavailable", title = "Service unavailable";
      break;
    default:
      break;
  }
  const std::string request_id = new_trace_id("req");
  auto res =
      problem(request_id, status, std::string(type), std::string(title), std::string(detail));
  res.fields.push_back({"X-Request-Id", request_id});  // every response carries one (DESIGN §4)
  res.fields.push_back({"Connection", "close"});
  return res;
}

http::response stored_response(stored_answer a) {
  return a.status < 300
             ? http::response::json(a.status, std::move(a.body))
             : http::response::text(a.status, std::move(a.body), "application/problem+json");
}

http::response replayed_response(stored_answer a, std::string_view collection) {
  const std::string id = a.status == 201 ? resource_id_in(a.body) : std::string();
  auto res = stored_response(std::move(a));
  res.fields.push_back({"Idempotent-Replayed", "true"});
  if (!id.empty()) res.fields.push_back({"Location", std::string(collection) + "/" + id});
  return res;
}

http::response purchase_response(purchase_outcome outcome, std::string_view request_id) {
  using kind = purchase_outcome::kind;
  switch (outcome.what) {
    case kind::created: {
      auto res = http::response::json(201, std::move(outcome.body));
      res.fields.push_back({"Location", "/v1/shipments/" + outcome.shipment_id});
      return res;
    }
    case kind::replayed:
      return replayed_response(std::move(outcome.answer), "/v1/shipments");
    case kind::in_progress:
      return key_in_use(request_id);
    case kind::key_reused:
      return key_reused(request_id);
    case kind::outcome_unknown:
      return stored_response(std::move(outcome.answer));
    case kind::refused:
    case kind::failed:
      break;
  }
  return error_response(outcome.cause, request_id);
}

stored_answer problem_answers::created(std::string shipment_json) const {
  return {.status = 201, .body = std::move(shipment_json)};
}

http::response key_in_use(std::string_view request_id) {
  auto p =
      simple(409, "idempotency-key-in-use", "A request with this Idempotency-Key is in progress",
             "Another request with the same Idempotency-Key is being processed; retry later "
             "to get its result.");
  p.retry_after_s = 1;
  return http::problem_response(p, request_id);
}

http::response key_reused(std::string_view request_id) {
  return problem(request_id, 422, "idempotency-key-reused",
                 "This Idempotency-Key was used with a different request",
                 "An Idempotency-Key identifies one request; use a new key for a different body.");
}

http::problem outcome_unknown_problem(const error& cause, std::string type, std::string title,
                                      std::string detail, std::string_view id_member,
                                      std::string_view id) {
  auto p = problem_for(cause);
  p.status = status_for(cause.kind) == 504 ? 504 : 502;
  p.type = std::move(type);
  p.title = std::move(title);
  p.detail = std::move(detail);
  p.retry_after_s = 0;
  p.extensions.emplace_back(std::string(id_member), boost::json::serialize(boost::json::value(id)));
  return p;
}

stored_answer problem_answers::outcome_unknown(std::string_view shipment_id, const error& cause,
                                               std::string_view request_id) const {
  const auto p = outcome_unknown_problem(
      cause, "purchase-outcome-unknown", "The label purchase could not be confirmed",
      "The carrier may have sold a label for this request (" + cause.message +
          "). The gateway will not buy again with this Idempotency-Key; shipment " +
          std::string(shipment_id) + " is pending_confirmation until it is reconciled.",
      "shipment_id", shipment_id);
  return {.status = p.status, .body = http::problem_body(p, request_id)};
}

}  // namespace parcelgate::api
