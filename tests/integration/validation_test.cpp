// Input validation of POST /v1/shipments and GET /v1/shipments (DESIGN §4, §5 step 1): every
// field error at once with its path, 400 for unreadable requests, 415 for other media types, and
// after any refusal nothing stored, no label sold and the Idempotency-Key still unused.

#include <gtest/gtest.h>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::describe;
using pgtest::error_fields;
using pgtest::expect_problem;
using pgtest::response;
using pgtest::stack;
namespace json = boost::json;

class validation : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<stack>();
    key_ = env_->create_key("acme", "merchant");
  }

  // After every test: the refusals left no trace.
  void TearDown() override {
    if (!env_) return;
    EXPECT_TRUE(pgtest::list_all_shipments(*env_, key_).empty())
        << "a refused request stored a shipment";
    auto ops = env_->create_key("ops-team", "ops");
    EXPECT_EQ(pgtest::list_all_shipments(*env_, ops).size(), bought_)
        << "shipments stored across tenants";
    EXPECT_EQ(pgtest::labels_sold(*env_), bought_) << "a refused request bought a label";
  }

  response post(const std::string& body, const std::string& idempotency_key = "validation-1") {
    return env_->call("POST", "/v1/shipments", key_, body, {{"Idempotency-Key", idempotency_key}});
  }

  static json::object valid(const std::string& carrier = "colissimo") {
    return pgtest::parse_object(pgtest::shipment_body(carrier, "order-v"));
  }

  // The refused key must still buy when the body is fixed: validation never claims it.
  void expect_key_unused(const std::string& idempotency_key,
                         const std::string& carrier = "colissimo") {
    auto r = post(pgtest::shipment_body(carrier, "order-after-refusal"), idempotency_key);
    EXPECT_EQ(r.status, 201) << "the Idempotency-Key of a refused request is burnt: "
                             << describe(r);
    EXPECT_TRUE(r.header("idempotent-replayed").empty());
    ++bought_;
    // The shipment is the fixed one; nothing else is stored (checked in TearDown).
    auto id = pgtest::string_at(pgtest::parse_object(r.body), "id");
    auto all = pgtest::list_all_shipments(*env_, key_);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(pgtest::string_at(all[0], "id"), id);
    // Leave the tenant empty again for TearDown's check.
    key_ = env_->create_key("acme-fresh-" + std::to_string(bought_), "merchant");
  }

  std::unique_ptr<stack> env_;
  std::string key_;
  std::size_t bought_ = 0;
};

TEST_F(validation, every_field_error_is_reported_at_once) {
  auto body = valid("mondialrelay");
  body.erase("pickup_point_id");  // required for pickup_point
  body["colour"] = "red";         // unknown top-level field
  body["direction"] = "sideways";
  body["to"].as_object()["country"] = "ZZ";     // unknown country
  body["from"].as_object()["country"] = "fr";   // not upper case
  body["from"].as_object()["name"] = 42;        // wrong type
  body["from"].as_object()["nickname"] = "Al";  // unknown nested field
  body["to"].as_object()["email"] = "not-an-email";
  auto& parcel = body["parcels"].as_array()[0].as_object();
  parcel["weight_g"] = -5;                               // negative weight
  parcel["colour"] = "blue";                             // unknown field in a parcel
  parcel["dimensions_mm"].as_object()["height"] = "10";  // wrong type
  parcel["dimensions_mm"].as_object()["depth"] = 3;      // unknown field deeper down
  body["parcels"].as_array().push_back(json::object{{"weight_g", 1.5}});  // not an integer
  body["parcels"].as_array().push_back("a string");                       // not an object
  body["label"].as_object()["format"] = "gif";
  body["label"].as_object()["size"] = "huge";
  body["selection"] = "cheapest";  // only with carrier auto
  auto r = post(json::serialize(body));
  expect_problem(r, 422, "validation-error");
  const std::set<std::string> expected = {"pickup_point_id",
                                          "colour",
                                          "direction",
                                          "to.country",
                                          "from.country",
                                          "from.name",
                                          "from.nickname",
                                          "to.email",
                                          "parcels[0].weight_g",
                                          "parcels[0].colour",
                                          "parcels[0].dimensions_mm.height",
                                          "parcels[0].dimensions_mm.depth",
                                          "parcels[1].weight_g",
                                          "parcels[2]",
                                          "label.format",
                                          "label.size",
                                          "selection"};
  EXPECT_EQ(error_fields(r), expected) << describe(r);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(r.body), "detail")
                .find(std::to_string(expected.size())),
            0u)
      << "the detail does not count the errors";
  expect_key_unused("validation-1", "mondialrelay");
}

