// Colissimo tracking through La Poste Suivi v2: the codec against fixtures written in the shape
// of published answers (tests/adapters/colissimo/fixtures/suivi_*.json), the adapter's request
// and refusals, and round trips through the simulated Suivi service.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "adapters/colissimo/tracking.hpp"
#include "test_support.hpp"

namespace {

using namespace parcelgate;
using colissimo_test::recording_call;
using colissimo_test::response;
using colissimo_test::run;
namespace json = boost::json;
namespace wire = parcelgate::adapters::colissimo;

std::string suivi_fixture(const std::string& name) {
  std::ifstream in(std::string(PG_SUIVI_FIXTURES) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + name);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

carriers::carrier_settings tracking_settings(std::string okapi_key = "sandbox-okapi") {
  auto s = colissimo_test::sandbox_settings();
  s["tracking_url"] = "http://127.0.0.1:9443/laposte/suivi/v2";
  if (!okapi_key.empty()) s["okapi_key"] = std::move(okapi_key);
  return s;
}

std::unique_ptr<carriers::carrier_adapter> tracking_adapter(
    std::string okapi_key = "sandbox-okapi") {
  auto a = adapters::make_colissimo_adapter();
  if (!a->configure(tracking_settings(std::move(okapi_key))).empty())
    throw std::runtime_error("tracking settings rejected");
  return a;
}

const carriers::tracking_miss* miss_of(const carriers::tracking_batch& b, const std::string& n) {
  for (const auto& m : b.misses)
    if (m.tracking_number == n) return &m;
  return nullptr;
}

std::vector<carriers::tracking_event> events_of(const carriers::tracking_batch& b,
                                                const std::string& n) {
  std::vector<carriers::tracking_event> out;
  for (const auto& e : b.events)
    if (e.tracking_number == n) out.push_back(e);
  return out;
}

std::string utc_now() {
  using namespace std::chrono;
  const auto t = floor<seconds>(system_clock::now());
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{t - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

// --- dates -------------------------------------------------------------------------------------

TEST(SuiviDates, OffsetsAroundDaylightSavingBecomeUtc) {
  // Summer time in France (+02:00) and winter time (+01:00), either side of the October change.
  EXPECT_EQ(wire::to_utc_rfc3339("2025-10-26T02:30:00+02:00"), "2025-10-26T00:30:00Z");
  EXPECT_EQ(wire::to_utc_rfc3339("2025-10-26T02:30:00+01:00"), "2025-10-26T01:30:00Z");
  EXPECT_EQ(wire::to_utc_rfc3339("2025-03-30T03:15:00+02:00"), "2025-03-30T01:15:00Z");
  // Local midnight in winter is the previous day (and year) in UTC.
  EXPECT_EQ(wire::to_utc_rfc3339("2025-01-01T00:30:00+01:00"), "2024-12-31T23:30:00Z");
  EXPECT_EQ(wire::to_utc_rfc3339("2024-02-29T23:50:00-05:00"), "2024-03-01T04:50:00Z");
  EXPECT_EQ(wire::to_utc_rfc3339("2025-06-01T12:00:00Z"), "2025-06-01T12:00:00Z");
  EXPECT_EQ(wire::to_utc_rfc3339("2025-06-01T12:00:00.250+02:00"), "2025-06-01T10:00:00Z");
}

TEST(SuiviDates, DatesWithoutOffsetOrImpossibleAreRefused) {
  EXPECT_FALSE(wire::to_utc_rfc3339("2025-06-01T12:00:00"));  // local time, zone unknown
  EXPECT_FALSE(wire::to_utc_rfc3339("2025-02-30T12:00:00+01:00"));
  EXPECT_FALSE(wire::to_utc_rfc3339("2025-06-01T24:00:00+01:00"));
  EXPECT_FALSE(wire::to_utc_rfc3339("2025-06-01T12:00:00+0100"));
  EXPECT_FALSE(wire::to_utc_rfc3339("01/06/2025 12:00"));
  EXPECT_FALSE(wire::to_utc_rfc3339(""));
}

// --- codes ---------------------------------------------------------------------------------------

TEST(SuiviCodes, OkapiAndInternalCodesMapUnknownStaysUnknown) {
  EXPECT_EQ(wire::map_tracking_code("DR1"), tracking_status::label_created);
  EXPECT_EQ(wire::map_tracking_code("PC1"), tracking_status::picked_up);
  EXPECT_EQ(wire::map_tracking_code("ET3"), tracking_status::in_transit);
  EXPECT_EQ(wire::map_tracking_code("MD2"), tracking_status::out_for_delivery);
  EXPECT_EQ(wire::map_tracking_code("AG1"), tracking_status::available_for_pickup);
  EXPECT_EQ(wire::map_tracking_code("ND1"), tracking_status::exception);
  EXPECT_EQ(wire::map_tracking_code("RE1"), tracking_status::returning_to_sender);
  EXPECT_EQ(wire::map_tracking_code("DI2"), tracking_status::returned_to_sender);
  EXPECT_EQ(wire::map_tracking_code("DI1"), tracking_status::delivered);
  // 6-character codes go through the Colissimo table.
  EXPECT_EQ(wire::map_tracking_code("LIVCFM"), tracking_status::delivered);
  EXPECT_EQ(wire::map_tracking_code("PCHCFM"), tracking_status::picked_up);
  EXPECT_EQ(wire::map_tracking_code("ZZ9"), tracking_status::unknown);
  EXPECT_EQ(wire::map_tracking_code("DI3"), tracking_status::unknown);
  EXPECT_EQ(wire::map_tracking_code(""), tracking_status::unknown);
}

// --- answers -------------------------------------------------------------------------------------

TEST(SuiviCodec, SingleAnswerGivesEventsOldestFirstInUtcWithCarrierText) {
  auto out = wire::parse_suivi_response(
      response(200, "application/json", suivi_fixture("suivi_single_delivered.json")),
      {"6A20517734561"});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->misses.empty());
  ASSERT_EQ(out->events.size(), 5u);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"DR1", "2025-03-28T08:02:00Z"},
      {"PC1", "2025-03-28T16:30:00Z"},
      {"ET1", "2025-03-29T21:10:00Z"},
      {"MD2", "2025-03-31T05:45:00Z"},  // +02:00 after the change of 30 March
      {"DI1", "2025-03-31T08:12:00Z"}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(out->events[i].carrier_code, want[i].first) << i;
    EXPECT_EQ(out->events[i].occurred_at, want[i].second) << i;
    EXPECT_EQ(out->events[i].tracking_number, "6A20517734561");
  }
  EXPECT_EQ(out->events[0].status, tracking_status::label_created);
  EXPECT_EQ(out->events[3].status, tracking_status::out_for_delivery);
  EXPECT_EQ(out->events[4].status, tracking_status::delivered);
  EXPECT_EQ(out->events[4].carrier_text, "Votre colis a été remis au destinataire.");
}

TEST(SuiviCodec, SingleEnvelopeWrappedInAnArrayReadsTheSame) {
  const std::string body = "[" + suivi_fixture("suivi_single_delivered.json") + "]";
  auto out = wire::parse_suivi_response(response(200, "application/json", body), {"6A20517734561"});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->events.size(), 5u);
}

