// Collection points reporting drop-offs and handovers (docs/points.md "Drop-offs and handovers"):
// a real gateway and carrier-sim, point keys made by parcelctl with --points, merchants' webhooks
// received by a small HTTP server in this process. The simulators' timelines stay still
// (CARRIER_SIM_STEP_SECONDS=manual) so that every status seen here comes from the scans.
// Run on both stores (tools/test.sh runs the suite again with PARCELGATE_TEST_STORE=postgresql).

#include <gtest/gtest.h>

#include <ctime>

#include "harness.hpp"
#include "hook_sink.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using pgtest::describe;
using pgtest::error_fields;
using pgtest::expect_problem;
using pgtest::hook_sink;
using pgtest::parse_object;
using pgtest::response;
using pgtest::stack;
using pgtest::string_at;
namespace json = boost::json;

const std::string kRelay = "mondialrelay:FR:020230";
const std::string kLocker = "colissimo:FR:123456";
const std::string kOtherRelay = "mondialrelay:FR:066974";

// `t` as RFC 3339 at a whole-hour UTC offset ("2026-12-02T09:14:00+01:00"; "Z" for 0).
std::string rfc3339_at(std::time_t t, int offset_hours) {
  const std::time_t shifted = t + offset_hours * 3600;
  std::tm tm{};
  ::gmtime_r(&shifted, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char zone[8] = "Z";
  if (offset_hours != 0) std::snprintf(zone, sizeof zone, "%+03d:00", offset_hours);
  return std::string(buf) + zone;
}

class point_scans : public ::testing::Test {
 protected:
  void SetUp() override {
    pgtest::stack_options o;
    o.extra_config =
        "webhooks: {allow_private_targets: true, retry_base_ms: 200, retry_max_ms: 400, poll_ms: "
        "50, timeout_ms: 3000}\n";
    o.env = {"CARRIER_SIM_STEP_SECONDS=manual"};
    env_ = std::make_unique<stack>(o);
    acme_ = env_->create_key("acme", "merchant");
    globex_ = env_->create_key("globex", "merchant");
    ops_ = env_->create_key("ops-team", "ops");
    // A relay network's key for one relay shop and one locker; another shop's key.
    point_ = env_->create_key("relais", "point", kRelay + "," + kLocker);
    other_point_ = env_->create_key("relais", "point", kOtherRelay);
  }

  struct parcel {
    std::string id, tracking_number;
  };
  parcel buy(const std::string& key, const std::string& carrier, const std::string& reference) {
    auto r = env_->call("POST", "/v1/shipments", key, pgtest::shipment_body(carrier, reference),
                        {{"Idempotency-Key", "idem-" + reference}});
    EXPECT_EQ(r.status, 201) << describe(r);
    auto o = parse_object(r.body);
    return {string_at(o, "id"), string_at(o, "tracking_number")};
  }
  response dropoff(const std::string& key, const std::string& point, const std::string& body) {
    return env_->call("POST", "/v1/points/" + point + "/dropoffs", key, body);
  }
  response drop(const std::string& point, const std::string& barcode) {
    return dropoff(point_, point, R"({"barcode": ")" + barcode + R"("})");
  }
  response handover(const std::string& point, const std::string& body) {
    return env_->call("POST", "/v1/points/" + point + "/handovers", point_, body);
  }
  std::string status_of(const std::string& id) {
    auto r = env_->call("GET", "/v1/shipments/" + id, acme_);
    return r.status == 200 ? string_at(parse_object(r.body), "status")
                           : "http " + std::to_string(r.status);
  }
  // The timeline's events of source point_scan.
  std::vector<json::object> point_events(const std::string& target, const std::string& key) {
    auto r = env_->call("GET", target, key);
    EXPECT_EQ(r.status, 200) << describe(r);
    std::vector<json::object> out;
    if (r.status != 200) return out;
    const auto timeline = parse_object(r.body);
    for (const auto& e : timeline.at("events").as_array())
      if (string_at(e.as_object(), "source") == "point_scan") out.push_back(e.as_object());
    return out;
  }
  // Keys of the answer that name nothing personal: the point sees ids, numbers and statuses.
  static void expect_no_personal_data(const std::string& body) {
    for (const auto* key : {"\"to\"", "\"from\"", "\"reference\"", "\"name\"", "\"line1\"",
                            "\"email\"", "\"phone\"", "\"parcels\"", "\"label\"", "\"tenant\""})
      EXPECT_EQ(body.find(key), std::string::npos) << key << " in " << body;
  }

  std::unique_ptr<stack> env_;
  std::string acme_, globex_, ops_, point_, other_point_;
};

TEST_F(point_scans, a_dropoff_reaches_the_timeline_the_status_and_the_merchants_webhook) {
  hook_sink hooks;
  auto hook =
      env_->call("POST", "/v1/webhooks", acme_,
                 R"({"url": ")" + hooks.url() + R"(", "events": ["shipment.status_changed"]})");
  ASSERT_EQ(hook.status, 201) << describe(hook);
  const auto p = buy(acme_, "mondialrelay", "drop-1");
  ASSERT_FALSE(p.tracking_number.empty());
  // Read once so that the tracking view is cached: the scan must make it stale.
  ASSERT_EQ(env_->call("GET", "/v1/tracking/" + p.tracking_number, acme_).status, 200);

  // Now, written in Paris winter time: answered in UTC.
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  const std::string utc = rfc3339_at(now, 0), paris = rfc3339_at(now, 1);
  auto r =
      dropoff(point_, kRelay,
              R"({"barcode": ")" + p.tracking_number + R"(", "scanned_at": ")" + paris + "\"}");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_TRUE(r.header("content-type").starts_with("application/json"));
  auto scan = parse_object(r.body);
  EXPECT_TRUE(string_at(scan, "id").starts_with("scn_")) << r.body;
  EXPECT_EQ(string_at(scan, "object"), "point_scan");
  EXPECT_EQ(string_at(scan, "point_id"), kRelay);
  EXPECT_EQ(string_at(scan, "kind"), "dropoff");
  EXPECT_EQ(string_at(scan, "shipment_id"), p.id);
  EXPECT_EQ(string_at(scan, "tracking_number"), p.tracking_number);
  EXPECT_EQ(string_at(scan, "carrier"), "mondialrelay");
  EXPECT_EQ(string_at(scan, "status"), "dropped_off");
  EXPECT_EQ(string_at(scan, "scanned_at"), utc);
  EXPECT_FALSE(string_at(scan, "recorded_at").empty());
  EXPECT_FALSE(scan.at("already_recorded").as_bool());
  expect_no_personal_data(r.body);

  EXPECT_EQ(status_of(p.id), "dropped_off");
  for (const auto& target :
       {"/v1/tracking/" + p.tracking_number, "/v1/shipments/" + p.id + "/events"}) {
    SCOPED_TRACE(target);
    auto events = point_events(target, acme_);
    ASSERT_EQ(events.size(), 1u);
    const auto& e = events[0];
    EXPECT_EQ(string_at(e, "status"), "dropped_off");
    EXPECT_EQ(string_at(e, "carrier_code"), "POINT_DROPOFF");
    EXPECT_EQ(string_at(e, "occurred_at"), utc);
    const auto& where = e.at("location").as_object();
    EXPECT_EQ(string_at(where, "point_id"), kRelay);
    EXPECT_EQ(string_at(where, "country"), "FR");
  }
  ASSERT_TRUE(pgtest::eventually(
      [&] {
        for (const auto& e : hooks.events("shipment.status_changed"))
          if (string_at(e.at("data").as_object(), "id") == p.id &&
              string_at(e.at("data").as_object(), "status") == "dropped_off")
            return true;
        return false;
      },
      10s))
      << env_->gateway_log();

  // The same scan again, later: the first scan's answer, no second event, no second webhook.
  auto again = drop(kRelay, p.tracking_number);
  ASSERT_EQ(again.status, 200) << describe(again);
  auto first = parse_object(again.body);
  EXPECT_TRUE(first.at("already_recorded").as_bool());
  EXPECT_EQ(string_at(first, "id"), string_at(scan, "id"));
  EXPECT_EQ(string_at(first, "scanned_at"), utc);
  EXPECT_EQ(point_events("/v1/shipments/" + p.id + "/events", acme_).size(), 1u);
  EXPECT_EQ(hooks.events("shipment.status_changed").size(), 1u);
}

