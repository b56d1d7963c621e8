#include "gateway/tariffs/quote_json.hpp"

#include <boost/json.hpp>

namespace parcelgate::tariffs {

boost::json::object quotes_to_json(const quote_result& result) {
  namespace json = boost::json;
  json::array quotes, unavailable;
  for (const auto& q : result.quotes) {
    json::array breakdown;
    for (const auto& l : q.breakdown)
      breakdown.push_back(json::object{{"kind", l.kind}, {"name", l.name}, {"amount", l.amount}});
    quotes.push_back(json::object{
        {"contract", q.contract},
        {"carrier", q.carrier},
        {"service", to_string(q.service)},
        {"carrier_service",
         q.carrier_service.empty() ? json::value(nullptr) : json::value(q.carrier_service)},
        {"zone", q.zone},
        {"total", json::object{{"amount", q.total}, {"currency", q.currency}}},
        {"breakdown", std::move(breakdown)},
        {"transit_days", q.transit_days ? json::value(*q.transit_days) : json::value(nullptr)}});
  }
  for (const auto& u : result.unavailable)
    unavailable.push_back(json::object{{"contract", u.contract},
                                       {"service", to_string(u.service)},
                                       {"code", to_string(u.code)},
                                       {"reason", u.reason}});
  json::object out{{"quotes", std::move(quotes)}, {"unavailable", std::move(unavailable)}};
  out["cheapest"] = result.cheapest ? json::value(result.quotes[*result.cheapest].contract)
                                    : json::value(nullptr);
  out["fastest"] =
      result.fastest ? json::value(result.quotes[*result.fastest].contract) : json::value(nullptr);
  return out;
}

}  // namespace parcelgate::tariffs
