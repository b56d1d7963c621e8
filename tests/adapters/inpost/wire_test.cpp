// The ShipX JSON codec against recorded payloads (tests/fixtures/inpost).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>

#include "adapters/inpost/wire.hpp"
#include "tests/adapters/inpost/test_support.hpp"

namespace ip = parcelgate::adapters::inpost;
using namespace parcelgate;
using inpost_test::fixture;

namespace {

bool has(const std::vector<field_error>& errors, std::string_view field) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const field_error& e) { return e.field == field; });
}

ip::shipment_plan plan_of(const shipment_request& r) {
  ip::shipment_plan plan;
  EXPECT_TRUE(ip::check_shipment(r, plan).empty());
  return plan;
}

const ip::account kAccount{
    .base_url = "https://api-shipx-pl.easypack24.net", .token = "t0ken", .organization_id = "6183"};

TEST(InpostWire, locker_and_courier_bodies_match_the_recorded_requests) {
  auto locker = inpost_test::locker_request();
  EXPECT_EQ(boost::json::parse(ip::shipment_body(locker, plan_of(locker))),
            boost::json::parse(fixture("create_locker_request.json")));
  auto courier = inpost_test::courier_request();
  EXPECT_EQ(boost::json::parse(ip::shipment_body(courier, plan_of(courier))),
            boost::json::parse(fixture("create_courier_request.json")));
}

TEST(InpostWire, requests_have_their_urls_methods_and_policies) {
  auto locker = inpost_test::locker_request();
  auto create = ip::build_create_request(kAccount, locker, plan_of(locker));
  EXPECT_EQ(create.method, "POST");
  EXPECT_EQ(create.url, "https://api-shipx-pl.easypack24.net/v1/organizations/6183/shipments");
  EXPECT_FALSE(create.idempotent);
  EXPECT_EQ(create.max_exchanges(), 1);
  EXPECT_NE(std::find_if(create.headers.begin(), create.headers.end(),
                         [](const auto& h) {
                           return h.name == "Authorization" && h.value == "Bearer t0ken";
                         }),
            create.headers.end());
  auto label = ip::build_label_request(kAccount, "1634508792", label_format::zpl, 10);
  EXPECT_EQ(label.url,
            "https://api-shipx-pl.easypack24.net/v1/shipments/1634508792/label?format=Zpl&type=A6");
  EXPECT_TRUE(label.idempotent);
  EXPECT_EQ(label.retry.attempts, 12);
  EXPECT_EQ(ip::build_label_request(kAccount, "1", label_format::pdf, 1).retry.attempts, 3);
  EXPECT_EQ(ip::build_label_request(kAccount, "1", label_format::pdf, 1).retry.expect_body_prefix,
            "%PDF-");
  auto read = ip::build_read_request(kAccount, "1634508792");
  EXPECT_EQ(read.url, "https://api-shipx-pl.easypack24.net/v1/shipments/1634508792");
  EXPECT_TRUE(read.idempotent);
  auto del = ip::build_cancel_request(kAccount, "1634508792");
  EXPECT_EQ(del.method, "DELETE");
  EXPECT_EQ(del.url, read.url);
  auto find = ip::build_find_request(kAccount, "682000011384230013138034");
  EXPECT_EQ(find.url,
            "https://api-shipx-pl.easypack24.net/v1/organizations/6183/"
            "shipments?tracking_number=682000011384230013138034");
}

TEST(InpostWire, confirm_policy_waits_add_up_to_the_confirm_window) {
  for (int seconds : {1, 3, 10, 60}) {
    auto policy = ip::confirm_policy(seconds, label_format::pdf);
    std::chrono::milliseconds total{0};
    for (int n = 2; n <= policy.attempts; ++n) total += policy.delay_before(n);
    EXPECT_LE(total, std::chrono::seconds(seconds)) << seconds;
    EXPECT_GT(total, std::chrono::seconds(seconds) - std::chrono::seconds(1)) << seconds;
  }
}

TEST(InpostWire, shipment_objects_are_read) {
  auto created = ip::parse_shipment(fixture("shipment_created.json"));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->id, "1634508792");
  EXPECT_EQ(created->status, "created");
  EXPECT_EQ(created->tracking_number, "");
  auto confirmed = ip::parse_shipment(fixture("shipment_confirmed.json"));
  ASSERT_TRUE(confirmed);
  EXPECT_EQ(confirmed->status, "confirmed");
  EXPECT_EQ(confirmed->tracking_number, "682000011384230013138034");
  EXPECT_EQ(confirmed->service, "inpost_locker_standard");
  EXPECT_FALSE(ip::parse_shipment(fixture("validation_failed.json")));
  EXPECT_FALSE(ip::parse_shipment("<html>"));
  auto listed = ip::parse_first_listed("{\"count\":1,\"items\":[" +
                                       fixture("shipment_confirmed.json") + "]}");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->id, "1634508792");
  EXPECT_FALSE(ip::parse_first_listed(R"({"count":0,"items":[]})"));
}

