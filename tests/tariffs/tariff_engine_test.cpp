// Pricing rules of DESIGN §7, one behaviour per test, with the expected amounts worked out by
// hand in the comments.
#include <gtest/gtest.h>

#include "tests/tariffs/tariff_fixtures.hpp"

namespace parcelgate::tariffs {
namespace {

using testing::d;
using testing::load_one;
using testing::request_to;

// Three zones for France: CORSE (20*), PARIS (two exact codes), FR (any code), then EU1.
const char* kZones = R"(
zones:
  - {name: CORSE, countries: [FR], postal_codes: ["20*"]}
  - {name: PARIS, countries: [FR], postal_codes: ["75001", "75002"]}
  - {name: FR, countries: [FR, MC]}
  - {name: EU1, countries: [BE, DE]}
)";

// home: volumetric divisor 5000, two bands; EU1 has no price in the second band.
const char* kHome = R"(
services:
  home:
    volumetric_divisor: 5000
    transit_days: {FR: 2, PARIS: 1, CORSE: 4}
    bands:
      - {max_g: 1000, FR: 1000, PARIS: 900, CORSE: 1100, EU1: 2000}
      - {max_g: 5000, FR: 2000, PARIS: 1900, CORSE: 2100}
  pickup_point:
    bands:
      - {max_g: 1000, FR: 500, PARIS: 500, CORSE: 700}
)";

std::string body(const std::string& extra = "") {
  return std::string(kZones) + kHome + extra;
}

std::int64_t total_of(const tariff_set& set, const price_request& r,
                      service_level s = service_level::home) {
  auto p = set.price(0, s, r);
  EXPECT_TRUE(p.has_value()) << (p ? "" : to_string(p.error().code));
  return p ? p->total : -1;
}

reason_code refusal_of(const tariff_set& set, const price_request& r,
                       service_level s = service_level::home) {
  auto p = set.price(0, s, r);
  EXPECT_FALSE(p.has_value());
  return p ? reason_code::invalid_parcel : p.error().code;
}

const std::vector<priced_parcel> kOneKilo{{1000}};

TEST(tariff_engine, zone_first_match_wins_in_file_order) {
  auto set = load_one(body());
  ASSERT_TRUE(set);
  // 20000 is in CORSE (listed first) although FR would match it too: 1100.
  EXPECT_EQ(total_of(*set, request_to("FR", "20000", kOneKilo)), 1100);
  // 69001 is only in FR: 1000.
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", kOneKilo)), 1000);
  // Same zones with FR first: FR wins for 20000 (1000), CORSE is never reached.
  auto reversed = load_one(R"(
zones:
  - {name: FR, countries: [FR]}
  - {name: CORSE, countries: [FR], postal_codes: ["20*"]}
services:
  home:
    bands: [{max_g: 1000, FR: 1000, CORSE: 1100}]
)");
  ASSERT_TRUE(reversed);
  auto q = reversed->quote_one(0, service_level::home, request_to("FR", "20000", kOneKilo));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->zone, "FR");
  EXPECT_EQ(q->total, 1000);
}

TEST(tariff_engine, postal_code_exact_or_prefix_before_trailing_star) {
  auto set = load_one(body());
  ASSERT_TRUE(set);
  EXPECT_EQ(set->zone_of(0, "FR", "75001"), 1u);  // exact entry -> PARIS
  EXPECT_EQ(set->zone_of(0, "FR", "75002"), 1u);
  EXPECT_EQ(set->zone_of(0, "FR", "750011"), 2u);  // exact entries do not match longer codes -> FR
  EXPECT_EQ(set->zone_of(0, "FR", "7500"), 2u);
  EXPECT_EQ(set->zone_of(0, "FR", "20"), 0u);     // "20*" matches "20" itself
  EXPECT_EQ(set->zone_of(0, "FR", "2A004"), 2u);  // not a prefix match
  EXPECT_EQ(set->zone_of(0, "MC", "98000"), 2u);  // no postal_codes: every code of MC
  EXPECT_EQ(set->zone_of(0, "MC", ""), 2u);
  EXPECT_EQ(set->zone_of(0, "FR", ""), 2u);  // an empty code matches no pattern
}

