// Shipments API against real parcelgate + carrier-sim processes over TLS.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "harness.hpp"
#include "test_support.hpp"

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
  auto created =
      env_->call("POST", "/v1/shipments", key, pgtest::shipment_body("colissimo", "order-7"),
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
  EXPECT_EQ(parse(env_->call("GET", "/v1/shipments/" + id, key).body)["status"].as_string(),
            "cancelled");
}

TEST_F(shipments_api, mondialrelay_relay_point_label_is_bought) {
  auto key = env_->create_key("acme", "merchant");
  auto created =
      env_->call("POST", "/v1/shipments", key, pgtest::shipment_body("mondialrelay", "order-8"),
                 {{"Idempotency-Key", "happy-mr-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto shipment = parse(created.body);
  EXPECT_EQ(shipment["tracking_number"].as_string().size(), 8u);
  EXPECT_EQ(shipment["pickup_point_id"].as_string(), "mondialrelay:FR:020230");
  auto label =
      env_->call("GET", "/v1/shipments/" + std::string(shipment["id"].as_string()) + "/label", key);
  EXPECT_TRUE(label.body.starts_with("%PDF-"));
}

// The label the gateway stores is a real printable label: rasterized to PNG, its Code128 barcode
// decodes to the tracking number the API returned.
TEST_F(shipments_api, label_barcode_decodes_to_the_tracking_number) {
  auto key = env_->create_key("barcode", "merchant");
  for (std::string carrier : {"colissimo", "mondialrelay"}) {
    auto created = env_->call("POST", "/v1/shipments", key,
                              pgtest::shipment_body(carrier, "barcode-" + carrier),
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
    std::string raster =
        "pdftoppm -r 300 -png -singlefile " + pdf.string() + " " + png_prefix.string();
    ASSERT_EQ(std::system(raster.c_str()), 0) << "pdftoppm (poppler-utils) failed";
    std::string decoded = run_capture("zbarimg -q " + png_prefix.string() + ".png");
    EXPECT_NE(decoded.find("CODE-128:" + tracking), std::string::npos)
        << carrier << ": zbarimg read '" << decoded << "', expected the tracking number "
        << tracking;
  }
}

TEST_F(shipments_api, colissimo_zpl_label_is_stored_as_zpl) {
  auto key = env_->create_key("zpl", "merchant");
  std::string body = pgtest::shipment_body("colissimo", "zpl-1");
  body.replace(body.find("\"format\": \"pdf\""), 15, "\"format\": \"zpl\"");
  auto created = env_->call("POST", "/v1/shipments", key, body, {{"Idempotency-Key", "zpl-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto shipment = parse(created.body);
  auto label =
      env_->call("GET", "/v1/shipments/" + std::string(shipment["id"].as_string()) + "/label", key);
  ASSERT_EQ(label.status, 200);
  EXPECT_EQ(label.header("content-type"), "application/x-zpl");
  EXPECT_TRUE(label.body.starts_with("^XA")) << label.body.substr(0, 40);
  EXPECT_NE(label.body.find(std::string(shipment["tracking_number"].as_string())),
            std::string::npos);
}

TEST_F(shipments_api, shipments_name_their_tenant_and_ops_filter_by_tenant_and_creation_time) {
  auto acme = env_->create_key("tenant-a", "merchant");
  auto globex = env_->create_key("tenant-b", "merchant");
  auto ops = env_->create_key("ops-team", "ops");
  auto a = env_->call("POST", "/v1/shipments", acme, pgtest::shipment_body("colissimo", "t-a"),
                      {{"Idempotency-Key", "t-a"}});
  auto b = env_->call("POST", "/v1/shipments", globex, pgtest::shipment_body("colissimo", "t-b"),
                      {{"Idempotency-Key", "t-b"}});
  ASSERT_EQ(a.status, 201) << a.body;
  ASSERT_EQ(b.status, 201) << b.body;
  EXPECT_EQ(parse(a.body)["tenant"].as_string(), "tenant-a");
  const std::string b_id(parse(b.body)["id"].as_string());

  auto only_b = pgtest::list_all_shipments(*env_, ops, "tenant=tenant-b");
  ASSERT_EQ(only_b.size(), 1u);
  EXPECT_EQ(pgtest::string_at(only_b[0], "id"), b_id);
  EXPECT_EQ(pgtest::string_at(only_b[0], "tenant"), "tenant-b");
  EXPECT_TRUE(pgtest::list_all_shipments(*env_, ops, "tenant=nobody").empty());

  // Creation time: both were created at or after `since`; nothing is created after `later`.
  const std::string created(parse(b.body)["created_at"].as_string());
  EXPECT_TRUE(
      pgtest::list_all_shipments(*env_, ops, "tenant=tenant-b&created_after=" + created).empty());
  EXPECT_EQ(pgtest::list_all_shipments(*env_, ops,
                                       "tenant=tenant-b&created_after=2026-01-01T00:00:00%2B01:00")
                .size(),
            1u);
  EXPECT_EQ(
      pgtest::list_all_shipments(*env_, ops, "tenant=tenant-b&created_before=2099-01-01T00:00:00Z")
          .size(),
      1u);
  EXPECT_TRUE(
      pgtest::list_all_shipments(*env_, ops, "tenant=tenant-b&created_before=2026-01-01T00:00:00Z")
          .empty());

  auto bad = env_->call(
      "GET", "/v1/shipments?created_after=yesterday&created_before=2026-13-01T00:00:00Z", ops);
  pgtest::expect_problem(bad, 422, "validation-error");
  EXPECT_NE(bad.body.find("created_after"), std::string::npos);
  EXPECT_NE(bad.body.find("created_before"), std::string::npos);
  // A merchant lists its own shipments only: naming a tenant is an error, not a silent filter.
  auto merchant = env_->call("GET", "/v1/shipments?tenant=tenant-b", acme);
  pgtest::expect_problem(merchant, 422, "validation-error");
}

TEST_F(shipments_api, a_cancelled_shipments_label_is_gone) {
  auto key = env_->create_key("acme", "merchant");
  auto created =
      env_->call("POST", "/v1/shipments", key, pgtest::shipment_body("colissimo", "void-1"),
                 {{"Idempotency-Key", "void-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(parse(created.body)["id"].as_string());
  ASSERT_EQ(env_->call("GET", "/v1/shipments/" + id + "/label", key).status, 200);
  ASSERT_EQ(env_->call("POST", "/v1/shipments/" + id + "/cancel", key).status, 200);
  pgtest::expect_problem(env_->call("GET", "/v1/shipments/" + id + "/label", key), 410,
                         "label-voided");
}

TEST_F(shipments_api, an_unknown_status_filter_lists_the_valid_values) {
  auto key = env_->create_key("acme", "merchant");
  auto r = env_->call("GET", "/v1/shipments?status=shipped", key);
  pgtest::expect_problem(r, 422, "validation-error");
  for (const char* status :
       {"label_created", "pending_confirmation", "cancelled", "in_transit", "delivered"})
    EXPECT_NE(r.body.find(status), std::string::npos) << status << " missing from " << r.body;
}

TEST_F(shipments_api, without_tariffs_the_rate_is_null_with_the_reason) {
  auto key = env_->create_key("acme", "merchant");
  auto created =
      env_->call("POST", "/v1/shipments", key, pgtest::shipment_body("colissimo", "no-tariffs"),
                 {{"Idempotency-Key", "no-tariffs-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto shipment = parse(created.body);
  EXPECT_TRUE(shipment["rate"].is_null());
  EXPECT_NE(
      std::string(shipment["rate_unavailable_reason"].as_string()).find("no negotiated tariffs"),
      std::string::npos);
}

TEST_F(shipments_api, carriers_say_how_many_parcels_one_shipment_may_hold) {
  auto key = env_->create_key("acme", "merchant");
  auto r = env_->call("GET", "/v1/carriers", key);
  ASSERT_EQ(r.status, 200);
  const auto body = parse(r.body);
  for (const auto& c : body.at("data").as_array()) {
    const auto& caps = c.as_object().at("capabilities").as_object();
    ASSERT_TRUE(caps.contains("max_parcels")) << r.body;
    EXPECT_EQ(caps.at("max_parcels").as_int64(), 1) << c.as_object().at("id").as_string();
  }
}

}  // namespace
