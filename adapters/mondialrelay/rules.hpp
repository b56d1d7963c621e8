#pragma once
// Mondial Relay's limits, checked against one of OUR shipment requests before anything is sent:
// served countries, delivery modes, relay point numbers, weights, sizes, text that survives the
// WSI character rules. Every problem is a field_error on OUR API's paths ("parcels[0].weight_g",
// "label.format", "to.postal_code"), all of them reported at once.
//
// Pure functions of their arguments: no I/O, no clock, no global state, thread-safe.

#include <array>
#include <string_view>
#include <vector>

#include "adapters/mondialrelay/wire.hpp"
#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"

namespace parcelgate::adapters::mondialrelay {

inline constexpr std::array<std::string_view, 11> kServedCountries = {
    "FR", "MC", "BE", "LU", "NL", "ES", "PT", "DE", "AT", "IT", "PL"};
inline constexpr std::array<std::string_view, 6> kDeliveryModes = {"HOM", "24R", "24L",
                                                                   "LCC", "LD1", "LDS"};
inline constexpr int kMaxStandardWeightG = 30'000;  // per parcel outside LD1/LDS
inline constexpr int kMaxLongestSideMm = 1'200;     // 120 cm
inline constexpr int kMaxSumOfSidesMm = 1'500;      // length + width + height <= 150 cm
inline constexpr int kMaxParcels = 99;              // NbColis, with LD1, LDS or 24L

// True for a country Mondial Relay delivers to and collects from.
bool served(std::string_view country) noexcept;

// ---- settings -----------------------------------------------------------------------------------

// Brand code: 8 characters, digits or uppercase letters ("BDTEST13").
bool valid_enseigne(std::string_view enseigne) noexcept;
// An http:// or https:// URL with something after the scheme.
bool valid_http_url(std::string_view url) noexcept;
// "CCC" (collected at the merchant) or "REL" (dropped at a relay).
bool valid_collection_mode(std::string_view mode) noexcept;

// ---- shipments ----------------------------------------------------------------------------------

// Checks `request` and chooses its delivery plan (ModeCol/ModeLiv, relay fields, NbColis).
// `collection_mode` is the carrier setting ("CCC" or "REL"). `plan` is complete only when the
// returned list is empty.
std::vector<field_error> check_shipment(const shipment_request& request,
                                        std::string_view collection_mode, delivery_plan& plan);

// The same checks, for callers that do not need the plan (carrier_adapter::validate).
std::vector<field_error> check_shipment(const shipment_request& request,
                                        std::string_view collection_mode);

// Checks one address of the request; `side` is "from" or "to". Appends to `errors`.
void check_address(const address& a, std::string_view side, bool phone_required,
                   std::vector<field_error>& errors);

}  // namespace parcelgate::adapters::mondialrelay
