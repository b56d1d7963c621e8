// Carrier pickups through the API (docs/pickups.md): a real gateway and carrier-sim, InPost
// dispatch orders and Colissimo mailbox pickups, merchants' webhooks received by a small HTTP
// server in this process. Run on both stores (tools/test.sh runs the suite again with
// PARCELGATE_TEST_STORE=postgresql).

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>

#include "harness.hpp"
#include "hook_sink.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using pgtest::describe;
using pgtest::error_fields;
using pgtest::expect_problem;
using pgtest::local_date;
using pgtest::parse_object;
using pgtest::pickup_body;
using pgtest::response;
using pgtest::stack;
using pgtest::string_at;
namespace json = boost::json;

class pickups : public ::testing::Test {
 protected:
  void SetUp() override {
    pgtest::stack_options o;
    o.extra_config = std::string(pgtest::kInpostCarrierConfig) +
                     "webhooks: {allow_private_targets: true, retry_base_ms: 200, retry_max_ms: "
                     "400, poll_ms: 50, timeout_ms: 3000}\n";
    o.env = {"CARRIER_SIM_STEP_SECONDS=manual"};
    env_ = std::make_unique<stack>(o);
    acme_ = env_->create_key("acme", "merchant");
    globex_ = env_->create_key("globex", "merchant");
    ops_ = env_->create_key("ops-team", "ops");
  }

  std::string buy(const std::string& key, const std::string& body, const std::string& idem) {
    auto r = env_->call("POST", "/v1/shipments", key, body, {{"Idempotency-Key", idem}});
    EXPECT_EQ(r.status, 201) << describe(r);
    return r.status == 201 ? string_at(parse_object(r.body), "id") : std::string();
  }
  response book(const std::string& key, const std::string& body, const std::string& idem) {
    return env_->call("POST", "/v1/pickups", key, body, {{"Idempotency-Key", idem}});
  }

  std::unique_ptr<stack> env_;
  std::string acme_, globex_, ops_;
};

