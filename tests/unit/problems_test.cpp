// api/problems.cpp: each purchase outcome and domain error becomes one HTTP answer.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateway/api/problems.hpp"

namespace parcelgate::api {
namespace {

using kind = purchase_outcome::kind;

// Built field by field: g++ 12 warns (maybe-uninitialized) on designated temporaries of it.
purchase_outcome outcome(kind what, std::string shipment_id = {}, std::string body = {},
                         stored_answer answer = {}, error cause = {}) {
  purchase_outcome o;
  o.what = what;
  o.shipment_id = std::move(shipment_id);
  o.body = std::move(body);
  o.answer = std::move(answer);
  o.cause = std::move(cause);
  return o;
}

boost::json::object body_of(const http::response& r) {
  return boost::json::parse(r.body).as_object();
}

TEST(problems, a_created_purchase_is_a_201_with_its_location) {
  auto res = purchase_response(outcome(kind::created, "shp_abc", R"({"id":"shp_abc"})"), "req_1");
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.header("Location"), "/v1/shipments/shp_abc");
  EXPECT_EQ(res.header("Idempotent-Replayed"), "");
  EXPECT_EQ(res.body, R"({"id":"shp_abc"})");
}

TEST(problems, a_replay_sends_the_stored_answer_marked_replayed) {
  auto ok = purchase_response(
      outcome(kind::replayed, {}, {}, {.status = 201, .body = R"({"id":"shp_xyz"})"}), "req_2");
  EXPECT_EQ(ok.status, 201);
  EXPECT_EQ(ok.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(ok.header("Location"), "/v1/shipments/shp_xyz");
  EXPECT_EQ(ok.header("Content-Type"), "application/json");
  auto pending = purchase_response(
      outcome(kind::replayed, {}, {}, {.status = 504, .body = R"({"status":504})"}), "r");
  EXPECT_EQ(pending.status, 504);
  EXPECT_EQ(pending.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(pending.header("Location"), "");
}

TEST(problems, key_conflicts_are_409_with_retry_after_and_422) {
  auto busy = purchase_response(outcome(kind::in_progress), "req_3");
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(busy.header("Retry-After"), "1");
  EXPECT_EQ(body_of(busy).at("type").as_string(), "/problems/idempotency-key-in-use");
  EXPECT_EQ(body_of(busy).at("request_id").as_string(), "req_3");
  auto reused = purchase_response(outcome(kind::key_reused), "req_4");
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(body_of(reused).at("type").as_string(), "/problems/idempotency-key-reused");
}

TEST(problems, a_refusal_maps_the_carrier_error_and_its_retry_after) {
  error busy{.kind = error_kind::unavailable,
             .message = "busy",
             .carrier = "colissimo",
             .carrier_code = "40015",
             .retry_after_s = 7,
             .sale = sale_outcome::not_sold};
  auto res = purchase_response(outcome(kind::refused, {}, {}, {}, busy), "req_5");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.header("Retry-After"), "7");
  auto b = body_of(res);
  EXPECT_EQ(b.at("type").as_string(), "/problems/carrier-unavailable");
  EXPECT_EQ(b.at("carrier").at("code").as_string(), "40015");
  // The store away (no carrier named) is not the carrier's outage.
  auto db_away =
      purchase_response(outcome(kind::failed, {}, {}, {},
                                error{.kind = error_kind::unavailable,
                                      .message = "the database is unavailable; retry shortly",
                                      .carrier_code = "postgresql 57P01",
                                      .retry_after_s = 1}),
                        "req_7");
  EXPECT_EQ(db_away.status, 503);
  EXPECT_EQ(db_away.header("Retry-After"), "1");
  EXPECT_EQ(body_of(db_away).at("type").as_string(), "/problems/service-unavailable");
  EXPECT_FALSE(body_of(db_away).contains("carrier"));
  auto store_failed =
      purchase_response(outcome(kind::failed, {}, {}, {},
                                error{.kind = error_kind::internal, .message = "disk full /var/x"}),
                        "req_6");
  EXPECT_EQ(store_failed.status, 500);
  EXPECT_EQ(store_failed.body.find("/var/x"), std::string::npos);  // internals stay in the log
}

TEST(problems, an_unknown_outcome_is_504_after_a_timeout_and_502_otherwise_naming_the_shipment) {
  const problem_answers answers;
  auto timeout = answers.outcome_unknown(
      "shp_t", error{.kind = error_kind::timeout, .message = "no answer"}, "req_7");
  EXPECT_EQ(timeout.status, 504);
  auto t = boost::json::parse(timeout.body).as_object();
  EXPECT_EQ(t.at("status").as_int64(), 504);
  EXPECT_EQ(t.at("type").as_string(), "/problems/purchase-outcome-unknown");
  EXPECT_EQ(t.at("shipment_id").as_string(), "shp_t");
  auto proxy = answers.outcome_unknown(
      "shp_p", error{.kind = error_kind::unavailable, .message = "HTTP 502"}, "req_8");
  EXPECT_EQ(proxy.status, 502);
  const auto p = boost::json::parse(proxy.body).as_object();
  EXPECT_EQ(p.at("status").as_int64(), 502);
  EXPECT_EQ(p.at("shipment_id").as_string(), "shp_p");
  auto res = purchase_response(outcome(kind::outcome_unknown, "shp_p", {}, proxy), "req_8");
  EXPECT_EQ(res.status, 502);
  EXPECT_EQ(res.header("Retry-After"), "");  // retrying cannot help: the key is finished
  EXPECT_EQ(answers.created("{}").status, 201);
}

TEST(problems, every_error_kind_has_its_status) {
  const std::pair<error_kind, int> expected[] = {
      {error_kind::invalid_request, 422}, {error_kind::unsupported, 422},
      {error_kind::rejected, 422},        {error_kind::auth_failed, 502},
      {error_kind::bad_gateway, 502},     {error_kind::not_found, 404},
      {error_kind::conflict, 409},        {error_kind::rate_limited, 503},
      {error_kind::unavailable, 503},     {error_kind::timeout, 504},
      {error_kind::internal, 500}};
  for (auto [k, status] : expected) {
    EXPECT_EQ(status_for(k), status) << to_string(k);
    EXPECT_EQ(error_response(error{.kind = k, .message = "m"}, "r").status, status) << to_string(k);
  }
}

TEST(problems, request_chain_refusals) {
  auto unauth = unauthenticated("r", auth_failure::not_bearer);
  EXPECT_EQ(unauth.status, 401);
  EXPECT_EQ(unauth.header("WWW-Authenticate"), "Bearer realm=\"parcelgate\"");
  EXPECT_NE(unauth.body.find("Bearer scheme"), std::string::npos);
  EXPECT_EQ(unauthenticated("r", auth_failure::storage).status, 503);
  auto wrong_method = method_not_allowed("r", "PUT", "GET, HEAD");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("Allow"), "GET, HEAD");
  EXPECT_EQ(rate_limited("r", 3).header("Retry-After"), "3");
  auto refused = server_refusal(431, "headers too large");
  EXPECT_EQ(refused.status, 431);
  EXPECT_EQ(refused.header("Connection"), "close");
  EXPECT_FALSE(refused.header("X-Request-Id").empty());
}

}  // namespace
}  // namespace parcelgate::api
