// Mondial Relay tracking: the WSI2_TracingColisDetaille request, French local time -> UTC,
// tracing answers -> tracking_batch, the adapter's track() on scripted answers, and a round trip
// through the in-process simulator.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "adapters/mondialrelay/adapter.hpp"
#include "adapters/mondialrelay/tracking.hpp"
#include "tests/adapters/mondialrelay/test_support.hpp"

namespace mr = parcelgate::adapters::mondialrelay;
using namespace parcelgate;
using testing_mr::answer;
using testing_mr::run;
using testing_mr::scripted_call;

namespace {

const time_zone& paris() {
  static const time_zone zone = [] {
    auto z = time_zone::load("Europe/Paris");
    if (!z) throw std::runtime_error(z.error().message);
    return std::move(*z);
  }();
  return zone;
}

std::string tracing_body(std::string_view fields) {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope "
             "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>"
             "<WSI2_TracingColisDetailleResponse xmlns=\"http://www.mondialrelay.fr/webservice/\">"
             "<WSI2_TracingColisDetailleResult>") +
         std::string(fields) +
         "</WSI2_TracingColisDetailleResult></WSI2_TracingColisDetailleResponse></soap:Body>"
         "</soap:Envelope>";
}

std::string step(std::string_view label, std::string_view date, std::string_view time,
                 std::string_view place, std::string_view relay = "",
                 std::string_view country = "") {
  return "<ret_WSI2_sub_TracingColisDetaille><Libelle>" + std::string(label) + "</Libelle><Date>" +
         std::string(date) + "</Date><Heure>" + std::string(time) + "</Heure><Emplacement>" +
         std::string(place) + "</Emplacement><Relais_Num>" + std::string(relay) +
         "</Relais_Num><Relais_Pays>" + std::string(country) +
         "</Relais_Pays></ret_WSI2_sub_TracingColisDetaille>";
}

const std::string kPlaceholder =
    "<ret_WSI2_sub_TracingColisDetaille><Libelle /><Date /><Heure /><Emplacement /><Relais_Num />"
    "<Relais_Pays /></ret_WSI2_sub_TracingColisDetaille>";

// A delivered relay parcel over the October DST change: picked up in summer time, delivered in
// winter time, the list padded with empty entries as the service does.
std::string delivered_answer() {
  return tracing_body(
      "<STAT>82</STAT><Libelle01>COLIS LIVRÉ</Libelle01>"
      "<Relais_Libelle>TABAC DE LA MAIRIE              </Relais_Libelle>"
      "<Relais_Num>020230</Relais_Num><Libelle02 /><Tracing>" +
      step("PRISE EN CHARGE EN AGENCE", "23/10/26", "18:40", "SAINT-ETIENNE             ") +
      step("COLIS EN COURS D'ACHEMINEMENT", "24/10/2026", "04:12", "LYON                      ") +
      step("DISPONIBLE AU POINT RELAIS", "26/10/26", "09:12", "PARIS                     ",
           "020230", "FR") +
      step("COLIS LIVRÉ", "27/10/26", "17:05", "PARIS                     ", "020230", "FR") +
      kPlaceholder + kPlaceholder + kPlaceholder + "</Tracing>");
}

std::string stat_only(int stat) {
  return tracing_body("<STAT>" + std::to_string(stat) + "</STAT>");
}

// ---- request ------------------------------------------------------------------------------------

TEST(MondialRelayTrackingRequest, carries_the_published_security_example) {
  auto req = mr::build_tracing_request(
      "https://api.mondialrelay.com",
      mr::account{.enseigne = "BDTEST13", .private_key = "PrivateK"}, "12345678");
  // MD5("BDTEST13" + "12345678" + "FR" + "PrivateK"), wire-format reference test vector.
  EXPECT_NE(req.body.find("<Security>33DA5F122DAA40241087CC7845BEA4B1</Security>"),
            std::string::npos)
      << req.body;
  EXPECT_NE(req.body.find("<Enseigne>BDTEST13</Enseigne><Expedition>12345678</Expedition>"
                          "<Langue>FR</Langue>"),
            std::string::npos);
  EXPECT_EQ(req.url, "https://api.mondialrelay.com/Web_Services.asmx");
  EXPECT_EQ(req.method, "POST");
  ASSERT_EQ(req.headers.size(), 2u);
  EXPECT_EQ(req.headers[1].value,
            "\"http://www.mondialrelay.fr/webservice/WSI2_TracingColisDetaille\"");
  EXPECT_TRUE(req.idempotent);
  EXPECT_EQ(req.operation, "track");
  EXPECT_EQ(req.max_exchanges(), 3);
}

