// The pure parts of the points search: distances, opening hours at an instant, the merge of
// several networks' answers, and the cache key of a query area.

#include <gtest/gtest.h>

#include "gateway/domain/points_finder.hpp"

namespace parcelgate {
namespace {

using carriers::collection_point;
using carriers::opening_interval;
using carriers::point_type;

collection_point point(std::string id, double lat, double lon, int distance = -1,
                       point_type type = point_type::shop) {
  collection_point p;
  p.id = std::move(id);
  p.latitude = lat;
  p.longitude = lon;
  p.distance_m = distance;
  p.type = type;
  p.country = "FR";
  return p;
}

TEST(PointsDistance, KnownCityPairs) {
  // Paris Notre-Dame to Lyon Bellecour: 391.5 km along the great circle.
  EXPECT_NEAR(distance_m(48.8530, 2.3498, 45.7578, 4.8320), 391'500, 1'500);
  EXPECT_DOUBLE_EQ(distance_m(45.0, 4.0, 45.0, 4.0), 0.0);
  // One thousandth of a degree of latitude is about 111 m anywhere.
  EXPECT_NEAR(distance_m(45.000, 4.0, 45.001, 4.0), 111.2, 0.5);
}

TEST(PointsOpening, IntervalsLunchBreakAndMidnight) {
  collection_point p = point("mondialrelay:FR:000001", 0, 0);
  p.opening_hours[0] = {{"09:00", "12:30"}, {"14:00", "18:30"}};  // Monday
  p.opening_hours[5] = {{"00:00", "24:00"}};                      // Saturday, all day
  p.opening_hours[4] = {{"22:00", "02:00"}};                      // Friday night past midnight
  EXPECT_TRUE(open_at_local(p, 0, 9 * 3600));
  EXPECT_FALSE(open_at_local(p, 0, 9 * 3600 - 1));
  EXPECT_FALSE(open_at_local(p, 0, 12 * 3600 + 30 * 60));  // closes at 12:30 sharp
  EXPECT_FALSE(open_at_local(p, 0, 13 * 3600));
  EXPECT_TRUE(open_at_local(p, 0, 18 * 3600 + 29 * 60));
  EXPECT_FALSE(open_at_local(p, 1, 10 * 3600));  // Tuesday: closed
  EXPECT_TRUE(open_at_local(p, 5, 23 * 3600 + 59 * 60));
  EXPECT_TRUE(open_at_local(p, 4, 23 * 3600));
  EXPECT_TRUE(open_at_local(p, 5, 3600));  // also by the Friday-night interval
  EXPECT_FALSE(open_at_local(p, 4, 21 * 3600));
  EXPECT_FALSE(open_at_local(p, 7, 10 * 3600));  // not a weekday
}

TEST(PointsOpening, UnreadableIntervalsNeverOpen) {
  collection_point p = point("x:FR:1", 0, 0);
  p.opening_hours[2] = {{"9h", "12h"}, {"25:00", "26:00"}, {"10:60", "11:00"}};
  for (int s = 0; s < 86400; s += 600) EXPECT_FALSE(open_at_local(p, 2, s)) << s;
}

TEST(PointsMerge, CoordinatesGiveDistancesAndOrderAcrossNetworks) {
  points_request req;
  req.where.country = "FR";
  req.where.latitude = 45.7719;
  req.where.longitude = 4.8902;
  req.where.radius_m = 5000;
  req.limit = 10;
  // Carriers' own distances are ignored when the query has coordinates.
  std::vector<std::vector<collection_point>> nets = {
      {point("mondialrelay:FR:000002", 45.7800, 4.8902, 5), point("mondialrelay:FR:000001", 45.7729, 4.8902, 900)},
      {point("colissimo:FR:100001", 45.7740, 4.8902, 1)},
  };
  auto merged = merge_points(nets, req, {});
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(merged[0].id, "mondialrelay:FR:000001");
  EXPECT_NEAR(merged[0].distance_m, 111, 2);
  EXPECT_EQ(merged[1].id, "colissimo:FR:100001");
  EXPECT_NEAR(merged[1].distance_m, 234, 2);
  EXPECT_EQ(merged[2].id, "mondialrelay:FR:000002");
}

TEST(PointsMerge, RadiusTypesLimitUnknownLastAndDuplicates) {
  points_request req;
  req.where.country = "FR";
  req.where.postal_code = "69100";
  req.where.radius_m = 2000;
  req.limit = 3;
  std::vector<std::vector<collection_point>> nets = {
      {point("a:FR:1", 0, 0, 1500), point("a:FR:2", 0, 0, 2500), point("a:FR:3", 0, 0, -1),
       point("a:FR:4", 0, 0, 300, point_type::locker)},
      {point("b:FR:1", 0, 0, 300), point("a:FR:1", 0, 0, 1500)},
  };
  auto merged = merge_points(nets, req, {});
  ASSERT_EQ(merged.size(), 3u);
  // Ties in distance are broken by id; 2500 m is past the radius; unknown distance comes last.
  EXPECT_EQ(merged[0].id, "a:FR:4");
  EXPECT_EQ(merged[1].id, "b:FR:1");
  EXPECT_EQ(merged[2].id, "a:FR:1");
  req.limit = 10;
  merged = merge_points(nets, req, {});
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged.back().id, "a:FR:3");

  req.types = {point_type::locker};
  merged = merge_points(nets, req, {});
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].id, "a:FR:4");

  req.types.clear();
  merged = merge_points(nets, req, [](const collection_point& p) { return p.id != "b:FR:1"; });
  for (const auto& p : merged) EXPECT_NE(p.id, "b:FR:1");
}

TEST(PointsCache, AreaKeysShareNearbyCoordinatesOnly) {
  carriers::point_query a;
  a.country = "FR";
  a.latitude = 45.77191;
  a.longitude = 4.89021;
  auto b = a;
  b.latitude = 45.77189;  // a few metres away: the same ~110 m square
  auto c = a;
  c.latitude = 45.7750;  // about 350 m away
  EXPECT_EQ(points_finder::area_key("mondialrelay", a), points_finder::area_key("mondialrelay", b));
  EXPECT_NE(points_finder::area_key("mondialrelay", a), points_finder::area_key("mondialrelay", c));
  EXPECT_NE(points_finder::area_key("mondialrelay", a), points_finder::area_key("colissimo", a));
  carriers::point_query pc;
  pc.country = "FR";
  pc.postal_code = "69100";
  auto pc2 = pc;
  pc2.radius_m = 5000;
  EXPECT_NE(points_finder::area_key("x", pc), points_finder::area_key("x", pc2));
  auto pc3 = pc;
  pc3.weight_g = 25'000;
  EXPECT_NE(points_finder::area_key("x", pc), points_finder::area_key("x", pc3));
}

TEST(PointsZones, CountriesOfTheNetworks) {
  EXPECT_EQ(point_zone_name("FR"), "Europe/Paris");
  EXPECT_EQ(point_zone_name("PL"), "Europe/Warsaw");
  EXPECT_EQ(point_zone_name("US"), "");
}

}  // namespace
}  // namespace parcelgate