TEST(tariff_engine, unknown_country_has_no_zone) {
  auto set = load_one(body());
  ASSERT_TRUE(set);
  EXPECT_EQ(refusal_of(*set, request_to("IT", "00100", kOneKilo)), reason_code::no_zone);
  EXPECT_EQ(refusal_of(*set, request_to("fr", "75001", kOneKilo)),
            reason_code::no_zone);  // codes are upper case
}

TEST(tariff_engine, returns_quote_uses_sender_zone) {
  auto set = load_one(body("returns: {percent: 50}\n"));
  ASSERT_TRUE(set);
  // A return from Corsica to Paris: the zone is the sender's, CORSE, 1100 * 50 % = 550.
  auto r = request_to("FR", "75001", kOneKilo);
  r.dir = direction::return_;
  r.from_postal_code = "20000";
  EXPECT_EQ(total_of(*set, r), 550);
  auto q = set->quote_one(0, service_level::home, r);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->zone, "CORSE");
  // From a sender outside every zone there is no quote, whatever the destination.
  r.from_country = "IT";
  EXPECT_EQ(refusal_of(*set, r), reason_code::no_zone);
}

TEST(tariff_engine, volumetric_weight_is_ceiled_and_only_with_a_divisor) {
  auto set = load_one(body());
  ASSERT_TRUE(set);
  // 100 x 100 x 500 mm = 5,000,000 / 5000 = 1000 g exactly -> band 1 (1000).
  std::vector<priced_parcel> exact{{200, 100, 100, 500}};
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", exact)), 1000);
  // 100 x 100 x 501 = 5,010,000 / 5000 = 1002 g > 1000 -> band 2 (2000).
  std::vector<priced_parcel> bulky{{200, 100, 100, 501}};
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", bulky)), 2000);
  // 1 x 1 x 5,000,001 = 1000.0002 -> ceil 1001 g -> band 2.
  std::vector<priced_parcel> ceiled{{1, 1, 1, 5'000'001}};
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", ceiled)), 2000);
  // pickup_point has no divisor: the bulky parcel weighs 200 g -> 500.
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", bulky), service_level::pickup_point), 500);
  // Unknown dimensions (0) add no volumetric weight.
  std::vector<priced_parcel> flat{{200, 0, 100, 501}};
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", flat)), 1000);
}

TEST(tariff_engine, band_max_g_is_inclusive_and_above_the_last_band_is_too_heavy) {
  auto set = load_one(body());
  ASSERT_TRUE(set);
  std::vector<priced_parcel> at{{1000}}, above{{1001}}, last{{5000}}, over{{5001}};
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", at)), 1000);
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", above)), 2000);
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", last)), 2000);
  auto p = set->price(0, service_level::home, request_to("FR", "69001", over));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, reason_code::too_heavy);
  EXPECT_EQ(p.error().billable_g, 5001);
}

TEST(tariff_engine, missing_price_for_the_zone_refuses_with_a_reason) {
  auto set = load_one(body());
  ASSERT_TRUE(set);
  // EU1 is priced up to 1000 g only.
  EXPECT_EQ(total_of(*set, request_to("BE", "1000", kOneKilo)), 2000);
  std::vector<priced_parcel> heavier{{1500}};
  auto r = request_to("BE", "1000", heavier);
  auto p = set->price(0, service_level::home, r);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, reason_code::no_price_for_zone);
  EXPECT_EQ(set->describe(0, service_level::home, p.error(), r),
            "parcel 1: no price for zone EU1 at 1500 billable grams");
}

TEST(tariff_engine, discounts_add_up_before_rounding) {
  // base 1000, discounts 7.5 + 2.5 = 10 % -> 900 (not 1000*0.925=925 then *0.975).
  auto set = load_one(
      body("discounts:\n  - {name: negotiated, percent: 7.5}\n  - {name: volume, percent: 2.5}\n"));
  ASSERT_TRUE(set);
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", kOneKilo)), 900);
}

