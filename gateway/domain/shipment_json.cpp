#include "gateway/domain/shipment_json.hpp"

#include <boost/json.hpp>

namespace parcelgate {

namespace json = boost::json;

namespace {

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

}  // namespace

json::object render_address(const address& a) {
  return {{"name", a.name},
          {"company", text_or_null(a.company)},
          {"line1", a.line1},
          {"line2", text_or_null(a.line2)},
          {"city", a.city},
          {"postal_code", a.postal_code},
          {"country", a.country},
          {"phone", text_or_null(a.phone)},
          {"email", text_or_null(a.email)}};
}

std::string render_shipment(const shipment_view& v) {
  const auto& r = *v.request;
  json::object o;
  o["id"] = v.id;
  o["object"] = "shipment";
  o["tenant"] = v.tenant;
  o["status"] = v.status;
  o["carrier"] = v.carrier;
  o["service"] = to_string(r.service);
  o["carrier_service"] = text_or_null(v.carrier_service);
  o["pickup_point_id"] = text_or_null(v.pickup_point_id);
  o["tracking_number"] = text_or_null(v.tracking_number);
  o["tracking_url"] = text_or_null(v.tracking_url);
  if (!v.carrier_reference.empty()) o["carrier_reference"] = v.carrier_reference;
  if (v.has_label)
    o["label"] = json::object{{"format", to_string(r.format)},
                              {"size", to_string(r.size)},
                              {"url", "/v1/shipments/" + v.id + "/label"}};
  else
    o["label"] = nullptr;
  if (v.rate)
    o["rate"] = json::object{
        {"amount", v.rate->amount}, {"currency", v.rate->currency}, {"contract", v.rate->contract}};
  else
    o["rate"] = nullptr;
  o["rate_unavailable_reason"] =
      v.rate ? json::value(nullptr) : text_or_null(v.rate_unavailable_reason);
  o["return_code"] = text_or_null(v.return_code);
  o["qr_code_url"] =
      v.return_code.empty() ? json::value(nullptr) : json::value("/v1/shipments/" + v.id + "/qr");
  o["reference"] = text_or_null(r.reference);
  o["direction"] = to_string(r.dir);
  o["from"] = render_address(r.from);
  o["to"] = render_address(r.to);
  json::array parcels;
  for (const auto& p : r.parcels) {
    json::object po{{"weight_g", p.weight_g}};
    if (p.dimensions_mm)
      po["dimensions_mm"] = json::object{{"length", p.dimensions_mm->length},
                                         {"width", p.dimensions_mm->width},
                                         {"height", p.dimensions_mm->height}};
    else
      po["dimensions_mm"] = nullptr;
    po["reference"] = text_or_null(p.reference);
    parcels.push_back(std::move(po));
  }
  o["parcels"] = std::move(parcels);
  o["created_at"] = v.created_at;
  o["updated_at"] = v.updated_at;
  return json::serialize(o);
}

std::string return_code_of(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto* code = v.as_object().if_contains("return_code");
  return code && code->is_string() ? std::string(code->as_string()) : std::string{};
}

std::string carrier_reference_of(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto* ref = v.as_object().if_contains("carrier_reference");
  return ref && ref->is_string() ? std::string(ref->as_string()) : std::string{};
}

std::string restate_shipment(std::string_view body, std::string_view status,
                             std::string_view updated_at) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::string(body);
  auto& o = v.as_object();
  o["status"] = status;
  o["updated_at"] = updated_at;
  return json::serialize(o);
}

}  // namespace parcelgate
