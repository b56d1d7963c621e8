// The OpenAPI 3.1 document, generated from the route table: each route carries its route_doc
// (operationId, tag, parameters, request body, answers) and this file holds the shared pieces:
// component schemas, headers, tags and the answers every keyed route can give.
// tests/integration/openapi_contract_test.cpp validates real answers of every route against it.

#include <boost/json.hpp>

#include <algorithm>
#include <utility>
#include <vector>

#include "gateway/api/gateway_api.hpp"
#include "gateway/domain/shipment.hpp"
#include "gateway/domain/shipment_input.hpp"
#include "gateway/domain/tracking.hpp"
#include "gateway/tariffs/compare.hpp"
#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::api {

namespace json = boost::json;

namespace {

// ---- enumerations, written from the code's own name tables ------------------------------------

template <class E>
json::object enum_of(E last, std::string_view description) {
  json::array values;
  for (int i = 0; i <= static_cast<int>(last); ++i)
    values.emplace_back(to_string(static_cast<E>(i)));
  return {{"type", "string"}, {"enum", std::move(values)}, {"description", description}};
}

json::object reason_codes() {
  json::array values;
  for (int i = 0; i <= static_cast<int>(tariffs::reason_code::too_many_parcels); ++i)
    values.emplace_back(tariffs::to_string(static_cast<tariffs::reason_code>(i)));
  return {{"type", "string"},
          {"enum", std::move(values)},
          {"description", "Why a contract cannot price a shipment"}};
}

json::object tracking_statuses() {
  json::array values;
  for (int i = 0; i <= static_cast<int>(tracking_status::unknown); ++i)
    values.emplace_back(to_string(static_cast<tracking_status>(i)));
  return {{"type", "string"},
          {"enum", std::move(values)},
          {"description",
           "Normalized tracking statuses (accepted by the status filter of GET /v1/shipments)"}};
}

// ---- component schemas -------------------------------------------------------------------------
// Response objects are closed (additionalProperties: false) and list every member they always
// carry in `required`: a member added to a response without its description here fails the
// contract test. A member that can be null is typed ["<type>", "null"].

constexpr std::string_view kSchemas = R"json({
"ShipmentStatus": {"type": "string", "enum": ["awaiting_dropoff", "label_created", "pending_confirmation", "cancelled"],
  "description": "awaiting_dropoff: a label-less return issued, its label not bought yet (a collection point's scan of its return_code buys it). label_created: the carrier sold the label. pending_confirmation: the carrier may have sold one (timeout or unreadable answer); it is reconciled, never bought again. cancelled: voided."},
"ShipmentId": {"type": "string", "pattern": "^shp_[0-9a-z]{15}$", "examples": ["shp_0a1b2c3d4e5f6g7"]},
"CountryCode": {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2, uppercase"},
"Dimensions": {"type": "object", "additionalProperties": false, "required": ["length", "width", "height"],
  "description": "Millimetres",
  "properties": {"length": {"type": "integer", "minimum": 1, "maximum": @MAX_MM@},
                 "width": {"type": "integer", "minimum": 1, "maximum": @MAX_MM@},
                 "height": {"type": "integer", "minimum": 1, "maximum": @MAX_MM@}}},
"Address": {"type": "object", "additionalProperties": false,
  "required": ["name", "line1", "city", "postal_code", "country"],
  "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100},
                 "company": {"type": ["string", "null"], "maxLength": 100},
                 "line1": {"type": "string", "minLength": 1, "maxLength": 100},
                 "line2": {"type": ["string", "null"], "maxLength": 100},
                 "city": {"type": "string", "minLength": 1, "maxLength": 100},
                 "postal_code": {"type": "string", "minLength": 1, "maxLength": 20},
                 "country": {"$ref": "#/components/schemas/CountryCode"},
                 "phone": {"type": ["string", "null"], "maxLength": 30, "examples": ["+33612345678"]},
                 "email": {"type": ["string", "null"], "maxLength": 254, "format": "email"}}},
"Parcel": {"type": "object", "additionalProperties": false, "required": ["weight_g"],
  "properties": {"weight_g": {"type": "integer", "minimum": 1, "maximum": @MAX_WEIGHT@},
                 "dimensions_mm": {"anyOf": [{"$ref": "#/components/schemas/Dimensions"}, {"type": "null"}]},
                 "reference": {"type": ["string", "null"], "maxLength": 100}}},
"ShipmentCreate": {"type": "object", "additionalProperties": false,
  "required": ["carrier", "service", "from", "to", "parcels"],
  "properties": {
    "reference": {"type": ["string", "null"], "maxLength": 100, "description": "Your reference (order number)"},
    "direction": {"anyOf": [{"$ref": "#/components/schemas/Direction"}, {"type": "null"}], "default": "outbound"},
    "carrier": {"type": "string", "minLength": 1, "maxLength": 40,
                "description": "A configured carrier id (GET /v1/carriers), or auto: the contract chosen by `selection` among the negotiated tariffs"},
    "service": {"$ref": "#/components/schemas/ServiceLevel"},
    "carrier_service": {"type": ["string", "null"], "maxLength": 20, "pattern": "^[A-Za-z0-9+_-]*$",
                        "description": "The carrier's own product code, when you want a specific one"},
    "pickup_point_id": {"type": ["string", "null"], "maxLength": 80,
                        "description": "<carrier>:<country>:<point id>; required for pickup_point and locker, refused otherwise",
                        "examples": ["mondialrelay:FR:020230"]},
    "from": {"$ref": "#/components/schemas/Address"},
    "to": {"$ref": "#/components/schemas/Address"},
    "parcels": {"type": "array", "minItems": 1, "maxItems": @MAX_PARCELS@, "items": {"$ref": "#/components/schemas/Parcel"}},
    "label": {"anyOf": [{"type": "null"},
                        {"type": "object", "additionalProperties": false,
                         "properties": {"mode": {"anyOf": [{"type": "string", "enum": ["print", "labelless"]}, {"type": "null"}], "default": "print",
                                                 "description": "labelless (returns only, carriers with capabilities.labelless_returns): no label now; a return_code and a QR code the customer shows at a collection point, which buys the label then"},
                                        "format": {"anyOf": [{"$ref": "#/components/schemas/LabelFormat"}, {"type": "null"}], "default": "pdf"},
                                        "size": {"anyOf": [{"$ref": "#/components/schemas/LabelSize"}, {"type": "null"}], "default": "a6"}}}]},
    "selection": {"anyOf": [{"type": "string", "enum": ["cheapest", "fastest"]}, {"type": "null"}],
                  "description": "Only with carrier auto; cheapest by default"}}},
"ShipmentAddress": {"type": "object", "additionalProperties": false,
  "required": ["name", "company", "line1", "line2", "city", "postal_code", "country", "phone", "email"],
  "description": "An address as stored: optional members that were not given are null",
  "properties": {"name": {"type": "string"}, "company": {"type": ["string", "null"]},
                 "line1": {"type": "string"}, "line2": {"type": ["string", "null"]},
                 "city": {"type": "string"}, "postal_code": {"type": "string"},
                 "country": {"$ref": "#/components/schemas/CountryCode"},
                 "phone": {"type": ["string", "null"]}, "email": {"type": ["string", "null"]}}},
"ShipmentParcel": {"type": "object", "additionalProperties": false,
  "required": ["weight_g", "dimensions_mm", "reference"],
  "properties": {"weight_g": {"type": "integer", "minimum": 1},
                 "dimensions_mm": {"anyOf": [{"$ref": "#/components/schemas/Dimensions"}, {"type": "null"}]},
                 "reference": {"type": ["string", "null"]}}},
"ShipmentLabel": {"type": "object", "additionalProperties": false, "required": ["format", "size", "url"],
  "properties": {"format": {"$ref": "#/components/schemas/LabelFormat"},
                 "size": {"$ref": "#/components/schemas/LabelSize"},
                 "url": {"type": "string", "pattern": "^/v1/shipments/shp_[0-9a-z]{15}/label$"}}},
"ShipmentRate": {"type": "object", "additionalProperties": false, "required": ["amount", "currency", "contract"],
  "description": "The negotiated price of the contract that carries the shipment, in minor units",
  "properties": {"amount": {"type": "integer"}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                 "contract": {"type": "string"}}},
"Shipment": {"type": "object", "additionalProperties": false,
  "required": ["id", "object", "tenant", "status", "carrier", "service", "carrier_service", "pickup_point_id",
               "tracking_number", "tracking_url", "label", "rate", "rate_unavailable_reason", "reference",
               "direction", "from", "to", "parcels", "created_at", "updated_at"],
  "properties": {
    "id": {"$ref": "#/components/schemas/ShipmentId"},
    "object": {"const": "shipment"},
    "tenant": {"type": "string", "description": "The tenant that owns the shipment (a merchant key sees its own)"},
    "status": {"anyOf": [{"$ref": "#/components/schemas/ShipmentStatus"}, {"$ref": "#/components/schemas/TrackingStatus"}],
               "description": "The purchase's outcome, then the parcel's tracking status as its scans arrive (docs/tracking.md)"},
    "carrier": {"type": "string", "description": "The carrier id"},
    "service": {"$ref": "#/components/schemas/ServiceLevel"},
    "carrier_service": {"type": ["string", "null"], "description": "The carrier's product code"},
    "pickup_point_id": {"type": ["string", "null"]},
    "return_code": {"type": ["string", "null"], "pattern": "^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}[0-9A-HJKMNP-TV-Z*~$=U]$",
                    "description": "A label-less return's code as people read it (Crockford base32, the last symbol a check symbol); null for printed labels"},
    "qr_code_url": {"type": ["string", "null"], "pattern": "^/v1/shipments/shp_[0-9a-z]{15}/qr$",
                    "description": "Where the return code's QR code is served (PNG, or SVG with ?format=svg); null for printed labels"},
    "tracking_number": {"type": ["string", "null"], "description": "null until the carrier sold the label"},
    "tracking_url": {"type": ["string", "null"]},
    "carrier_reference": {"type": "string",
             "description": "Present when the carrier has its own id of the shipment besides the tracking number (InPost's ShipX shipment id, Colissimo's partner number); the gateway voids the label with it"},
    "label": {"anyOf": [{"$ref": "#/components/schemas/ShipmentLabel"}, {"type": "null"}]},
    "rate": {"anyOf": [{"$ref": "#/components/schemas/ShipmentRate"}, {"type": "null"}],
             "description": "null when no negotiated contract prices the shipment"},
    "rate_unavailable_reason": {"type": ["string", "null"],
             "description": "Why rate is null (no tariffs loaded, no contract in force, what each contract could not price); null when there is a rate"},
    "reference": {"type": ["string", "null"]},
    "direction": {"$ref": "#/components/schemas/Direction"},
    "from": {"$ref": "#/components/schemas/ShipmentAddress"},
    "to": {"$ref": "#/components/schemas/ShipmentAddress"},
    "parcels": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/ShipmentParcel"}},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"}}},
