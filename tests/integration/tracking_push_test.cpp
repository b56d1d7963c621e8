// Carrier pushes (POST /v1/carriers/{carrier}/events) against real parcelgate + carrier-sim
// processes, on the store of the run: InPost's webhooks authenticated by its push token, recorded
// durably before the 202, replays recorded once, processed asynchronously into the parcel's
// timeline, unreadable pushes kept and marked, and a push acknowledged just before a kill -9
// applied after the restart.

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using pgtest::stack;

constexpr const char* kInpostConfig =
    "  inpost: {base_url: \"{sim_url}/inpost\", token: \"sandbox-inpost-token\", "
    "organization_id: \"6183\", push_token: \"push-secret\", timeout_s: 15}\n";

std::string locker_body(const std::string& reference) {
  return R"({"reference": ")" + reference + R"(", "carrier": "inpost", "service": "locker",
  "pickup_point_id": "inpost:PL:KRA012",
  "from": {"name": "Piotr Zielinski", "line1": "ul. Florianska 12", "city": "Krakow",
           "postal_code": "31-021", "country": "PL", "phone": "+48123456789", "email": "w@sklep.example.pl"},
  "to": {"name": "Anna Nowak", "line1": "ul. Dluga 5", "city": "Warszawa", "postal_code": "00-238", "country": "PL",
         "phone": "+48600123456", "email": "anna.nowak@example.pl"},
  "parcels": [{"weight_g": 2400, "dimensions_mm": {"length": 300, "width": 150, "height": 120}}],
  "label": {"format": "pdf", "size": "a6"}})";
}

std::string status_push(const std::string& tracking_number, const std::string& status,
                        const std::string& at) {
  return R"({"event_ts":")" + at +
         R"(","event":"shipment_status_changed","organization_id":6183,"payload":{"shipment_id":1600000001,"tracking_number":")" +
         tracking_number + R"(","status":")" + status + R"(","return_tracking_number":null}})";
}

class tracking_push : public ::testing::Test {
 protected:
  void SetUp() override {
    pgtest::stack_options o;
    o.extra_config = kInpostConfig;
    o.env = {"CARRIER_SIM_INPOST_CONFIRM_MS=100", "CARRIER_SIM_INPOST_STAGE_SECONDS=3600"};
    env_ = std::make_unique<stack>(o);
    key_ = env_->create_key("acme", "merchant");
  }

  // Buys a locker label; returns {id, tracking number}.
  std::pair<std::string, std::string> buy(const std::string& idem) {
    auto r =
        env_->call("POST", "/v1/shipments", key_, locker_body(idem), {{"Idempotency-Key", idem}});
    EXPECT_EQ(r.status, 201) << r.body;
    auto o = pgtest::parse_object(r.body);
    return {pgtest::string_at(o, "id"), pgtest::string_at(o, "tracking_number")};
  }

  std::string status_of(const std::string& id) {
    auto r = env_->call("GET", "/v1/shipments/" + id, key_);
    return r.status == 200 ? pgtest::string_at(pgtest::parse_object(r.body), "status")
                           : "http " + std::to_string(r.status);
  }

  bool becomes(const std::string& id, const std::string& status) {
    return pgtest::eventually([&] { return status_of(id) == status; }, 10s);
  }

  std::unique_ptr<stack> env_;
  std::string key_;
};

TEST_F(tracking_push, only_the_carriers_push_token_opens_the_endpoint) {
  const auto [id, number] = buy("auth-1");
  const auto body =
      status_push(number, "adopted_at_sorting_center", "2026-12-01T10:00:00.000+01:00");
  for (const auto& target : {std::string("/v1/carriers/inpost/events"),
                             std::string("/v1/carriers/inpost/events?token=wrong"),
                             std::string("/v1/carriers/inpost/events?token=push-secre"),
                             std::string("/v1/carriers/inpost/events?token=push-secret0")}) {
    SCOPED_TRACE(target);
    auto r = env_->call("POST", target, "", body);
    pgtest::expect_problem(r, 401, "unauthorized");
    EXPECT_TRUE(r.header("www-authenticate").starts_with("Bearer")) << r.header("www-authenticate");
  }
  // An API key is not the carrier's token.
  pgtest::expect_problem(env_->call("POST", "/v1/carriers/inpost/events", key_, body), 401);
  pgtest::expect_problem(env_->call("GET", "/v1/carriers/inpost/events", ""), 401);
  EXPECT_EQ(status_of(id), "label_created") << "a refused push changed the parcel";
  // InPost's endpoint check, then a push with the token as a bearer.
  auto check = env_->call("GET", "/v1/carriers/inpost/events?token=push-secret", "");
  EXPECT_EQ(check.status, 200) << check.body;
  auto ok = env_->call("POST", "/v1/carriers/inpost/events", "", body,
                       {{"Authorization", "Bearer push-secret"}});
  EXPECT_EQ(ok.status, 202) << ok.body;
  EXPECT_TRUE(becomes(id, "in_transit"));
}

