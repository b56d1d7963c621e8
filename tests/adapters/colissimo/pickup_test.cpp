// Colissimo mailbox pickups: the getListMailBoxPickingDates / planPickup codec against recorded
// shapes (both ways), dates across daylight-saving changes, error mapping, the adapter's call flow
// and round trips through the simulator.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <deque>

#include "adapters/colissimo/pickup.hpp"
#include "test_support.hpp"
#include "tools/carrier-sim/colissimo/mailbox_pickup_sim.hpp"

namespace {

using namespace parcelgate;
using namespace parcelgate::adapters::colissimo;
using colissimo_test::fixture;
using colissimo_test::has_field;
using colissimo_test::response;
using colissimo_test::run;
namespace json = boost::json;

const account kAccount{.contract_number = "123456", .password = "sandbox", .commercial_name = "x"};
constexpr const char* kParcel = "6A15984040331";
constexpr const char* kParcel2 = "6A15984040348";  // serial 1598404034, key 8

const time_zone& paris() {
  static const time_zone zone = [] {
    auto z = time_zone::load("Europe/Paris");
    if (!z) throw std::runtime_error(z.error().message);
    return std::move(*z);
  }();
  return zone;
}

address sender() {
  return colissimo_test::sample_request().from;
}

carriers::pickup_request booking(std::string date, std::vector<std::string> parcels) {
  carriers::pickup_request r;
  r.pickup_id = "pck_test";
  r.at = sender();
  r.date = std::move(date);
  for (auto& p : parcels) r.parcels.push_back(carriers::pickup_parcel{.tracking_number = p});
  return r;
}

json::value parsed(std::string_view s) {
  return json::parse(s);
}

std::string str(const json::value& v) {
  return std::string(v.as_string());
}

carriers::outbound_response json_answer(int status, std::string body) {
  return response(status, "application/json;charset=UTF-8", std::move(body));
}

// ---- requests ----------------------------------------------------------------------------------

TEST(ColissimoPickupWire, DatesRequestMatchesTheRecordedShape) {
  EXPECT_EQ(parsed(build_picking_dates_request(sender(), kAccount)),
            parsed(fixture("pickup_dates_request.json")));
}

TEST(ColissimoPickupWire, PlanRequestMatchesTheRecordedShape) {
  EXPECT_EQ(parsed(build_plan_pickup_request(sender(), kParcel, "2026-03-30", kAccount)),
            parsed(fixture("pickup_plan_request.json")));
}

TEST(ColissimoPickupWire, PlanRequestSingleWordNameFillsFirstAndLastName) {
  address a = sender();
  a.name = "Martin";
  a.company.clear();
  a.phone.clear();
  const json::object o =
      parsed(build_plan_pickup_request(a, kParcel, "2026-03-30", kAccount)).as_object();
  const json::object& s = o.at("sender").as_object();
  EXPECT_EQ(str(s.at("lastName")), "Martin");
  EXPECT_EQ(str(s.at("firstName")), "Martin");
  EXPECT_FALSE(s.contains("companyName"));
  EXPECT_FALSE(s.contains("phoneNumber"));
}

TEST(ColissimoPickupWire, RequestWithoutParcelsIsRefusedOnShipmentIds) {
  auto r = booking("2026-03-30", {});
  r.parcel_count = 3;
  const auto problems = check_pickup_request(r);
  ASSERT_TRUE(has_field(problems, "shipment_ids"));
  EXPECT_NE(problems.front().message.find("parcels it sold"), std::string::npos);
}

TEST(ColissimoPickupWire, RequestChecksDateCountryAndParcelNumbers) {
  auto r = booking("30/03/2026", {kParcel, "6A15984040330"});
  r.at.country = "BE";
  r.at.email.clear();
  const auto problems = check_pickup_request(r);
  EXPECT_TRUE(has_field(problems, "date"));
  EXPECT_TRUE(has_field(problems, "address.country"));
  EXPECT_TRUE(has_field(problems, "address.email"));
  EXPECT_TRUE(has_field(problems, "shipment_ids[1]"));  // wrong control key
  EXPECT_FALSE(has_field(problems, "shipment_ids[0]"));
  EXPECT_TRUE(check_pickup_request(booking("2026-03-30", {kParcel})).empty());
}

// ---- dates
// ---------------------------------------------------------------------------------------

TEST(ColissimoPickupWire, OfferedDatesAreParisDatesAcrossTheSpringChange) {
  auto got = parse_picking_dates_response(
      json_answer(200, fixture("pickup_dates_response_ok.json")), paris());
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->dates,
            (std::vector<std::string>{"2026-03-27", "2026-03-28", "2026-03-30", "2026-03-31"}));
  EXPECT_EQ(got->max_hour, "08:00");
  EXPECT_EQ(got->validity_time, "12:00");
}

