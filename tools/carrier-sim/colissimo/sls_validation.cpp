// The Colissimo sandbox's checks of a generateLabel body, with the SLS message ids the real
// service uses (public sources in adapters/colissimo/README.md). Message texts are the
// simulator's own French wording.

#include "tools/carrier-sim/colissimo/sls_validation.hpp"

#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "gateway/domain/time_zone.hpp"

namespace parcelgate::sim::colissimo {

namespace {

namespace json = boost::json;

// What the sandbox contract sells.
constexpr product kContractProducts[] = {
    {"DOM", "6A", product_kind::home, 30},
    {"DOS", "6C", product_kind::home, 30},
    {"A2P", "6M", product_kind::relay, 20},
    {"BPR", "6H", product_kind::relay, 30},
    {"CORE", "8R", product_kind::return_domestic, 30},
    {"CORI", "7R", product_kind::return_abroad, 30},
};
// Real Colissimo products this sandbox contract does not include (answered with 30700).
constexpr std::string_view kOtherProducts[] = {"COLD", "COL", "CECO", "COLR", "J+1",  "CORF", "COM",
                                               "CDS",  "ECO", "ECOS", "COLI", "ACCI", "CMT",  "BDP",
                                               "PCS",  "CDI", "ACP",  "HD",   "BOS",  "BOM"};
constexpr std::string_view kEu[] = {"FR", "MC", "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE",
                                    "ES", "FI", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
                                    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"};
constexpr std::string_view kDomCountries[] = {"FR", "MC", "BE"};
constexpr std::string_view kCoriOrigins[] = {"AT", "BE", "CZ", "DE", "DK", "EE", "ES", "FI",
                                             "GR", "HR", "HU", "IE", "IT", "LT", "LU", "MT",
                                             "NL", "PL", "PT", "RO", "SE", "SI", "SK"};

template <std::size_t N>
bool in(const std::string_view (&list)[N], std::string_view v) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// '9' = digit, 'A' = letter, anything else literal.
bool shaped(std::string_view s, std::string_view pattern) {
  if (s.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i], p = pattern[i];
    const bool ok = p == '9'   ? (c >= '0' && c <= '9')
                    : p == 'A' ? ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
                               : c == p;
    if (!ok) return false;
  }
  return true;
}

bool postal_code_fits(std::string_view country, std::string_view zip) {
  struct rule {
    std::string_view countries, patterns;  // space-separated countries, '|'-separated patterns
  };
  static constexpr rule kRules[] = {
      {"FR MC DE ES IT FI EE HR", "99999"},
      {"BE LU AT DK HU SI BG CY", "9999"},
      {"NL", "9999AA|9999 AA"},
      {"PT", "9999-999"},
      {"PL", "99-999"},
      {"CZ SK SE GR", "999 99|99999"},
      {"LT", "99999|LT-99999"},
      {"LV", "LV-9999"},
      {"MT", "AAA 9999|AAA9999"},
      {"RO", "999999"},
  };
  for (const auto& r : kRules) {
    if (country.size() != 2 || r.countries.find(country) == std::string_view::npos) continue;
    for (std::string_view rest = r.patterns; !rest.empty();) {
      const auto bar = rest.find('|');
      if (shaped(zip, rest.substr(0, bar))) return true;
      rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
    }
    return false;
  }
  return !zip.empty();  // IE (Eircode) and others: presence only
}

void check_zip(const std::string& country, const std::string& zip, int missing_id,
               std::vector<sls_error>& errors, const std::string& who) {
  if (zip.empty()) return errors.push_back({missing_id, "Code postal " + who + " absent."});
  if (!postal_code_fits(country, zip))
    return errors.push_back({missing_id + 1, "Code postal " + who + " invalide."});
  if ((country == "FR" && zip.starts_with("980")) || (country == "MC" && !zip.starts_with("980")))
    errors.push_back({missing_id + 2, "Code postal " + who + " incohérent avec le pays."});
}

bool mobile_ok(std::string_view m) {
  if (m.size() == 10 && m[0] == '0' && (m[1] == '6' || m[1] == '7') && digits(m)) return true;
  if (m.starts_with("+33"))
    return m.size() == 12 && (m[3] == '6' || m[3] == '7') && digits(m.substr(1));
  return m.starts_with("+") && m.size() >= 9 && m.size() <= 12 && digits(m.substr(1));
}

// SLS compares the deposit date with the current date in France, not in UTC.
std::string today_in_france() {
  static const time_zone france = [] {
    auto zone = time_zone::load("Europe/Paris");
    if (!zone) {
      std::fprintf(stderr, "carrier-sim: %s\n", zone.error().message.c_str());
      std::exit(1);
    }
    return std::move(*zone);
  }();
  return france.local_iso_date(std::chrono::system_clock::now());
}

}  // namespace

const json::object* child(const json::object* o, std::string_view key) {
  const json::value* v = o ? o->if_contains(key) : nullptr;
  return v && v->is_object() ? &v->get_object() : nullptr;
}

std::string text(const json::object* o, std::string_view key) {
  const json::value* v = o ? o->if_contains(key) : nullptr;
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

std::optional<double> number(const json::object* o, std::string_view key) {
  const json::value* v = o ? o->if_contains(key) : nullptr;
  if (!v) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_string() && !v->get_string().empty()) {
    const std::string s(v->get_string());
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str() + s.size()) return d;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::optional<printing> printing_of(std::string_view type) {
  if (type == "PDF_10x15_300dpi") return printing{label_format::pdf, label_size::in4x6};
  if (type == "PDF_A4_300dpi") return printing{label_format::pdf, label_size::a4};
  if (type == "ZPL_10x15_203dpi" || type == "ZPL_10x15_300dpi")
    return printing{label_format::zpl, label_size::in4x6};
  return std::nullopt;  // DPL, 10x10, 10x12: real printing types the sandbox does not render
}

const product* validate_generate_label(const json::object& root, std::vector<sls_error>& errors) {
  auto err = [&errors](int id, std::string content) { errors.push_back({id, std::move(content)}); };
  const json::object* letter = child(&root, "letter");
  const json::object* service = child(letter, "service");
  const json::object* parcel = child(letter, "parcel");
  const json::object* from = child(child(letter, "sender"), "address");
  const json::object* to = child(child(letter, "addressee"), "address");

  const std::string printing_type = text(child(&root, "outputFormat"), "outputPrintingType");
  if (printing_type.empty())
    err(30025, "Type d'impression absent.");
  else if (!printing_of(printing_type))
    err(30026, "Type d'impression non reconnu par le bac à sable.");

  const std::string code = text(service, "productCode");
  const product* p = nullptr;
  for (const auto& candidate : kContractProducts)
    if (candidate.code == code) p = &candidate;
  if (code.empty())
    err(30014, "Code produit absent.");
  else if (!p && in(kOtherProducts, code))
    err(30700, "Ce produit ne figure pas dans votre contrat.");
  else if (!p)
    err(30015, "Code produit inconnu.");

  const std::string deposit = text(service, "depositDate");
  if (deposit.size() != 10 || deposit[4] != '-' || deposit[7] != '-')
    err(30010, "Date de dépôt absente ou illisible.");
  else if (deposit < today_in_france())
    err(30002, "La date de dépôt ne peut pas précéder la date du jour.");
  if (p && p->kind == product_kind::relay && text(service, "commercialName").empty())
    err(30018, "Nom commercial absent.");

  const std::string from_country = text(from, "countryCode"), to_country = text(to, "countryCode");
  if (text(from, "companyName").empty() && text(from, "lastName").empty())
    err(30065, "Nom de l'expéditeur absent.");
  if (text(from, "line2").empty()) err(30100, "Voie de l'expéditeur absente.");
  if (from_country.empty())
    err(30102, "Pays de l'expéditeur absent.");
  else if (!shaped(from_country, "AA"))
    err(30103, "Pays de l'expéditeur invalide.");
  if (text(from, "city").empty()) err(30104, "Ville de l'expéditeur absente.");
  check_zip(from_country, text(from, "zipCode"), 30106, errors, "de l'expéditeur");

  if (text(to, "companyName").empty() && text(to, "lastName").empty())
    err(30200, "Nom du destinataire absent.");
  if (text(to, "line2").empty()) err(30204, "Voie du destinataire absente.");
  if (to_country.empty())
    err(30206, "Pays du destinataire absent.");
  else if (!shaped(to_country, "AA"))
    err(30207, "Pays du destinataire invalide.");
  if (text(to, "city").empty()) err(30208, "Ville du destinataire absente.");
  check_zip(to_country, text(to, "zipCode"), 30210, errors, "du destinataire");
  const std::string email = text(to, "email");
  const auto at = email.find('@');
  if (!email.empty() && (at == std::string::npos || email.find('.', at) == std::string::npos))
    err(30223, "Courriel du destinataire invalide.");

  const auto weight = number(parcel, "weight");
  if (!weight)
    err(30300, "Poids du colis absent.");
  else if (!(*weight > 0) || (p && *weight > p->max_kg))
    err(30301, "Poids du colis invalide pour ce produit.");

  if (!p) return nullptr;
  const bool sender_known = shaped(from_country, "AA"), addressee_known = shaped(to_country, "AA");
  const bool domestic_sender = from_country == "FR" || from_country == "MC";
  const bool domestic_addressee = to_country == "FR" || to_country == "MC";
  auto wrong_sender = [&] {
    err(30109, "Pays ou code postal de l'expéditeur incompatible avec le produit.");
  };
  auto wrong_addressee = [&] {
    err(30213, "Pays ou code postal du destinataire incompatible avec le produit.");
  };
  switch (p->kind) {
    case product_kind::home:
      if (sender_known && !domestic_sender) wrong_sender();
      if (addressee_known &&
          !(p->code == "DOM" ? in(kDomCountries, to_country) : in(kEu, to_country)))
        wrong_addressee();
      break;
    case product_kind::relay: {
      if (sender_known && !domestic_sender) wrong_sender();
      if (addressee_known && !domestic_addressee) wrong_addressee();
      const std::string point = text(parcel, "pickupLocationId");
      if (point.empty())
        err(30400, "Identifiant du point de retrait absent.");
      else if (point.size() != 6 || !digits(point))
        err(30401, "Identifiant du point de retrait invalide.");
      const std::string mobile = text(to, "mobileNumber");
      if (mobile.empty())
        err(30220, "Portable du destinataire absent.");
      else if (!mobile_ok(mobile))
        err(30221, "Portable du destinataire invalide.");
      break;
    }
    case product_kind::return_domestic:
      if (sender_known && !domestic_sender) wrong_sender();
      if (addressee_known && !domestic_addressee) wrong_addressee();
      break;
    case product_kind::return_abroad:
      if (sender_known && !in(kCoriOrigins, from_country))
        err(40012, "Pays non ouvert au retour international.");
      if (addressee_known && !domestic_addressee) wrong_addressee();
      break;
  }
  return p;
}

}  // namespace parcelgate::sim::colissimo