TEST(tariff_engine, percent_surcharge_applies_to_the_discounted_base) {
  // base 1000 -> discounted 900; fuel 12.5 % of 900 = 112.5 -> 113; total 1013.
  auto set = load_one(body(
      "discounts: [{name: negotiated, percent: 10}]\nsurcharges: [{name: fuel, percent: 12.5}]\n"));
  ASSERT_TRUE(set);
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", kOneKilo)), 1013);
}

TEST(tariff_engine, amount_surcharge_is_added_as_given) {
  // base 1100 (CORSE) - 10 % = 990, + corsica 300 = 1290; the amount is not discounted.
  auto set =
      load_one(body("discounts: [{name: n, percent: 10}]\nsurcharges: [{name: corsica, zones: "
                    "[CORSE], amount: 300}]\n"));
  ASSERT_TRUE(set);
  EXPECT_EQ(total_of(*set, request_to("FR", "20000", kOneKilo)), 1290);
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", kOneKilo)), 900);  // other zone: no surcharge
}

TEST(tariff_engine, surcharge_services_condition) {
  auto set = load_one(body("surcharges: [{name: door, services: [home], amount: 50}]\n"));
  ASSERT_TRUE(set);
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", kOneKilo)), 1050);
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", kOneKilo), service_level::pickup_point), 500);
}

TEST(tariff_engine, weight_g_over_is_strict_and_uses_billable_grams) {
  auto set = load_one(body("surcharges: [{name: heavy, weight_g_over: 1000, amount: 70}]\n"));
  ASSERT_TRUE(set);
  std::vector<priced_parcel> at{{1000}}, above{{1001}};
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", at)), 1000);  // 1000 is not > 1000
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", above)), 2000 + 70);
  // Real weight 200 g, volumetric 1002 g -> billable 1002 > 1000: band 2 + heavy.
  std::vector<priced_parcel> bulky{{200, 100, 100, 501}};
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", bulky)), 2070);
}

TEST(tariff_engine, longest_side_mm_over_is_strict) {
  auto set =
      load_one(body("surcharges: [{name: oversize, longest_side_mm_over: 1000, amount: 1500}]\n"));
  ASSERT_TRUE(set);
  // Dimensions chosen light enough to stay in band 1 (1000 x 10 x 10 = 20 g volumetric).
  std::vector<priced_parcel> at{{500, 10, 1000, 10}}, above{{500, 10, 10, 1001}};
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", at)), 1000);
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", above)), 2500);
}

TEST(tariff_engine, surcharge_needs_every_condition) {
  auto set =
      load_one(body("surcharges: [{name: corsica_heavy, zones: [CORSE], services: [home], "
                    "weight_g_over: 500, amount: 40}]\n"));
  ASSERT_TRUE(set);
  std::vector<priced_parcel> heavy{{800}}, light{{400}};
  EXPECT_EQ(total_of(*set, request_to("FR", "20000", heavy)), 1140);  // all three hold
  EXPECT_EQ(total_of(*set, request_to("FR", "20000", light)), 1100);  // weight fails
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", heavy)), 1000);  // zone fails
  EXPECT_EQ(total_of(*set, request_to("FR", "20000", heavy), service_level::pickup_point),
            700);  // service fails
}

