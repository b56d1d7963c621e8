// Colissimo point retrait sandbox (point_retrait_sim.hpp).
#include "tools/carrier-sim/colissimo/point_retrait_sim.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tools/carrier-sim/colissimo/points_data.hpp"

namespace parcelgate::sim::colissimo {

namespace {

constexpr std::string_view kSoapEnvelope = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view kNamespace = "http://v2.pointretrait.geopost.com/";
constexpr std::string_view kAccount = "123456";
constexpr std::string_view kPassword = "sandbox";
constexpr std::size_t kMaxPoints = 20;
constexpr double kSearchRadiusM = 15'000;
// Countries the real service searches with optionInter 1; the sandbox has no points there.
constexpr std::string_view kAbroad[] = {"AT", "BE", "DE", "EE", "ES", "LT",
                                        "LU", "LV", "NL", "PT", "SE"};

std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child_local(const pugi::xml_node& parent, std::string_view local) {
  for (auto c = parent.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c) == local) return c;
  return {};
}

std::string param(const pugi::xml_node& op, std::string_view local) {
  std::string v = child_local(op, local).child_value();
  const auto first = v.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return v.substr(first, v.find_last_not_of(" \t\r\n") - first + 1);
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// dd/mm/yyyy with a plausible day and month.
bool wire_date_ok(std::string_view d) {
  if (d.size() != 10 || d[2] != '/' || d[5] != '/' || !digits(d.substr(0, 2)) ||
      !digits(d.substr(3, 2)) || !digits(d.substr(6, 4)))
    return false;
  const int day = std::stoi(std::string(d.substr(0, 2)));
  const int month = std::stoi(std::string(d.substr(3, 2)));
  return day >= 1 && day <= 31 && month >= 1 && month <= 12;
}

double haversine_m(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusM = 6'371'000, kRad = 3.14159265358979323846 / 180;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::sqrt(a));
}

std::string xml_text(const pugi::xml_document& doc) {
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  doc.save(out, "",
           pugi::format_raw | pugi::format_no_declaration | pugi::format_no_empty_element_tags,
           pugi::encoding_utf8);
  return out.str();
}

http::response soap(int status, std::string body) {
  return http::response::text(status, std::move(body), "text/xml;charset=UTF-8");
}

http::response fault(std::string_view text) {
  pugi::xml_document doc;
  auto env = doc.append_child("soap:Envelope");
  env.append_attribute("xmlns:soap") = std::string(kSoapEnvelope).c_str();
  auto f = env.append_child("soap:Body").append_child("soap:Fault");
  f.append_child("faultcode").text().set("soap:Client");
  f.append_child("faultstring").text().set(std::string(text).c_str());
  return soap(500, xml_text(doc));
}

// The <return> element of an answer to `operation`, inside its envelope.
pugi::xml_node open_answer(pugi::xml_document& doc, std::string_view operation) {
  auto env = doc.append_child("soap:Envelope");
  env.append_attribute("xmlns:soap") = std::string(kSoapEnvelope).c_str();
  auto op = env.append_child("soap:Body")
                .append_child(("ns2:" + std::string(operation) + "Response").c_str());
  op.append_attribute("xmlns:ns2") = std::string(kNamespace).c_str();
  return op.append_child("return");
}

void put(pugi::xml_node& n, const char* name, std::string_view value) {
  n.append_child(name).text().set(std::string(value).c_str());
}

void head(pugi::xml_node& ret, int code, std::string_view message) {
  put(ret, "errorCode", std::to_string(code));
  put(ret, "errorMessage", message);
}

http::response error_answer(std::string_view operation, int code, std::string_view message) {
  pugi::xml_document doc;
  auto ret = open_answer(doc, operation);
  head(ret, code, message);
  if (operation == "findRDVPointRetraitAcheminement") {
    put(ret, "qualiteReponse", "0");
    put(ret, "wsRequestId", "");
  }
  return soap(200, xml_text(doc));
}

std::string coordinate(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.8f", v);
  return buf;
}

// One PointRetraitAcheminement, members in the order the service writes them.
void write_point(pugi::xml_node parent, const char* element, const point_record& p,
                 int distance_m) {
  auto n = parent.append_child(element);
  put(n, "accesPersonneMobiliteReduite", p.wheelchair ? "true" : "false");
  put(n, "adresse1", p.address1);
  put(n, "adresse2", p.address2);
  put(n, "adresse3", "");
  put(n, "codePostal", p.zip);
  put(n, "congesPartiel", "false");
  put(n, "congesTotal", "false");
  put(n, "coordGeolocalisationLatitude", coordinate(p.latitude));
  put(n, "coordGeolocalisationLongitude", coordinate(p.longitude));
  put(n, "distanceEnMetre", std::to_string(distance_m));
  put(n, "horairesOuvertureDimanche", p.hours[6]);
  put(n, "horairesOuvertureJeudi", p.hours[3]);
  put(n, "horairesOuvertureLundi", p.hours[0]);
  put(n, "horairesOuvertureMardi", p.hours[1]);
  put(n, "horairesOuvertureMercredi", p.hours[2]);
  put(n, "horairesOuvertureSamedi", p.hours[5]);
  put(n, "horairesOuvertureVendredi", p.hours[4]);
  put(n, "identifiant", p.id);
  put(n, "indiceDeLocalisation", p.location_hint);
  put(n, "localite", p.city);
  put(n, "nom", p.name);
  put(n, "periodeActiviteHoraireDeb", "");
  put(n, "periodeActiviteHoraireFin", "");
  put(n, "poidsMaxi", std::to_string(p.max_kg));
  put(n, "typeDePoint", p.type);
  put(n, "codePays", "FR");
  put(n, "langue", "FR");
  put(n, "libellePays", "FRANCE");
  put(n, "loanOfHandlingTool", "false");
  put(n, "parking", "false");
  put(n, "reseau", p.type == "BPR" ? "X00" : "R03");
  put(n, "distributionSort", "");
  put(n, "lotAcheminement", "");
  put(n, "versionPlanTri", "");
}

// 101/102 when a credential is missing, 201 when they do not match the sandbox account.
std::optional<std::pair<int, std::string_view>> account_error(const pugi::xml_node& op) {
  const std::string account = param(op, "accountNumber"), password = param(op, "password");
  if (account.empty()) return std::pair{101, std::string_view("Numéro de compte absent")};
  if (password.empty()) return std::pair{102, std::string_view("Mot de passe absent")};
  if (account != kAccount || password != kPassword)
    return std::pair{201, std::string_view("Identifiant / mot de passe invalide")};
  return std::nullopt;
}

http::response find_points(const pugi::xml_node& op) {
  constexpr std::string_view kOp = "findRDVPointRetraitAcheminement";
  if (auto e = account_error(op)) return error_answer(kOp, e->first, e->second);
  const std::string zip = param(op, "zipCode"), city = param(op, "city"),
                    country = param(op, "countryCode"), weight = param(op, "weight"),
                    date = param(op, "shippingDate"), filter = param(op, "filterRelay"),
                    inter = param(op, "optionInter");
  if (zip.empty()) return error_answer(kOp, 104, "Code postal absent");
  if (city.empty()) return error_answer(kOp, 105, "Ville absente");
  if (country.empty()) return error_answer(kOp, 117, "Code ISO pays manquant");
  if (date.empty()) return error_answer(kOp, 106, "Date estimée de l'envoi absente");
  if (!wire_date_ok(date)) return error_answer(kOp, 122, "Date n'est pas au format JJ/MM/AAAA");
  int grams = 0;
  if (!weight.empty()) {
    if (!digits(weight) || weight.size() > 9)
      return error_answer(kOp, 120, "Poids n'est pas un entier");
    grams = std::stoi(weight);
    if (grams < 1 || grams > 99'999)
      return error_answer(kOp, 121, "Poids n'est pas compris entre 1 et 99999");
  }
  if (!filter.empty() && filter != "0" && filter != "1")
    return error_answer(kOp, 123, "Filtre relais n'est pas 0 ou 1");
  if (country != "FR") {
    if (std::find(std::begin(kAbroad), std::end(kAbroad), country) == std::end(kAbroad))
      return error_answer(kOp, 146, "Pays non éligible à Colissimo Europe");
    return error_answer(kOp, 301, "Pas de point de retrait trouvé");
  }
  if (inter == "1")
    return error_answer(kOp, 203, "Option international non compatible avec le pays");
  const int prefix = zip.size() == 5 && digits(zip) ? std::stoi(zip.substr(0, 3)) : -1;
  if (prefix < 10 || (prefix > 959 && prefix != 980))
    return error_answer(kOp, 125,
                        "Code postal incorrect (non compris entre 01XXX et 95XXX ou 980XX)");
  const auto places = known_places();
  const auto place = std::find_if(places.begin(), places.end(),
                                  [&](const known_place& p) { return p.zip == zip; });
  if (place == places.end()) return error_answer(kOp, 301, "Pas de point de retrait trouvé");

  std::vector<std::pair<int, const point_record*>> found;
  for (const auto& p : point_records()) {
    if (filter == "0" && p.type != "BPR") continue;  // post offices only
    if (grams > p.max_kg * 1000) continue;
    const double d = haversine_m(place->latitude, place->longitude, p.latitude, p.longitude);
    if (d <= kSearchRadiusM) found.emplace_back(static_cast<int>(std::lround(d)), &p);
  }
  if (found.empty()) return error_answer(kOp, 301, "Pas de point de retrait trouvé");
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (found.size() > kMaxPoints) found.resize(kMaxPoints);

  pugi::xml_document doc;
  auto ret = open_answer(doc, kOp);
  head(ret, 0, "Code retour OK");
  for (const auto& [distance, p] : found)
    write_point(ret, "listePointRetraitAcheminement", *p, distance);
  put(ret, "qualiteReponse", "2");
  put(ret, "wsRequestId", param(op, "requestId"));
  put(ret, "rdv", "false");
  return soap(200, xml_text(doc));
}

http::response find_point(const pugi::xml_node& op) {
  constexpr std::string_view kOp = "findPointRetraitAcheminementByID";
  if (auto e = account_error(op)) return error_answer(kOp, e->first, e->second);
  const std::string id = param(op, "id"), date = param(op, "date");
  if (id.empty()) return error_answer(kOp, 107, "Identifiant point de retrait absent");
  if (id.size() != 6 || !digits(id))
    return error_answer(kOp, 124, "Identifiant point de retrait incorrect");
  if (date.empty()) return error_answer(kOp, 106, "Date estimée de l'envoi absente");
  if (!wire_date_ok(date)) return error_answer(kOp, 122, "Date n'est pas au format JJ/MM/AAAA");
  const auto points = point_records();
  const auto p =
      std::find_if(points.begin(), points.end(), [&](const point_record& r) { return r.id == id; });
  if (p == points.end()) return error_answer(kOp, 301, "Pas de point de retrait trouvé");
  pugi::xml_document doc;
  auto ret = open_answer(doc, kOp);
  head(ret, 0, "Code retour OK");
  write_point(ret, "pointRetraitAcheminement", *p, 0);
  return soap(200, xml_text(doc));
}

// The operation element inside the SOAP body; empty when the body is not a SOAP envelope.
pugi::xml_node operation_of(const pugi::xml_document& doc) {
  auto env = doc.document_element();
  if (!env || local_name(env) != "Envelope") return {};
  auto body = child_local(env, "Body");
  for (auto c = body.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) return c;
  return {};
}

}  // namespace

http::response serve_point_retrait(const http::request& request) {
  if (request.method != "POST") {
    auto r = http::response::text(405, "Method Not Allowed");
    r.set("Allow", "POST");
    return r;
  }
  pugi::xml_document doc;
  if (!doc.load_buffer(request.body.data(), request.body.size()))
    return fault("Error reading XMLStreamReader: unexpected character");
  auto op = operation_of(doc);
  if (!op) return fault("No SOAP body found in the message");
  if (local_name(op) == "findRDVPointRetraitAcheminement") return find_points(op);
  if (local_name(op) == "findPointRetraitAcheminementByID") return find_point(op);
  return fault("Unexpected wrapper element " + std::string(op.name()) + " found.");
}

http::response point_retrait_busy(const http::request& request) {
  pugi::xml_document doc;
  std::string_view operation = "findRDVPointRetraitAcheminement";
  if (doc.load_buffer(request.body.data(), request.body.size()))
    if (auto op = operation_of(doc); op && local_name(op) == "findPointRetraitAcheminementByID")
      operation = "findPointRetraitAcheminementByID";
  return error_answer(operation, 1000, "Erreur système (erreur technique)");
}

}  // namespace parcelgate::sim::colissimo
