#pragma once
// Colissimo SLS ("Solution de Livraison Simplifiée") wire codec: pure functions that build the
// generateLabel JSON request and read its answers, plus the carrier-code tables (tracking event
// codes and SLS message ids). No I/O, no clock, no global state: every function is thread-safe.
//
// Wire facts (field names, product codes, message ids) come from public sources listed in
// adapters/colissimo/README.md.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/carriers/adapter.hpp"
#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"
#include "gateway/domain/tracking.hpp"

namespace parcelgate::adapters::colissimo {

inline constexpr std::string_view kCarrierId = "colissimo";
// Path of the label operation below the configured base_url.
inline constexpr std::string_view kGenerateLabelPath = "/sls-ws/SlsServiceWSRest/2.0/generateLabel";
// SLS field limits (characters) that the adapter enforces or truncates to.
inline constexpr std::size_t kMaxOrderNumber = 30;      // letter.service.orderNumber
inline constexpr std::size_t kMaxCommercialName = 30;   // letter.service.commercialName
inline constexpr std::size_t kMaxSenderParcelRef = 17;  // letter.sender.senderParcelRef
inline constexpr std::size_t kMaxAddressField = 35;     // name, company, line*, city

// Account values the request carries (login mode: credentials inside the JSON body).
struct account {
  std::string contract_number;
  std::string password;
  std::string commercial_name = "parcelgate";
};

// Everything the request builder needs that is not in the shipment request itself. The adapter
// chooses these (rules.hpp choose_product, adapter.cpp); the builder only writes them.
struct label_order {
  std::string product_code;          // letter.service.productCode: "DOM", "A2P"...
  std::string output_printing_type;  // outputFormat.outputPrintingType: "PDF_10x15_300dpi"...
  std::string deposit_date;          // letter.service.depositDate, YYYY-MM-DD
};

// outputFormat.outputPrintingType for a label format and size; empty when Colissimo cannot print
// that combination (PNG at all, ZPL on A4).
std::string_view output_printing_type(label_format format, label_size size) noexcept;

// The page an outputPrintingType prints on, in our sizes: the 10x15 cm types are 4x6 inch stock
// (so an `a6` request comes back as 4x6), PDF_A4_300dpi is a4; nullopt for other types.
std::optional<label_size> printed_size(std::string_view output_printing_type) noexcept;

// Weight as SLS expects it: kilograms with two decimals, rounded up to the next 10 g so a
// parcel is never declared lighter than it is (1 g -> 0.01, 1250 g -> 1.25).
double weight_kg(int weight_g) noexcept;

// letter.sender.senderParcelRef (17 characters at most) from our shipment id: the id itself when
// it fits, else the id without its "shp_" prefix ("shp_" + 15 random characters -> the 15), else
// its last 17 characters (the random part, so references stay distinct).
std::string sender_parcel_ref(std::string_view shipment_id);

// Normalizes a phone number for SLS: drops spaces, dots, dashes and brackets, and writes an
// international "00" prefix as "+" ("0033 6 12 34 56 78" -> "+33612345678").
std::string compact_phone(std::string_view phone);

// The generateLabel JSON body. Expects a request the adapter validated: one parcel, known
// product. letter.sender is built from request.from and letter.addressee from request.to, for
// returns too (the customer sends, the merchant receives).
std::string build_generate_label_request(const shipment_request& request, const account& acct,
                                         const label_order& order);

// One part of a multipart/mixed body, bytes untouched.
struct mime_part {
  std::string content_id;  // without angle brackets: "jsonInfos", "label", "cn23"
  std::string content_type;
  std::string body;
};

// The boundary parameter of a Content-Type value ("uuid:..."), quotes removed; empty if absent.
std::string multipart_boundary(std::string_view content_type);

// Splits a multipart body. `boundary` may be empty: it is then taken from the body's first
// delimiter line. Accepts CRLF or LF line ends. Errors: bad_gateway when no part can be read.
result<std::vector<mime_part>> split_multipart(std::string_view body, std::string boundary);

// One entry of the SLS "messages" array.
struct sls_message {
  std::string id;       // numeric string: "0" = success, "30000" = bad credentials...
  std::string type;     // "INFOS", "WARNING" or "ERROR"
  std::string content;  // messageContent, French text
  std::vector<std::string> replacement_values;
};

// What a generateLabel answer says once its envelope (multipart or plain JSON) is removed.
struct sls_answer {
  std::vector<sls_message> messages;
  std::string parcel_number;          // labelV2Response.parcelNumber
  std::string parcel_number_partner;  // labelV2Response.parcelNumberPartner
  std::string label;                  // <label> part bytes, as received
  std::string cn23;                   // <cn23> part bytes, empty when absent
};

// Reads a generateLabel answer body in either envelope. Errors: bad_gateway when the body is
// neither a readable multipart with a <jsonInfos> JSON part nor a JSON document.
result<sls_answer> read_answer(std::string_view content_type, std::string_view body);

// The full response interpretation for create_label:
//   200 with a parcel number and label      -> label_result (label bytes exactly as received)
//   messages of type ERROR (any status)     -> map_messages()
//   429                                     -> rate_limited, retry_after_s from Retry-After
//   5xx                                     -> unavailable, retry_after_s from Retry-After
//   anything unreadable or incomplete       -> bad_gateway
result<label_result> parse_generate_label_response(const carriers::outbound_response& response,
                                                   const label_order& order, label_format format);

// Turns the ERROR entries of `messages` into one normalized error (status_map.cpp). Each id's kind
// comes from the catalogue; an uncatalogued id is invalid_request when its replacementValues name a
// wire field we can translate, rejected otherwise. The error's kind is the strongest of them:
// auth_failed, unavailable, invalid_request, rejected. carrier_code is the id of the first message
// of that kind; carrier_message is its text, or every "id: text" joined by "; " when there are
// several ERROR messages. Every message that names one of our fields adds a field_error, except for
// auth_failed/unavailable (not the caller's fault).
error map_messages(const std::vector<sls_message>& messages);

// What one SLS message id means for us. `field` is a path in OUR API request ("to.postal_code"),
// empty when the id is not about a caller-supplied field.
struct sls_message_info {
  int id;
  error_kind kind;
  std::string_view field;
  std::string_view meaning;  // short English statement, safe to show to the caller
};

// The SLS message-id catalogue (defined in status_map.cpp with the other carrier-code tables).
std::span<const sls_message_info> sls_message_catalogue() noexcept;
// The catalogue entry of an id ("30211"), nullptr when the id is not catalogued.
const sls_message_info* find_sls_message(std::string_view id) noexcept;

// Translates an SLS JSON path ("letter.addressee.address.zipCode") to our request path
// ("to.postal_code"); empty when the wire field has no counterpart in our request
// (status_map.cpp).
std::string translate_wire_path(std::string_view wire_path);

// Colissimo 6-character event code ("LIVCFM") -> normalized status; unknown codes -> unknown
// (status_map.cpp).
tracking_status map_event_code(std::string_view event_code) noexcept;

// Public tracking page of a parcel number at La Poste.
std::string tracking_url(std::string_view parcel_number);

// The control key (last character) of a 13-character Colissimo parcel number, computed over
// its 10-digit serial: weights 3 and 1 alternating from the rightmost digit, sum mod 10,
// key = (10 - sum % 10) % 10. Returns -1 when `serial` is not 10 digits.
int parcel_number_key(std::string_view serial) noexcept;
// True for 2-character product prefix + 10 digits + a matching control key.
bool valid_parcel_number(std::string_view parcel_number) noexcept;

}  // namespace parcelgate::adapters::colissimo
