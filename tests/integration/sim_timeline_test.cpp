// Scripted scan timelines of the carrier simulator, through real processes: labels bought
// through the gateway, scenarios scripted and parcels advanced with the simulator's control
// routes (/_sim/timeline, /_sim/advance), then the simulator's own tracking services asked
// directly over HTTPS — La Poste Suivi v2 for Colissimo, WSI2_TracingColisDetaille for Mondial
// Relay — whose carrier-format answers must list the scripted codes in order, with times written
// as each carrier writes them. The gateway's own tracking is not involved.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::stack;
namespace json = boost::json;
using namespace std::chrono;

std::string md5_upper_hex(const std::string& s) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(s.data(), s.size(), digest, &length, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0F]);
  }
  return out;
}

std::string buy(stack& env, const std::string& key, const std::string& carrier,
                const std::string& reference) {
  auto created = env.call("POST", "/v1/shipments", key, pgtest::shipment_body(carrier, reference),
                          {{"Idempotency-Key", "timeline-" + reference}});
  EXPECT_EQ(created.status, 201) << pgtest::describe(created);
  return pgtest::string_at(pgtest::parse_object(created.body), "tracking_number");
}

pgtest::response suivi(stack& env, const std::string& ids) {
  return pgtest::request(env.sim_url(), "GET", "/laposte/suivi/v2/idships/" + ids + "?lang=fr_FR",
                         {}, {{"X-Okapi-Key", "sandbox-okapi"}, {"Accept", "application/json"}},
                         env.ca_file());
}

pgtest::response tracing(stack& env, const std::string& expedition) {
  const std::string security = md5_upper_hex("BDTEST13" + expedition + "FR" + "PrivateK");
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope "
      "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
      "<WSI2_TracingColisDetaille xmlns=\"http://www.mondialrelay.fr/webservice/\">"
      "<Enseigne>BDTEST13</Enseigne><Expedition>" +
      expedition + "</Expedition><Langue>FR</Langue><Security>" + security +
      "</Security></WSI2_TracingColisDetaille></soap:Body></soap:Envelope>";
  return pgtest::request(
      env.sim_url(), "POST", "/mondialrelay/Web_Services.asmx", body,
      {{"Content-Type", "text/xml; charset=utf-8"},
       {"SOAPAction", "\"http://www.mondialrelay.fr/webservice/WSI2_TracingColisDetaille\""}},
      env.ca_file());
}

// The text of every <tag>...</tag> in `xml`, in order (empty elements skipped).
std::vector<std::string> elements(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (auto at = xml.find(open); at != std::string::npos; at = xml.find(open, at)) {
    at += open.size();
    auto end = xml.find(close, at);
    if (end == std::string::npos) break;
    out.push_back(xml.substr(at, end - at));
  }
  return out;
}

// "2026-03-29T03:05:00+02:00" -> the instant, and its offset in `offset`.
std::optional<sys_seconds> read_offset_time(const std::string& s, minutes* offset) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, oh = 0, om = 0;
  char sign = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d", &y, &mo, &d, &h, &mi, &sec, &sign,
                  &oh, &om) != 9 ||
      (sign != '+' && sign != '-'))
    return std::nullopt;
  *offset = minutes{(sign == '-' ? -1 : 1) * (oh * 60 + om)};
  return sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{sec} - *offset;
}

json::object post_json(stack& env, const std::string& target, const std::string& body,
                       int want_status) {
  auto r = env.sim("POST", target, body);
  EXPECT_EQ(r.status, want_status) << target << " " << body << " -> " << pgtest::describe(r);
  return pgtest::parse_object(r.body);
}

