// The batch comparison: totals, cheapest counts, best total, audit, negotiation, streaming and
// the rendered outputs. Every expected amount below is computed by hand in the comments.
#include "gateway/tariffs/compare.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <streambuf>

#include "tests/tariffs/tariff_fixtures.hpp"

namespace parcelgate::tariffs {
namespace {

using testing::contract_file;
using testing::load_valid;

// alpha: FR only, home, 2 days; 10 % discount and a 10 % fuel surcharge.
//   500 g: base 1000 -> 900 + 90 = 990;  3000 g: base 2000 -> 1800 + 180 = 1980.
// beta: FR and BE, home, 1 day (FR) / 3 days (BE); no discount; bands up to 2000 g only.
//   500 g FR: 1100;  500 g BE: 1500;  3000 g: too heavy.
// gamma: FR pickup_point only, 700 up to 5000 g.
std::shared_ptr<const tariff_set> three_contracts() {
  return load_valid(
      {{"alpha.yaml",
        contract_file("alpha",
                      "zones: [{name: FR, countries: [FR]}]\n"
                      "services:\n  home:\n    transit_days: {FR: 2}\n"
                      "    bands: [{max_g: 1000, FR: 1000}, {max_g: 5000, FR: 2000}]\n"
                      "discounts: [{name: negotiated, percent: 10}]\n"
                      "surcharges: [{name: fuel, percent: 10}]\n",
                      "acarrier")},
       {"beta.yaml",
        contract_file("beta",
                      "zones: [{name: FR, countries: [FR]}, {name: EU, countries: [BE]}]\n"
                      "services:\n  home:\n    transit_days: {FR: 1, EU: 3}\n"
                      "    bands: [{max_g: 2000, FR: 1100, EU: 1500}]\n",
                      "bcarrier")},
       {"gamma.yaml", contract_file("gamma",
                                    "zones: [{name: FR, countries: [FR]}]\n"
                                    "services:\n  pickup_point:\n    transit_days: {FR: 4}\n"
                                    "    bands: [{max_g: 5000, FR: 700}]\n",
                                    "gcarrier")}});
}

const std::string kHeader =
    "date,direction,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_mm,"
    "width_mm,height_mm,service,contract,billed_amount\n";

// Rows 2..6 of the hand-computed batch.
const std::string kBatch =
    "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,,\n"          // alpha 990, beta 1100
    "2026-06-01,outbound,FR,75001,FR,69001,3000,,,,home,,\n"         // alpha 1980
    "2026-06-01,outbound,FR,75001,BE,1000,500,,,,home,,\n"           // beta 1500
    "2026-06-01,outbound,FR,75001,FR,69001,500,,,,pickup_point,,\n"  // gamma 700
    "2026-06-01,outbound,FR,75001,US,10001,500,,,,home,,\n";         // nobody

compare_report run(const std::shared_ptr<const tariff_set>& set, const std::string& csv,
                   compare_options options = {}) {
  std::istringstream in(csv);
  auto r = compare_csv(in, set, std::move(options));
  EXPECT_TRUE(r.has_value()) << r.error();
  return r ? *r : compare_report{};
}

const contract_result& by_id(const compare_report& r, const std::string& id) {
  for (const auto& c : r.contracts)
    if (c.contract == id) return c;
  ADD_FAILURE() << "no contract " << id;
  return r.contracts.front();
}

TEST(compare, per_contract_totals_and_cheapest_counts) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  auto r = run(set, kHeader + kBatch);
  ASSERT_EQ(r.contracts.size(), 3u);
  EXPECT_EQ(r.currency, "EUR");
  EXPECT_EQ(r.rows, 5u);
  EXPECT_EQ(r.bad_rows, 0u);

  const auto& alpha = by_id(r, "alpha");
  EXPECT_EQ(alpha.carrier, "acarrier");
  EXPECT_EQ(alpha.priced, 2u);
  EXPECT_EQ(alpha.total, 990 + 1980);
  EXPECT_EQ(alpha.cheapest_count, 2u);
  EXPECT_EQ(alpha.unserviceable, 3u);
  EXPECT_EQ(alpha.unserviceable_by_reason[static_cast<int>(reason_code::no_zone)], 2u);
  EXPECT_EQ(alpha.unserviceable_by_reason[static_cast<int>(reason_code::service_not_offered)], 1u);

  const auto& beta = by_id(r, "beta");
  EXPECT_EQ(beta.priced, 2u);
  EXPECT_EQ(beta.total, 1100 + 1500);
  EXPECT_EQ(beta.cheapest_count, 1u);
  EXPECT_EQ(beta.unserviceable_by_reason[static_cast<int>(reason_code::too_heavy)], 1u);

  const auto& gamma = by_id(r, "gamma");
  EXPECT_EQ(gamma.priced, 1u);
  EXPECT_EQ(gamma.total, 700);
  EXPECT_EQ(gamma.cheapest_count, 1u);
  EXPECT_EQ(gamma.unserviceable_by_reason[static_cast<int>(reason_code::service_not_offered)], 4u);
}

TEST(compare, best_possible_total_over_priceable_rows) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  auto r = run(set, kHeader + kBatch);
  EXPECT_EQ(r.priceable, 4u);
  EXPECT_EQ(r.unpriceable, 1u);
  EXPECT_EQ(r.best_total, 990 + 1980 + 1500 + 700);
}

