#include "gateway/tariffs/contract_choice.hpp"

namespace parcelgate::tariffs {

priced_parcel priced_parcel_of(const parcel& p) noexcept {
  priced_parcel out{.weight_g = p.weight_g};
  if (p.dimensions_mm) {
    out.length_mm = p.dimensions_mm->length;
    out.width_mm = p.dimensions_mm->width;
    out.height_mm = p.dimensions_mm->height;
  }
  return out;
}

quote_request quote_request_for(const shipment_request& shipment) {
  quote_request q{.dir = shipment.dir,
                  .from_country = shipment.from.country,
                  .from_postal_code = shipment.from.postal_code,
                  .to_country = shipment.to.country,
                  .to_postal_code = shipment.to.postal_code,
                  .parcels = {},
                  .service = shipment.service,
                  .carriers = {},
                  .date = std::nullopt,
                  .tenant = {},
                  .max_parcels = {}};
  q.parcels.reserve(shipment.parcels.size());
  for (const auto& p : shipment.parcels) q.parcels.push_back(priced_parcel_of(p));
  return q;
}

contract_choice choose_contract(const tariff_set& set, const quote_request& request, selection how,
                                std::string_view whose) {
  auto result = set.quote_all(request);
  const auto pick = how == selection::fastest ? result.fastest : result.cheapest;
  if (pick) return {.best = std::move(result.quotes[*pick]), .why_none = {}};
  std::string reasons;
  for (const auto& u : result.unavailable) {
    if (!reasons.empty()) reasons += "; ";
    reasons += u.contract + ": " + u.reason;
  }
  const std::string who(whose);
  return {.best = std::nullopt,
          .why_none = reasons.empty() ? "no negotiated contract of " + who +
                                            " is in force for this tenant and date"
                                      : "no negotiated contract of " + who +
                                            " can carry this shipment (" + reasons + ")"};
}

}  // namespace parcelgate::tariffs
