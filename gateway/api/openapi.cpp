// The OpenAPI 3.1 document, generated from the route table so it can never list a route that
// is not served or miss one that is (tests/integration checks both directions).

#include <boost/json.hpp>

#include "gateway/api/gateway_api.hpp"
#include "gateway/domain/shipment_input.hpp"

namespace parcelgate::api {

namespace json = boost::json;

namespace {

json::object ref(std::string_view name) { return {{"$ref", "#/components/schemas/" + std::string(name)}}; }

json::object nullable_string() { return {{"type", json::array{"string", "null"}}}; }

json::object schemas() {
  json::object address_props{{"name", {{"type", "string"}, {"maxLength", 100}}},
                             {"company", {{"type", "string"}, {"maxLength", 100}}},
                             {"line1", {{"type", "string"}, {"maxLength", 100}}},
                             {"line2", {{"type", "string"}, {"maxLength", 100}}},
                             {"city", {{"type", "string"}, {"maxLength", 100}}},
                             {"postal_code", {{"type", "string"}, {"maxLength", 20}}},
                             {"country", {{"type", "string"}, {"pattern", "^[A-Z]{2}$"}}},
                             {"phone", {{"type", "string"}, {"maxLength", 30}}},
                             {"email", {{"type", "string"}, {"format", "email"}}}};
  json::object dims{{"type", "object"},
                    {"additionalProperties", false},
                    {"required", json::array{"length", "width", "height"}},
                    {"properties", {{"length", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxDimensionMm}}},
                                    {"width", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxDimensionMm}}},
                                    {"height", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxDimensionMm}}}}}};
  json::object parcel{{"type", "object"},
                      {"additionalProperties", false},
                      {"required", json::array{"weight_g"}},
                      {"properties", {{"weight_g", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxWeightG}}},
                                      {"dimensions_mm", dims},
                                      {"reference", {{"type", "string"}, {"maxLength", 100}}}}}};
  json::array services{"home", "home_signature", "pickup_point", "locker", "express"};
  json::object label_spec{{"type", "object"},
                          {"additionalProperties", false},
                          {"properties", {{"format", {{"enum", json::array{"pdf", "zpl", "png"}}}},
                                          {"size", {{"enum", json::array{"a6", "4x6", "a4"}}}}}}};
  json::object create{
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array{"carrier", "service", "from", "to", "parcels"}},
      {"properties",
       {{"reference", {{"type", "string"}, {"maxLength", 100}}},
        {"direction", {{"enum", json::array{"outbound", "return"}}}},
        {"carrier", {{"type", "string"}, {"description", "a configured carrier id (GET /v1/carriers) or auto"}}},
        {"service", {{"enum", services}}},
        {"carrier_service", {{"type", "string"}, {"maxLength", 20}}},
        {"pickup_point_id", {{"type", "string"}, {"description", "<carrier>:<country>:<point id>; required for pickup_point and locker"}}},
        {"from", ref("Address")},
        {"to", ref("Address")},
        {"parcels", {{"type", "array"}, {"minItems", 1}, {"maxItems", kMaxParcels}, {"items", ref("Parcel")}}},
        {"label", label_spec},
        {"selection", {{"enum", json::array{"cheapest", "fastest"}}}}}}};
  json::object money{{"type", json::array{"object", "null"}},
                     {"properties", {{"amount", {{"type", "integer"}}}, {"currency", {{"type", "string"}}},
                                     {"contract", {{"type", "string"}}}}}};
  json::object shipment{
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "string"}, {"pattern", "^shp_[0-9a-z]{15}$"}}},
        {"object", {{"const", "shipment"}}},
        {"status", {{"type", "string"}, {"description", "label_created, pending_confirmation, cancelled, or a tracking status"}}},
        {"carrier", {{"type", "string"}}},
        {"service", {{"enum", services}}},
        {"carrier_service", nullable_string()},
        {"pickup_point_id", nullable_string()},
        {"tracking_number", nullable_string()},
        {"tracking_url", nullable_string()},
        {"label", {{"type", json::array{"object", "null"}},
                   {"properties", {{"format", {{"type", "string"}}}, {"size", {{"type", "string"}}}, {"url", {{"type", "string"}}}}}}},
        {"rate", money},
        {"reference", nullable_string()},
        {"direction", {{"enum", json::array{"outbound", "return"}}}},
        {"from", ref("Address")},
        {"to", ref("Address")},
        {"parcels", {{"type", "array"}, {"items", ref("Parcel")}}},
        {"created_at", {{"type", "string"}, {"format", "date-time"}}},
        {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}};
  json::object problem{
      {"type", "object"},
      {"properties",
       {{"type", {{"type", "string"}}},
        {"title", {{"type", "string"}}},
        {"status", {{"type", "integer"}}},
        {"detail", {{"type", "string"}}},
        {"request_id", {{"type", "string"}}},
        {"errors", {{"type", "array"},
                    {"items", {{"type", "object"},
                               {"properties", {{"field", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}};
  json::object list{{"type", "object"},
                    {"properties", {{"data", {{"type", "array"}, {"items", ref("Shipment")}}},
                                    {"has_more", {{"type", "boolean"}}},
                                    {"next_cursor", nullable_string()}}}};
  return {{"Address", {{"type", "object"}, {"additionalProperties", false},
                       {"required", json::array{"name", "line1", "city", "postal_code", "country"}},
                       {"properties", address_props}}},
          {"Parcel", parcel},
          {"ShipmentCreate", create},
          {"Shipment", shipment},
          {"ShipmentList", list},
          {"Problem", problem}};
}

json::object response_of(std::string_view description, std::string_view media, json::value schema) {
  json::object r{{"description", description}};
  if (!media.empty()) r["content"] = json::object{{media, json::object{{"schema", std::move(schema)}}}};
  return r;
}

json::object problem_response(std::string_view description) {
  return response_of(description, "application/problem+json", ref("Problem"));
}

std::string operation_id(const route& r) {
  std::string id = r.method;
  for (char c : r.pattern) id.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return id;
}

}  // namespace

std::string openapi_document(const router& router) {
  json::object paths;
  for (const auto& r : router.routes()) {
    json::object op{{"summary", r.summary}, {"operationId", operation_id(r)}};
    json::array params;
    for (const auto& seg : r.segments)
      if (seg.size() > 2 && seg.front() == '{')
        params.push_back(json::object{{"name", seg.substr(1, seg.size() - 2)}, {"in", "path"}, {"required", true},
                                      {"schema", {{"type", "string"}}}});
    json::object responses;
    const std::string key = r.method + " " + r.pattern;
    if (key == "POST /v1/shipments") {
      params.push_back(json::object{{"name", "Idempotency-Key"}, {"in", "header"}, {"required", true},
                                    {"schema", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}}});
      op["requestBody"] = json::object{{"required", true},
                                       {"content", {{"application/json", {{"schema", ref("ShipmentCreate")}}}}}};
      responses["201"] = response_of("Label bought", "application/json", ref("Shipment"));
      responses["400"] = problem_response("Missing Idempotency-Key or malformed JSON");
      responses["409"] = problem_response("A request with the same Idempotency-Key is in progress");
      responses["422"] = problem_response("Invalid fields, or an Idempotency-Key reused with another body");
      responses["502"] = problem_response("The carrier rejected our credentials or answered unreadably");
      responses["503"] = problem_response("The carrier is unavailable or throttling (see Retry-After)");
      responses["504"] = problem_response("The carrier did not answer in time; the shipment is pending_confirmation");
    } else if (key == "GET /v1/shipments") {
      for (auto [name, schema] : {std::pair{"limit", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 100}}},
                                  std::pair{"starting_after", json::object{{"type", "string"}}},
                                  std::pair{"reference", json::object{{"type", "string"}}},
                                  std::pair{"status", json::object{{"type", "string"}}},
                                  std::pair{"carrier", json::object{{"type", "string"}}}})
        params.push_back(json::object{{"name", name}, {"in", "query"}, {"required", false}, {"schema", schema}});
      responses["200"] = response_of("A page of shipments", "application/json", ref("ShipmentList"));
      responses["422"] = problem_response("Invalid query parameters");
    } else if (key == "GET /v1/shipments/{id}") {
      responses["200"] = response_of("The shipment", "application/json", ref("Shipment"));
      responses["404"] = problem_response("No such shipment for this tenant");
    } else if (key == "GET /v1/shipments/{id}/label") {
      json::object content;
      for (auto media : {"application/pdf", "application/x-zpl", "image/png"})
        content[media] = json::object{{"schema", {{"type", "string"}, {"format", "binary"}}}};
      responses["200"] = json::object{{"description", "The label bytes"}, {"content", content}};
      responses["404"] = problem_response("No such shipment or label");
    } else if (key == "POST /v1/shipments/{id}/cancel") {
      responses["200"] = response_of("The cancelled shipment", "application/json", ref("Shipment"));
      responses["404"] = problem_response("No such shipment for this tenant");
      responses["409"] = problem_response("The parcel already moved or its purchase is unconfirmed");
    } else if (key == "POST /v1/rates") {
      json::object place{{"type", "object"},
                         {"required", json::array{"country", "postal_code"}},
                         {"properties", {{"country", {{"type", "string"}, {"pattern", "^[A-Z]{2}$"}}},
                                         {"postal_code", {{"type", "string"}}}}}};
      json::object body{{"type", "object"},
                        {"additionalProperties", false},
                        {"required", json::array{"from", "to", "parcels"}},
                        {"properties", {{"direction", {{"enum", json::array{"outbound", "return"}}}},
                                        {"from", place},
                                        {"to", place},
                                        {"parcels", {{"type", "array"}, {"items", ref("Parcel")}}},
                                        {"service", {{"enum", json::array{"home", "home_signature", "pickup_point", "locker", "express"}}}},
                                        {"carriers", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                        {"date", {{"type", "string"}, {"format", "date"}}}}}};
      op["requestBody"] = json::object{{"required", true}, {"content", {{"application/json", {{"schema", body}}}}}};
      responses["200"] = response_of("Quotes sorted by total, the contracts that cannot carry it, cheapest and fastest",
                                     "application/json", json::object{{"type", "object"}});
      responses["422"] = problem_response("Invalid fields");
      responses["503"] = problem_response("No tariffs configured");
    } else if (key == "GET /metrics") {
      responses["200"] = response_of("Prometheus text format", "text/plain", json::object{{"type", "string"}});
    } else {
      responses["200"] = response_of("OK", "application/json", json::object{{"type", "object"}});
    }
    if (r.roles != anyone) {
      op["security"] = json::array{json::object{{"api_key", json::array{}}}};
      responses["401"] = problem_response("Missing or invalid API key");
      responses["403"] = problem_response("The key's role may not use this route");
      responses["429"] = problem_response("Rate limit of the API key exceeded (see Retry-After)");
      std::string roles;
      for (auto [bit, name] : {std::pair{merchant, "merchant"}, std::pair{point, "point"}, std::pair{ops, "ops"}})
        if (r.roles & bit) roles += (roles.empty() ? "" : ", ") + std::string(name);
      op["description"] = "Roles: " + roles + ".";
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    op["responses"] = std::move(responses);
    std::string method = r.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto& item = paths[r.pattern];
    if (!item.is_object()) item = json::object{};
    item.as_object()[method] = std::move(op);
  }
  json::object doc{
      {"openapi", "3.1.0"},
      {"info", {{"title", "parcelgate"}, {"version", "1"},
                {"description", "One API for parcel carriers and collection-point networks."}}},
      {"paths", std::move(paths)},
      {"components", {{"schemas", schemas()},
                      {"securitySchemes", {{"api_key", {{"type", "http"}, {"scheme", "bearer"},
                                                        {"description", "pg_<role>_... API key"}}}}}}}};
  return json::serialize(doc);
}

}  // namespace parcelgate::api
