// What the Mondial Relay sandbox prints, read back from the PDF as a person would (pdftotext,
// pdfinfo): the merchant's reference (sent as NClient) in the reference box rather than our
// shipment id (NDossier), and a page of the size the shipment reports.

#include <gtest/gtest.h>

#include <algorithm>

#include "adapters/mondialrelay/adapter.hpp"
#include "adapters/mondialrelay/wire.hpp"
#include "tests/adapters/mondialrelay/test_support.hpp"
#include "tests/adapters/pdf_tools.hpp"

namespace {

namespace mr = parcelgate::adapters::mondialrelay;
using namespace parcelgate;
using testing_mr::pickup_point_request;
using testing_mr::run;
using testing_mr::simulator_call;

struct MondialRelayLabelContent : ::testing::Test {
  sim::sales_ledger ledger;
  std::unique_ptr<sim::carrier_sim> simulator =
      sim::make_mondialrelay_sim(ledger, "http://127.0.0.1:9443");

  label_result buy(const shipment_request& request) {
    auto a = adapters::make_mondialrelay_adapter();
    EXPECT_TRUE(a->configure(testing_mr::sandbox_settings()).empty());
    simulator_call call(*simulator);
    auto out = run(a->create_label(request, call));
    if (!out) {
      ADD_FAILURE() << out.error().message << " " << out.error().carrier_code;
      return {};
    }
    return std::move(*out);
  }
};

TEST_F(MondialRelayLabelContent, the_merchant_reference_is_printed_where_the_reference_belongs) {
  const auto label = buy(pickup_point_request());  // reference "order-1042", id shp_0a1b2c3d4e5f6g7
  const std::string text = pgtest_pdf::pdf_text(label.label);
  const auto caption = text.find("REFERENCE");
  ASSERT_NE(caption, std::string::npos) << text;
  EXPECT_NE(text.find("ORDER1042", caption), std::string::npos) << text;
  EXPECT_EQ(text.find("0A1B2C3D4E5F6G7"), std::string::npos)
      << "the shipment id is printed as the reference\n"
      << text;
  // The sale stays traceable to our shipment: NDossier still carries its id.
  EXPECT_NE(ledger.to_json().find("\"reference\":\"0A1B2C3D4E5F6G7\""), std::string::npos);
}

TEST_F(MondialRelayLabelContent, without_a_merchant_reference_the_file_number_is_printed) {
  auto r = pickup_point_request();
  r.reference.clear();
  const std::string text = pgtest_pdf::pdf_text(buy(r).label);
  EXPECT_NE(text.find("0A1B2C3D4E5F6G7"), std::string::npos) << text;
}

TEST_F(MondialRelayLabelContent, an_a6_request_is_printed_on_4x6_and_reported_as_4x6) {
  auto r = pickup_point_request();
  r.size = label_size::a6;
  const auto label = buy(r);
  ASSERT_TRUE(label.size.has_value());
  EXPECT_EQ(*label.size, label_size::in4x6);
  const auto page = pgtest_pdf::page_size_pt(label.label);
  ASSERT_TRUE(page);
  EXPECT_NEAR(page->first, 4 * 72.0, 1.0);
  EXPECT_NEAR(page->second, 6 * 72.0, 1.0);
  r.size = label_size::a4;
  const auto a4 = buy(r);
  ASSERT_TRUE(a4.size.has_value());
  EXPECT_EQ(*a4.size, label_size::a4);
  const auto a4_page = pgtest_pdf::page_size_pt(a4.label);
  ASSERT_TRUE(a4_page);
  EXPECT_NEAR(a4_page->second, 297 * pgtest_pdf::kPointsPerMm, 1.0);
}

TEST_F(MondialRelayLabelContent, capabilities_list_only_the_sizes_it_prints) {
  const auto sizes = adapters::make_mondialrelay_adapter()->caps().label_sizes;
  EXPECT_EQ(std::count(sizes.begin(), sizes.end(), label_size::a6), 0);
  EXPECT_EQ(std::count(sizes.begin(), sizes.end(), label_size::in4x6), 1);
  EXPECT_EQ(std::count(sizes.begin(), sizes.end(), label_size::a4), 1);
}

}  // namespace
