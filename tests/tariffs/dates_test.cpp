#include <gtest/gtest.h>

#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs {
namespace {

TEST(tariff_dates, parses_strict_calendar_dates) {
  EXPECT_EQ(parse_date("1970-01-01"), 0);
  EXPECT_EQ(parse_date("1970-01-02"), 1);
  EXPECT_EQ(parse_date("2026-03-01").value() - parse_date("2026-02-28").value(),
            1);  // 2026 is not a leap year
  EXPECT_EQ(parse_date("2028-03-01").value() - parse_date("2028-02-28").value(), 2);  // 2028 is
  EXPECT_FALSE(parse_date("2026-02-29"));
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("2026-1-01"));
  EXPECT_FALSE(parse_date("2026-01-01T00:00"));
  EXPECT_FALSE(parse_date("20260101"));
  EXPECT_FALSE(parse_date("1899-12-31"));
}

TEST(tariff_dates, formats_back) {
  EXPECT_EQ(format_date(*parse_date("2026-07-01")), "2026-07-01");
  EXPECT_EQ(format_date(0), "1970-01-01");
  EXPECT_GT(today_utc(), *parse_date("2020-01-01"));
}

}  // namespace
}  // namespace parcelgate::tariffs