TEST(compare, weight_bands_split_costs_and_cheapest_counts) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  auto r = run(set, kHeader + kBatch);
  ASSERT_EQ(r.bands.size(), kWeightBands.size());
  const auto& small = r.bands[weight_band_of(500)];  // 250-500 g
  EXPECT_EQ(small.label, "250-500 g");
  EXPECT_EQ(small.rows, 4u);
  EXPECT_EQ(small.priceable, 3u);
  EXPECT_EQ(small.total, (std::vector<std::int64_t>{990, 1100 + 1500, 700}));
  EXPECT_EQ(small.cheapest, (std::vector<std::uint64_t>{1, 1, 1}));
  const auto& mid = r.bands[weight_band_of(3000)];  // 2-5 kg
  EXPECT_EQ(mid.max_g, 5000);
  EXPECT_EQ(mid.total, (std::vector<std::int64_t>{1980, 0, 0}));
  EXPECT_EQ(weight_band_of(250), 0u);
  EXPECT_EQ(weight_band_of(251), 1u);
  EXPECT_EQ(weight_band_of(30001), kWeightBands.size() - 1);
}

TEST(compare, ties_go_to_fewer_transit_days_then_contract_id) {
  auto flat = [](const std::string& id, int days) {
    return std::pair<std::string, std::string>{
        id + ".yaml",
        contract_file(id,
                      "zones: [{name: FR, countries: [FR]}]\nservices:\n  home:\n"
                      "    transit_days: {FR: " +
                          std::to_string(days) + "}\n    bands: [{max_g: 1000, FR: 500}]\n")};
  };
  auto set = load_valid({flat("a", 3), flat("b", 2), flat("c", 2)});
  ASSERT_TRUE(set);
  auto r = run(set, kHeader + "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,,\n");
  EXPECT_EQ(by_id(r, "a").cheapest_count, 0u);
  EXPECT_EQ(by_id(r, "b").cheapest_count, 1u);  // 2 days like c, and b < c
  EXPECT_EQ(by_id(r, "c").cheapest_count, 0u);
}

TEST(compare, bad_rows_are_counted_and_the_first_ones_kept) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  std::string csv = kHeader;
  for (int i = 0; i < 5; ++i) csv += "2026-06-01,outbound,FR,75001,FR,69001,heavy,,,,home,,\n";
  csv += kBatch;
  compare_options options;
  options.max_examples = 2;
  auto r = run(set, csv, options);
  EXPECT_EQ(r.rows, 10u);
  EXPECT_EQ(r.bad_rows, 5u);
  ASSERT_EQ(r.bad_examples.size(), 2u);
  EXPECT_EQ(r.bad_examples[0].line, 2u);
  EXPECT_EQ(r.bad_examples[1].line, 3u);
  EXPECT_EQ(by_id(r, "alpha").total, 990 + 1980);  // the good rows still count
}

TEST(compare, date_override_prices_every_row_on_that_date) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  std::string csv = kHeader + "2025-01-01,outbound,FR,75001,FR,69001,500,,,,home,,\n";
  EXPECT_EQ(by_id(run(set, csv), "alpha")
                .unserviceable_by_reason[static_cast<int>(reason_code::outside_validity)],
            1u);
  compare_options options;
  options.date_override = testing::d("2026-03-01");
  auto r = run(set, csv, options);
  EXPECT_EQ(by_id(r, "alpha").total, 990);
  EXPECT_EQ(r.date_override, testing::d("2026-03-01"));
}

TEST(compare, rejects_unknown_contracts_and_mixed_currencies) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  compare_options options;
  options.target = "zeta";
  auto c = comparison::create(set, options);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), "unknown target contract zeta");
  options = {};
  options.contracts = {"alpha", "nope"};
  EXPECT_EQ(comparison::create(set, options).error(), "unknown contract(s): nope");

  auto usd = contract_file("usd",
                           "zones: [{name: FR, countries: [FR]}]\nservices:\n  home:\n"
                           "    bands: [{max_g: 1000, FR: 500}]\n");
  usd.replace(usd.find("EUR"), 3, "USD");
  auto mixed = load_valid({{"usd.yaml", usd},
                           {"e.yaml", contract_file("e",
                                                    "zones: [{name: FR, countries: [FR]}]\n"
                                                    "services:\n  home:\n    bands: "
                                                    "[{max_g: 1000, FR: 500}]\n")}});
  ASSERT_TRUE(mixed);
  auto m = comparison::create(mixed, {});
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("several currencies"), std::string::npos);
}

// ---- audit -------------------------------------------------------------------------------------

TEST(compare, audit_flags_only_differences_beyond_the_tolerance) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  // alpha prices 990: tolerance max(1 % = 9.9, 5) -> 9.99 passes (diff 9), 10.00 fails (diff 10).
  // gamma prices 700: 1 % = 7 exactly -> 7.07 passes (diff 7, not more), 7.08 fails.
  const std::string csv = kHeader +
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,9.99\n"   // 2
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,10.00\n"  // 3
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,9.81\n"   // 4
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,9.80\n"   // 5
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,pickup_point,gamma,7.07\n"
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,pickup_point,gamma,7.08\n"
                          "2026-06-01,outbound,FR,75001,BE,1000,500,,,,home,alpha,15.00\n"  // 8
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,omega,9.90\n"  // 9
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,\n"      // 10
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,,9.90\n";      // 11
  auto r = run(set, csv);
  const auto& a = r.audit;
  EXPECT_EQ(a.rows, 7u);  // lines 2-8: a known contract and a billed amount
  EXPECT_EQ(a.discrepancies, 3u);
  EXPECT_EQ(a.unpriced, 1u);
  EXPECT_EQ(a.unknown_contract, 1u);
  EXPECT_EQ(a.billed_total, 999 + 1000 + 981 + 980 + 707 + 708);
  EXPECT_EQ(a.priced_total, 4 * 990 + 2 * 700);
  std::vector<std::uint64_t> lines;
  for (const auto& l : a.examples) lines.push_back(l.line);
  EXPECT_EQ(lines, (std::vector<std::uint64_t>{3, 5, 7, 8, 9}));
  ASSERT_EQ(a.examples.size(), 5u);
  EXPECT_EQ(a.examples[0].billed, 1000);
  EXPECT_EQ(a.examples[0].priced, 990);
  EXPECT_EQ(a.examples[0].difference, 10);
  EXPECT_EQ(a.examples[1].difference, -10);
  EXPECT_EQ(a.examples[1].detail, "billed below the contract price");
  EXPECT_FALSE(a.examples[3].priced);
  EXPECT_NE(a.examples[3].detail.find("no zone matches the destination BE 1000"),
            std::string::npos);
  EXPECT_EQ(a.examples[4].detail, "unknown contract");
}

