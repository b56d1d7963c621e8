#include "gateway/api/api_keys.hpp"

#include <algorithm>

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

namespace {

bool lower_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

bool valid_point_id(std::string_view id) noexcept {
  const auto first = id.find(':');
  if (first == std::string_view::npos) return false;
  const auto second = id.find(':', first + 1);
  if (second == std::string_view::npos) return false;
  const auto carrier = id.substr(0, first);
  const auto country = id.substr(first + 1, second - first - 1);
  const auto native = id.substr(second + 1);
  if (carrier.empty() || carrier.size() > 32 || !(carrier[0] >= 'a' && carrier[0] <= 'z'))
    return false;
  for (char c : carrier)
    if (!lower_alnum(c) && c != '_' && c != '-') return false;
  if (country.size() != 2) return false;
  for (char c : country)
    if (c < 'A' || c > 'Z') return false;
  if (native.empty() || native.size() > 32) return false;
  for (char c : native)
    if (!is_base62(c) && c != '_' && c != '-') return false;
  return true;
}

std::string_view point_carrier(std::string_view id) noexcept {
  return id.substr(0, id.find(':'));
}

std::string_view point_country(std::string_view id) noexcept {
  const auto first = id.find(':');
  return first == std::string_view::npos ? std::string_view() : id.substr(first + 1, 2);
}

std::optional<std::vector<std::string>> parse_point_list(std::string_view text, std::string* why) {
  constexpr std::size_t kMaxPoints = 100;
  std::vector<std::string> out;
  auto refuse = [&](std::string message) {
    if (why) *why = std::move(message);
    return std::nullopt;
  };
  while (true) {
    const auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!valid_point_id(item))
      return refuse("\"" + std::string(item) +
                    "\" is not a point id (<carrier>:<CC>:<native id>, e.g. "
                    "mondialrelay:FR:020230)");
    if (std::find(out.begin(), out.end(), item) == out.end()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (out.size() > kMaxPoints) return refuse("at most 100 points per key");
  return out;
}

}  // namespace parcelgate::api