TEST(ColissimoPickupWire, SlotsBookBeforeTheMaxHourInTheOffsetOfTheirOwnDay) {
  auto got = parse_picking_dates_response(
      json_answer(200, fixture("pickup_dates_response_ok.json")), paris());
  ASSERT_TRUE(got);
  const auto slots = to_pickup_slots(*got, "", paris());
  ASSERT_EQ(slots.size(), 4u);
  EXPECT_EQ(slots[0].book_before, "2026-03-27T07:00:00Z");  // CET, UTC+1
  EXPECT_EQ(slots[2].book_before, "2026-03-30T06:00:00Z");  // CEST, UTC+2
  EXPECT_TRUE(slots[0].window_from.empty());
  EXPECT_TRUE(slots[0].window_to.empty());
  const auto later = to_pickup_slots(*got, "2026-03-28", paris());
  ASSERT_EQ(later.size(), 3u);
  EXPECT_EQ(later.front().date, "2026-03-28");
}

TEST(ColissimoPickupWire, MidnightInParisAndMidnightUtcReadAsTheSameDayAcrossTheAutumnChange) {
  // 2026-10-24 and 2026-10-26 (the clocks go back on the 25th), once as Paris midnights
  // (22:00Z / 23:00Z the day before), once as UTC midnights, once as numeric strings.
  const std::string body =
      R"({"messages":[{"id":"0","type":"INFOS","messageContent":"ok"}],)"
      R"("mailBoxPickingDateMaxHour":"08:00","validityTime":"12:00",)"
      R"("mailBoxPickingDates":[1792792800000,1792969200000,1792800000000,1792972800000,"1792969200000"]})";
  auto got = parse_picking_dates_response(json_answer(200, body), paris());
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->dates, (std::vector<std::string>{"2026-10-24", "2026-10-26"}));
}

TEST(ColissimoPickupWire, EpochConversionEdges) {
  EXPECT_EQ(paris_date_of_epoch_ms(1774821600000, paris()), "2026-03-30");
  EXPECT_EQ(paris_date_of_epoch_ms(1774821600000 - 1, paris()), "2026-03-29");
  EXPECT_EQ(local_to_utc_rfc3339("2026-10-25", "08:00", paris()), "2026-10-25T07:00:00Z");
  EXPECT_EQ(local_to_utc_rfc3339("2026-03-29", "08:00", paris()), "2026-03-29T06:00:00Z");
  EXPECT_EQ(local_to_utc_rfc3339("2026-07-01", "00:30", paris()), "2026-06-30T22:30:00Z");
  EXPECT_FALSE(local_to_utc_rfc3339("2026-03-29", "8h", paris()));
  EXPECT_FALSE(local_to_utc_rfc3339("2026-02-30", "08:00", paris()));
}

TEST(ColissimoPickupWire, NoMaxHourMeansNoBookBefore) {
  picking_dates offered{.dates = {"2026-03-30"}, .max_hour = "", .validity_time = ""};
  const auto slots = to_pickup_slots(offered, "", paris());
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_TRUE(slots[0].book_before.empty());
}

TEST(ColissimoPickupWire, UnreadableDatesAreBadGateway) {
  auto missing = parse_picking_dates_response(
      json_answer(200, R"({"messages":[{"id":"0","type":"INFOS","messageContent":"ok"}]})"),
      paris());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, error_kind::bad_gateway);
  auto odd = parse_picking_dates_response(
      json_answer(200, R"({"messages":[],"mailBoxPickingDates":["lundi"]})"), paris());
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().kind, error_kind::bad_gateway);
  auto none = parse_picking_dates_response(
      json_answer(200, R"({"messages":[],"mailBoxPickingDates":null})"), paris());
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->dates.empty());
}