TEST_F(point_scans, only_the_points_own_key_scans_there) {
  const auto p = buy(acme_, "mondialrelay", "auth-1");
  const std::string body = R"({"barcode": ")" + p.tracking_number + R"("})";
  expect_problem(dropoff(other_point_, kRelay, body), 403, "forbidden");
  expect_problem(dropoff(acme_, kRelay, body), 403, "forbidden");
  expect_problem(dropoff(ops_, kRelay, body), 403, "forbidden");  // ops read, never scan
  expect_problem(dropoff("", kRelay, body), 401);
  expect_problem(env_->call("POST", "/v1/points/" + kRelay + "/handovers", acme_,
                            R"({"carrier": "mondialrelay", "barcodes": ["1"]})"),
                 403, "forbidden");
  for (const auto& key : {acme_, other_point_})
    expect_problem(env_->call("GET", "/v1/points/" + kRelay + "/parcels", key), 403, "forbidden");
  EXPECT_EQ(status_of(p.id), "label_created");  // nothing refused was recorded
  // A point id that is not one: 404 for ops; for a point key it is simply not its own.
  expect_problem(env_->call("GET", "/v1/points/relay-020230/parcels", ops_), 404, "not-found");
  expect_problem(env_->call("GET", "/v1/points/relay-020230/parcels", point_), 403, "forbidden");
  // Its own points: both of them, and the listing for ops.
  EXPECT_EQ(drop(kRelay, p.tracking_number).status, 201);
  EXPECT_EQ(env_->call("GET", "/v1/points/" + kRelay + "/parcels", ops_).status, 200);
  EXPECT_EQ(env_->call("GET", "/v1/points/" + kLocker + "/parcels", point_).status, 200);
}