TEST(SuiviCodec, MultiStatusMixesFoundAndMisses) {
  const std::vector<std::string> ids = {"6H30011122233", "6A99999999990", "8R00000000012",
                                        "6A0000000000X"};
  auto out = wire::parse_suivi_response(
      response(207, "application/json", suivi_fixture("suivi_multi_status.json")), ids);
  ASSERT_TRUE(out) << out.error().message;
  auto found = events_of(*out, "6H30011122233");
  ASSERT_EQ(found.size(), 5u);
  EXPECT_EQ(found[0].carrier_code, "DR1");
  EXPECT_EQ(found[0].occurred_at, "2025-10-24T14:00:00Z");
  EXPECT_EQ(found[1].carrier_code, "PCHCFM");
  EXPECT_EQ(found[1].status, tracking_status::picked_up);
  EXPECT_EQ(found[2].occurred_at, "2025-10-26T01:40:00Z");  // +01:00 after the change
  EXPECT_EQ(found[3].carrier_code, "ZZ9");
  EXPECT_EQ(found[3].status, tracking_status::unknown);
  EXPECT_EQ(found[3].carrier_text, "Information complémentaire sur votre colis.");
  EXPECT_EQ(found[4].status, tracking_status::available_for_pickup);
  EXPECT_EQ(found[4].location, "TABAC DE LA GARE");
  EXPECT_EQ(found[4].occurred_at, "2025-10-27T10:05:00Z");

  ASSERT_EQ(out->misses.size(), 3u);
  const auto* not_yet = miss_of(*out, "6A99999999990");
  ASSERT_NE(not_yet, nullptr);
  EXPECT_EQ(not_yet->why.kind, error_kind::not_found);
  EXPECT_EQ(not_yet->why.carrier_code, "104");
  EXPECT_NE(not_yet->why.carrier_message.find("pas encore disponible"), std::string::npos);
  const auto* unknown = miss_of(*out, "8R00000000012");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->why.kind, error_kind::not_found);
  EXPECT_EQ(unknown->why.carrier_code, "105");
  const auto* malformed = miss_of(*out, "6A0000000000X");
  ASSERT_NE(malformed, nullptr);
  EXPECT_EQ(malformed->why.kind, error_kind::invalid_request);
}

