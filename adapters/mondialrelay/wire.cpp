#include "adapters/mondialrelay/wire.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include <pugixml.hpp>

namespace parcelgate::adapters::mondialrelay {

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes one UTF-8 sequence at `i` (advanced past it); kInvalid for a malformed sequence.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i++);
  if (c < 0x80) return c;
  int extra = (c >= 0xF0 && c < 0xF8) ? 3 : (c >= 0xE0) ? 2 : (c >= 0xC2 && c < 0xE0) ? 1 : -1;
  if (extra < 0 || c >= 0xF8) return kInvalid;
  char32_t cp = c & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    if (i >= s.size() || (byte(i) & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (byte(i++) & 0x3F);
  }
  if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
    return kInvalid;
  return cp;
}

// Base letters of U+00C0..U+00FF and U+0100..U+017F; '#' marks the two-letter ones below.
constexpr std::string_view kLatin1Letters =
    "AAAAAA#CEEEEIIIIDNOOOOOXOUUUUY##aaaaaa#ceeeeiiiidnooooo/ouuuuy#y";
constexpr std::string_view kLatinExtA =
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi##JjKkkLlLlLlLlLlNnNnNnnNnOoOoOo##"
    "RrRrRrSsSsSsSsTtTtTt"
    "UuUuUuUuUuUuWwYyYZzZzZzs";

// ASCII spelling of a non-ASCII code point; empty when none is known.
std::string_view ascii_for(char32_t cp) {
  switch (cp) {
    case 0xC6:
      return "AE";
    case 0xDE:
      return "TH";
    case 0xDF:
      return "ss";
    case 0xE6:
      return "ae";
    case 0xFE:
      return "th";
    case 0x132:
      return "IJ";
    case 0x133:
      return "ij";
    case 0x152:
      return "OE";
    case 0x153:
      return "oe";
    case 0xA0:
    case 0x2009:
    case 0x202F:
      return " ";
    case 0xAB:
    case 0xBB:
    case 0x201C:
    case 0x201D:
    case 0x201E:
      return "\"";
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0xB4:
      return "'";
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
      return "-";
    case 0x2026:
      return "...";
    case 0x20AC:
      return "EUR";
    default:
      break;
  }
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1Letters.substr(cp - 0xC0, 1);
  if (cp >= 0x100 && cp <= 0x17F) return kLatinExtA.substr(cp - 0x100, 1);
  return {};
}

char upper(char c) {
  return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), is_digit);
}

bool allowed(char c, text_class cls) {
  if (is_digit(c) || is_upper(c) || c == ' ' || c == '_' || c == '-') return true;
  switch (cls) {
    case text_class::address:
      return c == '\'' || c == '.' || c == ',' || c == '/';
    case text_class::city:
      return c == '\'';
    case text_class::dossier:
      return false;
  }
  return false;
}

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && s[start] == ' ') ++start;
  return s.substr(start);
}

std::string md5_upper_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_md5(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0F]);
  }
  return out;
}

// Text content of the first descendant element named `local` whatever its namespace prefix.
pugi::xml_node find_local(pugi::xml_node root, std::string_view local) {
  return root.find_node([local](pugi::xml_node n) {
    std::string_view name = n.name();
    auto colon = name.find(':');
    return n.type() == pugi::node_element &&
           (colon == std::string_view::npos ? name : name.substr(colon + 1)) == local;
  });
}

std::string text_of(pugi::xml_node parent, std::string_view local) {
  auto node = find_local(parent, local);
  return node ? trimmed(node.child_value()) : std::string{};
}

error wire_error(error_kind kind, std::string message, std::string code = {},
                 std::string raw = {}) {
  return error{
      kind, std::move(message), {}, std::string(kCarrierId), std::move(code), std::move(raw), 0};
}

