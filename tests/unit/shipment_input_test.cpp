#include "gateway/domain/shipment_input.hpp"

#include <gtest/gtest.h>

namespace parcelgate {
namespace {

const std::vector<std::string> kCarriers{"colissimo", "mondialrelay"};

std::string body(std::string_view overrides = "") {
  std::string b = R"({"carrier":"colissimo","service":"home",
    "from":{"name":"A","line1":"1 rue A","city":"Paris","postal_code":"75001","country":"FR"},
    "to":{"name":"B","line1":"2 rue B","city":"Lyon","postal_code":"69001","country":"FR"},
    "parcels":[{"weight_g":500}])";
  b += overrides;
  b += "}";
  return b;
}

bool has(const shipment_input& in, std::string_view field, std::string_view text = {}) {
  for (const auto& e : in.errors)
    if (e.field == field && e.message.find(text) != std::string::npos) return true;
  return false;
}

TEST(shipment_input, valid_body_parses_with_defaults) {
  auto in = parse_shipment_input(body(), kCarriers);
  ASSERT_FALSE(in.malformed);
  EXPECT_TRUE(in.errors.empty()) << in.errors.front().field;
  EXPECT_EQ(in.carrier, "colissimo");
  EXPECT_EQ(in.request.service, service_level::home);
  EXPECT_EQ(in.request.dir, direction::outbound);
  EXPECT_EQ(in.request.format, label_format::pdf);
  EXPECT_EQ(in.request.size, label_size::a6);
  ASSERT_EQ(in.request.parcels.size(), 1u);
  EXPECT_EQ(in.request.parcels[0].weight_g, 500);
  EXPECT_EQ(in.canonical_json.find('\n'), std::string::npos);
}

TEST(shipment_input, every_field_error_is_reported_at_once) {
  auto in = parse_shipment_input(R"({"carrier":"dhl","service":"teleport","colour":"red",
      "from":{"name":"","line1":"x","city":"y","postal_code":"1","country":"XX"},
      "to":{"name":"B","line1":"2","city":"L","postal_code":"69001","country":"fr","phone":"call me"},
      "parcels":[{"weight_g":-5,"dimensions_mm":{"length":0,"width":10}},{"weight_g":1.5},"x"],
      "label":{"format":"gif","size":"a3"}})",
                                 kCarriers);
  EXPECT_TRUE(has(in, "carrier", "unknown carrier"));
  EXPECT_TRUE(has(in, "service"));
  EXPECT_TRUE(has(in, "colour", "unknown field"));
  EXPECT_TRUE(has(in, "from.name", "empty"));
  EXPECT_TRUE(has(in, "from.country", "ISO 3166-1"));
  EXPECT_TRUE(has(in, "to.country", "ISO 3166-1"));
  EXPECT_TRUE(has(in, "to.phone"));
  EXPECT_TRUE(has(in, "parcels[0].weight_g", "between"));
  EXPECT_TRUE(has(in, "parcels[0].dimensions_mm.length"));
  EXPECT_TRUE(has(in, "parcels[0].dimensions_mm.height", "required"));
  EXPECT_TRUE(has(in, "parcels[1].weight_g", "whole number"));
  EXPECT_TRUE(has(in, "parcels[2]", "object"));
  EXPECT_TRUE(has(in, "label.format"));
  EXPECT_TRUE(has(in, "label.size"));
  EXPECT_GE(in.errors.size(), 14u);
}

std::string with_service(std::string_view service, std::string_view extra = "") {
  std::string b = body(extra);
  b.replace(b.find("\"home\""), 6, "\"" + std::string(service) + "\"");
  return b;
}

TEST(shipment_input, pickup_point_service_requires_a_point_of_the_same_carrier) {
  EXPECT_TRUE(has(parse_shipment_input(with_service("pickup_point"), kCarriers), "pickup_point_id",
                  "required"));
  auto wrong = parse_shipment_input(
      with_service("pickup_point", R"(,"pickup_point_id":"mondialrelay:FR:020230")"), kCarriers);
  EXPECT_TRUE(has(wrong, "pickup_point_id", "belongs to mondialrelay"));
  auto bad =
      parse_shipment_input(with_service("locker", R"(,"pickup_point_id":"020230")"), kCarriers);
  EXPECT_TRUE(has(bad, "pickup_point_id", "must look like"));
  auto ok = parse_shipment_input(
      with_service("pickup_point", R"(,"pickup_point_id":"colissimo:FR:123456")"), kCarriers);
  EXPECT_TRUE(ok.errors.empty());
  EXPECT_EQ(ok.request.pickup_point_id, "123456");
  EXPECT_EQ(ok.request.pickup_point_country, "FR");
}

