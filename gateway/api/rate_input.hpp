#pragma once
// The body of POST /v1/rates read into a quote request (rates_routes.cpp). A pure function of
// the parsed JSON, kept apart from the route so that tests/fuzz can drive it without a server.

#include <boost/json/object.hpp>

#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::api {

struct rate_input {
  tariffs::quote_request request;   // tenant is left for the caller to set
  std::vector<field_error> errors;  // every problem, with its field path; empty when valid
};

// Reads {"direction", "from", "to", "parcels", "service", "carriers", "date"}; unknown fields
// are errors.
rate_input parse_rate_input(const boost::json::object& o);

}  // namespace parcelgate::api
