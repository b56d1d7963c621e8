// Mondial Relay code tables: STAT codes of the WSI service -> our errors, and tracing codes /
// labels -> normalized tracking statuses. Sources: the WSI documentation's return-code table as
// restated by several public clients (see README "STAT mapping").
#include <algorithm>
#include <array>

#include "adapters/mondialrelay/wire.hpp"

namespace parcelgate::adapters::mondialrelay {

namespace {

struct stat_entry {
  int stat;
  error_kind kind;
  std::string_view fields;  // our request paths, comma separated; empty = not the caller's input
  std::string_view meaning;
  bool either_side = false;  // the STAT does not say whether the sender or the recipient is wrong
};

using k = error_kind;

constexpr auto kStats = std::to_array<stat_entry>({
    {1, k::auth_failed, "", "invalid brand (Enseigne)"},
    {2, k::auth_failed, "", "brand number empty or unknown"},
    {3, k::auth_failed, "", "invalid brand account number"},
    {5, k::internal, "", "invalid merchant file reference (NDossier)"},
    {7, k::internal, "", "invalid client reference (NClient)"},
    {8, k::auth_failed, "", "invalid password or hash"},
    {9, k::invalid_request, "from.city,to.city", "city unknown or not unique", true},
    {10, k::rejected, "", "collection mode (ModeCol) not allowed for this account"},
    {11, k::rejected, "", "no valid collection relay"},
    {12, k::invalid_request, "from.country", "invalid collection relay country"},
    {13, k::unsupported, "service", "delivery mode (ModeLiv) not available"},
    {14, k::invalid_request, "pickup_point_id", "invalid delivery relay number"},
    {15, k::invalid_request, "pickup_point_id", "invalid delivery relay country"},
    {20, k::invalid_request, "parcels[0].weight_g", "invalid parcel weight"},
    {21, k::invalid_request, "parcels[0].dimensions_mm", "invalid parcel length and height"},
    {22, k::invalid_request, "parcels[0].dimensions_mm", "invalid parcel size"},
    {24, k::not_found, "", "invalid shipment number"},
    {25, k::rejected, "", "not enough balance on the Mondial Relay account"},
    {26, k::internal, "", "invalid assembly time (Montage)"},
    {27, k::unsupported, "service", "invalid collection or delivery mode"},
    {28, k::rejected, "", "invalid collection mode for this account"},
    {29, k::unsupported, "service",
     "delivery mode not available (a Start account ships one parcel only)"},
    {30, k::invalid_request, "from.name,to.name", "invalid address line 1 (name)", true},
    {31, k::invalid_request, "from.company,to.company", "invalid address line 2 (company)", true},
    {33, k::invalid_request, "from.line1,to.line1", "invalid address line 3 (street)", true},
    {34, k::invalid_request, "from.line2,to.line2", "invalid address line 4", true},
    {35, k::invalid_request, "from.city,to.city", "invalid city", true},
    {36, k::invalid_request, "from.postal_code,to.postal_code", "invalid postcode", true},
    {37, k::invalid_request, "from.country,to.country", "invalid country", true},
    {38, k::invalid_request, "from.phone,to.phone", "invalid phone number", true},
    {39, k::invalid_request, "from.email,to.email", "invalid e-mail address", true},
    {40, k::internal, "", "missing mandatory parameters"},
    {42, k::internal, "", "invalid cash-on-delivery amount"},
    {43, k::internal, "", "invalid cash-on-delivery currency"},
    {44, k::internal, "", "invalid shipment value"},
    {45, k::internal, "", "invalid shipment value currency"},
    {46, k::rejected, "",
     "shipment number range exhausted: Mondial Relay must allocate a new range"},
    {47, k::invalid_request, "parcels", "invalid number of parcels"},
    {48, k::invalid_request, "parcels", "several parcels are not allowed with relay delivery"},
    {49, k::internal, "", "invalid action"},
    {60, k::internal, "", "invalid free text (not blocking)"},
    {61, k::internal, "", "invalid notification flag (TAvisage)"},
    {62, k::internal, "", "invalid delivery instruction"},
    {63, k::internal, "", "invalid insurance level"},
    {64, k::internal, "", "invalid assembly time"},
    {65, k::internal, "", "invalid appointment flag (TRDV)"},
    {66, k::internal, "", "invalid take-back flag (TReprise)"},
    {67, k::internal, "", "invalid latitude"},
    {68, k::internal, "", "invalid longitude"},
    {69, k::auth_failed, "", "invalid brand code"},
    {70, k::invalid_request, "pickup_point_id", "invalid relay point number"},
    {71, k::internal, "", "invalid point-of-sale type (NACE)"},
    {74, k::internal, "", "invalid language"},
    {78, k::invalid_request, "from.country", "collection country not served"},
    {79, k::invalid_request, "to.country", "delivery country not served"},
    {80, k::bad_gateway, "", "tracing code (parcel registered) answered to a label request"},
    {81, k::bad_gateway, "", "tracing code (parcel in process) answered to a label request"},
    {82, k::bad_gateway, "", "tracing code (parcel delivered) answered to a label request"},
    {83, k::bad_gateway, "", "tracing code (anomaly) answered to a label request"},
    {84, k::bad_gateway, "", "reserved tracing code answered to a label request"},
    {85, k::bad_gateway, "", "reserved tracing code answered to a label request"},
    {86, k::bad_gateway, "", "reserved tracing code answered to a label request"},
    {87, k::bad_gateway, "", "reserved tracing code answered to a label request"},
    {88, k::bad_gateway, "", "reserved tracing code answered to a label request"},
    {89, k::bad_gateway, "", "reserved tracing code answered to a label request"},
    // 92 has two published meanings; fields are added below for relay deliveries only.
    {92, k::rejected, "",
     "the relay country must equal the recipient country, or the prepaid balance is insufficient"},
    {93, k::invalid_request, "", "no route in the sorting plan"},
    {94, k::not_found, "", "unknown parcel"},
    {95, k::auth_failed, "", "brand account not activated"},
    {96, k::auth_failed, "", "wrong brand type"},
    {97, k::auth_failed, "", "invalid security key (check enseigne and private_key)"},
    // 98 masks a parameter error on production accounts: deterministic, retrying cannot help, and
    // the carrier does not say what it disliked -> 502, not 503.
    {98, k::bad_gateway, "", "generic error masking a parameter error (production accounts)"},
    // 99 is the service's own technical failure: transient, worth retrying later.
    {99, k::unavailable, "", "generic technical error of the service"},
});

const stat_entry* find_stat(int stat) {
  auto it = std::find_if(kStats.begin(), kStats.end(),
                         [stat](const stat_entry& e) { return e.stat == stat; });
  return it == kStats.end() ? nullptr : &*it;
}

// Uppercase ASCII words separated by single spaces, framed by spaces: " COLIS LIVRE ".
std::string normalized_words(std::string_view label) {
  std::string words = to_mr_text(label, text_class::dossier, 200);
  std::replace(words.begin(), words.end(), '_', ' ');
  std::replace(words.begin(), words.end(), '-', ' ');
  return " " + words + " ";
}

struct label_rule {
  std::string_view phrase;  // whole words, matched inside the normalized label
  tracking_status status;
};

// First match wins, so negative and more specific phrases come first.
constexpr auto kLabelRules = std::to_array<label_rule>({
    {" ANNULE", tracking_status::cancelled},
    {" NON LIVRE ", tracking_status::delivery_failed},
    {" ECHEC ", tracking_status::delivery_failed},
    {" ABSENT", tracking_status::delivery_failed},
    {" AVISE ", tracking_status::delivery_failed},
    {" REPORTE", tracking_status::delivery_failed},
    {" RETOURNE ", tracking_status::returned_to_sender},
    {" RETURNED ", tracking_status::returned_to_sender},
    {" RETOUR ", tracking_status::returning_to_sender},
    {" RETURN ", tracking_status::returning_to_sender},
    {" DISPONIBLE ", tracking_status::available_for_pickup},
    {" LIVRE AU POINT RELAIS ", tracking_status::available_for_pickup},
    {" LIVRE EN POINT RELAIS ", tracking_status::available_for_pickup},
    {" AVAILABLE ", tracking_status::available_for_pickup},
    {" EN COURS DE LIVRAISON ", tracking_status::out_for_delivery},
    {" EN LIVRAISON ", tracking_status::out_for_delivery},
    {" OUT FOR DELIVERY ", tracking_status::out_for_delivery},
    {" LIVRE ", tracking_status::delivered},
    {" RECUPERE ", tracking_status::delivered},
    {" REMIS AU DESTINATAIRE ", tracking_status::delivered},
    {" DELIVERED ", tracking_status::delivered},
    {" ANOMALIE ", tracking_status::exception},
    {" INCIDENT ", tracking_status::exception},
    {" PERDU ", tracking_status::exception},
    {" ENDOMMAGE ", tracking_status::exception},
    {" REFUSE ", tracking_status::exception},
    {" DEPOSE ", tracking_status::dropped_off},
    {" DEPOT ", tracking_status::dropped_off},
    {" PRIS EN CHARGE ", tracking_status::picked_up},
    {" PRISE EN CHARGE ", tracking_status::picked_up},
    {" ACHEMINEMENT ", tracking_status::in_transit},
    {" TRANSIT ", tracking_status::in_transit},
    {" TRAITEMENT ", tracking_status::in_transit},
    {" TRI ", tracking_status::in_transit},
    {" ANNONCE ", tracking_status::label_created},
    {" ENREGISTRE ", tracking_status::label_created},
});

}  // namespace

error creation_error(int stat, const delivery_plan& plan) {
  const stat_entry* entry = find_stat(stat);
  error e;
  e.carrier = std::string(kCarrierId);
  e.carrier_code = "STAT " + std::to_string(stat);
  if (!entry || stat == 0) {
    e.kind = error_kind::bad_gateway;
    e.message = "Mondial Relay answered an undocumented STAT " + std::to_string(stat);
    e.carrier_message = "undocumented code";
    return e;
  }
  e.kind = entry->kind;
  e.sale = sale_outcome::not_sold;  // a documented STAT answer: Mondial Relay created nothing
  e.carrier_message = std::string(entry->meaning);
  e.message =
      "Mondial Relay: " + std::string(entry->meaning) + " (STAT " + std::to_string(stat) + ")";
  std::string detail = std::string(entry->meaning) + " (STAT " + std::to_string(stat) + ")";
  if (entry->either_side) {
    detail += "; Mondial Relay does not say whether the sender's or the recipient's value is wrong";
    e.message += "; the carrier does not say whether it is the sender's or the recipient's";
  }
  std::string_view fields = entry->fields;
  if (stat == 93) fields = plan.relay_delivery() ? "pickup_point_id" : "to.postal_code";
  if (stat == 92 && plan.relay_delivery()) fields = "pickup_point_id";
  while (!fields.empty()) {
    auto comma = fields.find(',');
    e.fields.push_back({std::string(fields.substr(0, comma)), detail});
    fields = comma == std::string_view::npos ? std::string_view{} : fields.substr(comma + 1);
  }
  return e;
}

std::vector<int> documented_stats() {
  std::vector<int> out{0};
  for (const auto& e : kStats) out.push_back(e.stat);
  std::sort(out.begin(), out.end());
  return out;
}

tracking_status status_from_stat(int stat) noexcept {
  switch (stat) {
    case 80:
      return tracking_status::label_created;
    case 81:
      return tracking_status::in_transit;
    case 82:
      return tracking_status::delivered;
    case 83:
      return tracking_status::exception;
    default:
      return tracking_status::unknown;
  }
}

tracking_status status_from_label(std::string_view label) {
  std::string words = normalized_words(label);
  for (const auto& rule : kLabelRules)
    if (words.find(rule.phrase) != std::string::npos) return rule.status;
  return tracking_status::unknown;
}

}  // namespace parcelgate::adapters::mondialrelay
