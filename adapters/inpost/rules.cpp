#include "adapters/inpost/rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace parcelgate::adapters::inpost {

namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) noexcept {
  return c >= 'A' && c <= 'Z';
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// "30-624" or "30624".
bool polish_postcode(std::string_view s) noexcept {
  if (s.size() == 6) return all_digits(s.substr(0, 2)) && s[2] == '-' && all_digits(s.substr(3));
  return s.size() == 5 && all_digits(s);
}

constexpr std::array<std::string_view, 1> kLockerServices = {kLockerService};
constexpr std::array<std::string_view, 4> kCourierServices = {
    kCourierService, "inpost_courier_express_1000", "inpost_courier_express_1200",
    "inpost_courier_express_1700"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string mm_as_cm(int mm) {
  return std::to_string(mm / 10) + (mm % 10 ? "." + std::to_string(mm % 10) : "");
}

}  // namespace

bool valid_http_url(std::string_view u) noexcept {
  for (std::string_view scheme : {"http://", "https://"})
    if (u.starts_with(scheme) && u.size() > scheme.size() && u[scheme.size()] != '/') return true;
  return false;
}

bool valid_organization_id(std::string_view id) noexcept {
  return id.size() <= 12 && all_digits(id) && id != "0";
}

bool valid_sending_method(std::string_view method) noexcept {
  for (std::string_view m :
       {"parcel_locker", "pok", "pop", "courier_pok", "branch", "dispatch_order", "any_point"})
    if (m == method) return true;
  return false;
}

std::optional<int> parse_confirm_timeout(std::string_view text) noexcept {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (value < 1 || value > 60) return std::nullopt;
  return value;
}

bool valid_point_name(std::string_view name) noexcept {
  if (name.starts_with("POP-")) name.remove_prefix(4);
  // Three letters (the town), 1 to 4 digits, up to 2 letters ("KRA012", "WAW22A", "GDA01M").
  if (name.size() < 4 || name.size() > 9) return false;
  if (!std::all_of(name.begin(), name.begin() + 3, is_upper)) return false;
  std::size_t i = 3;
  while (i < name.size() && is_digit(name[i])) ++i;
  const std::size_t digits = i - 3;
  if (digits < 1 || digits > 4) return false;
  const std::size_t letters = name.size() - i;
  return letters <= 2 &&
         std::all_of(name.begin() + static_cast<std::ptrdiff_t>(i), name.end(), is_upper);
}

std::optional<std::string> polish_phone(std::string_view phone) {
  std::string digits;
  bool plus = false;
  for (char c : phone) {
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
      continue;
    }
    if (!is_digit(c)) return std::nullopt;
    digits.push_back(c);
  }
  if (plus) {
    if (!digits.starts_with("48")) return std::nullopt;
    digits.erase(0, 2);
  } else if (digits.size() == 13 && digits.starts_with("0048")) {
    digits.erase(0, 4);
  } else if (digits.size() == 11 && digits.starts_with("48")) {
    digits.erase(0, 2);
  }
  if (digits.size() != 9 || digits[0] == '0') return std::nullopt;
  return digits;
}

const locker_template* template_for(const dimensions& d) noexcept {
  std::array<int, 3> sides = {d.length, d.width, d.height};
  std::sort(sides.begin(), sides.end());
  for (const auto& t : kLockerTemplates) {
    // The parcel may lie in the box any way round: compare sorted sides with sorted limits.
    std::array<int, 3> box = {t.max_height_mm, t.max_width_mm, t.max_length_mm};
    std::sort(box.begin(), box.end());
    if (sides[0] <= box[0] && sides[1] <= box[1] && sides[2] <= box[2]) return &t;
  }
  return nullptr;
}

