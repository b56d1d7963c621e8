#pragma once
// The label content the label tests start from: a realistic French domestic parcel.

#include <ostream>

#include "gateway/labels/label.hpp"

namespace parcelgate {

// Test names and failure messages show "a6" rather than the enum's bytes.
inline void PrintTo(label_size size, std::ostream* out) {
  *out << to_string(size);
}

}  // namespace parcelgate

namespace parcelgate::labels::testing {

inline label_content sample_content() {
  label_content content;
  content.carrier_name = "Colissimo";
  content.product = "DOM";
  content.tracking_number = "6A15984040331";
  content.sender_lines = {"Boutique Lumière SARL", "12 rue de la République", "69002 Lyon",
                          "France"};
  content.recipient_lines = {"Jeanne Dupont-Müller", "27 avenue Jean Jaurès", "69007 LYON",
                             "FRANCE"};
  content.weight = "1.20 kg";
  content.reference = "ORDER-000123";
  content.routing = "69 VILLEURBANNE";
  content.footer = "SANDBOX";
  return content;
}

}  // namespace parcelgate::labels::testing
