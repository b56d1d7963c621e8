// The simulated WSI4_PointRelais_Recherche (see points_search.hpp).
#include "tools/carrier-sim/mondialrelay/points_search.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <vector>

#include "tools/carrier-sim/mondialrelay/points_data.hpp"

namespace parcelgate::sim::mondialrelay {

namespace {

constexpr int kDefaultResults = 10;  // NombreResultats absent
constexpr int kMaxResults = 30;

std::string value_of(const wsi_params& p, std::string_view name) {
  auto it = p.find(name);
  return it == p.end() ? std::string{} : it->second;
}

// Each pattern is compiled once; std::regex matching on a const object is thread-safe, and map
// nodes never move, so the pointer stays valid after the lock is released.
bool matches(const std::string& value, const char* pattern) {
  static std::mutex mutex;
  static std::map<std::string, std::regex, std::less<>> compiled;
  const std::regex* re = nullptr;
  {
    std::lock_guard lock(mutex);
    auto it = compiled.find(std::string_view(pattern));
    if (it == compiled.end()) it = compiled.emplace(pattern, std::regex(pattern)).first;
    re = &it->second;
  }
  return std::regex_match(value, *re);
}

std::string stat_only(int stat) {
  return "<STAT>" + std::to_string(stat) + "</STAT>";
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out.push_back(c);
  }
  return out;
}

// The service pads text fields with spaces to their column width; empty ones stay empty.
std::string element(std::string_view name, std::string_view value, std::size_t width = 0) {
  if (value.empty()) return "<" + std::string(name) + " />";
  std::string v(value);
  if (v.size() < width) v.append(width - v.size(), ' ');
  return "<" + std::string(name) + ">" + escaped(v) + "</" + std::string(name) + ">";
}

// "45,7728450", "04,8630410", "-01,1500341": two integer digits at least, 7 decimals, a comma.
std::string comma_decimal(double degrees) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%010.7f", std::abs(degrees));
  std::string out = buf;
  std::replace(out.begin(), out.end(), '.', ',');
  return degrees < 0 ? "-" + out : out;
}

bool postcode_fits(std::string_view country, const std::string& cp) {
  if (country == "FR" || country == "MC" || country == "DE" || country == "ES" || country == "IT")
    return matches(cp, "^[0-9]{5}$");
  if (country == "BE" || country == "LU" || country == "AT") return matches(cp, "^[0-9]{4}$");
  if (country == "NL") return matches(cp, "^[0-9]{4}[A-Z]{2}$");
  if (country == "PT") return matches(cp, "^[0-9]{4}-[0-9]{3}$");
  if (country == "PL") return matches(cp, "^[0-9]{2}-[0-9]{3}$");
  return matches(cp, "^[0-9A-Z-]{2,10}$");
}

struct centre {
  double latitude = 0, longitude = 0;
};

std::optional<centre> place_of_postcode(std::string_view country, const std::string& cp) {
  for (const auto& place : sim_places())
    if (place.country == country && cp >= place.postcode_from && cp <= place.postcode_to)
      return centre{place.latitude, place.longitude};
  return std::nullopt;
}

std::optional<centre> place_of_city(std::string_view country, const std::string& city) {
  for (const auto& place : sim_places())
    if (place.country == country && place.city == city)
      return centre{place.latitude, place.longitude};
  return std::nullopt;
}

bool has_mode(std::string_view modes, std::string_view action) {
  while (!modes.empty()) {
    auto comma = modes.find(',');
    if (modes.substr(0, comma) == action) return true;
    modes = comma == std::string_view::npos ? std::string_view{} : modes.substr(comma + 1);
  }
  return false;
}

constexpr std::array<std::string_view, 7> kDays = {"Lundi",    "Mardi",  "Mercredi", "Jeudi",
                                                   "Vendredi", "Samedi", "Dimanche"};

std::string point_xml(const sim_point& p, std::optional<double> distance_m,
                      std::string_view brand) {
  std::string x = "<PointRelais_Details><STAT />";
  x += element("Num", p.num);
  x += element("LgAdr1", p.name1, 32);
  x += element("LgAdr2", p.name2, 32);
  x += element("LgAdr3", p.street, 32);
  x += element("LgAdr4", p.line4, 32);
  x += element("CP", p.postcode);
  x += element("Ville", p.city, 26);
  x += element("Pays", p.country);
  x += element("Localisation1", p.location1, 40);
  x += element("Localisation2", p.location2, 40);
  x += element("Latitude", comma_decimal(p.latitude));
  x += element("Longitude", comma_decimal(p.longitude));
  x += element("TypeActivite", "000");
  x += element("Information", p.locker ? "LOCKER" : "");
  for (std::size_t d = 0; d < kDays.size(); ++d) {
    x += "<Horaires_" + std::string(kDays[d]) + ">";
    for (auto s : (*p.hours)[d]) x += "<string>" + std::string(s) + "</string>";
    x += "</Horaires_" + std::string(kDays[d]) + ">";
  }
  x += "<Informations_Dispo />";
  const std::string query = "?ens=" + std::string(brand) + "&num=" + std::string(p.num) +
                            "&pays=" + std::string(p.country) + "&crc=0";
  x += element("URL_Photo",
               "https://ww2.mondialrelay.com/public/permanent/photo_relais.aspx" + query);
  x +=
      element("URL_Plan", "https://ww2.mondialrelay.com/public/permanent/plan_relais.aspx" + query);
  x += distance_m ? element("Distance", std::to_string(std::lround(*distance_m)))
                  : std::string("<Distance />");
  x += "</PointRelais_Details>";
  return x;
}

