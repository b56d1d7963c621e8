#pragma once
// The Colissimo sandbox's collection points (points_data.cpp): relay shops (A2P), post offices
// (BPR) and lockers (PCS) around the places the simulated networks share, as the point retrait
// service publishes them (wire strings: hours "HH:MM-HH:MM HH:MM-HH:MM", weight in kg).
// Immutable static data; thread-safe.

#include <array>
#include <span>
#include <string_view>

namespace parcelgate::sim::colissimo {

struct point_record {
  std::string_view id;    // identifiant: 6 digits, also valid as a label's pickupLocationId
  std::string_view type;  // typeDePoint: A2P, BPR, PCS
  std::string_view name;  // nom
  std::string_view address1;
  std::string_view address2;
  std::string_view zip;
  std::string_view city;
  double latitude;
  double longitude;
  std::array<std::string_view, 7> hours;  // horairesOuverture<Day>, Monday first
  int max_kg;                             // poidsMaxi
  bool wheelchair;                        // accesPersonneMobiliteReduite
  std::string_view location_hint;         // indiceDeLocalisation
};

// A postal code the sandbox knows, and the centre searches measure distances from.
struct known_place {
  std::string_view zip;
  std::string_view city;
  double latitude;
  double longitude;
};

// Every point is in France (codePays FR).
std::span<const point_record> point_records() noexcept;
std::span<const known_place> known_places() noexcept;

}  // namespace parcelgate::sim::colissimo
