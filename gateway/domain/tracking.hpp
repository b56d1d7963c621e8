#pragma once
// Normalized tracking statuses (DESIGN §6). Each carrier maps its published event codes to these
// in adapters/<carrier>/status_map.cpp; an unmapped code becomes `unknown`.

#include <optional>
#include <string>
#include <string_view>

namespace parcelgate {

enum class tracking_status {
  label_created,
  dropped_off,  // handed in by the sender at a point/counter/locker
  picked_up,    // collected by the carrier
  in_transit,
  out_for_delivery,
  available_for_pickup,  // waiting at a point/locker for the recipient
  delivered,
  delivery_failed,  // attempt failed, will retry
  exception,        // needs attention
  returning_to_sender,
  returned_to_sender,
  cancelled,
  unknown,
};

std::string_view to_string(tracking_status s) noexcept;
std::optional<tracking_status> parse_tracking_status(std::string_view s) noexcept;

}  // namespace parcelgate
