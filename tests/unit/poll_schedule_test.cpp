// When a shipment is polled next (tracking_poller.hpp): sooner when out for delivery, later when
// idle, waiting at a point or not known to the carrier yet, never once final or too old, and
// always jittered within ±10% so that shipments bought together spread out.
#include <gtest/gtest.h>

#include "gateway/domain/push_inbox.hpp"
#include "gateway/domain/tracking_poller.hpp"

namespace parcelgate {
namespace {

constexpr std::int64_t kHour = 3'600'000, kDay = 24 * kHour;
const poll_schedule kSchedule{.first_poll_after = std::chrono::minutes(10),
                              .interval = std::chrono::minutes(30),
                              .max_age_days = 60};
constexpr std::int64_t kInterval = 30 * 60'000;

std::int64_t next(tracking_status s, std::int64_t age = kHour, std::int64_t idle = 0,
                  int misses = 0, double unit = 0.5) {
  return next_poll_in_ms(kSchedule, s, age, idle, misses, unit);
}

TEST(poll_schedule, an_active_parcel_is_polled_every_interval) {
  EXPECT_EQ(next(tracking_status::in_transit), kInterval);
  EXPECT_EQ(next(tracking_status::label_created), kInterval);
  EXPECT_EQ(next(tracking_status::unknown), kInterval);
}

TEST(poll_schedule, final_statuses_and_old_parcels_are_no_longer_polled) {
  EXPECT_LT(next(tracking_status::delivered), 0);
  EXPECT_LT(next(tracking_status::returned_to_sender), 0);
  EXPECT_LT(next(tracking_status::cancelled), 0);
  EXPECT_LT(next(tracking_status::in_transit, 61 * kDay), 0);
  EXPECT_GT(next(tracking_status::in_transit, 59 * kDay), 0);
}

TEST(poll_schedule, the_interval_adapts_to_what_the_parcel_is_doing) {
  EXPECT_EQ(next(tracking_status::out_for_delivery), kInterval / 4);
  EXPECT_EQ(next(tracking_status::delivery_failed), kInterval / 2);
  EXPECT_EQ(next(tracking_status::available_for_pickup), kInterval * 2);
  EXPECT_EQ(next(tracking_status::in_transit, 5 * kDay, 3 * kDay), kInterval * 2);
  EXPECT_EQ(next(tracking_status::in_transit, 10 * kDay, 8 * kDay), kInterval * 4);
  // Not known to the carrier yet: asked less often, at most 4x the interval.
  EXPECT_EQ(next(tracking_status::label_created, kHour, 0, 1), kInterval);
  EXPECT_EQ(next(tracking_status::label_created, kHour, 0, 2), kInterval * 2);
  EXPECT_EQ(next(tracking_status::label_created, kHour, 0, 50), kInterval * 4);
}

TEST(poll_schedule, jitter_stays_within_ten_percent_and_never_below_a_second) {
  EXPECT_EQ(next(tracking_status::in_transit, kHour, 0, 0, 0.0), kInterval * 9 / 10);
  EXPECT_EQ(next(tracking_status::in_transit, kHour, 0, 0, 0.999999), kInterval * 11 / 10 - 1);
  const poll_schedule fast{
      .first_poll_after = {}, .interval = std::chrono::milliseconds(1000), .max_age_days = 1};
  EXPECT_EQ(next_poll_in_ms(fast, tracking_status::out_for_delivery, 0, 0, 0, 0.0), 1000);
}

TEST(push_inbox, the_push_token_is_never_kept_with_the_query) {
  EXPECT_EQ(without_token("token=s3cret"), "");
  EXPECT_EQ(without_token("a=1&token=s3cret&b=2"), "a=1&b=2");
  EXPECT_EQ(without_token("tokens=1&token"), "tokens=1");
  EXPECT_EQ(without_token(""), "");
}

}  // namespace
}  // namespace parcelgate
