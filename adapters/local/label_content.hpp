#pragma once
// What a `local` label says, built from one of OUR shipment requests: the network's name in the
// header, the service, the tracking number (Code128), sender and recipient blocks, the weight,
// the merchant's reference, a routing line (recipient postal code and city in capitals) and a
// DataMatrix "<tracking number>|<recipient postal code>|<recipient country>" for hub sorting.
//
// Pure functions of their arguments: no I/O, no clock, no global state, thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/shipment.hpp"
#include "gateway/labels/label.hpp"

namespace parcelgate::adapters::local {

// The network's printed identity (the adapter's settings).
struct network_identity {
  std::string network_name;  // header band
  std::string hub_name{};    // footer, when set
};

// Grams as printed: "1.20 kg" (rounded to 10 g).
std::string printed_weight(int weight_g);
// "69100 VILLEURBANNE": ASCII letters upper-cased, other bytes (UTF-8) kept.
std::string routing_line(const address& to);
// One line per non-empty part: name, company, line1, line2, "postal_code city", country.
std::vector<std::string> address_lines(const address& a);

labels::label_content label_content_for(const shipment_request& request,
                                        std::string_view tracking_number,
                                        const network_identity& network);

}  // namespace parcelgate::adapters::local
