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
  std::string carrier_name;                  // printed in the header band: "Colissimo"
  std::string product;                       // product/service code or name: "DOM", "24R"
  std::string tracking_number;               // encoded as Code128 and printed under it
  std::vector<std::string> sender_lines;     // "From" block, one line each
  std::vector<std::string> recipient_lines;  // "To" block, one line each (largest text)
  std::string weight;                        // "1.20 kg"
  std::string reference;                     // merchant reference, optional
  std::string routing;                       // big sort/routing code, optional ("69 VILLEURBANNE")
  std::string matrix_code;                   // DataMatrix payload, optional
  std::string footer;                        // small print at the bottom, optional ("SANDBOX")
};

// Renders the label. Errors: invalid_request when the tracking number cannot be encoded as
// Code128 or the format/size combination is impossible; internal when a library fails.
// PDF bytes start with "%PDF-", ZPL with "^XA", PNG with the PNG signature.
//
// Details: the tracking number must be 1..64 printable ASCII characters that fit the label
// width as Code128 (at least 0.26 mm per module, quiet zones included); the matrix payload
// must fit a DataMatrix in its 23 mm square. Errors name the field ("tracking_number",
// "matrix_code", "label.size"). Text is printed as one line per entry, shrunk and then cut
// with "..." when too long; malformed UTF-8 is shown as '?'. A4 puts the label in the upper
// half of the sheet above a cut line. ZPL is for 203 dpi printers, A6 or 4x6 only. PNG is
// 203 dpi black-and-white (1 bit) for A6 and 4x6, 150 dpi 8-bit grey for A4, and needs the
// DejaVu Sans fonts (fonts-dejavu-core) at run time.
result<std::string> render(const label_content& content, label_format format, label_size size);

}  // namespace parcelgate::labels
