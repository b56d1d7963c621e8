#pragma once
// WSI4_PointRelais_Recherche as the simulator answers it: the service's parameter checks (with the
// STAT each failure returns), a search by distance (haversine) from the postcode's, the city's or
// the coordinates' centre with the Action, weight, radius and count filters, the lookup of one
// point by NumPointRelais, and the answer in the service's own form (space-padded strings,
// decimal commas, Num on 6 digits, four Horaires strings a day, an empty STAT per point).
// Written independently of adapters/mondialrelay. Pure functions, thread-safe.

#include <array>
#include <string>
#include <string_view>

#include "tools/carrier-sim/mondialrelay/creation_rules.hpp"

namespace parcelgate::sim::mondialrelay {

// WSI4_PointRelais_Recherche parameters in WSDL order (Security last).
inline constexpr std::array<std::string_view, 16> kPointsOrder = {
    "Enseigne",     "Pays",   "NumPointRelais",  "Ville",   "CP",         "Latitude",
    "Longitude",    "Taille", "Poids",           "Action",  "DelaiEnvoi", "RayonRecherche",
    "TypeActivite", "NACE",   "NombreResultats", "Security"};

struct point_search_outcome {
  // Non-empty: the request cannot be deserialized (NombreResultats is an xsd:int) and the answer
  // is a soap:Client fault with this text.
  std::string fault;
  // Otherwise the content of WSI4_PointRelais_RechercheResult: <STAT>n</STAT>[<PointsRelais>...].
  std::string result_xml;
};

// Answers one authenticated request (Enseigne and Security are checked by the caller).
// `brand` ("BDTEST1311") goes into the photo and map URLs.
point_search_outcome search_points(const wsi_params& params, std::string_view brand);

// Great-circle distance in metres.
double haversine_m(double lat1, double lon1, double lat2, double lon2);

}  // namespace parcelgate::sim::mondialrelay
