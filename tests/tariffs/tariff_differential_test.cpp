// Randomized differential test: thousands of random contracts and shipments priced by the
// engine and by the plain reference implementation (reference_pricer.cpp). Fixed seed.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "tests/tariffs/reference_pricer.hpp"
#include "tests/tariffs/tariff_fixtures.hpp"

namespace parcelgate::tariffs {
namespace {

using namespace reference;

class generator {
 public:
  explicit generator(unsigned seed) : rng_(seed) {}

  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return between(1, 100) <= percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(between(0, static_cast<int>(v.size()) - 1))];
  }
  template <class T>
  std::vector<T> subset(const std::vector<T>& v, int min_size) {
    std::vector<T> out;
    while (static_cast<int>(out.size()) < min_size || out.empty())
      for (const auto& x : v)
        if (chance(40) && std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
    return out;
  }
  std::string date(int year, int first_month, int last_month) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, between(first_month, last_month),
                  between(1, 28));
    return text;
  }
  long long percent(int max_whole) {  // thousandths, with 0 to 3 decimals
    long long whole = between(0, max_whole - 1) * 1000LL;
    return whole + (chance(50) ? between(0, 999) : 0);
  }

  ref_contract contract(int n) {
    ref_contract c;
    c.id = "c" + std::to_string(n);
    c.carrier = pick<std::string>({"colissimo", "dhl", "mondialrelay"});
    bool wide = chance(80);
    std::string a = date(2026, 1, wide ? 3 : 12), b = date(2026, wide ? 10 : 1, 12);
    c.valid_from = std::min(a, b);
    c.valid_to = std::max(a, b);
    if (chance(25))
      c.tenants = {"acme"};
    else if (chance(10))
      c.tenants = {"acme", "globex"};
    int zone_count = between(1, 5);
    for (int z = 0; z < zone_count; ++z) {
      ref_zone zone{"Z" + std::to_string(z),
                    subset<std::string>({"FR", "FR", "MC", "BE", "DE", "ES"}, 1),
                    {}};
      if (chance(40))
        zone.postal_codes =
            subset<std::string>({"75*", "75001", "20*", "2*", "13008", "1*", "690*"}, 1);
      c.zones.push_back(zone);
    }
    auto names = subset<std::string>({"home", "pickup_point", "express"}, 1);
    if (chance(70) && std::find(names.begin(), names.end(), "home") == names.end())
      names.push_back("home");
    for (const auto& name : names) {
      ref_service s{name, chance(50) ? pick<int>({4000, 5000, 6000}) : 0, {}, {}};
      for (const auto& z : c.zones)
        if (chance(70)) s.transit[z.name] = between(0, 7);
      int max_g = between(100, 2000);
      for (int bands = between(1, 5); bands > 0; --bands) {
        ref_band band{max_g, {}};
        for (const auto& z : c.zones)
          if (chance(85)) band.price[z.name] = between(0, 20000);
        s.bands.push_back(band);
        max_g += between(1, 5000);
      }
      c.services.push_back(s);
    }
    long long discount_left = 100'000;
    for (int i = between(0, 2); i > 0; --i) {
      long long p = std::min(percent(40), discount_left);
      discount_left -= p;
      c.discounts.push_back({"d" + std::to_string(i), p});
    }
    std::vector<std::string> zone_names, service_names;
    for (const auto& z : c.zones) zone_names.push_back(z.name);
    for (const auto& s : c.services) service_names.push_back(s.name);
    for (int i = between(0, 4); i > 0; --i) {
      ref_surcharge s;
      s.name = "s" + std::to_string(i);
      if (chance(50))
        s.percent_thousandths = percent(30);
      else
        s.amount = between(0, 2000);
      if (chance(30)) s.zones = subset(zone_names, 1);
      if (chance(30)) s.services = subset(service_names, 1);
      if (chance(30)) s.weight_over = between(0, 10000);
      if (chance(30)) s.side_over = between(0, 1500);
      c.surcharges.push_back(s);
    }
    if (chance(60)) c.returns_thousandths = percent(150);
    return c;
  }

  ref_request request() {
    ref_request r;
    r.is_return = chance(30);
    std::vector<std::string> countries{"FR", "FR", "FR", "MC", "BE", "DE", "ES", "IT"};
    std::vector<std::string> codes{"75001", "75002",  "20000", "13008", "1",
                                   "",      "750011", "69001", "2"};
    r.from_country = pick(countries);
    r.from_postal = pick(codes);
    r.to_country = pick(countries);
    r.to_postal = pick(codes);
    for (int i = between(1, 3); i > 0; --i) {
      ref_parcel p{chance(70) ? between(1, 3000) : between(1, 12000), 0, 0, 0};
      if (chance(50))
        p = {p.weight, between(1, 600), between(1, 400), between(1, chance(80) ? 300 : 1500)};
      r.parcels.push_back(p);
    }
    r.service = pick<std::string>({"home", "home", "home", "pickup_point", "express", "locker"});
    int year = chance(80) ? 2026 : between(2025, 2027);
    r.date = year == 2025   ? date(2025, 12, 12)
             : year == 2027 ? date(2027, 1, 1)
                            : date(2026, 1, 12);
    r.tenant = pick<std::string>({"", "", "", "acme", "globex"});
    return r;
  }

 private:
  std::mt19937 rng_;
};