"ShipmentList": {"type": "object", "additionalProperties": false, "required": ["data", "has_more", "next_cursor"],
  "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Shipment"}},
                 "has_more": {"type": "boolean"},
                 "next_cursor": {"anyOf": [{"$ref": "#/components/schemas/ShipmentId"}, {"type": "null"}],
                                 "description": "Pass as starting_after for the next page; null on the last page"}}},
"WebhookId": {"type": "string", "pattern": "^whk_[0-9a-z]{15}$", "examples": ["whk_0a1b2c3d4e5f6g7"]},
"WebhookEventType": {"type": "string", "enum": ["shipment.created", "shipment.status_changed", "shipment.cancelled", "pickup.scheduled", "pickup.cancelled"],
  "description": "shipment.created: a label was bought (or a pending_confirmation purchase confirmed). shipment.status_changed: the status moved (tracking). shipment.cancelled: the label was voided. pickup.scheduled: the carrier confirmed a pickup (or an unconfirmed one was confirmed). pickup.cancelled: a pickup was cancelled. The data of a pickup event is the Pickup."},
"PickupId": {"type": "string", "pattern": "^pck_[0-9a-z]{15}$", "examples": ["pck_0a1b2c3d4e5f6g7"]},
"PickupStatus": {"type": "string", "enum": ["booking", "scheduled", "unconfirmed", "cancelled"],
  "description": "booking: the carrier is being asked. scheduled: the carrier confirmed it (confirmation). unconfirmed: the carrier may have booked it (timeout, unreadable answer, a stop of the gateway); it is never booked again with its key: ask the carrier. cancelled."},
