#pragma once
// Mondial Relay "WSI" SOAP web service (api.mondialrelay.com/Web_Services.asmx): pure request
// builders and response parsers for WSI2_CreationEtiquette and WSI2_TracingColisDetaille, the raw
// answer of WSI4_PointRelais_Recherche (its mapping to collection points is points.hpp), the
// Security hash, the text rules the service enforces, and the STAT / tracking code tables.
//
// Everything here is a pure function of its arguments: no I/O, no global state, thread-safe.
// Wire facts and their public sources are listed in adapters/mondialrelay/README.md.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"
#include "gateway/domain/tracking.hpp"

namespace parcelgate::adapters::mondialrelay {

inline constexpr std::string_view kCarrierId = "mondialrelay";
inline constexpr std::string_view kSoapNamespace = "http://www.mondialrelay.fr/webservice/";
inline constexpr std::string_view kSoapEnvelopeNamespace =
    "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kSoapPath = "/Web_Services.asmx";
inline constexpr std::string_view kCreationOperation = "WSI2_CreationEtiquette";
inline constexpr std::string_view kTracingOperation = "WSI2_TracingColisDetaille";

// Parameters of WSI2_CreationEtiquette in WSDL order. The Security hash covers every one of them
// except Security itself and Texte (free text, the last element).
inline constexpr std::array<std::string_view, 46> kCreationParams = {
    "Enseigne",  "ModeCol",      "ModeLiv",      "NDossier",   "NClient",      "Expe_Langage",
    "Expe_Ad1",  "Expe_Ad2",     "Expe_Ad3",     "Expe_Ad4",   "Expe_Ville",   "Expe_CP",
    "Expe_Pays", "Expe_Tel1",    "Expe_Tel2",    "Expe_Mail",  "Dest_Langage", "Dest_Ad1",
    "Dest_Ad2",  "Dest_Ad3",     "Dest_Ad4",     "Dest_Ville", "Dest_CP",      "Dest_Pays",
    "Dest_Tel1", "Dest_Tel2",    "Dest_Mail",    "Poids",      "Longueur",     "Taille",
    "NbColis",   "CRT_Valeur",   "CRT_Devise",   "Exp_Valeur", "Exp_Devise",   "COL_Rel_Pays",
    "COL_Rel",   "LIV_Rel_Pays", "LIV_Rel",      "TAvisage",   "TReprise",     "Montage",
    "TRDV",      "Assurance",    "Instructions", "Security"};
// Texte follows Security in the WSDL; this adapter never sends it.

// Parameters of WSI2_TracingColisDetaille in WSDL order.
inline constexpr std::array<std::string_view, 4> kTracingParams = {"Enseigne", "Expedition",
                                                                   "Langue", "Security"};

// Field lengths the service accepts (WSI documentation regexes, see README).
inline constexpr std::size_t kMaxAddressLine = 32;  // Ad1..Ad4
inline constexpr std::size_t kMaxCity = 26;
inline constexpr std::size_t kMaxDossier = 15;         // NDossier
inline constexpr std::size_t kMaxClientReference = 9;  // NClient
inline constexpr int kMinWeightG = 100;                // Poids: 3 to 7 digits
inline constexpr int kMaxWeightDigitsG = 9'999'999;

struct soap_param {
  std::string name;
  std::string value;
};
using param_list = std::vector<soap_param>;  // in wire order

// ---- text ---------------------------------------------------------------------------------------

// UTF-8 -> ISO-8859-1 bytes. Code points above U+00FF are transliterated to ASCII ("Œ" -> "OE",
// "’" -> "'", "€" -> "EUR"); anything else, and invalid UTF-8, becomes '?'.
std::string to_latin1(std::string_view utf8);

// Character sets of the WSI regexes.
enum class text_class {
  address,  // [0-9A-Z_\-'., /]  (Ad1..Ad4)
  city,     // [0-9A-Z_\-' ]
  dossier,  // [0-9A-Z_ -]      (NDossier)
};

// The form Mondial Relay requires for free text: accents stripped, uppercase ASCII, characters
// outside `cls` replaced by spaces, runs of spaces collapsed, trimmed, then cut to `max_len`.
// The result is plain ASCII, so its Latin-1 and UTF-8 encodings are the same bytes.
std::string to_mr_text(std::string_view utf8, text_class cls, std::size_t max_len);

// Postcode in the form the service validates ("75011", "1000", "1012AB"); nullopt when the
// postcode does not fit the country's pattern.
std::optional<std::string> normalize_postcode(std::string_view country, std::string_view postcode);

// Phone number as accepted by Expe_Tel1/Dest_Tel1 (^((00|\+)[1-9]{2}|0)[0-9]{8,10}$), separators
// and a "(0)" trunk prefix removed; nullopt when it cannot match.
std::optional<std::string> normalize_phone(std::string_view phone);

// E-mail as accepted by Expe_Mail/Dest_Mail ([\w\-.@]{0,70}); nullopt when it does not fit.
std::optional<std::string> normalize_email(std::string_view email);

// Language parameter (Expe_Langage/Dest_Langage) for an address country.
std::string_view language_for(std::string_view country) noexcept;

// ---- Security -----------------------------------------------------------------------------------

// Uppercase hex MD5 (OpenSSL EVP) of Latin-1(values[0] + values[1] + ... + private_key).
std::string security_hash(const std::vector<std::string_view>& values,
                          std::string_view private_key);

// Security of a parameter list: every value in list order except Security and Texte.
std::string security_for(const param_list& params, std::string_view private_key);

// ---- WSI2_CreationEtiquette ---------------------------------------------------------------------

// The modes chosen for one shipment (see README "Modes").
struct delivery_plan {
  std::string mode_col;      // CCC | REL
  std::string mode_liv;      // HOM | 24R | 24L | LCC | LD1 | LDS
  std::string col_rel_pays;  // REL: sender country
  std::string col_rel;       // REL: "AUTO" (any relay chosen by the sender)
  std::string liv_rel_pays;  // 24R/24L: relay country
  std::string liv_rel;       // 24R/24L: 6-digit relay number
  int nb_colis = 1;
  bool relay_delivery() const noexcept { return mode_liv == "24R" || mode_liv == "24L"; }
};

struct account {
  std::string enseigne;
  std::string private_key;
};

// NDossier for our shipment id: "shp_0a1b..." -> "0A1B..." (at most 15 characters).
std::string dossier_for(std::string_view shipment_id);

// NClient ([0-9A-Z]{0,9}) for the merchant's reference: transliterated, uppercased, letters and
// digits only, and when longer its last 9 characters (order numbers differ at the end):
// "order-1042" -> "ORDER1042", "Cde 2026/000123" -> "026000123". Empty for an empty reference.
// NDossier keeps our shipment id, the unique key a sale is reconciled by.
std::string client_reference_for(std::string_view reference);

// The complete parameter list, Security included, for a request that passed the adapter's
// validate(). Values are already in the form sent on the wire (and hashed).
param_list build_creation_params(const shipment_request& request, const delivery_plan& plan,
                                 const account& acct);

// SOAP 1.1 envelope `<soap:Envelope><soap:Body><Operation xmlns="...">params</Operation>...`.
std::string build_envelope(std::string_view operation, const param_list& params);

// Value of the SOAPAction header: the quoted operation URI, as ASP.NET clients send it.
std::string soap_action(std::string_view operation);

struct creation_response {
  int stat = -1;
  std::string expedition_num;  // 8 digits on success
  std::string url_etiquette;   // relative: "/ww2/PDF/StickerMaker2.aspx?ens=...&format=A4&crc=..."
};

// Parses the HTTP answer to WSI2_CreationEtiquette. A well-formed result with any STAT is a
// success here (map the STAT with creation_error); SOAP faults, non-XML bodies, missing STAT
// and HTTP errors come back as errors.
result<creation_response> parse_creation_response(int http_status, std::string_view body);

// True for the STATs after which the label exists: 0, and 60 (invalid free text, not blocking).
bool creation_succeeded(int stat) noexcept;

// The error for a non-success STAT of WSI2_CreationEtiquette (status_map.cpp). Field paths are
// those of our API request; codes that do not say whether the sender or the recipient is wrong
// name both fields and say so. `plan` tells relay deliveries apart for STAT 93.
error creation_error(int stat, const delivery_plan& plan);

// Every STAT code the service documents (0, 1..99 as published).
std::vector<int> documented_stats();

// ---- label download -----------------------------------------------------------------------------

// `format=` value of URL_Etiquette for a label size: a4 -> "A4", a6 and 4x6 -> "10x15".
std::string_view sticker_format(label_size size) noexcept;

// The page a sticker format prints on, in our sizes: "10x15" is 4x6 inch stock (so an `a6`
// request comes back as 4x6), "A4" is a4.
label_size printed_size(std::string_view sticker_format) noexcept;

// label_base_url + URL_Etiquette with its `format=` query parameter set to `format` (added when
// absent). An absolute URL_Etiquette is kept as is apart from the format.
std::string label_url(std::string_view label_base_url, std::string_view url_etiquette,
                      std::string_view format);

// Public tracking page of an expedition.
std::string tracking_url(std::string_view expedition, std::string_view postcode);

// ---- WSI2_TracingColisDetaille ------------------------------------------------------------------

param_list build_tracing_params(const account& acct, std::string_view expedition,
                                std::string_view language);

struct tracing_step {
  std::string label;     // Libelle ("COLIS LIVRE", "DISPONIBLE AU POINT RELAIS"...)
  std::string date;      // dd/mm/yy or dd/mm/yyyy
  std::string time;      // HH:MM
  std::string location;  // Emplacement
  std::string relay_num, relay_country;
};

struct tracing_response {
  int stat = -1;        // 80..83 when the parcel is known
  std::string summary;  // Libelle01
  std::string relay_label, relay_num;
  std::vector<tracing_step> steps;  // empty placeholder entries removed, service order kept
};

result<tracing_response> parse_tracing_response(int http_status, std::string_view body);

// ---- WSI4_PointRelais_Recherche (raw answer; points.hpp maps it) -------------------------------

// One PointRelais_Details as published, every string trimmed of its padding; numbers keep the
// service's form ("45,7728450", "1739").
struct relay_point_details {
  std::string num;                         // Num, 6 digits
  std::string name1, name2, line3, line4;  // LgAdr1..LgAdr4
  std::string postcode, city, country;     // CP, Ville, Pays
  std::string location1, location2;        // Localisation1/2: where to find the point
  std::string latitude, longitude;         // decimal comma
  std::string activity_type, information;  // TypeActivite, Information ("LOCKER" for lockers)
  std::string distance;                    // metres from the place asked for; may be empty
  // Horaires_Lundi..Horaires_Dimanche (Monday first): the <string> values of each day, trimmed;
  // empty when the day's element is absent.
  std::array<std::vector<std::string>, 7> hours;
};

struct point_search_response {
  int stat = -1;
  std::vector<relay_point_details> points;  // PointsRelais, service order (nearest first)
};

// Parses the HTTP answer to WSI4_PointRelais_Recherche. Any STAT is a success here; SOAP faults,
// non-XML bodies, a missing or unreadable STAT and HTTP errors come back as errors, as for the
// other operations.
result<point_search_response> parse_point_search_response(int http_status, std::string_view body);

// ---- tracking codes (status_map.cpp) ------------------------------------------------------------

// Overall status of a tracing answer: STAT 80 registered, 81 in process, 82 delivered, 83 anomaly.
tracking_status status_from_stat(int stat) noexcept;

// Status of one tracing step from its label, matched without case or accents; unknown labels
// give tracking_status::unknown.
tracking_status status_from_label(std::string_view label);

}  // namespace parcelgate::adapters::mondialrelay
