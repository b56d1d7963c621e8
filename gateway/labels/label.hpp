#pragma once
// Shipping label rendering: PDF (A6, 4x6 in, A4), ZPL II and PNG, each with a Code128 barcode of
// the tracking number and, when `matrix_code` is set, a DataMatrix symbol. Used by the carrier
// simulators (to print labels the way a carrier would) and by networks whose labels the gateway
// prints itself. Pure functions: thread-safe, no global state.

#include <string>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"

namespace parcelgate::labels {

struct label_content {
  std::string carrier_name;                 // printed in the header band: "Colissimo"
  std::string product;                      // product/service code or name: "DOM", "24R"
  std::string tracking_number;              // encoded as Code128 and printed under it
  std::vector<std::string> sender_lines;    // "From" block, one line each
  std::vector<std::string> recipient_lines; // "To" block, one line each (largest text)
  std::string weight;                       // "1.20 kg"
  std::string reference;                    // merchant reference, optional
  std::string routing;                      // big sort/routing code, optional ("69 VILLEURBANNE")
  std::string matrix_code;                  // DataMatrix payload, optional
  std::string footer;                       // small print at the bottom, optional ("SANDBOX")
};

// Renders the label. Errors: invalid_request when the tracking number cannot be encoded as
// Code128 or the format/size combination is impossible; internal when a library fails.
// PDF bytes start with "%PDF-", ZPL with "^XA", PNG with the PNG signature.
result<std::string> render(const label_content& content, label_format format, label_size size);

}  // namespace parcelgate::labels