TEST_F(validation, missing_required_fields_are_each_named) {
  auto r = post("{}");
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(error_fields(r),
            (std::set<std::string>{"carrier", "service", "from", "to", "parcels"}));
  auto body = valid();
  body["to"] = json::object{};
  r = post(json::serialize(body));
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"to.name", "to.line1", "to.city",
                                                    "to.postal_code", "to.country"}));
}

TEST_F(validation, colissimo_refuses_png_labels_with_a_field_error) {
  auto body = valid("colissimo");
  body["label"].as_object()["format"] = "png";
  auto r = post(json::serialize(body));
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(error_fields(r), std::set<std::string>{"label.format"});
  expect_key_unused("validation-1");
}

TEST_F(validation, carrier_rules_and_generic_errors_come_back_in_one_answer) {
  auto body = valid("colissimo");
  body["label"].as_object()["format"] = "png";                // Colissimo's rule
  body["to"].as_object()["country"] = "XX";                   // generic rule
  body["parcels"].as_array()[0].as_object()["weight_g"] = 0;  // generic rule
  auto r = post(json::serialize(body));
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(error_fields(r),
            (std::set<std::string>{"label.format", "to.country", "parcels[0].weight_g"}));
}

TEST_F(validation, mondialrelay_refuses_zpl_labels_with_a_field_error) {
  auto body = valid("mondialrelay");
  body["label"].as_object()["format"] = "zpl";
  auto r = post(json::serialize(body));
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(error_fields(r), std::set<std::string>{"label.format"});
  expect_key_unused("validation-1", "mondialrelay");
}

TEST_F(validation, service_the_carrier_does_not_offer_is_a_field_error) {
  auto body = valid("colissimo");
  body["service"] = "locker";
  body["pickup_point_id"] = "colissimo:FR:123456";
  auto r = post(json::serialize(body));
  expect_problem(r, 422, "validation-error");
  EXPECT_TRUE(error_fields(r).contains("service")) << describe(r);
}

TEST_F(validation, unknown_carrier_and_auto_without_tariffs_are_field_errors) {
  auto body = valid();
  body["carrier"] = "ups";
  auto r = post(json::serialize(body));
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(error_fields(r), std::set<std::string>{"carrier"});
  body["carrier"] = "auto";
  r = post(json::serialize(body));
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(error_fields(r), std::set<std::string>{"carrier"});
}

TEST_F(validation, too_many_parcels_is_one_error_on_the_list) {
  auto body = valid();
  json::array parcels;
  for (int i = 0; i < 51; ++i) parcels.push_back(json::object{{"weight_g", 500}});
  body["parcels"] = parcels;
  auto r = post(json::serialize(body));
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(error_fields(r), std::set<std::string>{"parcels"});
  body["parcels"] = json::array{};
  r = post(json::serialize(body));
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(error_fields(r), std::set<std::string>{"parcels"});
}