// ---- errors
// --------------------------------------------------------------------------------------

TEST(ColissimoPickupErrors, BadCredentialsAreAuthFailedAndNotSold) {
  auto got = parse_picking_dates_response(
      json_answer(400, fixture("pickup_dates_response_auth_error.json")), paris());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::auth_failed);
  EXPECT_EQ(got.error().carrier_code, "30000");
  EXPECT_EQ(got.error().carrier, "colissimo");
  EXPECT_EQ(got.error().sale, sale_outcome::not_sold);
  EXPECT_TRUE(got.error().fields.empty());
}

TEST(ColissimoPickupErrors, SenderFieldErrorsPointAtThePickupAddress) {
  auto got =
      parse_plan_pickup_response(json_answer(400, fixture("pickup_plan_response_bad_zip.json")));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::invalid_request);
  EXPECT_TRUE(has_field(got.error().fields, "address.postal_code"));
  EXPECT_FALSE(has_field(got.error().fields, "from.postal_code"));
  EXPECT_EQ(got.error().sale, sale_outcome::not_sold);
}

TEST(ColissimoPickupErrors, RefusalInTheCarriersFormatIsNotSold) {
  auto got = parse_plan_pickup_response(
      json_answer(400, fixture("pickup_plan_response_already_planned.json")));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::rejected);
  EXPECT_EQ(got.error().carrier_code, "30331");
  EXPECT_EQ(got.error().sale, sale_outcome::not_sold);
  EXPECT_NE(got.error().message.find("mailbox pickup"), std::string::npos);
}

TEST(ColissimoPickupErrors, ProxyPageIsUnavailableWithSaleUnknown) {
  auto got = parse_plan_pickup_response(
      response(502, "text/html", fixture("pickup_plan_response_proxy_502.html")));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::unavailable);
  EXPECT_EQ(got.error().carrier_code, "HTTP 502");
  EXPECT_EQ(got.error().sale, sale_outcome::unknown);
}

TEST(ColissimoPickupErrors, SlsBusyAnswerIsUnavailableAndNotSold) {
  auto got = parse_plan_pickup_response(json_answer(
      500, R"({"messages":[{"id":"40015","type":"ERROR","messageContent":"indisponible"}]})"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::unavailable);
  EXPECT_EQ(got.error().sale, sale_outcome::not_sold);
}

TEST(ColissimoPickupErrors, ThrottlingAndOddAnswers) {
  auto throttled = response(429, "text/plain", "slow down");
  throttled.headers.push_back({"Retry-After", "7"});
  auto t = parse_plan_pickup_response(throttled);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, error_kind::rate_limited);
  EXPECT_EQ(t.error().retry_after_s, 7);
  EXPECT_EQ(t.error().sale, sale_outcome::not_sold);

  auto odd = parse_plan_pickup_response(response(200, "text/plain", "OK"));
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(odd.error().sale, sale_outcome::unknown);

  auto denied = parse_plan_pickup_response(response(401, "text/html", "<html>no</html>"));
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().kind, error_kind::auth_failed);

  EXPECT_TRUE(
      parse_plan_pickup_response(json_answer(200, fixture("pickup_plan_response_ok.json"))));
}

TEST(ColissimoPickupErrors, PartialBookingSaysWhatWasBooked) {
  error failure{.kind = error_kind::unavailable, .message = "Colissimo is unavailable"};
  failure.sale = sale_outcome::not_sold;
  const error e =
      partial_booking_error(failure, {kParcel}, kParcel2, {"6A15984040355"}, "2026-03-30");
  EXPECT_EQ(e.kind, error_kind::unavailable);
  EXPECT_EQ(e.sale, sale_outcome::unknown);
  EXPECT_NE(e.message.find(std::string("booked the mailbox pickup on 2026-03-30 of ") + kParcel),
            std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find(std::string("not of ") + kParcel2), std::string::npos);
  EXPECT_NE(e.message.find("not attempted: 6A15984040355"), std::string::npos);
  // Nothing booked: the failure is returned as it was.
  EXPECT_EQ(partial_booking_error(failure, {}, kParcel, {}, "2026-03-30").sale,
            sale_outcome::not_sold);
}

