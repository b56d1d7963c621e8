# The gateway core: everything but main(), linked by the server, the CLI, the simulators and tests.
add_library(parcelgate_core STATIC
  api/api_keys.cpp
  api/auth.cpp
  api/gateway_api.cpp
  api/openapi.cpp
  api/points_routes.cpp
  api/problems.cpp
  api/rate_input.cpp
  api/rates_routes.cpp
  api/carrier_push_routes.cpp
  api/route_support.cpp
  api/router.cpp
  api/shipments_routes.cpp
  api/system_routes.cpp
  api/tracking_routes.cpp
  api/tracking_view.cpp
  api/webhooks_routes.cpp
  api/point_scan_routes.cpp
  api/pickups_routes.cpp
  app.cpp
  carriers/circuit_breaker.cpp
  carriers/http_client.cpp
  carriers/registry.cpp
  config/config.cpp
  domain/countries.cpp
  domain/ids.cpp
  domain/input_checker.cpp
  domain/shipment_cache.cpp
  domain/shipment_input.cpp
  domain/shipment_json.cpp
  domain/duties.cpp
  domain/shipping.cpp
  domain/timeline.cpp
  domain/tracking_service.cpp
  domain/tracking_poller.cpp
  domain/push_inbox.cpp
  domain/points_finder.cpp
  domain/pickups.cpp
  http/problem.cpp
  http/server.cpp
  store/blocking_pool.cpp
  store/sqlite_async_store.cpp
  store/durable_write.cpp
  tariffs/tariff_book.cpp
  store/migrations.cpp
  store/pg/connection.cpp
  store/pg/pool.cpp
  store/pg/pg_store.cpp
  store/pg/schema.cpp
  store/pg/tracking_reads.cpp
  store/pg/point_scans.cpp
  store/pg/pickups.cpp
  store/pg/webhooks.cpp
  store/sqlite/connection.cpp
  store/sqlite/keys.cpp
  store/sqlite/leases.cpp
  store/sqlite/queries.cpp
  store/sqlite/schema.cpp
  store/sqlite/tracking_polls.cpp
  store/sqlite/sqlite_store.cpp
  store/sqlite/tracking_reads.cpp
  store/sqlite/point_scans.cpp
  store/sqlite/pickups.cpp
  store/sqlite/webhooks.cpp
  store/sqlite/writer.cpp
  telemetry/log.cpp
  telemetry/metrics.cpp
  web/track_page.cpp
  webhooks/dispatcher.cpp
  webhooks/sender.cpp
  webhooks/signing.cpp
  webhooks/targets.cpp)
target_include_directories(parcelgate_core PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(parcelgate_core PUBLIC pg_domain pg_labels pg_tariffs yaml-cpp SQLite::SQLite3 PostgreSQL::PostgreSQL PRIVATE pg_warnings)

add_executable(parcelgate main.cpp)
target_link_libraries(parcelgate PRIVATE parcelgate_core pg_adapters pg_warnings)
