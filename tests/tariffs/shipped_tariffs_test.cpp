// The example contracts shipped in config/tariffs load cleanly and price sensibly.
#include <gtest/gtest.h>

#include "gateway/tariffs/tariff.hpp"

namespace parcelgate::tariffs {
namespace {

std::shared_ptr<const tariff_set> shipped() {
  auto set = load_dir(std::filesystem::path(PG_SOURCE_DIR) / "config" / "tariffs");
  if (!set) {
    for (const auto& p : set.error()) ADD_FAILURE() << p.to_string();
    return nullptr;
  }
  return *set;
}

quote_request paris_to_lyon_1kg(const char* date) {
  quote_request r;
  r.from_country = "FR";
  r.from_postal_code = "75001";
  r.to_country = "FR";
  r.to_postal_code = "69001";
  r.parcels = {{1000, 300, 200, 100}};
  r.date = parse_date(date);
  return r;
}

const quote* find_quote(const quote_result& r, const std::string& contract, service_level s) {
  for (const auto& q : r.quotes)
    if (q.contract == contract && q.service == s) return &q;
  return nullptr;
}

TEST(shipped_tariffs, load_without_problems) {
  auto set = shipped();
  ASSERT_TRUE(set);
  EXPECT_GE(set->contracts().size(), 4u);
  EXPECT_TRUE(set->find("colissimo-2026"));
  EXPECT_TRUE(set->find("colissimo-2026-h2"));
  EXPECT_TRUE(set->find("mondialrelay-2026"));
  EXPECT_TRUE(set->find("colissimo-2027"));
  EXPECT_TRUE(set->find("mondialrelay-2027"));
}

// The shipped examples cover 2026 and 2027 without a gap or an overlap: on every day each
// carrier has exactly one contract in force (demos and examples that price "today" keep working
// through 2027).
TEST(shipped_tariffs, each_carrier_has_exactly_one_contract_in_force_every_day_of_2026_and_2027) {
  auto set = shipped();
  ASSERT_TRUE(set);
  for (const char* carrier : {"colissimo", "mondialrelay"}) {
    for (day d = *parse_date("2026-01-01"); d <= *parse_date("2027-12-31"); ++d) {
      auto q = paris_to_lyon_1kg("2026-01-01");
      q.date = d;
      q.carriers = {carrier};
      q.service = std::string_view(carrier) == "colissimo" ? service_level::home
                                                           : service_level::pickup_point;
      const auto r = set->quote_all(q);
      ASSERT_EQ(r.quotes.size(), 1u) << carrier << " on " << format_date(d);
    }
  }
  auto q = paris_to_lyon_1kg("2027-03-01");
  q.service = service_level::home;
  q.carriers = {"colissimo"};
  const auto r = set->quote_all(q);
  ASSERT_EQ(r.quotes.size(), 1u);
  EXPECT_EQ(r.quotes[0].contract, "colissimo-2027");
}

TEST(shipped_tariffs, paris_to_lyon_1kg_in_june) {
  auto set = shipped();
  ASSERT_TRUE(set);
  auto r = set->quote_all(paris_to_lyon_1kg("2026-06-01"));
  ASSERT_FALSE(r.quotes.empty());
  // Colissimo H1, home, FR band 1000 g: 750 - 14.5 % = 641.25 -> 641; fuel 9.5 % of 641 =
  // 60.895 -> 61; total 702, 2 days.
  const quote* colissimo = find_quote(r, "colissimo-2026", service_level::home);
  ASSERT_TRUE(colissimo);
  EXPECT_EQ(colissimo->total, 702);
  EXPECT_EQ(colissimo->transit_days, 2);
  EXPECT_EQ(colissimo->zone, "FR");
  EXPECT_EQ(colissimo->carrier_service, "DOM");
  // Mondial Relay relay point: 300x200x100 mm = 6,000,000 / 5000 = 1200 g billable -> band
  // 2000 g: 599 - 5 % = 569.05 -> 569; fuel 6 % = 34.14 -> 34; total 603.
  const quote* relay = find_quote(r, "mondialrelay-2026", service_level::pickup_point);
  ASSERT_TRUE(relay);
  EXPECT_EQ(relay->total, 603);
  // The second-half Colissimo contract is not in force yet.
  bool h2_unavailable = false;
  for (const auto& u : r.unavailable)
    h2_unavailable = h2_unavailable ||
                     (u.contract == "colissimo-2026-h2" && u.code == reason_code::outside_validity);
  EXPECT_TRUE(h2_unavailable);
  ASSERT_TRUE(r.cheapest);
  EXPECT_EQ(r.quotes[*r.cheapest].contract, "mondialrelay-2026");
  // Every total is a plausible domestic 1 kg price (2 to 40 EUR) and its lines add up.
  for (const auto& q : r.quotes) {
    EXPECT_GT(q.total, 200) << q.contract;
    EXPECT_LT(q.total, 4000) << q.contract;
    std::int64_t sum = 0;
    for (const auto& l : q.breakdown) sum += l.amount;
    EXPECT_EQ(sum, q.total);
  }
}

TEST(shipped_tariffs, renegotiated_colissimo_takes_over_in_july) {
  auto set = shipped();
  ASSERT_TRUE(set);
  auto r = set->quote_all(paris_to_lyon_1kg("2026-07-01"));
  EXPECT_FALSE(find_quote(r, "colissimo-2026", service_level::home));
  // 765 - 15 % = 650.25 -> 650; fuel 8.25 % of 650 = 53.625 -> 54; total 704.
  const quote* h2 = find_quote(r, "colissimo-2026-h2", service_level::home);
  ASSERT_TRUE(h2);
  EXPECT_EQ(h2->total, 704);
}

TEST(shipped_tariffs, corsica_and_overseas_zones) {
  auto set = shipped();
  ASSERT_TRUE(set);
  auto index = *set->find("colissimo-2026");
  EXPECT_EQ(set->contracts()[index].zones[*set->zone_of(index, "FR", "20000")].name, "CORSE");
  EXPECT_EQ(set->contracts()[index].zones[*set->zone_of(index, "FR", "97400")].name, "OM");
  EXPECT_EQ(set->contracts()[index].zones[*set->zone_of(index, "RE", "97400")].name, "OM_ISO");
  EXPECT_EQ(set->contracts()[index].zones[*set->zone_of(index, "MC", "98000")].name, "FR");
  // Mondial Relay does not serve overseas departments, whether written FR 97xxx or RE.
  auto relay = *set->find("mondialrelay-2026");
  std::vector<priced_parcel> parcels{{1000}};
  price_request reunion;
  reunion.to_country = "FR";
  reunion.to_postal_code = "97400";
  reunion.parcels = parcels;
  reunion.date = *parse_date("2026-06-01");
  auto p = set->price(relay, service_level::pickup_point, reunion);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, reason_code::no_price_for_zone);
  reunion.to_country = "RE";
  p = set->price(relay, service_level::pickup_point, reunion);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, reason_code::no_zone);
}

}  // namespace
}  // namespace parcelgate::tariffs
