// The simulated InPost points (points_data.hpp): real streets of Kraków and Warszawa, invented
// shops. Lockers are mostly outdoor and open 24/7; Parcel Points keep their shop's hours, written
// the ways ShipX writes them ("PN-PT 09:00-16:00", "Pn-Pt 8-20, Sb 9-14", and one free text).
// KRA01M is the drop-off locker the shipment simulator uses by default; KRA012 is the target of
// the sample locker shipments.
#include "tools/carrier-sim/inpost/points_data.hpp"

#include <array>

namespace parcelgate::sim::inpost_points {

namespace {

struct street_address {
  std::string_view street;
  std::string_view building;
  std::string_view post_code;
};

constexpr point in_city(point p) {
  if (p.name.starts_with("WAW") || p.name.starts_with("POP-WAW")) {
    p.city = "Warszawa";
    p.province = "mazowieckie";
  } else {
    p.city = "Kraków";
    p.province = "małopolskie";
  }
  return p;
}

constexpr point locker(std::string_view name, double latitude, double longitude, street_address a,
                       std::string_view description) {
  point p{};
  p.name = name;
  p.type = "parcel_locker";
  p.latitude = latitude;
  p.longitude = longitude;
  p.street = a.street;
  p.building_number = a.building;
  p.post_code = a.post_code;
  p.location_type = "Outdoor";
  p.location_description = description;
  p.opening_hours = "24/7";
  p.location_247 = true;
  return in_city(p);
}

constexpr point parcel_point(std::string_view name, double latitude, double longitude,
                             street_address a, std::string_view shop, std::string_view hours) {
  point p{};
  p.name = name;
  p.type = "pop";
  p.latitude = latitude;
  p.longitude = longitude;
  p.street = a.street;
  p.building_number = a.building;
  p.post_code = a.post_code;
  p.location_type = "Indoor";
  p.location_description = shop;
  p.opening_hours = hours;
  p.location_247 = false;
  return in_city(p);
}

constexpr point indoor(point p, std::string_view hours) {
  p.location_type = "Indoor";
  p.opening_hours = hours;
  p.location_247 = false;
  return p;
}

constexpr point with_status(point p, std::string_view status) {
  p.status = status;
  return p;
}

constexpr point send_only(point p) {
  p.collect = false;
  return p;
}

constexpr point easy_access(point p) {
  p.easy_access_zone = true;
  return p;
}

constexpr point with_flat(point p, std::string_view flat) {
  p.flat_number = flat;
  return p;
}

constexpr point typed(point p, std::string_view type) {
  p.type = type;
  return p;
}

constexpr std::array kPoints = {
    // Kraków, around the Main Square (50.0614, 19.9366)
    locker("KRA012", 50.06750, 19.92900, {"Karmelicka", "45", "31-128"},
           "Przy wejściu do sklepu spożywczego"),
    locker("KRA01M", 50.05350, 19.94400, {"Dietla", "72", "31-039"}, "Obok stacji paliw"),
    locker("KRA020", 50.07050, 19.94050, {"Długa", "60", "31-146"}, "Przy przychodni"),
    locker("KRA045", 50.04550, 19.94550, {"Kalwaryjska", "25", "30-504"}, "Przy parkingu"),
    indoor(locker("KRA108", 50.05950, 19.97100, {"Aleja Pokoju", "44", "31-564"},
                  "W centrum handlowym, poziom 0, przy wejściu głównym"),
           "PN-SB 09:00-21:00 ND 10:00-20:00"),
    easy_access(locker("KRA22A", 50.06800, 19.91100, {"Czarnowiejska", "50", "30-054"},
                       "Przy domu studenckim")),
    locker("KRA300M", 50.01700, 19.99700, {"Wielicka", "259", "30-663"}, "Przy markecie"),
    with_status(locker("KRA077", 50.06500, 19.94100, {"Basztowa", "15", "31-143"},
                       "Przy przystanku tramwajowym"),
                "NonOperating"),
    parcel_point("POP-KRA101", 50.05700, 19.94550, {"Starowiślna", "31", "31-038"},
                 "Sklep spożywczy U Basi", "Pn-Pt 8-20, Sb 9-14"),
    parcel_point("POP-KRA217", 50.05900, 19.93800, {"Grodzka", "15", "31-006"},
                 "Księgarnia Pod Wawelem", "PN-PT 09:00-17:00 SB 10:00-14:00"),
    parcel_point("POP-KRA150", 50.07200, 19.93300, {"Krowoderska", "52", "31-158"},
                 "Delikatesy Krowoderska", "PN-PT 07:00-00:00 SB 07:00-00:00 ND 07:00-00:00"),
    parcel_point("POP-KRA330", 50.06800, 19.96200, {"Mogilska", "40", "31-546"},
                 "Punkt ksero Mogilska", "Pn-Pt 9-13, 14-18; Sb nieczynne"),
    send_only(parcel_point("POP-KRA404", 50.06550, 19.95050, {"Lubicz", "17", "31-503"},
                           "Kwiaciarnia Lubicz", "Pn-Sb 8-18")),
    parcel_point("POP-KRA512", 50.07000, 19.93750, {"Szlak", "20", "31-153"}, "Kiosk Szlak",
                 "Zgodnie z godzinami otwarcia sklepu"),

    // Warszawa, around Świętokrzyska (52.2297, 21.0122)
    locker("WAW01A", 52.23350, 21.00950, {"Marszałkowska", "104/122", "00-017"},
           "Przy wejściu do metra"),
    locker("WAW22A", 52.23450, 21.01850, {"Nowy Świat", "26", "00-373"}, "W bramie kamienicy"),
    easy_access(
        locker("WAW105M", 52.23600, 21.00100, {"Grzybowska", "5", "00-132"}, "Przy biurowcu")),
    indoor(locker("WAW140", 52.22880, 21.00350, {"Aleje Jerozolimskie", "54", "00-024"},
                  "Dworzec Centralny, hala główna"),
           "PN-ND 05:00-23:00"),
    locker("WAW233M", 52.20400, 21.01800, {"Puławska", "39", "02-508"}, "Przy piekarni"),
    locker("WAW310", 52.25300, 21.03550, {"Targowa", "72", "03-734"}, "Przy bazarze"),
    typed(locker("WAW402M", 52.18800, 21.00200, {"Wołoska", "12", "02-675"},
                 "Przy galerii handlowej"),
          "parcel_locker_superpop"),
    with_flat(parcel_point("POP-WAW120", 52.22550, 21.01500, {"Hoża", "40", "00-516"},
                           "Pracownia krawiecka Hoża", "Pn-Pt 10-19, Sb 10-15"),
              "3"),
    parcel_point("POP-WAW215", 52.23000, 21.00000, {"Chmielna", "73", "00-801"}, "Sklep Chmielna",
                 "PN-PT 06:00-23:00 SB 07:00-23:00 ND 09:00-21:00"),
    parcel_point("POP-WAW318", 52.22400, 21.02000, {"Mokotowska", "51/53", "00-542"},
                 "Antykwariat Mokotowska", "Pn, Śr, Pt 9-17; Wt, Cz 12-20"),
};

}  // namespace

std::span<const point> all() {
  return kPoints;
}

const point* find(std::string_view name) {
  for (const auto& p : kPoints)
    if (p.name == name) return &p;
  return nullptr;
}

std::optional<centre> centre_of(std::string_view code) {
  if (code.size() != 6 || code[2] != '-') return std::nullopt;
  const int area = (code[0] - '0') * 10 + (code[1] - '0');
  if (area == 30 || area == 31) return centre{.latitude = 50.0614, .longitude = 19.9366};
  if (area >= 0 && area <= 5) return centre{.latitude = 52.2297, .longitude = 21.0122};
  return std::nullopt;
}

}  // namespace parcelgate::sim::inpost_points