// Shared by both operations: HTTP status, XML well-formedness, SOAP faults, the Result element.
result<pugi::xml_node> soap_result(const pugi::xml_document& doc,
                                   const pugi::xml_parse_result& parsed, int http_status,
                                   std::string_view body, std::string_view result_name) {
  if (parsed) {
    if (auto fault = find_local(doc, "Fault")) {
      std::string code = text_of(fault, "faultcode"), text = text_of(fault, "faultstring");
      // soap:Client means the service could not read what we sent: our bug, not the caller's.
      // A soap:Client fault refuses the request as a whole (nothing created); a soap:Server fault
      // may come after the shipment was created: outcome unknown.
      bool client = code.find("Client") != std::string::npos;
      error e = wire_error(client ? error_kind::internal : error_kind::unavailable,
                           "Mondial Relay answered with a SOAP fault", code, text);
      return fail(client ? not_sold(std::move(e)) : std::move(e));
    }
  }
  if (http_status == 429)
    return fail(not_sold(
        wire_error(error_kind::rate_limited, "Mondial Relay is throttling requests", "HTTP 429")));
  if (http_status >= 500)
    // Without a SOAP body this is a proxy's or the server's failure, maybe after the sale.
    return fail(wire_error(error_kind::unavailable, "Mondial Relay is unavailable",
                           "HTTP " + std::to_string(http_status),
                           std::string(body.substr(0, 200))));
  if (http_status == 401 || http_status == 403)
    return fail(wire_error(error_kind::auth_failed, "Mondial Relay refused the connection",
                           "HTTP " + std::to_string(http_status)));
  if (http_status != 200)
    return fail(wire_error(error_kind::bad_gateway, "unexpected HTTP status from Mondial Relay",
                           "HTTP " + std::to_string(http_status),
                           std::string(body.substr(0, 200))));
  if (!parsed)
    return fail(wire_error(error_kind::bad_gateway, "Mondial Relay answered a body that is not XML",
                           "malformed XML", parsed.description()));
  auto node = find_local(doc, result_name);
  if (!node || !find_local(node, "STAT"))
    return fail(wire_error(error_kind::bad_gateway, "Mondial Relay answered without a STAT code",
                           "missing STAT", std::string(body.substr(0, 200))));
  return node;
}

int parse_stat(const std::string& text) {
  if (text.empty() || text.size() > 4 || !all_digits(text)) return -1;
  return std::stoi(text);
}

}  // namespace

// ---- text ---------------------------------------------------------------------------------------

std::string to_latin1(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp = next_code_point(utf8, i);
    if (cp == kInvalid) {
      out.push_back('?');
    } else if (cp <= 0xFF) {
      out.push_back(static_cast<char>(cp));
    } else if (auto ascii = ascii_for(cp); !ascii.empty()) {
      out.append(ascii);
    } else {
      out.push_back('?');
    }
  }
  return out;
}

std::string to_mr_text(std::string_view utf8, text_class cls, std::size_t max_len) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp = next_code_point(utf8, i);
    std::string_view ascii;
    char single = 0;
    if (cp < 0x80) {
      single = static_cast<char>(cp);
      ascii = std::string_view(&single, 1);
    } else if (cp != kInvalid) {
      ascii = ascii_for(cp);
    }
    if (ascii.empty()) ascii = " ";
    for (char c : ascii) {
      c = upper(c);
      if (c == '\t' || c == '\n' || c == '\r' || !allowed(c, cls)) c = ' ';
      if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
      out.push_back(c);
    }
  }
  out = trimmed(std::move(out));
  if (out.size() > max_len) out = trimmed(out.substr(0, max_len));
  return out;
}