// ---- time ---------------------------------------------------------------------------------------

TEST(MondialRelayTrackingTime, winter_dates_are_utc_plus_one) {
  EXPECT_EQ(mr::tracing_time_utc("15/01/26", "10:00", paris()), "2026-01-15T09:00:00Z");
  EXPECT_EQ(mr::tracing_time_utc("31/12/2026", "00:30", paris()), "2026-12-30T23:30:00Z");
}

TEST(MondialRelayTrackingTime, summer_dates_are_utc_plus_two) {
  EXPECT_EQ(mr::tracing_time_utc("15/07/2026", "10:00", paris()), "2026-07-15T08:00:00Z");
  EXPECT_EQ(mr::tracing_time_utc("01/08/26", "1:05", paris()), "2026-07-31T23:05:00Z");
}

TEST(MondialRelayTrackingTime, days_of_the_change_follow_the_rules) {
  // 29 March 2026: 02:00 CET -> 03:00 CEST (01:00 UTC).
  EXPECT_EQ(mr::tracing_time_utc("29/03/26", "01:59", paris()), "2026-03-29T00:59:00Z");
  EXPECT_EQ(mr::tracing_time_utc("29/03/26", "03:00", paris()), "2026-03-29T01:00:00Z");
  EXPECT_EQ(mr::tracing_time_utc("29/03/26", "02:30", paris()), "2026-03-29T01:30:00Z");  // gap
  // 25 October 2026: 03:00 CEST -> 02:00 CET (01:00 UTC); 02:30 happens twice, first one taken.
  EXPECT_EQ(mr::tracing_time_utc("25/10/26", "02:30", paris()), "2026-10-25T00:30:00Z");
  EXPECT_EQ(mr::tracing_time_utc("25/10/26", "03:30", paris()), "2026-10-25T02:30:00Z");
}

TEST(MondialRelayTrackingTime, unreadable_dates_and_times_are_refused) {
  for (auto [d, t] :
       std::vector<std::pair<std::string_view, std::string_view>>{{"32/01/26", "10:00"},
                                                                  {"29/02/26", "10:00"},
                                                                  {"15/01/260", "10:00"},
                                                                  {"15-01-26", "10:00"},
                                                                  {"15/01/26", "24:00"},
                                                                  {"15/01/26", "10h00"},
                                                                  {"15/01/26", ""},
                                                                  {"", "10:00"}})
    EXPECT_FALSE(mr::tracing_time_utc(d, t, paris())) << d << " " << t;
}

// ---- answers ------------------------------------------------------------------------------------

TEST(MondialRelayTrackingDecode, maps_steps_to_events_and_skips_placeholders) {
  auto batch = mr::decode_tracking("41098765", 200, delivered_answer(), paris());
  ASSERT_TRUE(batch) << batch.error().message;
  EXPECT_TRUE(batch->misses.empty());
  ASSERT_EQ(batch->events.size(), 4u);  // 3 placeholders skipped
  const auto& e = batch->events;
  EXPECT_EQ(e[0].status, tracking_status::picked_up);
  EXPECT_EQ(e[0].occurred_at, "2026-10-23T16:40:00Z");  // CEST
  EXPECT_EQ(e[0].location, "SAINT-ETIENNE");
  EXPECT_EQ(e[0].point_id, "");
  EXPECT_EQ(e[1].status, tracking_status::in_transit);
  EXPECT_EQ(e[1].occurred_at, "2026-10-24T02:12:00Z");  // four-digit year
  EXPECT_EQ(e[1].carrier_code, "COLIS EN COURS D'ACHEMINEMENT");
  EXPECT_EQ(e[2].status, tracking_status::available_for_pickup);
  EXPECT_EQ(e[2].occurred_at, "2026-10-26T08:12:00Z");  // CET after the change
  EXPECT_EQ(e[2].point_id, "mondialrelay:FR:020230");
  EXPECT_EQ(e[2].country, "FR");
  EXPECT_EQ(e[3].status, tracking_status::delivered);
  EXPECT_EQ(e[3].carrier_text, "COLIS LIVRÉ");  // as published
  EXPECT_EQ(e[3].carrier_code, "COLIS LIVRE");
  for (const auto& ev : e) EXPECT_EQ(ev.tracking_number, "41098765");
}

