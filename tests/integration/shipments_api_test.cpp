// Shipments API against real parcelgate + carrier-sim processes over TLS.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "harness.hpp"

namespace {

using pgtest::stack;

boost::json::object parse(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << body;
    return {};
  }
  return v.as_object();
}

std::string run_capture(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen((command + " 2>&1").c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  return out;
}

class shipments_api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { env_ = new stack(); }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  static stack* env_;
};
stack* shipments_api::env_ = nullptr;

TEST_F(shipments_api, colissimo_home_label_is_bought_read_listed_downloaded_and_cancelled) {
  auto key = env_->create_key("acme", "merchant");
  auto created = env_->call("POST", "/v1/shipments", key, pgtest::shipment_body("colissimo", "order-7"),
                            {{"Idempotency-Key", "happy-colissimo-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto shipment = parse(created.body);
  std::string id(shipment["id"].as_string());
  EXPECT_EQ(shipment["status"].as_string(), "label_created");
  EXPECT_EQ(shipment["carrier"].as_string(), "colissimo");
  EXPECT_EQ(shipment["tracking_number"].as_string().size(), 13u);
  EXPECT_EQ(created.header("location"), "/v1/shipments/" + id);

  auto read = env_->call("GET", "/v1/shipments/" + id, key);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body, created.body);

  auto list = env_->call("GET", "/v1/shipments?reference=order-7", key);
  ASSERT_EQ(list.status, 200);
  auto page = parse(list.body);
  ASSERT_EQ(page["data"].as_array().size(), 1u);
  EXPECT_EQ(page["data"].as_array()[0].as_object().at("id").as_string(), id);

  auto label = env_->call("GET", "/v1/shipments/" + id + "/label", key);
  ASSERT_EQ(label.status, 200);
  EXPECT_EQ(label.header("content-type"), "application/pdf");
  EXPECT_TRUE(label.body.starts_with("%PDF-"));

  auto cancelled = env_->call("POST", "/v1/shipments/" + id + "/cancel", key);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(parse(cancelled.body)["status"].as_string(), "cancelled");
  EXPECT_EQ(parse(env_->call("GET", "/v1/shipments/" + id, key).body)["status"].as_string(), "cancelled");
}

TEST_F(shipments_api, mondialrelay_relay_point_label_is_bought) {
  auto key = env_->create_key("acme", "merchant");
  auto created = env_->call("POST", "/v1/shipments", key, pgtest::shipment_body("mondialrelay", "order-8"),
                            {{"Idempotency-Key", "happy-mr-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto shipment = parse(created.body);
  EXPECT_EQ(shipment["tracking_number"].as_string().size(), 8u);
  EXPECT_EQ(shipment["pickup_point_id"].as_string(), "mondialrelay:FR:020230");
  auto label = env_->call("GET", "/v1/shipments/" + std::string(shipment["id"].as_string()) + "/label", key);
  EXPECT_TRUE(label.body.starts_with("%PDF-"));
}

// The label the gateway stores is a real printable label: rasterized to PNG, its Code128 barcode
// decodes to the tracking number the API returned.
TEST_F(shipments_api, label_barcode_decodes_to_the_tracking_number) {
  auto key = env_->create_key("barcode", "merchant");
  for (std::string carrier : {"colissimo", "mondialrelay"}) {
    auto created = env_->call("POST", "/v1/shipments", key, pgtest::shipment_body(carrier, "barcode-" + carrier),
                              {{"Idempotency-Key", "barcode-" + carrier}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto shipment = parse(created.body);
    std::string id(shipment["id"].as_string()), tracking(shipment["tracking_number"].as_string());
    auto label = env_->call("GET", "/v1/shipments/" + id + "/label", key);
    ASSERT_EQ(label.status, 200);
    auto pdf = env_->dir() / (id + ".pdf");
    {
      std::ofstream out(pdf, std::ios::binary);
      out << label.body;
    }
    auto png_prefix = env_->dir() / id;
    std::string raster = "pdftoppm -r 300 -png -singlefile " + pdf.string() + " " + png_prefix.string();
    ASSERT_EQ(std::system(raster.c_str()), 0) << "pdftoppm (poppler-utils) failed";
    std::string decoded = run_capture("zbarimg -q " + png_prefix.string() + ".png");
    EXPECT_NE(decoded.find("CODE-128:" + tracking), std::string::npos)
        << carrier << ": zbarimg read '" << decoded << "', expected the tracking number " << tracking;
  }
}

TEST_F(shipments_api, colissimo_zpl_label_is_stored_as_zpl) {
  auto key = env_->create_key("zpl", "merchant");
  std::string body = pgtest::shipment_body("colissimo", "zpl-1");
  body.replace(body.find("\"format\": \"pdf\""), 15, "\"format\": \"zpl\"");
  auto created = env_->call("POST", "/v1/shipments", key, body, {{"Idempotency-Key", "zpl-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto shipment = parse(created.body);
  auto label = env_->call("GET", "/v1/shipments/" + std::string(shipment["id"].as_string()) + "/label", key);
  ASSERT_EQ(label.status, 200);
  EXPECT_EQ(label.header("content-type"), "application/x-zpl");
  EXPECT_TRUE(label.body.starts_with("^XA")) << label.body.substr(0, 40);
  EXPECT_NE(label.body.find(std::string(shipment["tracking_number"].as_string())), std::string::npos);
}

}  // namespace
