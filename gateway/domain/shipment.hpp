#pragma once
// Normalized shipment vocabulary shared by the API, the domain services and every carrier
// adapter. Units: grams, millimetres, minor currency units. Plain data, no behaviour.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parcelgate {

enum class direction { outbound, return_ };
enum class service_level { home, home_signature, pickup_point, locker, express };
enum class label_format { pdf, zpl, png };
enum class label_size { a6, in4x6, a4 };

std::string_view to_string(direction d) noexcept;
std::string_view to_string(service_level s) noexcept;
std::string_view to_string(label_format f) noexcept;
std::string_view to_string(label_size s) noexcept;
std::optional<direction> parse_direction(std::string_view s) noexcept;
std::optional<service_level> parse_service_level(std::string_view s) noexcept;
std::optional<label_format> parse_label_format(std::string_view s) noexcept;
std::optional<label_size> parse_label_size(std::string_view s) noexcept;
// MIME type of a label's bytes: application/pdf, application/x-zpl, image/png.
std::string_view content_type(label_format f) noexcept;

struct address {
  std::string name, company, line1, line2, city, postal_code, country, phone, email;
};

struct dimensions {
  int length = 0, width = 0, height = 0;  // millimetres
};

struct parcel {
  int weight_g = 0;
  std::optional<dimensions> dimensions_mm;
  std::string reference;
};

// What an adapter needs to buy one label. Validated by the core before an adapter sees it:
// countries are ISO alpha-2, weights positive, pickup_point_id present for pickup_point/locker.
struct shipment_request {
  std::string shipment_id;  // our id (shp_...), sent to the carrier as a reference
  std::string reference;    // the merchant's reference (order number)
  direction dir = direction::outbound;
  service_level service = service_level::home;
  std::string carrier_service;       // forced carrier product code, empty = adapter picks
  std::string pickup_point_id;       // carrier-local point id ("020230"), without our prefix
  std::string pickup_point_country;  // country of the point ("FR")
  address from, to;
  std::vector<parcel> parcels;
  label_format format = label_format::pdf;
  label_size size = label_size::a6;
  std::string ship_date;  // YYYY-MM-DD, the deposit date; empty = today in the carrier's time zone
};

// What an adapter returns once the carrier sold the label.
struct label_result {
  std::string tracking_number;  // the carrier's parcel number
  std::string carrier_service;  // product code actually used ("DOM", "24R"...)
  std::string label;            // label bytes exactly as the carrier printed them
  label_format format = label_format::pdf;
  // The page the carrier actually printed when it differs from the requested size (a carrier
  // whose 10x15 cm stock serves both a6 and 4x6 requests reports 4x6); the shipment then shows
  // this size. Empty: printed as requested.
  std::optional<label_size> size;
  std::string tracking_url;       // public tracking page at the carrier, may be empty
  std::string carrier_reference;  // a second carrier number if any (partner number...)
};

// What an adapter needs to void a label.
struct shipment_ref {
  std::string shipment_id;
  std::string tracking_number;
  std::string carrier_service;
  // label_result::carrier_reference as the purchase stored it (InPost's shipment id); empty for
  // shipments bought before it was kept.
  std::string carrier_reference{};
};

}  // namespace parcelgate
