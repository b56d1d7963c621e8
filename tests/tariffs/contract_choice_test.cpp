// choose_contract and quote_request_for: the contract that carries a shipment.
#include <gtest/gtest.h>

#include "gateway/tariffs/contract_choice.hpp"
#include "tests/tariffs/tariff_fixtures.hpp"

namespace parcelgate::tariffs {
namespace {

using testing::contract_file;
using testing::load_valid;

std::pair<std::string, std::string> flat(const std::string& id, int price, int days,
                                         const std::string& carrier) {
  std::string transit = days < 0 ? "" : "    transit_days: {FR: " + std::to_string(days) + "}\n";
  return {id + ".yaml",
          contract_file(id,
                        "zones: [{name: FR, countries: [FR]}]\nservices:\n  home:\n" + transit +
                            "    bands: [{max_g: 5000, FR: " + std::to_string(price) + "}]\n",
                        carrier)};
}

shipment_request lyon_parcel(int weight_g) {
  shipment_request s;
  s.dir = direction::outbound;
  s.service = service_level::home;
  s.from.country = "FR";
  s.from.postal_code = "75001";
  s.to.country = "FR";
  s.to.postal_code = "69001";
  s.parcels.push_back(
      parcel{.weight_g = weight_g,
             .dimensions_mm = dimensions{.length = 300, .width = 200, .height = 100},
             .reference = {}});
  return s;
}

quote_request on_june_first(quote_request q) {
  q.date = testing::d("2026-06-01");
  return q;
}

TEST(contract_choice, the_quote_request_carries_route_parcels_and_service_of_the_shipment) {
  auto s = lyon_parcel(1200);
  s.dir = direction::return_;
  s.service = service_level::pickup_point;
  s.parcels.push_back(parcel{.weight_g = 300, .dimensions_mm = std::nullopt, .reference = "b"});
  const auto q = quote_request_for(s);
  EXPECT_EQ(q.dir, direction::return_);
  EXPECT_EQ(q.from_country, "FR");
  EXPECT_EQ(q.from_postal_code, "75001");
  EXPECT_EQ(q.to_postal_code, "69001");
  ASSERT_TRUE(q.service);
  EXPECT_EQ(*q.service, service_level::pickup_point);
  ASSERT_EQ(q.parcels.size(), 2u);
  EXPECT_EQ(q.parcels[0].weight_g, 1200);
  EXPECT_EQ(q.parcels[0].length_mm, 300);
  EXPECT_EQ(q.parcels[0].height_mm, 100);
  EXPECT_EQ(q.parcels[1].weight_g, 300);
  EXPECT_EQ(q.parcels[1].width_mm, 0);  // no dimensions given
  EXPECT_TRUE(q.carriers.empty());
  EXPECT_TRUE(q.tenant.empty());
}

TEST(contract_choice, cheapest_and_fastest_follow_the_order_quote_all_defines) {
  auto set = load_valid({flat("slow-cheap", 700, 4, "a"), flat("fast-dear", 1100, 1, "b"),
                         flat("fast-cheaper", 1000, 1, "c"), flat("same-price", 700, 2, "d")});
  ASSERT_TRUE(set);
  const auto q = on_june_first(quote_request_for(lyon_parcel(1000)));
  auto cheapest = choose_contract(*set, q, selection::cheapest, "a configured carrier");
  ASSERT_TRUE(cheapest.best);
  EXPECT_EQ(cheapest.best->contract, "same-price");  // 700 like slow-cheap, 2 days instead of 4
  EXPECT_EQ(cheapest.best->carrier, "d");
  EXPECT_TRUE(cheapest.why_none.empty());
  auto fastest = choose_contract(*set, q, selection::fastest, "a configured carrier");
  ASSERT_TRUE(fastest.best);
  EXPECT_EQ(fastest.best->contract, "fast-cheaper");  // 1 day like fast-dear, 1000 < 1100
  // The same answer as quote_all's own marks: the tie-break is written once.
  const auto all = set->quote_all(q);
  EXPECT_EQ(all.quotes[*all.cheapest].contract, cheapest.best->contract);
  EXPECT_EQ(all.quotes[*all.fastest].contract, fastest.best->contract);
}

TEST(contract_choice, only_the_carriers_asked_for_are_considered) {
  auto set = load_valid({flat("a-2026", 700, 4, "a"), flat("b-2026", 500, 1, "b")});
  ASSERT_TRUE(set);
  auto q = on_june_first(quote_request_for(lyon_parcel(1000)));
  q.carriers = {"a"};
  auto choice = choose_contract(*set, q, selection::cheapest, "a");
  ASSERT_TRUE(choice.best);
  EXPECT_EQ(choice.best->contract, "a-2026");
}

TEST(contract_choice, no_contract_explains_each_refusal) {
  auto set = load_valid({flat("a-2026", 700, 4, "a")});
  ASSERT_TRUE(set);
  auto q = on_june_first(quote_request_for(lyon_parcel(7000)));  // above the last band
  auto choice = choose_contract(*set, q, selection::cheapest, "a");
  EXPECT_FALSE(choice.best);
  EXPECT_NE(choice.why_none.find("no negotiated contract of a can carry this shipment"),
            std::string::npos)
      << choice.why_none;
  EXPECT_NE(choice.why_none.find("a-2026: parcel 1: 7000 billable grams"), std::string::npos)
      << choice.why_none;
  q.date = testing::d("2027-02-01");
  auto expired = choose_contract(*set, q, selection::cheapest, "a");
  EXPECT_FALSE(expired.best);
  EXPECT_NE(expired.why_none.find("valid from 2026-01-01 to 2026-12-31, not on 2027-02-01"),
            std::string::npos)
      << expired.why_none;
  q.carriers = {"nobody"};
  auto none = choose_contract(*set, q, selection::cheapest, "nobody");
  EXPECT_EQ(none.why_none, "no negotiated contract of nobody is in force for this tenant and date");
}

}  // namespace
}  // namespace parcelgate::tariffs