std::optional<std::string> normalize_postcode(std::string_view country, std::string_view postcode) {
  std::string p;
  for (char c : postcode)
    if (c != ' ') p.push_back(upper(c));
  auto digits = [&](std::size_t n) { return p.size() == n && all_digits(p); };
  if (country == "FR" || country == "MC" || country == "DE" || country == "ES" || country == "IT") {
    if (digits(5)) return p;
  } else if (country == "BE" || country == "LU" || country == "AT") {
    if (p.starts_with("L-")) p.erase(0, 2);  // Luxembourg postcodes are often written L-1234
    if (digits(4)) return p;
  } else if (country == "NL") {
    if (p.size() == 6 && all_digits(p.substr(0, 4)) && is_upper(p[4]) && is_upper(p[5])) return p;
  } else if (country == "PT") {
    if (p.size() == 8 && p[4] == '-' && all_digits(p.substr(0, 4)) && all_digits(p.substr(5)))
      return p;
    if (digits(7)) return p.substr(0, 4) + "-" + p.substr(4);
  } else if (country == "PL") {
    if (p.size() == 6 && p[2] == '-' && all_digits(p.substr(0, 2)) && all_digits(p.substr(3)))
      return p;
    if (digits(5)) return p.substr(0, 2) + "-" + p.substr(2);
  } else if (p.size() >= 2 && p.size() <= 10 &&
             std::all_of(p.begin(), p.end(), [](char c) { return is_digit(c) || is_upper(c); })) {
    return p;
  }
  return std::nullopt;
}

std::optional<std::string> normalize_phone(std::string_view phone) {
  std::string p;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (phone.substr(i, 3) == "(0)") {
      i += 2;  // "+33 (0)6 ..." -> "+336..."
    } else if (is_digit(c) || (c == '+' && p.empty())) {
      p.push_back(c);
    } else if (c != ' ' && c != '.' && c != '-' && c != '/' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  std::string_view rest = p;
  if (rest.starts_with("+") || rest.starts_with("00")) {
    rest.remove_prefix(rest.starts_with("+") ? 1 : 2);
    if (rest.size() < 2 || rest[0] == '0' || rest[1] == '0') return std::nullopt;
    rest.remove_prefix(2);
  } else if (rest.starts_with("0")) {
    rest.remove_prefix(1);
  } else {
    return std::nullopt;
  }
  if (rest.size() < 8 || rest.size() > 10) return std::nullopt;
  return p;
}

std::optional<std::string> normalize_email(std::string_view email) {
  if (email.size() > 70) return std::nullopt;
  for (char c : email) {
    bool word = is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z') || c == '_';
    if (!word && c != '-' && c != '.' && c != '@') return std::nullopt;
  }
  return std::string(email);
}

std::string_view language_for(std::string_view country) noexcept {
  if (country == "FR" || country == "BE" || country == "LU" || country == "MC") return "FR";
  if (country == "ES") return "ES";
  if (country == "NL") return "NL";
  if (country == "DE" || country == "AT") return "DE";
  if (country == "IT") return "IT";
  if (country == "PT") return "PT";
  if (country == "PL") return "PL";
  return "EN";
}

// ---- Security -----------------------------------------------------------------------------------

std::string security_hash(const std::vector<std::string_view>& values,
                          std::string_view private_key) {
  std::string input;
  for (auto v : values) input += to_latin1(v);
  input += to_latin1(private_key);
  return md5_upper_hex(input);
}

std::string security_for(const param_list& params, std::string_view private_key) {
  std::vector<std::string_view> values;
  for (const auto& p : params)
    if (p.name != "Security" && p.name != "Texte") values.push_back(p.value);
  return security_hash(values, private_key);
}

// ---- WSI2_CreationEtiquette ---------------------------------------------------------------------

std::string dossier_for(std::string_view shipment_id) {
  if (shipment_id.starts_with("shp_")) shipment_id.remove_prefix(4);
  return to_mr_text(shipment_id, text_class::dossier, kMaxDossier);
}

std::string client_reference_for(std::string_view reference) {
  std::string out;
  for (char c : to_mr_text(reference, text_class::dossier, std::string::npos))
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) out.push_back(c);
  if (out.size() > kMaxClientReference) out.erase(0, out.size() - kMaxClientReference);
  return out;
}