TEST_F(point_scans, a_point_finds_any_merchants_parcel_of_its_carrier_and_nothing_else) {
  const auto theirs = buy(globex_, "colissimo", "cross-1");
  const auto relay = buy(acme_, "mondialrelay", "cross-2");
  // The locker is Colissimo's: globex's Colissimo parcel, not the Mondial Relay one.
  auto ok = drop(kLocker, theirs.tracking_number);
  ASSERT_EQ(ok.status, 201) << describe(ok);
  expect_no_personal_data(ok.body);
  auto globex_view = env_->call("GET", "/v1/shipments/" + theirs.id, globex_);
  EXPECT_EQ(string_at(parse_object(globex_view.body), "status"), "dropped_off");
  auto wrong = drop(kLocker, relay.tracking_number);
  expect_problem(wrong, 404, "not-found");
  EXPECT_EQ(error_fields(wrong), std::set<std::string>{"barcode"});
  auto unknown = drop(kRelay, "99999999");
  expect_problem(unknown, 404, "not-found");
  EXPECT_EQ(error_fields(unknown), std::set<std::string>{"barcode"});
  expect_problem(drop(kRelay, "not a barcode"), 404, "not-found");
}

TEST_F(point_scans, bad_scans_are_refused_with_their_fields) {
  const auto p = buy(acme_, "mondialrelay", "bad-1");
  const auto cancelled = buy(acme_, "mondialrelay", "bad-2");
  ASSERT_EQ(env_->call("POST", "/v1/shipments/" + cancelled.id + "/cancel", acme_).status, 200);
  auto refused = drop(kRelay, cancelled.tracking_number);
  expect_problem(refused, 409, "shipment-cancelled");
  EXPECT_EQ(status_of(cancelled.id), "cancelled");

  auto fields_of = [&](const std::string& body) {
    auto r = dropoff(point_, kRelay, body);
    expect_problem(r, 422, "validation-error");
    return error_fields(r);
  };
  const std::string n = p.tracking_number;
  EXPECT_EQ(fields_of(R"({"return_code": "RMA-1234"})"), std::set<std::string>{"return_code"});
  auto code = dropoff(point_, kRelay, R"({"return_code": "RMA-1234"})");
  EXPECT_NE(code.body.find("is not a return code"), std::string::npos) << code.body;
  EXPECT_EQ(fields_of(R"({"barcode": ")" + n + R"(", "scanned_at": "2099-01-01T00:00:00Z"})"),
            std::set<std::string>{"scanned_at"});
  EXPECT_EQ(fields_of(R"({"barcode": ")" + n + R"(", "scanned_at": "2020-01-01T00:00:00Z"})"),
            std::set<std::string>{"scanned_at"});
  EXPECT_EQ(fields_of(R"({"barcode": ")" + n + R"(", "scanned_at": "yesterday"})"),
            std::set<std::string>{"scanned_at"});
  EXPECT_EQ(fields_of(R"({"barcode": 12345678, "colour": "red"})"),
            (std::set<std::string>{"barcode", "colour"}));
  EXPECT_EQ(fields_of("{}"), std::set<std::string>{"barcode"});
  expect_problem(dropoff(point_, kRelay, "{oops"), 400, "malformed-json");
  EXPECT_EQ(status_of(p.id), "label_created");
  EXPECT_TRUE(point_events("/v1/shipments/" + p.id + "/events", acme_).empty());
}

