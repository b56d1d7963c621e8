// Tracking by polling against real parcelgate + carrier-sim processes (on the store of the run:
// SQLite, or PostgreSQL when PARCELGATE_TEST_STORE says so): bought shipments are polled on
// schedule, their status follows the carrier's scans, polling stops once a status is final, and
// the carrier's request rate is never exceeded however much is due.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using pgtest::stack;

std::string status_of(stack& env, const std::string& key, const std::string& id) {
  auto r = env.call("GET", "/v1/shipments/" + id, key);
  if (r.status != 200) return "http " + std::to_string(r.status);
  return pgtest::string_at(pgtest::parse_object(r.body), "status");
}

std::string buy(stack& env, const std::string& key, const std::string& carrier,
                const std::string& idem) {
  auto r = env.call("POST", "/v1/shipments", key, pgtest::shipment_body(carrier, idem),
                    {{"Idempotency-Key", idem}});
  EXPECT_EQ(r.status, 201) << r.body;
  return pgtest::string_at(pgtest::parse_object(r.body), "id");
}

pgtest::stack_options polling(long sim_step_s) {
  pgtest::stack_options o;
  o.env = {"CARRIER_SIM_MONDIALRELAY_STEP_SECONDS=" + std::to_string(sim_step_s)};
  o.extra_config = "tracking: {first_poll_after_s: 0, poll_interval_s: 1}\n";
  return o;
}

TEST(tracking_poll, a_parcel_follows_its_scans_to_delivered_and_is_then_left_alone) {
  stack env(polling(1));
  const auto key = env.create_key("acme", "merchant");
  const auto id = buy(env, key, "mondialrelay", "poll-1");
  ASSERT_FALSE(id.empty());
  std::set<std::string> seen;
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  std::string status;
  while (std::chrono::steady_clock::now() < deadline) {
    status = status_of(env, key, id);
    seen.insert(status);
    if (status == "delivered") break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(status, "delivered") << env.gateway_log();
  // It went through intermediate scans on the way (the simulator moves one step a second).
  EXPECT_GE(seen.size(), 2u);
  auto metrics = env.call("GET", "/metrics", "").body;
  EXPECT_NE(metrics.find("parcelgate_tracking_polls_total{carrier=\"mondialrelay\",outcome="
                         "\"new_events\"}"),
            std::string::npos)
      << metrics;
  // Final: no more polls of it.
  const auto before = pgtest::sim_sales(env)["mondialrelay"].requests;
  std::this_thread::sleep_for(3s);
  EXPECT_LE(pgtest::sim_sales(env)["mondialrelay"].requests, before + 1);
  // Another tenant still cannot read it.
  const auto other = env.create_key("globex", "merchant");
  EXPECT_EQ(env.call("GET", "/v1/shipments/" + id, other).status, 404);
}

TEST(tracking_poll, the_carrier_rate_is_kept_however_much_is_due) {
  // The simulator never finishes the timeline within the test: every parcel stays due each
  // second, 15 a second in all, while Mondial Relay publishes no rate: the gateway keeps to its
  // default of 5 requests a second.
  stack env(polling(3600));
  const auto key = env.create_key("acme", "merchant");
  for (int i = 0; i < 15; ++i)
    ASSERT_FALSE(buy(env, key, "mondialrelay", "rate-" + std::to_string(i)).empty());
  const auto t0 = std::chrono::steady_clock::now();
  const auto c0 = pgtest::sim_sales(env)["mondialrelay"].requests;
  std::this_thread::sleep_for(4s);
  const auto c1 = pgtest::sim_sales(env)["mondialrelay"].requests;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(c1 - c0, 8u) << "polling must go on";
  EXPECT_LE(static_cast<double>(c1 - c0), 5 * seconds + 3)
      << (c1 - c0) << " requests in " << seconds << " s";
}

TEST(tracking_poll, a_failing_carrier_is_backed_off_then_polled_again) {
  // Parcels due every second, a carrier answering 503 to everything: the gateway pauses it
  // (1 s, 2 s, 4 s...) instead of asking 5 times a second, and resumes once it answers again.
  stack env(polling(3600));
  const auto key = env.create_key("acme", "merchant");
  for (int i = 0; i < 5; ++i)
    ASSERT_FALSE(buy(env, key, "mondialrelay", "fail-" + std::to_string(i)).empty());
  ASSERT_EQ(env.sim("POST", "/_sim/faults", R"({"fail_rate": 1})").status, 200);
  std::this_thread::sleep_for(1s);
  const auto c0 = pgtest::sim_sales(env)["mondialrelay"].requests;
  std::this_thread::sleep_for(7s);
  const auto failing = pgtest::sim_sales(env)["mondialrelay"].requests - c0;
  EXPECT_LE(failing, 6u) << "a failing carrier was not backed off: " << failing
                         << " requests in 7 s";
  auto metrics = env.call("GET", "/metrics", "").body;
  EXPECT_NE(metrics.find("parcelgate_tracking_poll_requests_total{carrier=\"mondialrelay\","
                         "outcome=\"failed\"}"),
            std::string::npos);
  ASSERT_EQ(env.sim("POST", "/_sim/faults", R"({"fail_rate": 0})").status, 200);
  // The pause ends (at most 8 s at this point) and the parcels put back are due again.
  const auto c1 = pgtest::sim_sales(env)["mondialrelay"].requests;
  EXPECT_TRUE(pgtest::eventually(
      [&] { return pgtest::sim_sales(env)["mondialrelay"].requests >= c1 + 5; }, 30s))
      << "polling did not resume";
}

TEST(tracking_poll, carriers_that_do_not_push_have_no_push_endpoint) {
  stack env;
  const std::string body = R"({"event":"x"})";
  auto r = env.call("POST", "/v1/carriers/colissimo/events?token=x", "", body);
  pgtest::expect_problem(r, 404);
  r = env.call("POST", "/v1/carriers/nope/events", "", body);
  pgtest::expect_problem(r, 404);
  r = env.call("GET", "/v1/carriers/colissimo/events", "");
  pgtest::expect_problem(r, 404);
}

}  // namespace