// ---- adapter call flow
// ---------------------------------------------------------------------------

// Answers requests in order from a script and keeps what was sent.
class scripted_call final : public carriers::call {
 public:
  explicit scripted_call(std::deque<result<carriers::outbound_response>> answers)
      : answers_(std::move(answers)) {}
  carriers::task<result<carriers::outbound_response>> send(
      carriers::outbound_request request) override {
    sent.push_back(std::move(request));
    if (answers_.empty()) co_return fail(error{.kind = error_kind::internal, .message = "script"});
    auto next = std::move(answers_.front());
    answers_.pop_front();
    co_return next;
  }
  std::vector<carriers::outbound_request> sent;

 private:
  std::deque<result<carriers::outbound_response>> answers_;
};

TEST(ColissimoPickupAdapter, CapabilitiesDeclarePickupsWithoutCancel) {
  auto adapter = colissimo_test::configured();
  const auto caps = adapter->caps();
  EXPECT_TRUE(caps.pickups);
  EXPECT_EQ(caps.pickup_cancel, "none");
  EXPECT_EQ(caps.pickup_min_window_min, 0);
  EXPECT_EQ(caps.pickup_max_days_ahead, kPickupMaxDaysAhead);
  scripted_call c({});
  auto cancelled = run(adapter->cancel_pickup(
      carriers::pickup_ref{.pickup_id = "pck_1", .confirmation = kParcel, .date = "2026-03-30"},
      c));
  ASSERT_FALSE(cancelled);
  EXPECT_EQ(cancelled.error().kind, error_kind::unsupported);
  EXPECT_TRUE(c.sent.empty());
}

TEST(ColissimoPickupAdapter, ParcelCountAloneSendsNothing) {
  auto adapter = colissimo_test::configured();
  scripted_call c({});
  auto r = booking("2026-03-30", {});
  r.parcel_count = 2;
  auto got = run(adapter->book_pickup(r, c));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::invalid_request);
  EXPECT_TRUE(has_field(got.error().fields, "shipment_ids"));
  EXPECT_EQ(got.error().sale, sale_outcome::not_sold);
  EXPECT_TRUE(c.sent.empty());
}

TEST(ColissimoPickupAdapter, DateNotOfferedIsRefusedOnDateAfterOneQuery) {
  auto adapter = colissimo_test::configured();
  scripted_call c({json_answer(200, fixture("pickup_dates_response_ok.json"))});
  auto got = run(adapter->book_pickup(booking("2026-03-29", {kParcel}), c));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::invalid_request);
  ASSERT_TRUE(has_field(got.error().fields, "date"));
  EXPECT_NE(got.error().fields.front().message.find("2026-03-30"), std::string::npos);
  EXPECT_EQ(got.error().sale, sale_outcome::not_sold);
  ASSERT_EQ(c.sent.size(), 1u);
  EXPECT_EQ(c.sent[0].url, "http://127.0.0.1:9443/colissimo" + std::string(kPickingDatesPath));
  EXPECT_TRUE(c.sent[0].idempotent);
}

TEST(ColissimoPickupAdapter, BooksOnePlanPerParcelAndConfirmsWithTheNumbers) {
  auto adapter = colissimo_test::configured();
  scripted_call c({json_answer(200, fixture("pickup_dates_response_ok.json")),
                   json_answer(200, fixture("pickup_plan_response_ok.json")),
                   json_answer(200, fixture("pickup_plan_response_ok.json"))});
  auto got = run(adapter->book_pickup(booking("2026-03-30", {kParcel, kParcel2, kParcel}), c));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->confirmation, std::string(kParcel) + "," + kParcel2);
  EXPECT_EQ(got->date, "2026-03-30");
  ASSERT_EQ(c.sent.size(), 3u);  // the dates, then one plan per distinct parcel
  EXPECT_EQ(c.sent[1].url, "http://127.0.0.1:9443/colissimo" + std::string(kPlanPickupPath));
  EXPECT_FALSE(c.sent[1].idempotent);
  EXPECT_EQ(str(parsed(c.sent[2].body).as_object().at("parcelNumber")), kParcel2);
}

