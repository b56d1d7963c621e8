#pragma once
// The simulated ShipX points endpoints over points_data: GET /v1/points (filters, distance from
// relative_point or relative_post_code by haversine, sorting, pagination in ShipX's envelope) and
// GET /v1/points/{name}. The caller has already checked the bearer token. Thread-safe.

#include <string_view>

#include "gateway/http/message.hpp"

namespace parcelgate::sim::inpost_points {

// GET /v1/points with the request's query string.
http::response search(const http::request& request);
// GET /v1/points/{name}: the point (whatever its status), or 404 resource_not_found.
http::response lookup(std::string_view name);

}  // namespace parcelgate::sim::inpost_points
