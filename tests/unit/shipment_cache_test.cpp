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
