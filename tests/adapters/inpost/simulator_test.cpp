// The adapter against the in-process InPost simulator, and the simulator's own rules.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdlib>

#include "adapters/inpost/adapter.hpp"
#include "tests/adapters/inpost/test_support.hpp"

using namespace parcelgate;
using inpost_test::run;
using inpost_test::simulator_call;

namespace {

struct InpostSimulator : ::testing::Test {
  sim::sales_ledger ledger;

  // The simulator reads its environment when it is made.
  std::unique_ptr<sim::carrier_sim> simulator(const char* confirm_ms, const char* stage_s = "0") {
    ::setenv("CARRIER_SIM_INPOST_CONFIRM_MS", confirm_ms, 1);
    ::setenv("CARRIER_SIM_INPOST_STAGE_SECONDS", stage_s, 1);
    auto s = sim::make_inpost_sim(ledger);
    ::unsetenv("CARRIER_SIM_INPOST_CONFIRM_MS");
    ::unsetenv("CARRIER_SIM_INPOST_STAGE_SECONDS");
    return s;
  }

  static std::unique_ptr<carriers::carrier_adapter> adapter(
      std::string token = "sandbox-inpost-token", std::string org = "6183") {
    auto a = adapters::make_inpost_adapter();
    auto settings = inpost_test::sandbox_settings();
    settings["token"] = std::move(token);
    settings["organization_id"] = std::move(org);
    settings["confirm_timeout_s"] = "2";
    EXPECT_TRUE(a->configure(settings).empty());
    return a;
  }

  std::uint64_t sold() {
    auto v = boost::json::parse(ledger.to_json());
    const auto* c = v.as_object().if_contains("inpost");
    return c ? c->as_object().at("labels_sold").to_number<std::uint64_t>() : 0;
  }
};

TEST_F(InpostSimulator, buys_a_locker_label_tracks_it_and_cannot_void_it_once_printed) {
  auto sim = simulator("0");
  auto a = adapter();
  simulator_call call(*sim);
  auto label = run(a->create_label(inpost_test::locker_request(), call));
  ASSERT_TRUE(label) << label.error().message << " " << label.error().carrier_message;
  EXPECT_EQ(label->tracking_number.size(), 24u);
  EXPECT_TRUE(label->tracking_number.starts_with("6"));
  EXPECT_TRUE(label->label.starts_with("%PDF-"));
  EXPECT_FALSE(label->carrier_reference.empty());
  EXPECT_EQ(sold(), 1u);

  simulator_call tracking(*sim);
  auto events = run(a->track({label->tracking_number}, tracking));
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_FALSE(events->events.empty());
  EXPECT_EQ(events->events.front().carrier_code, "confirmed");
  EXPECT_EQ(events->events.back().status, tracking_status::delivered);
  EXPECT_EQ(events->events.back().point_id, "inpost:PL:KRA012");
  for (const auto& e : events->events) {
    EXPECT_NE(e.status, tracking_status::unknown) << e.carrier_code;
    EXPECT_TRUE(e.occurred_at.ends_with("Z")) << e.occurred_at;
  }

  simulator_call voiding(*sim);
  const shipment_ref ref{.shipment_id = "shp_9f3k2m1n8b7v6c5",
                         .tracking_number = label->tracking_number,
                         .carrier_service = label->carrier_service,
                         .carrier_reference = label->carrier_reference};
  auto voided = run(a->cancel_label(ref, voiding));
  ASSERT_FALSE(voided);
  EXPECT_EQ(voided.error().kind, error_kind::conflict);
  EXPECT_NE(voided.error().message.find("can no longer be voided"), std::string::npos);
}

TEST_F(InpostSimulator, a_parcel_posted_in_a_locker_is_dropped_off_there) {
  auto sim = simulator("0");
  auto a = adapters::make_inpost_adapter();
  auto settings = inpost_test::sandbox_settings();
  settings["sending_method"] = "parcel_locker";
  ASSERT_TRUE(a->configure(settings).empty());
  simulator_call call(*sim);
  auto label = run(a->create_label(inpost_test::locker_request(), call));
  ASSERT_TRUE(label) << label.error().message;
  simulator_call tracking(*sim);
  auto events = run(a->track({label->tracking_number}, tracking));
  ASSERT_TRUE(events);
  ASSERT_GE(events->events.size(), 2u);
  EXPECT_EQ(events->events[1].carrier_code, "dispatched_by_sender");
  EXPECT_EQ(events->events[1].status, tracking_status::dropped_off);
  EXPECT_EQ(events->events[1].point_id, "inpost:PL:KRA01M");
}

TEST_F(InpostSimulator, zpl_courier_label) {
  auto sim = simulator("0");
  simulator_call call(*sim);
  auto label = run(adapter()->create_label(inpost_test::courier_request(), call));
  ASSERT_TRUE(label) << label.error().message;
  EXPECT_TRUE(label->label.starts_with("^XA"));
  EXPECT_NE(label->label.find(label->tracking_number), std::string::npos);
  EXPECT_EQ(label->carrier_service, "inpost_courier_standard");
}

TEST_F(InpostSimulator, a_shipment_never_confirmed_is_an_unknown_sale_and_can_still_be_voided) {
  auto sim = simulator("never");
  auto a = adapter();
  simulator_call call(*sim);
  auto label = run(a->create_label(inpost_test::locker_request(), call));
  ASSERT_FALSE(label);
  EXPECT_EQ(label.error().kind, error_kind::timeout);
  EXPECT_EQ(label.error().sale, sale_outcome::unknown);
  EXPECT_EQ(sold(), 0u);
  // The ShipX id is in the first answer: void it while it is still `created`.
  auto created =
      boost::json::parse(sim->handle([&] {
                              http::request r;
                              r.method = "GET";
                              r.target = r.path = "/inpost/v1/organizations/6183/shipments";
                              r.fields = {{"Authorization", "Bearer sandbox-inpost-token"}};
                              return r;
                            }())
                             .body);
  const auto& items = created.as_object().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].as_object().at("status").as_string(), "created");
  const std::string id = std::to_string(items[0].as_object().at("id").as_int64());
  simulator_call voiding(*sim);
  const shipment_ref ref{.shipment_id = "shp_x",
                         .tracking_number = "",
                         .carrier_service = "inpost_locker_standard",
                         .carrier_reference = id};
  auto voided = run(a->cancel_label(ref, voiding));
  EXPECT_TRUE(voided) << voided.error().message;
  auto again = run(a->cancel_label(ref, voiding));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, error_kind::conflict);
}

