#pragma once
// Route table: "METHOD /v1/shipments/{id}/label" patterns with named segments, the roles each
// route admits, and the route's OpenAPI description (gateway/api/openapi.cpp builds the document
// from this table alone, so a served route is always documented and a documented one served).

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/api/auth.hpp"
#include "gateway/http/message.hpp"

namespace parcelgate::telemetry {
class route_metrics;
}

namespace parcelgate::api {

// Bit set of the roles a route admits; `anyone` needs no key.
enum access : unsigned {
  anyone = 0,
  merchant = 1u << 0,
  point = 1u << 1,
  ops = 1u << 2,
};

unsigned role_bit(store::role r) noexcept;

struct context {
  http::request& request;
  std::string request_id;
  std::optional<principal> who;
  std::vector<std::pair<std::string_view, std::string>> params;  // path parameters

  std::string_view param(std::string_view name) const noexcept {
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return {};
  }
  // Tenant scope of the caller: ops read across tenants (empty scope).
  std::string tenant_scope() const {
    return who && who->role != store::role::ops ? who->tenant : std::string();
  }
};

// ---- OpenAPI description of a route ------------------------------------------------------------
// Schemas are text: either the name of a schema of components/schemas ("Shipment", see
// openapi.cpp) or an inline JSON Schema 2020-12 object ("{\"type\": \"string\"}").

struct param_doc {
  std::string name;
  std::string in = "query";  // "query", "header" or "path" (path parameters default to strings)
  bool required = false;
  std::string schema;
  std::string description;
};

struct media_doc {
  std::string type;     // "application/json", "text/csv", "application/pdf"...
  std::string schema;   // component name or inline JSON Schema
  std::string example;  // JSON text of an example value; optional
};

// One answer of a route. A 4xx/5xx answer without `content` is an RFC 9457 problem
// (application/problem+json, components/schemas/Problem).
struct response_doc {
  int status = 200;
  std::string description;
  std::vector<media_doc> content;
  std::vector<std::string> headers;  // names in components/headers ("Location", "Retry-After")
};

// Everything the document says about one operation besides method, path, summary and roles.
// The answers every route shares (401/403/429/503 of authentication for keyed routes, 413 for
// routes with a body, 500) are added by openapi.cpp.
struct route_doc {
  std::string operation_id;  // camelCase, unique: "createShipment"
  std::string tag;           // one of the tags of openapi.cpp
  std::string description;
  std::vector<param_doc> params;
  std::vector<media_doc> request;  // request body media types; empty: no body
  std::vector<response_doc> responses;
};

inline media_doc media(std::string type, std::string schema, std::string example = {}) {
  return {std::move(type), std::move(schema), std::move(example)};
}
inline response_doc answer(int status, std::string description, std::vector<media_doc> content = {},
                           std::vector<std::string> headers = {}) {
  return {status, std::move(description), std::move(content), std::move(headers)};
}
inline param_doc query_param(std::string name, std::string schema, std::string description) {
  return {std::move(name), "query", false, std::move(schema), std::move(description)};
}

using route_handler = std::function<boost::asio::awaitable<http::response>(context&)>;

struct route {
  std::string method;
  std::string pattern;
  unsigned roles = anyone;
  std::string summary;
  route_doc doc;
  route_handler handle;
  telemetry::route_metrics* metrics = nullptr;
  std::vector<std::string> segments;  // "{id}" marks a parameter
};

class router {
 public:
  // A route registered without `doc` is listed in the document without an operationId or
  // answers, which tests/integration/openapi_contract_test.cpp rejects.
  void add(std::string method, std::string pattern, unsigned roles, std::string summary,
           route_handler handler, route_doc doc = {});

  struct match_result {
    const route* found = nullptr;
    bool path_exists = false;  // some route has this path with another method (405)
    std::string allowed;       // methods for the Allow header
  };
  match_result match(std::string_view method, std::string_view path,
                     std::vector<std::pair<std::string_view, std::string>>& params) const;

  std::vector<route>& routes() noexcept { return routes_; }
  const std::vector<route>& routes() const noexcept { return routes_; }

 private:
  std::vector<route> routes_;
};

}  // namespace parcelgate::api