param_list build_creation_params(const shipment_request& request, const delivery_plan& plan,
                                 const account& acct) {
  auto side = [](const address& a, std::string& ad1, std::string& ad2) {
    ad1 = to_mr_text(a.name.empty() ? a.company : a.name, text_class::address, kMaxAddressLine);
    ad2 = a.name.empty() ? std::string{}
                         : to_mr_text(a.company, text_class::address, kMaxAddressLine);
  };
  std::string expe_ad1, expe_ad2, dest_ad1, dest_ad2;
  side(request.from, expe_ad1, expe_ad2);
  side(request.to, dest_ad1, dest_ad2);

  int grams = 0, longest_mm = 0;
  for (const auto& p : request.parcels) {
    grams += p.weight_g;
    if (p.dimensions_mm)
      longest_mm = std::max(
          {longest_mm, p.dimensions_mm->length, p.dimensions_mm->width, p.dimensions_mm->height});
  }
  grams = std::max(grams, kMinWeightG);
  std::string longueur = longest_mm > 0 ? std::to_string((longest_mm + 9) / 10) : std::string{};

  auto line = [](const std::string& text) {
    return to_mr_text(text, text_class::address, kMaxAddressLine);
  };
  auto city = [](const std::string& text) { return to_mr_text(text, text_class::city, kMaxCity); };
  auto cp = [](const address& a) {
    return normalize_postcode(a.country, a.postal_code).value_or(a.postal_code);
  };
  auto tel = [](const std::string& t) { return normalize_phone(t).value_or(std::string{}); };
  auto mail = [](const std::string& m) { return normalize_email(m).value_or(std::string{}); };

  param_list params = {
      {"Enseigne", acct.enseigne},
      {"ModeCol", plan.mode_col},
      {"ModeLiv", plan.mode_liv},
      {"NDossier", dossier_for(request.shipment_id)},
      {"NClient", client_reference_for(request.reference)},
      {"Expe_Langage", std::string(language_for(request.from.country))},
      {"Expe_Ad1", expe_ad1},
      {"Expe_Ad2", expe_ad2},
      {"Expe_Ad3", line(request.from.line1)},
      {"Expe_Ad4", line(request.from.line2)},
      {"Expe_Ville", city(request.from.city)},
      {"Expe_CP", cp(request.from)},
      {"Expe_Pays", request.from.country},
      {"Expe_Tel1", tel(request.from.phone)},
      {"Expe_Tel2", ""},
      {"Expe_Mail", mail(request.from.email)},
      {"Dest_Langage", std::string(language_for(request.to.country))},
      {"Dest_Ad1", dest_ad1},
      {"Dest_Ad2", dest_ad2},
      {"Dest_Ad3", line(request.to.line1)},
      {"Dest_Ad4", line(request.to.line2)},
      {"Dest_Ville", city(request.to.city)},
      {"Dest_CP", cp(request.to)},
      {"Dest_Pays", request.to.country},
      {"Dest_Tel1", tel(request.to.phone)},
      {"Dest_Tel2", ""},
      {"Dest_Mail", mail(request.to.email)},
      {"Poids", std::to_string(grams)},
      {"Longueur", longueur},
      {"Taille", ""},
      {"NbColis", std::to_string(plan.nb_colis)},
      {"CRT_Valeur", "0"},
      {"CRT_Devise", "EUR"},
      {"Exp_Valeur", ""},
      {"Exp_Devise", "EUR"},
      {"COL_Rel_Pays", plan.col_rel_pays},
      {"COL_Rel", plan.col_rel},
      {"LIV_Rel_Pays", plan.liv_rel_pays},
      {"LIV_Rel", plan.liv_rel},
      {"TAvisage", ""},
      {"TReprise", ""},
      {"Montage", ""},
      {"TRDV", ""},
      {"Assurance", ""},
      {"Instructions", ""},
  };
  params.push_back({"Security", security_for(params, acct.private_key)});
  return params;
}

std::string build_envelope(std::string_view operation, const param_list& params) {
  pugi::xml_document doc;
  auto envelope = doc.append_child("soap:Envelope");
  envelope.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
  envelope.append_attribute("xmlns:xsd") = "http://www.w3.org/2001/XMLSchema";
  envelope.append_attribute("xmlns:soap") = std::string(kSoapEnvelopeNamespace).c_str();
  auto op = envelope.append_child("soap:Body").append_child(std::string(operation).c_str());
  op.append_attribute("xmlns") = std::string(kSoapNamespace).c_str();
  for (const auto& p : params) op.append_child(p.name.c_str()).text().set(p.value.c_str());
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
  doc.save(out, "",
           pugi::format_raw | pugi::format_no_declaration | pugi::format_no_empty_element_tags,
           pugi::encoding_utf8);
  return out.str();
}

