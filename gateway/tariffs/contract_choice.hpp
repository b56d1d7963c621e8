#pragma once
// Which negotiated contract carries a shipment (DESIGN §7): the one mapping from a shipment to a
// quote request, and the choice of the best quote, using the cheapest/fastest order that
// tariff_set::quote_all defines (the only place the tie-break is written).

#include <optional>
#include <string>
#include <string_view>

#include "gateway/domain/shipment.hpp"
#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs {

// The parcel as the tariffs price it (dimensions 0 when the shipment gives none).
priced_parcel priced_parcel_of(const parcel& p) noexcept;

// The quote request for a shipment: direction, both addresses, parcels and service. Carriers,
// tenant, date and max_parcels are left for the caller.
quote_request quote_request_for(const shipment_request& shipment);

enum class selection { cheapest, fastest };

struct contract_choice {
  std::optional<quote> best;
  std::string why_none;  // when `best` is empty: one sentence naming each contract's refusal
};

// The best quote of `request` (its carriers already narrowed by the caller) by `how`. `whose`
// names the carriers in the explanation ("colissimo", "a configured carrier").
contract_choice choose_contract(const tariff_set& set, const quote_request& request, selection how,
                                std::string_view whose);

}  // namespace parcelgate::tariffs
