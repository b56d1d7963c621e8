#include "gateway/domain/shipment_cache.hpp"

#include <functional>

namespace parcelgate {

shipment_cache::shipment_cache(std::size_t capacity)
    : per_shard_(capacity == 0 ? 0 : capacity / kShards + 1) {}

shipment_cache::shard& shipment_cache::shard_for(std::string_view id) const {
  return shards_[std::hash<std::string_view>{}(id) % kShards];
}

std::optional<shipment_cache::entry> shipment_cache::get(std::string_view id) const {
  if (per_shard_ == 0) return std::nullopt;
  auto& s = shard_for(id);
  std::lock_guard lock(s.mutex);
  auto it = s.map.find(id);
  if (it == s.map.end()) return std::nullopt;
  return it->second;
}

void shipment_cache::put(const std::string& id, const std::string& tenant, std::string body) {
  insert(id, tenant, std::move(body), true);
}

void shipment_cache::fill(const std::string& id, const std::string& tenant, std::string body) {
  insert(id, tenant, std::move(body), false);
}

void shipment_cache::insert(const std::string& id, const std::string& tenant, std::string body,
                            bool replace) {
  if (per_shard_ == 0) return;
  auto& s = shard_for(id);
  auto shared = std::make_shared<const std::string>(std::move(body));
  std::lock_guard lock(s.mutex);
  bool inserted;
  if (replace)
    inserted = s.map.insert_or_assign(id, entry{tenant, std::move(shared)}).second;
  else
    inserted = s.map.try_emplace(id, entry{tenant, std::move(shared)}).second;
  if (!inserted) return;
  s.order.push_back(id);
  while (s.map.size() > per_shard_ && !s.order.empty()) {
    s.map.erase(s.order.front());
    s.order.pop_front();
  }
}

shipment_cache::view_shard& shipment_cache::view_shard_for(std::string_view number) const {
  return views_[std::hash<std::string_view>{}(number) % kShards];
}

std::optional<shipment_cache::entry> shipment_cache::get_view(std::string_view number) const {
  if (per_shard_ == 0) return std::nullopt;
  auto& s = view_shard_for(number);
  std::lock_guard lock(s.mutex);
  auto it = s.map.find(number);
  if (it == s.map.end()) return std::nullopt;
  return it->second;
}

std::uint64_t shipment_cache::view_generation(std::string_view number) const {
  auto& s = view_shard_for(number);
  std::lock_guard lock(s.mutex);
  return s.generation;
}

void shipment_cache::fill_view(const std::string& number, std::uint64_t generation,
                               const std::string& tenant, std::string body) {
  if (per_shard_ == 0) return;
  auto& s = view_shard_for(number);
  auto shared = std::make_shared<const std::string>(std::move(body));
  std::lock_guard lock(s.mutex);
  if (s.generation != generation) return;  // a write came in between: the view may be older
  if (!s.map.insert_or_assign(number, entry{tenant, std::move(shared)}).second) return;
  s.order.push_back(number);
  while (s.map.size() > per_shard_ && !s.order.empty()) {
    s.map.erase(s.order.front());
    s.order.pop_front();
  }
}

void shipment_cache::forget_view(std::string_view number) {
  if (number.empty()) return;
  auto& s = view_shard_for(number);
  std::lock_guard lock(s.mutex);
  ++s.generation;
  if (auto it = s.map.find(number); it != s.map.end()) s.map.erase(it);
}

}  // namespace parcelgate