TEST(ColissimoPickupAdapter, FailureAfterAPlannedParcelSaysWhatWasBooked) {
  auto adapter = colissimo_test::configured();
  scripted_call c({json_answer(200, fixture("pickup_dates_response_ok.json")),
                   json_answer(200, fixture("pickup_plan_response_ok.json")),
                   response(502, "text/html", fixture("pickup_plan_response_proxy_502.html"))});
  auto got = run(adapter->book_pickup(booking("2026-03-30", {kParcel, kParcel2}), c));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::unavailable);
  EXPECT_EQ(got.error().sale, sale_outcome::unknown);
  EXPECT_NE(got.error().message.find(kParcel), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find(std::string("not of ") + kParcel2), std::string::npos);
}

TEST(ColissimoPickupAdapter, FirstPlanRefusedIsNotSold) {
  auto adapter = colissimo_test::configured();
  scripted_call c({json_answer(200, fixture("pickup_dates_response_ok.json")),
                   json_answer(400, fixture("pickup_plan_response_already_planned.json"))});
  auto got = run(adapter->book_pickup(booking("2026-03-30", {kParcel, kParcel2}), c));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::rejected);
  EXPECT_EQ(got.error().sale, sale_outcome::not_sold);
  EXPECT_EQ(c.sent.size(), 2u);  // the second parcel is not attempted
}

TEST(ColissimoPickupAdapter, DatesQueryFailureInABookingIsNotSold) {
  auto adapter = colissimo_test::configured();
  scripted_call c({response(503, "text/html", "<html>down</html>")});
  auto got = run(adapter->book_pickup(booking("2026-03-30", {kParcel}), c));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::unavailable);
  EXPECT_EQ(got.error().sale, sale_outcome::not_sold);  // only a query was sent
}

TEST(ColissimoPickupAdapter, SlotsRefuseAnAddressOutsideFranceWithoutSending) {
  auto adapter = colissimo_test::configured();
  scripted_call c({});
  address a = sender();
  a.country = "DE";
  auto got = run(adapter->pickup_slots(a, "", c));
  ASSERT_FALSE(got);
  EXPECT_TRUE(has_field(got.error().fields, "address.country"));
  EXPECT_TRUE(c.sent.empty());
}

// ---- simulator
// -----------------------------------------------------------------------------------

TEST(ColissimoPickupSim, WorkingDaysSkipSundaysAndFrenchHolidays) {
  using namespace std::chrono;
  const auto days = sim::colissimo::next_pickup_days(2026y / December / 23, 5);
  std::vector<year_month_day> expected{2026y / December / 24, 2026y / December / 26,
                                       2026y / December / 28, 2026y / December / 29,
                                       2026y / December / 30};
  EXPECT_EQ(days, expected);
  EXPECT_TRUE(sim::colissimo::french_public_holiday(2026y / April / 6));   // Easter Monday
  EXPECT_TRUE(sim::colissimo::french_public_holiday(2026y / May / 14));    // Ascension
  EXPECT_TRUE(sim::colissimo::french_public_holiday(2026y / May / 25));    // Whit Monday
  EXPECT_TRUE(sim::colissimo::french_public_holiday(2027y / March / 29));  // Easter Monday
  EXPECT_FALSE(sim::colissimo::french_public_holiday(2026y / April / 7));
  EXPECT_FALSE(sim::colissimo::french_public_holiday(2026y / December / 26));
}

struct ColissimoPickupRoundTrip : ::testing::Test {
  sim::sales_ledger ledger;
  std::unique_ptr<sim::carrier_sim> simulator =
      sim::make_colissimo_sim(ledger, "http://127.0.0.1:9443");
  std::unique_ptr<carriers::carrier_adapter> adapter = colissimo_test::configured();
  colissimo_test::simulator_call c{*simulator};

  std::string buy_label() {
    auto label = run(adapter->create_label(colissimo_test::sample_request(), c));
    if (!label) throw std::runtime_error(label.error().message);
    return label->tracking_number;
  }
};

