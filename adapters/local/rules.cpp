#include "adapters/local/rules.hpp"

#include <algorithm>

namespace parcelgate::adapters::local {

namespace {

bool blank(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' '; });
}

}  // namespace

std::string name_problem(std::string_view value) {
  if (blank(value)) return "must not be empty";
  if (value.size() > kMaxNameLength)
    return "at most " + std::to_string(kMaxNameLength) + " characters (it is printed on the label)";
  // Control characters would break the single line the label prints (bytes >= 0x80 are UTF-8).
  if (std::any_of(value.begin(), value.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return "must be one line of text without control characters";
  return {};
}

std::vector<field_error> check_shipment(const shipment_request& r) {
  std::vector<field_error> errors;
  auto add = [&errors](std::string field, std::string message) {
    errors.push_back(field_error{.field = std::move(field), .message = std::move(message)});
  };

  // The network carries parcels to an address (a hub, a warehouse, the merchant): it has no
  // directory of points or lockers of its own, and no signature or express product.
  if (r.service != service_level::home)
    add("service", "the local network offers home (delivery to the address on the label)");
  if (!r.carrier_service.empty())
    add("carrier_service", "the local network has no carrier products: leave carrier_service out");

  if (r.format == label_format::zpl && r.size == label_size::a4)
    add("label.size", "ZPL labels are printed on a6 or 4x6 stock; a4 is for pdf and png");

  // The label must be deliverable: every line of the recipient block is needed by whoever
  // carries the parcel, as no carrier system completes it.
  if (blank(r.to.name)) add("to.name", "the local network prints the recipient's name: required");
  if (blank(r.to.line1))
    add("to.line1", "the local network prints the recipient's street: required");
  if (blank(r.to.postal_code))
    add("to.postal_code", "the local network routes by the recipient's postal code: required");
  if (blank(r.to.city))
    add("to.city", "the local network routes by the recipient's city: required");
  if (blank(r.to.country)) add("to.country", "the recipient's country is required");

  if (r.parcels.size() != 1) add("parcels", "the local network takes one parcel per shipment");
  for (std::size_t i = 0; i < r.parcels.size(); ++i)
    if (r.parcels[i].weight_g > kMaxWeightG)
      add("parcels[" + std::to_string(i) + "].weight_g",
          "the local network takes at most 30 kg (30000 g) per parcel");
  return errors;
}

}  // namespace parcelgate::adapters::local
