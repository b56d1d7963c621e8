// POST /v1/tariffs/compare against a running gateway: the API returns what the comparison
// computes (issue 7): billed_amount_minor, a blank direction, per-zone views, claim-back
// amounts, the common-rows totals and the `warnings` list, for JSON and text/csv bodies.

#include <gtest/gtest.h>

#include <filesystem>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::describe;
using pgtest::stack;
namespace fs = std::filesystem;
namespace json = boost::json;

class compare_api : public ::testing::Test {
 protected:
  void SetUp() override {
    pgtest::stack_options options;
    options.extra_config =
        "tariffs: \"" + (fs::path(SOURCE_DIR) / "config/tariffs").string() + "\"\n";
    env_ = std::make_unique<stack>(options);
    ops_ = env_->create_key("ops-team", "ops");
  }
  std::unique_ptr<stack> env_;
  std::string ops_;
};

const json::object& contract_of(const json::object& doc, std::string_view id) {
  for (const auto& c : doc.at("contracts").as_array())
    if (c.at("contract").as_string() == id) return c.as_object();
  ADD_FAILURE() << "no contract " << id;
  return doc;
}

TEST_F(compare_api, json_rows_take_billed_amount_minor_and_the_result_has_zones_and_claim_back) {
  // colissimo-2026, FR home 800 g on 2026-03-02; billed 50.00 EUR in cents (far above).
  const std::string body = R"({"date": "2026-03-02", "shipments": [
    {"from_country": "FR", "from_postal_code": "75011", "to_country": "FR", "to_postal_code": "69001",
     "weight_g": 800, "service": "home", "contract": "colissimo-2026", "billed_amount_minor": 5000},
    {"direction": "", "from_country": "FR", "from_postal_code": "75011", "to_country": "BE",
     "to_postal_code": "1000", "weight_g": 800, "service": "home"},
    {"from_country": "FR", "from_postal_code": "75011", "to_country": "FR", "to_postal_code": "69001",
     "weight_g": 800, "service": "home", "contract": "colissimo-2026", "billed_amount": "50.00",
     "billed_amount_minor": 500}]})";
  auto r = env_->call("POST", "/v1/tariffs/compare", ops_, body);
  ASSERT_EQ(r.status, 200) << describe(r);
  auto doc = pgtest::parse_object(r.body);
  EXPECT_EQ(doc.at("rows").at("total").as_int64(), 3);
  EXPECT_EQ(doc.at("rows").at("bad").as_int64(), 1);
  const auto& bad = doc.at("bad_rows").at("examples").at(0).as_object();
  EXPECT_EQ(bad.at("line").as_int64(), 3);
  EXPECT_EQ(bad.at("reason").as_string().subview().substr(0, 50),
            "billed_amount and billed_amount_minor disagree: bi");
  EXPECT_TRUE(doc.at("rows").as_object().contains("priced_by_all"));
  EXPECT_TRUE(doc.at("warnings").is_array());

  const auto& colissimo = contract_of(doc, "colissimo-2026");
  EXPECT_EQ(colissimo.at("priced").as_int64(), 2);  // the blank direction is an outbound
  std::int64_t fr_total = -1, eu_total = -1;
  for (const auto& z : colissimo.at("zones").as_array()) {
    if (z.at("zone").as_string() == "FR") fr_total = z.at("total").as_int64();
    if (z.at("zone").as_string() == "EU1") eu_total = z.at("total").as_int64();
  }
  ASSERT_GT(fr_total, 0) << r.body;
  ASSERT_GT(eu_total, 0) << r.body;
  EXPECT_EQ(fr_total + eu_total, colissimo.at("total").as_int64());
  EXPECT_EQ(colissimo.at("overbilled_rows").as_int64(), 1);
  EXPECT_EQ(colissimo.at("claim_back").as_int64(), 5000 - fr_total);
  const auto& audit = doc.at("audit").as_object();
  EXPECT_EQ(audit.at("claim_back").as_int64(), 5000 - fr_total);
  EXPECT_EQ(audit.at("flagged").as_int64(), 1);
  EXPECT_EQ(audit.at("examples").at(0).at("zone").as_string(), "FR");
}

TEST_F(compare_api, csv_body_with_cents_in_billed_amount_gets_a_warning) {
  std::string csv =
      "date,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_mm,width_mm,"
      "height_mm,service,contract,billed_amount\r";  // classic Mac line endings, too
  for (int i = 0; i < 3; ++i)
    csv += "2026-03-02,FR,75011,FR,69001,800,,,,home,colissimo-2026,750\r";
  auto r = env_->call("POST", "/v1/tariffs/compare", ops_, csv, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  auto doc = pgtest::parse_object(r.body);
  EXPECT_EQ(doc.at("rows").at("total").as_int64(), 3);
  ASSERT_EQ(doc.at("warnings").as_array().size(), 1u) << r.body;
  EXPECT_EQ(doc.at("warnings").at(0).as_string().subview().substr(0, 50),
            "amounts look 100x off: is billed_amount in euros? ");
  EXPECT_GT(doc.at("audit").at("median_billed_ratio").to_number<double>(), 50.0);
}

}  // namespace