TEST_F(ColissimoPickupRoundTrip, OffersFiveWorkingDaysAtParisMidnight) {
  auto slots = run(adapter->pickup_slots(sender(), "", c));
  ASSERT_TRUE(slots) << slots.error().message;
  ASSERT_EQ(slots->size(), 5u);
  for (std::size_t i = 1; i < slots->size(); ++i) EXPECT_LT((*slots)[i - 1].date, (*slots)[i].date);
  for (const auto& s : *slots) {
    EXPECT_EQ(s.book_before.size(), 20u) << s.book_before;  // 08:00 in Paris, as UTC
    EXPECT_TRUE(s.book_before.starts_with(s.date)) << s.book_before;
  }
}

TEST_F(ColissimoPickupRoundTrip, BooksASoldParcelOnceAndRefusesTheSecondBooking) {
  const std::string parcel = buy_label();
  auto slots = run(adapter->pickup_slots(sender(), "", c));
  ASSERT_TRUE(slots) << slots.error().message;
  ASSERT_FALSE(slots->empty());
  auto first = run(adapter->book_pickup(booking(slots->front().date, {parcel}), c));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->confirmation, parcel);
  EXPECT_EQ(first->date, slots->front().date);

  auto again = run(adapter->book_pickup(booking(slots->back().date, {parcel}), c));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, error_kind::rejected);
  EXPECT_EQ(again.error().carrier_code, std::to_string(sim::colissimo::kAlreadyPlanned));
  EXPECT_EQ(again.error().sale, sale_outcome::not_sold);
}

TEST_F(ColissimoPickupRoundTrip, RefusesAParcelTheSandboxNeverSold) {
  auto slots = run(adapter->pickup_slots(sender(), "", c));
  ASSERT_TRUE(slots);
  auto got = run(adapter->book_pickup(booking(slots->front().date, {kParcel2}), c));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::rejected);
  EXPECT_EQ(got.error().carrier_code, "30321");
  EXPECT_EQ(got.error().sale, sale_outcome::not_sold);
}

TEST_F(ColissimoPickupRoundTrip, PartialBookingThroughTheSimulator) {
  const std::string parcel = buy_label();
  auto slots = run(adapter->pickup_slots(sender(), "", c));
  ASSERT_TRUE(slots);
  auto got = run(adapter->book_pickup(booking(slots->front().date, {parcel, kParcel2}), c));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().sale, sale_outcome::unknown);
  EXPECT_EQ(got.error().carrier_code, "30321");
  EXPECT_NE(got.error().message.find(parcel), std::string::npos) << got.error().message;
}

TEST_F(ColissimoPickupRoundTrip, WrongCredentialsAreAuthFailed) {
  auto wrong = adapters::make_colissimo_adapter();
  auto settings = colissimo_test::sandbox_settings();
  settings["password"] = "nope";
  ASSERT_TRUE(wrong->configure(settings).empty());
  auto got = run(wrong->pickup_slots(sender(), "", c));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::auth_failed);
  EXPECT_EQ(got.error().carrier_code, "30000");
}

TEST_F(ColissimoPickupRoundTrip, SimulatorRefusesADateItDidNotOffer) {
  const std::string parcel = buy_label();
  // Straight to the simulator: the adapter would refuse the date itself before planning.
  http::request req;
  req.method = "POST";
  req.path = "/colissimo" + std::string(kPlanPickupPath);
  req.target = req.path;
  req.body = build_plan_pickup_request(sender(), parcel, "2099-01-01", kAccount);
  req.fields = {{"Content-Type", "application/json"},
                {"Content-Length", std::to_string(req.body.size())}};
  const http::response answer = simulator->handle(req);
  EXPECT_EQ(answer.status, 400);
  const json::object o = parsed(answer.body).as_object();
  const json::object& m = o.at("messages").as_array().at(0).as_object();
  EXPECT_EQ(str(m.at("id")), std::to_string(sim::colissimo::kDateNotOffered));
  EXPECT_EQ(str(m.at("type")), "ERROR");
  EXPECT_TRUE(m.contains("messageContent"));
}

}  // namespace
