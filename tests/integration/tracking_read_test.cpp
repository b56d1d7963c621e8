// The tracking read side on a real gateway (both stores): GET /v1/tracking/{number},
// GET /v1/shipments/{id}/events and the public page GET /track/{number}. Scans are applied with
// the gateway's own tracking_service on the stack's store (tracking_seed.hpp); every JSON answer
// of these routes is validated against the served /openapi.json.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "harness.hpp"
#include "test_support.hpp"
#include "tracking_seed.hpp"

namespace {

using parcelgate::tracking_status;
using pgtest::describe;
using pgtest::expect_problem;
using pgtest::response;
using pgtest::scan;
namespace fs = std::filesystem;
namespace json = boost::json;

const std::string kValidator = std::string(SOURCE_DIR) + "/tests/integration/openapi_validate.py";

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16 |
                 static_cast<unsigned char>(in[i + 1]) << 8 | static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

class tracking_read : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<pgtest::stack>();
    acme_ = env_->create_key("acme", "merchant");
    globex_ = env_->create_key("globex", "merchant");
    ops_ = env_->create_key("ops-team", "ops");
  }

  // A request recorded for validation against the document (`path` is the route template).
  response call(const std::string& path, const std::string& target, const std::string& key,
                pgtest::header_list headers = {}) {
    auto r = env_->call("GET", target, key, {}, std::move(headers));
    EXPECT_NE(r.status, 0) << target << ": " << r.body;
    exchanges_.push_back({path, r});
    return r;
  }

  json::object buy(const std::string& carrier, const std::string& reference) {
    auto r = env_->call("POST", "/v1/shipments", acme_, pgtest::shipment_body(carrier, reference),
                        {{"Idempotency-Key", reference}});
    EXPECT_EQ(r.status, 201) << describe(r);
    return pgtest::parse_object(r.body);
  }

  // Every recorded exchange matches the served document.
  void validate() {
    auto doc = env_->call("GET", "/openapi.json", "");
    ASSERT_EQ(doc.status, 200);
    const auto doc_file = env_->dir() / "openapi.json";
    const auto list_file = env_->dir() / "exchanges.jsonl";
    std::ofstream(doc_file) << doc.body;
    std::ofstream list(list_file);
    for (const auto& [path, r] : exchanges_) {
      json::object headers;
      for (const auto& [k, v] : r.headers) headers[k] = v;
      list << json::serialize(json::object{{"method", "GET"},
                                           {"path", path},
                                           {"status", r.status},
                                           {"headers", std::move(headers)},
                                           {"body_base64", base64(r.body)}})
           << "\n";
    }
    list.close();
    std::string report;
    EXPECT_EQ(pgtest::run_program(
                  {"/usr/bin/python3", kValidator, doc_file.string(), list_file.string()}, &report),
              0)
        << report;
    EXPECT_NE(report.find(" 0 problem(s)"), std::string::npos) << report;
  }

  std::unique_ptr<pgtest::stack> env_;
  std::string acme_, globex_, ops_;
  std::vector<std::pair<std::string, response>> exchanges_;
};

constexpr const char* kByNumber = "/v1/tracking/{tracking_number}";
constexpr const char* kById = "/v1/shipments/{id}/events";
constexpr const char* kPage = "/track/{tracking_number}";

