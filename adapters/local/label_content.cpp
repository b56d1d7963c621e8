#include "adapters/local/label_content.hpp"

namespace parcelgate::adapters::local {

namespace {

std::string upper_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string joined(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  return std::string(a) + " " + std::string(b);
}

}  // namespace

std::string printed_weight(int weight_g) {
  const int centi_kg = (weight_g + 5) / 10;
  const int cents = centi_kg % 100;
  return std::to_string(centi_kg / 100) + "." + (cents < 10 ? "0" : "") + std::to_string(cents) +
         " kg";
}

std::string routing_line(const address& to) {
  return upper_ascii(joined(to.postal_code, to.city));
}

std::vector<std::string> address_lines(const address& a) {
  std::vector<std::string> out;
  for (const std::string& part :
       {a.name, a.company, a.line1, a.line2, joined(a.postal_code, a.city), a.country})
    if (!part.empty()) out.push_back(part);
  return out;
}

labels::label_content label_content_for(const shipment_request& request,
                                        std::string_view tracking_number,
                                        const network_identity& network) {
  labels::label_content c;
  c.carrier_name = network.network_name;
  c.product = std::string(to_string(request.service));
  if (request.dir == direction::return_) c.product += " (return)";
  c.tracking_number = std::string(tracking_number);
  c.sender_lines = address_lines(request.from);
  c.recipient_lines = address_lines(request.to);
  c.weight = request.parcels.empty() ? std::string{} : printed_weight(request.parcels[0].weight_g);
  c.reference = request.reference;
  c.routing = routing_line(request.to);
  c.matrix_code =
      std::string(tracking_number) + "|" + request.to.postal_code + "|" + request.to.country;
  c.footer = network.hub_name.empty() ? network.network_name
                                      : network.network_name + " - hub " + network.hub_name;
  return c;
}

}  // namespace parcelgate::adapters::local
