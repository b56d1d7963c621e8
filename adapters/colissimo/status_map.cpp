// Colissimo carrier codes -> normalized values: the 6-character tracking event codes, the SLS
// label web-service message ids (and the error they make), and SLS JSON field paths. Sources
// (public): La Poste's official Colissimo plugins (ColissimoStatus event list) and the SLS error
// list republished in open-source integrations; see README.md.

#include <algorithm>
#include <charconv>

#include "adapters/colissimo/wire.hpp"

namespace parcelgate::adapters::colissimo {

namespace {

using ts = tracking_status;

struct event_entry {
  std::string_view code;
  tracking_status status;
};

// Sorted by code (binary search).
constexpr event_entry kEvents[] = {
    {"AARAVI", ts::available_for_pickup},  // at the recipient's post office, notice left
    {"AARBPR", ts::available_for_pickup},  // at the chosen post office
    {"AARBRX", ts::available_for_pickup},  // at another pickup point than the chosen one
    {"AARCFM", ts::in_transit},            // arrived at the delivery site
    {"AAREXP", ts::in_transit},            // arrived in the destination country
    {"AARIMP", ts::in_transit},            // arrived in France
    {"AARJPO", ts::in_transit},            // arrived at the delivery site
    {"AARLIB", ts::exception},             // incident, customer service to contact
    {"AARREL", ts::available_for_pickup},  // at the chosen relay point
    {"AARREX", ts::in_transit},            // forwarded at the recipient's request
    {"AARRLX", ts::available_for_pickup},  // at another relay point than the chosen one
    {"AARRTG", ts::in_transit},            // mis-sorted, back on its way
    {"AARTER", ts::in_transit},            // mis-sorted, back on its way
    {"AECCFM", ts::in_transit},
    {"AECTRI", ts::in_transit},
    {"DEPGUI", ts::dropped_off},  // handed in at a post office counter
    {"DEPHLD", ts::dropped_off},  // handed in after cut-off, leaves next working day
    {"DEPIMP", ts::dropped_off},
    {"DEPREL", ts::dropped_off},  // handed in at a relay point
    {"DEPSIO", ts::dropped_off},
    {"DOUAGV", ts::in_transit},  // customs clearance
    {"DOUCOM", ts::exception},   // held by customs: document or data missing
    {"DOUDDM", ts::exception},
    {"DOUDOU", ts::in_transit},  // customs clearance
    {"DOUEOR", ts::exception},
    {"DOUFCI", ts::exception},
    {"DOUFCM", ts::exception},
    {"DOUNIR", ts::exception},
    {"DOUPRO", ts::exception},  // prohibited content, will not be delivered
    {"DOURES", ts::exception},
    {"DOUTAX", ts::in_transit},            // duties to pay on delivery
    {"ECHCFM", ts::picked_up},             // collected from the sender's mailbox
    {"EMLCFM", ts::label_created},         // mailbox collection booked
    {"LIVACC", ts::delivered},             // to the reception desk
    {"LIVAVI", ts::available_for_pickup},  // not delivered, held at the post office
    {"LIVBAL", ts::delivered},             // in the letterbox
    {"LIVBPO", ts::delivered},             // in the PO box
    {"LIVCFM", ts::delivered},
    {"LIVCIT", ts::available_for_pickup},  // in a parcel locker
    {"LIVDIV", ts::delivered},             // delivered, packaging reported damaged
    {"LIVEXP", ts::returned_to_sender},
    {"LIVGAR", ts::delivered},   // to the caretaker
    {"LIVRCA", ts::delivered},   // delivered, packaging reported damaged
    {"LIVRCC", ts::delivered},   // delivered, packaging reported damaged
    {"LIVRDV", ts::delivered},   // delivered on appointment
    {"LIVREL", ts::in_transit},  // on its way to the pickup point
    {"LIVRTI", ts::delivered},   // to a third party
    {"LIVVOI", ts::delivered},   // to a neighbour
    {"LIVVPC", ts::returned_to_sender},
    {"MLVEXP", ts::in_transit},  // left the origin country
    {"MLVTRD", ts::in_transit},
    {"PCH128", ts::picked_up},
    {"PCHCFM", ts::picked_up},      // taken in charge by La Poste
    {"PCHCLI", ts::label_created},  // data received, parcel not handed over yet
    {"PCHDFT", ts::label_created},
    {"PCHEXP", ts::in_transit},
    {"PCHMQT", ts::label_created},
    {"PCHREN", ts::exception},  // incomplete address
    {"PCHTRI", ts::in_transit},
    {"PRELIV", ts::out_for_delivery},     // being prepared for today's round
    {"RCDNPA", ts::returning_to_sender},  // could not be delivered
    {"RCDREL", ts::returning_to_sender},  // refused
    {"RCDRET", ts::returning_to_sender},
    {"RDVCFM", ts::in_transit},       // delivery appointment confirmed
    {"RDVINS", ts::delivery_failed},  // waiting for the recipient to book a delivery slot
    {"RDVPRI", ts::in_transit},       // delivery appointment taken
    {"RENACP", ts::delivery_failed},  // address not accessible, new attempt
    {"RENAIN", ts::exception},        // incomplete address
    {"RENAPR", ts::available_for_pickup},
    {"RENARV", ts::delivery_failed},       // recipient absent, new attempt next working day
    {"RENAVA", ts::returning_to_sender},   // refused by the recipient
    {"RENAVI", ts::available_for_pickup},  // recipient absent, held at the post office
    {"RENCAD", ts::exception},             // incomplete address
    {"RENDES", ts::returning_to_sender},   // refused by the recipient
    {"RENDID", ts::returning_to_sender},   // not collected in time
    {"RENEXP", ts::returning_to_sender},   // could not be delivered
    {"RENFCO", ts::exception},             // chosen pickup point closed
    {"RENGUI", ts::available_for_pickup},  // held at the post office counter
    {"RENNPA", ts::returning_to_sender},
    {"RENNRV", ts::delivery_failed},      // recipient absent, new attempt next working day
    {"RENOUV", ts::returning_to_sender},  // refused by the recipient
    {"RENREL", ts::exception},            // cannot be delivered to the chosen pickup point
    {"RENREX", ts::in_transit},           // forwarded at the recipient's request
    {"RSTACP", ts::delivery_failed},
    {"RSTCAD", ts::exception},
    {"RSTPRO", ts::exception},  // prohibited content
    {"SOLDOC", ts::exception},  // incident, customer service to contact
    {"SOLMAR", ts::exception},
    {"SOLMQD", ts::exception},
    {"SOLVOL", ts::exception},
};

using ek = error_kind;

// SLS message ids, sorted by id. Field paths are those of OUR request (DESIGN §4).
// clang-format off
constexpr sls_message_info kMessages[] = {
    {14040, ek::rejected, "", "insurance and registered-mail options cannot be combined"},
    {30000, ek::auth_failed, "", "contract number or password is wrong"},
    {30002, ek::invalid_request, "ship_date", "the deposit date is before today"},
    {30007, ek::auth_failed, "", "the Colissimo account is inactive"},
    {30008, ek::auth_failed, "", "the Colissimo account may not use the label service"},
    {30009, ek::rejected, "carrier_service", "the Colissimo contract does not include this product"},
    {30010, ek::invalid_request, "ship_date", "the deposit date is missing"},
    {30014, ek::invalid_request, "carrier_service", "the product code is missing"},
    {30015, ek::invalid_request, "carrier_service", "the product code is not a Colissimo product"},
    {30017, ek::rejected, "", "the cash-on-delivery value is invalid"},
    {30018, ek::rejected, "", "the commercial name is missing (carrier setting commercial_name)"},
    {30020, ek::rejected, "", "the total transport amount is missing (customs declaration)"},
    {30022, ek::rejected, "", "the sender language is invalid"},
    {30023, ek::rejected, "", "the recipient language is invalid"},
    {30025, ek::invalid_request, "label.format", "the label printing type is missing"},
    {30026, ek::invalid_request, "label.format", "the label printing type is invalid"},
    {30043, ek::invalid_request, "from.name", "the sender first name is missing"},
    {30045, ek::invalid_request, "from.email", "the sender email is missing"},
    {30046, ek::invalid_request, "from.email", "the sender email is invalid"},
    {30047, ek::invalid_request, "from.phone", "the sender phone number is invalid"},
    {30065, ek::invalid_request, "from.name", "the sender name is missing"},
    {30085, ek::invalid_request, "from.phone", "the sender landline number is invalid"},
    {30089, ek::invalid_request, "to.company", "the recipient company name is missing"},
    {30090, ek::rejected, "", "the recipient parcel reference must be 1 to 15 characters"},
    {30100, ek::invalid_request, "from.line1", "the sender street line is missing"},
    {30102, ek::invalid_request, "from.country", "the sender country is missing"},
    {30103, ek::invalid_request, "from.country", "the sender country is invalid"},
    {30104, ek::invalid_request, "from.city", "the sender city is missing"},
    {30106, ek::invalid_request, "from.postal_code", "the sender postal code is missing"},
    {30107, ek::invalid_request, "from.postal_code", "the sender postal code is invalid"},
    {30108, ek::invalid_request, "from.postal_code", "the sender postal code does not match the country"},
    {30109, ek::invalid_request, "from.country", "the sender country or postal code is not allowed for this product"},
    {30200, ek::invalid_request, "to.name", "the recipient name is missing"},
    {30202, ek::invalid_request, "to.name", "the recipient first name is missing"},
    {30204, ek::invalid_request, "to.line1", "the recipient street line is missing"},
    {30206, ek::invalid_request, "to.country", "the recipient country is missing"},
    {30207, ek::invalid_request, "to.country", "the recipient country is invalid"},
    {30208, ek::invalid_request, "to.city", "the recipient city is missing"},
    {30210, ek::invalid_request, "to.postal_code", "the recipient postal code is missing"},
    {30211, ek::invalid_request, "to.postal_code", "the recipient postal code is invalid"},
    {30212, ek::invalid_request, "to.postal_code", "the recipient postal code does not match the country"},
    {30213, ek::invalid_request, "to.country", "the recipient country or postal code is not allowed for this product"},
    {30220, ek::invalid_request, "to.phone", "the recipient mobile number is missing"},
    {30221, ek::invalid_request, "to.phone", "the recipient mobile number is invalid"},
    {30222, ek::invalid_request, "to.email", "the recipient email is missing"},
    {30223, ek::invalid_request, "to.email", "the recipient email is invalid"},
    {30300, ek::invalid_request, "parcels[0].weight_g", "the parcel weight is missing"},
    {30301, ek::invalid_request, "parcels[0].weight_g", "the parcel weight is invalid for this product"},
    {30303, ek::rejected, "", "the non-machinable flag is invalid"},
    {30306, ek::rejected, "", "the registered-mail option is invalid"},
    {30309, ek::rejected, "", "the insured-value option is invalid"},
    {30310, ek::rejected, "", "the registered-mail level is missing"},
    {30311, ek::rejected, "", "the registered-mail level is invalid"},
    {30312, ek::rejected, "", "the chosen options do not allow a label"},
    {30313, ek::rejected, "", "the product code synonym is empty"},
    {30316, ek::invalid_request, "to.country", "the country does not allow a label"},
    {30317, ek::rejected, "", "the chosen options do not allow a label"},
    {30318, ek::rejected, "carrier_service", "the partner network does not handle this product"},
    {30321, ek::rejected, "", "the parcel number is invalid"},
    {30323, ek::rejected, "", "the non-delivery instruction (returnTypeChoice) is missing"},
    {30324, ek::rejected, "", "the non-delivery instruction (returnTypeChoice) is invalid"},
    {30325, ek::rejected, "", "the return-receipt option is invalid"},
    {30326, ek::rejected, "", "the duty-free (FTD) option is invalid"},
    {30327, ek::rejected, "", "the parcel number is missing"},
    {30400, ek::invalid_request, "pickup_point_id", "the pickup point id is missing"},
    {30401, ek::invalid_request, "pickup_point_id", "the pickup point id is invalid"},
    {30402, ek::invalid_request, "pickup_point_id", "the pickup point address is missing"},
    {30403, ek::invalid_request, "pickup_point_id", "the pickup point id or address is missing"},
    {30500, ek::rejected, "", "customs: the parcel contents are missing"},
    {30503, ek::rejected, "", "customs: the shipment category is missing"},
    {30504, ek::rejected, "", "customs: the shipment category is invalid"},
    {30505, ek::rejected, "", "customs: the articles are missing"},
    {30506, ek::rejected, "", "customs: too many articles"},
    {30507, ek::rejected, "", "customs: the articles weigh more than the parcel"},
    {30510, ek::rejected, "", "customs: an article description is missing"},
    {30511, ek::rejected, "", "customs: an article description is invalid"},
    {30512, ek::rejected, "", "customs: an article quantity is missing"},
    {30513, ek::rejected, "", "customs: an article quantity is invalid"},
    {30514, ek::rejected, "", "customs: an article weight is missing"},
    {30515, ek::rejected, "", "customs: an article weight is invalid"},
    {30516, ek::rejected, "", "customs: an article value is missing"},
    {30517, ek::rejected, "", "customs: an article value is invalid"},
    {30518, ek::rejected, "", "customs: an article tariff (HS) code is missing"},
    {30519, ek::rejected, "", "customs: an article tariff (HS) code is invalid"},
    {30520, ek::rejected, "", "customs: an article origin country is missing"},
    {30521, ek::rejected, "", "customs: an article origin country is invalid"},
    {30522, ek::rejected, "", "customs: an article reference is missing"},
    {30523, ek::rejected, "", "customs: more than 100 articles"},
    {30524, ek::rejected, "", "customs: the currency is missing"},
    {30525, ek::rejected, "", "customs: the original parcel number is invalid"},
    {30528, ek::rejected, "", "customs: the original parcel number is missing"},
    {30529, ek::rejected, "", "customs: the original invoice number is missing"},
    {30530, ek::rejected, "", "customs: the original invoice date is missing"},
    {30531, ek::rejected, "", "customs: more than 5 original parcels"},
    {30532, ek::rejected, "", "customs: the invoice number is invalid"},
    {30533, ek::rejected, "", "customs: the original invoice date must be before today"},
    {30534, ek::rejected, "", "customs: the document id is invalid"},
    {30535, ek::rejected, "", "customs: the importer reference is invalid"},
    {30536, ek::rejected, "", "customs: the goods value is above the allowed threshold"},
    {30537, ek::rejected, "", "customs: all articles must use the same currency"},
    {30538, ek::rejected, "", "customs: all articles must have the same country code"},
    {30539, ek::rejected, "", "customs: the comment is too long"},
    {30540, ek::rejected, "", "customs: the articles weigh more than the declared parcel weight"},
    {30541, ek::rejected, "", "customs: only one document id may be sent"},
    {30542, ek::rejected, "", "customs: the shipment category is invalid"},
    {30543, ek::rejected, "", "customs: an article reference is invalid"},
    {30544, ek::rejected, "", "customs: the currency is invalid"},
    {30545, ek::invalid_request, "from.country", "the sender country does not allow a return shipment"},
    {30546, ek::rejected, "", "customs: the original invoice and parcel id is missing"},
    {30547, ek::rejected, "", "customs: the original invoice and parcel id is unknown"},
    {30548, ek::rejected, "", "customs: an article is not linked to a parcel and an invoice"},
    {30549, ek::rejected, "", "customs: the parcel and invoice id already exists"},
    {30550, ek::rejected, "", "customs: duplicate original parcels"},
    {30551, ek::rejected, "", "customs: the importer reference is missing"},
    {30552, ek::rejected, "", "customs: the comment is missing"},
    {30553, ek::rejected, "", "customs: one invoice number must have one invoice date"},
    {30554, ek::rejected, "", "customs: at least one original parcel must be declared"},
    {30600, ek::invalid_request, "", "a field contains a character Colissimo does not accept"},
    {30700, ek::rejected, "carrier_service", "the product is not in the Colissimo contract"},
    {30701, ek::rejected, "", "the parcel number range used is invalid"},
    {30702, ek::rejected, "", "the parcel number was already used within 13 months"},
    {30703, ek::rejected, "", "the parcel number range does not match the subscribed solution"},
    {30704, ek::invalid_request, "carrier_service", "the product does not allow a return from abroad"},
    {30705, ek::invalid_request, "from.country", "the country cannot use the international return service"},
    {30800, ek::rejected, "", "mailbox deposit is not enabled on the Colissimo account"},
    {30801, ek::rejected, "", "mailbox pickup: parcel unknown to La Poste"},
    {30802, ek::rejected, "", "mailbox pickup: parcel already taken in charge"},
    {30803, ek::rejected, "", "mailbox pickup: already booked"},
    {30804, ek::rejected, "", "mailbox pickup: this return product cannot be posted in a mailbox"},
    {30805, ek::rejected, "", "mailbox pickup: the address does not allow it"},
    {30806, ek::rejected, "", "mailbox pickup: the date is not an available date"},
    {30807, ek::rejected, "", "mailbox pickup: the parcel may not be posted in a mailbox"},
    {30808, ek::rejected, "", "mailbox pickup: mailbox deposit is not enabled on the account"},
    {30809, ek::rejected, "", "mailbox pickup: no date allowed for a non-mailbox label"},
    {30810, ek::rejected, "", "mailbox pickup: the parcel cannot be posted in a mailbox"},
    {30811, ek::rejected, "", "mailbox pickup: the date is invalid"},
    {30812, ek::rejected, "", "mailbox pickup: no date available for this address"},
    {30813, ek::rejected, "", "mailbox pickup: the date is missing"},
    {30814, ek::rejected, "", "mailbox pickup: too many parcels"},
    {30815, ek::rejected, "", "mailbox pickup: too many pickup dates"},
    {30816, ek::rejected, "", "mailbox deposit impossible: post office deposit required"},
    {30817, ek::rejected, "", "the collection site is missing"},
    {30818, ek::rejected, "", "the collection site is invalid"},
    {30819, ek::rejected, "", "the address does not allow same-day delivery"},
    {30820, ek::rejected, "", "same-day delivery is not possible at this address"},
    {30900, ek::invalid_request, "pickup_point_id", "the pickup point name is missing"},
    {30901, ek::invalid_request, "pickup_point_id", "the pickup point address is missing"},
    {30902, ek::invalid_request, "pickup_point_id", "the pickup point postal code is missing"},
    {30903, ek::invalid_request, "pickup_point_id", "the pickup point city is missing"},
    {30904, ek::invalid_request, "pickup_point_id", "the pickup point country is missing"},
    {40011, ek::invalid_request, "to.country", "the destination country is invalid"},
    {40012, ek::invalid_request, "from.country", "the country is not open to Colissimo international returns"},
    {40013, ek::rejected, "", "this sender/destination country pair is not open"},
    {40014, ek::rejected, "", "the parcel number range is exhausted (Colissimo support)"},
    {40015, ek::unavailable, "", "the service is temporarily unavailable"},
    {40016, ek::rejected, "", "threshold setting problem: unknown origin country"},
    {40017, ek::rejected, "", "the data sent is inconsistent: no label can be made"},
    {40018, ek::rejected, "", "the service is not available on this account (Colissimo support)"},
};
// clang-format on

int kind_rank(error_kind k) noexcept {
  switch (k) {
    case error_kind::auth_failed:
      return 4;
    case error_kind::unavailable:
      return 3;
    case error_kind::invalid_request:
      return 2;
    default:
      return 1;
  }
}

std::string_view trim_spaces(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

constexpr bool sorted_tables() {
  for (std::size_t i = 1; i < std::size(kEvents); ++i)
    if (!(kEvents[i - 1].code < kEvents[i].code)) return false;
  for (std::size_t i = 1; i < std::size(kMessages); ++i)
    if (!(kMessages[i - 1].id < kMessages[i].id)) return false;
  return true;
}
static_assert(sorted_tables(), "kEvents and kMessages must stay sorted (binary search)");

}  // namespace

tracking_status map_event_code(std::string_view event_code) noexcept {
  auto it = std::lower_bound(std::begin(kEvents), std::end(kEvents), event_code,
                             [](const event_entry& e, std::string_view c) { return e.code < c; });
  return it != std::end(kEvents) && it->code == event_code ? it->status : tracking_status::unknown;
}

std::span<const sls_message_info> sls_message_catalogue() noexcept {
  return kMessages;
}

const sls_message_info* find_sls_message(std::string_view id) noexcept {
  int value = 0;
  auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc{} || ptr != id.data() + id.size()) return nullptr;
  auto it = std::lower_bound(std::begin(kMessages), std::end(kMessages), value,
                             [](const sls_message_info& m, int v) { return m.id < v; });
  return it != std::end(kMessages) && it->id == value ? &*it : nullptr;
}

error map_messages(const std::vector<sls_message>& messages) {
  error e{error_kind::rejected, {}, {}, std::string(kCarrierId), {}, {}, 0};
  int rank = 0;
  std::size_t errors = 0;
  std::string decisive_meaning, all_texts;
  for (const auto& m : messages) {
    if (m.type != "ERROR") continue;
    const sls_message_info* info = find_sls_message(m.id);
    std::string field(info ? info->field : std::string_view{});
    for (const auto& v : m.replacement_values)
      if (auto ours = translate_wire_path(trim_spaces(v)); !ours.empty()) field = std::move(ours);
    const error_kind kind =
        info ? info->kind : (field.empty() ? error_kind::rejected : error_kind::invalid_request);
    std::string meaning = info ? std::string(info->meaning) : m.content;
    if (kind_rank(kind) > rank) {  // the first message of the strongest kind decides
      rank = kind_rank(kind);
      e.kind = kind;
      e.carrier_code = m.id;
      e.carrier_message = m.content;
      decisive_meaning = meaning;
    }
    if (!field.empty()) e.fields.push_back({std::move(field), std::move(meaning)});
    all_texts += (errors++ ? "; " : "") + m.id + ": " + m.content;
  }
  if (errors > 1) e.carrier_message = std::move(all_texts);
  if (e.kind == error_kind::auth_failed || e.kind == error_kind::unavailable) {
    e.fields.clear();  // not the caller's fault: nothing for them to fix
    e.message = (e.kind == error_kind::auth_failed ? "Colissimo refused the gateway's account: "
                                                   : "Colissimo is unavailable: ") +
                decisive_meaning;
  } else if (e.kind == error_kind::invalid_request) {
    e.message = "Colissimo rejected the shipment data";
  } else {
    e.message =
        "Colissimo refused the shipment: " + (errors ? decisive_meaning : "no reason given");
  }
  return e;
}

std::string translate_wire_path(std::string_view wire_path) {
  struct entry {
    std::string_view wire, ours;
  };
  static constexpr entry kFields[] = {{"service.productCode", "carrier_service"},
                                      {"service.depositDate", "ship_date"},
                                      {"service.orderNumber", "reference"},
                                      {"parcel.weight", "parcels[0].weight_g"},
                                      {"parcel.pickupLocationId", "pickup_point_id"},
                                      {"parcel.nonMachinable", "parcels[0].dimensions_mm"},
                                      {"outputFormat.outputPrintingType", "label.format"}};
  static constexpr entry kAddress[] = {
      {"companyName", "company"}, {"lastName", "name"},       {"firstName", "name"},
      {"line2", "line1"},         {"line3", "line2"},         {"countryCode", "country"},
      {"city", "city"},           {"zipCode", "postal_code"}, {"phoneNumber", "phone"},
      {"mobileNumber", "phone"},  {"email", "email"}};
  std::string_view p = wire_path;
  if (p.starts_with("letter.")) p.remove_prefix(7);
  for (const auto& e : kFields)
    if (p == e.wire) return std::string(e.ours);
  std::string side;
  if (p.starts_with("addressee.address."))
    p.remove_prefix(18), side = "to.";
  else if (p.starts_with("sender.address."))
    p.remove_prefix(15), side = "from.";
  else
    return {};
  for (const auto& e : kAddress)
    if (p == e.wire) return side + std::string(e.ours);
  return {};
}

}  // namespace parcelgate::adapters::colissimo
