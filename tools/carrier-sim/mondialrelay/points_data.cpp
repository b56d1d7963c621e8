// Points and places of the simulated Mondial Relay network (see points_data.hpp).
#include "tools/carrier-sim/mondialrelay/points_data.hpp"

namespace parcelgate::sim::mondialrelay {

namespace {

constexpr std::array<std::string_view, 4> kClosed = {"0000", "0000", "0000", "0000"};

// Lunch break on weekdays, Saturday morning, closed Sunday.
constexpr week_hours kLunchBreak = {{{"0900", "1230", "1400", "1900"},
                                     {"0900", "1230", "1400", "1900"},
                                     {"0900", "1230", "1400", "1900"},
                                     {"0900", "1230", "1400", "1900"},
                                     {"0900", "1230", "1400", "1900"},
                                     {"0900", "1230", "0000", "0000"},
                                     kClosed}};
// Closed on Monday, Sunday morning.
constexpr week_hours kClosedMonday = {{kClosed,
                                       {"0930", "1300", "1500", "1930"},
                                       {"0930", "1300", "1500", "1930"},
                                       {"0930", "1300", "1500", "1930"},
                                       {"0930", "1300", "1500", "1930"},
                                       {"0930", "1300", "1500", "1930"},
                                       {"0930", "1300", "0000", "0000"}}};
constexpr week_hours kContinuous = {{{"0800", "2000", "0000", "0000"},
                                     {"0800", "2000", "0000", "0000"},
                                     {"0800", "2000", "0000", "0000"},
                                     {"0800", "2000", "0000", "0000"},
                                     {"0800", "2000", "0000", "0000"},
                                     {"0800", "2000", "0000", "0000"},
                                     kClosed}};
constexpr week_hours kSupermarket = {{{"0830", "2100", "0000", "0000"},
                                      {"0830", "2100", "0000", "0000"},
                                      {"0830", "2100", "0000", "0000"},
                                      {"0830", "2100", "0000", "0000"},
                                      {"0830", "2100", "0000", "0000"},
                                      {"0830", "2100", "0000", "0000"},
                                      {"0900", "1300", "0000", "0000"}}};
constexpr week_hours kTobacconist = {{{"0700", "1300", "1500", "2000"},
                                      {"0700", "1300", "1500", "2000"},
                                      {"0700", "1300", "1500", "2000"},
                                      {"0700", "1300", "1500", "2000"},
                                      {"0700", "1300", "1500", "2000"},
                                      {"0800", "1300", "1500", "1900"},
                                      {"0800", "1230", "0000", "0000"}}};
// A grocer open until midnight ("0000" closing after a real opening), closed Sunday.
constexpr week_hours kLateGrocer = {{{"1000", "0000", "0000", "0000"},
                                     {"1000", "0000", "0000", "0000"},
                                     {"1000", "0000", "0000", "0000"},
                                     {"1000", "0000", "0000", "0000"},
                                     {"1000", "0000", "0000", "0000"},
                                     {"1000", "0000", "0000", "0000"},
                                     kClosed}};
// Lockers in the open are published 0001-2359 every day.
constexpr week_hours kLocker247 = {{{"0001", "2359", "0000", "0000"},
                                    {"0001", "2359", "0000", "0000"},
                                    {"0001", "2359", "0000", "0000"},
                                    {"0001", "2359", "0000", "0000"},
                                    {"0001", "2359", "0000", "0000"},
                                    {"0001", "2359", "0000", "0000"},
                                    {"0001", "2359", "0000", "0000"}}};
// A locker inside a station, open with it.
constexpr week_hours kStationLocker = {{{"0530", "2330", "0000", "0000"},
                                        {"0530", "2330", "0000", "0000"},
                                        {"0530", "2330", "0000", "0000"},
                                        {"0530", "2330", "0000", "0000"},
                                        {"0530", "2330", "0000", "0000"},
                                        {"0600", "2330", "0000", "0000"},
                                        {"0600", "2330", "0000", "0000"}}};
// A locker inside a shopping centre, with the centre's hours.
constexpr week_hours kMallLocker = {{{"0930", "2000", "0000", "0000"},
                                     {"0930", "2000", "0000", "0000"},
                                     {"0930", "2000", "0000", "0000"},
                                     {"0930", "2000", "0000", "0000"},
                                     {"0930", "2000", "0000", "0000"},
                                     {"0930", "2000", "0000", "0000"},
                                     kClosed}};
constexpr week_hours kPolishShop = {{{"1000", "1900", "0000", "0000"},
                                     {"1000", "1900", "0000", "0000"},
                                     {"1000", "1900", "0000", "0000"},
                                     {"1000", "1900", "0000", "0000"},
                                     {"1000", "1900", "0000", "0000"},
                                     {"1000", "1500", "0000", "0000"},
                                     kClosed}};

constexpr int kLockerMaxG = 20'000;  // locker compartments take lighter parcels than shops
constexpr std::string_view kLockerModes = "24R,REL";
constexpr std::string_view kNoXl = "24R,REL";  // shops too small for 24L (XL) parcels

const sim_point kPoints[] = {
    // Paris 11e and around (centre 48.8590, 2.3800)
    {"066201", "TABAC LE SAINT MAUR", "", "112 RUE OBERKAMPF", "", "75011", "PARIS", "FR", 48.8655,
     2.3768, false, "", "", &kTobacconist},
    {"066318", "PRESSING VOLTAIRE", "", "154 BOULEVARD VOLTAIRE", "", "75011", "PARIS", "FR",
     48.8563, 2.3849, false, "", "", &kClosedMonday, 30'000, kNoXl},
    {"066452", "LIBRAIRIE DE LA ROQUETTE", "", "47 RUE DE LA ROQUETTE", "", "75011", "PARIS", "FR",
     48.8551, 2.3745, false, "", "", &kLunchBreak},
    {"067013", "EPICERIE PARMENTIER", "", "61 AVENUE PARMENTIER", "", "75011", "PARIS", "FR",
     48.8628, 2.3741, false, "", "", &kLateGrocer, 30'000, kNoXl},
    {"067125", "LOCKER MONDIAL RELAY", "CHARONNE", "88 RUE DE CHARONNE", "", "75011", "PARIS", "FR",
     48.8538, 2.3831, true, "DEVANT LE SUPERMARCHE", "", &kLocker247, kLockerMaxG, kLockerModes},
    {"067240", "PHOTO SERVICE REPUBLIQUE", "", "12 AVENUE DE LA REPUBLIQUE", "", "75011", "PARIS",
     "FR", 48.8661, 2.3665, false, "", "", &kLunchBreak},
    {"068310", "LOCKER GARE DE LYON", "", "20 BOULEVARD DIDEROT", "", "75012", "PARIS", "FR",
     48.8448, 2.3735, true, "HALL 2", "PRES DES GUICHETS", &kStationLocker, kLockerMaxG,
     kLockerModes},
    {"068422", "SUPERETTE NATION", "", "5 PLACE DE LA NATION", "", "75012", "PARIS", "FR", 48.8481,
     2.3952, false, "", "", &kSupermarket},
    {"069105", "CORDONNERIE MENILMONTANT", "", "36 BOULEVARD DE MENILMONTANT", "", "75020", "PARIS",
     "FR", 48.8626, 2.3884, false, "", "", &kClosedMonday, 30'000, kNoXl},
    {"071520", "BAZAR DES BUTTES", "", "19 RUE DE MEAUX", "", "75019", "PARIS", "FR", 48.8800,
     2.3740, false, "", "", &kContinuous},

    // Villeurbanne (centre 45.7719, 4.8902)
    {"004512", "TABAC DES GRATTE CIEL", "", "38 AVENUE HENRI BARBUSSE", "", "69100", "VILLEURBANNE",
     "FR", 45.7687, 4.8821, false, "", "", &kTobacconist},
    {"004623", "COPY CENTER ZOLA", "", "210 COURS EMILE ZOLA", "", "69100", "VILLEURBANNE", "FR",
     45.7701, 4.8774, false, "", "", &kLunchBreak},
    {"004735", "LOCKER GRATTE CIEL", "", "5 RUE PAUL VERLAINE", "", "69100", "VILLEURBANNE", "FR",
     45.7706, 4.8845, true, "PARKING DU CENTRE COMMERCIAL", "", &kLocker247, kLockerMaxG,
     kLockerModes},
    {"004846", "FLEURISTE LEON BLUM", "", "90 RUE LEON BLUM", "", "69100", "VILLEURBANNE", "FR",
     45.7748, 4.9041, false, "", "", &kClosedMonday, 30'000, kNoXl},
    {"004958", "PRESSING SALENGRO", "", "41 AVENUE ROGER SALENGRO", "", "69100", "VILLEURBANNE",
     "FR", 45.7775, 4.8859, false, "", "", &kContinuous},
    {"005069", "SUPERETTE TOLSTOI", "", "150 COURS TOLSTOI", "", "69100", "VILLEURBANNE", "FR",
     45.7640, 4.8873, false, "", "", &kSupermarket},
    {"005170", "LIBRAIRIE CHARPENNES", "", "8 PLACE CHARLES HERNU", "", "69100", "VILLEURBANNE",
     "FR", 45.7706, 4.8634, false, "", "", &kLunchBreak},

    // Lyon 3e (centre 45.7597, 4.8590)
    {"008201", "BAZAR LAFAYETTE", "", "172 COURS LAFAYETTE", "", "69003", "LYON", "FR", 45.7637,
     4.8537, false, "", "", &kLunchBreak},
    {"008312", "TABAC PAUL BERT", "", "95 RUE PAUL BERT", "", "69003", "LYON", "FR", 45.7569,
     4.8548, false, "", "", &kTobacconist},
    {"008423", "LOCKER PART DIEU", "CENTRE COMMERCIAL", "17 RUE DU DOCTEUR BOUCHUT", "", "69003",
     "LYON", "FR", 45.7608, 4.8566, true, "NIVEAU 0", "PORTE SUD", &kMallLocker, kLockerMaxG,
     kLockerModes},
    {"008534", "EPICERIE GARIBALDI", "", "211 RUE GARIBALDI", "", "69003", "LYON", "FR", 45.7570,
     4.8525, false, "", "", &kClosedMonday, 30'000, kNoXl},
    {"008645", "CYCLES MONCEY", "", "40 RUE MONCEY", "", "69003", "LYON", "FR", 45.7595, 4.8455,
     false, "", "", &kLunchBreak},
    {"008756", "PRESSING LACASSAGNE", "", "63 AVENUE LACASSAGNE", "", "69003", "LYON", "FR",
     45.7553, 4.8718, false, "", "", &kContinuous},
    {"008867", "LOCKER FELIX FAURE", "", "120 AVENUE FELIX FAURE", "", "69003", "LYON", "FR",
     45.7558, 4.8641, true, "", "", &kLocker247, kLockerMaxG, kLockerModes},

    // Lille (centre 50.6292, 3.0573)
    {"015301", "TABAC NATIONALE", "", "58 RUE NATIONALE", "", "59000", "LILLE", "FR", 50.6347,
     3.0580, false, "", "", &kTobacconist},
    {"015412", "LIBRAIRIE SOLFERINO", "", "121 RUE SOLFERINO", "", "59000", "LILLE", "FR", 50.6285,
     3.0522, false, "", "", &kLunchBreak},
    {"015523", "EPICERIE DE PARIS", "", "203 RUE DE PARIS", "", "59000", "LILLE", "FR", 50.6311,
     3.0664, false, "", "", &kLateGrocer, 30'000, kNoXl},
    {"015634", "LOCKER LILLE FLANDRES", "", "PLACE DES BUISSES", "", "59000", "LILLE", "FR",
     50.6366, 3.0706, true, "PARVIS DE LA GARE", "", &kLocker247, kLockerMaxG, kLockerModes},
    {"015745", "PRESSING VICTOR HUGO", "", "45 BOULEVARD VICTOR HUGO", "", "59000", "LILLE", "FR",
     50.6240, 3.0631, false, "", "", &kClosedMonday},
    {"015856", "BAZAR WAZEMMES", "", "14 RUE DES SARRAZINS", "", "59000", "LILLE", "FR", 50.6262,
     3.0482, false, "", "", &kSupermarket},
    {"015967", "PHONE SERVICE GAMBETTA", "", "260 RUE LEON GAMBETTA", "", "59000", "LILLE", "FR",
     50.6277, 3.0505, false, "", "", &kContinuous, 30'000, kNoXl},

    // Kraków (centre 50.0614, 19.9366)
    {"090101", "KIOSK FLORIANSKA", "", "UL. FLORIANSKA 24", "", "31-021", "KRAKOW", "PL", 50.0636,
     19.9393, false, "", "", &kPolishShop},
    {"090212", "SKLEP KARMELICKA", "", "UL. KARMELICKA 35", "", "31-131", "KRAKOW", "PL", 50.0672,
     19.9312, false, "", "", &kPolishShop, 30'000, kNoXl},
    {"090323", "LOCKER GALERIA KRAKOWSKA", "", "UL. PAWIA 5", "", "31-154", "KRAKOW", "PL", 50.0675,
     19.9468, true, "PRZY WEJSCIU GLOWNYM", "", &kLocker247, kLockerMaxG, kLockerModes},
    {"090434", "DRUKARNIA STAROWISLNA", "", "UL. STAROWISLNA 41", "", "31-038", "KRAKOW", "PL",
     50.0563, 19.9452, false, "", "", &kPolishShop},
};

const sim_place kPlaces[] = {
    {"FR", "75011", "75011", "PARIS", 48.8590, 2.3800},
    {"FR", "69100", "69100", "VILLEURBANNE", 45.7719, 4.8902},
    {"FR", "69003", "69003", "LYON", 45.7597, 4.8590},
    {"FR", "59000", "59000", "LILLE", 50.6292, 3.0573},
    {"PL", "30-001", "31-999", "KRAKOW", 50.0614, 19.9366},
    {"PL", "00-001", "05-999", "WARSZAWA", 52.2297, 21.0122},
};

}  // namespace

std::span<const sim_point> sim_points() {
  return kPoints;
}

std::span<const sim_place> sim_places() {
  return kPlaces;
}

}  // namespace parcelgate::sim::mondialrelay
