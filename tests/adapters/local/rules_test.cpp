// What the local network refuses before printing, as field errors on our API's paths.
#include "adapters/local/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/adapters/local/test_support.hpp"

using namespace parcelgate;
using adapters::local::check_shipment;
using adapters::local::name_problem;
using local_test::return_request;

namespace {

bool has_field(const std::vector<field_error>& errors, std::string_view field) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const field_error& e) { return e.field == field && !e.message.empty(); });
}

TEST(LocalRules, accepts_a_return_and_an_outbound_home_shipment) {
  auto r = return_request();
  EXPECT_TRUE(check_shipment(r).empty());
  r.dir = direction::outbound;
  EXPECT_TRUE(check_shipment(r).empty());
}

TEST(LocalRules, accepts_every_format_and_size_the_renderer_prints) {
  for (auto f : {label_format::pdf, label_format::zpl, label_format::png})
    for (auto s : {label_size::a6, label_size::in4x6, label_size::a4}) {
      auto r = return_request();
      r.format = f;
      r.size = s;
      const bool printable = !(f == label_format::zpl && s == label_size::a4);
      EXPECT_EQ(check_shipment(r).empty(), printable) << to_string(f) << " " << to_string(s);
      if (!printable) {
        EXPECT_TRUE(has_field(check_shipment(r), "label.size"));
      }
    }
}

TEST(LocalRules, offers_home_only) {
  for (auto s : {service_level::home_signature, service_level::pickup_point, service_level::locker,
                 service_level::express}) {
    auto r = return_request();
    r.service = s;
    EXPECT_TRUE(has_field(check_shipment(r), "service")) << to_string(s);
  }
}

TEST(LocalRules, has_no_carrier_products) {
  auto r = return_request();
  r.carrier_service = "DOM";
  EXPECT_TRUE(has_field(check_shipment(r), "carrier_service"));
}

TEST(LocalRules, the_recipient_block_must_be_complete) {
  auto r = return_request();
  r.to.name = "";
  r.to.line1 = " ";
  r.to.postal_code = "";
  r.to.city = "";
  r.to.country = "";
  const auto errors = check_shipment(r);
  for (auto field : {"to.name", "to.line1", "to.postal_code", "to.city", "to.country"})
    EXPECT_TRUE(has_field(errors, field)) << field;
  EXPECT_EQ(errors.size(), 5u) << "every problem at once";
}

TEST(LocalRules, the_sender_block_is_printed_as_given) {
  auto r = return_request();
  r.from.line1 = "";
  r.from.phone = "";
  EXPECT_TRUE(check_shipment(r).empty());
}

TEST(LocalRules, one_parcel_of_at_most_30_kg) {
  auto r = return_request();
  r.parcels[0].weight_g = 30'000;
  EXPECT_TRUE(check_shipment(r).empty());
  r.parcels[0].weight_g = 30'001;
  EXPECT_TRUE(has_field(check_shipment(r), "parcels[0].weight_g"));
  r.parcels.push_back(r.parcels[0]);
  const auto errors = check_shipment(r);
  EXPECT_TRUE(has_field(errors, "parcels"));
  EXPECT_TRUE(has_field(errors, "parcels[1].weight_g"));
}

TEST(LocalRules, destination_countries_are_not_restricted) {
  auto r = return_request();
  r.to.country = "US";
  r.to.postal_code = "10001";
  r.to.city = "New York";
  EXPECT_TRUE(check_shipment(r).empty());
}

TEST(LocalRules, names_printed_on_the_label_are_one_short_line) {
  EXPECT_EQ(name_problem("Reseau Relais Lyon"), "");
  EXPECT_EQ(name_problem("R\xc3\xa9seau"), "") << "UTF-8 is printed";
  EXPECT_NE(name_problem(""), "");
  EXPECT_NE(name_problem("   "), "");
  EXPECT_NE(name_problem(std::string(41, 'x')), "");
  EXPECT_NE(name_problem("two\nlines"), "");
}

}  // namespace