TEST(SuiviCodec, NumbersMatchTheAnswerWhateverTheirCase) {
  auto out = wire::parse_suivi_response(
      response(200, "application/json", suivi_fixture("suivi_single_delivered.json")),
      {"6a20517734561"});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->misses.empty());
  ASSERT_EQ(out->events.size(), 5u);
  EXPECT_EQ(out->events[0].tracking_number, "6a20517734561");  // as the caller asked
}

TEST(SuiviCodec, RequestedNumberAbsentFromTheAnswerIsAnUnavailableMiss) {
  auto out = wire::parse_suivi_response(
      response(200, "application/json", suivi_fixture("suivi_single_delivered.json")),
      {"6A20517734561", "6A11111111116"});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->events.size(), 5u);
  const auto* m = miss_of(*out, "6A11111111116");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->why.kind, error_kind::unavailable);
}

TEST(SuiviCodec, SingleUnknownNumberAnswered404IsAMiss) {
  const std::string body =
      R"({"lang":"fr_FR","scope":"open","returnCode":104,"idShip":"6A99999999990",)"
      R"("returnMessage":"Numéro pas encore disponible."})";
  auto out = wire::parse_suivi_response(response(404, "application/json", body), {"6A99999999990"});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->events.empty());
  ASSERT_EQ(out->misses.size(), 1u);
  EXPECT_EQ(out->misses[0].why.kind, error_kind::not_found);
}