TEST(tariff_engine, rounding_is_half_away_from_zero_for_both_signs) {
  EXPECT_EQ(mul_div_round(5, 1, 2), 3);    // 2.5 -> 3
  EXPECT_EQ(mul_div_round(-5, 1, 2), -3);  // -2.5 -> -3
  EXPECT_EQ(mul_div_round(5, -1, 2), -3);
  EXPECT_EQ(mul_div_round(15, 1, 10), 2);  // 1.5 -> 2
  EXPECT_EQ(mul_div_round(-15, 1, 10), -2);
  EXPECT_EQ(mul_div_round(14, 1, 10), 1);  // 1.4 -> 1
  EXPECT_EQ(mul_div_round(-14, 1, 10), -1);
  EXPECT_EQ(mul_div_round(16, 1, 10), 2);
  EXPECT_EQ(mul_div_round(-16, 1, 10), -2);
  EXPECT_EQ(mul_div_round(1, 1, 2), 1);  // 0.5 -> 1
  EXPECT_EQ(mul_div_round(-1, 1, 2), -1);
  // Exact in 128 bits: 10^12 * 10^9 / 10^9.
  EXPECT_EQ(mul_div_round(1'000'000'000'000, 1'000'000'000, 1'000'000'000), 1'000'000'000'000);
}

TEST(tariff_engine, engine_rounds_half_cents_up) {
  // pickup_point base 500 in FR; discount 0.1 % -> 499.5 -> 500; fuel 0.1 % of 500 = 0.5 -> 1.
  auto set = load_one(
      body("discounts: [{name: n, percent: 0.1}]\nsurcharges: [{name: fuel, percent: 0.1}]\n"));
  ASSERT_TRUE(set);
  EXPECT_EQ(total_of(*set, request_to("FR", "69001", kOneKilo), service_level::pickup_point), 501);
}

TEST(tariff_engine, shipment_total_is_the_sum_of_parcel_totals) {
  // fuel 10 %: parcel 1 (500 g) 1000 + 100; parcel 2 (3 kg) 2000 + 200 -> 1100 + 2200 = 3300.
  auto set = load_one(body("surcharges: [{name: fuel, percent: 10}]\n"));
  ASSERT_TRUE(set);
  std::vector<priced_parcel> two{{500}, {3000}};
  auto q = set->quote_one(0, service_level::home, request_to("FR", "69001", two));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->total, 3300);
  EXPECT_EQ(q->parcel_totals, (std::vector<std::int64_t>{1100, 2200}));
  ASSERT_EQ(q->breakdown.size(), 2u);
  EXPECT_EQ(q->breakdown[0].label(), "base");
  EXPECT_EQ(q->breakdown[0].amount, 3000);
  EXPECT_EQ(q->breakdown[1].label(), "surcharge:fuel");
  EXPECT_EQ(q->breakdown[1].amount, 300);
}

TEST(tariff_engine, returns_percent_applies_to_the_shipment_total) {
  // Two 1 kg parcels at 1001 each (base 1000 + 1): 2002 * 50 % = 1001. Rounding each parcel
  // (500.5 -> 501) would have given 1002.
  auto set = load_one(body("surcharges: [{name: fee, amount: 1}]\nreturns: {percent: 50}\n"));
  ASSERT_TRUE(set);
  std::vector<priced_parcel> two{{1000}, {1000}};
  auto r = request_to("FR", "75001", two);
  r.dir = direction::return_;
  r.from_postal_code = "69001";
  auto q = set->quote_one(0, service_level::home, r);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->total, 1001);
  // Lines: base 2000, surcharge:fee 2, returns 1001 - 2002 = -1001.
  ASSERT_EQ(q->breakdown.size(), 3u);
  EXPECT_EQ(q->breakdown[2].label(), "returns");
  EXPECT_EQ(q->breakdown[2].amount, -1001);
}

TEST(tariff_engine, no_returns_section_means_no_return_quote) {
  auto set = load_one(body());
  ASSERT_TRUE(set);
  auto r = request_to("FR", "75001", kOneKilo);
  r.dir = direction::return_;
  EXPECT_EQ(refusal_of(*set, r), reason_code::returns_not_offered);
}

