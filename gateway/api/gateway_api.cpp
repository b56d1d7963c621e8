#include "gateway/api/gateway_api.hpp"

#include <chrono>

#include "gateway/domain/ids.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate::api {

std::string request_id_for(const http::request& request) {
  auto given = request.header("X-Request-Id");
  bool ok = !given.empty() && given.size() <= 128;
  for (char c : given)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ':');
  return ok ? std::string(given) : new_trace_id("req");
}

gateway_api::gateway_api(api_deps deps) : deps_(std::move(deps)) {
  add_system_routes(router_, deps_);
  add_shipment_routes(router_, deps_);
  add_rate_routes(router_, deps_);
  for (auto& r : router_.routes()) r.metrics = deps_.metrics.route(r.method, r.pattern);
  unmatched_ = deps_.metrics.route("*", "unmatched");
}

http::response gateway_api::server_error(int status, std::string_view detail) const {
  std::string_view type = "bad-request", title = "Bad request";
  switch (status) {
    case 408: type = "request-timeout", title = "Request timeout"; break;
    case 413: type = "body-too-large", title = "Request body too large"; break;
    case 431: type = "headers-too-large", title = "Request headers too large"; break;
    case 500: type = "internal-error", title = "Internal error"; break;
    case 503: type = "service-unavailable", title = "Service unavailable"; break;
    default: break;
  }
  auto p = http::simple_problem(status, std::string(type), std::string(title), std::string(detail));
  const std::string request_id = new_trace_id("req");
  auto res = http::problem_response(p, request_id);
  res.fields.push_back({"X-Request-Id", request_id});  // every response carries one (DESIGN §4)
  res.fields.push_back({"Connection", "close"});
  return res;
}

boost::asio::awaitable<http::response> gateway_api::handle(http::request& request) {
  const auto started = std::chrono::steady_clock::now();
  context ctx{request, request_id_for(request), std::nullopt, {}};
  auto match = router_.match(request.method, request.path, ctx.params);
  http::response res;
  telemetry::route_metrics* slot = unmatched_;
  if (!match.found) {
    if (match.path_exists) {
      res = http::problem_response(http::simple_problem(405, "method-not-allowed", "Method not allowed",
                                                        request.method + " is not allowed here; allowed: " + match.allowed),
                                   ctx.request_id);
      res.fields.push_back({"Allow", match.allowed});
    } else {
      res = http::problem_response(http::simple_problem(404, "not-found", "Not found", "no route for " + request.path),
                                   ctx.request_id);
    }
  } else {
    const route& r = *match.found;
    slot = r.metrics;
    bool allowed = true;
    if (r.roles != anyone) {
      auto who = co_await deps_.auth.authenticate(request.header("Authorization"));
      if (!who) {
        allowed = false;
        if (who.error() == auth_failure::storage) {
          res = http::problem_response(http::simple_problem(503, "unavailable", "Service unavailable",
                                                            "authentication is temporarily unavailable"),
                                       ctx.request_id);
        } else {
          std::string detail;
          switch (who.error()) {
            case auth_failure::missing:
              detail = "send an API key: Authorization: Bearer pg_<role>_...";
              break;
            case auth_failure::not_bearer:
              detail = "the Authorization header must use the Bearer scheme: Authorization: Bearer pg_<role>_...";
              break;
            case auth_failure::malformed:
              detail = "the Bearer value is not shaped like a parcelgate API key (pg_<role>_ and 30 characters)";
              break;
            default:
              detail = "the API key is not valid (unknown or revoked)";
              break;
          }
          res = http::problem_response(http::simple_problem(401, "unauthorized", "Authentication required", detail),
                                       ctx.request_id);
          res.fields.push_back({"WWW-Authenticate", "Bearer realm=\"parcelgate\""});
        }
      } else if ((r.roles & role_bit(who->role)) == 0) {
        allowed = false;
        res = http::problem_response(
            http::simple_problem(403, "forbidden", "Forbidden",
                                 "a " + std::string(store::to_string(who->role)) + " key cannot use " + r.method + " " + r.pattern),
            ctx.request_id);
      } else if (int wait = deps_.limiter.check(who->key_id); wait > 0) {
        allowed = false;
        auto p = http::simple_problem(429, "rate-limited", "Too many requests", "this API key sent too many requests");
        p.retry_after_s = wait;
        res = http::problem_response(p, ctx.request_id);
      } else {
        ctx.who = std::move(*who);
      }
    }
    if (allowed) {
      try {
        res = co_await r.handle(ctx);
      } catch (const std::exception& e) {
        telemetry::log_error("handler failed", {{"request_id", ctx.request_id}, {"route", r.pattern}, {"what", e.what()}});
        res = http::problem_response(http::from_error(error{error_kind::internal, "", {}, {}, {}, {}, 0}), ctx.request_id);
      }
    }
  }
  res.fields.push_back({"X-Request-Id", ctx.request_id});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  slot->observe(res.status, seconds);
  if (deps_.access_log && telemetry::log_enabled(telemetry::log_level::info)) {
    telemetry::log_info("request", {{"request_id", ctx.request_id},
                                    {"method", request.method},
                                    {"path", request.path},
                                    {"status", static_cast<std::int64_t>(res.status)},
                                    {"duration_ms", seconds * 1000.0},
                                    {"tenant", ctx.who ? std::string_view(ctx.who->tenant) : std::string_view()},
                                    {"remote", request.remote}});
  }
  co_return res;
}

}  // namespace parcelgate::api