TEST(shipment_input, point_is_refused_for_home_delivery) {
  auto in = parse_shipment_input(body(R"(,"pickup_point_id":"colissimo:FR:123456")"), kCarriers);
  EXPECT_TRUE(has(in, "pickup_point_id", "only allowed"));
}

TEST(shipment_input, malformed_json_and_non_objects_are_flagged) {
  EXPECT_TRUE(parse_shipment_input("{not json", kCarriers).malformed);
  EXPECT_TRUE(parse_shipment_input("[1,2]", kCarriers).malformed);
  EXPECT_TRUE(parse_shipment_input("", kCarriers).malformed);
}

TEST(shipment_input, too_deep_json_is_malformed_not_a_crash) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_TRUE(parse_shipment_input(deep, kCarriers).malformed);
}

TEST(shipment_input, selection_only_with_auto) {
  auto in = parse_shipment_input(body(R"(,"selection":"cheapest")"), kCarriers);
  EXPECT_TRUE(has(in, "selection", "only allowed with carrier auto"));
}

TEST(shipment_input, parcel_count_is_bounded) {
  std::string parcels = "[";
  for (int i = 0; i <= kMaxParcels; ++i)
    parcels += std::string(i ? "," : "") + R"({"weight_g":100})";
  parcels += "]";
  std::string b = body();
  b.replace(b.find("[{\"weight_g\":500}]"), 18, parcels);
  EXPECT_TRUE(has(parse_shipment_input(b, kCarriers), "parcels", "at most"));
}

TEST(shipment_input, same_body_with_other_whitespace_has_the_same_canonical_form) {
  auto a = parse_shipment_input(body(), kCarriers);
  std::string spaced = body();
  for (std::size_t i = 0; (i = spaced.find(',', i)) != std::string::npos; i += 3)
    spaced.replace(i, 1, " , ");
  auto b = parse_shipment_input(spaced, kCarriers);
  EXPECT_EQ(a.canonical_json, b.canonical_json);
}

TEST(shipment_input, same_fields_in_another_order_have_the_same_canonical_form) {
  auto a = parse_shipment_input(
      R"({"carrier":"colissimo","service":"home","parcels":[{"weight_g":500,"length_mm":300}],
          "from":{"name":"A","line1":"1 rue X","city":"Paris","postal_code":"75001","country":"FR"},
          "to":{"name":"B","line1":"2 rue Y","city":"Lyon","postal_code":"69001","country":"FR"}})",
      kCarriers);
  auto b = parse_shipment_input(
      R"({"to":{"country":"FR","postal_code":"69001","city":"Lyon","line1":"2 rue Y","name":"B"},
          "parcels":[{"length_mm":300,"weight_g":500}],"service":"home",
          "from":{"country":"FR","name":"A","city":"Paris","line1":"1 rue X","postal_code":"75001"},"carrier":"colissimo"})",
      kCarriers);
  ASSERT_FALSE(a.malformed);
  EXPECT_EQ(a.canonical_json, b.canonical_json);
  EXPECT_EQ(a.canonical_json.find("{\"carrier\":\"colissimo\",\"from\":{\"city\""), 0u)
      << a.canonical_json;
  // Order inside arrays is data: two parcels swapped are another request.
  auto c = parse_shipment_input(body(), kCarriers);
  std::string two = body();
  two.replace(two.find("[{\"weight_g\":500}]"), 18, R"([{"weight_g":500},{"weight_g":700}])");
  std::string swapped = body();
  swapped.replace(swapped.find("[{\"weight_g\":500}]"), 18,
                  R"([{"weight_g":700},{"weight_g":500}])");
  EXPECT_NE(parse_shipment_input(two, kCarriers).canonical_json,
            parse_shipment_input(swapped, kCarriers).canonical_json);
  EXPECT_NE(c.canonical_json, parse_shipment_input(two, kCarriers).canonical_json);
}

}  // namespace
}  // namespace parcelgate
