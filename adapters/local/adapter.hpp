#pragma once
// The `local` network: an in-house network whose labels and tracking numbers the gateway produces
// itself, for collection-point networks without an API (label-less returns printed at a point)
// and for consolidated bags of returns going to a hub. No HTTP: create_label draws a tracking
// number (tracking_number.hpp) and prints the label in-process (gateway/labels/label.hpp, PDF,
// ZPL or PNG); a void is recorded by the gateway alone. Its tracking events come from
// collection-point scans (POST /v1/points/{id}/dropoffs, handovers), not from polling.
// Settings (carriers.local, all optional):
//   network_name  printed in the label's header band and footer, default "parcelgate local"
//   hub_name      the hub the network's parcels go to, printed in the footer when set
// Behaviour and known gaps: adapters/local/README.md.

#include <memory>

#include "adapters/local/tracking_number.hpp"
#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapters {

std::unique_ptr<carriers::carrier_adapter> make_local_adapter();

}  // namespace parcelgate::adapters