"PickupCreate": {"type": "object", "additionalProperties": false, "required": ["carrier", "address"],
  "properties": {
    "carrier": {"type": "string", "minLength": 1, "maxLength": 40, "description": "A configured carrier that books pickups (GET /v1/carriers: capabilities.pickups)"},
    "address": {"$ref": "#/components/schemas/Address", "description": "Where the driver comes; name, phone and email are the contact"},
    "date": {"type": ["string", "null"], "format": "date", "description": "The carrier's local date (YYYY-MM-DD), from today to capabilities.pickup_max_days_ahead days ahead. Left out: the first date the carrier offers at the address (today where it publishes no dates)"},
    "window": {"anyOf": [{"type": "null"}, {"type": "object", "additionalProperties": false, "required": ["from", "to"],
      "properties": {"from": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
                     "to": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}}}],
      "description": "When the driver may come, local time; at least capabilities.pickup_min_window_min minutes"},
    "shipment_ids": {"type": ["array", "null"], "minItems": 1, "maxItems": 100, "items": {"$ref": "#/components/schemas/ShipmentId"},
      "description": "Your shipments of this carrier the driver takes (label_created, in no other active pickup)"},
    "parcel_count": {"type": ["integer", "null"], "minimum": 1, "maximum": 500, "description": "Instead of shipment_ids, where the carrier takes a bare count"},
    "instructions": {"type": ["string", "null"], "maxLength": 250, "description": "For the driver (gate code, floor)"}}},
"Pickup": {"type": "object", "additionalProperties": false,
  "required": ["id", "object", "tenant", "status", "carrier", "confirmation", "carrier_status", "date", "window", "address", "shipment_ids", "parcel_count", "instructions", "created_at", "updated_at"],
  "properties": {
    "id": {"$ref": "#/components/schemas/PickupId"},
    "object": {"type": "string", "enum": ["pickup"]},
    "tenant": {"type": "string"},
    "status": {"$ref": "#/components/schemas/PickupStatus"},
    "carrier": {"type": "string"},
    "confirmation": {"type": ["string", "null"], "description": "The carrier's number for the pickup, once scheduled"},
    "carrier_status": {"type": ["string", "null"], "description": "The carrier's own status word for the booking"},
    "date": {"type": "string", "format": "date"},
    "window": {"anyOf": [{"type": "null"}, {"type": "object", "additionalProperties": false, "required": ["from", "to"],
      "properties": {"from": {"type": "string"}, "to": {"type": "string"}}}]},
    "address": {"$ref": "#/components/schemas/Address"},
    "shipment_ids": {"type": "array", "items": {"$ref": "#/components/schemas/ShipmentId"}},
    "parcel_count": {"type": "integer", "minimum": 1},
    "instructions": {"type": ["string", "null"]},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"}}},
"WebhookCreate": {"type": "object", "additionalProperties": false, "required": ["url", "events"],
  "properties": {"url": {"type": "string", "format": "uri", "maxLength": 2048, "description": "https URL of a public host"},
                 "events": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/components/schemas/WebhookEventType"}}}},
"WebhookEndpoint": {"type": "object", "additionalProperties": false,
  "required": ["id", "object", "url", "events", "status", "disabled_reason", "previous_secret_expires_at", "created_at"],
  "properties": {"id": {"$ref": "#/components/schemas/WebhookId"},
                 "object": {"type": "string", "enum": ["webhook_endpoint"]},
                 "url": {"type": "string"},
                 "events": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookEventType"}},
                 "status": {"type": "string", "enum": ["enabled", "disabled"], "description": "disabled: the endpoint answered 410 Gone; nothing is sent to it any more"},
                 "disabled_reason": {"type": ["string", "null"]},
                 "previous_secret_expires_at": {"type": ["string", "null"], "format": "date-time",
                   "description": "Until then the secret before the last rotation still signs (a second v1 signature)"},
                 "created_at": {"type": "string", "format": "date-time"}}},
"WebhookEndpointWithSecret": {"type": "object", "additionalProperties": false,
  "required": ["id", "object", "url", "events", "status", "disabled_reason", "previous_secret_expires_at", "created_at", "secret"],
  "properties": {"id": {"$ref": "#/components/schemas/WebhookId"},
                 "object": {"type": "string", "enum": ["webhook_endpoint"]},
                 "url": {"type": "string"},
                 "events": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookEventType"}},
                 "status": {"type": "string", "enum": ["enabled", "disabled"]},
                 "disabled_reason": {"type": ["string", "null"]},
                 "previous_secret_expires_at": {"type": ["string", "null"], "format": "date-time"},
                 "created_at": {"type": "string", "format": "date-time"},
                 "secret": {"type": "string", "pattern": "^whsec_[A-Za-z0-9+/]{32,}={0,2}$",
                            "description": "The signing secret, shown only here: base64 of 32 random bytes after whsec_"}}},
"WebhookList": {"type": "object", "additionalProperties": false, "required": ["data", "has_more", "next_cursor"],
  "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookEndpoint"}},
                 "has_more": {"type": "boolean"},
                 "next_cursor": {"anyOf": [{"$ref": "#/components/schemas/WebhookId"}, {"type": "null"}]}}},
"WebhookDeleted": {"type": "object", "additionalProperties": false, "required": ["id", "object", "deleted"],
  "properties": {"id": {"$ref": "#/components/schemas/WebhookId"}, "object": {"type": "string", "enum": ["webhook_endpoint"]},
                 "deleted": {"type": "boolean", "enum": [true]}}},
"WebhookDelivery": {"type": "object", "additionalProperties": false,
  "required": ["event_id", "event_type", "attempt", "status_code", "error", "duration_ms", "at", "next_attempt_at"],
  "properties": {"event_id": {"type": "string", "pattern": "^evt_[0-9a-f]{32}$", "description": "The webhook-id header of the attempt"},
                 "event_type": {"$ref": "#/components/schemas/WebhookEventType"},
                 "attempt": {"type": "integer", "minimum": 1},
                 "status_code": {"type": ["integer", "null"], "description": "The endpoint's HTTP status; null when none came"},
                 "error": {"type": ["string", "null"], "description": "Why the attempt failed; null when delivered"},
                 "duration_ms": {"type": "integer", "minimum": 0},
                 "at": {"type": "string", "format": "date-time"},
                 "next_attempt_at": {"type": ["string", "null"], "format": "date-time", "description": "When it is retried; null when delivered, given up or disabled"}}},
"WebhookDeliveryList": {"type": "object", "additionalProperties": false, "required": ["data", "has_more", "next_cursor"],
  "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookDelivery"}},
                 "has_more": {"type": "boolean"},
                 "next_cursor": {"type": ["string", "null"]}}},
