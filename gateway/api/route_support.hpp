#pragma once
// Small helpers shared by the route handlers: content-type checks (problem answers: problems.hpp).

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/problems.hpp"
#include "gateway/api/router.hpp"
#include "gateway/domain/error.hpp"

namespace parcelgate::api {

// True when `content_type` is `media` (case-insensitive), parameters such as charset ignored.
bool has_media_type(std::string_view content_type, std::string_view media) noexcept;

// True for ids the gateway issues: `prefix` ("shp_", "whk_") then 15 of [0-9a-z].
bool valid_prefixed_id(std::string_view id, std::string_view prefix) noexcept;

// Idempotency-Key: 1-255 visible ASCII characters.
bool valid_idempotency_key(std::string_view key) noexcept;

// What every POST that may sell something checks first (POST /v1/shipments, /v1/pickups): a JSON
// body and a valid Idempotency-Key. Nothing when both hold (`key` is set); otherwise the 415 or
// 400 to answer. `sells` completes the 400's detail: "POST /v1/pickups books a carrier's driver".
std::optional<http::response> check_sale_request(const context& ctx, std::string_view sells,
                                                 std::string_view twice, std::string& key);

// Adds a field error for every query parameter of `request` not in `allowed`: like unknown JSON
// fields, a mistyped filter is refused rather than silently ignored.
void reject_unknown_query(const http::request& request, std::span<const std::string_view> allowed,
                          std::vector<field_error>& errors);
inline std::vector<field_error> unknown_query(const http::request& request,
                                              std::initializer_list<std::string_view> allowed) {
  std::vector<field_error> errors;
  reject_unknown_query(request, std::span<const std::string_view>(allowed.begin(), allowed.size()),
                       errors);
  return errors;
}

}  // namespace parcelgate::api