TEST(compare, audit_fixed_tolerance_wins_on_small_prices) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  compare_options options;
  options.tolerance_percent = 5'000;  // 0.5 % of 700 = 3.5 < 5 minor units
  const std::string csv = kHeader +
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,pickup_point,gamma,7.05\n"
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,pickup_point,gamma,7.06\n"
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,pickup_point,gamma,6.95\n"
                          "2026-06-01,outbound,FR,75001,FR,69001,500,,,,pickup_point,gamma,6.94\n";
  auto r = run(set, csv, options);
  EXPECT_EQ(r.audit.discrepancies, 2u);
  ASSERT_EQ(r.audit.examples.size(), 2u);
  EXPECT_EQ(r.audit.examples[0].line, 3u);
  EXPECT_EQ(r.audit.examples[1].line, 5u);
  options.tolerance_minor = 0;  // now 0.5 %: 3.5 -> 7.04 is beyond it
  r = run(set, kHeader + "2026-06-01,outbound,FR,75001,FR,69001,500,,,,pickup_point,gamma,7.04\n",
          options);
  EXPECT_EQ(r.audit.discrepancies, 1u);
}

// ---- negotiation -------------------------------------------------------------------------------

TEST(compare, negotiation_lowest_total_on_shared_rows) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  compare_options options;
  options.target = "beta";
  auto r = run(set, kHeader + kBatch, options);
  ASSERT_TRUE(r.negotiation);
  const auto& n = *r.negotiation;
  // beta shares one row with alpha (FR 500 g: 1100 vs 990) and none with gamma.
  ASSERT_EQ(n.rivals.size(), 1u);
  EXPECT_EQ(n.rivals[0].contract, "alpha");
  EXPECT_EQ(n.rivals[0].shared_rows, 1u);
  EXPECT_EQ(n.rivals[0].rival_total, 990);
  EXPECT_EQ(n.rivals[0].target_total, 1100);
  // round(1100 * (100 - d) / 100) <= 990  <=>  d >= 9.96 (9.95 gives round(990.55) = 991).
  EXPECT_EQ(n.lowest_total.outcome, negotiation_goal::status::reachable);
  EXPECT_EQ(n.lowest_total.extra_discount, 99'600);
  EXPECT_EQ(n.rivals[0].target_total_after, 990);
  EXPECT_EQ(n.max_extra_discount, kHundredPercent);
  EXPECT_FALSE(n.target_share);
}

