#pragma once
// What the `local` network accepts, checked against one of OUR shipment requests before a label
// is printed: the home service, one parcel of at most 30 kg, a recipient the label can be
// delivered to, and a label format/size pair the renderer prints. Every problem is a field_error
// on OUR API's paths ("to.city", "parcels[0].weight_g", "label.size"), all reported at once.
//
// Pure functions of their arguments: no I/O, no clock, no global state, thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"

namespace parcelgate::adapters::local {

inline constexpr std::string_view kCarrierId = "local";
inline constexpr std::string_view kDefaultNetworkName = "parcelgate local";
inline constexpr int kMaxWeightG = 30'000;
inline constexpr std::size_t kMaxNameLength = 40;  // network_name, hub_name: fits the header band

// ---- settings -----------------------------------------------------------------------------------

// network_name / hub_name: printable text on one line, at most kMaxNameLength bytes, not blank;
// empty when fine, else the problem.
std::string name_problem(std::string_view value);

// ---- shipments ----------------------------------------------------------------------------------

std::vector<field_error> check_shipment(const shipment_request& request);

}  // namespace parcelgate::adapters::local
