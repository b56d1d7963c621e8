// The OpenAPI document tells the truth: every route of the served table is exercised for its
// success and for representative problems (400, 401, 403, 404, 409, 413, 415, 422, 429, 502, 503,
// 504), each real answer (status, content type, headers, body) is recorded and validated against
// GET /openapi.json by tests/integration/openapi_validate.py (JSON Schema 2020-12 through
// python3-jsonschema, the document's $refs resolved), which also checks the document itself.
// The validator is shown to fail on undocumented statuses, fields and media types, on missing
// required fields, and on the address schema the document used to have (null company, line2,
// email and parcel reference typed as plain strings).

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::describe;
using pgtest::expect_problem;
using pgtest::header_list;
using pgtest::response;
using pgtest::stack;
namespace fs = std::filesystem;
namespace json = boost::json;

const std::string kValidator = std::string(SOURCE_DIR) + "/tests/integration/openapi_validate.py";

const std::string kParisToLyon = R"({"from": {"country": "FR", "postal_code": "75001"},
  "to": {"country": "FR", "postal_code": "69001"}, "parcels": [{"weight_g": 1000}], "date": "2026-06-01"})";

const std::string kCompareBody = R"({"date": "2026-06-01", "shipments": [
    {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "69001",
     "weight_g": 1000, "service": "pickup_point"},
    {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "13001",
     "weight_g": 2500, "service": "home", "contract": "colissimo-2026", "billed_amount": "1.00", "currency": "EUR"},
    {"from_country": "FR", "from_postal_code": "75001", "weight_g": 1000, "service": "home"}]})";

const std::string kCompareCsv =
    "date,direction,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_mm,"
    "width_mm,height_mm,"
    "service\n"
    "2026-06-01,outbound,FR,75001,FR,69001,1000,,,,home\n"
    "2026-06-01,outbound,FR,75001,FR,20000,1000,,,,home\n";

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

struct exchange {
  std::string method;
  std::string path;  // the route template, as in the document
  response answer;
};

std::string to_jsonl(const std::vector<exchange>& list) {
  std::string out;
  for (const auto& x : list) {
    json::object headers;
    for (const auto& [k, v] : x.answer.headers) headers[k] = v;
    out += json::serialize(json::object{{"method", x.method},
                                        {"path", x.path},
                                        {"status", x.answer.status},
                                        {"headers", std::move(headers)},
                                        {"body_base64", base64(x.answer.body)}}) +
           "\n";
  }
  return out;
}

