// What the Colissimo sandbox prints, read back from the PDF as a person would (pdftotext,
// pdfinfo): the page is the size the shipment reports, the sender is printed once, the
// merchant's reference is in the reference box.

#include <gtest/gtest.h>

#include <algorithm>

#include "adapters/colissimo/adapter.hpp"
#include "adapters/colissimo/wire.hpp"
#include "test_support.hpp"
#include "tests/adapters/pdf_tools.hpp"

namespace {

using namespace parcelgate;
using colissimo_test::run;
using colissimo_test::sample_request;
namespace wire = parcelgate::adapters::colissimo;

struct ColissimoLabelContent : ::testing::Test {
  sim::sales_ledger ledger;
  std::unique_ptr<sim::carrier_sim> simulator =
      sim::make_colissimo_sim(ledger, "http://127.0.0.1:9443");
  std::unique_ptr<carriers::carrier_adapter> adapter = colissimo_test::configured();

  label_result buy(const shipment_request& request) {
    colissimo_test::simulator_call call(*simulator);
    auto out = run(adapter->create_label(request, call));
    if (!out) {
      ADD_FAILURE() << out.error().message;
      return {};
    }
    return std::move(*out);
  }
};

TEST_F(ColissimoLabelContent, an_a6_request_is_printed_on_4x6_and_reported_as_4x6) {
  auto r = sample_request();
  r.size = label_size::a6;
  const auto label = buy(r);
  ASSERT_TRUE(label.size.has_value()) << "the adapter must say what it printed";
  EXPECT_EQ(*label.size, label_size::in4x6);
  const auto page = pgtest_pdf::page_size_pt(label.label);
  ASSERT_TRUE(page);
  EXPECT_NEAR(page->first, 4 * 72.0, 1.0);  // what was reported is what was printed
  EXPECT_NEAR(page->second, 6 * 72.0, 1.0);
}

TEST_F(ColissimoLabelContent, a4_is_printed_on_a4) {
  auto r = sample_request();
  r.size = label_size::a4;
  const auto label = buy(r);
  ASSERT_TRUE(label.size.has_value());
  EXPECT_EQ(*label.size, label_size::a4);
  const auto page = pgtest_pdf::page_size_pt(label.label);
  ASSERT_TRUE(page);
  EXPECT_NEAR(page->first, 210 * pgtest_pdf::kPointsPerMm, 1.0);
  EXPECT_NEAR(page->second, 297 * pgtest_pdf::kPointsPerMm, 1.0);
}

TEST_F(ColissimoLabelContent, every_printing_type_reports_the_page_it_prints_on) {
  EXPECT_EQ(wire::printed_size(wire::output_printing_type(label_format::pdf, label_size::a6)),
            label_size::in4x6);
  EXPECT_EQ(wire::printed_size(wire::output_printing_type(label_format::pdf, label_size::in4x6)),
            label_size::in4x6);
  EXPECT_EQ(wire::printed_size(wire::output_printing_type(label_format::pdf, label_size::a4)),
            label_size::a4);
  EXPECT_EQ(wire::printed_size(wire::output_printing_type(label_format::zpl, label_size::a6)),
            label_size::in4x6);
  EXPECT_FALSE(wire::printed_size("PDF_10x12_300dpi"));
}

TEST_F(ColissimoLabelContent, capabilities_list_only_the_sizes_it_prints) {
  const auto sizes = adapter->caps().label_sizes;
  EXPECT_EQ(std::count(sizes.begin(), sizes.end(), label_size::a6), 0)
      << "Colissimo has no A6 printing type";
  EXPECT_EQ(std::count(sizes.begin(), sizes.end(), label_size::in4x6), 1);
  EXPECT_EQ(std::count(sizes.begin(), sizes.end(), label_size::a4), 1);
  // a6 stays accepted (it is the API's default size) and is printed on 4x6.
  auto r = sample_request();
  r.size = label_size::a6;
  EXPECT_TRUE(adapter->validate(r).empty());
}

TEST_F(ColissimoLabelContent, a_sender_without_company_is_printed_once) {
  auto r = sample_request();
  r.from.company.clear();  // SLS requires a sender companyName: the adapter repeats the name there
  const auto label = buy(r);
  const std::string text = pgtest_pdf::pdf_text(label.label);
  EXPECT_EQ(pgtest_pdf::count(text, "Jeanne Martin"), 1) << text;
  EXPECT_NE(text.find("12 rue des Lilas"), std::string::npos) << text;
}

TEST_F(ColissimoLabelContent, a_sender_with_company_shows_company_and_name) {
  const auto label = buy(sample_request());
  const std::string text = pgtest_pdf::pdf_text(label.label);
  EXPECT_EQ(pgtest_pdf::count(text, "Atelier Martin"), 1) << text;
  EXPECT_EQ(pgtest_pdf::count(text, "Jeanne Martin"), 1) << text;
}

TEST_F(ColissimoLabelContent, the_merchant_reference_is_in_the_reference_box) {
  const auto label = buy(sample_request());
  const std::string text = pgtest_pdf::pdf_text(label.label);
  const auto caption = text.find("REFERENCE");
  ASSERT_NE(caption, std::string::npos) << text;
  EXPECT_NE(text.find("order-1042", caption), std::string::npos) << text;
  EXPECT_EQ(text.find("7Hq2RkT9xZ"), std::string::npos)
      << "our shipment id is not the merchant's reference\n"
      << text;
}

}  // namespace