std::vector<field_error> check_shipment(const shipment_request& r, shipment_plan& plan) {
  std::vector<field_error> errors;
  auto add = [&errors](std::string field, std::string message) {
    errors.push_back(field_error{.field = std::move(field), .message = std::move(message)});
  };

  plan = shipment_plan{};
  switch (r.service) {
    case service_level::locker:
    case service_level::pickup_point:
      plan.locker = true;
      plan.service = std::string(kLockerService);
      break;
    case service_level::home:
      plan.service = std::string(kCourierService);
      break;
    default:
      add("service",
          "InPost offers locker, pickup_point (a locker or PUDO point) and home (courier)");
  }
  if (!r.carrier_service.empty()) {
    const bool fits = plan.locker ? listed(kLockerServices, r.carrier_service)
                                  : listed(kCourierServices, r.carrier_service);
    if (fits)
      plan.service = r.carrier_service;
    else
      add("carrier_service",
          plan.locker ? "with locker and pickup_point the InPost service is inpost_locker_standard"
                      : "with home the InPost service is inpost_courier_standard or "
                        "inpost_courier_express_1000, _1200 or _1700");
  }
  if (r.dir != direction::outbound)
    add("direction", "InPost returns are not offered by this adapter: ship outbound only");
  if (r.format != label_format::pdf && r.format != label_format::zpl)
    add("label.format", "InPost prints labels as pdf or zpl");
  if (r.size != label_size::a6) add("label.size", "InPost prints A6 labels (a6)");

  if (r.to.country != kCountry) add("to.country", "InPost delivers in Poland (PL) only");
  if (!r.from.country.empty() && r.from.country != kCountry)
    add("from.country", "InPost collects in Poland (PL) only");

  // The receiver gets the pickup code (locker) or the courier's call on this number.
  if (r.to.phone.empty()) {
    add("to.phone", "InPost needs the receiver's Polish mobile number (9 digits, e.g. 600123456)");
  } else if (auto phone = polish_phone(r.to.phone)) {
    plan.receiver_phone = *phone;
  } else {
    add("to.phone", "must be a Polish mobile number: 9 digits, optionally after +48");
  }
  if (!r.from.phone.empty()) {
    if (auto phone = polish_phone(r.from.phone))
      plan.sender_phone = *phone;
    else
      add("from.phone", "must be a Polish phone number: 9 digits, optionally after +48");
  }
  if (plan.locker && r.to.email.empty())
    add("to.email", "InPost sends the locker pickup code to the receiver's e-mail: required");
  if (r.to.name.empty() && r.to.company.empty()) add("to.name", "the receiver needs a name");

  if (plan.locker) {
    if (!r.pickup_point_country.empty() && r.pickup_point_country != kCountry)
      add("pickup_point_id", "InPost points are in Poland: inpost:PL:<name>");
    else if (!valid_point_name(r.pickup_point_id))
      add("pickup_point_id",
          "must name an InPost locker or PUDO point, e.g. inpost:PL:KRA012 or "
          "inpost:PL:POP-KRA012");
    else
      plan.target_point = r.pickup_point_id;
  } else if (!r.to.country.empty()) {
    if (r.to.line1.empty()) add("to.line1", "the courier needs the receiver's street");
    if (r.to.city.empty()) add("to.city", "the courier needs the receiver's city");
    if (!polish_postcode(r.to.postal_code))
      add("to.postal_code", "must be a Polish postal code, e.g. 30-624");
  }
  if (!r.from.postal_code.empty() && r.from.country == kCountry &&
      !polish_postcode(r.from.postal_code))
    add("from.postal_code", "must be a Polish postal code, e.g. 30-624");

  if (r.parcels.size() != 1) {
    add("parcels", "InPost takes one parcel per shipment here");
  }
  if (!r.parcels.empty()) {
    const parcel& p = r.parcels.front();
    if (!p.dimensions_mm) {
      add("parcels[0].dimensions_mm",
          plan.locker ? "InPost needs the dimensions to choose the locker box (A, B or C)"
                      : "the InPost courier needs the parcel's dimensions");
    } else if (plan.locker) {
      if (const auto* t = template_for(*p.dimensions_mm))
        plan.parcel_template = std::string(t->name);
      else
        add("parcels[0].dimensions_mm", "larger than the largest locker box (C: " +
                                            mm_as_cm(kLockerTemplates[2].max_height_mm) + " x " +
                                            mm_as_cm(kLockerTemplates[2].max_width_mm) + " x " +
                                            mm_as_cm(kLockerTemplates[2].max_length_mm) + " cm)");
    } else {
      std::array<int, 3> sides = {p.dimensions_mm->length, p.dimensions_mm->width,
                                  p.dimensions_mm->height};
      std::sort(sides.begin(), sides.end());
      if (sides[2] > kMaxCourierLongestMm || sides[1] > kMaxCourierOtherSideMm)
        add("parcels[0].dimensions_mm", "larger than the InPost courier takes (" +
                                            mm_as_cm(kMaxCourierLongestMm) + " x " +
                                            mm_as_cm(kMaxCourierOtherSideMm) + " x " +
                                            mm_as_cm(kMaxCourierOtherSideMm) + " cm)");
    }
    const int max_weight = plan.locker ? kMaxLockerWeightG : kMaxCourierWeightG;
    if (p.weight_g > max_weight)
      add("parcels[0].weight_g", "InPost takes at most " + std::to_string(max_weight / 1000) +
                                     " kg " + (plan.locker ? "in a locker" : "by courier"));
  }
  return errors;
}

std::vector<field_error> check_shipment(const shipment_request& request) {
  shipment_plan plan;
  return check_shipment(request, plan);
}

}  // namespace parcelgate::adapters::inpost
