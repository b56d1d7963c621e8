#include "gateway/api/tracking_view.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "gateway/domain/ids.hpp"

namespace parcelgate::api {

namespace json = boost::json;

namespace {

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

// The instant as stored (UTC, seconds); a value that does not parse is kept as it is.
std::string utc(std::string_view at) {
  const auto t = parse_rfc3339(at);
  return t ? rfc3339(*t) : std::string(at);
}

}  // namespace

std::string tracking_event_id(std::string_view shipment_id, std::string_view occurred_at,
                              std::string_view carrier_code) {
  std::string key;
  key.reserve(shipment_id.size() + occurred_at.size() + carrier_code.size() + 2);
  key.append(shipment_id).append("\n").append(occurred_at).append("\n").append(carrier_code);
  return "evt_" + sha256_hex(key).substr(0, 20);
}

tracking_view make_tracking_view(const store::shipment_row& shipment,
                                 const std::vector<store::stored_event>& events) {
  tracking_view v{.tracking_number = shipment.tracking_number,
                  .carrier = shipment.carrier,
                  .shipment_id = shipment.id,
                  .status = shipment.status,
                  .status_detail = {},
                  .events = {}};
  bool carrier_label_event = false;
  v.events.reserve(events.size() + 1);
  for (const auto& e : events) {
    carrier_label_event = carrier_label_event || e.status == "label_created";
    const std::string at = utc(e.occurred_at);
    v.events.push_back(tracking_entry{.id = tracking_event_id(shipment.id, at, e.carrier_code),
                                      .status = e.status,
                                      .carrier_code = e.carrier_code,
                                      .description = e.carrier_text,
                                      .location = {.city = e.location,
                                                   .postal_code = e.postal_code,
                                                   .country = e.country,
                                                   .point_id = e.point_id},
                                      .occurred_at = at,
                                      .source = e.source});
  }
  if (!shipment.tracking_number.empty() && !carrier_label_event &&
      parse_rfc3339(shipment.created_at)) {
    const std::string at = utc(shipment.created_at);
    v.events.push_back(tracking_entry{.id = tracking_event_id(shipment.id, at, ""),
                                      .status = "label_created",
                                      .carrier_code = {},
                                      .description = {},
                                      .location = {},
                                      .occurred_at = at,
                                      .source = "gateway"});
  }
  // Oldest first; the stored order (occurred_at, then arrival) is kept among equal instants.
  std::stable_sort(v.events.begin(), v.events.end(), [](const auto& a, const auto& b) {
    return parse_rfc3339(a.occurred_at) < parse_rfc3339(b.occurred_at);
  });
  for (auto it = v.events.rbegin(); it != v.events.rend(); ++it)
    if (it->status == v.status) {
      v.status_detail = it->description;
      break;
    }
  return v;
}

std::string render_tracking_json(const tracking_view& view) {
  json::array events;
  for (const auto& e : view.events)
    events.push_back(json::object{
        {"id", e.id},
        {"status", e.status},
        {"carrier_code", text_or_null(e.carrier_code)},
        {"description", text_or_null(e.description)},
        {"location", json::object{{"city", text_or_null(e.location.city)},
                                  {"postal_code", text_or_null(e.location.postal_code)},
                                  {"country", text_or_null(e.location.country)},
                                  {"point_id", text_or_null(e.location.point_id)}}},
        {"occurred_at", e.occurred_at},
        {"source", text_or_null(e.source)}});
  return json::serialize(json::object{{"tracking_number", text_or_null(view.tracking_number)},
                                      {"carrier", view.carrier},
                                      {"shipment_id", view.shipment_id},
                                      {"status", view.status},
                                      {"status_detail", text_or_null(view.status_detail)},
                                      {"estimated_delivery", nullptr},
                                      {"events", std::move(events)}});
}

}  // namespace parcelgate::api