TEST(tariff_engine, validity_dates_are_inclusive) {
  auto set = load_one(body());  // valid 2026-01-01 .. 2026-12-31
  ASSERT_TRUE(set);
  auto r = request_to("FR", "69001", kOneKilo);
  r.date = d("2026-01-01");
  EXPECT_EQ(total_of(*set, r), 1000);
  r.date = d("2026-12-31");
  EXPECT_EQ(total_of(*set, r), 1000);
  r.date = d("2025-12-31");
  EXPECT_EQ(refusal_of(*set, r), reason_code::outside_validity);
  r.date = d("2027-01-01");
  EXPECT_EQ(refusal_of(*set, r), reason_code::outside_validity);
}

TEST(tariff_engine, tenant_restriction) {
  auto set = load_one(body("tenants: [acme, globex]\n"));
  ASSERT_TRUE(set);
  auto r = request_to("FR", "69001", kOneKilo);
  r.tenant = "acme";
  EXPECT_EQ(total_of(*set, r), 1000);
  r.tenant = "globex";
  EXPECT_EQ(total_of(*set, r), 1000);
  r.tenant = "initech";
  EXPECT_EQ(refusal_of(*set, r), reason_code::tenant_not_allowed);
  r.tenant = "";  // ops: no tenant restriction applies
  EXPECT_EQ(total_of(*set, r), 1000);
}

TEST(tariff_engine, service_not_in_contract_is_refused) {
  auto set = load_one(body());
  ASSERT_TRUE(set);
  EXPECT_EQ(refusal_of(*set, request_to("FR", "69001", kOneKilo), service_level::express),
            reason_code::service_not_offered);
}

TEST(tariff_engine, invalid_parcels_are_refused) {
  auto set = load_one(body());
  ASSERT_TRUE(set);
  std::vector<priced_parcel> none, negative{{-1}}, bad_dims{{100, -5, 10, 10}};
  EXPECT_EQ(refusal_of(*set, request_to("FR", "69001", none)), reason_code::invalid_parcel);
  EXPECT_EQ(refusal_of(*set, request_to("FR", "69001", negative)), reason_code::invalid_parcel);
  EXPECT_EQ(refusal_of(*set, request_to("FR", "69001", bad_dims)), reason_code::invalid_parcel);
}

TEST(tariff_engine, transit_days_come_from_the_zone) {
  auto set = load_one(body());
  ASSERT_TRUE(set);
  auto paris = set->price(0, service_level::home, request_to("FR", "75001", kOneKilo));
  auto belgium = set->price(0, service_level::home, request_to("BE", "1000", kOneKilo));
  ASSERT_TRUE(paris && belgium);
  EXPECT_EQ(paris->transit_days, 1);
  EXPECT_EQ(belgium->transit_days, -1);  // EU1 has no transit_days entry
}

TEST(tariff_engine, discount_lines_split_by_cumulative_rounding) {
  // base 1001, discounts 33.3 % and 33.3 %:
  //   after 1st: round(1001 * 66.7 %) = round(667.667) = 668 -> line -333
  //   after 2nd: round(1001 * 33.4 %) = round(334.334) = 334 -> line -334
  // discounted = 334 = 1001 - 333 - 334; fuel 10 % of 334 = 33.4 -> 33; total 367.
  auto set = load_one(std::string(kZones) + R"(
services:
  home:
    bands: [{max_g: 1000, FR: 1001}]
discounts: [{name: a, percent: 33.3}, {name: b, percent: 33.3}]
surcharges: [{name: fuel, percent: 10}, {name: never, zones: [EU1], amount: 5}]
)");
  ASSERT_TRUE(set);
  auto q = set->quote_one(0, service_level::home, request_to("FR", "69001", kOneKilo));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->total, 367);
  ASSERT_EQ(q->breakdown.size(),
            4u);  // base, discount:a, discount:b, surcharge:fuel (never: not held)
  EXPECT_EQ(q->breakdown[1].label(), "discount:a");
  EXPECT_EQ(q->breakdown[1].amount, -333);
  EXPECT_EQ(q->breakdown[2].label(), "discount:b");
  EXPECT_EQ(q->breakdown[2].amount, -334);
  EXPECT_EQ(q->breakdown[3].amount, 33);
}

}  // namespace
}  // namespace parcelgate::tariffs