TEST_F(pickups, an_inpost_pickup_is_booked_replayed_read_cancelled_and_announced) {
  pgtest::hook_sink hooks;
  auto hook = env_->call(
      "POST", "/v1/webhooks", acme_,
      R"({"url": ")" + hooks.url() + R"(", "events": ["pickup.scheduled", "pickup.cancelled"]})");
  ASSERT_EQ(hook.status, 201) << describe(hook);
  const auto a = buy(acme_, pgtest::shipment_body("inpost", "pl-1"), "buy-pl-1");
  const auto b = buy(acme_, pgtest::shipment_body("inpost", "pl-2"), "buy-pl-2");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  // InPost confirms a shipment (and serves its label) before it can be dispatched.
  const auto today = local_date("Europe/Warsaw", 0);
  const auto body = pickup_body("inpost", today, {a, b},
                                R"(, "window": {"from": "10:00", "to": "16:00"},
                                   "instructions": "Gate code 4711")");
  auto r = book(acme_, body, "pickup-1");
  ASSERT_EQ(r.status, 201) << describe(r) << env_->gateway_log();
  auto p = parse_object(r.body);
  const auto id = string_at(p, "id");
  EXPECT_TRUE(id.starts_with("pck_")) << r.body;
  EXPECT_EQ(r.header("location"), "/v1/pickups/" + id);
  EXPECT_EQ(string_at(p, "object"), "pickup");
  EXPECT_EQ(string_at(p, "status"), "scheduled");
  EXPECT_EQ(string_at(p, "carrier"), "inpost");
  EXPECT_FALSE(string_at(p, "confirmation").empty()) << r.body;
  EXPECT_EQ(string_at(p, "date"), today);
  EXPECT_EQ(string_at(p.at("window").as_object(), "from"), "10:00");
  EXPECT_EQ(p.at("shipment_ids").as_array().size(), 2u);
  EXPECT_EQ(p.at("parcel_count").as_int64(), 2);
  EXPECT_EQ(string_at(p, "instructions"), "Gate code 4711");
  EXPECT_EQ(string_at(p.at("address").as_object(), "city"), "Krakow");

  // The same key and body: the same answer, nothing booked again.
  auto again = book(acme_, body, "pickup-1");
  ASSERT_EQ(again.status, 201) << describe(again);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(string_at(parse_object(again.body), "id"), id);
  // The same key with another body is refused.
  expect_problem(book(acme_, pickup_body("inpost", today, {a}), "pickup-1"), 422,
                 "idempotency-key-reused");
  // Another pickup of a shipment already in one: 409 naming it, nothing booked.
  auto twice = book(acme_, pickup_body("inpost", today, {b}), "pickup-2");
  expect_problem(twice, 409);
  EXPECT_EQ(error_fields(twice), std::set<std::string>{"shipment_ids[0]"}) << twice.body;

  auto read = env_->call("GET", "/v1/pickups/" + id, acme_);
  ASSERT_EQ(read.status, 200) << describe(read);
  EXPECT_EQ(string_at(parse_object(read.body), "status"), "scheduled");
  EXPECT_EQ(env_->call("GET", "/v1/pickups/" + id, ops_).status, 200);
  expect_problem(env_->call("GET", "/v1/pickups/" + id, globex_), 404, "not-found");
  expect_problem(env_->call("POST", "/v1/pickups/" + id + "/cancel", globex_), 404, "not-found");
  expect_problem(env_->call("GET", "/v1/pickups/pck_000000000000000", acme_), 404, "not-found");

  auto cancelled = env_->call("POST", "/v1/pickups/" + id + "/cancel", acme_);
  ASSERT_EQ(cancelled.status, 200) << describe(cancelled);
  EXPECT_EQ(string_at(parse_object(cancelled.body), "status"), "cancelled");
  auto cancelled_again = env_->call("POST", "/v1/pickups/" + id + "/cancel", acme_);
  ASSERT_EQ(cancelled_again.status, 200) << describe(cancelled_again);
  // The simulator's dispatch order is canceled too.
  const auto confirmation = string_at(p, "confirmation");
  auto order =
      pgtest::request(env_->sim_url(), "GET", "/inpost/v1/dispatch_orders/" + confirmation, {},
                      {{"Authorization", "Bearer sandbox-inpost-token"}}, env_->ca_file());
  ASSERT_EQ(order.status, 200) << describe(order);
  EXPECT_EQ(string_at(parse_object(order.body), "status"), "canceled");

  // Its shipments are free for another pickup.
  auto rebooked = book(acme_, pickup_body("inpost", today, {b}), "pickup-3");
  ASSERT_EQ(rebooked.status, 201) << describe(rebooked);

  ASSERT_TRUE(pgtest::eventually(
      [&] {
        return hooks.events("pickup.scheduled").size() == 2 &&
               hooks.events("pickup.cancelled").size() == 1;
      },
      10s))
      << env_->gateway_log();
  const auto scheduled = hooks.events("pickup.scheduled");
  EXPECT_EQ(string_at(scheduled[0].at("data").as_object(), "id"), id);
  EXPECT_EQ(string_at(scheduled[0].at("data").as_object(), "status"), "scheduled");
  const auto gone = hooks.events("pickup.cancelled");
  EXPECT_EQ(string_at(gone[0].at("data").as_object(), "status"), "cancelled");
}

