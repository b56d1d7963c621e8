#include "tools/carrier-sim/mondialrelay/creation_rules.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <regex>

namespace parcelgate::sim::mondialrelay {

namespace {

struct rule {
  std::string_view name;
  const char* pattern;  // regular expression of the WSI documentation
  int stat;             // answered when the value does not match
  bool mandatory;
};

constexpr const char* kAddress = "[0-9A-Z_\\-'., /]";
constexpr const char* kPhone = "^((00|\\+)[1-9]{2}|0)[0-9][0-9]{7,9}$";
constexpr const char* kMail = "^[A-Za-z0-9_\\-.@]{0,70}$";

const std::vector<rule>& rules() {
  static const std::string ad_required = std::string("^") + kAddress + "{2,32}$";
  static const std::string ad_optional = std::string("^") + kAddress + "{0,32}$";
  static const std::string instructions = std::string("^") + kAddress + "{0,31}$";
  static const std::vector<rule> list = {
      {"ModeCol", "^(CCC|CDR|CDS|REL)$", 10, true},
      {"ModeLiv", "^(LCC|LD1|LDS|24R|24L|HOM|DRI|ESP)$", 13, true},
      {"NDossier", "^[0-9A-Z_ -]{0,15}$", 5, false},
      {"NClient", "^[0-9A-Z]{0,9}$", 7, false},
      {"Expe_Langage", "^[A-Z]{2}$", 74, true},
      {"Expe_Ad1", ad_required.c_str(), 30, true},
      {"Expe_Ad2", ad_optional.c_str(), 31, false},
      {"Expe_Ad3", ad_required.c_str(), 33, true},
      {"Expe_Ad4", ad_optional.c_str(), 34, false},
      {"Expe_Ville", "^[A-Z_\\-' 0-9]{2,26}$", 35, true},
      {"Expe_CP", "^[0-9A-Z-]{2,10}$", 36, true},
      {"Expe_Pays", "^[A-Z]{2}$", 37, true},
      {"Expe_Tel1", kPhone, 38, true},
      {"Expe_Tel2", kPhone, 38, false},
      {"Expe_Mail", kMail, 39, false},
      {"Dest_Langage", "^[A-Z]{2}$", 74, true},
      {"Dest_Ad1", ad_required.c_str(), 30, true},
      {"Dest_Ad2", ad_optional.c_str(), 31, false},
      {"Dest_Ad3", ad_required.c_str(), 33, true},
      {"Dest_Ad4", ad_optional.c_str(), 34, false},
      {"Dest_Ville", "^[A-Z_\\-' 0-9]{2,26}$", 35, true},
      {"Dest_CP", "^[0-9A-Z-]{2,10}$", 36, true},
      {"Dest_Pays", "^[A-Z]{2}$", 37, true},
      {"Dest_Tel1", kPhone, 38, false},
      {"Dest_Tel2", kPhone, 38, false},
      {"Dest_Mail", kMail, 39, false},
      {"Poids", "^[0-9]{3,7}$", 20, true},
      {"Longueur", "^[0-9]{0,3}$", 21, false},
      {"Taille", "^(XS|S|M|L|XL|XXL|3XL)$", 22, false},
      {"NbColis", "^[0-9]{1,2}$", 47, true},
      {"CRT_Valeur", "^[0-9]{1,7}$", 42, true},
      {"CRT_Devise", "^(EUR)$", 43, false},
      {"Exp_Valeur", "^[0-9]{0,7}$", 44, false},
      {"Exp_Devise", "^(EUR)$", 45, false},
      {"COL_Rel_Pays", "^[A-Z]{2}$", 12, false},
      {"COL_Rel", "^([0-9]{6}|AUTO)$", 11, false},
      {"LIV_Rel_Pays", "^[A-Z]{2}$", 15, false},
      {"LIV_Rel", "^[0-9]{6}$", 14, false},
      {"TAvisage", "^(O|N)$", 61, false},
      {"TReprise", "^(O|N)$", 66, false},
      {"Montage", "^[0-9]{1,3}$", 26, false},
      {"TRDV", "^(O|N)$", 65, false},
      {"Assurance", "^[0-9A-Z]$", 63, false},
      {"Instructions", instructions.c_str(), 62, false},
  };
  return list;
}

// Compiled once; std::regex matching on a const object is thread-safe.
const std::vector<std::regex>& compiled() {
  static const std::vector<std::regex> out = [] {
    std::vector<std::regex> r;
    for (const auto& x : rules()) r.emplace_back(x.pattern);
    return r;
  }();
  return out;
}

std::string value(const wsi_params& p, std::string_view name) {
  auto it = p.find(name);
  return it == p.end() ? std::string{} : it->second;
}

// Postcode patterns per country (the documentation's per-country zip regexes, simplified).
bool postcode_fits(std::string_view country, const std::string& cp) {
  static const std::regex five("^[0-9]{5}$"), four("^[0-9]{4}$"), nl("^[0-9]{4}[A-Z]{2}$"),
      pt("^[0-9]{4}-[0-9]{3}$"), pl("^[0-9]{2}-[0-9]{3}$");
  if (country == "FR" || country == "MC" || country == "DE" || country == "ES" || country == "IT")
    return std::regex_match(cp, five);
  if (country == "BE" || country == "LU" || country == "AT") return std::regex_match(cp, four);
  if (country == "NL") return std::regex_match(cp, nl);
  if (country == "PT") return std::regex_match(cp, pt);
  if (country == "PL") return std::regex_match(cp, pl);
  return false;
}

// UTF-8 -> ISO-8859-1; '?' for anything that has no Latin-1 byte.
std::string latin1(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < s.size() &&
               (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
      out.push_back(
          static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F)));
      ++i;
    } else {
      int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
      i += static_cast<std::size_t>(extra);
      out.push_back('?');
    }
  }
  return out;
}

}  // namespace

