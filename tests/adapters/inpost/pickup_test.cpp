// InPost pickups (ShipX dispatch orders): the request against its recorded shape, recorded answers
// and every error shape, the adapter's refusals before sending, and a round trip through the
// in-process simulator.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdlib>

#include "adapters/inpost/adapter.hpp"
#include "adapters/inpost/pickup.hpp"
#include "tests/adapters/inpost/test_support.hpp"

using namespace parcelgate;
using adapter_testing::fake_call;
using carriers::outbound_request;
using carriers::outbound_response;
using inpost_test::answer;
using inpost_test::fixture;
using inpost_test::run;
namespace ip = parcelgate::adapters::inpost;

namespace {

const ip::account kAccount{
    .base_url = "https://shipx.test", .token = "tok", .organization_id = "6183"};

// The pickup whose wire form is tests/fixtures/inpost/dispatch_order_request.json.
carriers::pickup_request pickup() {
  carriers::pickup_request r;
  r.pickup_id = "pck_7h2k9m";
  r.at = inpost_test::sender();
  r.date = "2026-12-03";
  r.window_from = "09:00";
  r.window_to = "12:00";
  r.parcels = {carriers::pickup_parcel{.tracking_number = "520000011395200025754311",
                                       .carrier_reference = "1634508792",
                                       .weight_g = 2500},
               carriers::pickup_parcel{.tracking_number = "520000011395200025754328",
                                       .carrier_reference = "1634508793",
                                       .weight_g = 1200}};
  r.instructions = "Brama od podworza, kod 4711";
  return r;
}

ip::dispatch_plan checked(const carriers::pickup_request& r) {
  ip::dispatch_plan plan;
  auto errors = ip::check_pickup(r, plan);
  EXPECT_TRUE(errors.empty()) << errors.front().field << ": " << errors.front().message;
  return plan;
}

bool names(const std::vector<field_error>& errors, std::string_view field) {
  for (const auto& e : errors)
    if (e.field == field) return true;
  return false;
}

std::unique_ptr<carriers::carrier_adapter> configured(std::string base = "https://shipx.test",
                                                      std::string token = "sandbox-inpost-token") {
  auto a = adapters::make_inpost_adapter();
  auto settings = inpost_test::sandbox_settings(std::move(base));
  settings["token"] = std::move(token);
  settings["confirm_timeout_s"] = "2";
  EXPECT_TRUE(a->configure(settings).empty());
  return a;
}

// ---- requests -----------------------------------------------------------------------------------

TEST(InpostPickupRequest, a_booking_has_the_recorded_shape) {
  const auto r = pickup();
  auto request = ip::build_dispatch_order_request(kAccount, r, checked(r));
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://shipx.test/v1/organizations/6183/dispatch_orders");
  EXPECT_FALSE(request.idempotent);  // a repeat could send the courier twice
  EXPECT_EQ(request.max_exchanges(), 1);
  EXPECT_EQ(request.operation, "book_pickup");
  EXPECT_EQ(boost::json::parse(request.body),
            boost::json::parse(fixture("dispatch_order_request.json")));
  bool auth = false, id = false;
  for (const auto& h : request.headers) {
    auth = auth || (h.name == "Authorization" && h.value == "Bearer tok");
    id = id || (h.name == "X-Request-ID" && h.value == "pck_7h2k9m");
  }
  EXPECT_TRUE(auth);
  EXPECT_TRUE(id);
}

TEST(InpostPickupRequest, without_window_or_instructions_neither_is_sent_and_ids_are_not_repeated) {
  auto r = pickup();
  r.window_from.clear();
  r.window_to.clear();
  r.instructions.clear();
  r.at.email.clear();
  r.parcels.push_back(r.parcels.front());  // the same shipment twice
  auto body = boost::json::parse(ip::dispatch_order_body(r, checked(r))).as_object();
  EXPECT_FALSE(body.contains("office_hours"));
  EXPECT_FALSE(body.contains("comment"));
  EXPECT_FALSE(body.contains("email"));
  EXPECT_EQ(body.at("shipments").as_array().size(), 2u);
}

TEST(InpostPickupRequest, the_company_is_the_contact_name_when_no_person_is_given) {
  auto r = pickup();
  r.at.name.clear();
  auto body = boost::json::parse(ip::dispatch_order_body(r, checked(r))).as_object();
  EXPECT_EQ(body.at("name").as_string(), "Sklep Krakowski");
}

TEST(InpostPickupRequest, the_building_number_is_split_from_the_street) {
  auto parts = ip::split_street("ul. Florianska 12");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->street, "ul. Florianska");
  EXPECT_EQ(parts->building_number, "12");
  parts = ip::split_street("Aleja 3 Maja 10/4");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->street, "Aleja 3 Maja");
  EXPECT_EQ(parts->building_number, "10/4");
  parts = ip::split_street(" Dluga, 5A ");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->street, "Dluga");
  EXPECT_EQ(parts->building_number, "5A");
  EXPECT_FALSE(ip::split_street("Rynek Glowny"));  // no number
  EXPECT_FALSE(ip::split_street("12"));            // no street
  EXPECT_FALSE(ip::split_street(""));
}

