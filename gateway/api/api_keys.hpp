#pragma once
// API keys: "pg_<role>_<24 random base62><6 base62 checksum>" (~142 random bits). Only the
// SHA-256 of a key is stored. The checksum lets the gateway reject mistyped keys without a
// database lookup.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/store/store.hpp"

namespace parcelgate::api {

struct new_api_key {
  std::string secret;     // shown once, never stored
  store::api_key record;  // what is stored
};

new_api_key generate_api_key(std::string_view tenant, store::role role, std::string_view name);

// Role encoded in a well-formed key with a valid checksum; nullopt otherwise.
std::optional<store::role> check_api_key_format(std::string_view key) noexcept;

// Tenant ids: 1-64 of [a-z0-9_-], starting with a letter or digit.
bool valid_tenant_id(std::string_view tenant) noexcept;

// Collection point ids (DESIGN §4): "<carrier>:<CC>:<native id>", e.g. "mondialrelay:FR:020230".
// carrier: 1-32 of [a-z0-9_-] starting with a letter; CC: two uppercase letters (ISO 3166-1
// alpha-2 shape); native id: 1-32 of [A-Za-z0-9_-].
bool valid_point_id(std::string_view id) noexcept;
// The carrier of a point id ("mondialrelay"), the network whose parcels the point handles; its
// country ("FR"). Both assume valid_point_id.
std::string_view point_carrier(std::string_view id) noexcept;
std::string_view point_country(std::string_view id) noexcept;

// The comma-separated point list of `parcelctl keys create --points`: every id valid, at least
// one, at most 100, duplicates dropped (first order kept). On failure, nullopt and `why`.
std::optional<std::vector<std::string>> parse_point_list(std::string_view text, std::string* why);

}  // namespace parcelgate::api
