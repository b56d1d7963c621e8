#pragma once
// The simulated Mondial Relay network: relay shops and lockers in the shared test places (Paris
// 11e, Villeurbanne, Lyon 3e, Lille, Kraków), and the places a search can start from. Addresses are
// real streets; shop names are invented. Data only, no behaviour (points_search.hpp searches it).

#include <array>
#include <span>
#include <string_view>

namespace parcelgate::sim::mondialrelay {

// Horaires_Lundi..Horaires_Dimanche: two (opens, closes) pairs a day in HHMM, "0000" = none.
using week_hours = std::array<std::array<std::string_view, 4>, 7>;

struct sim_point {
  std::string_view num;  // 6 digits: LIV_Rel of a 24R label to this point
  std::string_view name1, name2, street, line4, postcode, city, country;
  double latitude = 0, longitude = 0;
  bool locker = false;
  std::string_view location1{}, location2{};
  const week_hours* hours = nullptr;
  int max_weight_g = 30'000;
  std::string_view modes = "24R,24L,REL";  // Action values the point answers to
};

// Where a search by postcode (a range, inclusive, in the country's form) or by city starts.
struct sim_place {
  std::string_view country, postcode_from, postcode_to, city;
  double latitude = 0, longitude = 0;
};

std::span<const sim_point> sim_points();
std::span<const sim_place> sim_places();

}  // namespace parcelgate::sim::mondialrelay