class openapi_contract : public ::testing::Test {
 protected:
  void start(bool with_tariffs, int rate_limit = 100000, long long max_body_bytes = 0) {
    pgtest::stack_options options;
    options.max_body_bytes = max_body_bytes;
    options.carrier_timeout_s = 2;  // the 504 case waits for it
    options.client_timeout = std::chrono::seconds(20);
    options.rate_limit = rate_limit;
    if (with_tariffs) {
      tariffs_ = fs::temp_directory_path() /
                 ("pg-openapi-tariffs-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
      fs::remove_all(tariffs_);
      fs::create_directories(tariffs_);
      for (const auto& f : fs::directory_iterator(fs::path(SOURCE_DIR) / "config/tariffs"))
        if (f.path().extension() == ".yaml")
          fs::copy_file(f.path(), tariffs_ / f.path().filename());
      options.extra_config = "tariffs: \"" + tariffs_.string() + "\"\n";
    }
    // InPost pushes its scans (POST /v1/carriers/{carrier}/events): one more carrier, in the
    // stack's carriers map, which the extra config continues.
    options.extra_config =
        "  inpost: {base_url: \"{sim_url}/inpost\", token: sandbox-inpost-token, "
        "organization_id: \"6183\", push_token: push-secret}\n" +
        options.extra_config;
    env_ = std::make_unique<stack>(options);
  }
  void TearDown() override {
    env_.reset();
    if (!tariffs_.empty()) fs::remove_all(tariffs_);
  }

  // One request, recorded for validation.
  response call(const std::string& method, const std::string& path_template,
                const std::string& target, const std::string& key, const std::string& body = {},
                header_list headers = {}) {
    auto r = env_->call(method, target, key, body, std::move(headers));
    EXPECT_NE(r.status, 0) << method << " " << target << ": " << r.body;
    exchanges_.push_back({method, path_template, r});
    return r;
  }

  response buy(const std::string& key, const std::string& body,
               const std::string& idempotency_key) {
    return call("POST", "/v1/shipments", "/v1/shipments", key, body,
                {{"Idempotency-Key", idempotency_key}});
  }

  fs::path write(const std::string& name, const std::string& text) {
    auto path = env_->dir() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string document() {
    auto r = env_->call("GET", "/openapi.json", "");
    EXPECT_EQ(r.status, 200) << describe(r);
    return r.body;
  }

  // Runs the validator; returns its exit status, its report in `report`.
  int validate(const std::string& doc, const std::vector<exchange>& list, bool require_coverage,
               std::string* report) {
    auto doc_file = write("openapi.json", doc);
    auto exchanges_file = write("exchanges.jsonl", to_jsonl(list));
    std::vector<std::string> argv{"/usr/bin/python3", kValidator, doc_file.string(),
                                  exchanges_file.string()};
    if (require_coverage) argv.emplace_back("--require-coverage");
    return pgtest::run_program(argv, report);
  }

  std::unique_ptr<stack> env_;
  fs::path tariffs_;
  std::vector<exchange> exchanges_;
};

TEST_F(openapi_contract, every_route_answers_as_the_document_says) {
  start(true);
  const auto merchant = env_->create_key("acme", "merchant");
  const auto other = env_->create_key("globex", "merchant");
  const auto ops = env_->create_key("ops-team", "ops");
  const auto point = env_->create_key("acme", "point");

  // System routes.
  EXPECT_EQ(call("GET", "/healthz", "/healthz", "").status, 200);
  EXPECT_EQ(call("GET", "/readyz", "/readyz", "").status, 200);
  EXPECT_EQ(call("GET", "/metrics", "/metrics", "").status, 200);
  EXPECT_EQ(call("GET", "/openapi.json", "/openapi.json", "").status, 200);
  EXPECT_EQ(call("GET", "/v1/carriers", "/v1/carriers", point).status, 200);
  expect_problem(call("GET", "/v1/carriers", "/v1/carriers", ""), 401, "unauthorized");
  expect_problem(call("GET", "/v1/carriers", "/v1/carriers", "pg_merchant_not-a-key"), 401,
                 "unauthorized");

  // Purchases. The first leaves company, line2, phone, email and the parcel reference out, so
  // the answer carries them as null.
  const std::string minimal = R"({"carrier": "colissimo", "service": "home",
    "from": {"name": "Acme", "line1": "10 rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR"},
    "to": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne", "postal_code": "69100",
           "country": "FR", "phone": "+33611223344"},
    "parcels": [{"weight_g": 1200}]})";
  auto bought = buy(merchant, minimal, "contract-minimal");
  ASSERT_EQ(bought.status, 201) << describe(bought);
  const auto shipment = pgtest::parse_object(bought.body);
  EXPECT_TRUE(shipment.at("from").as_object().at("company").is_null()) << bought.body;
  EXPECT_TRUE(shipment.at("from").as_object().at("line2").is_null());
  EXPECT_TRUE(shipment.at("from").as_object().at("email").is_null());
  EXPECT_TRUE(shipment.at("parcels").as_array()[0].as_object().at("reference").is_null());
  const std::string id = pgtest::string_at(shipment, "id");
  auto replay = buy(merchant, minimal, "contract-minimal");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");

  const std::string full =
      R"({"reference": "order-9", "carrier": "colissimo", "service": "home_signature",
    "direction": "outbound", "carrier_service": null,
    "from": {"name": "Acme", "company": "Acme SAS", "line1": "10 rue de Rivoli", "line2": "Bat. B", "city": "Paris",
             "postal_code": "75001", "country": "FR", "phone": "+33612345678", "email": "ops@acme.test"},
    "to": {"name": "Marie Curie", "company": null, "line1": "31 cours Andre Philip", "line2": "3e etage",
           "city": "Villeurbanne", "postal_code": "69100", "country": "FR", "phone": "+33611223344",
           "email": "marie@example.test"},
    "parcels": [{"weight_g": 800, "dimensions_mm": {"length": 200, "width": 150, "height": 100}, "reference": "box-1"}],
    "label": {"format": "zpl", "size": "4x6"}})";
  auto zpl = buy(merchant, full, "contract-full");
  ASSERT_EQ(zpl.status, 201) << describe(zpl);
  const std::string zpl_id = pgtest::string_at(pgtest::parse_object(zpl.body), "id");
  auto relay = buy(merchant, pgtest::shipment_body("mondialrelay", "relay-1"), "contract-relay");
  ASSERT_EQ(relay.status, 201) << describe(relay);
  auto automatic = buy(merchant,
                       R"({"carrier": "auto", "selection": "fastest", "service": "home",
    "from": {"name": "Acme", "line1": "10 rue de Rivoli", "city": "Paris", "postal_code": "75001", "country": "FR"},
    "to": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne", "postal_code": "69100",
           "country": "FR", "phone": "+33611223344"},
    "parcels": [{"weight_g": 1200}]})",
                       "contract-auto");
  ASSERT_EQ(automatic.status, 201) << describe(automatic);
  EXPECT_TRUE(pgtest::parse_object(automatic.body).at("rate").is_object()) << automatic.body;

  expect_problem(call("POST", "/v1/shipments", "/v1/shipments", merchant, minimal), 400,
                 "idempotency-key-required");
  expect_problem(buy(merchant, "{oops", "contract-bad-json"), 400, "malformed-json");
  expect_problem(call("POST", "/v1/shipments", "/v1/shipments", merchant, minimal,
                      {{"Idempotency-Key", "contract-text"}, {"Content-Type", "text/plain"}}),
                 415, "unsupported-media-type");
  expect_problem(buy(merchant, R"({"carrier": "colissimo", "service": "teleport", "parcels": []})",
                     "contract-422"),
                 422, "validation-error");
  expect_problem(buy(merchant, full, "contract-minimal"), 422, "idempotency-key-reused");
  expect_problem(buy(ops, minimal, "contract-ops"), 403, "forbidden");

  // A carrier slower than the carrier timeout (2 s): the purchase ends in 504 with a
  // pending_confirmation shipment; while it is at the carrier, the same key answers 409.
  pgtest::set_sim_faults(*env_, R"({"latency_ms": 5000})");
  const auto requests_before = pgtest::sim_sales(*env_)["colissimo"].requests;
  auto slow = std::async(std::launch::async, [&] {
    return env_->call("POST", "/v1/shipments", merchant, minimal,
                      {{"Idempotency-Key", "contract-slow"}});
  });
  ASSERT_TRUE(pgtest::eventually(
      [&] { return pgtest::sim_sales(*env_)["colissimo"].requests > requests_before; },
      std::chrono::seconds(10)));
  expect_problem(buy(merchant, minimal, "contract-slow"), 409, "idempotency-key-in-use");
  exchanges_.push_back({"POST", "/v1/shipments", slow.get()});
  expect_problem(exchanges_.back().answer, 504, "purchase-outcome-unknown");

  // Carrier faults: 503 (the carrier's own "unavailable" error), 502 (unreadable answer).
  pgtest::set_sim_faults(*env_, R"({"latency_ms": 0, "busy_rate": 1.0})");
  auto unavailable = buy(merchant, minimal, "contract-503");
  expect_problem(unavailable, 503, "carrier-unavailable");
  EXPECT_FALSE(unavailable.header("retry-after").empty());
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 0, "malformed_rate": 1.0})");
  auto unreadable = buy(merchant, minimal, "contract-502");
  expect_problem(unreadable, 502, "purchase-outcome-unknown");
  const std::string pending_id =
      pgtest::string_at(pgtest::parse_object(unreadable.body), "shipment_id");
  EXPECT_TRUE(pending_id.starts_with("shp_")) << unreadable.body;
  pgtest::set_sim_faults(
      *env_,
      R"({"timeout_rate": 0, "malformed_rate": 0, "fail_rate": 0, "busy_rate": 0, "latency_ms": 0})");
  expect_problem(buy(merchant, minimal, "contract-502"), 502, "purchase-outcome-unknown",
                 pgtest::answer_kind::replay);

  // Reading and listing.
  EXPECT_EQ(call("GET", "/v1/shipments/{id}", "/v1/shipments/" + id, merchant).status, 200);
  EXPECT_EQ(call("GET", "/v1/shipments/{id}", "/v1/shipments/" + pending_id, merchant).status, 200);
  EXPECT_EQ(call("GET", "/v1/shipments/{id}", "/v1/shipments/" + id, ops).status, 200);
  expect_problem(call("GET", "/v1/shipments/{id}", "/v1/shipments/" + id, other), 404, "not-found");
  expect_problem(call("GET", "/v1/shipments/{id}", "/v1/shipments/not-an-id", merchant), 404,
                 "not-found");
  expect_problem(call("GET", "/v1/shipments/{id}", "/v1/shipments/" + id, point), 403, "forbidden");
  auto page = call("GET", "/v1/shipments", "/v1/shipments?limit=2", merchant);
  ASSERT_EQ(page.status, 200) << describe(page);
  const auto cursor = pgtest::string_at(pgtest::parse_object(page.body), "next_cursor");
  ASSERT_FALSE(cursor.empty()) << page.body;
  EXPECT_EQ(
      call("GET", "/v1/shipments", "/v1/shipments?limit=100&starting_after=" + cursor, merchant)
          .status,
      200);
  EXPECT_EQ(call("GET", "/v1/shipments",
                 "/v1/shipments?status=pending_confirmation&carrier=colissimo", ops)
                .status,
            200);
  expect_problem(call("GET", "/v1/shipments", "/v1/shipments?limit=0&colour=red", merchant), 422,
                 "validation-error");

  auto pdf = call("GET", "/v1/shipments/{id}/label", "/v1/shipments/" + id + "/label", merchant);
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.header("content-type"), "application/pdf");
  auto zpl_label =
      call("GET", "/v1/shipments/{id}/label", "/v1/shipments/" + zpl_id + "/label", merchant);
  EXPECT_EQ(zpl_label.status, 200);
  EXPECT_EQ(zpl_label.header("content-type"), "application/x-zpl");
  expect_problem(
      call("GET", "/v1/shipments/{id}/label", "/v1/shipments/" + pending_id + "/label", merchant),
      404, "not-found");

  // Tracking: by number, by shipment (a pending one has no number yet), the public page.
  const std::string number = pgtest::string_at(shipment, "tracking_number");
  EXPECT_EQ(
      call("GET", "/v1/tracking/{tracking_number}", "/v1/tracking/" + number, merchant).status,
      200);
  EXPECT_EQ(call("GET", "/v1/tracking/{tracking_number}",
                 "/v1/tracking/" + number + "?carrier=colissimo", ops)
                .status,
            200);
  expect_problem(call("GET", "/v1/tracking/{tracking_number}", "/v1/tracking/" + number, other),
                 404, "not-found");
  expect_problem(call("GET", "/v1/tracking/{tracking_number}",
                      "/v1/tracking/" + number + "?carrier=nope", merchant),
                 422, "validation-error");
  EXPECT_EQ(
      call("GET", "/v1/shipments/{id}/events", "/v1/shipments/" + id + "/events", merchant).status,
      200);
  EXPECT_EQ(
      call("GET", "/v1/shipments/{id}/events", "/v1/shipments/" + pending_id + "/events", merchant)
          .status,
      200);
  expect_problem(call("GET", "/v1/shipments/{id}/events", "/v1/shipments/" + id + "/events", other),
                 404, "not-found");
  EXPECT_EQ(call("GET", "/track/{tracking_number}", "/track/" + number, "").status, 200);
  EXPECT_EQ(call("GET", "/track/{tracking_number}", "/track/00000000000", "").status, 404);
  EXPECT_EQ(call("GET", "/track/{tracking_number}", "/track/00000000", "").status, 200);  // form

  // Collection points: a merged search, its warnings (Colissimo cannot search by coordinates),
  // one point, refusals.
  const std::string search = "/v1/points";
  auto points =
      call("GET", search, "/v1/points?country=FR&postal_code=69100&city=Villeurbanne", merchant);
  ASSERT_EQ(points.status, 200) << describe(points);
  EXPECT_EQ(
      call("GET", search, "/v1/points?country=FR&lat=45.7597&lon=4.859&type=locker", point).status,
      200);
  expect_problem(call("GET", search, "/v1/points?country=FR&colour=red", ops), 422);
  const auto first_point = pgtest::parse_object(points.body).at("data").as_array().at(0);
  const std::string point_id(first_point.as_object().at("id").as_string());
  EXPECT_EQ(call("GET", "/v1/points/{point_id}", "/v1/points/" + point_id, merchant).status, 200);
  expect_problem(
      call("GET", "/v1/points/{point_id}", "/v1/points/mondialrelay:FR:999998", merchant), 404);
  expect_problem(call("GET", "/v1/points/{point_id}", "/v1/points/nonsense", merchant), 422);

  // Carrier pushes: InPost's endpoint check and webhook, a replay, refusals.
  const std::string events = "/v1/carriers/{carrier}/events";
  const std::string push =
      R"({"event_ts":"2026-12-01T10:00:00.000+01:00","event":"shipment_status_changed",)"
      R"("organization_id":6183,"payload":{"shipment_id":1,"tracking_number":"6800000000000",)"
      R"("status":"adopted_at_sorting_center","return_tracking_number":null}})";
  EXPECT_EQ(call("GET", events, "/v1/carriers/inpost/events?token=push-secret", "").status, 200);
  expect_problem(call("GET", events, "/v1/carriers/inpost/events", ""), 401, "unauthorized");
  expect_problem(call("GET", events, "/v1/carriers/colissimo/events", ""), 404, "not-found");
  EXPECT_EQ(call("POST", events, "/v1/carriers/inpost/events?token=push-secret", "", push).status,
            202);
  EXPECT_EQ(call("POST", events, "/v1/carriers/inpost/events?token=push-secret", "", push).status,
            202);
  expect_problem(call("POST", events, "/v1/carriers/inpost/events?token=nope", "", push), 401,
                 "unauthorized");
  expect_problem(call("POST", events, "/v1/carriers/nope/events", "", push), 404, "not-found");
  expect_problem(call("POST", events, "/v1/carriers/inpost/events?token=push-secret", "", "\xff"),
                 422, "validation-error");

  // Cancelling.
  expect_problem(call("POST", "/v1/shipments/{id}/cancel", "/v1/shipments/" + id + "/cancel",
                      merchant, R"({"reason": "changed my mind"})"),
                 422, "validation-error");
  EXPECT_EQ(
      call("POST", "/v1/shipments/{id}/cancel", "/v1/shipments/" + id + "/cancel", merchant).status,
      200);
  EXPECT_EQ(
      call("POST", "/v1/shipments/{id}/cancel", "/v1/shipments/" + id + "/cancel", merchant).status,
      200);
  expect_problem(
      call("GET", "/v1/shipments/{id}/label", "/v1/shipments/" + id + "/label", merchant), 410,
      "label-voided");
  expect_problem(call("POST", "/v1/shipments/{id}/cancel",
                      "/v1/shipments/" + pending_id + "/cancel", merchant),
                 409, "conflict");
  expect_problem(
      call("POST", "/v1/shipments/{id}/cancel", "/v1/shipments/" + id + "/cancel", other), 404,
      "not-found");

  // Tariffs.
  EXPECT_EQ(call("POST", "/v1/rates", "/v1/rates", merchant, kParisToLyon).status, 200);
  EXPECT_EQ(
      call(
          "POST", "/v1/rates", "/v1/rates", ops,
          R"({"direction": "return", "from": {"country": "FR", "postal_code": "69001", "name": "Marie"},
                     "to": {"country": "FR", "postal_code": "75001"}, "service": "pickup_point", "carriers": ["mondialrelay"],
                     "parcels": [{"weight_g": 1000, "dimensions_mm": {"length": 300, "width": 200, "height": 100}}]})")
          .status,
      200);
  expect_problem(call("POST", "/v1/rates", "/v1/rates", merchant,
                      R"({"to": {"country": "fr"}, "parcels": [], "fee": 1})"),
                 422, "validation-error");
  expect_problem(call("POST", "/v1/rates", "/v1/rates", merchant, "{oops"), 400, "malformed-json");
  expect_problem(call("POST", "/v1/rates", "/v1/rates", merchant, kParisToLyon,
                      {{"Content-Type", "text/plain"}}),
                 415, "unsupported-media-type");
  expect_problem(call("POST", "/v1/rates", "/v1/rates", point, kParisToLyon), 403, "forbidden");
  EXPECT_EQ(call("GET", "/v1/tariffs", "/v1/tariffs", merchant).status, 200);
  EXPECT_EQ(call("GET", "/v1/tariffs", "/v1/tariffs", ops).status, 200);
  EXPECT_EQ(call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare", ops, kCompareBody).status,
            200);
  EXPECT_EQ(
      call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare?target=colissimo-2026&share=50", ops,
           kCompareCsv, {{"Content-Type", "text/csv"}})
          .status,
      200);
  EXPECT_EQ(call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare", ops,
                 R"({"target": "colissimo-2026", "shipments": []})")
                .status,
            200);
  expect_problem(call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare", ops,
                      R"({"shipments": 3, "share": "0"})"),
                 422, "validation-error");
  expect_problem(call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare", ops, "weight_g\n1000\n",
                      {{"Content-Type", "text/csv"}}),
                 422, "validation-error");
  expect_problem(call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare", ops, "{oops"), 400,
                 "malformed-json");
  expect_problem(call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare", ops, "<xml/>",
                      {{"Content-Type", "application/xml"}}),
                 415, "unsupported-media-type");
  expect_problem(call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare", merchant, kCompareBody),
                 403, "forbidden");

  // Webhooks (a public host: accepted whether or not it resolves from here).
  const std::string hook_body =
      R"({"url": "https://hooks.example.com/parcelgate", "events": ["shipment.created"]})";
  auto hook = call("POST", "/v1/webhooks", "/v1/webhooks", merchant, hook_body,
                   {{"Idempotency-Key", "contract-hook"}});
  ASSERT_EQ(hook.status, 201) << describe(hook);
  const std::string hook_id = pgtest::string_at(pgtest::parse_object(hook.body), "id");
  EXPECT_EQ(call("POST", "/v1/webhooks", "/v1/webhooks", merchant, hook_body,
                 {{"Idempotency-Key", "contract-hook"}})
                .header("idempotent-replayed"),
            "true");
  expect_problem(call("POST", "/v1/webhooks", "/v1/webhooks", merchant,
                      R"({"url": "https://127.0.0.1/x", "events": ["shipment.lost"]})"),
                 422, "validation-error");
  expect_problem(call("POST", "/v1/webhooks", "/v1/webhooks", merchant, "{oops"), 400,
                 "malformed-json");
  expect_problem(call("POST", "/v1/webhooks", "/v1/webhooks", merchant, hook_body,
                      {{"Content-Type", "text/plain"}}),
                 415, "unsupported-media-type");
  expect_problem(call("POST", "/v1/webhooks", "/v1/webhooks", ops, hook_body), 403, "forbidden");
  EXPECT_EQ(call("GET", "/v1/webhooks", "/v1/webhooks?limit=1", merchant).status, 200);
  expect_problem(call("GET", "/v1/webhooks", "/v1/webhooks?limit=0", merchant), 422,
                 "validation-error");
  EXPECT_EQ(call("GET", "/v1/webhooks/{id}", "/v1/webhooks/" + hook_id, merchant).status, 200);
  expect_problem(call("GET", "/v1/webhooks/{id}", "/v1/webhooks/" + hook_id, other), 404,
                 "not-found");
  EXPECT_EQ(call("POST", "/v1/webhooks/{id}/rotate-secret",
                 "/v1/webhooks/" + hook_id + "/rotate-secret", merchant)
                .status,
            200);
  expect_problem(call("POST", "/v1/webhooks/{id}/rotate-secret",
                      "/v1/webhooks/" + hook_id + "/rotate-secret", merchant, R"({"now": 1})"),
                 422, "validation-error");
  expect_problem(call("POST", "/v1/webhooks/{id}/rotate-secret",
                      "/v1/webhooks/" + hook_id + "/rotate-secret", other),
                 404, "not-found");
  EXPECT_EQ(call("GET", "/v1/webhooks/{id}/deliveries", "/v1/webhooks/" + hook_id + "/deliveries",
                 merchant)
                .status,
            200);
  expect_problem(call("GET", "/v1/webhooks/{id}/deliveries",
                      "/v1/webhooks/" + hook_id + "/deliveries?starting_after=x", merchant),
                 422, "validation-error");
  expect_problem(
      call("GET", "/v1/webhooks/{id}/deliveries", "/v1/webhooks/" + hook_id + "/deliveries", other),
      404, "not-found");
  EXPECT_EQ(call("DELETE", "/v1/webhooks/{id}", "/v1/webhooks/" + hook_id, merchant).status, 200);
  expect_problem(call("DELETE", "/v1/webhooks/{id}", "/v1/webhooks/" + hook_id, merchant), 404,
                 "not-found");

  // Collection points (docs/points.md): the point key is bound to mondialrelay:FR:020230.
  auto scanned = buy(merchant, pgtest::shipment_body("mondialrelay", "points-1"), "points-1");
  ASSERT_EQ(scanned.status, 201) << describe(scanned);
  const auto relay_number =
      pgtest::string_at(pgtest::parse_object(scanned.body), "tracking_number");
  const std::string scan_point = std::string(stack::kDefaultPoint);
  const std::string dropoffs = "/v1/points/{point_id}/dropoffs",
                    handovers = "/v1/points/{point_id}/handovers",
                    parcels = "/v1/points/{point_id}/parcels";
  const std::string drop_body = R"({"barcode": ")" + relay_number + R"("})";
  EXPECT_EQ(
      call("POST", dropoffs, "/v1/points/" + scan_point + "/dropoffs", point, drop_body).status,
      201);
  EXPECT_EQ(
      call("POST", dropoffs, "/v1/points/" + scan_point + "/dropoffs", point, drop_body).status,
      200);
  expect_problem(call("POST", dropoffs, "/v1/points/" + scan_point + "/dropoffs", point,
                      R"({"barcode": "00000000"})"),
                 404, "not-found");
  expect_problem(call("POST", dropoffs, "/v1/points/" + scan_point + "/dropoffs", point,
                      R"({"return_code": "RMA-1"})"),
                 422, "validation-error");
  expect_problem(
      call("POST", dropoffs, "/v1/points/mondialrelay:FR:066974/dropoffs", point, drop_body), 403,
      "forbidden");
  expect_problem(
      call("POST", dropoffs, "/v1/points/" + scan_point + "/dropoffs", merchant, drop_body), 403,
      "forbidden");
  expect_problem(call("POST", dropoffs, "/v1/points/" + scan_point + "/dropoffs", point, "{oops"),
                 400, "malformed-json");

  // Label-less returns (docs/labelless-returns.md): issued, its QR code, redeemed at the point.
  const std::string return_body =
      R"({"direction": "return", "carrier": "mondialrelay", "service": "home",
          "from": {"name": "Marie Curie", "line1": "31 cours Andre Philip", "city": "Villeurbanne",
                   "postal_code": "69100", "country": "FR", "phone": "+33611223344"},
          "to": {"name": "Acme Returns", "line1": "10 rue de Rivoli", "city": "Paris",
                 "postal_code": "75001", "country": "FR"},
          "parcels": [{"weight_g": 900}], "label": {"mode": "labelless"}})";
  auto issued = buy(merchant, return_body, "labelless-1");
  ASSERT_EQ(issued.status, 201) << describe(issued);
  const auto return_id = pgtest::string_at(pgtest::parse_object(issued.body), "id");
  const auto return_code = pgtest::string_at(pgtest::parse_object(issued.body), "return_code");
  const std::string qr = "/v1/shipments/{id}/qr";
  auto png = call("GET", qr, "/v1/shipments/" + return_id + "/qr", merchant);
  EXPECT_EQ(png.status, 200);
  EXPECT_EQ(png.header("content-type"), "image/png");
  auto svg = call("GET", qr, "/v1/shipments/" + return_id + "/qr?format=svg", ops);
  EXPECT_EQ(svg.status, 200);
  EXPECT_EQ(svg.header("content-type"), "image/svg+xml");
  expect_problem(call("GET", qr, "/v1/shipments/" + return_id + "/qr?format=gif", merchant), 422,
                 "validation-error");
  expect_problem(
      call("GET", qr,
           "/v1/shipments/" + pgtest::string_at(pgtest::parse_object(scanned.body), "id") + "/qr",
           merchant),
      404, "not-found");
  const std::string redeem = R"({"return_code": ")" + return_code + R"(", "label_format": "pdf"})";
  EXPECT_EQ(call("POST", dropoffs, "/v1/points/" + scan_point + "/dropoffs", point, redeem).status,
            201);
  EXPECT_EQ(call("POST", dropoffs, "/v1/points/" + scan_point + "/dropoffs", point, redeem).status,
            200);
  expect_problem(call("POST", dropoffs, "/v1/points/" + scan_point + "/dropoffs", point,
                      R"({"return_code": "0000-0000-000"})"),
                 404, "not-found");
  expect_problem(call("POST", dropoffs, "/v1/points/colissimo:FR:123456/dropoffs", ops, redeem),
                 403, "forbidden");
  auto voided = buy(merchant, return_body, "labelless-2");
  ASSERT_EQ(voided.status, 201) << describe(voided);
  const auto voided_id = pgtest::string_at(pgtest::parse_object(voided.body), "id");
  const auto voided_code = pgtest::string_at(pgtest::parse_object(voided.body), "return_code");
  EXPECT_EQ(
      call("POST", "/v1/shipments/{id}/cancel", "/v1/shipments/" + voided_id + "/cancel", merchant)
          .status,
      200);
  expect_problem(call("GET", qr, "/v1/shipments/" + voided_id + "/qr", merchant), 410,
                 "return-code-voided");
  expect_problem(call("POST", dropoffs, "/v1/points/" + scan_point + "/dropoffs", point,
                      R"({"return_code": ")" + voided_code + R"("})"),
                 409, "shipment-cancelled");
  EXPECT_EQ(call("GET", parcels, "/v1/points/" + scan_point + "/parcels", point).status, 200);
  EXPECT_EQ(call("GET", parcels, "/v1/points/" + scan_point + "/parcels?limit=1", ops).status, 200);
  expect_problem(call("GET", parcels, "/v1/points/" + scan_point + "/parcels?state=lost", ops), 422,
                 "validation-error");
  expect_problem(call("GET", parcels, "/v1/points/not-a-point/parcels", ops), 404, "not-found");
  EXPECT_EQ(
      call("POST", handovers, "/v1/points/" + scan_point + "/handovers", point,
           R"({"carrier": "mondialrelay", "barcodes": [")" + relay_number + R"(", "00000000"]})")
          .status,
      200);
  expect_problem(call("POST", handovers, "/v1/points/" + scan_point + "/handovers", point,
                      R"({"carrier": "colissimo", "barcodes": ["1"]})"),
                 422, "validation-error");
  EXPECT_EQ(
      call("GET", parcels, "/v1/points/" + scan_point + "/parcels?state=handed_over", point).status,
      200);

  // Pickups (docs/pickups.md): an InPost dispatch order for two courier parcels.
  std::string courier[2];
  for (int i = 0; i < 2; ++i) {
    auto courier_sale =
        buy(merchant, pgtest::shipment_body("inpost", "courier-" + std::to_string(i)),
            "courier-" + std::to_string(i));
    ASSERT_EQ(courier_sale.status, 201) << describe(courier_sale);
    courier[i] = pgtest::string_at(pgtest::parse_object(courier_sale.body), "id");
  }
  const auto today = pgtest::local_date("Europe/Warsaw");
  const auto pickup_body = pgtest::pickup_body("inpost", today, {courier[0], courier[1]},
                                               R"(, "window": {"from": "09:00", "to": "17:00"})");
  auto pickup = call("POST", "/v1/pickups", "/v1/pickups", merchant, pickup_body,
                     {{"Idempotency-Key", "pickup-1"}});
  ASSERT_EQ(pickup.status, 201) << describe(pickup);
  EXPECT_EQ(call("POST", "/v1/pickups", "/v1/pickups", merchant, pickup_body,
                 {{"Idempotency-Key", "pickup-1"}})
                .status,
            201);
  expect_problem(
      call("POST", "/v1/pickups", "/v1/pickups", merchant,
           pgtest::pickup_body("inpost", today, {courier[1]}), {{"Idempotency-Key", "pickup-2"}}),
      409);
  expect_problem(
      call("POST", "/v1/pickups", "/v1/pickups", merchant,
           pgtest::pickup_body("colissimo", "tomorrow", {}), {{"Idempotency-Key", "pickup-3"}}),
      422, "validation-error");
  expect_problem(call("POST", "/v1/pickups", "/v1/pickups", merchant, pickup_body), 400,
                 "idempotency-key-required");
  const auto pickup_id = pgtest::string_at(pgtest::parse_object(pickup.body), "id");
  const std::string one_pickup = "/v1/pickups/{id}", cancel_pickup = "/v1/pickups/{id}/cancel";
  EXPECT_EQ(call("GET", one_pickup, "/v1/pickups/" + pickup_id, ops).status, 200);
  expect_problem(call("GET", one_pickup, "/v1/pickups/" + pickup_id, other), 404, "not-found");
  EXPECT_EQ(call("POST", cancel_pickup, "/v1/pickups/" + pickup_id + "/cancel", merchant).status,
            200);
  expect_problem(call("POST", cancel_pickup, "/v1/pickups/pck_000000000000000/cancel", merchant),
                 404, "not-found");

  std::string report;
  EXPECT_EQ(validate(document(), exchanges_, true, &report), 0) << report;
  EXPECT_NE(report.find(" 0 problem(s)"), std::string::npos) << report;
}

