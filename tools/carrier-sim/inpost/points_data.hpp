#pragma once
// The simulated InPost network: lockers (Paczkomat) and Parcel Points (POP-...) in Kraków and
// Warszawa, and the centres of the postal code areas the simulator knows, as ShipX's points
// search sees them. Static data, thread-safe.

#include <optional>
#include <span>
#include <string_view>

namespace parcelgate::sim::inpost_points {

struct point {
  std::string_view name;  // "KRA012", "POP-KRA101": what shipments name as target_point
  std::string_view type;  // ShipX's first type: "parcel_locker", "pop", "parcel_locker_superpop"
  std::string_view status = "Operating";
  double latitude = 0;
  double longitude = 0;
  std::string_view street{};
  std::string_view building_number{};
  std::string_view flat_number{};  // empty: null on the wire
  std::string_view post_code{};
  std::string_view city{};
  std::string_view province{};
  std::string_view location_type{};  // "Outdoor", "Indoor"
  std::string_view location_description{};
  std::string_view opening_hours{};  // "24/7" or ShipX's free text
  bool location_247 = false;
  bool collect = true;  // functions has parcel_collect (else the point only takes parcels in)
  bool easy_access_zone = false;
};

// Every point, in no particular order.
std::span<const point> all();
// The point named `name`, nullptr when none.
const point* find(std::string_view name);

struct centre {
  double latitude;
  double longitude;
};
// The centre of the area of a postal code "NN-NNN" (Kraków 30-001..31-999, Warszawa
// 00-001..05-999); nullopt for a code the simulator does not know.
std::optional<centre> centre_of(std::string_view post_code);

}  // namespace parcelgate::sim::inpost_points