TEST(SuiviCodec, WholeRequestFailuresMapToTheirKinds) {
  const std::vector<std::string> ids = {"6A20517734561"};
  auto unauthorized = wire::parse_suivi_response(
      response(401, "application/json", R"({"code":"UNAUTHORIZED","message":"bad key"})"), ids);
  ASSERT_FALSE(unauthorized);
  EXPECT_EQ(unauthorized.error().kind, error_kind::auth_failed);
  EXPECT_EQ(unauthorized.error().carrier_code, "HTTP 401");
  EXPECT_EQ(unauthorized.error().carrier_message, "UNAUTHORIZED: bad key");

  auto limited = response(429, "application/json",
                          R"({"code":"TOO_MANY_REQUESTS","message":"max quota reached"})");
  limited.headers.push_back({"Retry-After", "7"});
  auto throttled = wire::parse_suivi_response(limited, ids);
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.error().kind, error_kind::rate_limited);
  EXPECT_EQ(throttled.error().retry_after_s, 7);

  auto busy = response(503, "text/html", "<html><body>503</body></html>");
  busy.headers.push_back({"Retry-After", "30"});
  auto down = wire::parse_suivi_response(busy, ids);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().kind, error_kind::unavailable);
  EXPECT_EQ(down.error().retry_after_s, 30);

  auto proxy = wire::parse_suivi_response(response(502, "text/html", "<html>502</html>"), ids);
  ASSERT_FALSE(proxy);
  EXPECT_EQ(proxy.error().kind, error_kind::unavailable);

  auto garbage = wire::parse_suivi_response(response(200, "application/json", "{\"ret"), ids);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().kind, error_kind::bad_gateway);

  auto teapot = wire::parse_suivi_response(response(418, "text/plain", "no"), ids);
  ASSERT_FALSE(teapot);
  EXPECT_EQ(teapot.error().kind, error_kind::bad_gateway);
}

TEST(SuiviCodec, EventWithoutOffsetMakesTheAnswerUnreadable) {
  std::string body = suivi_fixture("suivi_single_delivered.json");
  const std::string with = "2025-03-29T22:10:00+01:00\" }";
  const auto at = body.find(with);
  ASSERT_NE(at, std::string::npos);
  body.replace(at, with.size(), "2025-03-29T22:10:00\" }");
  auto out = wire::parse_suivi_response(response(200, "application/json", body), {"6A20517734561"});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::bad_gateway);
}

// --- the adapter ---------------------------------------------------------------------------------

TEST(ColissimoTracking, CapabilitiesAndSettings) {
  auto adapter = tracking_adapter();
  const auto caps = adapter->caps();
  EXPECT_TRUE(caps.tracking_poll);
  EXPECT_EQ(caps.tracking_batch, 10);
  EXPECT_DOUBLE_EQ(caps.tracking_requests_per_s, 10);
  bool key_is_secret = false, url_default = false;
  for (const auto& s : adapter->settings_schema()) {
    if (s.key == "okapi_key") key_is_secret = s.secret && !s.required;
    if (s.key == "tracking_url") url_default = s.default_value == "https://api.laposte.fr/suivi/v2";
  }
  EXPECT_TRUE(key_is_secret);
  EXPECT_TRUE(url_default);

  auto bad = adapters::make_colissimo_adapter();
  auto settings = tracking_settings();
  settings["tracking_url"] = "ftp://api.laposte.fr/suivi/v2";
  EXPECT_TRUE(colissimo_test::has_field(bad->configure(settings), "tracking_url"));
}

TEST(ColissimoTracking, RequestIsAnIdempotentGetWithTheOkapiKey) {
  auto adapter = tracking_adapter("k-123");
  recording_call call(response(207, "application/json", suivi_fixture("suivi_multi_status.json")));
  auto out = run(adapter->track({"6H30011122233", "6A99999999990"}, call));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(call.sent.size(), 1u);
  const auto& req = call.sent[0];
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url,
            "http://127.0.0.1:9443/laposte/suivi/v2/idships/6H30011122233,6A99999999990"
            "?lang=fr_FR");
  EXPECT_EQ(http::find_header(req.headers, "X-Okapi-Key"), "k-123");
  EXPECT_EQ(http::find_header(req.headers, "Accept"), "application/json");
  EXPECT_TRUE(req.body.empty());
  EXPECT_TRUE(req.idempotent);
  EXPECT_EQ(req.operation, "track");
  EXPECT_GT(req.max_exchanges(), 1);
  // A transport failure is retried; any HTTP answer (200, 207, 401, 429) is final.
  EXPECT_TRUE(req.retry.retries(make_error(error_kind::unavailable, "reset")));
  EXPECT_FALSE(req.retry.retries(response(207, "application/json", "[]")));
  EXPECT_FALSE(req.retry.retries(response(429, "application/json", "{}")));
  EXPECT_EQ(events_of(*out, "6H30011122233").size(), 5u);
  ASSERT_NE(miss_of(*out, "6A99999999990"), nullptr);
}

