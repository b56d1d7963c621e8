#include "gateway/api/api_keys.hpp"

#include "gateway/domain/ids.hpp"

namespace parcelgate::api {

namespace {

constexpr std::size_t kRandomChars = 24;
constexpr std::size_t kChecksumChars = 6;

std::string checksum(std::string_view body) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  auto digest = sha256_hex(body);
  // 12 hex digits = 48 bits, written in base62 as 6 characters (62^6 > 2^35; we keep the low part).
  unsigned long long v = std::stoull(digest.substr(0, 12), nullptr, 16);
  std::string out(kChecksumChars, '0');
  for (std::size_t i = 0; i < kChecksumChars; ++i) {
    out[kChecksumChars - 1 - i] = kAlphabet[v % 62];
    v /= 62;
  }
  return out;
}

bool is_base62(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

new_api_key generate_api_key(std::string_view tenant, store::role role, std::string_view name) {
  std::string body =
      "pg_" + std::string(store::to_string(role)) + "_" + random_base62(kRandomChars);
  new_api_key out;
  out.secret = body + checksum(body);
  out.record.id = new_id("key");
  out.record.tenant = std::string(tenant);
  out.record.key_role = role;
  out.record.key_hash = sha256_hex(out.secret);
  out.record.hint = out.secret.substr(0, body.size() - kRandomChars + 4) + "…";
  out.record.name = std::string(name);
  out.record.created_at = now_rfc3339();
  return out;
}

std::optional<store::role> check_api_key_format(std::string_view key) noexcept {
  if (!key.starts_with("pg_")) return std::nullopt;
  auto second = key.find('_', 3);
  if (second == std::string_view::npos) return std::nullopt;
  auto role = store::parse_role(key.substr(3, second - 3));
  if (!role) return std::nullopt;
  auto rest = key.substr(second + 1);
  if (rest.size() != kRandomChars + kChecksumChars) return std::nullopt;
  for (char c : rest)
    if (!is_base62(c)) return std::nullopt;
  auto body = key.substr(0, key.size() - kChecksumChars);
  if (checksum(body) != key.substr(key.size() - kChecksumChars)) return std::nullopt;
  return role;
}

bool valid_tenant_id(std::string_view tenant) noexcept {
  if (tenant.empty() || tenant.size() > 64) return false;
  for (std::size_t i = 0; i < tenant.size(); ++i) {
    char c = tenant[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '-'));
    if (!ok) return false;
  }
  return true;
}

}  // namespace parcelgate::api
