// Every ShipX status of the /v1/statuses dictionary (carrier-wire-formats.md §3.7) has its place
// among our 13 statuses.
#include <gtest/gtest.h>

#include <set>

#include "adapters/inpost/tracking.hpp"

namespace ip = parcelgate::adapters::inpost;
using parcelgate::tracking_status;

namespace {

using s = tracking_status;

struct expected {
  const char* name;
  tracking_status status;
};

// The published dictionary, each with the status it must map to.
const expected kPublished[] = {
    {"created", s::label_created},
    {"offers_prepared", s::label_created},
    {"offer_selected", s::label_created},
    {"confirmed", s::label_created},
    {"dispatched_by_sender", s::dropped_off},
    {"dispatched_by_sender_to_pok", s::dropped_off},
    {"collected_from_sender", s::picked_up},
    {"taken_by_courier", s::picked_up},
    {"taken_by_courier_from_pok", s::picked_up},
    {"adopted_at_source_branch", s::in_transit},
    {"sent_from_source_branch", s::in_transit},
    {"adopted_at_sorting_center", s::in_transit},
    {"sent_from_sorting_center", s::in_transit},
    {"adopted_at_target_branch", s::in_transit},
    {"out_for_delivery", s::out_for_delivery},
    {"out_for_delivery_to_address", s::out_for_delivery},
    {"ready_to_pickup", s::available_for_pickup},
    {"ready_to_pickup_from_pok", s::available_for_pickup},
    {"ready_to_pickup_from_pok_registered", s::available_for_pickup},
    {"ready_to_pickup_from_branch", s::available_for_pickup},
    {"pickup_reminder_sent", s::available_for_pickup},
    {"pickup_reminder_sent_address", s::delivery_failed},
    {"stack_in_box_machine", s::available_for_pickup},
    {"stack_in_customer_service_point", s::available_for_pickup},
    {"unstack_from_box_machine", s::in_transit},
    {"unstack_from_customer_service_point", s::in_transit},
    {"stack_parcel_pickup_time_expired", s::in_transit},
    {"stack_parcel_in_box_machine_pickup_time_expired", s::in_transit},
    {"courier_avizo_in_customer_service_point", s::available_for_pickup},
    {"taken_by_courier_from_customer_service_point", s::returning_to_sender},
    {"oversized", s::exception},
    {"redirect_to_box", s::in_transit},
    {"canceled_redirect_to_box", s::in_transit},
    {"readdressed", s::in_transit},
    {"delay_in_delivery", s::in_transit},
    {"delivered", s::delivered},
    {"pickup_time_expired", s::returning_to_sender},
    {"avizo", s::returning_to_sender},
    {"rejected_by_receiver", s::returning_to_sender},
    {"undelivered", s::delivery_failed},
    {"undelivered_wrong_address", s::delivery_failed},
    {"undelivered_incomplete_address", s::delivery_failed},
    {"undelivered_unknown_receiver", s::delivery_failed},
    {"undelivered_cod_cash_receiver", s::delivery_failed},
    {"undelivered_no_mailbox", s::delivery_failed},
    {"undelivered_not_live_address", s::delivery_failed},
    {"undelivered_lack_of_access_letterbox", s::delivery_failed},
    {"returned_to_sender", s::returned_to_sender},
    {"return_pickup_confirmation_to_sender", s::returned_to_sender},
    {"claimed", s::exception},
    {"canceled", s::cancelled},
    {"missing", s::exception},
    {"other", s::unknown},
};

TEST(InpostStatusMap, every_published_status_maps_as_expected) {
  for (const auto& e : kPublished) {
    const auto* entry = ip::find_status(e.name);
    ASSERT_NE(entry, nullptr) << e.name << " missing from status_map.cpp";
    EXPECT_EQ(entry->status, e.status) << e.name;
    EXPECT_FALSE(entry->title.empty()) << e.name;
  }
}

TEST(InpostStatusMap, the_table_holds_the_dictionary_and_nothing_else) {
  std::set<std::string_view> published;
  for (const auto& e : kPublished) published.insert(e.name);
  std::set<std::string_view> mapped;
  for (const auto& e : ip::published_statuses()) {
    EXPECT_TRUE(mapped.insert(e.name).second) << "duplicate " << e.name;
    EXPECT_TRUE(published.contains(e.name)) << e.name << " is not in the dictionary";
  }
  EXPECT_EQ(mapped.size(), published.size());
}

TEST(InpostStatusMap, only_other_and_unlisted_codes_are_unknown) {
  for (const auto& e : ip::published_statuses())
    if (e.name != "other") {
      EXPECT_NE(e.status, s::unknown) << e.name;
    }
  EXPECT_EQ(ip::status_for("teleported"), s::unknown);
  EXPECT_EQ(ip::status_for(""), s::unknown);
  // Our statuses reached from InPost's: all but none-applicable ones.
  std::set<tracking_status> reached;
  for (const auto& e : ip::published_statuses()) reached.insert(e.status);
  EXPECT_EQ(reached.size(), 13u);
}

}  // namespace
