#pragma once
// Bearer API key authentication with a short-lived cache, and a per-key token-bucket rate limit.
// Revoking a key (parcelctl keys revoke) takes effect within cache_ttl.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/store/store.hpp"

namespace parcelgate::store {
class async_store;
}

namespace parcelgate::api {

struct principal {
  std::string tenant;
  store::role role = store::role::merchant;
  std::string key_id;
  // A point key's collection points ("mondialrelay:FR:020230"), the only ones it may act for;
  // empty for the other roles.
  std::vector<std::string> points{};

  bool acts_for(std::string_view point_id) const noexcept {
    for (const auto& p : points)
      if (p == point_id) return true;
    return false;
  }
};

// Why a request is not authenticated: no Authorization header, another scheme than Bearer, a
// Bearer value that is not shaped like a key, a key nobody issued, a revoked key, or the store
// could not be asked.
enum class auth_failure { missing, not_bearer, malformed, unknown, revoked, storage };

class authenticator {
 public:
  authenticator(store::async_store& db, std::chrono::milliseconds cache_ttl)
      : db_(db), ttl_(cache_ttl) {}

  // `authorization` is the Authorization header value.
  boost::asio::awaitable<std::expected<principal, auth_failure>> authenticate(
      std::string_view authorization);

 private:
  struct entry {
    std::optional<principal> who;  // nullopt: unknown or revoked key (negative cache)
    std::chrono::steady_clock::time_point expires;
  };
  store::async_store& db_;
  std::chrono::milliseconds ttl_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, entry> cache_;  // key: SHA-256 hex of the key
};

class rate_limiter {
 public:
  rate_limiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}
  // 0 when allowed; otherwise the seconds to wait before the next request would be allowed.
  int check(const std::string& key_id);

 private:
  struct bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  double rate_, burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

}  // namespace parcelgate::api