TEST(MondialRelayTrackingDecode, keeps_oldest_first_when_the_service_lists_newest_first) {
  auto body = tracing_body("<STAT>81</STAT><Tracing>" +
                           step("COLIS EN COURS D'ACHEMINEMENT", "03/10/26", "04:12", "LYON") +
                           step("PRISE EN CHARGE EN AGENCE", "02/10/26", "18:40", "SAINT-ETIENNE") +
                           kPlaceholder + "</Tracing>");
  auto batch = mr::decode_tracking("41098765", 200, body, paris());
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->events.size(), 2u);
  EXPECT_EQ(batch->events[0].status, tracking_status::picked_up);
  EXPECT_EQ(batch->events[1].status, tracking_status::in_transit);
}

TEST(MondialRelayTrackingDecode, an_unmapped_latest_label_takes_the_overall_stat) {
  auto body =
      tracing_body("<STAT>83</STAT><Tracing>" +
                   step("PRISE EN CHARGE EN AGENCE", "02/10/26", "18:40", "SAINT-ETIENNE") +
                   step("XYZ INCONNU", "03/10/26", "04:12", "LYON") +
                   step("ZZZ AUTRE", "03/10/26", "05:00", "LYON") + kPlaceholder + "</Tracing>");
  auto batch = mr::decode_tracking("41098765", 200, body, paris());
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->events.size(), 3u);
  EXPECT_EQ(batch->events[1].status, tracking_status::unknown);    // not the latest
  EXPECT_EQ(batch->events[2].status, tracking_status::exception);  // STAT 83 anomaly
}

TEST(MondialRelayTrackingDecode, registered_parcel_without_steps_is_neither_event_nor_miss) {
  auto body = tracing_body("<STAT>80</STAT><Libelle01>COLIS ENREGISTRE</Libelle01><Tracing>" +
                           kPlaceholder + kPlaceholder + "</Tracing>");
  auto batch = mr::decode_tracking("41098765", 200, body, paris());
  ASSERT_TRUE(batch);
  EXPECT_TRUE(batch->events.empty());
  EXPECT_TRUE(batch->misses.empty());
}

TEST(MondialRelayTrackingDecode, unknown_numbers_are_misses) {
  for (int stat : {24, 94}) {
    auto batch = mr::decode_tracking("00000001", 200, stat_only(stat), paris());
    ASSERT_TRUE(batch) << stat;
    EXPECT_TRUE(batch->events.empty());
    ASSERT_EQ(batch->misses.size(), 1u);
    EXPECT_EQ(batch->misses[0].tracking_number, "00000001");
    EXPECT_EQ(batch->misses[0].why.kind, error_kind::not_found);
    EXPECT_EQ(batch->misses[0].why.carrier_code, "STAT " + std::to_string(stat));
  }
}

TEST(MondialRelayTrackingDecode, credential_stats_fail_the_request_as_auth_failed) {
  for (int stat : {1, 2, 3, 8, 95, 96, 97}) {
    auto batch = mr::decode_tracking("41098765", 200, stat_only(stat), paris());
    ASSERT_FALSE(batch) << stat;
    EXPECT_EQ(batch.error().kind, error_kind::auth_failed) << stat;
    EXPECT_EQ(batch.error().carrier, "mondialrelay");
    EXPECT_TRUE(batch.error().fields.empty());
  }
}

