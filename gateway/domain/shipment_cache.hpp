#pragma once
// In-memory cache of shipment representations (id -> tenant + JSON body), so that reads of
// recent shipments skip the store. Coherent only while every write to the store goes through
// this process's shipping_service, which updates the cache after its durable commit: a store
// other gateways write to (async_store::shared) gets a cache of capacity 0, which holds nothing.
// Bounded (entries are evicted oldest-first per shard). Thread-safe.
//
// It also keeps tracking views by tracking number (the JSON of GET /v1/tracking/{n}), under the
// same coherence rule: every write that can change a view (a scan applied, a cancellation, a new
// shipment taking the number) forgets the number's view after its commit, and a view read from
// the store is kept only if no write forgot the number's shard while it was being read (the
// shard's generation), so a read racing with a write never puts back an older view.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace parcelgate {

class shipment_cache {
 public:
  explicit shipment_cache(std::size_t capacity = 100'000);  // 0: caches nothing

  struct entry {
    std::string tenant;
    std::shared_ptr<const std::string> body;
  };

  std::optional<entry> get(std::string_view id) const;
  // After a write of this process: replaces what is cached.
  void put(const std::string& id, const std::string& tenant, std::string body);
  // After a read from the store: never replaces, so a read that raced with a write cannot put
  // back the older body.
  void fill(const std::string& id, const std::string& tenant, std::string body);

  // --- tracking views by tracking number; entry::tenant is the scope the view was read in
  // (a merchant's tenant, or empty for every tenant)
  std::optional<entry> get_view(std::string_view number) const;
  // Read before the store is asked; fill_view keeps the view only if it has not changed since.
  std::uint64_t view_generation(std::string_view number) const;
  void fill_view(const std::string& number, std::uint64_t generation, const std::string& tenant,
                 std::string body);
  // After a write of this process that may change the number's view.
  void forget_view(std::string_view number);

 private:
  void insert(const std::string& id, const std::string& tenant, std::string body, bool replace);
  static constexpr std::size_t kShards = 16;
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, entry, string_hash, std::equal_to<>> map;
    std::deque<std::string> order;  // insertion order, for eviction
  };
  shard& shard_for(std::string_view id) const;
  std::size_t per_shard_;
  mutable shard shards_[kShards];
  struct view_shard : shard {
    std::uint64_t generation = 0;  // bumped by every forget_view of a number of this shard
  };
  view_shard& view_shard_for(std::string_view number) const;
  mutable view_shard views_[kShards];
};

}  // namespace parcelgate
