#pragma once
// The Colissimo sandbox's point retrait SOAP service (point_retrait_sim.cpp), served by the
// Colissimo sim under {prefix}/pointretrait-ws-cxf/PointRetraitServiceWS/2.0:
//   - findRDVPointRetraitAcheminement: the points of points_data.cpp nearest the postal code's
//     centre (haversine, within 15 km), nearest first, at most 20; filterRelay 0 keeps post
//     offices only; a weight over a point's poidsMaxi drops it; errorCode 301 with no list for a
//     postal code the sandbox does not know (or when nothing is left);
//   - findPointRetraitAcheminementByID: one point by its 6-digit id, errorCode 301 when unknown;
//   - the account is the SLS sandbox's (123456 / "sandbox"): 101/102 when absent, 201 when wrong;
//   - input errors with the service's codes: 104 zip, 105 city, 117 country, 106/122 date,
//     120/121 weight, 123 filterRelay, 125 French postal code, 107/124 id, 146 country not
//     served, 203 optionInter 1 for France;
//   - a body that is not SOAP, or an unknown operation: HTTP 500 with a soap:Client fault.
// Thread-safe: no state.

#include <string_view>

#include "gateway/http/message.hpp"

namespace parcelgate::sim::colissimo {

inline constexpr std::string_view kPointRetraitPath =
    "/pointretrait-ws-cxf/PointRetraitServiceWS/2.0";

http::response serve_point_retrait(const http::request& request);
// The service's own answer when it is temporarily unavailable: errorCode 1000.
http::response point_retrait_busy(const http::request& request);

}  // namespace parcelgate::sim::colissimo