TEST(tariff_differential, engine_matches_reference_and_breakdowns_add_up) {
  generator gen(20260601);
  std::size_t compared = 0, priced_count = 0, quotes_checked = 0;
  std::map<std::string, std::size_t> refusals;
  for (int set_no = 0; set_no < 100; ++set_no) {
    std::vector<ref_contract> contracts;
    std::vector<std::pair<std::string, std::string>> docs;
    for (int i = 0; i < 20; ++i) {
      contracts.push_back(gen.contract(set_no * 100 + i));
      docs.push_back({contracts.back().id + ".yaml", to_yaml(contracts.back())});
    }
    auto set = testing::load_valid(docs);
    ASSERT_TRUE(set) << docs[0].second;
    for (int k = 0; k < 50; ++k) {
      ref_request rr = gen.request();
      std::vector<priced_parcel> parcels;
      for (const auto& p : rr.parcels) parcels.push_back({p.weight, p.length, p.width, p.height});
      price_request view;
      view.dir = rr.is_return ? direction::return_ : direction::outbound;
      view.from_country = rr.from_country;
      view.from_postal_code = rr.from_postal;
      view.to_country = rr.to_country;
      view.to_postal_code = rr.to_postal;
      view.parcels = parcels;
      view.date = *parse_date(rr.date);
      view.tenant = rr.tenant;
      auto level = *parse_service_level(rr.service);
      for (const auto& rc : contracts) {
        auto index = *set->find(rc.id);
        ref_result want = price(rc, rr);
        auto got = set->price(index, level, view);
        ++compared;
        SCOPED_TRACE(to_yaml(rc) + "date " + rr.date + " service " + rr.service + " to " +
                     rr.to_country + ":" + rr.to_postal + " from " + rr.from_country + ":" +
                     rr.from_postal);
        if (want.refusal.empty()) {
          ASSERT_TRUE(got) << "engine refused: " << to_string(got.error().code);
          EXPECT_EQ(got->total, want.total);
          EXPECT_EQ(got->transit_days, want.transit);
          ++priced_count;
        } else {
          ASSERT_FALSE(got) << "engine priced " << got->total
                            << ", reference refused: " << want.refusal;
          EXPECT_EQ(to_string(got.error().code), want.refusal);
          ++refusals[want.refusal];
        }
      }
      quote_request qr;
      qr.dir = view.dir;
      qr.from_country = rr.from_country;
      qr.from_postal_code = rr.from_postal;
      qr.to_country = rr.to_country;
      qr.to_postal_code = rr.to_postal;
      qr.parcels = parcels;
      qr.date = view.date;
      qr.tenant = rr.tenant;
      auto all = set->quote_all(qr);
      for (std::size_t i = 0; i < all.quotes.size(); ++i) {
        const quote& q = all.quotes[i];
        std::int64_t sum = 0;
        for (const auto& l : q.breakdown) sum += l.amount;
        ASSERT_EQ(sum, q.total) << q.contract;
        ASSERT_EQ(q.total,
                  price(contracts[static_cast<std::size_t>(std::stoi(q.contract.substr(1))) % 100],
                        [&] {
                          ref_request copy = rr;
                          copy.service = std::string(to_string(q.service));
                          return copy;
                        }())
                      .total);
        if (i > 0) {
          const quote& p = all.quotes[i - 1];
          ASSERT_TRUE(p.total < q.total || (p.total == q.total && p.contract <= q.contract));
        }
        ++quotes_checked;
      }
    }
  }
  // The random space must exercise both outcomes substantially, or the test proves little.
  EXPECT_EQ(compared, 100u * 50u * 20u);
  EXPECT_GT(priced_count, compared / 20);
  for (const char* reason : {"tenant_not_allowed", "outside_validity", "service_not_offered",
                             "returns_not_offered", "no_zone", "too_heavy", "no_price_for_zone"})
    EXPECT_GT(refusals[reason], 100u) << reason;
  for (const auto& [reason, count] : refusals) std::printf("%-20s %zu\n", reason.c_str(), count);
  std::printf("%-20s %zu\n", "priced", priced_count);
  EXPECT_GT(quotes_checked, 1000u);
}

}  // namespace
}  // namespace parcelgate::tariffs