"WebhookEvent": {"type": "object", "additionalProperties": false, "required": ["id", "type", "created_at", "data"],
  "description": "The body of every delivery (POST, application/json), signed per Standard Webhooks: webhook-id (= id), webhook-timestamp, webhook-signature (v1,<base64 HMAC-SHA256>)",
  "properties": {"id": {"type": "string", "pattern": "^evt_[0-9a-f]{32}$"},
                 "type": {"$ref": "#/components/schemas/WebhookEventType"},
                 "created_at": {"type": "string", "format": "date-time"},
                 "data": {"$ref": "#/components/schemas/Shipment"}}},
"Carrier": {"type": "object", "additionalProperties": false, "required": ["id", "name", "capabilities"],
  "properties": {
    "id": {"type": "string"}, "name": {"type": "string"},
    "capabilities": {"type": "object", "additionalProperties": false,
      "required": ["labels", "cancel", "pickups", "tracking_poll", "tracking_push", "points", "returns",
                   "labelless_returns", "services", "label_formats", "label_sizes", "max_parcels",
                   "max_parcels_note", "destination_countries"],
      "properties": {
        "labels": {"type": "boolean"},
        "cancel": {"type": "object", "additionalProperties": false, "required": ["mode", "note"],
                   "properties": {"mode": {"type": "string", "enum": ["carrier", "local", "none"],
                                           "description": "carrier: an API call voids the label; local: the carrier bills scanned parcels only, so the gateway records the void; none"},
                                  "note": {"type": "string"}}},
        "pickups": {"type": "boolean"}, "tracking_poll": {"type": "boolean"}, "tracking_push": {"type": "boolean"},
        "points": {"type": "boolean"}, "returns": {"type": "boolean"}, "labelless_returns": {"type": "boolean"},
        "services": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceLevel"}},
        "label_formats": {"type": "array", "items": {"$ref": "#/components/schemas/LabelFormat"}},
        "label_sizes": {"type": "array", "items": {"$ref": "#/components/schemas/LabelSize"}},
        "max_parcels": {"type": "integer", "minimum": 1,
                        "description": "Parcels one shipment may hold with the normalized services"},
        "max_parcels_note": {"type": ["string", "null"],
                             "description": "When a carrier_service allows more parcels, which one"},
        "destination_countries": {"type": "array", "items": {"$ref": "#/components/schemas/CountryCode"},
                                  "description": "Empty: not restricted by the adapter"}}}}},
"CarrierList": {"type": "object", "additionalProperties": false, "required": ["data"],
  "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Carrier"}}}},
"Place": {"type": "object", "additionalProperties": false, "required": ["country", "postal_code"],
  "description": "Where a parcel leaves or goes: only country and postal_code price it; the other address members are accepted and ignored",
  "properties": {"country": {"$ref": "#/components/schemas/CountryCode"},
                 "postal_code": {"type": "string", "minLength": 1, "maxLength": 20},
                 "name": {}, "company": {}, "line1": {}, "line2": {}, "city": {}, "phone": {}, "email": {}}},
"RateRequest": {"type": "object", "additionalProperties": false, "required": ["from", "to", "parcels"],
  "properties": {
    "direction": {"anyOf": [{"$ref": "#/components/schemas/Direction"}, {"type": "null"}], "default": "outbound"},
    "from": {"$ref": "#/components/schemas/Place"},
    "to": {"$ref": "#/components/schemas/Place"},
    "parcels": {"type": "array", "minItems": 1, "maxItems": 50, "items": {"$ref": "#/components/schemas/Parcel"}},
    "service": {"anyOf": [{"$ref": "#/components/schemas/ServiceLevel"}, {"type": "null"}],
                "description": "Quote one service; every service when absent"},
    "carriers": {"type": ["array", "null"], "items": {"type": "string", "minLength": 1},
                 "description": "Only these carriers' contracts"},
    "date": {"type": ["string", "null"], "format": "date", "description": "Shipping date (validity of contracts); today when absent"}}},
