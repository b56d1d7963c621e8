// Tracking answers, time conversion and webhook pushes (adapters/inpost/tracking.hpp).
#include <gtest/gtest.h>

#include "adapters/inpost/tracking.hpp"
#include "tests/adapters/inpost/test_support.hpp"

namespace ip = parcelgate::adapters::inpost;
using namespace parcelgate;
using inpost_test::answer;
using inpost_test::fixture;

namespace {

TEST(InpostTime, offsets_are_converted_to_utc_exactly) {
  EXPECT_EQ(ip::to_utc("2015-09-17T11:28:00.000+02:00"), "2015-09-17T09:28:00Z");
  EXPECT_EQ(ip::to_utc("2026-01-15T00:30:00.000+01:00"), "2026-01-14T23:30:00Z");
  EXPECT_EQ(ip::to_utc("2026-03-29T01:59:59.500+01:00"), "2026-03-29T00:59:59.5Z");
  EXPECT_EQ(ip::to_utc("2026-03-29T03:00:00+02:00"), "2026-03-29T01:00:00Z");
  EXPECT_EQ(ip::to_utc("2026-10-25T02:30:00.000+02:00"), "2026-10-25T00:30:00Z");
  EXPECT_EQ(ip::to_utc("2026-10-25T02:30:00.000+01:00"), "2026-10-25T01:30:00Z");
  EXPECT_EQ(ip::to_utc("2026-12-31T23:59:59.967-05:00"), "2027-01-01T04:59:59.967Z");
  EXPECT_EQ(ip::to_utc("2026-02-28T23:00:00Z"), "2026-02-28T23:00:00Z");
  EXPECT_EQ(ip::to_utc("2026-02-28 23:00:00+0100"), "2026-02-28T22:00:00Z");
  EXPECT_FALSE(ip::to_utc("2026-02-28T23:00:00"));  // no offset: not guessed
  EXPECT_FALSE(ip::to_utc("2026-02-30T10:00:00+01:00"));
  EXPECT_FALSE(ip::to_utc("2026-02-28T24:00:00+01:00"));
  EXPECT_FALSE(ip::to_utc("28/02/2026 10:00"));
  EXPECT_FALSE(ip::to_utc("2026-02-28T10:00:00.+01:00"));
}

TEST(InpostTracking, details_become_events_oldest_first_in_utc_with_points) {
  auto batch =
      ip::decode_tracking("682000011384230013138034", answer(200, fixture("tracking_locker.json")));
  ASSERT_TRUE(batch) << batch.error().message;
  ASSERT_EQ(batch->events.size(), 5u);
  EXPECT_TRUE(batch->misses.empty());
  const auto& e = batch->events;
  EXPECT_EQ(e[0].carrier_code, "confirmed");
  EXPECT_EQ(e[0].status, tracking_status::label_created);
  EXPECT_EQ(e[0].occurred_at, "2026-03-28T16:02:00Z");
  EXPECT_EQ(e[1].carrier_code, "dispatched_by_sender");
  EXPECT_EQ(e[1].status, tracking_status::dropped_off);
  EXPECT_EQ(e[1].point_id, "inpost:PL:KRA01M");
  EXPECT_EQ(e[2].occurred_at, "2026-03-29T00:59:59.5Z");
  EXPECT_EQ(e[2].location, "WA3");
  EXPECT_EQ(e[2].point_id, "");
  EXPECT_EQ(e[3].status, tracking_status::out_for_delivery);
  EXPECT_EQ(e[3].occurred_at, "2026-03-30T04:40:12Z");
  EXPECT_EQ(e[4].carrier_code, "ready_to_pickup");
  EXPECT_EQ(e[4].status, tracking_status::available_for_pickup);
  EXPECT_EQ(e[4].occurred_at, "2026-03-30T07:05:00Z");
  EXPECT_EQ(e[4].point_id, "inpost:PL:KRA012");
  EXPECT_EQ(e[4].carrier_text, "Ready to collect from the parcel locker");
  for (const auto& ev : e) {
    EXPECT_EQ(ev.tracking_number, "682000011384230013138034");
    EXPECT_EQ(ev.country, "PL");
  }
}

TEST(InpostTracking, unknown_numbers_are_misses_and_failures_are_errors) {
  auto miss = ip::decode_tracking("600000000000000000000000",
                                  answer(404, fixture("resource_not_found.json")));
  ASSERT_TRUE(miss);
  ASSERT_EQ(miss->misses.size(), 1u);
  EXPECT_EQ(miss->misses[0].why.kind, error_kind::not_found);
  EXPECT_EQ(miss->misses[0].why.carrier_code, "resource_not_found");
  EXPECT_TRUE(miss->events.empty());
  EXPECT_EQ(ip::decode_tracking("6", answer(401, fixture("token_invalid.json"))).error().kind,
            error_kind::auth_failed);
  auto throttled = answer(429, "{}");
  throttled.headers.push_back({.name = "Retry-After", .value = "7"});
  auto limited = ip::decode_tracking("6", throttled);
  EXPECT_EQ(limited.error().kind, error_kind::rate_limited);
  EXPECT_EQ(limited.error().retry_after_s, 7);
  EXPECT_EQ(ip::decode_tracking("6", answer(502, "<html>")).error().kind, error_kind::unavailable);
  EXPECT_EQ(ip::decode_tracking("6", answer(200, "<html>")).error().kind, error_kind::bad_gateway);
  EXPECT_EQ(ip::decode_tracking("6", answer(200, R"({"tracking_details":[{"status":"delivered",)"
                                                 R"("datetime":"yesterday"}]})"))
                .error()
                .kind,
            error_kind::bad_gateway);
}

TEST(InpostPush, a_status_change_is_one_event_in_utc) {
  auto batch = ip::decode_push(fixture("push_status_changed.json"), "6183");
  ASSERT_TRUE(batch) << batch.error().message;
  EXPECT_EQ(batch->kind, "shipment_status_changed");
  ASSERT_EQ(batch->events.size(), 1u);
  const auto& e = batch->events[0];
  EXPECT_EQ(e.tracking_number, "682000011384230013138034");
  EXPECT_EQ(e.carrier_code, "adopted_at_sorting_center");
  EXPECT_EQ(e.status, tracking_status::in_transit);
  EXPECT_EQ(e.occurred_at, "2026-10-25T00:30:00Z");
}

TEST(InpostPush, confirmations_and_offers_carry_no_event) {
  auto confirmed = ip::decode_push(fixture("push_shipment_confirmed.json"), "6183");
  ASSERT_TRUE(confirmed);
  EXPECT_EQ(confirmed->kind, "shipment_confirmed");
  EXPECT_TRUE(confirmed->events.empty());
  auto offers = ip::decode_push(
      R"({"event_ts":"2026-12-02T10:00:00+01:00","event":"offers_prepared","organization_id":6183,)"
      R"("payload":{"shipment_id":1,"offers":[]}})",
      "6183");
  ASSERT_TRUE(offers);
  EXPECT_EQ(offers->kind, "offers_prepared");
  EXPECT_TRUE(offers->events.empty());
}

TEST(InpostPush, malformed_pushes_name_the_field) {
  auto field_of = [](std::string_view body) -> std::string {
    auto out = ip::decode_push(body, "6183");
    if (out) return "accepted";
    EXPECT_EQ(out.error().kind, error_kind::invalid_request);
    return out.error().fields.empty() ? "" : out.error().fields.front().field;
  };
  EXPECT_EQ(field_of("{not json"), "body");
  EXPECT_EQ(field_of("[1,2]"), "body");
  EXPECT_EQ(field_of(R"({"payload":{}})"), "event");
  EXPECT_EQ(
      field_of(R"({"event":"shipment_status_changed","event_ts":"2026-12-02T10:00:00+01:00"})"),
      "payload");
  EXPECT_EQ(field_of(R"({"event":"shipment_status_changed","event_ts":"2026-12-02T10:00:00+01:00",)"
                     R"("payload":{"status":"delivered","tracking_number":null}})"),
            "payload.tracking_number");
  EXPECT_EQ(field_of(R"({"event":"shipment_status_changed","event_ts":"2026-12-02T10:00:00+01:00",)"
                     R"("payload":{"tracking_number":"682000011384230013138034"}})"),
            "payload.status");
  EXPECT_EQ(field_of(R"({"event":"shipment_status_changed","event_ts":"2026-12-02 10:00",)"
                     R"("payload":{"tracking_number":"6820","status":"delivered"}})"),
            "event_ts");
  EXPECT_EQ(field_of(R"({"event":"shipment_status_changed","organization_id":9999,)"
                     R"("event_ts":"2026-12-02T10:00:00+01:00",)"
                     R"("payload":{"tracking_number":"6820","status":"delivered"}})"),
            "organization_id");
}

}  // namespace
