#pragma once

#include <string_view>

namespace parcelgate {

// True for the 249 officially assigned ISO 3166-1 alpha-2 codes (uppercase).
bool is_iso_country(std::string_view code) noexcept;

}  // namespace parcelgate