"Money": {"type": "object", "additionalProperties": false, "required": ["amount", "currency"],
  "properties": {"amount": {"type": "integer", "description": "Minor units (cents)"},
                 "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}},
"Quote": {"type": "object", "additionalProperties": false,
  "required": ["contract", "carrier", "service", "carrier_service", "zone", "total", "breakdown", "transit_days"],
  "properties": {
    "contract": {"type": "string"}, "carrier": {"type": "string"},
    "service": {"$ref": "#/components/schemas/ServiceLevel"},
    "carrier_service": {"type": ["string", "null"]},
    "zone": {"type": "string"},
    "total": {"$ref": "#/components/schemas/Money"},
    "breakdown": {"type": "array", "description": "Lines summing to total.amount",
      "items": {"type": "object", "additionalProperties": false, "required": ["kind", "name", "amount"],
                "properties": {"kind": {"type": "string", "enum": ["base", "discount", "surcharge", "returns"]},
                               "name": {"type": "string"}, "amount": {"type": "integer"}}}},
    "transit_days": {"type": ["integer", "null"], "minimum": 0}}},
"RateQuotes": {"type": "object", "additionalProperties": false,
  "required": ["quotes", "unavailable", "cheapest", "fastest"],
  "properties": {
    "quotes": {"type": "array", "items": {"$ref": "#/components/schemas/Quote"}, "description": "Sorted by total"},
    "unavailable": {"type": "array", "description": "Contracts that cannot carry the shipment, with the reason",
      "items": {"type": "object", "additionalProperties": false, "required": ["contract", "service", "code", "reason"],
                "properties": {"contract": {"type": "string"},
                               "service": {"$ref": "#/components/schemas/ServiceLevel"},
                               "code": {"$ref": "#/components/schemas/UnavailableCode"},
                               "reason": {"type": "string"}}}},
    "cheapest": {"type": ["string", "null"], "description": "Contract of the cheapest quote"},
    "fastest": {"type": ["string", "null"], "description": "Contract of the fastest quote"}}},
"TariffContract": {"type": "object", "additionalProperties": false,
  "required": ["contract", "carrier", "currency", "valid_from", "valid_to", "in_force", "services", "zones", "returns"],
  "properties": {
    "contract": {"type": "string"}, "carrier": {"type": "string"},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "valid_from": {"type": "string", "format": "date"}, "valid_to": {"type": "string", "format": "date"},
    "in_force": {"type": "boolean", "description": "Today is within the validity"},
    "services": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceLevel"}},
    "zones": {"type": "array", "items": {"type": "object", "additionalProperties": false,
      "required": ["name", "countries", "postal_codes"],
      "properties": {"name": {"type": "string"},
                     "countries": {"type": "array", "items": {"$ref": "#/components/schemas/CountryCode"}},
                     "postal_codes": {"type": "array", "items": {"type": "string"}}}}},
    "returns": {"type": "boolean", "description": "The contract prices returns"},
    "tenants": {"type": "array", "items": {"type": "string"},
                "description": "Tenants the contract is restricted to (empty: everyone); ops keys only"}}},
"TariffList": {"type": "object", "additionalProperties": false, "required": ["data", "configured"],
  "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/TariffContract"}},
                 "configured": {"type": "boolean", "description": "A tariffs folder is configured"}}},
"CompareRow": {"type": "object", "additionalProperties": false,
  "required": ["from_country", "from_postal_code", "to_country", "to_postal_code", "weight_g", "service"],
  "description": "One shipment, with the columns of the CSV form. A row that breaks these rules is reported in bad_rows, not refused.",
  "properties": {"date": {"type": ["string", "null"], "format": "date"},
                 "direction": {"type": ["string", "null"], "enum": ["outbound", "return", null]},
                 "from_country": {"type": "string"}, "from_postal_code": {"type": "string"},
                 "to_country": {"type": "string"}, "to_postal_code": {"type": "string"},
                 "weight_g": {"type": ["integer", "string"]},
                 "length_mm": {"type": ["integer", "string", "null"]},
                 "width_mm": {"type": ["integer", "string", "null"]},
                 "height_mm": {"type": ["integer", "string", "null"]},
                 "service": {"type": "string"},
                 "carrier": {"type": ["string", "null"]},
                 "contract": {"type": ["string", "null"], "description": "Contract the shipment was billed under (audit)"},
                 "billed_amount": {"type": ["string", "number", "null"], "description": "Amount billed, major units (audit)"},
                 "currency": {"type": ["string", "null"]}}},
"CompareRequest": {"type": "object", "additionalProperties": false, "required": ["shipments"],
  "properties": {"shipments": {"type": "array", "items": {"$ref": "#/components/schemas/CompareRow"}},
                 "target": {"type": ["string", "null"], "description": "A contract to negotiate for"},
                 "share": {"type": ["string", "number", "null"],
                           "description": "Percentage (above 0, at most 100) of the rows the target should win; needs target"},
                 "date": {"type": ["string", "null"], "format": "date", "description": "Price every row on this date"}}},
"Percent": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,4})?$"},
"NegotiationGoal": {"type": "object", "additionalProperties": false, "required": ["status", "extra_discount_percent"],
  "properties": {"status": {"type": "string", "enum": ["already", "reachable", "not_reachable"]},
                 "extra_discount_percent": {"$ref": "#/components/schemas/Percent"}}},
