#pragma once
// The HTTP API of the gateway: request ids, routing, authentication, role checks, rate limits,
// metrics and access logs around the route handlers (shipments_routes.cpp, system_routes.cpp).

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "gateway/api/auth.hpp"
#include "gateway/api/router.hpp"
#include "gateway/http/message.hpp"

namespace parcelgate {
class shipping_service;
class push_inbox;
class shipment_cache;
class points_finder;
class tracking_service;
class pickup_service;
}  // namespace parcelgate
namespace parcelgate::carriers {
class registry;
}
namespace parcelgate::store {
class async_store;
class blocking_pool;
}  // namespace parcelgate::store
namespace parcelgate::telemetry {
class metrics;
}
namespace parcelgate::tariffs {
class tariff_book;
struct quote_result;
}  // namespace parcelgate::tariffs
namespace parcelgate::webhooks {
class sender;
}
namespace parcelgate::config {
struct webhooks_config;
}

namespace parcelgate::api {

struct api_deps {
  store::async_store& db;
  store::blocking_pool& pool;  // CPU-heavy work off the I/O threads (tariff comparisons)
  const carriers::registry& carriers;
  shipping_service& shipping;
  shipment_cache& cache;
  telemetry::metrics& metrics;
  authenticator& auth;
  const tariffs::tariff_book& tariffs;
  rate_limiter& limiter;
  bool access_log = true;
  std::function<bool()> ready;   // readiness for /readyz
  push_inbox* pushes = nullptr;  // carrier pushes; null: the push routes are not served
  // Outgoing webhooks (webhooks_routes.cpp): the delivery client checks hosts at registration.
  webhooks::sender* webhook_sender = nullptr;
  const config::webhooks_config* webhooks = nullptr;
  points_finder* points = nullptr;       // collection-point search; null: GET /v1/points not served
  tracking_service* tracking = nullptr;  // scans from collection points; null: not served
  pickup_service* pickups = nullptr;     // carrier pickups; null: /v1/pickups not served
};

class gateway_api {
 public:
  explicit gateway_api(api_deps deps);
  // Routes capture `this`: a copy or a move would leave them pointing at the original.
  gateway_api(const gateway_api&) = delete;
  gateway_api& operator=(const gateway_api&) = delete;

  // request id -> match -> admit (authenticate, authorize, rate limit) -> dispatch -> observe
  boost::asio::awaitable<http::response> handle(http::request& request);
  // Response for errors the HTTP server answers itself (413, 431, 408...).
  http::response server_error(int status, std::string_view detail) const;

  const router& routes() const noexcept { return router_; }

 private:
  boost::asio::awaitable<std::optional<http::response>> admit(context& ctx, const route& r);
  boost::asio::awaitable<http::response> dispatch(context& ctx, const route& r);
  void observe(const context& ctx, telemetry::route_metrics* slot, http::response& res,
               std::chrono::steady_clock::time_point started) const;

  api_deps deps_;
  router router_;
  telemetry::route_metrics* unmatched_ = nullptr;
};

// Route registration, one function per area.
void add_shipment_routes(router& r, api_deps& deps);
void add_labelless_routes(router& r, api_deps& deps);
void add_system_routes(router& r, api_deps& deps);
void add_rate_routes(router& r, api_deps& deps);
void add_carrier_push_routes(router& r, api_deps& deps);
void add_tracking_routes(router& r, api_deps& deps);
void add_webhook_routes(router& r, api_deps& deps);
void add_points_routes(router& r, api_deps& deps);      // only when points is set
void add_point_scan_routes(router& r, api_deps& deps);  // only when tracking is set
void add_pickup_routes(router& r, api_deps& deps);      // only when pickups is set

// JSON of POST /v1/rates: {"quotes", "unavailable", "cheapest", "fastest"}.
std::string render_quotes(const tariffs::quote_result& result);

// The OpenAPI 3.1 document describing the routes of `r`.
std::string openapi_document(const router& r);

// A request id: the caller's X-Request-Id when it is 1-128 chars of [A-Za-z0-9._:-], else new.
std::string request_id_for(const http::request& request);

}  // namespace parcelgate::api
