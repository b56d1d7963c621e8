#pragma once
// API keys: "pg_<role>_<24 random base62><6 base62 checksum>" (~142 random bits). Only the
// SHA-256 of a key is stored. The checksum lets the gateway reject mistyped keys without a
// database lookup.

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace parcelgate::api
