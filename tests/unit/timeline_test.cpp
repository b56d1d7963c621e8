// The parcel timeline (DESIGN §6): dedupe, time order whatever the arrival order, final statuses,
// late events, unknown codes.
#include <gtest/gtest.h>

#include "gateway/domain/timeline.hpp"

namespace parcelgate {
namespace {

using ts = tracking_status;

timeline_event scan(ts status, std::string code, std::string at,
                    std::string source = "carrier_poll") {
  return {.status = status,
          .carrier_code = std::move(code),
          .carrier_text = {},
          .occurred_at = std::move(at),
          .location = {},
          .postal_code = {},
          .country = {},
          .point_id = {},
          .source = std::move(source)};
}

std::vector<std::string> codes(const std::vector<timeline_event>& t) {
  std::vector<std::string> out;
  for (const auto& e : t) out.push_back(e.carrier_code);
  return out;
}

TEST(timeline, events_are_kept_in_time_order_and_the_latest_sets_the_status) {
  std::vector<timeline_event> t;
  auto m = merge_into_timeline(t, ts::label_created,
                               {scan(ts::in_transit, "PCHMQT", "2026-12-02T10:00:00Z"),
                                scan(ts::picked_up, "PCHCFM", "2026-12-02T08:00:00Z")});
  EXPECT_EQ(codes(t), (std::vector<std::string>{"PCHCFM", "PCHMQT"}));
  EXPECT_EQ(m.status, ts::in_transit);
  EXPECT_TRUE(m.status_changed);
  ASSERT_EQ(m.added.size(), 2u);
  EXPECT_EQ(m.added[0].carrier_code, "PCHCFM");  // added in time order
}

TEST(timeline, the_same_scan_seen_again_adds_nothing_even_with_another_offset) {
  std::vector<timeline_event> t;
  merge_into_timeline(t, ts::label_created,
                      {scan(ts::picked_up, "PCHCFM", "2026-12-02T08:00:00Z")});
  auto again = merge_into_timeline(t, ts::picked_up,
                                   {scan(ts::picked_up, "PCHCFM", "2026-12-02T09:00:00+01:00",
                                         "carrier_push"),  // the same instant
                                    scan(ts::picked_up, "PCHCFM", "2026-12-02T08:00:00Z")});
  EXPECT_TRUE(again.added.empty());
  EXPECT_FALSE(again.status_changed);
  EXPECT_EQ(t.size(), 1u);
  // The same code at another time is another scan (a second delivery attempt, say).
  auto second = merge_into_timeline(t, ts::picked_up,
                                    {scan(ts::picked_up, "PCHCFM", "2026-12-02T08:05:00Z")});
  EXPECT_EQ(second.added.size(), 1u);
  EXPECT_EQ(t.size(), 2u);
}

TEST(timeline, a_late_event_joins_the_timeline_but_never_moves_the_status_back) {
  std::vector<timeline_event> t;
  merge_into_timeline(t, ts::label_created,
                      {scan(ts::out_for_delivery, "MLVARS", "2026-12-03T07:00:00Z")});
  auto late = merge_into_timeline(t, ts::out_for_delivery,
                                  {scan(ts::in_transit, "AARCFM", "2026-12-02T22:00:00Z")});
  EXPECT_EQ(late.added.size(), 1u);
  EXPECT_EQ(late.status, ts::out_for_delivery);
  EXPECT_FALSE(late.status_changed);
  EXPECT_EQ(codes(t), (std::vector<std::string>{"AARCFM", "MLVARS"}));
}

TEST(timeline, final_statuses_stay_final) {
  std::vector<timeline_event> t;
  auto delivered = merge_into_timeline(t, ts::out_for_delivery,
                                       {scan(ts::delivered, "LIVCFM", "2026-12-03T11:00:00Z")});
  EXPECT_EQ(delivered.status, ts::delivered);
  EXPECT_TRUE(is_final(ts::delivered) && is_final(ts::returned_to_sender) &&
              is_final(ts::cancelled));
  EXPECT_FALSE(is_final(ts::delivery_failed));
  // A newer scan after delivery (a carrier's own bookkeeping) is kept, the status is not moved.
  auto after = merge_into_timeline(t, ts::delivered,
                                   {scan(ts::in_transit, "AARCFM", "2026-12-03T12:00:00Z")});
  EXPECT_EQ(after.added.size(), 1u);
  EXPECT_EQ(after.status, ts::delivered);
  EXPECT_FALSE(after.status_changed);
}

TEST(timeline, an_unknown_code_is_kept_without_replacing_a_known_status) {
  std::vector<timeline_event> t;
  auto m = merge_into_timeline(t, ts::label_created,
                               {scan(ts::picked_up, "PCHCFM", "2026-12-02T08:00:00Z"),
                                scan(ts::unknown, "ZZZNEW", "2026-12-02T09:00:00Z")});
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(m.status, ts::picked_up);
}

TEST(timeline, an_event_without_a_readable_time_is_rejected_not_guessed) {
  std::vector<timeline_event> t;
  auto m = merge_into_timeline(t, ts::label_created,
                               {scan(ts::delivered, "LIVCFM", "03/12/2026 11:00"),
                                scan(ts::picked_up, "PCHCFM", "2026-12-02T08:00:00Z")});
  EXPECT_EQ(m.rejected.size(), 1u);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(m.status, ts::picked_up);
}

TEST(timeline, arrival_order_does_not_change_the_outcome) {
  const std::vector<timeline_event> scans{
      scan(ts::dropped_off, "DEPGUI", "2026-12-01T16:00:00Z"),
      scan(ts::picked_up, "PCHCFM", "2026-12-01T18:00:00Z"),
      scan(ts::in_transit, "AARCFM", "2026-12-02T05:00:00Z"),
      scan(ts::out_for_delivery, "MLVARS", "2026-12-02T07:00:00Z"),
      scan(ts::delivery_failed, "RENAVI", "2026-12-02T11:00:00Z")};
  std::vector<std::size_t> order{0, 1, 2, 3, 4};
  std::vector<std::string> expected;
  for (const auto& s : scans) expected.push_back(s.carrier_code);
  do {
    std::vector<timeline_event> t;
    auto status = ts::label_created;
    for (auto i : order) status = merge_into_timeline(t, status, {scans[i]}).status;
    EXPECT_EQ(codes(t), expected);
    // Whatever came in last, the status is the latest scan's unless a later one arrived first.
    EXPECT_EQ(status, ts::delivery_failed);
  } while (std::next_permutation(order.begin(), order.end()));
}

}  // namespace
}  // namespace parcelgate