TEST_F(tracking_read, a_new_label_is_read_by_number_and_by_id_by_its_own_tenant_only) {
  const auto shipment = buy("colissimo", "track-new-1");
  const std::string id = pgtest::string_at(shipment, "id");
  const std::string number = pgtest::string_at(shipment, "tracking_number");
  ASSERT_FALSE(number.empty()) << json::serialize(shipment);

  auto by_number = call(kByNumber, "/v1/tracking/" + number, acme_);
  ASSERT_EQ(by_number.status, 200) << describe(by_number);
  auto o = pgtest::parse_object(by_number.body);
  EXPECT_EQ(pgtest::string_at(o, "tracking_number"), number);
  EXPECT_EQ(pgtest::string_at(o, "carrier"), "colissimo");
  EXPECT_EQ(pgtest::string_at(o, "shipment_id"), id);
  EXPECT_EQ(pgtest::string_at(o, "status"), "label_created");
  EXPECT_TRUE(o.at("estimated_delivery").is_null());
  ASSERT_EQ(o.at("events").as_array().size(), 1u) << by_number.body;
  const auto& created = o.at("events").as_array()[0].as_object();
  EXPECT_EQ(pgtest::string_at(created, "status"), "label_created");
  EXPECT_EQ(pgtest::string_at(created, "source"), "gateway");
  EXPECT_EQ(pgtest::string_at(created, "occurred_at"), pgtest::string_at(shipment, "created_at"));
  // The same timeline by shipment id, and for an ops key.
  auto by_id = call(kById, "/v1/shipments/" + id + "/events", acme_);
  EXPECT_EQ(by_id.status, 200);
  EXPECT_EQ(by_id.body, by_number.body);
  EXPECT_EQ(call(kByNumber, "/v1/tracking/" + number, ops_).body, by_number.body);
  EXPECT_EQ(call(kById, "/v1/shipments/" + id + "/events", ops_).body, by_number.body);

  // Another tenant's number or id is 404, like an unknown or malformed one.
  expect_problem(call(kByNumber, "/v1/tracking/" + number, globex_), 404, "not-found");
  expect_problem(call(kById, "/v1/shipments/" + id + "/events", globex_), 404, "not-found");
  expect_problem(call(kByNumber, "/v1/tracking/6A00000000000", acme_), 404, "not-found");
  expect_problem(call(kByNumber, "/v1/tracking/6A15%2F98", acme_), 404, "not-found");
  expect_problem(call(kById, "/v1/shipments/shp_000000000000000/events", acme_), 404, "not-found");
  expect_problem(call(kById, "/v1/shipments/nope/events", acme_), 404, "not-found");
  // The wrong carrier finds nothing; an unknown carrier or parameter is a 422.
  expect_problem(call(kByNumber, "/v1/tracking/" + number + "?carrier=mondialrelay", acme_), 404,
                 "not-found");
  EXPECT_EQ(call(kByNumber, "/v1/tracking/" + number + "?carrier=colissimo", acme_).status, 200);
  auto bad = call(kByNumber, "/v1/tracking/" + number + "?carrier=ups&colour=red", acme_);
  expect_problem(bad, 422, "validation-error");
  EXPECT_EQ(pgtest::error_fields(bad), (std::set<std::string>{"carrier", "colour"}));
  expect_problem(call(kById, "/v1/shipments/" + id + "/events?limit=2", acme_), 422,
                 "validation-error");
  // Keys: none is 401, a point key 403.
  expect_problem(call(kByNumber, "/v1/tracking/" + number, ""), 401, "unauthorized");
  expect_problem(call(kById, "/v1/shipments/" + id + "/events", ""), 401, "unauthorized");
  const auto point = env_->create_key("acme", "point");
  expect_problem(call(kByNumber, "/v1/tracking/" + number, point), 403, "forbidden");
  validate();
}

TEST_F(tracking_read, applied_scans_are_served_oldest_first_with_stable_ids) {
  const auto shipment = buy("mondialrelay", "track-scans-1");
  const std::string id = pgtest::string_at(shipment, "id");
  const std::string number = pgtest::string_at(shipment, "tracking_number");
  pgtest::scan_writer writer(env_->config_file());
  using ts = tracking_status;
  // Out of order on purpose, one of them twice: the timeline sorts and deduplicates.
  EXPECT_EQ(writer.apply("acme", id,
                         {scan(ts::in_transit, "10", "2030-01-02T21:40:00Z",
                               "<script>alert(1)</script> Colis en transit", "Lyon"),
                          scan(ts::dropped_off, "1", "2030-01-02T09:15:00+01:00",
                               "Colis déposé en Point Relais", "Paris")}),
            "in_transit");
  EXPECT_EQ(writer.apply("acme", id,
                         {scan(ts::available_for_pickup, "24", "2030-01-03T09:05:00Z",
                               "Disponible au Point Relais", "Villeurbanne", "020230"),
                          scan(ts::in_transit, "10", "2030-01-02T21:40:00Z",
                               "<script>alert(1)</script> Colis en transit", "Lyon")}),
            "available_for_pickup");

  auto first = call(kByNumber, "/v1/tracking/" + number, acme_);
  ASSERT_EQ(first.status, 200) << describe(first);
  auto o = pgtest::parse_object(first.body);
  EXPECT_EQ(pgtest::string_at(o, "status"), "available_for_pickup");
  EXPECT_EQ(pgtest::string_at(o, "status_detail"), "Disponible au Point Relais");
  const auto& events = o.at("events").as_array();
  ASSERT_EQ(events.size(), 4u) << first.body;
  std::vector<std::string> statuses, ids;
  for (const auto& e : events) {
    statuses.push_back(pgtest::string_at(e.as_object(), "status"));
    ids.push_back(pgtest::string_at(e.as_object(), "id"));
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"label_created", "dropped_off", "in_transit",
                                                "available_for_pickup"}));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 4u);
  const auto& dropped = events[1].as_object();
  EXPECT_EQ(pgtest::string_at(dropped, "occurred_at"), "2030-01-02T08:15:00Z");  // stored in UTC
  EXPECT_EQ(pgtest::string_at(dropped, "carrier_code"), "1");
  EXPECT_EQ(pgtest::string_at(dropped, "source"), "carrier_poll");
  const auto& ready = events[3].as_object().at("location").as_object();
  EXPECT_EQ(pgtest::string_at(ready, "city"), "Villeurbanne");
  EXPECT_EQ(pgtest::string_at(ready, "point_id"), "020230");
  // The same ids on the next read and by shipment id; a new scan adds one and changes none.
  EXPECT_EQ(call(kById, "/v1/shipments/" + id + "/events", acme_).body, first.body);
  EXPECT_EQ(writer.apply("acme", id,
                         {scan(ts::delivered, "31", "2030-01-04T15:00:00Z", "Colis remis",
                               "Villeurbanne", "020230")}),
            "delivered");
  auto later = pgtest::parse_object(call(kByNumber, "/v1/tracking/" + number, ops_).body);
  const auto& after = later.at("events").as_array();
  ASSERT_EQ(after.size(), 5u);
  for (std::size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(pgtest::string_at(after[i].as_object(), "id"), ids[i]);
  EXPECT_EQ(pgtest::string_at(later, "status"), "delivered");
  expect_problem(call(kByNumber, "/v1/tracking/" + number, globex_), 404, "not-found");
  validate();
}