TEST_F(pickups, every_problem_of_a_request_is_named_and_nothing_is_booked) {
  const auto a = buy(acme_, pgtest::shipment_body("inpost", "pl-3"), "buy-pl-3");
  const auto theirs = buy(globex_, pgtest::shipment_body("inpost", "pl-4"), "buy-pl-4");
  const auto colissimo = buy(acme_, pgtest::shipment_body("colissimo", "fr-1"), "buy-fr-1");
  const auto today = local_date("Europe/Warsaw", 0);

  expect_problem(env_->call("POST", "/v1/pickups", acme_, pickup_body("inpost", today, {a})), 400,
                 "idempotency-key-required");
  expect_problem(env_->call("POST", "/v1/pickups", acme_, "{", {{"Idempotency-Key", "k-1"}}), 400,
                 "malformed-json");
  expect_problem(env_->call("POST", "/v1/pickups", acme_, pickup_body("inpost", today, {a}),
                            {{"Idempotency-Key", "k-1"}, {"Content-Type", "text/plain"}}),
                 415);

  struct bad_case {
    std::string body;
    std::set<std::string> fields;
  };
  const std::vector<bad_case> cases = {
      {pickup_body("mondialrelay", today, {a}), {"carrier"}},
      {pickup_body("inpost", local_date("Europe/Warsaw", -1), {a}), {"date"}},
      {pickup_body("inpost", local_date("Europe/Warsaw", 5), {a}), {"date"}},
      {pickup_body("inpost", "2026-02-30", {a}), {"date"}},
      {pickup_body("inpost", today, {a}, R"(, "window": {"from": "16:00", "to": "10:00"})"),
       {"window.to"}},
      {pickup_body("inpost", today, {a}, R"(, "window": {"from": "9h", "to": "10:00"})"),
       {"window.from"}},
      {pickup_body("inpost", today, {a, a}), {"shipment_ids[1]"}},
      {pickup_body("inpost", today, {theirs}), {"shipment_ids[0]"}},
      {pickup_body("inpost", today, {colissimo}), {"shipment_ids[0]"}},
      {pickup_body("inpost", today, {a}, R"(, "parcel_count": 2)"), {"parcel_count"}},
      {pickup_body("inpost", today, {a}, R"(, "driver": "Jan")"), {"driver"}},
      {R"({"carrier": "inpost", "date": ")" + today + R"("})", {"address", "shipment_ids"}},
  };
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    auto r = book(acme_, c.body, "bad-" + std::to_string(n++));
    expect_problem(r, 422);
    EXPECT_EQ(error_fields(r), c.fields) << r.body;
  }
  // None reached InPost: the parcel is still free for a real booking, with a refused key again.
  auto ok = book(acme_, pickup_body("inpost", today, {a}), "bad-0");
  EXPECT_EQ(ok.status, 201) << describe(ok);
}

TEST_F(pickups, a_carrier_refusal_frees_the_key_and_an_unknown_outcome_never_books_twice) {
  const auto a = buy(acme_, pgtest::shipment_body("inpost", "pl-5"), "buy-pl-5");
  const auto today = local_date("Europe/Warsaw", 0);
  // InPost needs a building number in the street line: refused before anything is sent.
  const std::string no_number =
      R"({"name": "Piotr Zielinski", "line1": "ul. Florianska", "city": "Krakow",
          "postal_code": "31-021", "country": "PL", "phone": "+48 600 100 200",
          "email": "wysylki@sklep.example.pl"})";
  auto refused = book(acme_, pickup_body("inpost", today, {a}, "", no_number), "pickup-k");
  expect_problem(refused, 422);
  EXPECT_EQ(error_fields(refused), std::set<std::string>{"address.line1"}) << refused.body;

  // The key is free again, but the answer is lost on the way back: the order may exist.
  pgtest::set_sim_faults(*env_, R"({"proxy_error_after_sale_rate": 1.0})");
  const auto body = pickup_body("inpost", today, {a});
  auto unknown = book(acme_, body, "pickup-k");
  expect_problem(unknown, 502, "pickup-outcome-unknown");
  const auto id = string_at(parse_object(unknown.body), "pickup_id");
  ASSERT_TRUE(id.starts_with("pck_")) << unknown.body;
  pgtest::set_sim_faults(*env_, R"({"proxy_error_after_sale_rate": 0})");

  auto replay = book(acme_, body, "pickup-k");
  expect_problem(replay, 502, "pickup-outcome-unknown", pgtest::answer_kind::replay);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  auto read = env_->call("GET", "/v1/pickups/" + id, acme_);
  ASSERT_EQ(read.status, 200) << describe(read);
  EXPECT_EQ(string_at(parse_object(read.body), "status"), "unconfirmed");
  // Its shipment stays taken (another key cannot book it twice) and it cannot be cancelled.
  expect_problem(book(acme_, body, "pickup-other-key"), 409);
  expect_problem(env_->call("POST", "/v1/pickups/" + id + "/cancel", acme_), 409);
}

