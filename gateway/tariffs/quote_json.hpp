#pragma once
// The JSON form of quotes, shared by POST /v1/rates and `parcelctl tariffs quote --json` so that
// both print the same shape:
// {"quotes": [{"contract", "carrier", "service", "carrier_service" | null, "zone",
//              "total": {"amount" (minor units), "currency"},
//              "breakdown": [{"kind": "base"|"discount"|"surcharge"|"returns",
//                             "name" (discount or surcharge name, else ""), "amount"}],
//              "transit_days" | null}],
//  "unavailable": [{"contract", "service", "code" (reason_code), "reason" (a sentence)}],
//  "cheapest": contract id | null, "fastest": contract id | null}

#include <boost/json/object.hpp>

#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs {

boost::json::object quotes_to_json(const quote_result& result);

}  // namespace parcelgate::tariffs
