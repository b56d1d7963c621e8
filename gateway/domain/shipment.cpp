#include "gateway/domain/shipment.hpp"

#include <array>
#include <utility>

namespace parcelgate {

namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<std::string_view, E>, N>& table,
                        std::string_view name) noexcept {
  for (const auto& [text, value] : table)
    if (text == name) return value;
  return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<std::string_view, E>, N>& table,
                         E value) noexcept {
  for (const auto& [text, v] : table)
    if (v == value) return text;
  return "unknown";
}

constexpr std::array<std::pair<std::string_view, direction>, 2> kDirections{
    {{"outbound", direction::outbound}, {"return", direction::return_}}};
constexpr std::array<std::pair<std::string_view, service_level>, 5> kServices{
    {{"home", service_level::home},
     {"home_signature", service_level::home_signature},
     {"pickup_point", service_level::pickup_point},
     {"locker", service_level::locker},
     {"express", service_level::express}}};
constexpr std::array<std::pair<std::string_view, label_format>, 3> kFormats{
    {{"pdf", label_format::pdf}, {"zpl", label_format::zpl}, {"png", label_format::png}}};
constexpr std::array<std::pair<std::string_view, label_size>, 3> kSizes{
    {{"a6", label_size::a6}, {"4x6", label_size::in4x6}, {"a4", label_size::a4}}};

}  // namespace

std::string_view to_string(direction d) noexcept {
  return name_of(kDirections, d);
}
std::string_view to_string(service_level s) noexcept {
  return name_of(kServices, s);
}
std::string_view to_string(label_format f) noexcept {
  return name_of(kFormats, f);
}
std::string_view to_string(label_size s) noexcept {
  return name_of(kSizes, s);
}
std::optional<direction> parse_direction(std::string_view s) noexcept {
  return lookup(kDirections, s);
}
std::optional<service_level> parse_service_level(std::string_view s) noexcept {
  return lookup(kServices, s);
}
std::optional<label_format> parse_label_format(std::string_view s) noexcept {
  return lookup(kFormats, s);
}
std::optional<label_size> parse_label_size(std::string_view s) noexcept {
  return lookup(kSizes, s);
}

std::string_view content_type(label_format f) noexcept {
  switch (f) {
    case label_format::pdf:
      return "application/pdf";
    case label_format::zpl:
      return "application/x-zpl";
    case label_format::png:
      return "image/png";
  }
  return "application/octet-stream";
}

}  // namespace parcelgate