"TariffComparison": {"type": "object", "additionalProperties": false,
  "required": ["currency", "date_override", "rows", "best_total", "common_best_total", "warnings", "contracts",
               "weight_bands", "audit", "negotiation", "bad_rows"],
  "description": "Money in minor units, percents as exact decimal strings, counts as integers",
  "properties": {
    "currency": {"type": "string"},
    "date_override": {"type": ["string", "null"], "format": "date"},
    "rows": {"type": "object", "additionalProperties": false, "required": ["total", "bad", "priceable", "unpriceable", "priced_by_all"],
             "properties": {"total": {"$ref": "#/components/schemas/Count"}, "bad": {"$ref": "#/components/schemas/Count"},
                            "priceable": {"$ref": "#/components/schemas/Count"}, "unpriceable": {"$ref": "#/components/schemas/Count"},
                            "priced_by_all": {"$ref": "#/components/schemas/Count", "description": "rows every compared contract can price"}}},
    "best_total": {"type": "integer"},
    "common_best_total": {"type": "integer", "description": "best total over the rows every contract prices"},
    "warnings": {"type": "array", "items": {"type": "string"},
                 "description": "e.g. billed amounts that look 100x off (euros given as cents or the reverse)"},
    "contracts": {"type": "array", "items": {"type": "object", "additionalProperties": false,
      "required": ["contract", "carrier", "priced", "unserviceable", "unserviceable_by_reason", "total", "cheapest_count",
                   "common_total", "overbilled_rows", "claim_back", "zones"],
      "properties": {"contract": {"type": "string"}, "carrier": {"type": "string"},
                     "priced": {"$ref": "#/components/schemas/Count"}, "unserviceable": {"$ref": "#/components/schemas/Count"},
                     "unserviceable_by_reason": {"type": "object", "propertyNames": {"$ref": "#/components/schemas/UnavailableCode"},
                                                 "additionalProperties": {"type": "integer", "minimum": 1}},
                     "total": {"type": "integer"}, "cheapest_count": {"$ref": "#/components/schemas/Count"},
                     "common_total": {"type": "integer", "description": "total over the rows every contract prices"},
                     "overbilled_rows": {"$ref": "#/components/schemas/Count"},
                     "claim_back": {"type": "integer", "description": "billed minus priced over the overbilled rows"},
                     "zones": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                       "required": ["zone", "priced", "total", "cheapest_count", "overbilled_rows", "claim_back"],
                       "properties": {"zone": {"type": "string"}, "priced": {"$ref": "#/components/schemas/Count"},
                                      "total": {"type": "integer"}, "cheapest_count": {"$ref": "#/components/schemas/Count"},
                                      "overbilled_rows": {"$ref": "#/components/schemas/Count"},
                                      "claim_back": {"type": "integer"}}}}}}},
    "weight_bands": {"type": "array", "items": {"type": "object", "additionalProperties": false,
      "required": ["label", "min_g", "max_g", "rows", "priceable", "best_total", "contracts"],
      "properties": {"label": {"type": "string"}, "min_g": {"type": "integer", "description": "exclusive"},
                     "max_g": {"type": ["integer", "null"], "description": "null for the last band"},
                     "rows": {"$ref": "#/components/schemas/Count"}, "priceable": {"$ref": "#/components/schemas/Count"},
                     "best_total": {"type": "integer"},
                     "contracts": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                       "required": ["contract", "priced", "total", "cheapest_count"],
                       "properties": {"contract": {"type": "string"}, "priced": {"$ref": "#/components/schemas/Count"},
                                      "total": {"type": "integer"}, "cheapest_count": {"$ref": "#/components/schemas/Count"}}}}}}},
    "audit": {"type": "object", "additionalProperties": false,
      "required": ["tolerance_percent", "tolerance_minor", "rows", "discrepancies", "unpriced", "unknown_contract",
                   "currency_mismatch", "flagged", "billed_total", "priced_total", "overbilled_rows", "claim_back",
                   "median_billed_ratio", "examples"],
      "properties": {"tolerance_percent": {"$ref": "#/components/schemas/Percent"}, "tolerance_minor": {"type": "integer"},
                     "rows": {"$ref": "#/components/schemas/Count"}, "discrepancies": {"$ref": "#/components/schemas/Count"},
                     "unpriced": {"$ref": "#/components/schemas/Count"}, "unknown_contract": {"$ref": "#/components/schemas/Count"},
                     "currency_mismatch": {"$ref": "#/components/schemas/Count"},
                     "flagged": {"$ref": "#/components/schemas/Count"},
                     "billed_total": {"type": "integer"}, "priced_total": {"type": "integer"},
                     "overbilled_rows": {"$ref": "#/components/schemas/Count"}, "claim_back": {"type": "integer"},
                     "median_billed_ratio": {"type": ["number", "null"], "description": "median billed / priced of the audited rows"},
                     "examples": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                       "required": ["line", "contract", "carrier", "billed", "priced", "difference", "detail"],
                       "properties": {"line": {"$ref": "#/components/schemas/Count"}, "contract": {"type": "string"},
                                      "carrier": {"type": "string"}, "billed": {"type": "integer"},
                                      "priced": {"type": ["integer", "null"]}, "difference": {"type": ["integer", "null"]},
                                      "detail": {"type": "string"}, "zone": {"type": ["string", "null"]}}}}}},
    "negotiation": {"anyOf": [{"type": "null"}, {"type": "object", "additionalProperties": false,
      "required": ["contract", "max_extra_discount_percent", "lowest_total", "rivals", "share", "cheapest_rows_now", "cheapest_rows_after"],
      "properties": {"contract": {"type": "string"},
                     "max_extra_discount_percent": {"$ref": "#/components/schemas/Percent"},
                     "lowest_total": {"$ref": "#/components/schemas/NegotiationGoal"},
                     "rivals": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                       "required": ["contract", "shared_rows", "rival_total", "target_total", "target_total_after"],
                       "properties": {"contract": {"type": "string"}, "shared_rows": {"$ref": "#/components/schemas/Count"},
                                      "rival_total": {"type": "integer"}, "target_total": {"type": "integer"},
                                      "target_total_after": {"type": "integer"}}}},
                     "share": {"anyOf": [{"type": "null"}, {"type": "object", "additionalProperties": false,
                       "required": ["status", "extra_discount_percent", "target_share_percent"],
                       "properties": {"status": {"type": "string", "enum": ["already", "reachable", "not_reachable"]},
                                      "extra_discount_percent": {"$ref": "#/components/schemas/Percent"},
                                      "target_share_percent": {"$ref": "#/components/schemas/Percent"}}}]},
                     "cheapest_rows_now": {"$ref": "#/components/schemas/Count"},
                     "cheapest_rows_after": {"$ref": "#/components/schemas/Count"}}}]},
    "bad_rows": {"type": "object", "additionalProperties": false, "required": ["count", "examples"],
                 "properties": {"count": {"$ref": "#/components/schemas/Count"},
                                "examples": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                                  "required": ["line", "reason"],
                                  "properties": {"line": {"$ref": "#/components/schemas/Count"}, "reason": {"type": "string"}}}}}}}},
"Count": {"type": "integer", "minimum": 0},
"FieldError": {"type": "object", "additionalProperties": false, "required": ["field", "message"],
  "properties": {"field": {"type": "string", "description": "Path of the field: \"to.postal_code\", \"parcels[0].weight_g\"; empty for the whole body"},
                 "message": {"type": "string", "minLength": 1}}},
"Problem": {"type": "object", "additionalProperties": false,
  "required": ["type", "title", "status", "detail", "request_id"],
  "description": "RFC 9457 problem details",
  "properties": {
    "type": {"type": "string", "pattern": "^/problems/[a-z0-9-]+$",
             "description": "e.g. /problems/validation-error, not-found, unauthorized, forbidden, rate-limited, conflict, malformed-json, unsupported-media-type, idempotency-key-required, idempotency-key-invalid, idempotency-key-in-use, idempotency-key-reused, purchase-outcome-unknown, pickup-outcome-unknown, carrier-rejected, carrier-auth-failed, carrier-bad-response, carrier-unavailable, service-unavailable, carrier-rate-limited, carrier-timeout, tariffs-not-configured, body-too-large, internal-error"},
    "title": {"type": "string", "minLength": 1},
    "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "The HTTP status"},
    "detail": {"type": "string", "minLength": 1},
    "request_id": {"type": "string", "minLength": 1, "description": "Also in the X-Request-Id header (a replayed answer keeps the original request's id)"},
    "errors": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/FieldError"}},
    "carrier": {"type": "object", "additionalProperties": false, "required": ["id"],
                "description": "The carrier whose answer caused the problem, with its own code and message",
                "properties": {"id": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}},
    "shipment_id": {"$ref": "#/components/schemas/ShipmentId"}}},