TEST_F(InpostSimulator, credentials_organization_and_validation_in_shipx_format) {
  auto sim = simulator("0");
  {
    simulator_call call(*sim);
    auto out = run(adapter("wrong-token")->create_label(inpost_test::locker_request(), call));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().kind, error_kind::auth_failed);
    EXPECT_EQ(out.error().carrier_code, "token_invalid");
    EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
  }
  {
    simulator_call call(*sim);
    auto out = run(
        adapter("sandbox-inpost-token", "7777")->create_label(inpost_test::locker_request(), call));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().kind, error_kind::auth_failed);
    EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
  }
  {
    auto r = inpost_test::locker_request();
    r.pickup_point_id = "KRA999";  // well formed, but no such point in the sandbox
    simulator_call call(*sim);
    auto out = run(adapter()->create_label(r, call));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().kind, error_kind::invalid_request);
    EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
    ASSERT_EQ(out.error().fields.size(), 1u);
    EXPECT_EQ(out.error().fields[0].field, "pickup_point_id");
  }
  EXPECT_EQ(sold(), 0u);
}

TEST_F(InpostSimulator, tracking_moves_along_the_timeline_and_unknown_numbers_are_404) {
  auto sim = simulator("0", "3600");
  auto a = adapter();
  simulator_call call(*sim);
  auto label = run(a->create_label(inpost_test::locker_request(), call));
  ASSERT_TRUE(label);
  simulator_call tracking(*sim);
  auto events = run(a->track({label->tracking_number, "600000000000000000000999"}, tracking));
  ASSERT_TRUE(events);
  ASSERT_EQ(events->events.size(), 1u);  // confirmed only: the next stage is an hour away
  EXPECT_EQ(events->events[0].status, tracking_status::label_created);
  ASSERT_EQ(events->misses.size(), 1u);
  EXPECT_EQ(events->misses[0].why.kind, error_kind::not_found);
}

}  // namespace