TEST(MondialRelayTrackingDecode, service_failures_fail_the_request) {
  auto kind_of = [](int status, std::string body) {
    auto batch = mr::decode_tracking("41098765", status, body, paris());
    return batch ? std::optional<error_kind>{} : std::optional{batch.error().kind};
  };
  EXPECT_EQ(kind_of(200, stat_only(99)), error_kind::unavailable);
  EXPECT_EQ(kind_of(200, stat_only(98)), error_kind::bad_gateway);
  EXPECT_EQ(kind_of(200, stat_only(57)), error_kind::bad_gateway);  // undocumented
  EXPECT_EQ(kind_of(200, stat_only(74)), error_kind::internal);     // our Langue
  EXPECT_EQ(kind_of(503, "Service Unavailable"), error_kind::unavailable);
  EXPECT_EQ(kind_of(200, "<html>oops"), error_kind::bad_gateway);
  EXPECT_EQ(kind_of(200, tracing_body("<Libelle01>x</Libelle01>")), error_kind::bad_gateway);
  EXPECT_EQ(kind_of(500, testing_mr::fixture("soap_fault_server.xml")), error_kind::unavailable);
  // A step whose date cannot be read is not guessed at.
  EXPECT_EQ(kind_of(200, tracing_body("<STAT>81</STAT><Tracing>" +
                                      step("TRI", "2026-10-03", "04:12", "LYON") + "</Tracing>")),
            error_kind::bad_gateway);
}

// ---- adapter ------------------------------------------------------------------------------------

std::unique_ptr<carriers::carrier_adapter> configured() {
  auto a = adapters::make_mondialrelay_adapter();
  EXPECT_TRUE(a->configure(testing_mr::sandbox_settings()).empty());
  return a;
}

TEST(MondialRelayTrackingAdapter, announces_polling_one_number_per_request) {
  auto c = configured()->caps();
  EXPECT_TRUE(c.tracking_poll);
  EXPECT_FALSE(c.tracking_push);
  EXPECT_EQ(c.tracking_batch, 1);
  EXPECT_EQ(c.tracking_requests_per_s, 0);  // none published
}

TEST(MondialRelayTrackingAdapter, polls_and_retries_an_unavailable_service) {
  int n = 0;
  scripted_call call(
      [&n](const carriers::outbound_request&) -> result<carriers::outbound_response> {
        if (n++ == 0) return answer(503, "Service Unavailable", "text/html");
        return answer(200, delivered_answer(), "text/xml; charset=utf-8");
      });
  auto batch = run(configured()->track({"41098765"}, call));
  ASSERT_TRUE(batch) << batch.error().message;
  EXPECT_EQ(batch->events.size(), 4u);
  EXPECT_EQ(call.requests, 1);
  ASSERT_EQ(call.sent.size(), 2u);
  EXPECT_EQ(call.waits, std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(200)});
  EXPECT_EQ(call.sent[0].url, "http://127.0.0.1:9443/mondialrelay/Web_Services.asmx");
}

TEST(MondialRelayTrackingAdapter, malformed_numbers_are_misses_without_a_request) {
  scripted_call call([](const carriers::outbound_request&) -> result<carriers::outbound_response> {
    return answer(200, stat_only(24), "text/xml; charset=utf-8");
  });
  auto batch = run(configured()->track({"1234", "ABCDEFGH"}, call));
  ASSERT_TRUE(batch);
  EXPECT_EQ(call.requests, 0);
  ASSERT_EQ(batch->misses.size(), 2u);
  EXPECT_EQ(batch->misses[0].why.kind, error_kind::invalid_request);
}

// ---- simulator ----------------------------------------------------------------------------------

// Sets CARRIER_SIM_MONDIALRELAY_STEP_SECONDS while alive (read when a simulator is made).
struct step_seconds {
  explicit step_seconds(const char* value) {
    ::setenv("CARRIER_SIM_MONDIALRELAY_STEP_SECONDS", value, 1);
  }
  ~step_seconds() { ::unsetenv("CARRIER_SIM_MONDIALRELAY_STEP_SECONDS"); }
};