TEST(InpostPickupRequest, what_a_dispatch_order_cannot_take_is_refused_with_our_fields) {
  auto r = pickup();
  r.parcels[1].carrier_reference.clear();  // a label bought before ids were kept
  r.at.line1 = "Rynek Glowny";
  r.at.phone = "12 34";
  r.at.postal_code = "3102";
  r.window_from = "12:00";
  r.window_to = "09:00";
  r.instructions = std::string(ip::kMaxDispatchComment + 1, 'x');
  ip::dispatch_plan plan;
  auto errors = ip::check_pickup(r, plan);
  for (auto field : {"shipment_ids", "address.line1", "address.phone", "address.postal_code",
                     "window.to", "instructions"})
    EXPECT_TRUE(names(errors, field)) << field;

  auto counted = pickup();
  counted.parcels.clear();
  counted.parcel_count = 3;  // ShipX takes shipment ids, never a count
  EXPECT_TRUE(names(ip::check_pickup(counted, plan), "shipment_ids"));

  auto abroad = pickup();
  abroad.at.country = "DE";
  EXPECT_TRUE(names(ip::check_pickup(abroad, plan), "address.country"));

  auto bad_time = pickup();
  bad_time.window_from = "9:00";
  bad_time.window_to = "";
  auto bad = ip::check_pickup(bad_time, plan);
  EXPECT_TRUE(names(bad, "window.from"));
  EXPECT_TRUE(names(bad, "window.to"));

  auto not_shipx = pickup();
  not_shipx.parcels[0].carrier_reference = "abc-1";
  EXPECT_TRUE(names(ip::check_pickup(not_shipx, plan), "shipment_ids"));
}

TEST(InpostPickupRequest, read_and_cancel_have_their_shapes) {
  auto read = ip::build_dispatch_order_read_request(kAccount, "412093");
  EXPECT_EQ(read.method, "GET");
  EXPECT_EQ(read.url, "https://shipx.test/v1/dispatch_orders/412093");
  EXPECT_TRUE(read.idempotent);
  EXPECT_EQ(read.max_exchanges(), 3);
  auto cancel = ip::build_dispatch_order_cancel_request(kAccount, "412093");
  EXPECT_EQ(cancel.method, "DELETE");
  EXPECT_EQ(cancel.url, "https://shipx.test/v1/dispatch_orders/412093");
  EXPECT_FALSE(cancel.idempotent);
  EXPECT_EQ(cancel.operation, "cancel_pickup");
  EXPECT_TRUE(cancel.body.empty());
}

// ---- answers ------------------------------------------------------------------------------------