TEST(compare, negotiation_reprices_percent_surcharges_on_the_discounted_base) {
  // alpha (10 % off, 10 % fuel) against a flat 900: total(d) = x + round(x / 10) with
  // x = round(1000 * (90 - d) / 100); x = 818 gives 900, x = 819 gives 901, and x <= 818 needs
  // 1000 * (90 - d) / 100 < 818.5, i.e. d > 8.15: d = 8.16.
  auto set = load_valid(
      {{"alpha.yaml", contract_file("alpha",
                                    "zones: [{name: FR, countries: [FR]}]\nservices:\n  home:\n"
                                    "    bands: [{max_g: 1000, FR: 1000}]\n"
                                    "discounts: [{name: negotiated, percent: 10}]\n"
                                    "surcharges: [{name: fuel, percent: 10}]\n")},
       {"flat.yaml", contract_file("flat",
                                   "zones: [{name: FR, countries: [FR]}]\nservices:\n"
                                   "  home:\n    bands: [{max_g: 1000, FR: 900}]\n")}});
  ASSERT_TRUE(set);
  compare_options options;
  options.target = "alpha";
  auto r = run(set, kHeader + "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,,\n", options);
  ASSERT_TRUE(r.negotiation);
  EXPECT_EQ(r.negotiation->lowest_total.outcome, negotiation_goal::status::reachable);
  EXPECT_EQ(r.negotiation->lowest_total.extra_discount, 81'600);
  EXPECT_EQ(r.negotiation->rivals.at(0).target_total, 990);
  EXPECT_EQ(r.negotiation->rivals.at(0).target_total_after, 900);
  EXPECT_EQ(r.negotiation->max_extra_discount, 90 * kPercentScale);
}

TEST(compare, negotiation_cheapest_share) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  compare_options options;
  options.target = "beta";
  // beta is cheapest for 1 of the 4 priceable rows (BE). At d = 9.96 it meets alpha's 990 on the
  // FR 500 g row and wins the tie with 1 transit day against 2: 2 of 4 = 50 %. It cannot price
  // the two other rows, so 75 % is out of reach.
  options.target_share = 50 * kPercentScale;
  auto r = run(set, kHeader + kBatch, options);
  ASSERT_TRUE(r.negotiation && r.negotiation->target_share);
  EXPECT_EQ(r.negotiation->cheapest_rows_now, 1u);
  EXPECT_EQ(r.negotiation->share.outcome, negotiation_goal::status::reachable);
  EXPECT_EQ(r.negotiation->share.extra_discount, 99'600);
  EXPECT_EQ(r.negotiation->cheapest_rows_after, 2u);

  options.target_share = 25 * kPercentScale;
  r = run(set, kHeader + kBatch, options);
  EXPECT_EQ(r.negotiation->share.outcome, negotiation_goal::status::already);
  EXPECT_EQ(r.negotiation->share.extra_discount, 0);

  options.target_share = 75 * kPercentScale;
  r = run(set, kHeader + kBatch, options);
  EXPECT_EQ(r.negotiation->share.outcome, negotiation_goal::status::not_reachable);
}

TEST(compare, negotiation_not_reachable_when_fixed_surcharges_exceed_the_rival) {
  // pricey: base 500 and a fixed 1000 surcharge: even free, it costs 1000 > cheap's 990.
  auto set =
      load_valid({{"pricey.yaml", contract_file("pricey",
                                                "zones: [{name: FR, countries: [FR]}]\nservices:\n"
                                                "  home:\n    bands: [{max_g: 1000, FR: 500}]\n"
                                                "surcharges: [{name: handling, amount: 1000}]\n")},
                  {"cheap.yaml", contract_file("cheap",
                                               "zones: [{name: FR, countries: [FR]}]\nservices:\n"
                                               "  home:\n    bands: [{max_g: 1000, FR: 990}]\n")}});
  ASSERT_TRUE(set);
  compare_options options;
  options.target = "pricey";
  auto r = run(set, kHeader + "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,,\n", options);
  ASSERT_TRUE(r.negotiation);
  EXPECT_EQ(r.negotiation->lowest_total.outcome, negotiation_goal::status::not_reachable);
  EXPECT_EQ(r.negotiation->rivals.at(0).target_total, 1500);
  EXPECT_EQ(r.negotiation->rivals.at(0).target_total_after, 1000);  // at 100 %

  options.target = "cheap";
  r = run(set, kHeader + "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,,\n", options);
  EXPECT_EQ(r.negotiation->lowest_total.outcome, negotiation_goal::status::already);
}

TEST(compare, negotiation_reprices_returns_like_the_engine) {
  // A return at 80 %: d = 0 must give the engine's price (round(990 * 0.8) = 792).
  auto set = load_valid(
      {{"r.yaml", contract_file("r",
                                "zones: [{name: FR, countries: [FR]}]\nservices:\n  home:\n"
                                "    bands: [{max_g: 1000, FR: 1000}]\n"
                                "discounts: [{name: n, percent: 10}]\n"
                                "surcharges: [{name: fuel, percent: 10}]\n"
                                "returns: {percent: 80}\n")},
       {"s.yaml", contract_file("s",
                                "zones: [{name: FR, countries: [FR]}]\nservices:\n  home:\n"
                                "    bands: [{max_g: 1000, FR: 700}]\n"
                                "returns: {percent: 100}\n")}});
  ASSERT_TRUE(set);
  compare_options options;
  options.target = "r";
  auto r = run(set, kHeader + "2026-06-01,return,FR,69001,FR,75001,500,,,,home,,\n", options);
  EXPECT_EQ(by_id(r, "r").total, 792);
  ASSERT_TRUE(r.negotiation);
  EXPECT_EQ(r.negotiation->rivals.at(0).target_total, 792);
  EXPECT_LE(r.negotiation->rivals.at(0).target_total_after, 700);
  EXPECT_EQ(r.negotiation->lowest_total.outcome, negotiation_goal::status::reachable);
}

// ---- streaming
// -----------------------------------------------------------------------------------

// A CSV generated on the fly: the header, then `rows` rows cycling through kBatch's five rows.
class generated_csv : public std::streambuf {
 public:
  explicit generated_csv(std::uint64_t rows) : rows_(rows) {
    std::istringstream batch(kBatch);
    for (std::string l; std::getline(batch, l);) lines_.push_back(l + "\n");
    current_ = kHeader;
    setg(current_.data(), current_.data(), current_.data() + current_.size());
  }

 protected:
  int_type underflow() override {
    if (emitted_ == rows_) return traits_type::eof();
    current_ = lines_[emitted_++ % lines_.size()];
    setg(current_.data(), current_.data(), current_.data() + current_.size());
    return traits_type::to_int_type(current_[0]);
  }

 private:
  std::uint64_t rows_, emitted_ = 0;
  std::vector<std::string> lines_;
  std::string current_;
};

long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

TEST(compare, streams_200000_rows_with_bounded_memory) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  constexpr std::uint64_t kRows = 200'000;  // 40,000 times the five rows
  generated_csv source(kRows);
  std::istream in(&source);
  const long before = peak_rss_kb();
  std::uint64_t progress_calls = 0, last_bytes = 0;
  auto r = compare_csv(in, set, {}, [&](std::uint64_t bytes) {
    ++progress_calls;
    EXPECT_GE(bytes, last_bytes);
    last_bytes = bytes;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rows, kRows);
  EXPECT_EQ(r->priceable, kRows / 5 * 4);
  EXPECT_EQ(r->best_total, static_cast<std::int64_t>(kRows / 5) * (990 + 1980 + 1500 + 700));
  EXPECT_EQ(by_id(*r, "alpha").total, static_cast<std::int64_t>(kRows / 5) * (990 + 1980));
  EXPECT_EQ(by_id(*r, "beta").cheapest_count, kRows / 5);
  EXPECT_GE(progress_calls, 3u);
  // Nothing per row is kept without a negotiation target: the ~10 MB read must not show up.
  EXPECT_LT(peak_rss_kb() - before, 8 * 1024);
}

// ---- rendered outputs
// ----------------------------------------------------------------------------

compare_report sample_report() {
  auto set = three_contracts();
  compare_options options;
  options.target = "beta";
  options.target_share = 50 * kPercentScale;
  return run(set,
             kHeader + kBatch +
                 "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,12.00\n"
                 "2026-06-01,outbound,FR,75001,FR,69001,x,,,,home,,\n",
             options);
}

TEST(compare, json_shape) {
  auto doc = boost::json::parse(to_json(sample_report())).as_object();
  EXPECT_EQ(doc.at("currency").as_string(), "EUR");
  EXPECT_TRUE(doc.at("date_override").is_null());
  EXPECT_EQ(doc.at("rows").at("total").to_number<std::uint64_t>(), 7u);
  EXPECT_EQ(doc.at("rows").at("bad").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(doc.at("best_total").as_int64(), 990 + 1980 + 1500 + 700 + 990);
  const auto& contracts = doc.at("contracts").as_array();
  ASSERT_EQ(contracts.size(), 3u);
  const auto& alpha = contracts[0].as_object();
  EXPECT_EQ(alpha.at("contract").as_string(), "alpha");
  EXPECT_EQ(alpha.at("total").as_int64(), 990 + 1980 + 990);
  EXPECT_EQ(alpha.at("unserviceable_by_reason").at("no_zone").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(alpha.at("cheapest_count").to_number<std::uint64_t>(), 3u);
  const auto& bands = doc.at("weight_bands").as_array();
  ASSERT_EQ(bands.size(), kWeightBands.size());
  EXPECT_TRUE(bands.back().at("max_g").is_null());
  EXPECT_EQ(bands[1].at("contracts").as_array().size(), 3u);
  const auto& audit = doc.at("audit").as_object();
  EXPECT_EQ(audit.at("tolerance_percent").as_string(), "1");
  EXPECT_EQ(audit.at("discrepancies").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(audit.at("examples").at(0).at("difference").as_int64(), 210);
  const auto& n = doc.at("negotiation").as_object();
  EXPECT_EQ(n.at("contract").as_string(), "beta");
  EXPECT_EQ(n.at("lowest_total").at("status").as_string(), "reachable");
  EXPECT_EQ(n.at("lowest_total").at("extra_discount_percent").as_string(), "9.96");
  EXPECT_EQ(n.at("share").at("target_share_percent").as_string(), "50");
  EXPECT_EQ(n.at("rivals").at(0).at("contract").as_string(), "alpha");
  EXPECT_EQ(doc.at("bad_rows").at("count").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(doc.at("bad_rows").at("examples").at(0).at("line").to_number<std::uint64_t>(), 8u);
  // Per zone, claim back, common rows, warnings.
  EXPECT_EQ(doc.at("rows").at("priced_by_all").to_number<std::uint64_t>(), 0u);
  EXPECT_EQ(doc.at("common_best_total").as_int64(), 0);
  EXPECT_TRUE(doc.at("warnings").as_array().empty());
  EXPECT_EQ(alpha.at("claim_back").as_int64(), 210);
  EXPECT_EQ(alpha.at("overbilled_rows").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(alpha.at("common_total").as_int64(), 0);
  const auto& beta_zones = contracts[1].at("zones").as_array();
  ASSERT_EQ(beta_zones.size(), 2u);
  EXPECT_EQ(beta_zones[1].at("zone").as_string(), "EU");
  EXPECT_EQ(beta_zones[1].at("total").as_int64(), 1500);
  EXPECT_EQ(beta_zones[1].at("cheapest_count").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(audit.at("flagged").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(audit.at("claim_back").as_int64(), 210);
  EXPECT_EQ(audit.at("overbilled_rows").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(audit.at("median_billed_ratio").to_number<double>(), 1.202);  // 1200 / 990, approx.
  EXPECT_EQ(audit.at("examples").at(0).at("zone").as_string(), "FR");
}

TEST(compare, csv_shape) {
  std::string csv = to_csv(sample_report());
  std::istringstream in(csv);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  // Per contract: the whole contract (empty zone), then each zone it priced rows in.
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[0].rfind("contract,carrier,zone,currency,priced,unserviceable,total,"
                           "cheapest_count,best_total,common_total,overbilled_rows,claim_back,"
                           "unserviceable:outside_validity,",
                           0),
            0u);
  EXPECT_EQ(lines[1], "alpha,acarrier,,EUR,3,3,39.60,3,61.60,0.00,1,2.10,0,0,1,0,2,0,0,0");
  EXPECT_EQ(lines[2], "alpha,acarrier,FR,EUR,3,,39.60,3,,,1,2.10,,,,,,,,");
  EXPECT_EQ(lines[3].rfind("beta,bcarrier,,EUR,3,", 0), 0u);
  EXPECT_EQ(lines[4], "beta,bcarrier,FR,EUR,2,,22.00,0,,,0,0.00,,,,,,,,");
  EXPECT_EQ(lines[5], "beta,bcarrier,EU,EUR,1,,15.00,1,,,0,0.00,,,,,,,,");
  EXPECT_EQ(lines[7], "gamma,gcarrier,FR,EUR,1,,7.00,1,,,0,0.00,,,,,,,,");
}

TEST(compare, money_and_percent_formats) {
  EXPECT_EQ(format_money(1234567, "EUR"), "\u20AC12,345.67");
  EXPECT_EQ(format_money(-320, "EUR"), "-\u20AC3.20");
  EXPECT_EQ(format_money(5, "USD"), "0.05 USD");
  EXPECT_EQ(format_percent(99'600), "9.96");
  EXPECT_EQ(format_percent(10'000), "1");
  EXPECT_EQ(format_percent(12'345), "1.2345");
}

// Checks that every tag of `xml` is closed in order (enough to catch broken SVG markup).
bool balanced(const std::string& xml, std::string& problem) {
  std::vector<std::string> open;
  for (std::size_t at = xml.find('<'); at != std::string::npos; at = xml.find('<', at + 1)) {
    auto end = xml.find('>', at);
    if (end == std::string::npos) return problem = "unterminated tag", false;
    std::string tag = xml.substr(at + 1, end - at - 1);
    if (tag.empty()) return problem = "empty tag", false;
    if (tag.back() == '/') continue;
    if (tag[0] == '/') {
      std::string name = tag.substr(1);
      if (open.empty() || open.back() != name)
        return problem = "</" + name + "> closes " + (open.empty() ? "nothing" : open.back()),
               false;
      open.pop_back();
    } else {
      open.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
  }
  if (!open.empty()) return problem = "<" + open.back() + "> never closed", false;
  return true;
}

TEST(compare, html_is_self_contained_with_sections_and_valid_svg) {
  std::string html = to_html(sample_report());
  for (const char* id : {"summary", "totals", "bands", "cheapest", "contracts", "zones",
                         "negotiation", "audit", "bad-rows"})
    EXPECT_NE(html.find("<section id=\"" + std::string(id) + "\""), std::string::npos) << id;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("\u20AC61.60"), std::string::npos);  // the best total, formatted
  EXPECT_NE(html.find("weight_g: expected an integer"), std::string::npos);  // a bad row
  std::size_t charts = 0;
  for (std::size_t at = html.find("<svg"); at != std::string::npos;
       at = html.find("<svg", at + 1)) {
    auto end = html.find("</svg>", at);
    ASSERT_NE(end, std::string::npos);
    std::string svg = html.substr(at, end + 6 - at);
    EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
    EXPECT_NE(svg.find("<rect"), std::string::npos);
    std::string problem;
    EXPECT_TRUE(balanced(svg, problem)) << problem;
    ++charts;
  }
  EXPECT_EQ(charts, 3u);
}

// ---- issue 7: per zone, claim back, fair totals, warnings, streaming outputs ----------------

TEST(compare, per_zone_totals_and_claim_back_per_contract_and_zone) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  // beta prices FR 500 g 1100 and BE 500 g 1500; alpha FR 500 g 990.
  const std::string csv =
      kHeader +
      "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,beta,11.50\n"    // +50
      "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,beta,12.00\n"    // +100
      "2026-06-01,outbound,FR,75001,BE,1000,500,,,,home,beta,16.00\n"     // +100
      "2026-06-01,outbound,FR,75001,BE,1000,500,,,,home,beta,14.00\n"     // -100
      "2026-06-01,outbound,FR,75001,BE,1000,500,,,,home,beta,15.05\n"     // +5: tolerated
      "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,10.90\n";  // +100
  auto r = run(set, csv);
  const auto& beta = by_id(r, "beta");
  ASSERT_EQ(beta.zones.size(), 2u);
  EXPECT_EQ(beta.zones[0].zone, "FR");
  EXPECT_EQ(beta.zones[0].priced, 3u);  // the alpha row too: every contract prices every row
  EXPECT_EQ(beta.zones[0].total, 3 * 1100);
  EXPECT_EQ(beta.zones[0].cheapest_count, 0u);  // alpha's 990 wins in FR
  EXPECT_EQ(beta.zones[1].zone, "EU");
  EXPECT_EQ(beta.zones[1].priced, 3u);
  EXPECT_EQ(beta.zones[1].total, 3 * 1500);
  EXPECT_EQ(beta.zones[1].cheapest_count, 3u);
  EXPECT_EQ(beta.zones[0].overbilled_rows, 2u);
  EXPECT_EQ(beta.zones[0].claim_back, 50 + 100);
  EXPECT_EQ(beta.zones[1].overbilled_rows, 1u);
  EXPECT_EQ(beta.zones[1].claim_back, 100);  // the underbilled row does not offset it
  EXPECT_EQ(beta.overbilled_rows, 3u);
  EXPECT_EQ(beta.claim_back, 250);
  EXPECT_EQ(by_id(r, "alpha").claim_back, 100);
  EXPECT_EQ(r.audit.claim_back, 350);
  EXPECT_EQ(r.audit.overbilled_rows, 4u);
  EXPECT_EQ(r.audit.discrepancies, 5u);
  const std::string table = to_table(r);
  EXPECT_NE(table.find("to claim back: \u20AC3.50 over 4 overbilled row(s)"), std::string::npos)
      << table;
  const std::string html = to_html(r);
  EXPECT_NE(html.find("To claim back: <b>\u20AC3.50</b> over 4 overbilled rows"),
            std::string::npos);
  EXPECT_NE(html.find("beta \u20AC2.50 (3 rows)"), std::string::npos);
}

TEST(compare, totals_on_the_rows_every_contract_prices) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  compare_options options;
  options.contracts = {"alpha", "beta"};
  // Rows 2 and 4 are priced by both (FR 500 g: 990 / 1100; FR 1500 g: 1980 / 1100), row 3 by
  // alpha only (3000 g), row 5 by beta only (BE).
  auto r = run(set,
               kHeader +
                   "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,,\n"
                   "2026-06-01,outbound,FR,75001,FR,69001,3000,,,,home,,\n"
                   "2026-06-01,outbound,FR,75001,FR,69001,1500,,,,home,,\n"
                   "2026-06-01,outbound,FR,75001,BE,1000,500,,,,home,,\n",
               options);
  EXPECT_TRUE(r.priced_rows_differ());  // both priced 3 rows, but not the same ones
  EXPECT_EQ(r.common_rows, 2u);
  EXPECT_EQ(by_id(r, "alpha").common_total, 990 + 1980);
  EXPECT_EQ(by_id(r, "beta").common_total, 1100 + 1100);
  EXPECT_EQ(r.common_best_total, 990 + 1100);
  EXPECT_NE(to_html(r).find("<b>Compared on the 2 shipments every contract can price</b>"),
            std::string::npos);
  // alpha prices 2 of the 3 rows, beta 1: the chart compares the common row and says why.
  auto r2 = run(set,
                kHeader +
                    "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,,\n"
                    "2026-06-01,outbound,FR,75001,FR,69001,3000,,,,home,,\n"
                    "2026-06-01,outbound,FR,75001,US,10001,500,,,,home,,\n",
                options);
  ASSERT_TRUE(r2.priced_rows_differ());
  EXPECT_EQ(r2.common_rows, 1u);
  const std::string html = to_html(r2);
  EXPECT_NE(html.find("<b>Compared on the 1 shipments every contract can price</b>"),
            std::string::npos);
  EXPECT_NE(html.find("alpha priced 2 of 3 rows, beta priced 1 of 3 rows"), std::string::npos);
  EXPECT_NE(html.find(">1 common rows<"), std::string::npos);
  EXPECT_NE(html.find("alpha: \u20AC9.90"), std::string::npos);  // the bar is the common total
  const std::string table = to_table(r2);
  EXPECT_NE(table.find("COMMON ROWS TOTAL"), std::string::npos);
  // Disjoint coverage: no common row, the chart says the totals are not comparable.
  options.contracts = {"beta", "gamma"};
  auto r3 = run(set, kHeader + kBatch, options);
  EXPECT_EQ(r3.common_rows, 0u);
  EXPECT_NE(to_html(r3).find("Not comparable: the totals are over different shipments"),
            std::string::npos);
  EXPECT_EQ(to_table(r3).find("COMMON ROWS TOTAL"), std::string::npos);
  EXPECT_NE(to_table(r3).find("none is priced by every contract: the totals are not comparable"),
            std::string::npos);
  // Same rows everywhere: plain totals.
  options.contracts = {"alpha", "beta"};
  auto r4 = run(set, kHeader + "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,,\n", options);
  EXPECT_FALSE(r4.priced_rows_differ());
  EXPECT_NE(to_html(r4).find("Every contract priced the same 1 shipments"), std::string::npos);
  EXPECT_EQ(to_table(r4).find("COMMON ROWS TOTAL"), std::string::npos);
}

const std::string kBilledHeader =
    "date,direction,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_mm,"
    "width_mm,height_mm,service,contract,billed_amount,billed_amount_minor\n";

TEST(compare, warns_when_billed_amounts_look_100x_off) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  // Cents in billed_amount (read as euros): 990 -> "990" = 99,000 minor units.
  auto cents_as_euros = run(set, kBilledHeader +
                                     "2026-06-01,,FR,75001,FR,69001,500,,,,home,alpha,990,\n"
                                     "2026-06-01,,FR,75001,FR,69001,500,,,,home,alpha,995,\n"
                                     "2026-06-01,,FR,75001,FR,69001,3000,,,,home,alpha,1980,\n");
  ASSERT_TRUE(cents_as_euros.audit.median_ratio);
  EXPECT_NEAR(*cents_as_euros.audit.median_ratio, 100, 1.2);
  ASSERT_EQ(cents_as_euros.warnings.size(), 1u);
  EXPECT_EQ(
      cents_as_euros.warnings[0].rfind("amounts look 100x off: is billed_amount in euros?", 0), 0u);
  EXPECT_NE(cents_as_euros.warnings[0].find("billed_amount_minor"), std::string::npos);
  // The warning is in every output.
  EXPECT_NE(to_table(cents_as_euros).find("WARNING: amounts look 100x off"), std::string::npos);
  EXPECT_NE(to_html(cents_as_euros).find("<section id=\"warnings\""), std::string::npos);
  auto doc = boost::json::parse(to_json(cents_as_euros)).as_object();
  ASSERT_EQ(doc.at("warnings").as_array().size(), 1u);
  EXPECT_EQ(doc.at("audit").at("median_billed_ratio").to_number<double>(), 100.0);

  // The same amounts in billed_amount_minor: plausible, no warning.
  auto minor = run(set, kBilledHeader +
                            "2026-06-01,,FR,75001,FR,69001,500,,,,home,alpha,,990\n"
                            "2026-06-01,,FR,75001,FR,69001,500,,,,home,alpha,,995\n"
                            "2026-06-01,,FR,75001,FR,69001,3000,,,,home,alpha,,1980\n");
  EXPECT_TRUE(minor.warnings.empty());
  EXPECT_EQ(minor.audit.median_ratio, 1.0);
  EXPECT_EQ(minor.audit.discrepancies, 0u);

  // Euros in billed_amount_minor: a hundredth.
  auto euros_as_cents = run(set, kBilledHeader +
                                     "2026-06-01,,FR,75001,FR,69001,500,,,,home,alpha,,10\n"
                                     "2026-06-01,,FR,75001,FR,69001,3000,,,,home,alpha,,20\n");
  ASSERT_EQ(euros_as_cents.warnings.size(), 1u);
  EXPECT_EQ(euros_as_cents.warnings[0].rfind("amounts look 100x off: is billed_amount_minor", 0),
            0u);

  // Implausible but not 100x: a generic warning; a few odd rows among plausible ones: none.
  auto tenfold = run(set, kBilledHeader + "2026-06-01,,FR,75001,FR,69001,500,,,,home,alpha,99,\n");
  ASSERT_EQ(tenfold.warnings.size(), 1u);
  EXPECT_EQ(tenfold.warnings[0].rfind("billed amounts look implausible", 0), 0u);
  auto mostly_fine = run(set, kBilledHeader +
                                  "2026-06-01,,FR,75001,FR,69001,500,,,,home,alpha,9.90,\n"
                                  "2026-06-01,,FR,75001,FR,69001,500,,,,home,alpha,9.95,\n"
                                  "2026-06-01,,FR,75001,FR,69001,500,,,,home,alpha,990,\n");
  EXPECT_TRUE(mostly_fine.warnings.empty());
}

TEST(compare, html_audit_says_how_many_flagged_rows_it_shows) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  compare_options options;
  options.max_examples = 2;
  std::string csv = kHeader;
  for (int i = 0; i < 5; ++i)
    csv += "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,12.00\n";
  auto r = run(set, csv, options);
  EXPECT_EQ(r.audit.examples.size(), 2u);
  EXPECT_EQ(r.audit.flagged(), 5u);
  const std::string html = to_html(r);
  EXPECT_NE(html.find("showing 2 of 5 flagged rows; run `parcelctl tariffs compare --format csv "
                      "--audit` (same options) for all of them (or raise --max-examples)."),
            std::string::npos);
  EXPECT_NE(to_table(r).find("showing 2 of 5 flagged rows"), std::string::npos);
  options.max_examples = 200;
  EXPECT_NE(to_html(run(set, csv, options)).find("All 5 flagged rows are listed."),
            std::string::npos);
}

TEST(compare, audit_observer_sees_every_flagged_row) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  compare_options options;
  options.max_examples = 1;
  std::string out = audit_csv_header();
  options.on_audit_line = [&](const audit_line& l) { append_audit_csv(out, l); };
  auto r = run(set,
               kHeader + "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,12.00\n" +
                   "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,9.90\n" +  // fine
                   "2026-06-01,outbound,FR,75001,BE,1000,500,,,,home,alpha,15.00\n" +
                   "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,omega,\"1,000.00\"\n" +
                   "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,omega,9.90\n",
               options);
  EXPECT_EQ(r.audit.examples.size(), 1u);
  EXPECT_EQ(out,
            "line,contract,carrier,zone,billed,priced,difference,detail\n"
            "2,alpha,,FR,12.00,9.90,2.10,billed above the contract price\n"
            "4,alpha,,,15.00,,,the contract cannot price it: no zone matches the destination BE "
            "1000\n"
            "6,omega,,,9.90,,,unknown contract\n");
  EXPECT_EQ(r.bad_rows, 1u);  // "1,000.00" is not an amount
}

TEST(compare, per_shipment_lines_give_every_contract_price) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  compare_options options;
  std::string out;
  options.on_row = [&](const row_prices& p) {
    if (out.empty()) out = per_shipment_csv_header(p.contracts);
    append_per_shipment_csv(out, p);
  };
  run(set,
      kHeader + "2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,12.00\n" +
          "2026-06-01,return,FR,\"75,001\",BE,1000,3000,300,200,100,home,,\n" +
          "2026-06-01,outbound,FR,75001,FR,69001,x,,,,home,,\n",
      options);
  std::istringstream in(out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 4u) << out;
  EXPECT_EQ(lines[0],
            "line,error,date,direction,from_country,from_postal_code,to_country,to_postal_code,"
            "weight_g,length_mm,width_mm,height_mm,service,contract,billed,cheapest,price:alpha,"
            "reason:alpha,price:beta,reason:beta,price:gamma,reason:gamma");
  EXPECT_EQ(lines[1],
            "2,,2026-06-01,outbound,FR,75001,FR,69001,500,,,,home,alpha,12.00,alpha,9.90,,11.00,,"
            ",service_not_offered");
  EXPECT_EQ(lines[2],
            "3,,2026-06-01,return,FR,\"75,001\",BE,1000,3000,300,200,100,home,,,,,"
            "returns_not_offered,,returns_not_offered,,service_not_offered");
  EXPECT_EQ(lines[3],
            "4,\"weight_g: expected an integer 1..100000000, got 'x'\"" + std::string(14 + 6, ','));
}

// A per-shipment CSV of 200,000 rows written to a sink as it goes: memory stays flat.
TEST(compare, per_shipment_output_streams_with_bounded_memory) {
  auto set = three_contracts();
  ASSERT_TRUE(set);
  constexpr std::uint64_t kRows = 200'000;
  generated_csv source(kRows);
  std::istream in(&source);
  const long before = peak_rss_kb();
  std::string buffer;
  std::uint64_t lines = 0, bytes = 0;
  compare_options options;
  options.on_row = [&](const row_prices& p) {
    append_per_shipment_csv(buffer, p);
    ++lines;
    if (buffer.size() > 65536) {
      bytes += buffer.size();
      buffer.clear();
    }
  };
  auto r = compare_csv(in, set, std::move(options));
  ASSERT_TRUE(r);
  EXPECT_EQ(lines, kRows);
  EXPECT_GT(bytes, 10'000'000u);  // more than 10 MB written, never held
  EXPECT_LT(peak_rss_kb() - before, 8 * 1024);
}

}  // namespace
}  // namespace parcelgate::tariffs
