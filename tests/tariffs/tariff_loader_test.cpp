// Validation of contract files: one test per kind of mistake, each checking the file, the line
// and the path of the reported problem.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "tests/tariffs/tariff_fixtures.hpp"

namespace parcelgate::tariffs {
namespace {

// A valid contract; each test replaces one line (numbers on the right) to break it.
const std::vector<std::string> kBase = {
    "contract: t",                                                  // 1
    "carrier: acmepost",                                            // 2
    "currency: EUR",                                                // 3
    "valid_from: 2026-01-01",                                       // 4
    "valid_to: 2026-12-31",                                         // 5
    "zones:",                                                       // 6
    "  - {name: CORSE, countries: [FR], postal_codes: [\"20*\"]}",  // 7
    "  - {name: FR, countries: [FR, MC]}",                          // 8
    "services:",                                                    // 9
    "  home:",                                                      // 10
    "    transit_days: {FR: 2, CORSE: 4}",                          // 11
    "    bands:",                                                   // 12
    "      - {max_g: 1000, FR: 690, CORSE: 790}",                   // 13
    "      - {max_g: 5000, FR: 990, CORSE: 1090}",                  // 14
    "discounts:",                                                   // 15
    "  - {name: negotiated, percent: 7.5}",                         // 16
    "surcharges:",                                                  // 17
    "  - {name: fuel, percent: 12.5}",                              // 18
    "  - {name: corsica, zones: [CORSE], amount: 300}",             // 19
    "returns: {percent: 80}",                                       // 20
};

std::string with_line(int number, const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < kBase.size(); ++i)
    out += (static_cast<int>(i) + 1 == number ? text : kBase[i]) + "\n";
  return out;
}

std::vector<load_problem> problems_of(const std::string& yaml) {
  auto set = load_documents({{"bad.yaml", yaml}});
  if (set) return {};
  return set.error();
}

// Exactly one problem, at `line` and `path`, whose message contains `words`.
void expect_one(const std::string& yaml, int line, const std::string& path,
                const std::string& words) {
  auto problems = problems_of(yaml);
  std::string all;
  for (const auto& p : problems) all += p.to_string() + "\n";
  ASSERT_EQ(problems.size(), 1u) << all;
  EXPECT_EQ(problems[0].file, "bad.yaml");
  EXPECT_EQ(problems[0].line, line);
  EXPECT_EQ(problems[0].path, path);
  EXPECT_NE(problems[0].message.find(words), std::string::npos) << problems[0].message;
}

TEST(tariff_loader, base_file_is_valid) {
  auto set = load_documents({{"t.yaml", with_line(0, "")}});
  ASSERT_TRUE(set);
  const contract& c = (*set)->contracts()[0];
  EXPECT_EQ(c.id, "t");
  EXPECT_EQ(c.discounts[0].percent, 75'000);  // 7.5 % in ten-thousandths
  EXPECT_EQ(c.returns_percent, 800'000);
  EXPECT_EQ(c.zones[0].postal_codes[0], "20*");
}

TEST(tariff_loader, unknown_top_level_key) {
  expect_one(with_line(20, "return: {percent: 80}"), 20, "return", "unknown key");
}

TEST(tariff_loader, unknown_nested_key) {
  expect_one(with_line(11, "    transit: {FR: 2}"), 11, "services.home.transit", "unknown key");
}

TEST(tariff_loader, overlapping_bands) {
  expect_one(with_line(14, "      - {max_g: 1000, FR: 990}"), 14, "services.home.bands[1].max_g",
             "overlaps");
}

TEST(tariff_loader, unsorted_bands) {
  expect_one(with_line(14, "      - {max_g: 500, FR: 990}"), 14, "services.home.bands[1].max_g",
             "sorted");
}

TEST(tariff_loader, unknown_zone_in_a_band) {
  expect_one(with_line(14, "      - {max_g: 5000, FR: 990, CORSICA: 1090}"), 14,
             "services.home.bands[1].CORSICA", "unknown zone 'CORSICA' (zones: CORSE, FR)");
}

TEST(tariff_loader, unknown_zone_in_transit_days) {
  expect_one(with_line(11, "    transit_days: {FR: 2, EU9: 4}"), 11,
             "services.home.transit_days.EU9", "unknown zone");
}

TEST(tariff_loader, unknown_zone_in_a_surcharge) {
  expect_one(with_line(19, "  - {name: corsica, zones: [CORSICA], amount: 300}"), 19,
             "surcharges[1].zones[0]", "unknown zone");
}

TEST(tariff_loader, negative_price) {
  expect_one(with_line(13, "      - {max_g: 1000, FR: -690, CORSE: 790}"), 13,
             "services.home.bands[0].FR", "must not be negative");
}

TEST(tariff_loader, negative_surcharge_amount) {
  expect_one(with_line(19, "  - {name: corsica, zones: [CORSE], amount: -3}"), 19,
             "surcharges[1].amount", "must not be negative");
}

TEST(tariff_loader, bad_date) {
  expect_one(with_line(4, "valid_from: 2026-02-30"), 4, "valid_from", "YYYY-MM-DD");
}

TEST(tariff_loader, valid_to_before_valid_from) {
  expect_one(with_line(5, "valid_to: 2025-12-31"), 5, "valid_to", "before valid_from");
}

TEST(tariff_loader, duplicate_contract_ids) {
  auto set = load_documents({{"a.yaml", with_line(0, "")}, {"b.yaml", with_line(0, "")}});
  ASSERT_FALSE(set);
  ASSERT_EQ(set.error().size(), 1u);
  EXPECT_EQ(set.error()[0].file, "b.yaml");
  EXPECT_EQ(set.error()[0].line, 1);
  EXPECT_EQ(set.error()[0].path, "contract");
  EXPECT_EQ(set.error()[0].message, "duplicate contract id 't' (also in a.yaml:1)");
}

TEST(tariff_loader, unknown_service) {
  // The misspelt service is reported; the surcharges do not mention services so nothing else.
  expect_one(with_line(10, "  homme:"), 10, "services.homme", "unknown service 'homme'");
}

TEST(tariff_loader, unknown_service_in_a_surcharge) {
  expect_one(with_line(18, "  - {name: fuel, percent: 12.5, services: [hom]}"), 18,
             "surcharges[0].services[0]", "unknown service 'hom'");
}

TEST(tariff_loader, surcharge_service_not_in_the_contract) {
  expect_one(with_line(18, "  - {name: fuel, percent: 12.5, services: [express]}"), 18,
             "surcharges[0].services[0]", "not in this contract's services");
}

TEST(tariff_loader, negative_percent) {
  expect_one(with_line(16, "  - {name: negotiated, percent: -7.5}"), 16, "discounts[0].percent",
             "must not be negative");
}

TEST(tariff_loader, percent_with_too_many_decimals) {
  expect_one(with_line(18, "  - {name: fuel, percent: 12.12345}"), 18, "surcharges[0].percent",
             "at most 4 decimals");
}

TEST(tariff_loader, percent_that_is_not_a_number) {
  expect_one(with_line(20, "returns: {percent: eighty}"), 20, "returns.percent",
             "must be a percent");
}

TEST(tariff_loader, discount_above_100_percent) {
  expect_one(with_line(16, "  - {name: negotiated, percent: 100.5}"), 16, "discounts[0].percent",
             "at most 100");
}

TEST(tariff_loader, discounts_adding_up_above_100_percent) {
  expect_one(with_line(16, "  - {name: a, percent: 60}\n  - {name: b, percent: 50}"), 17,
             "discounts[1]", "more than 100 percent");
}

TEST(tariff_loader, currency_must_be_three_upper_case_letters) {
  expect_one(with_line(3, "currency: Eur"), 3, "currency", "3 upper-case letters");
  expect_one(with_line(3, "currency: EURO"), 3, "currency", "3 upper-case letters");
}

TEST(tariff_loader, missing_required_key) {
  expect_one(with_line(2, "# no carrier"), 1, "carrier", "is required");
}

TEST(tariff_loader, surcharge_with_percent_and_amount) {
  expect_one(with_line(18, "  - {name: fuel, percent: 12.5, amount: 3}"), 18, "surcharges[0]",
             "not both");
  expect_one(with_line(18, "  - {name: fuel}"), 18, "surcharges[0]", "needs percent");
}

TEST(tariff_loader, duplicate_key) {
  expect_one(with_line(11, "    transit_days: {FR: 2, FR: 4}"), 11, "services.home.transit_days.FR",
             "given twice");
}

TEST(tariff_loader, duplicate_zone_name) {
  expect_one(
      with_line(8, "  - {name: CORSE, countries: [MC]}\n  - {name: FR, countries: [FR, MC]}"), 8,
      "zones[1].name", "defined twice");
}

TEST(tariff_loader, star_only_at_the_end_of_a_postal_code) {
  expect_one(with_line(7, "  - {name: CORSE, countries: [FR], postal_codes: [\"2*0\"]}"), 7,
             "zones[0].postal_codes[0]", "at the end");
}

TEST(tariff_loader, country_must_be_alpha_2) {
  expect_one(with_line(8, "  - {name: FR, countries: [FR, France]}"), 8, "zones[1].countries[1]",
             "alpha-2");
}

TEST(tariff_loader, not_a_whole_number) {
  expect_one(with_line(13, "      - {max_g: 1e3, FR: 690, CORSE: 790}"), 13,
             "services.home.bands[0].max_g", "whole number");
}

TEST(tariff_loader, yaml_syntax_error_has_a_line) {
  auto problems = problems_of(with_line(13, "      - {max_g: 1000, FR: 690"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_GE(problems[0].line, 13);
  EXPECT_NE(problems[0].message.find("YAML syntax"), std::string::npos);
}

TEST(tariff_loader, every_problem_of_every_file_is_reported) {
  std::string two_mistakes = with_line(3, "currency: eur");
  two_mistakes += "tenants: []\n";
  auto set =
      load_documents({{"one.yaml", two_mistakes}, {"two.yaml", with_line(4, "valid_from: soon")}});
  ASSERT_FALSE(set);
  ASSERT_EQ(set.error().size(), 3u);
  EXPECT_EQ(set.error()[0].to_string(),
            "one.yaml:3: currency: must be 3 upper-case letters (ISO 4217, e.g. EUR), got 'eur'");
  EXPECT_EQ(set.error()[1].path, "tenants");
  EXPECT_EQ(set.error()[1].line, 21);
  EXPECT_EQ(set.error()[2].file, "two.yaml");
}

TEST(tariff_loader, empty_file_is_a_problem) {
  auto problems = problems_of("");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("must be a mapping"), std::string::npos);
}

TEST(tariff_loader, load_dir_reads_only_yaml_files_and_names_them) {
  auto dir = std::filesystem::temp_directory_path() / ("pg_tariffs_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "good.yaml") << with_line(0, "");
  std::ofstream(dir / "notes.txt") << "not a contract";
  auto set = load_dir(dir);
  ASSERT_TRUE(set);
  EXPECT_EQ((*set)->contracts().size(), 1u);
  EXPECT_EQ((*set)->contracts()[0].file, (dir / "good.yaml").string());
  std::ofstream(dir / "worse.yaml") << with_line(1, "contract: u") + "bogus: 1\n";
  auto bad = load_dir(dir);
  ASSERT_FALSE(bad);
  ASSERT_EQ(bad.error().size(), 1u);
  EXPECT_EQ(bad.error()[0].file, (dir / "worse.yaml").string());
  EXPECT_EQ(bad.error()[0].line, 21);
  std::filesystem::remove_all(dir);
  EXPECT_FALSE(load_dir(dir));  // a missing folder is a problem too
}

}  // namespace
}  // namespace parcelgate::tariffs
