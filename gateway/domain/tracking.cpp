#include "gateway/domain/tracking.hpp"

#include <array>
#include <utility>

namespace parcelgate {

namespace {
constexpr std::array<std::pair<std::string_view, tracking_status>, 13> kStatuses{{
    {"label_created", tracking_status::label_created},
    {"dropped_off", tracking_status::dropped_off},
    {"picked_up", tracking_status::picked_up},
    {"in_transit", tracking_status::in_transit},
    {"out_for_delivery", tracking_status::out_for_delivery},
    {"available_for_pickup", tracking_status::available_for_pickup},
    {"delivered", tracking_status::delivered},
    {"delivery_failed", tracking_status::delivery_failed},
    {"exception", tracking_status::exception},
    {"returning_to_sender", tracking_status::returning_to_sender},
    {"returned_to_sender", tracking_status::returned_to_sender},
    {"cancelled", tracking_status::cancelled},
    {"unknown", tracking_status::unknown},
}};
}  // namespace

std::string_view to_string(tracking_status s) noexcept {
  for (const auto& [name, value] : kStatuses)
    if (value == s) return name;
  return "unknown";
}

std::optional<tracking_status> parse_tracking_status(std::string_view s) noexcept {
  for (const auto& [name, value] : kStatuses)
    if (name == s) return value;
  return std::nullopt;
}

}  // namespace parcelgate
