// Quoting every contract at once, ordering the quotes, and explaining refusals.
#include <algorithm>
#include <climits>
#include <optional>
#include <tuple>

#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs {

namespace {

std::int32_t transit_or_max(const quote& q) noexcept {
  return q.transit_days.value_or(INT32_MAX);
}

std::string address_text(std::string_view country, std::string_view postal) {
  std::string out(country);
  if (!postal.empty()) out += " " + std::string(postal);
  return out.empty() ? "(empty)" : out;
}

}  // namespace

quote_result tariff_set::quote_all(const quote_request& request) const {
  price_request view;
  view.dir = request.dir;
  view.from_country = request.from_country;
  view.from_postal_code = request.from_postal_code;
  view.to_country = request.to_country;
  view.to_postal_code = request.to_postal_code;
  view.parcels = request.parcels;
  view.date = request.date ? *request.date : today_utc();
  view.tenant = request.tenant;

  quote_result out;
  for (std::size_t ci = 0; ci < contracts_.size(); ++ci) {
    const contract& c = contracts_[ci];
    if (!request.carriers.empty() && std::find(request.carriers.begin(), request.carriers.end(),
                                               c.carrier) == request.carriers.end())
      continue;
    std::vector<service_level> levels;
    if (request.service)
      levels.push_back(*request.service);
    else
      for (const auto& s : c.services) levels.push_back(s.service);
    std::optional<std::int32_t> carrier_limit;
    for (const auto& [carrier, limit] : request.max_parcels)
      if (carrier == c.carrier) carrier_limit = limit;
    for (auto level : levels) {
      if (carrier_limit && request.parcels.size() > static_cast<std::size_t>(*carrier_limit)) {
        out.unavailable.push_back({ci, c.id, level, reason_code::too_many_parcels,
                                   c.carrier + " prints " + std::to_string(*carrier_limit) +
                                       " parcel(s) per shipment at most, not " +
                                       std::to_string(request.parcels.size())});
        continue;
      }
      auto q = quote_one(ci, level, view);
      if (q) {
        out.quotes.push_back(std::move(*q));
      } else if (q.error().code != reason_code::tenant_not_allowed) {
        out.unavailable.push_back(
            {ci, c.id, level, q.error().code, describe(ci, level, q.error(), view)});
      }
    }
  }
  std::sort(out.quotes.begin(), out.quotes.end(), [](const quote& a, const quote& b) {
    return std::tie(a.total, a.contract, a.service) < std::tie(b.total, b.contract, b.service);
  });
  std::stable_sort(out.unavailable.begin(), out.unavailable.end(),
                   [](const unavailable_quote& a, const unavailable_quote& b) {
                     return std::tie(a.contract, a.service) < std::tie(b.contract, b.service);
                   });
  for (std::size_t i = 0; i < out.quotes.size(); ++i) {
    const quote& q = out.quotes[i];
    auto cheaper = [&](const quote& other) {
      return std::make_tuple(q.total, transit_or_max(q), std::string_view(q.contract), q.service) <
             std::make_tuple(other.total, transit_or_max(other), std::string_view(other.contract),
                             other.service);
    };
    auto faster = [&](const quote& other) {
      return std::make_tuple(transit_or_max(q), q.total, std::string_view(q.contract), q.service) <
             std::make_tuple(transit_or_max(other), other.total, std::string_view(other.contract),
                             other.service);
    };
    if (!out.cheapest || cheaper(out.quotes[*out.cheapest])) out.cheapest = i;
    if (!out.fastest || faster(out.quotes[*out.fastest])) out.fastest = i;
  }
  return out;
}

std::string tariff_set::describe(std::size_t contract_index, service_level service,
                                 const refusal& why, const price_request& request) const {
  const contract& c = contracts_[contract_index];
  const std::string parcel = "parcel " + std::to_string(why.parcel + 1);
  switch (why.code) {
    case reason_code::outside_validity:
      return "valid from " + format_date(c.valid_from) + " to " + format_date(c.valid_to) +
             ", not on " + format_date(request.date);
    case reason_code::tenant_not_allowed:
      return "reserved to other tenants";
    case reason_code::service_not_offered:
      return "no " + std::string(to_string(service)) + " service in this contract";
    case reason_code::returns_not_offered:
      return "the contract has no return pricing";
    case reason_code::no_zone:
      return request.dir == direction::return_
                 ? "no zone matches the sender " +
                       address_text(request.from_country, request.from_postal_code)
                 : "no zone matches the destination " +
                       address_text(request.to_country, request.to_postal_code);
    case reason_code::too_heavy: {
      std::int32_t last = 0;
      for (const auto& s : c.services)
        if (s.service == service && !s.bands.empty()) last = s.bands.back().max_g;
      return parcel + ": " + std::to_string(why.billable_g) +
             " billable grams, above the last band (" + std::to_string(last) + " g)";
    }
    case reason_code::no_price_for_zone:
      return parcel + ": no price for zone " + c.zones[why.zone].name + " at " +
             std::to_string(why.billable_g) + " billable grams";
    case reason_code::invalid_parcel:
      return request.parcels.empty() ? "no parcel to price"
                                     : parcel + ": negative weight or dimension";
    case reason_code::too_many_parcels:
      return "more parcels than the carrier prints per shipment";
  }
  return "cannot carry the shipment";
}

}  // namespace parcelgate::tariffs
