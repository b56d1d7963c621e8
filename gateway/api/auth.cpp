#include "gateway/api/auth.hpp"

#include <cmath>

#include "gateway/api/api_keys.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/http/message.hpp"
#include "gateway/store/async_store.hpp"

namespace parcelgate::api {

boost::asio::awaitable<std::expected<principal, auth_failure>> authenticator::authenticate(
    std::string_view authorization) {
  if (authorization.empty()) co_return std::unexpected(auth_failure::missing);
  constexpr std::string_view kBearer = "Bearer ";
  if (http::iequals(authorization, "Bearer")) co_return std::unexpected(auth_failure::malformed);
  if (authorization.size() < kBearer.size() ||
      !http::iequals(authorization.substr(0, kBearer.size()), kBearer))
    co_return std::unexpected(auth_failure::not_bearer);
  std::string_view key = authorization.substr(kBearer.size());
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  // The cache first: only keys that passed the format check are cached, so a hit skips that
  // check (its checksum is a second SHA-256).
  if (key.size() > 256) co_return std::unexpected(auth_failure::malformed);
  const std::string hash = sha256_hex(key);
  const auto now = std::chrono::steady_clock::now();
  {
    std::shared_lock lock(mutex_);
    if (auto it = cache_.find(hash); it != cache_.end() && it->second.expires > now) {
      if (it->second.who) co_return *it->second.who;
      co_return std::unexpected(auth_failure::unknown);
    }
  }
  if (!check_api_key_format(key)) co_return std::unexpected(auth_failure::malformed);
  const auto found = co_await db_.find_api_key(hash);
  if (!found) co_return std::unexpected(auth_failure::storage);
  entry e{std::nullopt, now + ttl_};
  // Constant-time check of the stored hash against ours (the lookup itself was by hash).
  if (*found && (*found)->revoked_at.empty() && constant_time_equals((*found)->key_hash, hash))
    e.who = principal{(*found)->tenant, (*found)->key_role, (*found)->id, (*found)->points};
  {
    std::unique_lock lock(mutex_);
    if (cache_.size() > 100'000) cache_.clear();  // bounded: a flood of random keys cannot grow it
    cache_[hash] = e;
  }
  if (e.who) co_return *e.who;
  co_return std::unexpected(*found ? auth_failure::revoked : auth_failure::unknown);
}

int rate_limiter::check(const std::string& key_id) {
  if (rate_ <= 0) return 0;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(key_id, bucket{burst_, now});
  auto& b = it->second;
  if (!fresh) {
    double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return static_cast<int>(std::ceil((1 - b.tokens) / rate_));
}

}  // namespace parcelgate::api