TEST_F(point_scans, a_handover_answers_each_parcel_and_one_failure_spares_the_others) {
  const auto a = buy(acme_, "mondialrelay", "hand-1");
  const auto b = buy(globex_, "mondialrelay", "hand-2");
  const auto other_network = buy(acme_, "colissimo", "hand-3");
  const auto cancelled = buy(acme_, "mondialrelay", "hand-4");
  ASSERT_EQ(env_->call("POST", "/v1/shipments/" + cancelled.id + "/cancel", acme_).status, 200);
  ASSERT_EQ(drop(kRelay, a.tracking_number).status, 201);

  const std::string body = R"({"carrier": "mondialrelay", "barcodes": [")" + a.tracking_number +
                           R"(", ")" + b.tracking_number + R"(", ")" + a.tracking_number +
                           R"(", "99999999", ")" + other_network.tracking_number + R"(", ")" +
                           cancelled.tracking_number + R"("]})";
  auto r = handover(kRelay, body);
  ASSERT_EQ(r.status, 200) << describe(r);
  expect_no_personal_data(r.body);
  auto answer = parse_object(r.body);
  EXPECT_EQ(string_at(answer, "point_id"), kRelay);
  EXPECT_EQ(string_at(answer, "carrier"), "mondialrelay");
  const auto& results = answer.at("results").as_array();
  ASSERT_EQ(results.size(), 5u) << r.body;  // a listed twice, answered once
  auto result = [&](std::size_t i) { return string_at(results[i].as_object(), "result"); };
  auto shipment = [&](std::size_t i) { return string_at(results[i].as_object(), "shipment_id"); };
  EXPECT_EQ(string_at(results[0].as_object(), "barcode"), a.tracking_number);
  EXPECT_EQ(result(0), "recorded");
  EXPECT_EQ(shipment(0), a.id);
  EXPECT_EQ(result(1), "recorded");  // never dropped off here: handed over all the same
  EXPECT_EQ(shipment(1), b.id);
  EXPECT_EQ(result(2), "not_found");
  EXPECT_EQ(shipment(2), "");
  EXPECT_EQ(result(3), "wrong_carrier");
  EXPECT_EQ(shipment(3), "");  // another network's parcel is not named
  EXPECT_EQ(result(4), "cancelled");
  EXPECT_EQ(answer.at("counts").as_object().at("recorded").as_int64(), 2);
  EXPECT_EQ(answer.at("counts").as_object().at("not_found").as_int64(), 1);

  EXPECT_EQ(status_of(a.id), "picked_up");
  EXPECT_EQ(status_of(cancelled.id), "cancelled");
  EXPECT_EQ(status_of(other_network.id), "label_created");
  auto events = point_events("/v1/shipments/" + a.id + "/events", acme_);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(string_at(events[1], "status"), "picked_up");
  EXPECT_EQ(string_at(events[1], "carrier_code"), "POINT_HANDOVER");
  EXPECT_EQ(string_at(events[1].at("location").as_object(), "point_id"), kRelay);

  // Again: already recorded, nothing added.
  auto again = handover(
      kRelay, R"({"carrier": "mondialrelay", "barcodes": [")" + a.tracking_number + R"("]})");
  ASSERT_EQ(again.status, 200) << describe(again);
  EXPECT_EQ(string_at(parse_object(again.body).at("results").as_array()[0].as_object(), "result"),
            "already_recorded");
  EXPECT_EQ(point_events("/v1/shipments/" + a.id + "/events", acme_).size(), 2u);

  auto fields_of = [&](const std::string& b2) {
    auto bad = handover(kRelay, b2);
    expect_problem(bad, 422, "validation-error");
    return error_fields(bad);
  };
  EXPECT_EQ(fields_of(R"({"carrier": "colissimo", "barcodes": ["1"]})"),
            std::set<std::string>{"carrier"});
  EXPECT_EQ(fields_of(R"({"carrier": "mondialrelay", "barcodes": []})"),
            std::set<std::string>{"barcodes"});
  EXPECT_EQ(fields_of(R"({"carrier": "mondialrelay", "barcodes": ["1", 2]})"),
            std::set<std::string>{"barcodes[1]"});
  std::string many = R"({"carrier": "mondialrelay", "barcodes": [)";
  for (int i = 0; i < 501; ++i) many += (i ? ",\"" : "\"") + std::to_string(10000000 + i) + "\"";
  EXPECT_EQ(fields_of(many + "]}"), std::set<std::string>{"barcodes"});
  EXPECT_EQ(
      fields_of(
          R"({"carrier": "mondialrelay", "barcodes": ["1"], "handed_at": "2099-01-01T00:00:00Z"})"),
      std::set<std::string>{"handed_at"});
}

