#include "adapters/mondialrelay/rules.hpp"

#include <algorithm>
#include <string>
#include <tuple>

namespace parcelgate::adapters::mondialrelay {

bool served(std::string_view country) noexcept {
  return std::find(kServedCountries.begin(), kServedCountries.end(), country) !=
         kServedCountries.end();
}

bool valid_enseigne(std::string_view e) noexcept {
  return e.size() == 8 && std::all_of(e.begin(), e.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
         });
}

bool valid_http_url(std::string_view u) noexcept {
  for (std::string_view scheme : {"http://", "https://"})
    if (u.starts_with(scheme) && u.size() > scheme.size() && u[scheme.size()] != '/') return true;
  return false;
}

bool valid_collection_mode(std::string_view mode) noexcept {
  return mode == "CCC" || mode == "REL";
}

void check_address(const address& a, std::string_view side, bool phone_required,
                   std::vector<field_error>& errors) {
  auto add = [&](std::string_view field, std::string message) {
    errors.push_back(field_error{.field = std::string(side) + "." + std::string(field),
                                 .message = std::move(message)});
  };
  auto name = to_mr_text(a.name.empty() ? a.company : a.name, text_class::address, 1000);
  if (name.size() < 2)
    add("name", "Mondial Relay needs a name of at least 2 Latin letters or digits");
  for (auto [field, text, required] :
       {std::tuple{"line1", &a.line1, true}, std::tuple{"line2", &a.line2, false}}) {
    auto line = to_mr_text(*text, text_class::address, 1000);
    if (required && line.size() < 2)
      add(field, "Mondial Relay needs a street line of at least 2 characters");
    if (line.size() > kMaxAddressLine)
      add(field,
          "at most 32 characters once accents and unsupported characters are removed (Mondial "
          "Relay limit); move the rest to line2");
  }
  if (to_mr_text(a.city, text_class::city, 1000).size() < 2)
    add("city", "Mondial Relay needs a city of at least 2 letters");
  if (!served(a.country)) {
    add("country", "Mondial Relay serves FR, MC, BE, LU, NL, ES, PT, DE, AT, IT and PL");
  } else if (!normalize_postcode(a.country, a.postal_code)) {
    add("postal_code", "not a valid postcode for " + a.country + " (FR: 5 digits)");
  }
  if (a.phone.empty()) {
    if (phone_required) add("phone", "Mondial Relay requires this phone number");
  } else if (!normalize_phone(a.phone)) {
    add("phone", "Mondial Relay accepts 0 followed by 9 digits or an international +CC number");
  }
}

std::vector<field_error> check_shipment(const shipment_request& r, std::string_view collection_mode,
                                        delivery_plan& plan) {
  std::vector<field_error> errors;
  auto add = [&errors](std::string field, std::string message) {
    errors.push_back(field_error{.field = std::move(field), .message = std::move(message)});
  };
  const bool is_return = r.dir == direction::return_;
  const bool point_service =
      r.service == service_level::pickup_point || r.service == service_level::locker;
  if (r.service == service_level::home) {
    plan.mode_liv = is_return ? "LCC" : "HOM";
  } else if (point_service) {
    plan.mode_liv =
        "24R";  // lockers are relay points of the same network, addressed by their number
  } else {
    add("service", "Mondial Relay offers home, pickup_point and locker");
  }
  if (!r.carrier_service.empty()) {
    const bool known = std::find(kDeliveryModes.begin(), kDeliveryModes.end(), r.carrier_service) !=
                       kDeliveryModes.end();
    const bool relay_code = r.carrier_service == "24R" || r.carrier_service == "24L";
    if (!known)
      add("carrier_service", "Mondial Relay delivery modes: HOM, 24R, 24L, LCC, LD1, LDS");
    else if (relay_code != point_service)
      add("carrier_service",
          r.carrier_service + " does not match service " + std::string(to_string(r.service)));
    else
      plan.mode_liv = r.carrier_service;
  }
  if (is_return || collection_mode == "REL") {
    plan.mode_col = "REL";
    plan.col_rel_pays = r.from.country;
    plan.col_rel = "AUTO";  // the sender drops the parcel at any relay
  } else {
    plan.mode_col = "CCC";
  }
  if (plan.relay_delivery()) {
    const std::string& id = r.pickup_point_id;
    if (id.empty() || id.size() > 6 ||
        !std::all_of(id.begin(), id.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      add("pickup_point_id", "a Mondial Relay point number has up to 6 digits");
    else
      plan.liv_rel = std::string(6 - id.size(), '0') + id;
    if (r.pickup_point_country != r.to.country)
      add("pickup_point_id", "the relay point must be in the recipient's country");
    plan.liv_rel_pays = r.pickup_point_country;
  }

  if (r.format != label_format::pdf)
    add("label.format", "Mondial Relay WSI labels are PDF only; supported formats: pdf");

  const bool multi_ok = plan.mode_liv == "LD1" || plan.mode_liv == "LDS" || plan.mode_liv == "24L";
  if (r.parcels.size() > 1 && !multi_ok)
    add("parcels", "Mondial Relay ships one parcel per label with " + plan.mode_liv +
                       "; create one shipment per parcel");
  if (r.parcels.size() > static_cast<std::size_t>(kMaxParcels))
    add("parcels", "at most 99 parcels");
  plan.nb_colis = static_cast<int>(std::max<std::size_t>(r.parcels.size(), 1));
  const bool heavy = plan.mode_liv == "LD1" || plan.mode_liv == "LDS";
  long total = 0;
  for (std::size_t i = 0; i < r.parcels.size(); ++i) {
    const auto& p = r.parcels[i];
    const std::string at = "parcels[" + std::to_string(i) + "]";
    total += p.weight_g;
    if (!heavy && p.weight_g > kMaxStandardWeightG)
      add(at + ".weight_g", "Mondial Relay accepts at most 30000 g per parcel");
    if (p.dimensions_mm && !heavy) {
      const auto& d = *p.dimensions_mm;
      if (std::max({d.length, d.width, d.height}) > kMaxLongestSideMm)
        add(at + ".dimensions_mm", "the longest side may not exceed 1200 mm");
      if (d.length + d.width + d.height > kMaxSumOfSidesMm)
        add(at + ".dimensions_mm", "length + width + height may not exceed 1500 mm");
    }
  }
  if (total > kMaxWeightDigitsG) add("parcels", "total weight exceeds 9999999 g");

  const bool home_delivery = plan.mode_liv == "HOM" || heavy;
  check_address(r.from, "from", true, errors);  // Expe_Tel1 is mandatory
  check_address(r.to, "to", home_delivery, errors);
  return errors;
}

std::vector<field_error> check_shipment(const shipment_request& request,
                                        std::string_view collection_mode) {
  delivery_plan plan;
  return check_shipment(request, collection_mode, plan);
}

}  // namespace parcelgate::adapters::mondialrelay