TEST(MondialRelayTrackingSimulator, round_trip_through_the_adapter) {
  step_seconds whole_sequence("0");
  sim::sales_ledger ledger;
  auto simulator = sim::make_mondialrelay_sim(ledger, "http://127.0.0.1:9443");
  testing_mr::simulator_call call(*simulator);
  auto adapter = configured();
  auto bought = run(adapter->create_label(testing_mr::pickup_point_request(), call));
  ASSERT_TRUE(bought) << bought.error().message;

  auto batch = run(adapter->track({bought->tracking_number, "00000001"}, call));
  ASSERT_TRUE(batch) << batch.error().message;
  ASSERT_EQ(batch->events.size(), 4u);
  std::vector<tracking_status> statuses;
  for (const auto& e : batch->events) statuses.push_back(e.status);
  EXPECT_EQ(statuses, (std::vector<tracking_status>{
                          tracking_status::picked_up, tracking_status::in_transit,
                          tracking_status::available_for_pickup, tracking_status::delivered}));
  EXPECT_EQ(batch->events[2].point_id, "mondialrelay:FR:020230");
  EXPECT_EQ(batch->events[0].location, "SAINT-ETIENNE");
  // The simulator writes French wall-clock time; read back as UTC it is within minutes of now
  // (a UTC or double-converted time would be one or two hours off).
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  for (const auto& e : batch->events) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    ASSERT_EQ(std::sscanf(e.occurred_at.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &sec),
              6)
        << e.occurred_at;
    std::chrono::sys_seconds t = std::chrono::sys_days{std::chrono::year{y} / mo / d} +
                                 std::chrono::hours{h} + std::chrono::minutes{mi} +
                                 std::chrono::seconds{sec};
    EXPECT_LE(std::chrono::abs(t - now), std::chrono::minutes(3)) << e.occurred_at;
  }
  ASSERT_EQ(batch->misses.size(), 1u);
  EXPECT_EQ(batch->misses[0].tracking_number, "00000001");
  EXPECT_EQ(batch->misses[0].why.kind, error_kind::not_found);
  EXPECT_EQ(batch->misses[0].why.carrier_code, "STAT 24");

  auto wrong_key = adapters::make_mondialrelay_adapter();
  ASSERT_TRUE(wrong_key->configure(testing_mr::sandbox_settings("Nope")).empty());
  auto refused = run(wrong_key->track({bought->tracking_number}, call));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::auth_failed);
  EXPECT_EQ(refused.error().carrier_code, "STAT 97");
}

TEST(MondialRelayTrackingSimulator, pads_the_list_and_starts_registered) {
  sim::sales_ledger ledger;
  auto simulator = sim::make_mondialrelay_sim(ledger, "http://127.0.0.1:9443");
  testing_mr::simulator_call call(*simulator);
  auto adapter = configured();
  auto bought = run(adapter->create_label(testing_mr::pickup_point_request(), call));
  ASSERT_TRUE(bought);
  auto raw = call.sent.size();
  auto batch = run(adapter->track({bought->tracking_number}, call));
  ASSERT_TRUE(batch);
  EXPECT_TRUE(batch->events.empty());  // default timeline: first step after a minute
  EXPECT_TRUE(batch->misses.empty());
  ASSERT_EQ(call.sent.size(), raw + 1);
  // The raw answer keeps the service's empty placeholder entries.
  http::request in;
  in.method = "POST";
  in.target = in.path = "/mondialrelay/Web_Services.asmx";
  in.fields = call.sent.back().headers;
  in.body = call.sent.back().body;
  auto out = simulator->handle(in);
  EXPECT_NE(out.body.find("<STAT>80</STAT>"), std::string::npos);
  EXPECT_NE(out.body.find("<Libelle /><Date /><Heure />"), std::string::npos) << out.body;
}

}  // namespace