"Health": {"type": "object", "additionalProperties": false, "required": ["status"],
  "properties": {"status": {"const": "ok"}}},
"Readiness": {"type": "object", "additionalProperties": false, "required": ["status"],
  "properties": {"status": {"type": "string", "enum": ["ready", "not_ready", "storage_unavailable"]}}},
"OpenApiDocument": {"type": "object", "required": ["openapi", "info", "paths", "components"],
  "description": "This document",
  "properties": {"openapi": {"type": "string", "pattern": "^3\\.1\\.[0-9]+$"}}}
})json";

// The tracking read side (gateway/api/tracking_view.hpp).
constexpr std::string_view kTrackingSchemas = R"json({
"TrackingLocation": {"type": "object", "additionalProperties": false, "required": ["city", "postal_code", "country", "point_id"],
  "description": "Where the scan happened, as the carrier names it; null members are not known",
  "properties": {"city": {"type": ["string", "null"]}, "postal_code": {"type": ["string", "null"]},
                 "country": {"type": ["string", "null"]},
                 "point_id": {"type": ["string", "null"], "description": "The collection point or locker of the scan"}}},
"TrackingEvent": {"type": "object", "additionalProperties": false,
  "required": ["id", "status", "carrier_code", "description", "location", "occurred_at", "source"],
  "properties": {
    "id": {"type": "string", "pattern": "^evt_[0-9a-f]{20}$",
           "description": "Stable: derived from the shipment, the instant and the carrier code"},
    "status": {"$ref": "#/components/schemas/TrackingStatus"},
    "carrier_code": {"type": ["string", "null"], "description": "The carrier's own event code; null for the gateway's own events"},
    "description": {"type": ["string", "null"], "description": "The carrier's text, as sent"},
    "location": {"$ref": "#/components/schemas/TrackingLocation"},
    "occurred_at": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
    "source": {"anyOf": [{"type": "string", "enum": ["carrier_push", "carrier_poll", "point_scan", "gateway"]}, {"type": "null"}]}}},
"Tracking": {"type": "object", "additionalProperties": false,
  "required": ["tracking_number", "carrier", "shipment_id", "status", "status_detail", "estimated_delivery", "events"],
  "properties": {
    "tracking_number": {"type": ["string", "null"], "description": "null until the carrier sold the label"},
    "carrier": {"type": "string"},
    "shipment_id": {"$ref": "#/components/schemas/ShipmentId"},
    "status": {"anyOf": [{"$ref": "#/components/schemas/TrackingStatus"}, {"$ref": "#/components/schemas/ShipmentStatus"}],
               "description": "The shipment's status (DESIGN section 6: final statuses stay final)"},
    "status_detail": {"type": ["string", "null"], "description": "The carrier's text of the latest event with this status"},
    "estimated_delivery": {"type": ["string", "null"], "format": "date-time", "description": "null unless the carrier gave one"},
    "events": {"type": "array", "items": {"$ref": "#/components/schemas/TrackingEvent"}, "description": "Oldest first"}}}
})json";

constexpr std::string_view kHeaders = R"json({
"X-Request-Id": {"required": true, "description": "The caller's X-Request-Id when it is 1-128 characters of [A-Za-z0-9._:-], else a new id",
                 "schema": {"type": "string", "minLength": 1, "maxLength": 128}},
"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 1}},
"Location": {"required": true, "description": "The new shipment, webhook endpoint or pickup", "schema": {"type": "string", "pattern": "^/v1/(shipments/shp|webhooks/whk|pickups/pck)_[0-9a-z]{15}$"}},
"Idempotent-Replayed": {"description": "Present when the answer is the stored answer of an earlier request with the same Idempotency-Key",
                        "schema": {"type": "string", "enum": ["true"]}},
"WWW-Authenticate": {"required": true, "schema": {"type": "string"}},
"Content-Disposition": {"required": true, "schema": {"type": "string"}},
"Cache-Control": {"required": true, "schema": {"type": "string"}},
"Content-Security-Policy": {"required": true, "schema": {"type": "string"}}
})json";

constexpr std::string_view kTags = R"json([
{"name": "Shipments", "description": "Buy, read, list and void labels"},
{"name": "Tariffs", "description": "Negotiated tariffs: quotes, contracts, batch comparison"},
{"name": "Carriers", "description": "Configured carriers and what they can do"},
{"name": "Webhooks", "description": "Signed shipment events pushed to merchants' endpoints"},
{"name": "System", "description": "Health, readiness, metrics and this document"},
{"name": "Tracking", "description": "Parcel timelines: by tracking number, by shipment, the public page, and the carriers' pushes of scans"},
{"name": "Points", "description": "Collection points (relay shops, post offices, lockers) across networks, and what the points report"},
{"name": "Pickups", "description": "Carrier pickups booked at a merchant's address for shipments it bought"}
])json";

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

json::object schemas() {
  std::string text(kSchemas);
  text = replace_all(std::move(text), "@MAX_MM@", std::to_string(kMaxDimensionMm));
  text = replace_all(std::move(text), "@MAX_WEIGHT@", std::to_string(kMaxWeightG));
  text = replace_all(std::move(text), "@MAX_PARCELS@", std::to_string(kMaxParcels));
  auto out = json::parse(text).as_object();
  out["Direction"] =
      enum_of(direction::return_, "outbound: to the recipient; return: back to the merchant");
  out["ServiceLevel"] = enum_of(service_level::express, "Carrier-neutral service level");
  out["LabelFormat"] =
      enum_of(label_format::png, "pdf (application/pdf), zpl (application/x-zpl), png (image/png)");
  out["LabelSize"] = enum_of(label_size::a4, "Label page size");
  out["TrackingStatus"] = tracking_statuses();
  out["UnavailableCode"] = reason_codes();
  const json::value tracking = json::parse(kTrackingSchemas);
  for (const auto& [name, schema] : tracking.as_object()) out[name] = schema;
  return out;
}