TEST_F(point_scans, the_points_parcels_are_listed_by_state_and_paged) {
  const auto a = buy(acme_, "mondialrelay", "list-1");
  const auto b = buy(globex_, "mondialrelay", "list-2");
  const auto c = buy(acme_, "mondialrelay", "list-3");
  for (const auto* p : {&a, &b, &c}) ASSERT_EQ(drop(kRelay, p->tracking_number).status, 201);
  ASSERT_EQ(handover(kRelay,
                     R"({"carrier": "mondialrelay", "barcodes": [")" + a.tracking_number + R"("]})")
                .status,
            200);
  auto ids = [&](const std::string& query, const std::string& key, json::object* page = nullptr) {
    auto r = env_->call("GET", "/v1/points/" + kRelay + "/parcels" + query, key);
    EXPECT_EQ(r.status, 200) << describe(r);
    std::vector<std::string> out;
    if (r.status != 200) return out;
    expect_no_personal_data(r.body);
    auto o = parse_object(r.body);
    for (const auto& item : o.at("data").as_array())
      out.push_back(string_at(item.as_object(), "shipment_id"));
    if (page) *page = o;
    return out;
  };
  EXPECT_EQ(ids("", point_), (std::vector<std::string>{c.id, b.id}));
  EXPECT_EQ(ids("?state=awaiting_carrier", ops_), (std::vector<std::string>{c.id, b.id}));
  EXPECT_EQ(ids("?state=handed_over", point_), (std::vector<std::string>{a.id}));
  json::object page;
  EXPECT_EQ(ids("?limit=1", point_, &page), (std::vector<std::string>{c.id}));
  ASSERT_TRUE(page.at("has_more").as_bool());
  const std::string cursor = string_at(page, "next_cursor");
  ASSERT_TRUE(cursor.starts_with("scn_")) << json::serialize(page);
  EXPECT_EQ(ids("?limit=1&starting_after=" + cursor, point_, &page),
            (std::vector<std::string>{b.id}));
  EXPECT_FALSE(page.at("has_more").as_bool());
  EXPECT_TRUE(page.at("next_cursor").is_null());
  auto item =
      parse_object(env_->call("GET", "/v1/points/" + kRelay + "/parcels?limit=1", point_).body)
          .at("data")
          .as_array()[0]
          .as_object();
  EXPECT_EQ(string_at(item, "tracking_number"), c.tracking_number);
  EXPECT_EQ(string_at(item, "carrier"), "mondialrelay");
  EXPECT_EQ(string_at(item, "status"), "dropped_off");
  EXPECT_EQ(string_at(item, "kind"), "dropoff");
  // Another point has nothing; bad queries name their fields.
  EXPECT_TRUE(
      parse_object(env_->call("GET", "/v1/points/" + kOtherRelay + "/parcels", other_point_).body)
          .at("data")
          .as_array()
          .empty());
  auto bad =
      env_->call("GET", "/v1/points/" + kRelay + "/parcels?state=lost&limit=0&colour=red", point_);
  expect_problem(bad, 422, "validation-error");
  EXPECT_EQ(error_fields(bad), (std::set<std::string>{"state", "limit", "colour"}));
  auto foreign = env_->call(
      "GET", "/v1/points/" + kRelay + "/parcels?starting_after=scn_000000000000000", point_);
  expect_problem(foreign, 422);
  EXPECT_EQ(error_fields(foreign), std::set<std::string>{"starting_after"});
}

}  // namespace
