// Operational routes: health, readiness, metrics, the OpenAPI document, carrier capabilities.

#include <boost/json.hpp>

#include "gateway/api/gateway_api.hpp"
#include "gateway/carriers/registry.hpp"
#include "gateway/store/async_store.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate::api {

namespace {

using task_response = boost::asio::awaitable<http::response>;

boost::json::array names(const auto& list) {
  boost::json::array out;
  for (const auto& v : list) out.push_back(boost::json::value(to_string(v)));
  return out;
}

std::string carriers_body(const carriers::registry& registry) {
  boost::json::array data;
  for (const auto& c : registry.all()) {
    auto caps = c.adapter->caps();
    boost::json::array countries;
    for (const auto& cc : caps.destination_countries) countries.push_back(boost::json::value(cc));
    data.push_back(boost::json::object{
        {"id", c.adapter->id()},
        {"name", c.adapter->display_name()},
        {"capabilities",
         boost::json::object{
             {"labels", caps.labels},
             {"cancel", boost::json::object{{"mode", caps.cancel}, {"note", caps.cancel_note}}},
             {"pickups", caps.pickups},
             {"tracking_poll", caps.tracking_poll},
             {"tracking_push", caps.tracking_push},
             {"points", caps.points},
             {"returns", caps.returns},
             {"labelless_returns", caps.labelless_returns},
             {"services", names(caps.services)},
             {"label_formats", names(caps.label_formats)},
             {"label_sizes", names(caps.label_sizes)},
             {"max_parcels", caps.max_parcels},
             {"max_parcels_note", caps.max_parcels_note.empty()
                                      ? boost::json::value(nullptr)
                                      : boost::json::value(caps.max_parcels_note)},
             {"destination_countries", std::move(countries)}}}});
  }
  return boost::json::serialize(boost::json::object{{"data", std::move(data)}});
}

route_doc doc(std::string operation_id, std::string tag, std::vector<response_doc> responses,
              std::string description = {}) {
  route_doc d;
  d.operation_id = std::move(operation_id);
  d.tag = std::move(tag);
  d.description = std::move(description);
  d.responses = std::move(responses);
  return d;
}

}  // namespace

void add_system_routes(router& r, api_deps& deps) {
  auto* d = &deps;
  r.add(
      "GET", "/healthz", anyone, "Liveness: the process serves requests",
      [](context&) -> task_response { co_return http::response::json(200, R"({"status":"ok"})"); },
      doc("getHealth", "System",
          {answer(200, "The process serves requests",
                  {media("application/json", "Health", R"({"status": "ok"})")})}));
  r.add(
      "GET", "/readyz", anyone, "Readiness: storage reachable and not shutting down",
      [d](context&) -> task_response {
        if (d->ready && !d->ready())
          co_return http::response::json(503, R"({"status":"not_ready"})");
        const bool reachable = co_await d->db.reachable();
        if (!reachable) co_return http::response::json(503, R"({"status":"storage_unavailable"})");
        co_return http::response::json(200, R"({"status":"ready"})");
      },
      doc("getReadiness", "System",
          {answer(
               200, "Ready to serve",
               {media(
                   "application/json",
                   R"({"allOf": [{"$ref": "#/components/schemas/Readiness"}, {"properties": {"status": {"const": "ready"}}}]})")}),
           answer(
               503,
               "Not ready: starting or stopping (not_ready), or the store is unreachable "
               "(storage_unavailable)",
               {media(
                   "application/json",
                   R"({"allOf": [{"$ref": "#/components/schemas/Readiness"}, {"properties": {"status": {"enum": ["not_ready", "storage_unavailable"]}}}]})")})}));
  r.add(
      "GET", "/metrics", anyone, "Prometheus metrics (text exposition format)",
      [d](context&) -> task_response {
        co_return http::response::text(200, d->metrics.render(),
                                       "text/plain; version=0.0.4; charset=utf-8");
      },
      doc("getMetrics", "System",
          {answer(
              200, "Prometheus text exposition format 0.0.4",
              {media(
                  "text/plain",
                  R"j({"type": "string", "description": "Prometheus text exposition format 0.0.4 (Content-Type: text/plain; version=0.0.4; charset=utf-8)"})j")})}));
  r.add(
      "GET", "/openapi.json", anyone, "This API's OpenAPI 3.1 document",
      [&r](context&) -> task_response { co_return http::response::json(200, openapi_document(r)); },
      doc("getOpenApiDocument", "System",
          {answer(200, "This document", {media("application/json", "OpenApiDocument")})},
          "Generated from the served route table."));
  r.add(
      "GET", "/v1/carriers", merchant | ops | point, "Carriers and their capabilities",
      [d](context&) -> task_response {
        co_return http::response::json(200, carriers_body(d->carriers));
      },
      doc("listCarriers", "Carriers",
          {answer(200, "The configured carriers", {media("application/json", "CarrierList")})},
          "Services, label formats and sizes, how a label is voided, and which destinations each "
          "adapter serves."));
}

}  // namespace parcelgate::api