TEST(InpostPickupAnswer, a_created_order_is_the_confirmation) {
  auto out = ip::decode_booking(pickup(), answer(201, fixture("dispatch_order_created.json")));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->confirmation, "412093");
  EXPECT_EQ(out->carrier_status, "new");
  // ShipX gives no date or slot: the request's are echoed.
  EXPECT_EQ(out->date, "2026-12-03");
  EXPECT_EQ(out->window_from, "09:00");
  EXPECT_EQ(out->window_to, "12:00");

  auto order = ip::parse_dispatch_order(fixture("dispatch_order_created.json"));
  ASSERT_TRUE(order);
  EXPECT_EQ(order->shipment_ids, (std::vector<std::string>{"1634508792", "1634508793"}));
  EXPECT_FALSE(ip::parse_dispatch_order(R"({"id":1})"));
  EXPECT_FALSE(ip::parse_dispatch_order("<html>"));
}

TEST(InpostPickupAnswer, validation_failed_is_a_refusal_naming_our_fields) {
  auto out =
      ip::decode_booking(pickup(), answer(400, fixture("dispatch_order_validation_failed.json")));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
  EXPECT_EQ(out.error().carrier, "inpost");
  EXPECT_EQ(out.error().carrier_code, "validation_failed");
  EXPECT_TRUE(names(out.error().fields, "shipment_ids"));
  EXPECT_TRUE(names(out.error().fields, "address.phone"));
  EXPECT_TRUE(names(out.error().fields, "address.line1"));
  EXPECT_NE(out.error().message.find("shipments[0]: already_dispatched"), std::string::npos)
      << out.error().message;
}

TEST(InpostPickupAnswer, what_a_failed_booking_proves_about_the_sale) {
  struct expectation {
    int status;
    std::string body;
    error_kind kind;
    sale_outcome sale;
  };
  const std::string unavailable =
      R"({"status":503,"error":"service_unavailable","message":"Try later.","details":{}})";
  const std::string internal =
      R"({"status":500,"error":"internal_error","message":"Oops.","details":{}})";
  const std::vector<expectation> cases = {
      {401, fixture("token_invalid.json"), error_kind::auth_failed, sale_outcome::not_sold},
      {404, fixture("resource_not_found.json"), error_kind::auth_failed, sale_outcome::not_sold},
      {429, R"({"status":429,"error":"too_many_requests","message":"Slow down.","details":{}})",
       error_kind::rate_limited, sale_outcome::not_sold},
      {503, unavailable, error_kind::unavailable, sale_outcome::not_sold},
      // After this, the order may exist: the sale stays unknown.
      {500, internal, error_kind::unavailable, sale_outcome::unknown},
      {502, "<html>Bad gateway</html>", error_kind::unavailable, sale_outcome::unknown},
      {201, R"({"href":"x"})", error_kind::bad_gateway, sale_outcome::unknown},
  };
  for (const auto& c : cases) {
    auto out = ip::decode_booking(pickup(), answer(c.status, c.body));
    ASSERT_FALSE(out) << c.status;
    EXPECT_EQ(out.error().kind, c.kind) << c.status << " " << out.error().message;
    EXPECT_EQ(out.error().sale, c.sale) << c.status;
    EXPECT_EQ(out.error().carrier, "inpost");
  }
}

TEST(InpostPickupAnswer, cancel_answers_map_to_our_errors) {
  EXPECT_TRUE(ip::decode_cancel("412093", answer(204, "")));
  EXPECT_TRUE(ip::decode_cancel("412093", answer(200, "{}")));

  auto gone = ip::decode_cancel("412093", answer(404, fixture("resource_not_found.json")));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, error_kind::not_found);

  auto late =
      ip::decode_cancel("412093", answer(400, fixture("dispatch_order_invalid_action.json")));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind, error_kind::conflict);
  EXPECT_EQ(late.error().carrier_code, "invalid_action");
  EXPECT_NE(late.error().message.find("accepted"), std::string::npos) << late.error().message;

  auto refused = ip::decode_cancel("412093", answer(401, fixture("token_invalid.json")));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::auth_failed);

  auto down = ip::decode_cancel("412093", answer(500, "oops", "text/plain"));
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().kind, error_kind::unavailable);

  auto odd = ip::decode_cancel("412093", answer(302, ""));
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().kind, error_kind::bad_gateway);
}