TEST_F(pickups, a_booking_interrupted_by_a_crash_is_unconfirmed_and_never_booked_again) {
  const auto a = pgtest::shipment_body("inpost", "pl-6");
  const auto id = buy(acme_, a, "buy-pl-6");
  const auto inpost_requests = [&] { return pgtest::sim_sales(*env_)["inpost"].requests; };
  const auto before = inpost_requests();
  // InPost creates the dispatch order and never answers: the gateway dies while it waits.
  pgtest::set_sim_faults(*env_, R"({"timeout_rate": 1.0})");
  const auto body = pickup_body("inpost", local_date("Europe/Warsaw"), {id});
  pgtest::connection c(env_->gateway_url(), env_->ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  ASSERT_TRUE(c.write_request("POST", "/v1/pickups", body,
                              {{"Authorization", "Bearer " + acme_},
                               {"Content-Type", "application/json"},
                               {"Idempotency-Key", "crash-1"}}));
  ASSERT_TRUE(pgtest::eventually([&] { return inpost_requests() > before; }, 10s));
  env_->kill_gateway(SIGKILL);
  pgtest::set_sim_faults(*env_, R"({"timeout_rate": 0})");
  env_->start_gateway();

  // At once on SQLite (the restart recovers its previous life's bookings); on PostgreSQL once the
  // dead instance's lease has expired. Until then the key is in use.
  response replay;
  ASSERT_TRUE(pgtest::eventually(
      [&] {
        replay = book(acme_, body, "crash-1");
        return replay.status != 409;
      },
      30s))
      << describe(replay);
  expect_problem(replay, 504, "pickup-outcome-unknown", pgtest::answer_kind::replay);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  const auto pickup = string_at(parse_object(replay.body), "pickup_id");
  auto read = env_->call("GET", "/v1/pickups/" + pickup, acme_);
  ASSERT_EQ(read.status, 200) << describe(read);
  EXPECT_EQ(string_at(parse_object(read.body), "status"), "unconfirmed");
  const auto after = inpost_requests();
  expect_problem(book(acme_, body, "crash-2"), 409);  // the parcel stays in that pickup
  EXPECT_EQ(inpost_requests(), after) << "the interrupted booking was sent again";
}

TEST_F(pickups, a_colissimo_mailbox_pickup_is_booked_on_an_offered_date_and_cannot_be_cancelled) {
  const auto a = buy(acme_, pgtest::shipment_body("colissimo", "fr-2"), "buy-fr-2");
  ASSERT_FALSE(a.empty());
  // The sandbox offers the next working days in France; a date it does not offer is refused
  // with the offered ones, and frees the key for the next try.
  response booked;
  std::string body;
  for (int days = 1; days <= 7; ++days) {
    body = pickup_body("colissimo", local_date("Europe/Paris", days), {a});
    booked = book(acme_, body, "mailbox-1");
    if (booked.status == 201) break;
    expect_problem(booked, 422);
    EXPECT_EQ(error_fields(booked), std::set<std::string>{"date"}) << booked.body;
  }
  ASSERT_EQ(booked.status, 201) << describe(booked);
  auto p = parse_object(booked.body);
  EXPECT_EQ(string_at(p, "status"), "scheduled");
  EXPECT_EQ(string_at(p, "carrier_status"), "planned");
  const auto id = string_at(p, "id");
  auto cancel = env_->call("POST", "/v1/pickups/" + id + "/cancel", acme_);
  expect_problem(cancel, 422);
  EXPECT_NE(cancel.body.find("mailbox"), std::string::npos) << cancel.body;
  EXPECT_EQ(string_at(parse_object(env_->call("GET", "/v1/pickups/" + id, acme_).body), "status"),
            "scheduled");
  // Its parcel moves on (voided here): a retry of the booking still replays its 201, rather than
  // being checked again against a shipment that is no longer label_created.
  ASSERT_EQ(env_->call("POST", "/v1/shipments/" + a + "/cancel", acme_).status, 200);
  auto retry = book(acme_, body, "mailbox-1");
  ASSERT_EQ(retry.status, 201) << describe(retry);
  EXPECT_EQ(retry.header("idempotent-replayed"), "true");
  EXPECT_EQ(string_at(parse_object(retry.body), "id"), id);
  // A new key for the same parcel is checked, and refused.
  auto fresh = book(acme_, body, "mailbox-2");
  expect_problem(fresh, 422);
  EXPECT_EQ(error_fields(fresh), std::set<std::string>{"shipment_ids[0]"}) << fresh.body;
}

TEST_F(pickups, only_merchants_book_and_cancel) {
  const auto today = local_date("Europe/Warsaw", 0);
  auto point = env_->create_key("relais", "point", "mondialrelay:FR:020230");
  for (const auto& key : {ops_, point})
    EXPECT_EQ(book(key, pickup_body("inpost", today, {}), "k").status, 403);
}

}  // namespace
