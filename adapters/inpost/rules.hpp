#pragma once
// InPost's limits, checked against one of OUR shipment requests before anything is sent: domestic
// Polish shipments only, the locker box templates (A/B/C), point names, the receiver's mobile
// number and e-mail InPost notifies, courier weight and size limits. Every problem is a
// field_error on OUR API's paths ("parcels[0].dimensions_mm", "to.phone", "pickup_point_id"), all
// of them reported at once.
//
// Pure functions of their arguments: no I/O, no clock, no global state, thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/shipment.hpp"

namespace parcelgate::adapters::inpost {

inline constexpr std::string_view kCarrierId = "inpost";
inline constexpr std::string_view kCountry = "PL";
inline constexpr std::string_view kLockerService = "inpost_locker_standard";
inline constexpr std::string_view kCourierService = "inpost_courier_standard";

// Locker box templates: the largest parcel each takes (height x width x length, mm) and the
// weight limit shared by all three (25 kg).
struct locker_template {
  std::string_view name;  // ShipX parcels[].template: "small", "medium", "large"
  std::string_view size;  // InPost's letter: "A", "B", "C"
  int max_height_mm;      // the box height (8, 19, 41 cm); a parcel may lie any way round
  int max_width_mm;
  int max_length_mm;
};
inline constexpr locker_template kLockerTemplates[] = {
    {.name = "small", .size = "A", .max_height_mm = 80, .max_width_mm = 380, .max_length_mm = 640},
    {.name = "medium",
     .size = "B",
     .max_height_mm = 190,
     .max_width_mm = 380,
     .max_length_mm = 640},
    {.name = "large", .size = "C", .max_height_mm = 410, .max_width_mm = 380, .max_length_mm = 640},
};
inline constexpr int kMaxLockerWeightG = 25'000;
// inpost_courier_standard, as this adapter applies it (one parcel per shipment).
inline constexpr int kMaxCourierWeightG = 50'000;
inline constexpr int kMaxCourierLongestMm = 3'500;
inline constexpr int kMaxCourierOtherSideMm = 2'400;

// What a valid request becomes on the wire.
struct shipment_plan {
  bool locker = false;          // a locker or PUDO point delivery (target_point), else courier
  std::string service;          // ShipX service code
  std::string parcel_template;  // locker: "small" / "medium" / "large"; courier: empty
  std::string target_point;     // locker: the point name ("KRA012", "POP-WAW123")
  std::string receiver_phone;   // 9 digits, without +48
  std::string sender_phone;     // 9 digits or empty
  // How the sender hands the parcel over (custom_attributes.sending_method): the adapter's
  // `sending_method` setting, dispatch_order (a courier collects it) by default.
  std::string sending_method = "dispatch_order";
};

// ---- settings -----------------------------------------------------------------------------------

// An http:// or https:// URL with something after the scheme.
bool valid_http_url(std::string_view url) noexcept;
// A ShipX organization id: 1 to 12 digits.
bool valid_organization_id(std::string_view id) noexcept;
// A ShipX sending method: parcel_locker, pok, pop, courier_pok, branch, dispatch_order, any_point.
bool valid_sending_method(std::string_view method) noexcept;
// confirm_timeout_s: whole seconds 1 to 60; nullopt otherwise.
std::optional<int> parse_confirm_timeout(std::string_view text) noexcept;

// ---- shipments ----------------------------------------------------------------------------------

// An InPost point name: a locker ("KRA012", "WAW22A", "GDA01M") or a PUDO point ("POP-KRA012").
bool valid_point_name(std::string_view name) noexcept;
// A Polish mobile number as InPost takes it: 9 digits, after removing spaces, dashes, dots,
// brackets and a +48 / 0048 prefix; nullopt when it is not one.
std::optional<std::string> polish_phone(std::string_view phone);
// The smallest locker template the parcel fits, nullptr when none does.
const locker_template* template_for(const dimensions& d) noexcept;

// Checks `request` and fills `plan` (complete only when the returned list is empty).
std::vector<field_error> check_shipment(const shipment_request& request, shipment_plan& plan);
std::vector<field_error> check_shipment(const shipment_request& request);

}  // namespace parcelgate::adapters::inpost
