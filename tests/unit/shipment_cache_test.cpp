// The shipment read cache: writes replace, reads only fill, the bound holds, and a cache of
// capacity 0 (a store other gateways write to) holds nothing.
#include <gtest/gtest.h>

#include "gateway/domain/shipment_cache.hpp"

namespace parcelgate {
namespace {

TEST(shipment_cache, a_write_replaces_and_a_read_never_puts_back_an_older_body) {
  shipment_cache cache(100);
  cache.fill("shp_1", "acme", "{\"status\":\"label_created\"}");
  cache.put("shp_1", "acme", "{\"status\":\"cancelled\"}");
  cache.fill("shp_1", "acme", "{\"status\":\"label_created\"}");  // a read that raced the write
  auto hit = cache.get("shp_1");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->tenant, "acme");
  EXPECT_EQ(*hit->body, "{\"status\":\"cancelled\"}");
  EXPECT_FALSE(cache.get("shp_2").has_value());
}

TEST(shipment_cache, it_stays_within_its_bound) {
  shipment_cache cache(160);  // 16 shards of 11
  for (int i = 0; i < 10'000; ++i) cache.put("shp_" + std::to_string(i), "acme", "{}");
  int kept = 0;
  for (int i = 0; i < 10'000; ++i) kept += cache.get("shp_" + std::to_string(i)).has_value();
  EXPECT_LE(kept, 16 * 11);
  EXPECT_TRUE(cache.get("shp_9999").has_value());  // the newest stay
}

TEST(shipment_cache, capacity_zero_caches_nothing) {
  shipment_cache cache(0);
  cache.put("shp_1", "acme", "{}");
  cache.fill("shp_2", "acme", "{}");
  EXPECT_FALSE(cache.get("shp_1").has_value());
  EXPECT_FALSE(cache.get("shp_2").has_value());
}

}  // namespace
}  // namespace parcelgate

namespace parcelgate {
namespace {

TEST(shipment_cache_views, a_view_read_before_a_write_is_never_kept_after_it) {
  shipment_cache cache(100);
  const std::string number = "6A12345678901", acme = "acme";
  EXPECT_FALSE(cache.get_view(number).has_value());
  // A read that began before a write (the write forgot the number meanwhile) is not kept.
  const auto before = cache.view_generation(number);
  cache.forget_view(number);
  cache.fill_view(number, before, acme, "old");
  EXPECT_FALSE(cache.get_view(number).has_value());
  // A read with nothing in between is kept, then forgotten by the next write.
  const auto now = cache.view_generation(number);
  cache.fill_view(number, now, acme, "fresh");
  ASSERT_TRUE(cache.get_view(number).has_value());
  EXPECT_EQ(*cache.get_view(number)->body, "fresh");
  EXPECT_EQ(cache.get_view(number)->tenant, acme);
  cache.forget_view(number);
  EXPECT_FALSE(cache.get_view(number).has_value());
}

TEST(shipment_cache_views, a_shared_store_caches_no_view_and_views_are_bounded) {
  shipment_cache none(0);
  none.fill_view("n1", none.view_generation("n1"), "acme", "x");
  EXPECT_FALSE(none.get_view("n1").has_value());
  shipment_cache small(16);  // one entry per shard
  for (int i = 0; i < 1000; ++i) {
    const std::string n = "n" + std::to_string(i);
    small.fill_view(n, small.view_generation(n), "acme", "x");
  }
  int kept = 0;
  for (int i = 0; i < 1000; ++i) kept += small.get_view("n" + std::to_string(i)).has_value();
  EXPECT_LE(kept, 32);
  EXPECT_GE(kept, 1);
}

}  // namespace
}  // namespace parcelgate
