#include "gateway/domain/shipment_input.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <initializer_list>

#include "gateway/domain/countries.hpp"
#include "gateway/domain/input_checker.hpp"

namespace parcelgate {

namespace json = boost::json;

shipment_input parse_shipment_input(std::string_view body,
                                    const std::vector<std::string>& known_carriers) {
  shipment_input in;
  const auto root = read_json_object(body, 16, in.malformed_detail);
  if (!root) {
    in.malformed = true;
    return in;
  }
  in.canonical_json = canonical_json(*root);
  const auto& o = root->as_object();
  input_checker c(in.errors);
  c.only_keys(o, "",
              {"reference", "direction", "carrier", "service", "carrier_service", "pickup_point_id",
               "from", "to", "parcels", "label", "selection"});
  auto& req = in.request;
  req.reference = c.str(o, "", "reference", false, 100);

  if (auto d = c.str(o, "", "direction", false, 20); !d.empty()) {
    if (auto v = parse_direction(d))
      req.dir = *v;
    else
      c.fail("direction", "must be outbound or return");
  }

  in.carrier = c.str(o, "", "carrier", true, 40);
  if (!in.carrier.empty() && in.carrier != "auto") {
    bool known = false;
    std::string list;
    for (const auto& k : known_carriers) {
      known = known || k == in.carrier;
      list += (list.empty() ? "" : ", ") + k;
    }
    if (!known) c.fail("carrier", "unknown carrier; configured: " + list + " (or auto)");
  }

  bool service_known = false;
  if (auto s = c.str(o, "", "service", true, 40); !s.empty()) {
    if (auto v = parse_service_level(s))
      req.service = *v, service_known = true;
    else
      c.fail("service", "must be one of home, home_signature, pickup_point, locker, express");
  }

  req.carrier_service = c.str(o, "", "carrier_service", false, 20);
  for (char ch : req.carrier_service)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '_' || ch == '-')) {
      c.fail("carrier_service", "must be a carrier product code (letters, digits, + _ -)");
      break;
    }

  in.pickup_point_id = c.str(o, "", "pickup_point_id", false, 80);
  const bool needs_point = service_known && (req.service == service_level::pickup_point ||
                                             req.service == service_level::locker);
  if (needs_point && in.pickup_point_id.empty())
    c.fail("pickup_point_id",
           "is required for the " + std::string(to_string(req.service)) + " service");
  if (!in.pickup_point_id.empty()) {
    // "<carrier>:<country>:<carrier point id>"
    auto first = in.pickup_point_id.find(':');
    auto second =
        first == std::string::npos ? std::string::npos : in.pickup_point_id.find(':', first + 1);
    if (second == std::string::npos || second + 1 >= in.pickup_point_id.size()) {
      c.fail("pickup_point_id",
             "must look like <carrier>:<country>:<point id>, e.g. mondialrelay:FR:020230");
    } else {
      std::string carrier = in.pickup_point_id.substr(0, first);
      std::string country = in.pickup_point_id.substr(first + 1, second - first - 1);
      req.pickup_point_country = country;
      req.pickup_point_id = in.pickup_point_id.substr(second + 1);
      if (!is_iso_country(country))
        c.fail("pickup_point_id", "the country part must be an ISO 3166-1 alpha-2 code");
      if (!in.carrier.empty() && in.carrier != "auto" && carrier != in.carrier)
        c.fail("pickup_point_id", "the point belongs to " + carrier + ", not to " + in.carrier);
    }
    if (!needs_point && service_known)
      c.fail("pickup_point_id", "is only allowed with the pickup_point and locker services");
  }

  if (auto* f = c.object(o, "", "from", true)) req.from = read_address(c, *f, "from");
  if (auto* t = c.object(o, "", "to", true)) req.to = read_address(c, *t, "to");

  if (auto* p = o.if_contains("parcels"); !p || p->is_null()) {
    c.fail("parcels", "is required");
  } else if (!p->is_array()) {
    c.fail("parcels", "must be an array");
  } else if (p->as_array().empty()) {
    c.fail("parcels", "must hold at least one parcel");
  } else if (p->as_array().size() > static_cast<std::size_t>(kMaxParcels)) {
    c.fail("parcels", "must hold at most " + std::to_string(kMaxParcels) + " parcels");
  } else {
    const auto& list = p->as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string path = "parcels[" + std::to_string(i) + "]";
      if (!list[i].is_object()) {
        c.fail(path, "must be an object");
        continue;
      }
      const auto& po = list[i].as_object();
      c.only_keys(po, path, {"weight_g", "dimensions_mm", "reference"});
      parcel parcel;
      parcel.weight_g = c.integer(po, path, "weight_g", true, 1, kMaxWeightG);
      parcel.reference = c.str(po, path, "reference", false, 100);
      if (auto* d = c.object(po, path, "dimensions_mm", false)) {
        std::string dpath = path + ".dimensions_mm";
        c.only_keys(*d, dpath, {"length", "width", "height"});
        dimensions dims;
        dims.length = c.integer(*d, dpath, "length", true, 1, kMaxDimensionMm);
        dims.width = c.integer(*d, dpath, "width", true, 1, kMaxDimensionMm);
        dims.height = c.integer(*d, dpath, "height", true, 1, kMaxDimensionMm);
        parcel.dimensions_mm = dims;
      }
      req.parcels.push_back(parcel);
    }
  }

  if (auto* l = c.object(o, "", "label", false)) {
    c.only_keys(*l, "label", {"mode", "format", "size"});
    if (auto m = c.str(*l, "label", "mode", false, 20); m == "labelless")
      in.labelless = true;
    else if (!m.empty() && m != "print")
      c.fail("label.mode", "must be print or labelless");
    if (auto f = c.str(*l, "label", "format", false, 10); !f.empty()) {
      if (auto v = parse_label_format(f))
        req.format = *v;
      else
        c.fail("label.format", "must be one of pdf, zpl, png");
    }
    if (auto s = c.str(*l, "label", "size", false, 10); !s.empty()) {
      if (auto v = parse_label_size(s))
        req.size = *v;
      else
        c.fail("label.size", "must be one of a6, 4x6, a4");
    }
  }

  if (in.labelless && req.dir != direction::return_)
    c.fail("label.mode",
           "labelless is only for returns (direction return): an outbound parcel needs its label");

  in.selection = c.str(o, "", "selection", false, 20);
  if (!in.selection.empty()) {
    if (in.selection != "cheapest" && in.selection != "fastest")
      c.fail("selection", "must be cheapest or fastest");
    else if (in.carrier != "auto")
      c.fail("selection", "is only allowed with carrier auto");
  }
  return in;
}

}  // namespace parcelgate