TEST_F(validation, wrong_json_types_are_field_errors) {
  struct bad {
    std::string field;
    std::function<void(json::object&)> apply;
  };
  const std::vector<bad> cases = {
      {"parcels", [](json::object& b) { b["parcels"] = json::object{}; }},
      {"from", [](json::object& b) { b["from"] = "10 rue de Rivoli"; }},
      {"label", [](json::object& b) { b["label"] = json::array{"pdf"}; }},
      {"reference", [](json::object& b) { b["reference"] = 1042; }},
      {"carrier", [](json::object& b) { b["carrier"] = true; }},
      {"parcels[0].weight_g",
       [](json::object& b) { b["parcels"].as_array()[0].as_object()["weight_g"] = "1200"; }},
      {"parcels[0].weight_g",
       [](json::object& b) { b["parcels"].as_array()[0].as_object()["weight_g"] = 1e12; }},
      {"parcels[0].weight_g",
       [](json::object& b) { b["parcels"].as_array()[0].as_object()["weight_g"] = 0; }},
      {"parcels[0].weight_g",
       [](json::object& b) {
         b["parcels"].as_array()[0].as_object()["weight_g"] = 18446744073709551615ull;
       }},
      {"parcels[0].dimensions_mm",
       [](json::object& b) { b["parcels"].as_array()[0].as_object()["dimensions_mm"] = 300; }},
      {"to.phone", [](json::object& b) { b["to"].as_object()["phone"] = "call me"; }},
      {"to.name", [](json::object& b) { b["to"].as_object()["name"] = "Marie\nCurie"; }},
      {"to.name", [](json::object& b) { b["to"].as_object()["name"] = "   "; }},
      {"reference", [](json::object& b) { b["reference"] = std::string(101, 'r'); }},
      // Control characters are refused in every string, not only in addresses.
      {"reference", [](json::object& b) { b["reference"] = std::string("order\0-1", 8); }},
      {"reference", [](json::object& b) { b["reference"] = "order\r\nX-Injected: 1"; }},
      {"parcels[0].reference",
       [](json::object& b) { b["parcels"].as_array()[0].as_object()["reference"] = "box\n2"; }},
      {"to.email", [](json::object& b) { b["to"].as_object()["email"] = "marie@example.test\r"; }},
      {"to.phone", [](json::object& b) { b["to"].as_object()["phone"] = "+33611223344\n"; }},
      {"carrier_service", [](json::object& b) { b["carrier_service"] = "DOM\t"; }},
  };
  for (const auto& c : cases) {
    auto body = valid();
    c.apply(body);
    SCOPED_TRACE(json::serialize(body));
    auto r = post(json::serialize(body));
    expect_problem(r, 422, "validation-error");
    EXPECT_EQ(error_fields(r), std::set<std::string>{c.field});
  }
}

TEST_F(validation, pickup_point_ids_are_checked) {
  struct bad {
    std::string carrier, service, point;
  };
  const std::vector<bad> cases = {
      {"mondialrelay", "pickup_point", "020230"},                  // no carrier:country: prefix
      {"mondialrelay", "pickup_point", "mondialrelay:FR:"},        // empty point id
      {"mondialrelay", "pickup_point", "mondialrelay:XX:020230"},  // unknown country
      {"mondialrelay", "pickup_point", "colissimo:FR:020230"},     // carrier mismatch
      {"colissimo", "home", "colissimo:FR:020230"},                // not allowed with home
  };
  for (const auto& c : cases) {
    auto body = valid(c.carrier);
    body["service"] = c.service;
    body["pickup_point_id"] = c.point;
    SCOPED_TRACE(c.carrier + " " + c.service + " " + c.point);
    auto r = post(json::serialize(body));
    expect_problem(r, 422, "validation-error");
    EXPECT_EQ(error_fields(r), std::set<std::string>{"pickup_point_id"});
  }
  auto missing = valid("mondialrelay");
  missing.erase("pickup_point_id");
  auto r = post(json::serialize(missing));
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(error_fields(r), std::set<std::string>{"pickup_point_id"});
}

