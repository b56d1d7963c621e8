#include "gateway/api/route_support.hpp"

#include <algorithm>

#include "gateway/http/message.hpp"

namespace parcelgate::api {

bool has_media_type(std::string_view content_type, std::string_view media) noexcept {
  auto base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return http::iequals(base, media);
}

bool valid_prefixed_id(std::string_view id, std::string_view prefix) noexcept {
  if (id.size() != prefix.size() + 15 || !id.starts_with(prefix)) return false;
  for (char c : id.substr(prefix.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

bool valid_idempotency_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char c : key)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

void reject_unknown_query(const http::request& request, std::span<const std::string_view> allowed,
                          std::vector<field_error>& errors) {
  std::string_view q = request.query;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const auto pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    const auto name = pair.substr(0, pair.find('='));
    if (name.empty() || std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    errors.push_back({std::string(name), "unknown query parameter" +
                                             (list.empty() ? std::string(" (this route takes none)")
                                                           : " (allowed: " + list + ")")});
  }
}

std::optional<http::response> check_sale_request(const context& ctx, std::string_view sells,
                                                 std::string_view twice, std::string& key) {
  if (!has_media_type(ctx.request.header("Content-Type"), "application/json"))
    return problem(ctx, 415, "unsupported-media-type", "Unsupported media type",
                   "send the body as application/json");
  key = std::string(ctx.request.header("Idempotency-Key"));
  if (key.empty())
    return problem(ctx, 400, "idempotency-key-required", "Idempotency-Key header required",
                   std::string(sells) +
                       ": send an Idempotency-Key header (1-255 characters, e.g. a UUID) so that "
                       "a retry can never " +
                       std::string(twice));
  if (!valid_idempotency_key(key))
    return problem(ctx, 400, "idempotency-key-invalid", "Invalid Idempotency-Key",
                   "the Idempotency-Key must be 1 to 255 visible ASCII characters");
  return std::nullopt;
}

}  // namespace parcelgate::api
