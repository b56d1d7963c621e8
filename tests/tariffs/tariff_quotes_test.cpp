// quote_all: which contracts are asked, the order of the quotes, cheapest and fastest.
#include <gtest/gtest.h>

#include "tests/tariffs/tariff_fixtures.hpp"

namespace parcelgate::tariffs {
namespace {

using testing::contract_file;
using testing::load_valid;

// One FR zone priced `price`, with `days` transit (or none when days < 0).
std::pair<std::string, std::string> flat(const std::string& id, int price, int days,
                                         const std::string& carrier = "acmepost") {
  std::string transit = days < 0 ? "" : "    transit_days: {FR: " + std::to_string(days) + "}\n";
  return {id + ".yaml",
          contract_file(id,
                        "zones: [{name: FR, countries: [FR]}]\nservices:\n  home:\n" + transit +
                            "    bands: [{max_g: 30000, FR: " + std::to_string(price) + "}]\n",
                        carrier)};
}

quote_request paris_to_lyon() {
  quote_request r;
  r.from_country = "FR";
  r.from_postal_code = "75001";
  r.to_country = "FR";
  r.to_postal_code = "69001";
  r.parcels = {{1000}};
  r.date = testing::d("2026-06-01");
  return r;
}

std::vector<std::string> ids(const quote_result& r) {
  std::vector<std::string> out;
  for (const auto& q : r.quotes) out.push_back(q.contract);
  return out;
}

TEST(tariff_quotes, sorted_by_total_then_contract_id) {
  auto set = load_valid({flat("b", 1000, 2), flat("a", 1000, 3), flat("c", 900, 5),
                         flat("e", 1200, 1), flat("d", 1200, 1)});
  ASSERT_TRUE(set);
  auto r = set->quote_all(paris_to_lyon());
  EXPECT_EQ(ids(r), (std::vector<std::string>{"c", "a", "b", "d", "e"}));
  ASSERT_TRUE(r.cheapest && r.fastest);
  EXPECT_EQ(r.quotes[*r.cheapest].contract, "c");
  // d and e: 1 day and 1200 each -> the contract id decides.
  EXPECT_EQ(r.quotes[*r.fastest].contract, "d");
}

TEST(tariff_quotes, cheapest_ties_go_to_fewer_transit_days_then_contract_id) {
  auto set =
      load_valid({flat("a", 1000, 3), flat("z", 1000, 2), flat("b", 1000, 2), flat("c", 1000, -1)});
  ASSERT_TRUE(set);
  auto r = set->quote_all(paris_to_lyon());
  ASSERT_TRUE(r.cheapest);
  EXPECT_EQ(r.quotes[*r.cheapest].contract, "b");  // 2 days like z, and b < z
}

TEST(tariff_quotes, fastest_ties_go_to_lower_price_then_contract_id) {
  auto set =
      load_valid({flat("a", 1000, 1), flat("b", 900, 1), flat("c", 500, 2), flat("d", 100, -1)});
  ASSERT_TRUE(set);
  auto r = set->quote_all(paris_to_lyon());
  ASSERT_TRUE(r.fastest && r.cheapest);
  EXPECT_EQ(r.quotes[*r.fastest].contract, "b");   // 1 day, 900 < 1000
  EXPECT_EQ(r.quotes[*r.cheapest].contract, "d");  // cheapest even without transit days
  auto slow = load_valid({flat("a", 1000, -1), flat("b", 2000, 9)});
  ASSERT_TRUE(slow);
  auto s = slow->quote_all(paris_to_lyon());
  ASSERT_TRUE(s.fastest);
  EXPECT_EQ(s.quotes[*s.fastest].contract, "b");  // unknown transit days count as slowest
}

TEST(tariff_quotes, unavailable_lists_reasons_and_hides_other_tenants_contracts) {
  auto docs = std::vector{flat("a", 1000, 1), flat("b", 900, 1)};
  docs.push_back(
      {"mine.yaml", contract_file("mine",
                                  "tenants: [acme]\nzones: [{name: FR, countries: [FR]}]\n"
                                  "services:\n  home:\n    bands: [{max_g: 100, FR: 1}]\n")});
  docs.push_back(
      {"theirs.yaml", contract_file("theirs",
                                    "tenants: [globex]\nzones: [{name: FR, countries: [FR]}]\n"
                                    "services:\n  home:\n    bands: [{max_g: 100, FR: 1}]\n")});
  auto set = load_valid(docs);
  ASSERT_TRUE(set);
  auto request = paris_to_lyon();
  request.tenant = "acme";
  auto r = set->quote_all(request);
  EXPECT_EQ(ids(r), (std::vector<std::string>{"b", "a"}));
  ASSERT_EQ(r.unavailable.size(), 1u);  // "theirs" is not even named
  EXPECT_EQ(r.unavailable[0].contract, "mine");
  EXPECT_EQ(r.unavailable[0].code, reason_code::too_heavy);
  EXPECT_EQ(r.unavailable[0].reason, "parcel 1: 1000 billable grams, above the last band (100 g)");
}

TEST(tariff_quotes, service_and_carrier_filters) {
  auto set = load_valid({flat("a", 1000, 1, "colissimo"), flat("b", 900, 1, "dhl")});
  ASSERT_TRUE(set);
  auto request = paris_to_lyon();
  request.carriers = {"dhl"};
  EXPECT_EQ(ids(set->quote_all(request)), (std::vector<std::string>{"b"}));
  request.carriers.clear();
  request.service = service_level::express;
  auto r = set->quote_all(request);
  EXPECT_TRUE(r.quotes.empty());
  EXPECT_FALSE(r.cheapest);
  ASSERT_EQ(r.unavailable.size(), 2u);
  EXPECT_EQ(r.unavailable[0].code, reason_code::service_not_offered);
  EXPECT_EQ(r.unavailable[0].reason, "no express service in this contract");
}

TEST(tariff_quotes, outside_validity_is_explained) {
  auto set = load_valid({flat("a", 1000, 1)});
  ASSERT_TRUE(set);
  auto request = paris_to_lyon();
  request.date = testing::d("2027-01-01");
  auto r = set->quote_all(request);
  ASSERT_EQ(r.unavailable.size(), 1u);
  EXPECT_EQ(r.unavailable[0].reason, "valid from 2026-01-01 to 2026-12-31, not on 2027-01-01");
}

TEST(tariff_quotes, fast_path_and_quote_agree) {
  auto set = load_valid({flat("a", 1234, 2)});
  ASSERT_TRUE(set);
  std::vector<priced_parcel> parcels{{1000}};
  auto view = testing::request_to("FR", "69001", parcels);
  auto p = set->price(0, service_level::home, view);
  auto q = set->quote_one(0, service_level::home, view);
  ASSERT_TRUE(p && q);
  EXPECT_EQ(p->total, q->total);
  EXPECT_EQ(p->transit_days, *q->transit_days);
  EXPECT_EQ(set->find("a"), 0u);
  EXPECT_FALSE(set->find("b"));
}

}  // namespace
}  // namespace parcelgate::tariffs
