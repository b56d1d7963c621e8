#pragma once
// Route table: "METHOD /v1/shipments/{id}/label" patterns with named segments, the roles each
// route admits, and a short summary (also used by the OpenAPI document).

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
  std::string tenant_scope() const { return who && who->role != store::role::ops ? who->tenant : std::string(); }
};

using route_handler = std::function<boost::asio::awaitable<http::response>(context&)>;

struct route {
  std::string method;
  std::string pattern;
  unsigned roles = anyone;
  std::string summary;
  route_handler handle;
  telemetry::route_metrics* metrics = nullptr;
  std::vector<std::string> segments;  // "{id}" marks a parameter
};

class router {
 public:
  void add(std::string method, std::string pattern, unsigned roles, std::string summary, route_handler handler);

  struct match_result {
    const route* found = nullptr;
    bool path_exists = false;       // some route has this path with another method (405)
    std::string allowed;            // methods for the Allow header
  };
  match_result match(std::string_view method, std::string_view path,
                     std::vector<std::pair<std::string_view, std::string>>& params) const;

  std::vector<route>& routes() noexcept { return routes_; }
  const std::vector<route>& routes() const noexcept { return routes_; }

 private:
  std::vector<route> routes_;
};

}  // namespace parcelgate::api