std::string expected_security(const wsi_params& params, std::span<const std::string_view> order,
                              std::string_view private_key) {
  std::string input;
  for (auto name : order)
    if (name != "Security" && name != "Texte") input += latin1(value(params, name));
  input += latin1(private_key);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_md5(), nullptr);
  std::string hex;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0F]);
  }
  return hex;
}

bool served_country(std::string_view country) {
  static constexpr std::array<std::string_view, 11> kServed = {"FR", "MC", "BE", "LU", "NL", "ES",
                                                               "PT", "DE", "AT", "IT", "PL"};
  return std::find(kServed.begin(), kServed.end(), country) != kServed.end();
}

int check_creation(const wsi_params& p) {
  const auto& list = rules();
  std::string mode_col = value(p, "ModeCol"), mode_liv = value(p, "ModeLiv");
  bool relay_delivery = mode_liv == "24R" || mode_liv == "24L";

  // 1. Mandatory parameters, including those a mode makes mandatory.
  for (const auto& r : list)
    if (r.mandatory && value(p, r.name).empty()) return 40;
  if (mode_col == "REL" && (value(p, "COL_Rel").empty() || value(p, "COL_Rel_Pays").empty()))
    return 40;
  if (relay_delivery && (value(p, "LIV_Rel").empty() || value(p, "LIV_Rel_Pays").empty()))
    return 40;
  if (mode_liv == "LDS" && value(p, "Dest_Tel1").empty()) return 40;

  // 2. Formats, in WSDL order; optional parameters are checked only when present.
  const auto& regexes = compiled();
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string v = value(p, list[i].name);
    if (v.empty() && !list[i].mandatory) continue;
    if (!std::regex_match(v, regexes[i])) return list[i].stat;
  }

  // 3. Business rules of the network.
  std::string expe_pays = value(p, "Expe_Pays"), dest_pays = value(p, "Dest_Pays");
  if (!served_country(expe_pays)) return 78;
  if (!served_country(dest_pays)) return 79;
  if (!postcode_fits(expe_pays, value(p, "Expe_CP")) ||
      !postcode_fits(dest_pays, value(p, "Dest_CP")))
    return 36;
  int parcels = std::stoi(value(p, "NbColis"));
  if (parcels < 1) return 47;
  if (parcels > 1 && mode_liv == "24R") return 48;
  if (parcels > 1 && (mode_liv == "HOM" || mode_liv == "LCC")) return 47;
  bool heavy = mode_liv == "LD1" || mode_liv == "LDS";
  if (!heavy && std::stoi(value(p, "Poids")) > 30000) return 20;
  if (mode_col == "REL" && value(p, "COL_Rel") == "000000") return 11;
  if (relay_delivery) {
    if (value(p, "LIV_Rel_Pays") != dest_pays) return 92;
    if (value(p, "LIV_Rel") == "000000") return 70;  // no such relay point in the simulated network
  }

  // 4. Texte is not blocking: the label is still created, with STAT 60.
  static const std::regex texte("^([^<>&']{3,30})(\\(cr\\)[^<>&']{0,30}){0,9}$");
  std::string t = value(p, "Texte");
  if (!t.empty() && !std::regex_match(t, texte)) return 60;
  return 0;
}

}  // namespace parcelgate::sim::mondialrelay