TEST_F(tracking_push, a_push_is_applied_once_however_often_it_is_sent) {
  const auto [id, number] = buy("once-1");
  // Read (and cached) before the scans: the view follows them all the same.
  const auto tracking = [&, n = number] {
    auto r = env_->call("GET", "/v1/tracking/" + n, key_);
    return r.status == 200 ? pgtest::string_at(pgtest::parse_object(r.body), "status")
                           : "http " + std::to_string(r.status);
  };
  ASSERT_EQ(tracking(), "label_created");
  ASSERT_EQ(tracking(), "label_created");
  const auto body =
      status_push(number, "adopted_at_sorting_center", "2026-12-01T10:00:00.000+01:00");
  auto first = env_->call("POST", "/v1/carriers/inpost/events?token=push-secret", "", body);
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(first.body), "status"), "recorded");
  auto again = env_->call("POST", "/v1/carriers/inpost/events?token=push-secret", "", body);
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(again.body), "status"), "already_recorded");
  ASSERT_TRUE(becomes(id, "in_transit"));
  EXPECT_EQ(tracking(), "in_transit");
  // Later scans move it on; an older one arriving late does not move it back.
  ASSERT_EQ(env_->call("POST", "/v1/carriers/inpost/events?token=push-secret", "",
                       status_push(number, "ready_to_pickup", "2026-12-02T09:00:00.000+01:00"))
                .status,
            202);
  ASSERT_TRUE(becomes(id, "available_for_pickup"));
  ASSERT_EQ(
      env_->call("POST", "/v1/carriers/inpost/events?token=push-secret", "",
                 status_push(number, "sent_from_sorting_center", "2026-12-01T18:00:00.000+01:00"))
          .status,
      202);
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(status_of(id), "available_for_pickup");
  EXPECT_EQ(tracking(), "available_for_pickup");
  auto metrics = env_->call("GET", "/metrics", "").body;
  EXPECT_NE(
      metrics.find("parcelgate_carrier_pushes_total{carrier=\"inpost\",outcome=\"replay\"} 1"),
      std::string::npos)
      << metrics;
}

TEST_F(tracking_push, bad_pushes_are_answered_and_kept_without_harm) {
  const auto [id, number] = buy("bad-1");
  // Not UTF-8 text: refused before it is recorded.
  pgtest::expect_problem(env_->call("POST", "/v1/carriers/inpost/events?token=push-secret", "",
                                    std::string("{\"event\":\"\xff\xfe\"}")),
                         422, "validation-error");
  pgtest::expect_problem(env_->call("POST", "/v1/carriers/inpost/events?token=push-secret", "", ""),
                         422);
  // Readable text the adapter cannot read: recorded (the carrier gets its 2xx and stops
  // resending), then kept as failed for an operator.
  auto odd = env_->call("POST", "/v1/carriers/inpost/events?token=push-secret", "",
                        R"({"event":"shipment_status_changed","payload":{}})");
  EXPECT_EQ(odd.status, 202) << odd.body;
  // A scan of a parcel this gateway never sold: processed, attached to nothing.
  auto stranger = env_->call(
      "POST", "/v1/carriers/inpost/events?token=push-secret", "",
      status_push("999999999999999999999999", "delivered", "2026-12-01T10:00:00.000+01:00"));
  EXPECT_EQ(stranger.status, 202) << stranger.body;
  const bool counted = pgtest::eventually(
      [&] {
        auto m = env_->call("GET", "/metrics", "").body;
        return m.find(
                   "parcelgate_carrier_pushes_processed_total{carrier=\"inpost\",outcome="
                   "\"unreadable\"} 1") != std::string::npos &&
               m.find(
                   "parcelgate_carrier_pushes_processed_total{carrier=\"inpost\",outcome="
                   "\"processed\"} 1") != std::string::npos;
      },
      10s);
  EXPECT_TRUE(counted) << env_->call("GET", "/metrics", "").body;
  EXPECT_EQ(status_of(id), "label_created");
  // The endpoint of a carrier that does not push, and an unknown one.
  pgtest::expect_problem(env_->call("POST", "/v1/carriers/colissimo/events?token=push-secret", "",
                                    status_push(number, "delivered", "2026-12-01T10:00:00Z")),
                         404);
}

TEST_F(tracking_push, a_push_acknowledged_before_a_kill_9_is_applied_after_the_restart) {
  const auto [id, number] = buy("crash-1");
  auto r = env_->call("POST", "/v1/carriers/inpost/events?token=push-secret", "",
                      status_push(number, "out_for_delivery", "2026-12-02T08:00:00.000+01:00"));
  ASSERT_EQ(r.status, 202) << r.body;
  env_->kill_gateway(SIGKILL);  // before or after its processing: either way it must land
  env_->start_gateway();
  EXPECT_TRUE(becomes(id, "out_for_delivery")) << env_->gateway_log();
}

}  // namespace