TEST_F(openapi_contract, compare_refuses_unknown_and_misplaced_query_parameters) {
  start(true);
  const auto ops = env_->create_key("ops-team", "ops");
  auto unknown = call("POST", "/v1/tariffs/compare",
                      "/v1/tariffs/compare?target=colissimo-2026&shar=50&dry_run", ops, kCompareCsv,
                      {{"Content-Type", "text/csv"}});
  expect_problem(unknown, 422, "validation-error");
  EXPECT_EQ(pgtest::error_fields(unknown), (std::set<std::string>{"shar", "dry_run"}))
      << unknown.body;
  EXPECT_NE(unknown.body.find("accepted: target, share, date"), std::string::npos) << unknown.body;

  auto misplaced = call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare?target=colissimo-2026",
                        ops, kCompareBody);
  expect_problem(misplaced, 422, "validation-error");
  EXPECT_EQ(pgtest::error_fields(misplaced), (std::set<std::string>{"target"})) << misplaced.body;
  EXPECT_NE(misplaced.body.find("in the body"), std::string::npos) << misplaced.body;

  auto fine = call("POST", "/v1/tariffs/compare",
                   "/v1/tariffs/compare?target=colissimo-2026&share=50&date=2026-06-01", ops,
                   kCompareCsv, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(fine.status, 200) << describe(fine);
  EXPECT_TRUE(pgtest::parse_object(fine.body).at("negotiation").is_object()) << fine.body;

  std::string report;
  EXPECT_EQ(validate(document(), exchanges_, false, &report), 0) << report;
}

