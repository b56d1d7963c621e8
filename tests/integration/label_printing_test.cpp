// Labels as a merchant receives them from the running gateway: the shipment's label.size names
// the page actually printed (read back with pdfinfo), GET /v1/carriers lists the sizes each
// carrier prints, and the printed text (pdftotext) shows the sender once and the merchant's
// reference where the reference belongs.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <string>

#include "../adapters/pdf_tools.hpp"
#include "harness.hpp"
#include "test_support.hpp"

namespace {

namespace json = boost::json;

class label_printing : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    env_ = new pgtest::stack();
    key_ = env_->create_key("acme", "merchant");
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  const std::string& carrier() const { return GetParam(); }

  // Buys a label; returns the shipment and fills `pdf` with the label bytes.
  json::object buy(const std::string& body, const std::string& idempotency_key, std::string& pdf) {
    auto created =
        env_->call("POST", "/v1/shipments", key_, body, {{"Idempotency-Key", idempotency_key}});
    if (created.status != 201) {
      ADD_FAILURE() << pgtest::describe(created);
      return {};
    }
    auto shipment = pgtest::parse_object(created.body);
    auto label =
        env_->call("GET", "/v1/shipments/" + pgtest::string_at(shipment, "id") + "/label", key_);
    EXPECT_EQ(label.status, 200);
    EXPECT_TRUE(label.body.starts_with("%PDF-"));
    pdf = label.body;
    return shipment;
  }

  static std::string with(std::string body, const std::string& from, const std::string& to) {
    auto at = body.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) body.replace(at, from.size(), to);
    return body;
  }

  static pgtest::stack* env_;
  static std::string key_;
};
pgtest::stack* label_printing::env_ = nullptr;
std::string label_printing::key_;

TEST_P(label_printing, an_a6_request_reports_the_4x6_page_it_was_printed_on) {
  std::string pdf;
  auto shipment = buy(pgtest::shipment_body(carrier(), "order-a6"), carrier() + "-a6", pdf);
  ASSERT_TRUE(shipment.contains("label"));
  EXPECT_EQ(shipment.at("label").as_object().at("size").as_string(), "4x6")
      << json::serialize(shipment);
  const auto page = pgtest_pdf::page_size_pt(pdf);
  ASSERT_TRUE(page);
  EXPECT_NEAR(page->first, 4 * 72.0, 1.0);
  EXPECT_NEAR(page->second, 6 * 72.0, 1.0);
  // Read back, the stored shipment says the same.
  auto read = env_->call("GET", "/v1/shipments/" + pgtest::string_at(shipment, "id"), key_);
  EXPECT_NE(read.body.find(R"("size":"4x6")"), std::string::npos) << read.body;
}

TEST_P(label_printing, a4_is_printed_and_reported_as_a4) {
  std::string pdf;
  auto body =
      with(pgtest::shipment_body(carrier(), "order-a4"), R"("size": "a6")", R"("size": "a4")");
  auto shipment = buy(body, carrier() + "-a4", pdf);
  ASSERT_TRUE(shipment.contains("label"));
  EXPECT_EQ(shipment.at("label").as_object().at("size").as_string(), "a4");
  const auto page = pgtest_pdf::page_size_pt(pdf);
  ASSERT_TRUE(page);
  EXPECT_NEAR(page->second, 297 * pgtest_pdf::kPointsPerMm, 1.0);
}

TEST_P(label_printing, carriers_list_only_the_sizes_they_print) {
  auto r = env_->call("GET", "/v1/carriers", key_);
  ASSERT_EQ(r.status, 200);
  bool seen = false;
  const auto carriers = pgtest::parse_object(r.body);
  for (const auto& c : carriers.at("data").as_array()) {
    if (c.as_object().at("id").as_string() != carrier()) continue;
    seen = true;
    const auto& sizes = c.as_object().at("capabilities").as_object().at("label_sizes").as_array();
    EXPECT_EQ(std::count(sizes.begin(), sizes.end(), json::value("a6")), 0)
        << json::serialize(sizes);
    EXPECT_EQ(std::count(sizes.begin(), sizes.end(), json::value("4x6")), 1)
        << json::serialize(sizes);
    EXPECT_EQ(std::count(sizes.begin(), sizes.end(), json::value("a4")), 1)
        << json::serialize(sizes);
  }
  EXPECT_TRUE(seen);
}

TEST_P(label_printing, the_label_shows_the_sender_once_and_the_merchant_reference) {
  std::string pdf;
  // The harness's sender "Acme Returns" has no company.
  auto shipment = buy(pgtest::shipment_body(carrier(), "order-7731"), carrier() + "-text", pdf);
  const std::string text = pgtest_pdf::pdf_text(pdf);
  const std::string sender = carrier() == "mondialrelay" ? "ACME RETURNS" : "Acme Returns";
  EXPECT_EQ(pgtest_pdf::count(text, sender), 1) << text;
  const auto caption = text.find("REFERENCE");
  ASSERT_NE(caption, std::string::npos) << text;
  // Mondial Relay prints its references in upper case letters and digits.
  const std::string reference = carrier() == "mondialrelay" ? "ORDER7731" : "order-7731";
  EXPECT_NE(text.find(reference, caption), std::string::npos) << text;
  std::string id_part = pgtest::string_at(shipment, "id").substr(4);
  std::string upper = id_part;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  EXPECT_EQ(text.find(id_part), std::string::npos) << "the shipment id is printed\n" << text;
  EXPECT_EQ(text.find(upper), std::string::npos) << "the shipment id is printed\n" << text;
}

INSTANTIATE_TEST_SUITE_P(carriers, label_printing, ::testing::Values("colissimo", "mondialrelay"));

}  // namespace
