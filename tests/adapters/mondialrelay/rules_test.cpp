// adapters/mondialrelay/rules.hpp on its own: the delivery plan chosen for a request and the
// field errors, with no adapter, settings or call involved.
#include <gtest/gtest.h>

#include "adapters/mondialrelay/rules.hpp"
#include "tests/adapters/mondialrelay/test_support.hpp"

namespace {

using namespace parcelgate;
namespace mr = parcelgate::adapters::mondialrelay;
using testing_mr::pickup_point_request;

bool has_field(const std::vector<field_error>& errors, std::string_view field) {
  for (const auto& e : errors)
    if (e.field == field) return true;
  return false;
}

TEST(MondialRelayRules, pickup_point_request_gets_24R_with_a_zero_padded_relay_number) {
  auto r = pickup_point_request();
  r.pickup_point_id = "20230";
  mr::delivery_plan plan;
  EXPECT_TRUE(mr::check_shipment(r, "CCC", plan).empty());
  EXPECT_EQ(plan.mode_col, "CCC");
  EXPECT_EQ(plan.mode_liv, "24R");
  EXPECT_EQ(plan.liv_rel, "020230");
  EXPECT_EQ(plan.liv_rel_pays, "FR");
  EXPECT_EQ(plan.nb_colis, 1);
  EXPECT_TRUE(plan.relay_delivery());
}

TEST(MondialRelayRules, returns_and_the_REL_setting_are_dropped_at_any_relay) {
  auto r = pickup_point_request();
  r.service = service_level::home;
  mr::delivery_plan rel;
  EXPECT_TRUE(mr::check_shipment(r, "REL", rel).empty());
  EXPECT_EQ(rel.mode_col, "REL");
  EXPECT_EQ(rel.col_rel, "AUTO");
  EXPECT_EQ(rel.col_rel_pays, "FR");
  EXPECT_EQ(rel.mode_liv, "HOM");
  r.dir = direction::return_;
  mr::delivery_plan back;
  EXPECT_TRUE(mr::check_shipment(r, "CCC", back).empty());
  EXPECT_EQ(back.mode_col, "REL");
  EXPECT_EQ(back.mode_liv, "LCC");
}

TEST(MondialRelayRules, heavy_modes_take_several_parcels_over_30_kg) {
  auto r = pickup_point_request();
  r.service = service_level::home;
  r.carrier_service = "LD1";
  r.parcels = {parcel{.weight_g = 45000,
                      .dimensions_mm = dimensions{.length = 1300, .width = 600, .height = 400},
                      .reference = "a"},
               parcel{.weight_g = 12000, .dimensions_mm = std::nullopt, .reference = "b"}};
  mr::delivery_plan plan;
  auto errors = mr::check_shipment(r, "CCC", plan);
  EXPECT_TRUE(errors.empty()) << errors.front().field;
  EXPECT_EQ(plan.mode_liv, "LD1");
  EXPECT_EQ(plan.nb_colis, 2);
  r.carrier_service.clear();
  errors = mr::check_shipment(r, "CCC");
  EXPECT_TRUE(has_field(errors, "parcels"));
  EXPECT_TRUE(has_field(errors, "parcels[0].weight_g"));
  EXPECT_TRUE(has_field(errors, "parcels[0].dimensions_mm"));
}

TEST(MondialRelayRules, relay_point_must_be_digits_in_the_recipients_country) {
  auto r = pickup_point_request();
  r.pickup_point_id = "1234567";
  r.pickup_point_country = "BE";
  auto errors = mr::check_shipment(r, "CCC");
  int point_errors = 0;
  for (const auto& e : errors) point_errors += e.field == "pickup_point_id";
  EXPECT_EQ(point_errors, 2);
}

TEST(MondialRelayRules, addresses_are_checked_after_transliteration) {
  std::vector<field_error> errors;
  address a{.name = "Ž",
            .company = "",
            .line1 = "Ω",
            .line2 = "",
            .city = "Lyon",
            .postal_code = "6900",
            .country = "FR",
            .phone = "12",
            .email = ""};
  mr::check_address(a, "from", true, errors);
  EXPECT_TRUE(has_field(errors, "from.name"));
  EXPECT_TRUE(has_field(errors, "from.line1"));
  EXPECT_TRUE(has_field(errors, "from.postal_code"));
  EXPECT_TRUE(has_field(errors, "from.phone"));
  EXPECT_FALSE(has_field(errors, "from.city"));
  errors.clear();
  a.country = "US";
  a.phone.clear();
  mr::check_address(a, "to", false, errors);
  EXPECT_TRUE(has_field(errors, "to.country"));
  EXPECT_FALSE(has_field(errors, "to.postal_code")) << "no postcode rule for a country not served";
  EXPECT_FALSE(has_field(errors, "to.phone"));
}

TEST(MondialRelayRules, same_request_same_answer) {
  auto r = pickup_point_request();
  r.format = label_format::zpl;
  r.to.postal_code = "7501";
  auto first = mr::check_shipment(r, "CCC"), second = mr::check_shipment(r, "CCC");
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].message, second[i].message);
}

TEST(MondialRelayRules, settings_values) {
  EXPECT_TRUE(mr::valid_enseigne("BDTEST13"));
  EXPECT_FALSE(mr::valid_enseigne("bdtest13"));
  EXPECT_FALSE(mr::valid_enseigne("BDTEST1"));
  EXPECT_TRUE(mr::valid_http_url("https://api.mondialrelay.com"));
  EXPECT_TRUE(mr::valid_http_url("http://127.0.0.1:9443/mondialrelay"));
  EXPECT_FALSE(mr::valid_http_url("https:///path"));
  EXPECT_FALSE(mr::valid_http_url("www.mondialrelay.com"));
  EXPECT_TRUE(mr::valid_collection_mode("REL"));
  EXPECT_FALSE(mr::valid_collection_mode("DRV"));
  EXPECT_TRUE(mr::served("PL"));
  EXPECT_FALSE(mr::served("GB"));
}

}  // namespace