TEST_F(openapi_contract, answers_without_tariffs_over_limits_and_rate_limits_are_documented) {
  start(false, 1, 4096);
  const auto merchant = env_->create_key("acme", "merchant");
  const auto ops = env_->create_key("ops-team", "ops");
  // The server refuses a body over server.limits.max_body_bytes before routing it.
  const std::string large = R"({"shipments": [)" + std::string(8000, ' ') + "]}";
  expect_problem(call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare", ops, large), 413,
                 "body-too-large");
  expect_problem(call("POST", "/v1/rates", "/v1/rates", merchant, kParisToLyon), 503,
                 "tariffs-not-configured");
  expect_problem(call("POST", "/v1/tariffs/compare", "/v1/tariffs/compare", ops, kCompareBody), 503,
                 "tariffs-not-configured");
  // One request per second with a burst of one: back-to-back requests of a key are refused.
  response limited;
  for (int i = 0; i < 5 && limited.status != 429; ++i)
    limited = call("GET", "/v1/tariffs", "/v1/tariffs", ops);
  expect_problem(limited, 429, "rate-limited");
  EXPECT_FALSE(limited.header("retry-after").empty());
  ASSERT_TRUE(pgtest::eventually(
      [&] {
        auto r = env_->call("GET", "/v1/tariffs", merchant);
        if (r.status != 200) return false;
        exchanges_.push_back({"GET", "/v1/tariffs", r});
        return true;
      },
      std::chrono::seconds(10)));
  EXPECT_FALSE(pgtest::parse_object(exchanges_.back().answer.body).at("configured").as_bool());

  std::string report;
  EXPECT_EQ(validate(document(), exchanges_, false, &report), 0) << report;
}

