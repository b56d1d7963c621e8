// InPost's limits on OUR request paths (adapters/inpost/rules.hpp).
#include <gtest/gtest.h>

#include <algorithm>

#include "adapters/inpost/rules.hpp"
#include "tests/adapters/inpost/test_support.hpp"

namespace ip = parcelgate::adapters::inpost;
using namespace parcelgate;
using inpost_test::courier_request;
using inpost_test::locker_request;

namespace {

bool has(const std::vector<field_error>& errors, std::string_view field) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const field_error& e) { return e.field == field; });
}

TEST(InpostRules, samples_pass_and_choose_their_plan) {
  ip::shipment_plan plan;
  EXPECT_TRUE(ip::check_shipment(locker_request(), plan).empty());
  EXPECT_TRUE(plan.locker);
  EXPECT_EQ(plan.service, "inpost_locker_standard");
  EXPECT_EQ(plan.parcel_template, "medium");
  EXPECT_EQ(plan.target_point, "KRA012");
  EXPECT_EQ(plan.receiver_phone, "600123456");
  EXPECT_EQ(plan.sender_phone, "123456789");
  EXPECT_TRUE(ip::check_shipment(courier_request(), plan).empty());
  EXPECT_FALSE(plan.locker);
  EXPECT_EQ(plan.service, "inpost_courier_standard");
  EXPECT_EQ(plan.receiver_phone, "501222333");
}

TEST(InpostRules, locker_template_is_the_smallest_box_that_fits) {
  auto t = [](int l, int w, int h) {
    const auto* found = ip::template_for(dimensions{.length = l, .width = w, .height = h});
    return found ? std::string(found->name) : std::string("none");
  };
  EXPECT_EQ(t(640, 380, 80), "small");
  EXPECT_EQ(t(80, 640, 380), "small");  // any orientation
  EXPECT_EQ(t(300, 200, 81), "medium");
  EXPECT_EQ(t(640, 380, 190), "medium");
  EXPECT_EQ(t(640, 380, 410), "large");
  EXPECT_EQ(t(641, 380, 80), "none");
  EXPECT_EQ(t(640, 381, 400), "none");
  EXPECT_EQ(t(640, 380, 411), "none");
}

TEST(InpostRules, oversize_and_overweight_parcels_are_refused_on_the_parcel_path) {
  auto r = locker_request();
  r.parcels[0].dimensions_mm = dimensions{.length = 700, .width = 300, .height = 100};
  auto errors = ip::check_shipment(r);
  ASSERT_TRUE(has(errors, "parcels[0].dimensions_mm"));
  r = locker_request();
  r.parcels[0].dimensions_mm.reset();
  EXPECT_TRUE(has(ip::check_shipment(r), "parcels[0].dimensions_mm"));
  r = locker_request();
  r.parcels[0].weight_g = 25'001;
  EXPECT_TRUE(has(ip::check_shipment(r), "parcels[0].weight_g"));
  auto c = courier_request();
  c.parcels[0].weight_g = 50'001;
  EXPECT_TRUE(has(ip::check_shipment(c), "parcels[0].weight_g"));
  c = courier_request();
  c.parcels[0].dimensions_mm = dimensions{.length = 3600, .width = 100, .height = 100};
  EXPECT_TRUE(has(ip::check_shipment(c), "parcels[0].dimensions_mm"));
}

TEST(InpostRules, point_names_follow_inposts_format) {
  for (std::string_view ok : {"KRA012", "WAW22A", "GDA01M", "POP-KRA012", "KRA1", "WAW1234AB"})
    EXPECT_TRUE(ip::valid_point_name(ok)) << ok;
  for (std::string_view bad :
       {"", "kra012", "KR012", "KRA", "KRA12345", "KRA012ABC", "020230", "POP-", "KRA-012"})
    EXPECT_FALSE(ip::valid_point_name(bad)) << bad;
  auto r = locker_request();
  r.pickup_point_id = "020230";
  EXPECT_TRUE(has(ip::check_shipment(r), "pickup_point_id"));
  r = locker_request();
  r.pickup_point_country = "FR";
  EXPECT_TRUE(has(ip::check_shipment(r), "pickup_point_id"));
}