TEST(sim_timeline, scripted_and_advanced_parcels_show_their_codes_in_the_carriers_own_formats) {
  stack env;
  const std::string key = env.create_key("acme", "merchant");
  const std::string colissimo = buy(env, key, "colissimo", "tl-col-1");
  const std::string mondialrelay = buy(env, key, "mondialrelay", "tl-mr-1");
  ASSERT_EQ(colissimo.size(), 13u);
  ASSERT_EQ(mondialrelay.size(), 8u);

  // Colissimo: refused, moved by hand only, then all the way to its end.
  auto scripted = post_json(
      env, "/_sim/timeline",
      R"({"tracking_number": ")" + colissimo + R"(", "scenario": "refused", "step_seconds": 0})",
      200);
  EXPECT_EQ(pgtest::string_at(scripted, "scenario"), "refused");
  EXPECT_EQ(pgtest::string_at(scripted, "carrier"), "colissimo");
  EXPECT_TRUE(scripted.at("step_seconds").is_null());
  EXPECT_EQ(scripted.at("reached").as_int64(), 1);  // DR1 since the sale
  auto ended = post_json(env, "/_sim/advance",
                         R"({"tracking_number": ")" + colissimo + R"(", "to": "DI2"})", 200);
  EXPECT_TRUE(ended.at("at_end").as_bool());
  EXPECT_EQ(ended.at("current").at("status").as_string(), "returned_to_sender");

  // Mondial Relay: the default scenario (delivered, one step a minute), advanced on demand:
  // two steps, then past the end, where it stays.
  auto two = post_json(env, "/_sim/advance",
                       R"({"tracking_number": ")" + mondialrelay + R"(", "steps": 2})", 200);
  EXPECT_EQ(two.at("current").at("code").as_string(), "COLIS EN COURS D'ACHEMINEMENT");
  EXPECT_EQ(pgtest::string_at(two, "delivery"), "point");
  auto end = post_json(env, "/_sim/advance",
                       R"({"tracking_number": ")" + mondialrelay + R"(", "steps": 10})", 200);
  EXPECT_TRUE(end.at("at_end").as_bool());
  EXPECT_EQ(end.at("reached").as_int64(), 4);

  // La Poste Suivi v2, straight from the simulator.
  auto col = suivi(env, colissimo);
  ASSERT_EQ(col.status, 200) << pgtest::describe(col);
  auto shipment = pgtest::parse_object(col.body).at("shipment").as_object();
  EXPECT_TRUE(shipment.at("isFinal").as_bool());
  std::vector<std::string> codes;
  const auto now = floor<seconds>(system_clock::now());
  for (const auto& e : shipment.at("event").as_array()) {  // newest first
    codes.insert(codes.begin(), std::string(e.at("code").as_string()));
    minutes offset{};
    auto when = read_offset_time(std::string(e.at("date").as_string()), &offset);
    ASSERT_TRUE(when) << e.at("date");
    EXPECT_TRUE(offset == hours{1} || offset == hours{2}) << e.at("date");
    EXPECT_LE(abs(*when - now), minutes{5}) << e.at("date");
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"DR1", "PC1", "ET1", "MD2", "ND1", "RE1", "DI2"}));

  // WSI2_TracingColisDetaille, straight from the simulator.
  auto mr = tracing(env, mondialrelay);
  ASSERT_EQ(mr.status, 200) << pgtest::describe(mr);
  EXPECT_EQ(elements(mr.body, "STAT"), std::vector<std::string>{"82"}) << mr.body;
  const auto tracing_list = mr.body.substr(mr.body.find("<Tracing>"));
  EXPECT_EQ(elements(tracing_list, "Libelle"),
            (std::vector<std::string>{"PRISE EN CHARGE EN AGENCE", "COLIS EN COURS D'ACHEMINEMENT",
                                      "DISPONIBLE AU POINT RELAIS", "COLIS LIVRÉ"}))
      << tracing_list;
  const auto relays = elements(tracing_list, "Relais_Num");
  ASSERT_EQ(relays.size(), 4u);
  EXPECT_EQ(relays[1], "");
  EXPECT_EQ(relays[2], "020230");
  EXPECT_EQ(relays[3], "020230");
  // French wall-clock time, date and time apart: one or two hours ahead of UTC.
  const auto dates = elements(tracing_list, "Date"), times = elements(tracing_list, "Heure");
  ASSERT_EQ(dates.size(), 4u);
  ASSERT_EQ(times.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    int d = 0, mo = 0, y = 0, h = 0, mi = 0;
    ASSERT_EQ(std::sscanf(dates[i].c_str(), "%2d/%2d/%2d", &d, &mo, &y), 3) << dates[i];
    ASSERT_EQ(std::sscanf(times[i].c_str(), "%2d:%2d", &h, &mi), 2) << times[i];
    EXPECT_EQ(dates[i].size(), 8u);
    EXPECT_EQ(times[i].size(), 5u);
    const sys_seconds wall = sys_days{year{2000 + y} / mo / d} + hours{h} + minutes{mi};
    const auto ahead = wall - now;
    EXPECT_GE(ahead, hours{1} - minutes{5}) << dates[i] << " " << times[i];
    EXPECT_LE(ahead, hours{2} + minutes{5}) << dates[i] << " " << times[i];
  }
}