TEST(ColissimoTracking, WithoutOkapiKeyNothingIsSent) {
  auto adapter = tracking_adapter("");
  recording_call call(response(200, "application/json", "{}"));
  auto out = run(adapter->track({"6A20517734561"}, call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::auth_failed);
  EXPECT_NE(out.error().message.find("okapi_key"), std::string::npos);
  EXPECT_TRUE(call.sent.empty());
}

TEST(ColissimoTracking, MoreThanTenNumbersAreRefusedNotSplit) {
  auto adapter = tracking_adapter();
  recording_call call(response(207, "application/json", "[]"));
  std::vector<std::string> ids;
  for (int i = 0; i < 11; ++i) ids.push_back("6A2051773456" + std::to_string(i % 10));
  ids.back() = "6A20517734599";
  auto out = run(adapter->track(ids, call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  EXPECT_TRUE(call.sent.empty());

  ids.pop_back();  // ten go in one request
  auto ten = run(adapter->track(ids, call));
  EXPECT_FALSE(ten);  // the canned empty array answers none of them
  ASSERT_EQ(call.sent.size(), 1u);
  EXPECT_EQ(std::count(call.sent[0].url.begin(), call.sent[0].url.end(), ','), 9);
}

TEST(ColissimoTracking, MalformedNumbersAreMissesAndNeverSent) {
  auto adapter = tracking_adapter();
  recording_call call(
      response(200, "application/json", suivi_fixture("suivi_single_delivered.json")));
  auto out = run(adapter->track({"6A20517734561", "6A2051/34561", "SHORT", "6A20517734561"}, call));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(call.sent.size(), 1u);
  EXPECT_EQ(call.sent[0].url,
            "http://127.0.0.1:9443/laposte/suivi/v2/idships/6A20517734561?lang=fr_FR");
  EXPECT_EQ(out->events.size(), 5u);
  ASSERT_EQ(out->misses.size(), 2u);
  EXPECT_EQ(miss_of(*out, "6A2051/34561")->why.kind, error_kind::invalid_request);
  EXPECT_EQ(miss_of(*out, "SHORT")->why.kind, error_kind::invalid_request);

  recording_call none(response(200, "application/json", "{}"));
  auto all_bad = run(adapter->track({"bad id"}, none));
  ASSERT_TRUE(all_bad);
  EXPECT_TRUE(none.sent.empty());
  EXPECT_EQ(all_bad->misses.size(), 1u);
}

TEST(ColissimoTracking, TransportFailureIsTheWholeRequestsError) {
  auto adapter = tracking_adapter();
  recording_call call(make_error(error_kind::timeout, "deadline passed"));
  auto out = run(adapter->track({"6A20517734561"}, call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::timeout);
  EXPECT_EQ(out.error().carrier, "colissimo");
}

// --- round trips through the simulators ---------------------------------------------------------

struct SuiviRoundTrip : ::testing::Test {
  sim::sales_ledger ledger;
  std::unique_ptr<sim::carrier_sim> sls = sim::make_colissimo_sim(ledger, "http://127.0.0.1:9443");
  std::unique_ptr<carriers::carrier_adapter> adapter = tracking_adapter();

  std::string buy() {
    colissimo_test::simulator_call call(*sls);
    auto label = run(adapter->create_label(colissimo_test::sample_request(), call));
    EXPECT_TRUE(label) << (label ? "" : label.error().message);
    return label ? label->tracking_number : std::string{};
  }

  result<carriers::tracking_batch> track(sim::carrier_sim& suivi, std::vector<std::string> ids) {
    colissimo_test::simulator_call call(suivi);
    auto out = run(adapter->track(ids, call));
    EXPECT_EQ(call.calls, 1);
    return out;
  }
};

TEST_F(SuiviRoundTrip, SoldParcelShowsItsWholeTimelineAndUnsoldIsNotFound) {
  auto suivi = sim::make_laposte_suivi_sim(ledger, std::chrono::milliseconds{0});
  const std::string sold = buy();
  ASSERT_FALSE(sold.empty());
  const std::string never = sold.substr(0, 2) + "0000000000" + sold.substr(12);
  auto out = track(*suivi, {sold, never});
  ASSERT_TRUE(out) << out.error().message;
  auto events = events_of(*out, sold);
  ASSERT_EQ(events.size(), 5u);
  const std::vector<tracking_status> want = {
      tracking_status::label_created, tracking_status::picked_up, tracking_status::in_transit,
      tracking_status::out_for_delivery, tracking_status::delivered};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(events[i].status, want[i]) << events[i].carrier_code;
    EXPECT_FALSE(events[i].carrier_text.empty());
    EXPECT_EQ(events[i].occurred_at.size(), 20u) << events[i].occurred_at;
    EXPECT_TRUE(events[i].occurred_at.ends_with("Z")) << events[i].occurred_at;
  }
  const auto* m = miss_of(*out, never);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->why.kind, error_kind::not_found);
  EXPECT_EQ(m->why.carrier_code, "104");
}

TEST_F(SuiviRoundTrip, FreshParcelHasOnlyItsDeclarationAndSingleIdAnswers200) {
  auto suivi = sim::make_laposte_suivi_sim(ledger, std::chrono::hours{1});
  const std::string before = utc_now();
  const std::string sold = buy();
  const std::string after = utc_now();
  http::request req;
  req.method = "GET";
  req.target = req.path = "/laposte/suivi/v2/idships/" + sold;
  req.query = "lang=fr_FR";
  req.fields = {{"X-Okapi-Key", "sandbox-okapi"}, {"Accept", "application/json"}};
  auto raw = suivi->handle(req);
  EXPECT_EQ(raw.status, 200);
  EXPECT_TRUE(json::parse(raw.body).is_object());

  auto out = track(*suivi, {sold});
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->events.size(), 1u);
  EXPECT_EQ(out->events[0].carrier_code, "DR1");
  EXPECT_EQ(out->events[0].status, tracking_status::label_created);
  // The simulator writes France's local time with its offset; back in UTC it is the sale's time.
  EXPECT_LE(before, out->events[0].occurred_at);
  EXPECT_LE(out->events[0].occurred_at, after);
}

TEST_F(SuiviRoundTrip, WrongKeyIsAuthFailedAndBusyIsRateLimited) {
  auto suivi = sim::make_laposte_suivi_sim(ledger, std::chrono::milliseconds{0});
  const std::string sold = buy();
  auto wrong = tracking_adapter("not-the-key");
  colissimo_test::simulator_call call(*suivi);
  auto refused = run(wrong->track({sold}, call));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::auth_failed);

  http::request req;
  req.method = "GET";
  req.target = req.path = "/laposte/suivi/v2/idships/" + sold;
  auto busy = suivi->busy_answer(req);
  carriers::outbound_response as_received{
      .status = busy.status, .headers = busy.fields, .body = busy.body};
  auto throttled = wire::parse_suivi_response(as_received, {sold});
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.error().kind, error_kind::rate_limited);
  EXPECT_EQ(throttled.error().retry_after_s, 1);
}

TEST_F(SuiviRoundTrip, SimulatorRefusesMoreThanTenIds) {
  auto suivi = sim::make_laposte_suivi_sim(ledger, std::chrono::milliseconds{0});
  std::string list;
  for (int i = 0; i < 11; ++i)
    list += (i ? "," : "") + std::string("6A1234567890") + char('0' + i % 10);
  http::request req;
  req.method = "GET";
  req.target = req.path = "/laposte/suivi/v2/idships/" + list;
  req.fields = {{"X-Okapi-Key", "sandbox-okapi"}};
  EXPECT_EQ(suivi->handle(req).status, 400);
}

}  // namespace