TEST(InpostRules, receiver_needs_a_polish_mobile_and_an_email_for_lockers) {
  EXPECT_EQ(ip::polish_phone("+48 600-123-456"), "600123456");
  EXPECT_EQ(ip::polish_phone("0048600123456"), "600123456");
  EXPECT_EQ(ip::polish_phone("48600123456"), "600123456");
  EXPECT_EQ(ip::polish_phone("(600) 123 456"), "600123456");
  EXPECT_FALSE(ip::polish_phone("+33612345678"));
  EXPECT_FALSE(ip::polish_phone("60012345"));
  EXPECT_FALSE(ip::polish_phone("060012345"));
  EXPECT_FALSE(ip::polish_phone("600123456x"));
  auto r = locker_request();
  r.to.phone = "";
  r.to.email = "";
  auto errors = ip::check_shipment(r);
  EXPECT_TRUE(has(errors, "to.phone"));
  EXPECT_TRUE(has(errors, "to.email"));
  r.to.phone = "+33612345678";
  EXPECT_TRUE(has(ip::check_shipment(r), "to.phone"));
  auto c = courier_request();
  c.to.email = "";  // the courier calls: no e-mail needed
  EXPECT_TRUE(ip::check_shipment(c).empty());
}

TEST(InpostRules, domestic_only_and_courier_addresses_complete) {
  auto r = courier_request();
  r.to.country = "DE";
  r.from.country = "FR";
  auto errors = ip::check_shipment(r);
  EXPECT_TRUE(has(errors, "to.country"));
  EXPECT_TRUE(has(errors, "from.country"));
  r = courier_request();
  r.to.postal_code = "75001X";
  r.to.line1 = "";
  errors = ip::check_shipment(r);
  EXPECT_TRUE(has(errors, "to.postal_code"));
  EXPECT_TRUE(has(errors, "to.line1"));
}

TEST(InpostRules, services_formats_sizes_and_forced_products) {
  auto r = locker_request();
  r.service = service_level::express;
  r.format = label_format::png;
  r.size = label_size::a4;
  r.dir = direction::return_;
  auto errors = ip::check_shipment(r);
  EXPECT_TRUE(has(errors, "service"));
  EXPECT_TRUE(has(errors, "label.format"));
  EXPECT_TRUE(has(errors, "label.size"));
  EXPECT_TRUE(has(errors, "direction"));
  r = locker_request();
  r.service = service_level::pickup_point;
  r.pickup_point_id = "POP-KRA012";
  EXPECT_TRUE(ip::check_shipment(r).empty());
  r.carrier_service = "inpost_courier_standard";
  EXPECT_TRUE(has(ip::check_shipment(r), "carrier_service"));
  auto c = courier_request();
  c.carrier_service = "inpost_courier_express_1200";
  ip::shipment_plan plan;
  EXPECT_TRUE(ip::check_shipment(c, plan).empty());
  EXPECT_EQ(plan.service, "inpost_courier_express_1200");
  c.parcels.push_back(c.parcels.front());
  EXPECT_TRUE(has(ip::check_shipment(c), "parcels"));
}

TEST(InpostRules, settings_values) {
  EXPECT_TRUE(ip::valid_organization_id("6183"));
  EXPECT_FALSE(ip::valid_organization_id(""));
  EXPECT_FALSE(ip::valid_organization_id("61a3"));
  EXPECT_FALSE(ip::valid_organization_id("0"));
  EXPECT_EQ(ip::parse_confirm_timeout("10"), 10);
  EXPECT_FALSE(ip::parse_confirm_timeout("0"));
  EXPECT_FALSE(ip::parse_confirm_timeout("61"));
  EXPECT_FALSE(ip::parse_confirm_timeout("5s"));
  EXPECT_TRUE(ip::valid_sending_method("parcel_locker"));
  EXPECT_FALSE(ip::valid_sending_method("pigeon"));
}

}  // namespace