TEST(sim_timeline, control_routes_refuse_bad_input_and_reset_forgets_timelines) {
  stack env;
  const std::string key = env.create_key("acme", "merchant");
  const std::string colissimo = buy(env, key, "colissimo", "tl-col-2");
  const std::string mondialrelay = buy(env, key, "mondialrelay", "tl-mr-2");

  auto unknown = env.sim("POST", "/_sim/advance", R"({"tracking_number": "6A99999999999"})");
  EXPECT_EQ(unknown.status, 404) << pgtest::describe(unknown);
  EXPECT_EQ(unknown.header("content-type"), "application/problem+json");
  EXPECT_EQ(pgtest::parse_object(unknown.body).at("status").as_int64(), 404);
  auto bad = env.sim("POST", "/_sim/advance",
                     R"({"tracking_number": ")" + colissimo + R"(", "steps": -3})");
  EXPECT_EQ(bad.status, 422) << pgtest::describe(bad);
  EXPECT_EQ(bad.header("content-type"), "application/problem+json");
  EXPECT_NE(bad.body.find(R"("field":"steps")"), std::string::npos) << bad.body;
  auto no_variant =
      env.sim("POST", "/_sim/timeline",
              R"({"tracking_number": ")" + mondialrelay + R"(", "scenario": "absent_recipient"})");
  EXPECT_EQ(no_variant.status, 422) << pgtest::describe(no_variant);
  EXPECT_NE(no_variant.body.find(R"("field":"scenario")"), std::string::npos);
  auto not_json = env.sim("POST", "/_sim/timeline", "scenario=refused");
  EXPECT_EQ(not_json.status, 400) << pgtest::describe(not_json);

  auto read = env.sim("GET", "/_sim/timeline?tracking_number=" + mondialrelay);
  ASSERT_EQ(read.status, 200) << pgtest::describe(read);
  EXPECT_EQ(pgtest::parse_object(read.body).at("reached").as_int64(), 0);

  ASSERT_EQ(env.sim("POST", "/_sim/reset").status, 200);
  auto gone = env.sim("POST", "/_sim/advance", R"({"tracking_number": ")" + colissimo + R"("})");
  EXPECT_EQ(gone.status, 404) << pgtest::describe(gone);
}

TEST(sim_timeline, environment_sets_the_scenario_and_pace_of_new_parcels) {
  pgtest::stack_options options;
  options.env = {"CARRIER_SIM_SCENARIO_MONDIALRELAY=lost", "CARRIER_SIM_STEP_SECONDS=0"};
  stack env(options);
  const std::string key = env.create_key("acme", "merchant");
  const std::string mondialrelay = buy(env, key, "mondialrelay", "tl-mr-3");
  const std::string colissimo = buy(env, key, "colissimo", "tl-col-3");

  auto mr = tracing(env, mondialrelay);  // every step at once
  ASSERT_EQ(mr.status, 200) << pgtest::describe(mr);
  EXPECT_EQ(elements(mr.body, "STAT"), std::vector<std::string>{"83"}) << mr.body;
  const auto tracing_list = mr.body.substr(mr.body.find("<Tracing>"));
  EXPECT_EQ(elements(tracing_list, "Libelle"),
            (std::vector<std::string>{"PRISE EN CHARGE EN AGENCE", "COLIS EN COURS D'ACHEMINEMENT",
                                      "ANOMALIE - COLIS EN RECHERCHE"}));
  auto col = suivi(env, colissimo);  // the global pace, the default scenario
  ASSERT_EQ(col.status, 200) << pgtest::describe(col);
  auto events = pgtest::parse_object(col.body).at("shipment").at("event").as_array();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].at("code").as_string(), "DI1");

  // A setting the simulator cannot read stops it at start.
  std::string output;
  const int rc = pgtest::run_program({CARRIER_SIM_BIN, "--listen", "127.0.0.1:0", "--plain"},
                                     &output, {"CARRIER_SIM_SCENARIO=stolen"});
  EXPECT_EQ(rc, 2) << output;
  EXPECT_NE(output.find("CARRIER_SIM_SCENARIO"), std::string::npos) << output;
}

}  // namespace