// ---- the adapter --------------------------------------------------------------------------------

TEST(InpostPickupAdapter, declares_pickups_without_a_dates_service) {
  auto a = configured();
  const auto caps = a->caps();
  EXPECT_TRUE(caps.pickups);
  EXPECT_EQ(caps.pickup_cancel, "carrier");
  fake_call call(
      [](const outbound_request&) -> result<outbound_response> { return answer(500, ""); });
  auto slots = run(a->pickup_slots(inpost_test::sender(), "2026-12-03", call));
  ASSERT_FALSE(slots);
  EXPECT_EQ(slots.error().kind, error_kind::unsupported);
  EXPECT_EQ(call.requests, 0);
}

TEST(InpostPickupAdapter, refuses_before_sending_and_says_nothing_was_sold) {
  auto a = configured();
  fake_call call([](const outbound_request&) -> result<outbound_response> {
    return answer(201, fixture("dispatch_order_created.json"));
  });
  auto r = pickup();
  r.parcels[0].carrier_reference.clear();
  auto out = run(a->book_pickup(r, call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
  EXPECT_TRUE(names(out.error().fields, "shipment_ids"));
  EXPECT_EQ(call.requests, 0);

  auto none = run(a->cancel_pickup(
      carriers::pickup_ref{.pickup_id = "pck_1", .confirmation = "", .date = "2026-12-03"}, call));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, error_kind::invalid_request);
  EXPECT_EQ(call.requests, 0);
}

TEST(InpostPickupAdapter, books_once_and_a_lost_answer_keeps_the_sale_unknown) {
  auto a = configured();
  fake_call booked([](const outbound_request&) -> result<outbound_response> {
    return answer(201, fixture("dispatch_order_created.json"));
  });
  auto ok = run(a->book_pickup(pickup(), booked));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->confirmation, "412093");
  ASSERT_EQ(booked.sent.size(), 1u);
  EXPECT_EQ(booked.sent[0].url, "https://shipx.test/v1/organizations/6183/dispatch_orders");

  fake_call lost([](const outbound_request&) -> result<outbound_response> {
    return fail(error{.kind = error_kind::timeout, .message = "deadline passed"});
  });
  auto out = run(a->book_pickup(pickup(), lost));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::timeout);
  EXPECT_EQ(out.error().sale, sale_outcome::unknown);
  EXPECT_EQ(out.error().carrier, "inpost");
  EXPECT_EQ(lost.sent.size(), 1u);  // never repeated
}

// ---- against the simulator ----------------------------------------------------------------------

struct InpostPickupSimulator : ::testing::Test {
  sim::sales_ledger ledger;
  std::unique_ptr<sim::carrier_sim> simulator = [this] {
    ::setenv("CARRIER_SIM_INPOST_CONFIRM_MS", "0", 1);
    ::setenv("CARRIER_SIM_INPOST_STAGE_SECONDS", "3600", 1);
    auto s = sim::make_inpost_sim(ledger);
    ::unsetenv("CARRIER_SIM_INPOST_CONFIRM_MS");
    ::unsetenv("CARRIER_SIM_INPOST_STAGE_SECONDS");
    return s;
  }();
  std::unique_ptr<carriers::carrier_adapter> adapter = configured("http://127.0.0.1:9443/inpost");

  label_result buy(const shipment_request& request) {
    inpost_test::simulator_call call(*simulator);
    auto label = run(adapter->create_label(request, call));
    EXPECT_TRUE(label) << label.error().message;
    return label ? *label : label_result{};
  }