std::string soap_action(std::string_view operation) {
  return "\"" + std::string(kSoapNamespace) + std::string(operation) + "\"";
}

result<creation_response> parse_creation_response(int http_status, std::string_view body) {
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(body.data(), body.size());
  auto node = soap_result(doc, parsed, http_status, body, "WSI2_CreationEtiquetteResult");
  if (!node) return fail(std::move(node.error()));
  creation_response out;
  std::string stat = text_of(*node, "STAT");
  out.stat = parse_stat(stat);
  if (out.stat < 0)
    return fail(wire_error(error_kind::bad_gateway, "Mondial Relay answered an unreadable STAT",
                           "STAT " + stat));
  out.expedition_num = text_of(*node, "ExpeditionNum");
  out.url_etiquette = text_of(*node, "URL_Etiquette");
  if (creation_succeeded(out.stat) &&
      (out.expedition_num.size() != 8 || !all_digits(out.expedition_num) ||
       out.url_etiquette.empty()))
    return fail(wire_error(
        error_kind::bad_gateway,
        "Mondial Relay reported success without an 8-digit ExpeditionNum and a label URL",
        "STAT " + stat, out.expedition_num));
  return out;
}

bool creation_succeeded(int stat) noexcept {
  return stat == 0 || stat == 60;
}

// ---- label download -----------------------------------------------------------------------------

label_size printed_size(std::string_view sticker_format) noexcept {
  return sticker_format == "A4" ? label_size::a4 : label_size::in4x6;
}

std::string_view sticker_format(label_size size) noexcept {
  return size == label_size::a4 ? "A4" : "10x15";
}

std::string label_url(std::string_view label_base_url, std::string_view url_etiquette,
                      std::string_view format) {
  std::string url;
  if (url_etiquette.starts_with("http://") || url_etiquette.starts_with("https://")) {
    url = url_etiquette;
  } else {
    while (label_base_url.ends_with('/')) label_base_url.remove_suffix(1);
    url = std::string(label_base_url);
    if (!url_etiquette.starts_with('/')) url.push_back('/');
    url += url_etiquette;
  }
  auto q = url.find('?');
  if (q == std::string::npos) return url + "?format=" + std::string(format);
  for (std::size_t pos = q + 1; pos < url.size();) {
    std::size_t end = url.find('&', pos);
    if (end == std::string::npos) end = url.size();
    if (std::string_view(url).substr(pos, end - pos).starts_with("format=")) {
      url.replace(pos + 7, end - pos - 7, format);
      return url;
    }
    pos = end + 1;
  }
  return url + "&format=" + std::string(format);
}

std::string tracking_url(std::string_view expedition, std::string_view postcode) {
  std::string url =
      "https://www.mondialrelay.fr/suivi-de-colis?numeroExpedition=" + std::string(expedition);
  if (!postcode.empty()) url += "&codePostal=" + std::string(postcode);
  return url;
}

// ---- WSI2_TracingColisDetaille ------------------------------------------------------------------

param_list build_tracing_params(const account& acct, std::string_view expedition,
                                std::string_view language) {
  param_list params = {{"Enseigne", acct.enseigne},
                       {"Expedition", std::string(expedition)},
                       {"Langue", std::string(language)}};
  params.push_back({"Security", security_for(params, acct.private_key)});
  return params;
}

