#include "gateway/api/router.hpp"

#include <gtest/gtest.h>

namespace parcelgate::api {
namespace {

boost::asio::awaitable<http::response> noop(context&) {
  co_return http::response::json(200, "{}");
}

TEST(router, matches_parameters_and_reports_allowed_methods) {
  router r;
  r.add("GET", "/v1/shipments/{id}", merchant, "read", noop);
  r.add("GET", "/v1/shipments/{id}/label", merchant, "label", noop);
  r.add("POST", "/v1/shipments/{id}/cancel", merchant, "cancel", noop);
  std::vector<std::pair<std::string_view, std::string>> params;
  auto m = r.match("GET", "/v1/shipments/shp_1/label", params);
  ASSERT_NE(m.found, nullptr);
  EXPECT_EQ(m.found->pattern, "/v1/shipments/{id}/label");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].first, "id");
  EXPECT_EQ(params[0].second, "shp_1");

  auto wrong = r.match("GET", "/v1/shipments/shp_1/cancel", params);
  EXPECT_EQ(wrong.found, nullptr);
  EXPECT_TRUE(wrong.path_exists);
  EXPECT_EQ(wrong.allowed, "POST");

  EXPECT_FALSE(r.match("GET", "/v1/shipments/shp_1/", params).path_exists);
  EXPECT_FALSE(r.match("GET", "/v1/nothing", params).path_exists);
}

TEST(router, roles_are_bits) {
  EXPECT_EQ(role_bit(store::role::merchant) & (merchant | ops), merchant);
  EXPECT_EQ(role_bit(store::role::point) & (merchant | ops), 0u);
}

}  // namespace
}  // namespace parcelgate::api
