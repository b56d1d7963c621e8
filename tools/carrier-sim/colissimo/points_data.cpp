// The Colissimo sandbox's collection points (points_data.hpp). Names are invented; streets are
// real streets of each place; coordinates spread 0.2 to 5 km around the place's centre. Ids are
// 6 digits like Colissimo's, grouped by place (2001xx Paris 11e, 3001xx Villeurbanne, 3003xx
// Lyon 3e, 4001xx Lille) so that a test can tell where a point comes from.
#include "tools/carrier-sim/colissimo/points_data.hpp"

namespace parcelgate::sim::colissimo {

namespace {

using week = std::array<std::string_view, 7>;

constexpr std::string_view kClosed = "00:00-00:00 00:00-00:00";

// Opening hours as the service writes them, Monday first.
constexpr week kShopLunchBreak = {"09:00-12:30 14:00-19:00",
                                  "09:00-12:30 14:00-19:00",
                                  "09:00-12:30 14:00-19:00",
                                  "09:00-12:30 14:00-19:00",
                                  "09:00-12:30 14:00-19:00",
                                  "09:00-12:30 14:00-19:00",
                                  kClosed};
constexpr week kTobacconist = {"07:00-20:00 00:00-00:00", "07:00-20:00 00:00-00:00",
                               "07:00-20:00 00:00-00:00", "07:00-20:00 00:00-00:00",
                               "07:00-20:00 00:00-00:00", "07:00-20:00 00:00-00:00",
                               "08:00-13:00 00:00-00:00"};
constexpr week kClosedMonday = {kClosed,
                                "10:00-13:00 15:00-19:30",
                                "10:00-13:00 15:00-19:30",
                                "10:00-13:00 15:00-19:30",
                                "10:00-13:00 15:00-19:30",
                                "10:00-13:00 15:00-19:30",
                                kClosed};
constexpr week kClosedSundayMonday = {kClosed,
                                      "09:30-12:30 14:30-19:00",
                                      "09:30-12:30 14:30-19:00",
                                      "09:30-12:30 14:30-19:00",
                                      "09:30-12:30 14:30-19:00",
                                      "09:30-18:00 00:00-00:00",
                                      kClosed};
constexpr week kGrocery = {"08:30-19:30 00:00-00:00", "08:30-19:30 00:00-00:00",
                           "08:30-19:30 00:00-00:00", "08:30-19:30 00:00-00:00",
                           "08:30-19:30 00:00-00:00", "08:30-19:30 00:00-00:00",
                           "09:00-13:00 00:00-00:00"};
constexpr week kPostOffice = {"09:00-18:00 00:00-00:00",
                              "09:00-18:00 00:00-00:00",
                              "09:00-18:00 00:00-00:00",
                              "09:00-18:00 00:00-00:00",
                              "09:00-18:00 00:00-00:00",
                              "09:00-12:30 00:00-00:00",
                              kClosed};
constexpr week kPostOfficeLunch = {"09:00-12:00 13:30-17:30",
                                   "09:00-12:00 13:30-17:30",
                                   "09:00-12:00 13:30-17:30",
                                   "09:00-12:00 13:30-17:30",
                                   "09:00-12:00 13:30-17:30",
                                   "09:00-12:00 00:00-00:00",
                                   kClosed};
// Lockers: open around the clock (the service writes the end of the day 23:59), or the hours of
// the station hall they stand in.
constexpr week kLockerAllDay = {"00:00-23:59 00:00-00:00", "00:00-23:59 00:00-00:00",
                                "00:00-23:59 00:00-00:00", "00:00-23:59 00:00-00:00",
                                "00:00-23:59 00:00-00:00", "00:00-23:59 00:00-00:00",
                                "00:00-23:59 00:00-00:00"};
constexpr week kLockerStation = {"05:30-23:30 00:00-00:00", "05:30-23:30 00:00-00:00",
                                 "05:30-23:30 00:00-00:00", "05:30-23:30 00:00-00:00",
                                 "05:30-23:30 00:00-00:00", "06:00-23:30 00:00-00:00",
                                 "06:00-23:30 00:00-00:00"};

constexpr known_place kPlaces[] = {
    {.zip = "75011", .city = "PARIS", .latitude = 48.8590, .longitude = 2.3800},
    {.zip = "69100", .city = "VILLEURBANNE", .latitude = 45.7719, .longitude = 4.8902},
    {.zip = "69003", .city = "LYON", .latitude = 45.7597, .longitude = 4.8590},
    {.zip = "59000", .city = "LILLE", .latitude = 50.6292, .longitude = 3.0573},
};

constexpr point_record kPoints[] = {
    // Paris 11e and around
    {"200101", "A2P", "TABAC DE LA ROQUETTE", "45 RUE DE LA ROQUETTE", "", "75011", "PARIS",
     48.8546, 2.3739, kTobacconist, 20, false, ""},
    {"200102", "A2P", "EPICERIE PARMENTIER", "112 AVENUE PARMENTIER", "", "75011", "PARIS", 48.8668,
     2.3735, kGrocery, 20, true, ""},
    {"200103", "BPR", "BUREAU DE POSTE PARIS VOLTAIRE", "178 BOULEVARD VOLTAIRE", "", "75011",
     "PARIS", 48.8568, 2.3838, kPostOffice, 30, true, ""},
    {"200104", "PCS", "PICKUP STATION NATION", "3 PLACE DE LA NATION", "", "75011", "PARIS",
     48.8484, 2.3958, kLockerAllDay, 20, true,
     "Consigne sur le trottoir, face a la sortie du metro"},
    {"200105", "A2P", "PRESSING CHARONNE", "96 RUE DE CHARONNE", "", "75011", "PARIS", 48.8547,
     2.3834, kClosedMonday, 20, false, ""},
    {"200106", "BPR", "BUREAU DE POSTE PARIS OBERKAMPF", "104 RUE OBERKAMPF", "", "75011", "PARIS",
     48.8656, 2.3787, kPostOfficeLunch, 30, true, ""},
    {"200107", "A2P", "LIBRAIRIE DE LA REPUBLIQUE", "7 AVENUE DE LA REPUBLIQUE", "", "75011",
     "PARIS", 48.8669, 2.3654, kShopLunchBreak, 20, false, ""},
    {"200108", "A2P", "FLEURS DU FAUBOURG", "210 RUE DU FAUBOURG SAINT-ANTOINE", "", "75011",
     "PARIS", 48.8508, 2.3876, kClosedSundayMonday, 20, true, ""},
    {"200109", "PCS", "PICKUP STATION GARE DE LYON", "PLACE LOUIS ARMAND", "HALL 1", "75012",
     "PARIS", 48.8443, 2.3743, kLockerStation, 20, true,
     "Hall 1, pres des guichets grandes lignes"},
    {"200110", "BPR", "BUREAU DE POSTE PARIS MENILMONTANT", "20 BOULEVARD DE MENILMONTANT", "",
     "75020", "PARIS", 48.8610, 2.3890, kPostOffice, 30, false, ""},
    {"200111", "A2P", "CAVE DE LA CROIX DE CHAVAUX", "12 RUE DE PARIS", "", "93100", "MONTREUIL",
     48.8580, 2.4415, kClosedMonday, 20, false, ""},
    // Villeurbanne
    {"300101", "A2P", "TABAC PRESSE GRATTE-CIEL", "12 AVENUE HENRI BARBUSSE", "", "69100",
     "VILLEURBANNE", 45.7695, 4.8800, kTobacconist, 20, true, ""},
    {"300102", "BPR", "BUREAU DE POSTE VILLEURBANNE GRATTE-CIEL", "22 RUE MICHEL SERVET", "",
     "69100", "VILLEURBANNE", 45.7676, 4.8810, kPostOffice, 30, true, ""},
    {"300103", "A2P", "CAVE EMILE ZOLA", "145 COURS EMILE ZOLA", "", "69100", "VILLEURBANNE",
     45.7705, 4.8743, kClosedSundayMonday, 20, false, ""},
    {"300104", "PCS", "PICKUP STATION CHARPENNES", "1 PLACE CHARLES HERNU", "", "69100",
     "VILLEURBANNE", 45.7705, 4.8631, kLockerAllDay, 20, true, "A cote de l'entree du metro"},
    {"300105", "A2P", "BRICOLAGE TOLSTOI", "88 COURS TOLSTOI", "", "69100", "VILLEURBANNE", 45.7623,
     4.8915, kShopLunchBreak, 20, false, ""},
    {"300106", "A2P", "EPICERIE GRANDCLEMENT", "3 PLACE GRANDCLEMENT", "", "69100", "VILLEURBANNE",
     45.7603, 4.8967, kClosedMonday, 20, true, ""},
    {"300107", "BPR", "BUREAU DE POSTE VILLEURBANNE CUSSET", "210 COURS EMILE ZOLA", "", "69100",
     "VILLEURBANNE", 45.7661, 4.9010, kPostOfficeLunch, 30, true, ""},
    {"300108", "A2P", "PHOTO SERVICE PRESSENSE", "56 RUE FRANCIS DE PRESSENSE", "", "69100",
     "VILLEURBANNE", 45.7730, 4.8780, kGrocery, 20, false, ""},
    // Lyon 3e
    {"300301", "A2P", "TABAC GAMBETTA", "74 COURS GAMBETTA", "", "69003", "LYON", 45.7553, 4.8553,
     kTobacconist, 20, false, ""},
    {"300302", "BPR", "BUREAU DE POSTE LYON PART-DIEU", "1 RUE DU DOCTEUR BOUCHUT",
     "CENTRE COMMERCIAL PART-DIEU", "69003", "LYON", 45.7612, 4.8566, kPostOffice, 30, true,
     "Niveau 0, porte Vivier-Merle"},
    {"300303", "PCS", "PICKUP STATION PART-DIEU GARE", "5 PLACE CHARLES BERAUDIER", "", "69003",
     "LYON", 45.7606, 4.8612, kLockerStation, 20, true, "Dans la gare, hall Villette"},
    {"300304", "A2P", "LIBRAIRIE PAUL BERT", "102 RUE PAUL BERT", "", "69003", "LYON", 45.7590,
     4.8650, kShopLunchBreak, 20, false, ""},
    {"300305", "A2P", "PRESSING LAFAYETTE", "210 COURS LAFAYETTE", "", "69003", "LYON", 45.7634,
     4.8627, kClosedMonday, 20, true, ""},
    {"300306", "A2P", "EPICERIE FELIX FAURE", "150 AVENUE FELIX FAURE", "", "69003", "LYON",
     45.7540, 4.8690, kGrocery, 20, true, ""},
    {"300307", "BPR", "BUREAU DE POSTE LYON MONTCHAT", "40 COURS DU DOCTEUR LONG", "", "69003",
     "LYON", 45.7562, 4.8890, kPostOfficeLunch, 30, false, ""},
    {"300308", "A2P", "FLEURISTE MONCEY", "25 RUE MONCEY", "", "69003", "LYON", 45.7600, 4.8450,
     kClosedSundayMonday, 20, false, ""},
    // Lille
    {"400101", "A2P", "TABAC LE FAIDHERBE", "21 RUE FAIDHERBE", "", "59000", "LILLE", 50.6355,
     3.0660, kTobacconist, 20, false, ""},
    {"400102", "BPR", "BUREAU DE POSTE LILLE REPUBLIQUE", "8 PLACE DE LA REPUBLIQUE", "", "59000",
     "LILLE", 50.6310, 3.0620, kPostOffice, 30, true, ""},
    {"400103", "PCS", "PICKUP STATION LILLE FLANDRES", "PLACE DES BUISSES", "", "59000", "LILLE",
     50.6370, 3.0710, kLockerAllDay, 20, true, "Parvis de la gare, cote metro"},
    {"400104", "A2P", "EPICERIE NATIONALE", "120 RUE NATIONALE", "", "59000", "LILLE", 50.6340,
     3.0550, kGrocery, 20, true, ""},
    {"400105", "A2P", "LIBRAIRIE BETHUNE", "30 RUE DE BETHUNE", "", "59000", "LILLE", 50.6345,
     3.0615, kShopLunchBreak, 20, false, ""},
    {"400106", "A2P", "PRESSING SOLFERINO", "200 RUE SOLFERINO", "", "59000", "LILLE", 50.6270,
     3.0530, kClosedMonday, 20, false, ""},
    {"400107", "BPR", "BUREAU DE POSTE LILLE WAZEMMES", "15 RUE GAMBETTA", "", "59000", "LILLE",
     50.6265, 3.0480, kPostOfficeLunch, 30, true, ""},
    {"400108", "A2P", "CORDONNERIE DE PARIS", "250 RUE DE PARIS", "", "59000", "LILLE", 50.6255,
     3.0680, kClosedSundayMonday, 20, false, ""},
    {"400109", "A2P", "TABAC VAUBAN", "2 BOULEVARD VAUBAN", "", "59000", "LILLE", 50.6330, 3.0430,
     kTobacconist, 20, false, ""},
    {"400110", "A2P", "MAISON DE LA PRESSE LAMBERSART", "95 AVENUE DE L'HIPPODROME", "", "59130",
     "LAMBERSART", 50.6480, 3.0250, kShopLunchBreak, 20, false, ""},
};

}  // namespace

std::span<const point_record> point_records() noexcept {
  return kPoints;
}

std::span<const known_place> known_places() noexcept {
  return kPlaces;
}

}  // namespace parcelgate::sim::colissimo