TEST(InpostWire, validation_details_map_to_our_paths_and_prove_nothing_was_sold) {
  auto shipx = ip::parse_error(fixture("validation_failed.json"));
  ASSERT_TRUE(shipx);
  EXPECT_EQ(shipx->error, "validation_failed");
  std::vector<std::string> paths;
  for (const auto& d : shipx->details) paths.push_back(d.first);
  EXPECT_NE(std::find(paths.begin(), paths.end(), "parcels[0].weight.amount"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "receiver.phone"), paths.end());
  auto e = ip::creation_error(400, fixture("validation_failed.json"));
  EXPECT_EQ(e.kind, error_kind::invalid_request);
  EXPECT_EQ(e.sale, sale_outcome::not_sold);
  EXPECT_EQ(e.carrier_code, "validation_failed");
  EXPECT_TRUE(has(e.fields, "to.phone"));
  EXPECT_TRUE(has(e.fields, "to.email"));
  EXPECT_TRUE(has(e.fields, "pickup_point_id"));
  EXPECT_TRUE(has(e.fields, "parcels[0].weight_g"));
  EXPECT_NE(e.message.find("insurance.amount: too_small"), std::string::npos) << e.message;
}

TEST(InpostWire, shipx_paths_to_ours) {
  EXPECT_EQ(ip::api_path("receiver.phone"), "to.phone");
  EXPECT_EQ(ip::api_path("receiver.address.post_code"), "to.postal_code");
  EXPECT_EQ(ip::api_path("sender.address.city"), "from.city");
  EXPECT_EQ(ip::api_path("sender.company_name"), "from.company");
  EXPECT_EQ(ip::api_path("receiver"), "to.name");
  EXPECT_EQ(ip::api_path("custom_attributes.target_point"), "pickup_point_id");
  EXPECT_EQ(ip::api_path("parcels[0].template"), "parcels[0].dimensions_mm");
  EXPECT_EQ(ip::api_path("parcels[0].dimensions.width"), "parcels[0].dimensions_mm");
  EXPECT_EQ(ip::api_path("service"), "service");
  EXPECT_EQ(ip::api_path("insurance.amount"), "");
  EXPECT_EQ(ip::api_path("receivers.phone"), "");
}

TEST(InpostWire, refusals_credentials_and_unknown_answers) {
  auto auth = ip::creation_error(401, fixture("token_invalid.json"));
  EXPECT_EQ(auth.kind, error_kind::auth_failed);
  EXPECT_EQ(auth.sale, sale_outcome::not_sold);
  auto busy = ip::creation_error(
      503, R"({"status":503,"error":"service_unavailable","message":"Try later.","details":{}})");
  EXPECT_EQ(busy.kind, error_kind::unavailable);
  EXPECT_EQ(busy.sale, sale_outcome::not_sold);
  auto own500 = ip::creation_error(
      500, R"({"status":500,"error":"internal_error","message":"Oops.","details":{}})");
  EXPECT_EQ(own500.kind, error_kind::unavailable);
  EXPECT_EQ(own500.sale, sale_outcome::unknown);
  auto proxy = ip::creation_error(502, "<html><h1>502 Bad Gateway</h1></html>");
  EXPECT_EQ(proxy.kind, error_kind::unavailable);
  EXPECT_EQ(proxy.sale, sale_outcome::unknown);
  auto odd = ip::creation_error(201, "{\"id\":null}");
  EXPECT_EQ(odd.kind, error_kind::bad_gateway);
  EXPECT_EQ(odd.sale, sale_outcome::unknown);
}

TEST(InpostWire, a_void_refused_after_the_label_says_it_can_no_longer_be_voided) {
  auto e = ip::cancel_error("1634508792", 400, fixture("cancel_invalid_action.json"));
  EXPECT_EQ(e.kind, error_kind::conflict);
  EXPECT_EQ(e.carrier_code, "invalid_action");
  EXPECT_NE(e.message.find("can no longer be voided"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("confirmed"), std::string::npos) << e.message;
  EXPECT_EQ(ip::cancel_error("1", 404, fixture("resource_not_found.json")).kind,
            error_kind::not_found);
  EXPECT_EQ(ip::cancel_error("1", 401, fixture("token_invalid.json")).kind,
            error_kind::auth_failed);
  EXPECT_EQ(ip::cancel_error("1", 503, "<html>").kind, error_kind::unavailable);
}

}  // namespace
