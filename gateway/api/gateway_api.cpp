#include "gateway/api/gateway_api.hpp"

#include <chrono>

#include "gateway/api/problems.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate::api {

std::string request_id_for(const http::request& request) {
  auto given = request.header("X-Request-Id");
  bool ok = !given.empty() && given.size() <= 128;
  for (char c : given)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
                c == ':');
  return ok ? std::string(given) : new_trace_id("req");
}

gateway_api::gateway_api(api_deps deps) : deps_(std::move(deps)) {
  add_system_routes(router_, deps_);
  add_shipment_routes(router_, deps_);
  add_labelless_routes(router_, deps_);
  add_rate_routes(router_, deps_);
  add_carrier_push_routes(router_, deps_);
  add_tracking_routes(router_, deps_);
  add_points_routes(router_, deps_);
  add_point_scan_routes(router_, deps_);
  if (deps_.pickups) add_pickup_routes(router_, deps_);
  if (deps_.webhook_sender && deps_.webhooks) add_webhook_routes(router_, deps_);
  for (auto& r : router_.routes()) r.metrics = deps_.metrics.route(r.method, r.pattern);
  unmatched_ = deps_.metrics.route("*", "unmatched");
}

http::response gateway_api::server_error(int status, std::string_view detail) const {
  return server_refusal(status, detail);
}

// The chain every request goes through, in order:
//   request id -> match -> admit (authenticate, authorize, rate limit) -> dispatch -> observe.
boost::asio::awaitable<http::response> gateway_api::handle(http::request& request) {
  const auto started = std::chrono::steady_clock::now();
  context ctx{request, request_id_for(request), std::nullopt, {}};
  const auto match = router_.match(request.method, request.path, ctx.params);
  http::response res;
  if (!match.found) {
    res = match.path_exists ? method_not_allowed(ctx.request_id, request.method, match.allowed)
                            : no_route(ctx.request_id, request.path);
  } else if (auto refusal = co_await admit(ctx, *match.found)) {
    res = std::move(*refusal);
  } else {
    res = co_await dispatch(ctx, *match.found);
  }
  observe(ctx, match.found ? match.found->metrics : unmatched_, res, started);
  co_return res;
}

// Who calls, whether their role may use the route, and whether their key is within its rate.
// Nothing when the request may go on; the refusal otherwise.
boost::asio::awaitable<std::optional<http::response>> gateway_api::admit(context& ctx,
                                                                         const route& r) {
  if (r.roles == anyone) co_return std::nullopt;
  auto who = co_await deps_.auth.authenticate(ctx.request.header("Authorization"));
  if (!who) co_return unauthenticated(ctx.request_id, who.error());
  if ((r.roles & role_bit(who->role)) == 0)
    co_return forbidden(ctx.request_id, who->role, r.method, r.pattern);
  if (const int wait = deps_.limiter.check(who->key_id); wait > 0)
    co_return rate_limited(ctx.request_id, wait);
  ctx.who = std::move(*who);
  co_return std::nullopt;
}

// The route's handler; an exception becomes a 500 that names only the request id.
boost::asio::awaitable<http::response> gateway_api::dispatch(context& ctx, const route& r) {
  try {
    co_return co_await r.handle(ctx);
  } catch (const std::exception& e) {
    telemetry::log_error(
        "handler failed",
        {{"request_id", ctx.request_id}, {"route", r.pattern}, {"what", e.what()}});
  }
  co_return error_response(error{.kind = error_kind::internal}, ctx.request_id);
}

// Every answer carries its request id, is counted under its route and, when enabled, logged.
void gateway_api::observe(const context& ctx, telemetry::route_metrics* slot, http::response& res,
                          std::chrono::steady_clock::time_point started) const {
  res.fields.push_back({"X-Request-Id", ctx.request_id});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  slot->observe(res.status, seconds);
  if (deps_.access_log && telemetry::log_enabled(telemetry::log_level::info)) {
    telemetry::log_info(
        "request", {{"request_id", ctx.request_id},
                    {"method", ctx.request.method},
                    {"path", ctx.request.path},
                    {"status", static_cast<std::int64_t>(res.status)},
                    {"duration_ms", seconds * 1000.0},
                    {"tenant", ctx.who ? std::string_view(ctx.who->tenant) : std::string_view()},
                    {"remote", ctx.request.remote}});
  }
}

}  // namespace parcelgate::api