TEST_F(openapi_contract, the_validator_fails_on_undocumented_statuses_fields_and_media_types) {
  start(false);
  const auto merchant = env_->create_key("acme", "merchant");
  auto bought = buy(merchant, pgtest::shipment_body("colissimo", "check-1"), "check-1");
  ASSERT_EQ(bought.status, 201) << describe(bought);
  auto ok = call("GET", "/healthz", "/healthz", "");
  const std::string doc = document();
  std::string report;
  ASSERT_EQ(validate(doc, exchanges_, false, &report), 0) << report;

  auto extra = bought;
  auto body = pgtest::parse_object(extra.body);
  body["surprise"] = 1;
  body.erase("carrier");
  extra.body = json::serialize(body);
  auto teapot = ok;
  teapot.status = 418;
  auto html = ok;
  html.headers["content-type"] = "text/html";
  auto no_request_id = ok;
  no_request_id.headers.erase("x-request-id");
  EXPECT_EQ(validate(doc,
                     {{"POST", "/v1/shipments", extra},
                      {"GET", "/healthz", teapot},
                      {"GET", "/healthz", html},
                      {"GET", "/healthz", no_request_id},
                      {"GET", "/v1/unknown", ok}},
                     false, &report),
            1)
      << report;
  EXPECT_NE(report.find("'surprise' was unexpected"), std::string::npos) << report;
  EXPECT_NE(report.find("'carrier' is a required property"), std::string::npos) << report;
  EXPECT_NE(report.find("GET /healthz -> 418: status 418 is not documented"), std::string::npos)
      << report;
  EXPECT_NE(report.find("content type 'text/html' is not documented"), std::string::npos) << report;
  EXPECT_NE(report.find("required header X-Request-Id is missing"), std::string::npos) << report;
  EXPECT_NE(report.find("GET /v1/unknown -> 200: the operation is not in the document"),
            std::string::npos)
      << report;

  // Coverage: a route never exercised successfully is reported.
  EXPECT_EQ(validate(doc, exchanges_, true, &report), 1) << report;
  EXPECT_NE(report.find("GET /v1/carriers: no successful answer was exercised"), std::string::npos)
      << report;
}