  carriers::pickup_request pickup_of(const label_result& label) {
    auto r = pickup();
    r.parcels = {carriers::pickup_parcel{.tracking_number = label.tracking_number,
                                         .carrier_reference = label.carrier_reference,
                                         .weight_g = 2500}};
    return r;
  }
};

TEST_F(InpostPickupSimulator, books_refuses_a_second_order_cancels_once_and_books_again) {
  const auto label = buy(inpost_test::courier_request());
  ASSERT_FALSE(label.carrier_reference.empty());
  const auto request = pickup_of(label);

  inpost_test::simulator_call call(*simulator);
  auto booked = run(adapter->book_pickup(request, call));
  ASSERT_TRUE(booked) << booked.error().message;
  EXPECT_FALSE(booked->confirmation.empty());
  EXPECT_EQ(booked->carrier_status, "new");

  // The order as InPost shows it: passed on to the depot, with our shipment.
  inpost_test::simulator_call reading(*simulator);
  auto read = run(reading.send(
      ip::build_dispatch_order_read_request(ip::account{.base_url = "http://127.0.0.1:9443/inpost",
                                                        .token = "sandbox-inpost-token",
                                                        .organization_id = "6183"},
                                            booked->confirmation)));
  ASSERT_TRUE(read);
  auto order = ip::parse_dispatch_order(read->body);
  ASSERT_TRUE(order) << read->body;
  EXPECT_EQ(order->status, "sent");
  EXPECT_EQ(order->shipment_ids, (std::vector<std::string>{label.carrier_reference}));

  auto twice = run(adapter->book_pickup(request, call));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().kind, error_kind::invalid_request);
  EXPECT_EQ(twice.error().sale, sale_outcome::not_sold);
  EXPECT_TRUE(names(twice.error().fields, "shipment_ids"));
  EXPECT_NE(twice.error().message.find("already_dispatched"), std::string::npos);

  const carriers::pickup_ref ref{.pickup_id = request.pickup_id,
                                 .confirmation = booked->confirmation,
                                 .date = request.date,
                                 .parcels = request.parcels};
  auto cancelled = run(adapter->cancel_pickup(ref, call));
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  auto again = run(adapter->cancel_pickup(ref, call));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, error_kind::conflict);
  EXPECT_NE(again.error().message.find("canceled"), std::string::npos) << again.error().message;

  // A cancelled order frees its shipments.
  auto rebooked = run(adapter->book_pickup(request, call));
  ASSERT_TRUE(rebooked) << rebooked.error().message;
  EXPECT_NE(rebooked->confirmation, booked->confirmation);

  auto unknown = run(adapter->cancel_pickup(
      carriers::pickup_ref{.pickup_id = "pck_x", .confirmation = "1", .date = "2026-12-03"}, call));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, error_kind::not_found);
}

TEST_F(InpostPickupSimulator, lockers_and_unknown_shipments_are_not_collected) {
  const auto locker = buy(inpost_test::locker_request());
  inpost_test::simulator_call call(*simulator);
  auto out = run(adapter->book_pickup(pickup_of(locker), call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
  EXPECT_NE(out.error().message.find("invalid_service"), std::string::npos) << out.error().message;

  label_result ghost;
  ghost.tracking_number = "520000000000000000000000";
  ghost.carrier_reference = "999";
  auto missing = run(adapter->book_pickup(pickup_of(ghost), call));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("does_not_exist"), std::string::npos);
}

TEST_F(InpostPickupSimulator, another_token_is_refused_as_our_credentials) {
  const auto label = buy(inpost_test::courier_request());
  auto stranger = configured("http://127.0.0.1:9443/inpost", "not-the-token");
  inpost_test::simulator_call call(*simulator);
  auto out = run(stranger->book_pickup(pickup_of(label), call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::auth_failed);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
}

}  // namespace