TEST_F(validation, malformed_json_is_400) {
  for (const std::string& body :
       {std::string(R"({"carrier": "colissimo",)"), std::string("not json"), std::string("[1, 2]"),
        std::string("\"a string\""), std::string(R"({"a": 1} trailing)"), std::string(100, '[')}) {
    SCOPED_TRACE(body);
    auto r = post(body);
    expect_problem(r, 400, "malformed-json");
  }
  expect_key_unused("validation-1");
}

TEST_F(validation, missing_or_invalid_idempotency_key_is_400) {
  const auto body = pgtest::shipment_body("colissimo");
  auto none = env_->call("POST", "/v1/shipments", key_, body);
  expect_problem(none, 400, "idempotency-key-required");
  for (const std::string& bad : {std::string(256, 'k'), std::string("has space"),
                                 std::string("tab\there"), std::string("caf\xc3\xa9")}) {
    SCOPED_TRACE("Idempotency-Key: " + bad);
    expect_problem(post(body, bad), 400, "idempotency-key-invalid");
  }
  // The longest allowed key works.
  auto longest = post(body, std::string(255, 'k'));
  EXPECT_EQ(longest.status, 201) << describe(longest);
  ++bought_;
  key_ = env_->create_key("acme-after-longest", "merchant");
}

TEST_F(validation, body_that_is_not_application_json_is_415) {
  const auto body = pgtest::shipment_body("colissimo");
  auto no_type = pgtest::request(
      env_->gateway_url(), "POST", "/v1/shipments", body,
      {{"Authorization", "Bearer " + key_}, {"Idempotency-Key", "validation-1"}}, env_->ca_file());
  expect_problem(no_type, 415, "unsupported-media-type");
  for (const std::string type :
       {"text/plain", "application/x-www-form-urlencoded", "application/jsonp"}) {
    SCOPED_TRACE(type);
    auto r = env_->call("POST", "/v1/shipments", key_, body,
                        {{"Idempotency-Key", "validation-1"}, {"Content-Type", type}});
    expect_problem(r, 415, "unsupported-media-type");
  }
  // Parameters and case do not matter.
  auto with_charset = env_->call(
      "POST", "/v1/shipments", key_, body,
      {{"Idempotency-Key", "validation-1"}, {"Content-Type", "Application/JSON; charset=utf-8"}});
  EXPECT_EQ(with_charset.status, 201) << describe(with_charset);
  ++bought_;
  key_ = env_->create_key("acme-after-charset", "merchant");
}

TEST_F(validation, list_query_parameters_are_validated) {
  struct bad {
    std::string query, field;
  };
  const std::vector<bad> cases = {
      {"limit=0", "limit"},
      {"limit=101", "limit"},
      {"limit=abc", "limit"},
      {"limit=-1", "limit"},
      {"limit=1.5", "limit"},
      {"limit=", "limit"},
      {"colour=red", "colour"},
      {"Limit=5", "Limit"},
      {"starting_after=bogus", "starting_after"},
      {"starting_after=shp_000000000000000", "starting_after"},  // well formed, unknown
      {"status=lost", "status"},
      {"carrier=ups", "carrier"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    auto r = env_->call("GET", "/v1/shipments?" + c.query, key_);
    expect_problem(r, 422, "validation-error");
    EXPECT_EQ(error_fields(r), std::set<std::string>{c.field});
  }
  auto several = env_->call("GET", "/v1/shipments?limit=0&colour=red&status=lost", key_);
  expect_problem(several, 422, "validation-error");
  EXPECT_EQ(error_fields(several), (std::set<std::string>{"limit", "colour", "status"}));
  for (const std::string ok : {"limit=1", "limit=100", "status=pending_confirmation",
                               "status=delivered", "carrier=colissimo", "reference=order-1"}) {
    SCOPED_TRACE(ok);
    auto r = env_->call("GET", "/v1/shipments?" + ok, key_);
    EXPECT_EQ(r.status, 200) << describe(r);
  }
}

}  // namespace
