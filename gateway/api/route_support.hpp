#pragma once
// Small helpers shared by the route handlers: problem answers and content-type checks.

#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/router.hpp"
#include "gateway/domain/error.hpp"

namespace parcelgate::api {

// An RFC 9457 answer carrying the request's id.
http::response problem(const context& ctx, int status, std::string type, std::string title, std::string detail,
                       std::vector<field_error> fields = {});
// 422 validation-error listing every field problem.
http::response validation_failed(const context& ctx, std::vector<field_error> fields);
// True when `content_type` is `media` (case-insensitive), parameters such as charset ignored.
bool has_media_type(std::string_view content_type, std::string_view media) noexcept;

}  // namespace parcelgate::api