// A schema given as text: an inline JSON Schema or the name of a component.
json::value schema_of(std::string_view text) {
  if (!text.empty() && text.front() == '{') return json::parse(text);
  return json::object{{"$ref", "#/components/schemas/" + std::string(text)}};
}

bool is_json_media(std::string_view media) {
  return media == "application/json" || media.ends_with("+json");
}

json::object media_object(const media_doc& m) {
  json::object o{{"schema", schema_of(m.schema)}};
  if (!m.example.empty())
    o["example"] = is_json_media(m.type) ? json::parse(m.example) : json::value(m.example);
  return o;
}

json::object response_object(const response_doc& r) {
  json::object headers{{"X-Request-Id", {{"$ref", "#/components/headers/X-Request-Id"}}}};
  for (const auto& h : r.headers) headers[h] = json::object{{"$ref", "#/components/headers/" + h}};
  json::object out{{"description", r.description}, {"headers", std::move(headers)}};
  json::object content;
  if (r.content.empty() && r.status >= 400)
    content["application/problem+json"] = json::object{{"schema", schema_of("Problem")}};
  for (const auto& m : r.content) content[m.type] = media_object(m);
  if (!content.empty()) out["content"] = std::move(content);
  return out;
}

// Adds an answer shared by several routes, or extends the description of the route's own.
void add_shared(json::object& responses, const response_doc& r) {
  const std::string key = std::to_string(r.status);
  if (auto* existing = responses.if_contains(key)) {
    auto& d = existing->as_object()["description"];
    d = std::string(d.as_string()) + "; or " + r.description;
    return;
  }
  responses[key] = response_object(r);
}

std::string roles_text(unsigned roles) {
  std::string out;
  for (auto [bit, name] :
       {std::pair{merchant, "merchant"}, std::pair{point, "point"}, std::pair{ops, "ops"}})
    if (roles & bit) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

json::object operation(const route& r) {
  const auto& doc = r.doc;
  json::object op{{"summary", r.summary}};
  if (!doc.operation_id.empty()) op["operationId"] = doc.operation_id;
  if (!doc.tag.empty()) op["tags"] = json::array{json::value(doc.tag)};
  std::string description = doc.description;
  if (r.roles != anyone)
    description += std::string(description.empty() ? "" : "\n\n") +
                   "API key roles: " + roles_text(r.roles) + ".";
  if (!description.empty()) op["description"] = description;

  json::array params;
  for (const auto& seg : r.segments) {
    if (seg.size() <= 2 || seg.front() != '{') continue;
    const std::string name = seg.substr(1, seg.size() - 2);
    json::object p{
        {"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
    for (const auto& d : doc.params)
      if (d.in == "path" && d.name == name) {
        if (!d.schema.empty()) p["schema"] = schema_of(d.schema);
        if (!d.description.empty()) p["description"] = d.description;
      }
    params.push_back(std::move(p));
  }
  for (const auto& d : doc.params) {
    if (d.in == "path") continue;
    json::object p{
        {"name", d.name}, {"in", d.in}, {"required", d.required}, {"schema", schema_of(d.schema)}};
    if (!d.description.empty()) p["description"] = d.description;
    params.push_back(std::move(p));
  }
  if (!params.empty()) op["parameters"] = std::move(params);

  if (!doc.request.empty()) {
    json::object content;
    for (const auto& m : doc.request) content[m.type] = media_object(m);
    op["requestBody"] = json::object{{"required", true}, {"content", std::move(content)}};
  }

  json::object responses;
  for (const auto& a : doc.responses) responses[std::to_string(a.status)] = response_object(a);
  if (!doc.responses.empty()) {  // a route without answers stays visibly undocumented
    if (!doc.request.empty())
      add_shared(responses, {413, "The body is larger than server.limits.max_body_bytes", {}, {}});
    if (r.roles != anyone) {
      op["security"] = json::array{json::object{{"api_key", json::array{}}}};
      add_shared(responses, {401, "Missing, unknown or revoked API key", {}, {"WWW-Authenticate"}});
      add_shared(responses, {403, "The key's role may not use this route", {}, {}});
      add_shared(responses, {429, "The API key's rate limit is exceeded", {}, {"Retry-After"}});
      add_shared(responses, {503, "Authentication is temporarily unavailable (storage)", {}, {}});
    }
    add_shared(responses,
               {500, "Internal error (details in the log under the request id)", {}, {}});
  }
  // Answers in status order, whichever part of the code described them.
  std::vector<std::string> statuses;
  for (const auto& kv : responses) statuses.emplace_back(kv.key());
  std::sort(statuses.begin(), statuses.end());
  json::object ordered;
  for (const auto& status : statuses) ordered[status] = std::move(responses[status]);
  op["responses"] = std::move(ordered);
  return op;
}

}  // namespace

std::string openapi_document(const router& router) {
  json::object paths;
  for (const auto& r : router.routes()) {
    std::string method = r.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto& item = paths[r.pattern];
    if (!item.is_object()) item = json::object{};
    item.as_object()[method] = operation(r);
  }
  json::object doc{
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "parcelgate"},
        {"version", "1"},
        {"description",
         "One API for parcel carriers and collection-point networks: labels bought with an "
         "Idempotency-Key, negotiated tariffs, carrier capabilities. Errors are RFC 9457 problems "
         "(application/problem+json) with field paths; every answer carries X-Request-Id."}}},
      {"jsonSchemaDialect", "https://spec.openapis.org/oas/3.1/dialect/base"},
      {"servers", json::array{json::object{{"url", "/"},
                                           {"description", "The gateway serving this document"}}}},
      {"tags", json::parse(kTags)},
      {"paths", std::move(paths)},
      {"components",
       {{"schemas", schemas()},
        {"headers", json::parse(kHeaders)},
        {"securitySchemes",
         {{"api_key",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"description",
             "An API key pg_<role>_... (parcelctl keys create); roles merchant, point, ops"}}}}}}}};
  return json::serialize(doc);
}

}  // namespace parcelgate::api