TEST_F(tracking_read, the_public_page_shows_the_timeline_in_the_viewer_language_only) {
  const auto shipment = buy("mondialrelay", "track-page-1");
  const std::string id = pgtest::string_at(shipment, "id");
  const std::string number = pgtest::string_at(shipment, "tracking_number");
  pgtest::scan_writer writer(env_->config_file());
  using ts = tracking_status;
  writer.apply("acme", id,
               {scan(ts::dropped_off, "1", "2030-01-02T08:15:00Z", "Colis déposé", "Paris"),
                scan(ts::available_for_pickup, "24", "2030-07-03T09:05:00Z",
                     "<img src=x onerror=alert(1)>Disponible", "Villeurbanne", "020230")});

  // An 8-digit number: the page first asks for the destination postal code, whatever the number.
  auto form = call(kPage, "/track/" + number, "");
  ASSERT_EQ(form.status, 200) << describe(form);
  EXPECT_NE(form.body.find("name=\"postal_code\""), std::string::npos);
  EXPECT_EQ(form.body.find("id=\"timeline\""), std::string::npos);
  EXPECT_EQ(form.body.find(number), std::string::npos);
  EXPECT_EQ(call(kPage, "/track/99999999", "").body, form.body);
  auto wrong_code = call(kPage, "/track/" + number + "?postal_code=75001", "");
  EXPECT_EQ(wrong_code.status, 404);

  auto en = call(kPage, "/track/" + number + "?postal_code=69100", "");
  ASSERT_EQ(en.status, 200) << describe(en);
  EXPECT_EQ(en.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(en.header("cache-control"), "no-store");
  EXPECT_EQ(en.header("content-language"), "en");
  EXPECT_NE(en.header("content-security-policy").find("default-src 'none'"), std::string::npos);
  EXPECT_NE(en.header("content-security-policy").find("style-src 'sha256-"), std::string::npos);
  EXPECT_EQ(en.header("x-content-type-options"), "nosniff");
  EXPECT_NE(en.body.find("Ready for pickup"), std::string::npos);
  EXPECT_NE(en.body.find("Mondial Relay"), std::string::npos);
  EXPECT_NE(en.body.find(number), std::string::npos);
  EXPECT_NE(en.body.find("data-point-id=\"020230\""), std::string::npos);
  // Summer in Paris: 09:05 UTC is 11:05 (UTC+2).
  EXPECT_NE(en.body.find("3 July 2030, 11:05 (Paris time, UTC+2)"), std::string::npos) << en.body;
  EXPECT_EQ(en.body.find("<img"), std::string::npos);
  EXPECT_NE(en.body.find("&lt;img src=x onerror=alert(1)&gt;Disponible"), std::string::npos);
  EXPECT_EQ(en.body.find("<script"), std::string::npos);
  for (const char* personal : {"Marie", "Curie", "33611223344", "example.test", "cours Andre",
                               "rue de Rivoli", "Acme", "track-page-1", "acme"})
    EXPECT_EQ(en.body.find(personal), std::string::npos) << personal;

  auto fr = call(kPage, "/track/" + number + "?postal_code=69%20100", "",
                 {{"Accept-Language", "de;q=1, fr-FR;q=0.8, en;q=0.5"}});
  ASSERT_EQ(fr.status, 200);
  EXPECT_EQ(fr.header("content-language"), "fr");
  EXPECT_NE(fr.body.find("Disponible au point de retrait"), std::string::npos);
  EXPECT_NE(fr.body.find("3 juillet 2030, 11:05 (heure de Paris, UTC+2)"), std::string::npos);
  auto forced = call(kPage, "/track/" + number + "?lang=en&postal_code=69100", "",
                     {{"Accept-Language", "fr"}});
  EXPECT_EQ(forced.header("content-language"), "en");

  // HEAD: the same status and headers, no body.
  {
    pgtest::connection raw(env_->gateway_url(), env_->ca_file());
    ASSERT_TRUE(raw.write_raw("HEAD /track/" + number + "?postal_code=69100" +
                              " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    bool closed = false;
    const auto bytes = raw.read_until_close(std::chrono::seconds(10), &closed);
    EXPECT_TRUE(closed);
    EXPECT_TRUE(bytes.starts_with("HTTP/1.1 200")) << bytes;
    EXPECT_NE(bytes.find(en.header("content-security-policy")), std::string::npos) << bytes;
    EXPECT_TRUE(bytes.ends_with("\r\n\r\n")) << "HEAD sent a body";
  }

  // Unknown, malformed, or with a carrier that does not have it: one and the same 404 page.
  auto unknown = call(kPage, "/track/99999999?postal_code=69100", "");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(unknown.body.find("Tracking number not found"), std::string::npos);
  auto malformed = call(kPage, "/track/%3Cscript%3E", "");
  EXPECT_EQ(malformed.status, 404);
  EXPECT_EQ(malformed.body.find("<script"), std::string::npos);
  auto wrong_carrier = call(kPage, "/track/" + number + "?carrier=colissimo&postal_code=69100", "");
  EXPECT_EQ(wrong_carrier.status, 404);
  auto unconfigured = call(kPage, "/track/" + number + "?carrier=ups&postal_code=69100", "");
  EXPECT_EQ(unconfigured.status, 404);
  EXPECT_EQ(malformed.body, unknown.body);
  EXPECT_EQ(wrong_code.body, unknown.body);
  EXPECT_EQ(wrong_carrier.body, unknown.body);
  EXPECT_EQ(unconfigured.body, unknown.body);
  EXPECT_EQ(wrong_carrier.body.find(number), std::string::npos);
  validate();
}

TEST_F(tracking_read, a_number_two_carriers_use_is_ambiguous_until_the_carrier_is_named) {
  pgtest::scan_writer writer(env_->config_file());
  const std::string number = "7777777777777";
  const auto colissimo = writer.add_shipment("acme", "colissimo", number);
  const auto relay = writer.add_shipment("acme", "mondialrelay", number);
  const auto elsewhere = writer.add_shipment("globex", "colissimo", "8888888888888");
  ASSERT_FALSE(colissimo.empty() || relay.empty() || elsewhere.empty());

  auto ambiguous = call(kByNumber, "/v1/tracking/" + number, acme_);
  expect_problem(ambiguous, 409, "ambiguous-tracking-number");
  EXPECT_EQ(pgtest::error_fields(ambiguous), (std::set<std::string>{"carrier"}));
  EXPECT_NE(ambiguous.body.find("colissimo"), std::string::npos);
  EXPECT_NE(ambiguous.body.find("mondialrelay"), std::string::npos);
  auto chosen = call(kByNumber, "/v1/tracking/" + number + "?carrier=mondialrelay", acme_);
  ASSERT_EQ(chosen.status, 200) << describe(chosen);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(chosen.body), "shipment_id"), relay);
  // globex has neither: 404, not 409 (the other tenant's shipments are not counted).
  expect_problem(call(kByNumber, "/v1/tracking/" + number, globex_), 404, "not-found");
  EXPECT_EQ(call(kByNumber, "/v1/tracking/8888888888888", globex_).status, 200);

  // The page lets the viewer choose; with the carrier named it shows that parcel.
  auto choice = call(kPage, "/track/" + number, "");
  ASSERT_EQ(choice.status, 200);
  EXPECT_NE(choice.body.find("href=\"?carrier=colissimo&amp;lang=en\""), std::string::npos)
      << choice.body;
  EXPECT_NE(choice.body.find("href=\"?carrier=mondialrelay&amp;lang=en\""), std::string::npos);
  auto page = call(kPage, "/track/" + number + "?carrier=colissimo", "");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Colissimo"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"timeline\""), std::string::npos);
  validate();
}

}  // namespace