TEST_F(openapi_contract, the_former_address_and_parcel_schemas_fail_real_answers) {
  start(false);
  const auto merchant = env_->create_key("acme", "merchant");
  // No company, line2 or parcel reference: the stored shipment carries them as null.
  auto bought = buy(merchant, pgtest::shipment_body("colissimo", "nulls-1"), "nulls-1");
  ASSERT_EQ(bought.status, 201) << describe(bought);
  auto doc = pgtest::parse_object(document());
  auto& schemas = doc.at("components").as_object().at("schemas").as_object();
  // What the document said before: plain strings.
  for (const auto* field : {"company", "line2", "email"})
    schemas.at("ShipmentAddress").as_object().at("properties").as_object()[field] =
        json::object{{"type", "string"}};
  schemas.at("ShipmentParcel").as_object().at("properties").as_object()["reference"] =
      json::object{{"type", "string"}};
  std::string report;
  EXPECT_EQ(validate(json::serialize(doc), exchanges_, false, &report), 1) << report;
  EXPECT_NE(report.find(".from.company: None is not of type 'string'"), std::string::npos)
      << report;
  EXPECT_NE(report.find(".to.line2: None is not of type 'string'"), std::string::npos) << report;
  EXPECT_NE(report.find(".parcels[0].reference: None is not of type 'string'"), std::string::npos)
      << report;
  // A route registered without its description is reported.
  auto& paths = doc.at("paths").as_object();
  paths["/v1/shipments/{id}"].as_object()["get"].as_object().erase("operationId");
  paths["/v1/shipments/{id}"].as_object()["get"].as_object().erase("tags");
  EXPECT_EQ(validate(json::serialize(doc), {}, false, &report), 1) << report;
  EXPECT_NE(report.find("GET /v1/shipments/{id}: no operationId"), std::string::npos) << report;
  EXPECT_NE(report.find("GET /v1/shipments/{id}: no tags"), std::string::npos) << report;
}

}  // namespace
