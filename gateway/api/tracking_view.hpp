#pragma once
// The tracking timeline of one shipment as the read side serves it (DESIGN §4 "Tracking"): what
// GET /v1/tracking/{number} and GET /v1/shipments/{id}/events answer in JSON and what the public
// page /track/{number} shows. Built from the shipment's columns and its stored events only, never
// from the shipment's body: names, phone numbers, e-mail and street addresses cannot reach it.
//
// Events are oldest first (the timeline's own order, timeline.hpp). Each has a stable id,
// "evt_" + 20 hex digits of SHA-256 over (shipment id, occurred_at in UTC, carrier code), so the
// same scan keeps its id across reads, polls and pushes. A shipment whose carrier sold the label
// (it has a tracking number) starts with the gateway's own `label_created` event at the
// shipment's creation, unless its carrier reported one.

#include <string>
#include <string_view>
#include <vector>

#include "gateway/store/store.hpp"

namespace parcelgate::api {

struct tracking_location {
  std::string city, postal_code, country, point_id;  // empty: not known (JSON null)
};

struct tracking_entry {
  std::string id;
  std::string status;        // a tracking status (DESIGN §6)
  std::string carrier_code;  // empty for the gateway's own events
  std::string description;   // the carrier's text, untrusted
  tracking_location location;
  std::string occurred_at;  // RFC 3339 UTC
  std::string source;       // carrier_poll | carrier_push | point_scan | gateway
};

struct tracking_view {
  std::string tracking_number;  // empty before the carrier sold the label
  std::string carrier;
  std::string shipment_id;
  std::string status;                  // the shipment's status
  std::string status_detail;           // the carrier's text of the latest event with that status
  std::vector<tracking_entry> events;  // oldest first
};

// "evt_" + 20 hex digits of SHA-256 over the shipment id, the instant and the carrier code.
std::string tracking_event_id(std::string_view shipment_id, std::string_view occurred_at,
                              std::string_view carrier_code);

tracking_view make_tracking_view(const store::shipment_row& shipment,
                                 const std::vector<store::stored_event>& events);

// {"tracking_number", "carrier", "shipment_id", "status", "status_detail", "estimated_delivery",
//  "events": [...]}; empty strings are null, estimated_delivery is null (no carrier gives one yet).
std::string render_tracking_json(const tracking_view& view);

}  // namespace parcelgate::api
