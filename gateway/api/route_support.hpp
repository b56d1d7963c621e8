#pragma once
// Small helpers shared by the route handlers: content-type checks (problem answers: problems.hpp).

#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/problems.hpp"
#include "gateway/api/router.hpp"
#include "gateway/domain/error.hpp"

namespace parcelgate::api {

// True when `content_type` is `media` (case-insensitive), parameters such as charset ignored.
bool has_media_type(std::string_view content_type, std::string_view media) noexcept;

}  // namespace parcelgate::api