std::string points_xml(const std::vector<std::pair<const sim_point*, std::optional<double>>>& list,
                       std::string_view brand) {
  if (list.empty()) return stat_only(0) + "<PointsRelais />";
  std::string x = stat_only(0) + "<PointsRelais>";
  for (const auto& [point, distance] : list) x += point_xml(*point, distance, brand);
  return x + "</PointsRelais>";
}

}  // namespace

double haversine_m(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusM = 6'371'000.0, kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

point_search_outcome search_points(const wsi_params& params, std::string_view brand) {
  auto answer = [](int stat) {
    return point_search_outcome{.fault = {}, .result_xml = stat_only(stat)};
  };

  // NombreResultats is an xsd:int: ASP.NET cannot deserialize anything else.
  int count = kDefaultResults;
  if (auto it = params.find("NombreResultats"); it != params.end()) {
    const std::string& v = it->second;
    int n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc{} || end != v.data() + v.size())
      return {.fault =
                  "Server was unable to read request. ---> There is an error in XML document. "
                  "---> Input string was not in a correct format.",
              .result_xml = {}};
    if (n > 0) count = std::min(n, kMaxResults);
  }

  const std::string pays = value_of(params, "Pays");
  if (pays.empty()) return answer(40);
  if (!matches(pays, "^[A-Za-z]{2}$") || !served_country(upper(pays))) return answer(37);
  const std::string country = upper(pays);
  const std::string number = value_of(params, "NumPointRelais");
  const std::string ville = value_of(params, "Ville"), cp = value_of(params, "CP");
  const std::string lat = value_of(params, "Latitude"), lon = value_of(params, "Longitude");
  const std::string poids = value_of(params, "Poids"), action = value_of(params, "Action");
  const std::string rayon = value_of(params, "RayonRecherche");
  if (!number.empty() && !matches(number, "^[0-9]{6}$")) return answer(24);
  if (!ville.empty() && !matches(ville, "^[A-Za-z_\\-' ]{2,25}$")) return answer(35);
  if (!cp.empty() && !postcode_fits(country, cp)) return answer(36);
  if ((!lat.empty() || !lon.empty()) && !matches(lat, "^-?[0-9]{1,2}\\.[0-9]{7}$"))
    return answer(67);
  if (!lat.empty() && !matches(lon, "^-?[0-9]{1,3}\\.[0-9]{7}$")) return answer(68);
  if (auto t = value_of(params, "Taille"); !t.empty() && !matches(t, "^(XS|S|M|L|XL|XXL|3XL)$"))
    return answer(22);
  if (!poids.empty() && !matches(poids, "^[0-9]{1,6}$")) return answer(20);
  if (!action.empty() && !matches(action, "^(REL|24R|24L|24X|DRI)$")) return answer(49);
  if (auto d = value_of(params, "DelaiEnvoi"); !d.empty() && !matches(d, "^-?[0-9]{1,2}$"))
    return answer(40);
  if (!rayon.empty() && !matches(rayon, "^[0-9]{1,4}$")) return answer(40);
  if (auto t = value_of(params, "TypeActivite");
      !t.empty() && !matches(t, "^([0-9]{3},)*[0-9]{3}$"))
    return answer(71);

  // Where distances are measured from: the coordinates, else the postcode, else the city.
  std::optional<centre> from;
  if (!lat.empty()) {
    from = centre{std::stod(lat), std::stod(lon)};
  } else if (!cp.empty()) {
    from = place_of_postcode(country, cp);
    // A postcode in the right form that the network has no point for: the "no point" answer.
    if (!from && number.empty()) return {.fault = {}, .result_xml = points_xml({}, brand)};
  } else if (!ville.empty()) {
    from = place_of_city(country, upper(ville));
    if (!from && number.empty()) return answer(9);  // city unknown or not unique
  } else if (number.empty()) {
    return answer(40);  // nothing to search near
  }
  auto distance_to = [&from](const sim_point& p) -> std::optional<double> {
    if (!from) return std::nullopt;
    return haversine_m(from->latitude, from->longitude, p.latitude, p.longitude);
  };

  std::vector<std::pair<const sim_point*, std::optional<double>>> found;
  if (!number.empty()) {
    // One point by its number; a number the network does not have lists nothing.
    for (const auto& p : sim_points())
      if (p.num == number && p.country == country) found.emplace_back(&p, distance_to(p));
    return {.fault = {}, .result_xml = points_xml(found, brand)};
  }

  const int radius_km = rayon.empty() ? 0 : std::stoi(rayon);  // 0: no radius
  const int weight_g = poids.empty() ? 0 : std::stoi(poids);
  for (const auto& p : sim_points()) {
    if (p.country != country) continue;
    if (!action.empty() && !has_mode(p.modes, action)) continue;
    if (weight_g > p.max_weight_g) continue;
    auto d = distance_to(p);
    if (radius_km > 0 && *d > radius_km * 1000.0) continue;
    found.emplace_back(&p, d);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return *a.second < *b.second; });
  if (found.size() > static_cast<std::size_t>(count)) found.resize(static_cast<std::size_t>(count));
  return {.fault = {}, .result_xml = points_xml(found, brand)};
}

}  // namespace parcelgate::sim::mondialrelay
