#include "gateway/domain/time_zone.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace parcelgate {
namespace {

using namespace std::chrono;

sys_seconds at(int y, unsigned m, unsigned d, int hh, int mm, int ss = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

const time_zone& paris() {
  static const time_zone zone = [] {
    auto z = time_zone::load("Europe/Paris");
    EXPECT_TRUE(z.has_value()) << (z ? "" : z.error().message);
    return z ? *z : time_zone{};
  }();
  return zone;
}

TEST(time_zone, paris_switches_to_summer_time_on_the_last_sunday_of_march_at_one_utc) {
  EXPECT_EQ(paris().offset(at(2026, 3, 29, 0, 59, 59)), hours{1});
  EXPECT_EQ(paris().offset(at(2026, 3, 29, 1, 0, 0)), hours{2});
  EXPECT_EQ(paris().offset(at(2027, 3, 28, 0, 59, 59)), hours{1});
  EXPECT_EQ(paris().offset(at(2027, 3, 28, 1, 0, 0)), hours{2});
}

TEST(time_zone, paris_returns_to_winter_time_on_the_last_sunday_of_october_at_one_utc) {
  EXPECT_EQ(paris().offset(at(2026, 10, 25, 0, 59, 59)), hours{2});
  EXPECT_EQ(paris().offset(at(2026, 10, 25, 1, 0, 0)), hours{1});
}

TEST(time_zone, paris_date_runs_ahead_of_utc_late_in_the_evening) {
  // Winter: from 23:00 UTC it is already tomorrow in France; summer: from 22:00 UTC.
  EXPECT_EQ(paris().local_iso_date(at(2026, 12, 1, 22, 59, 59)), "2026-12-01");
  EXPECT_EQ(paris().local_iso_date(at(2026, 12, 1, 23, 0, 0)), "2026-12-02");
  EXPECT_EQ(paris().local_iso_date(at(2026, 7, 1, 21, 59, 59)), "2026-07-01");
  EXPECT_EQ(paris().local_iso_date(at(2026, 7, 1, 22, 0, 0)), "2026-07-02");
  EXPECT_EQ(paris().local_iso_date(at(2026, 12, 31, 23, 30)), "2027-01-01");
}

TEST(time_zone, past_dates_use_the_listed_transitions) {
  // 1996 is inside the tz database's transition list for Paris (EU rules since 1996 too).
  EXPECT_EQ(paris().offset(at(1996, 7, 1, 12, 0)), hours{2});
  EXPECT_EQ(paris().offset(at(1996, 12, 1, 12, 0)), hours{1});
}

TEST(time_zone, far_future_dates_follow_the_footer_rule) {
  EXPECT_EQ(paris().offset(at(2100, 3, 28, 0, 59)), hours{1});
  EXPECT_EQ(paris().offset(at(2100, 3, 28, 1, 0)), hours{2});
  EXPECT_EQ(paris().offset(at(2100, 10, 31, 0, 59)), hours{2});
  EXPECT_EQ(paris().offset(at(2100, 10, 31, 1, 0)), hours{1});
}

TEST(time_zone, posix_rules_of_both_hemispheres_parse) {
  time_zone::posix_rule r;
  ASSERT_TRUE(parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0/3", r));
  EXPECT_EQ(r.std_offset_s, 3600);
  EXPECT_EQ(r.dst_offset_s, 7200);
  EXPECT_EQ(r.end.at_s, 3 * 3600);
  ASSERT_TRUE(parse_posix_tz("<-03>3", r));
  EXPECT_EQ(r.std_offset_s, -3 * 3600);
  EXPECT_FALSE(r.has_dst);
  ASSERT_TRUE(parse_posix_tz("AEST-10AEDT,M10.1.0,M4.1.0/3", r));
  EXPECT_EQ(r.start.month, 10);
  ASSERT_TRUE(parse_posix_tz("EST5EDT,M3.2.0/2:00:00,M11.1.0/-1", r));
  EXPECT_EQ(r.end.at_s, -3600);
  EXPECT_FALSE(parse_posix_tz("", r));
  EXPECT_FALSE(parse_posix_tz("C-1", r));
  EXPECT_FALSE(parse_posix_tz("CET-1CEST,M13.5.0,M10.5.0", r));
  EXPECT_FALSE(parse_posix_tz("CET-1CEST,M3.5.0", r));
}

TEST(time_zone, southern_hemisphere_summer_spans_the_new_year) {
  auto sydney = time_zone::load("Australia/Sydney");
  ASSERT_TRUE(sydney.has_value()) << sydney.error().message;
  EXPECT_EQ(sydney->offset(at(2030, 1, 15, 0, 0)), hours{11});
  EXPECT_EQ(sydney->offset(at(2030, 7, 15, 0, 0)), hours{10});
}

TEST(time_zone, unreadable_or_corrupt_zones_are_errors_not_utc) {
  EXPECT_FALSE(time_zone::load("Europe/Nowhere").has_value());
  EXPECT_FALSE(time_zone::load("../etc/passwd").has_value());
  EXPECT_FALSE(time_zone::parse("x", "TZif2").has_value());
  EXPECT_FALSE(time_zone::parse("x", std::string(200, '\0')).has_value());
  auto z = time_zone::load("Europe/Paris");
  ASSERT_TRUE(z.has_value());
  EXPECT_EQ(z->name(), "Europe/Paris");
}

}  // namespace
}  // namespace parcelgate