result<tracing_response> parse_tracing_response(int http_status, std::string_view body) {
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(body.data(), body.size());
  auto node = soap_result(doc, parsed, http_status, body, "WSI2_TracingColisDetailleResult");
  if (!node) return fail(std::move(node.error()));
  tracing_response out;
  std::string stat = text_of(*node, "STAT");
  out.stat = parse_stat(stat);
  if (out.stat < 0)
    return fail(wire_error(error_kind::bad_gateway, "Mondial Relay answered an unreadable STAT",
                           "STAT " + stat));
  // Direct children only: Relais_Num also appears inside every tracing step.
  auto child = [&](const char* name) { return trimmed(node->child(name).child_value()); };
  out.summary = child("Libelle01");
  out.relay_label = child("Relais_Libelle");
  out.relay_num = child("Relais_Num");
  for (auto step : node->child("Tracing").children("ret_WSI2_sub_TracingColisDetaille")) {
    tracing_step s{trimmed(step.child("Libelle").child_value()),
                   trimmed(step.child("Date").child_value()),
                   trimmed(step.child("Heure").child_value()),
                   trimmed(step.child("Emplacement").child_value()),
                   trimmed(step.child("Relais_Num").child_value()),
                   trimmed(step.child("Relais_Pays").child_value())};
    if (!s.label.empty() || !s.date.empty())
      out.steps.push_back(std::move(s));  // skip padding entries
  }
  return out;
}

// ---- WSI4_PointRelais_Recherche -----------------------------------------------------------------

namespace {

// Direct child by local name (the answer uses the default namespace, but a prefix is harmless).
pugi::xml_node child_local(pugi::xml_node parent, std::string_view local) {
  for (auto c : parent.children()) {
    std::string_view name = c.name();
    auto colon = name.find(':');
    if (c.type() == pugi::node_element &&
        (colon == std::string_view::npos ? name : name.substr(colon + 1)) == local)
      return c;
  }
  return {};
}

std::string child_text(pugi::xml_node parent, std::string_view local) {
  return trimmed(child_local(parent, local).child_value());
}

constexpr std::array<std::string_view, 7> kHoursElements = {
    "Horaires_Lundi",    "Horaires_Mardi",  "Horaires_Mercredi", "Horaires_Jeudi",
    "Horaires_Vendredi", "Horaires_Samedi", "Horaires_Dimanche"};

}  // namespace

result<point_search_response> parse_point_search_response(int http_status, std::string_view body) {
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(body.data(), body.size());
  auto node = soap_result(doc, parsed, http_status, body, "WSI4_PointRelais_RechercheResult");
  if (!node) return fail(std::move(node.error()));
  point_search_response out;
  // The top-level STAT only: every PointRelais_Details carries an empty STAT of its own.
  std::string stat = child_text(*node, "STAT");
  out.stat = parse_stat(stat);
  if (out.stat < 0)
    return fail(wire_error(error_kind::bad_gateway, "Mondial Relay answered an unreadable STAT",
                           "STAT " + stat));
  for (auto p : child_local(*node, "PointsRelais").children()) {
    std::string_view name = p.name();
    if (p.type() != pugi::node_element || !name.ends_with("PointRelais_Details")) continue;
    relay_point_details d;
    d.num = child_text(p, "Num");
    d.name1 = child_text(p, "LgAdr1");
    d.name2 = child_text(p, "LgAdr2");
    d.line3 = child_text(p, "LgAdr3");
    d.line4 = child_text(p, "LgAdr4");
    d.postcode = child_text(p, "CP");
    d.city = child_text(p, "Ville");
    d.country = child_text(p, "Pays");
    d.location1 = child_text(p, "Localisation1");
    d.location2 = child_text(p, "Localisation2");
    d.latitude = child_text(p, "Latitude");
    d.longitude = child_text(p, "Longitude");
    d.activity_type = child_text(p, "TypeActivite");
    d.information = child_text(p, "Information");
    d.distance = child_text(p, "Distance");
    for (std::size_t day = 0; day < kHoursElements.size(); ++day)
      for (auto v : child_local(p, kHoursElements[day]).children())
        if (v.type() == pugi::node_element) d.hours[day].push_back(trimmed(v.child_value()));
    out.points.push_back(std::move(d));
  }
  return out;
}

}  // namespace parcelgate::adapters::mondialrelay
