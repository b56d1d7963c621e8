#pragma once
// InPost ShipX adapter (Poland): parcel lockers and PUDO points (inpost_locker_standard) and
// courier delivery (inpost_courier_standard) through the asynchronous ShipX flow: POST the
// shipment, wait for `confirmed` by polling the label download, read the tracking number, keep
// the ShipX shipment id for voiding. Tracking by polling GET /v1/tracking/{n} and by InPost's
// webhooks (parse_push). Courier pickups by ShipX dispatch orders (pickup.hpp).
// Settings (carriers.inpost):
//   base_url           ShipX host, default https://api-shipx-pl.easypack24.net
//   token              organization API token (Bearer), secret
//   organization_id    numeric organization id
//   push_token         secret the webhook URL carries (?token=), optional
//   confirm_timeout_s  how long a purchase waits for `confirmed` (1-60, default 10), within the
//                      carrier's timeout_s
// Behaviour and known gaps: adapters/inpost/README.md.

#include <memory>

#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapters {

std::unique_ptr<carriers::carrier_adapter> make_inpost_adapter();

}  // namespace parcelgate::adapters
