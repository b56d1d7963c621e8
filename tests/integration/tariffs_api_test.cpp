// Negotiated tariffs through the API: POST /v1/rates, GET /v1/tariffs, carrier auto on
// POST /v1/shipments, and SIGHUP reloads that refuse a bad set.

#include <gtest/gtest.h>

#include <set>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::describe;
using pgtest::expect_problem;
using pgtest::stack;
namespace fs = std::filesystem;
namespace json = boost::json;

const std::string kParisToLyon = R"({"from": {"country": "FR", "postal_code": "75001"},
  "to": {"country": "FR", "postal_code": "69001"}, "parcels": [{"weight_g": 1000}], "date": "2026-06-01"})";

class tariffs_api : public ::testing::Test {
 protected:
  void SetUp() override {
    tariffs_ = fs::temp_directory_path() /
               ("pg-tariffs-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(tariffs_);
    fs::create_directories(tariffs_);
    for (const auto& f : fs::directory_iterator(fs::path(SOURCE_DIR) / "config/tariffs"))
      if (f.path().extension() == ".yaml") fs::copy_file(f.path(), tariffs_ / f.path().filename());
    pgtest::stack_options options;
    options.extra_config = "tariffs: \"" + tariffs_.string() + "\"\n";
    env_ = std::make_unique<stack>(options);
    key_ = env_->create_key("acme", "merchant");
  }
  void TearDown() override {
    env_.reset();
    fs::remove_all(tariffs_);
  }
  json::object rates(const std::string& body) {
    auto r = env_->call("POST", "/v1/rates", key_, body);
    EXPECT_EQ(r.status, 200) << describe(r);
    return pgtest::parse_object(r.body);
  }
  std::size_t contract_count() {
    auto r = env_->call("GET", "/v1/tariffs", key_);
    return pgtest::parse_object(r.body).at("data").as_array().size();
  }
  fs::path tariffs_;
  std::unique_ptr<stack> env_;
  std::string key_;
};

TEST_F(tariffs_api, quotes_are_sorted_and_each_breakdown_sums_to_its_total) {
  auto out = rates(kParisToLyon);
  const auto& quotes = out.at("quotes").as_array();
  ASSERT_GE(quotes.size(), 2u);
  std::int64_t previous = -1;
  for (const auto& qv : quotes) {
    const auto& q = qv.as_object();
    const auto total = q.at("total").as_object().at("amount").as_int64();
    EXPECT_GE(total, previous) << "quotes must be sorted by total";
    previous = total;
    EXPECT_EQ(q.at("total").as_object().at("currency").as_string(), "EUR");
    std::int64_t sum = 0;
    for (const auto& l : q.at("breakdown").as_array()) sum += l.as_object().at("amount").as_int64();
    EXPECT_EQ(sum, total) << "breakdown of " << q.at("contract").as_string();
  }
  EXPECT_EQ(out.at("cheapest").as_string(), quotes[0].as_object().at("contract").as_string());
  EXPECT_TRUE(out.at("fastest").is_string());
}

TEST_F(tariffs_api, validity_dates_decide_which_contract_applies) {
  auto june = rates(kParisToLyon);
  std::string august_body = kParisToLyon;
  august_body.replace(august_body.find("2026-06-01"), 10, "2026-08-01");
  auto august = rates(august_body);
  auto contracts_of = [](const json::object& o) {
    std::set<std::string> out;
    for (const auto& q : o.at("quotes").as_array())
      out.insert(std::string(q.as_object().at("contract").as_string()));
    return out;
  };
  EXPECT_TRUE(contracts_of(june).contains("colissimo-2026"));
  EXPECT_FALSE(contracts_of(june).contains("colissimo-2026-h2"));
  EXPECT_TRUE(contracts_of(august).contains("colissimo-2026-h2"));
  EXPECT_FALSE(contracts_of(august).contains("colissimo-2026"));
  bool explained = false;
  for (const auto& u : august.at("unavailable").as_array())
    if (u.as_object().at("contract").as_string() == "colissimo-2026")
      explained = u.as_object().at("code").as_string() == "outside_validity";
  EXPECT_TRUE(explained) << "the expired contract must be listed as unavailable with its reason";
}

TEST_F(tariffs_api, bad_rate_requests_are_field_errors_and_ops_may_quote) {
  auto r =
      env_->call("POST", "/v1/rates", key_,
                 R"({"direction": "sideways", "from": {"country": "FR", "postal_code": "75001"},
      "to": {"country": "FR", "postal_code": "69001", "floor": 3}, "parcels": [], "date": "2026-13-01", "service": "teleport"})");
  expect_problem(r, 422, "validation-error");
  EXPECT_EQ(pgtest::error_fields(r),
            (std::set<std::string>{"direction", "to.floor", "parcels", "date", "service"}));
  expect_problem(env_->call("POST", "/v1/rates", key_, "{oops"), 400, "malformed-json");
  auto ops = env_->create_key("ops-team", "ops");
  EXPECT_EQ(env_->call("POST", "/v1/rates", ops, kParisToLyon).status, 200);
  auto point = env_->create_key("acme", "point");
  expect_problem(env_->call("POST", "/v1/rates", point, kParisToLyon), 403, "forbidden");
  expect_problem(env_->call("POST", "/v1/rates", "", kParisToLyon), 401, "unauthorized");
}

TEST_F(tariffs_api, auto_carrier_buys_on_the_cheapest_contract_and_records_its_rate) {
  // The cheapest carrier for a relay-point delivery, as the quote engine sees it today.
  auto body = pgtest::shipment_body("mondialrelay", "auto-1");
  auto quote = rates(
      R"({"from": {"country": "FR", "postal_code": "75001"}, "to": {"country": "FR", "postal_code": "69100"},
      "parcels": [{"weight_g": 1200, "dimensions_mm": {"length": 300, "width": 200, "height": 100}}],
      "service": "pickup_point"})");
  ASSERT_TRUE(quote.at("cheapest").is_string()) << json::serialize(quote);
  const std::string cheapest(quote.at("cheapest").as_string());
  std::string carrier_of_cheapest;
  std::int64_t cheapest_total = 0;
  for (const auto& q : quote.at("quotes").as_array())
    if (q.as_object().at("contract").as_string() == cheapest) {
      carrier_of_cheapest = q.as_object().at("carrier").as_string();
      cheapest_total = q.as_object().at("total").as_object().at("amount").as_int64();
    }
  body.replace(body.find("\"carrier\": \"mondialrelay\""), 25, "\"carrier\": \"auto\"");
  body.replace(body.find("\"pickup_point_id\": \"mondialrelay:FR:020230\""), 43,
               "\"pickup_point_id\": \"" + carrier_of_cheapest + ":FR:020230\"");
  auto created = env_->call("POST", "/v1/shipments", key_, body, {{"Idempotency-Key", "auto-1"}});
  ASSERT_EQ(created.status, 201) << describe(created);
  auto shipment = pgtest::parse_object(created.body);
  EXPECT_EQ(shipment.at("carrier").as_string(), carrier_of_cheapest);
  ASSERT_TRUE(shipment.at("rate").is_object()) << created.body;
  EXPECT_EQ(shipment.at("rate").as_object().at("contract").as_string(), cheapest);
  EXPECT_EQ(shipment.at("rate").as_object().at("amount").as_int64(), cheapest_total);
}

TEST_F(tariffs_api, named_carrier_records_its_best_rate) {
  auto created =
      env_->call("POST", "/v1/shipments", key_, pgtest::shipment_body("colissimo", "named-1"),
                 {{"Idempotency-Key", "named-1"}});
  ASSERT_EQ(created.status, 201) << describe(created);
  auto shipment = pgtest::parse_object(created.body);
  ASSERT_TRUE(shipment.at("rate").is_object()) << created.body;
  EXPECT_TRUE(shipment.at("rate").as_object().at("contract").as_string().starts_with("colissimo"));
  EXPECT_GT(shipment.at("rate").as_object().at("amount").as_int64(), 0);
}

TEST_F(tariffs_api, a_named_carrier_without_a_contract_in_force_says_why_it_has_no_rate) {
  const auto before = contract_count();
  fs::remove(tariffs_ / "colissimo-2026.yaml");
  fs::remove(tariffs_ / "colissimo-2026-h2.yaml");
  env_->gateway().signal(SIGHUP);
  ASSERT_TRUE(
      pgtest::eventually([&] { return contract_count() == before - 2; }, std::chrono::seconds(10)));
  auto created =
      env_->call("POST", "/v1/shipments", key_, pgtest::shipment_body("colissimo", "no-contract-1"),
                 {{"Idempotency-Key", "no-contract-1"}});
  ASSERT_EQ(created.status, 201) << describe(created);
  auto shipment = pgtest::parse_object(created.body);
  EXPECT_TRUE(shipment.at("rate").is_null());
  const std::string why = pgtest::string_at(shipment, "rate_unavailable_reason");
  EXPECT_NE(why.find("no negotiated contract of colissimo"), std::string::npos) << why;
  // With a rate, there is no reason.
  auto mr = env_->call("POST", "/v1/shipments", key_,
                       pgtest::shipment_body("mondialrelay", "with-contract-1"),
                       {{"Idempotency-Key", "with-contract-1"}});
  ASSERT_EQ(mr.status, 201) << describe(mr);
  auto priced = pgtest::parse_object(mr.body);
  EXPECT_TRUE(priced.at("rate").is_object()) << mr.body;
  EXPECT_TRUE(priced.at("rate_unavailable_reason").is_null());
}

TEST_F(tariffs_api, rates_refuse_contracts_whose_carrier_cannot_print_that_many_parcels) {
  const std::string two_parcels = R"({"from": {"country": "FR", "postal_code": "75001"},
    "to": {"country": "FR", "postal_code": "69001"}, "parcels": [{"weight_g": 1000}, {"weight_g": 2000}],
    "date": "2026-06-01"})";
  auto out = rates(two_parcels);
  for (const auto& q : out.at("quotes").as_array()) {
    const std::string carrier(q.as_object().at("carrier").as_string());
    EXPECT_TRUE(carrier != "colissimo" && carrier != "mondialrelay")
        << "quoted what " << carrier << " cannot print";
  }
  bool refused = false;
  for (const auto& u : out.at("unavailable").as_array()) {
    const auto& o = u.as_object();
    if (o.at("code").as_string() != "too_many_parcels") continue;
    refused = true;
    EXPECT_NE(std::string(o.at("reason").as_string()).find("per shipment"), std::string::npos);
  }
  EXPECT_TRUE(refused) << json::serialize(out);
  // One parcel is quoted by both.
  std::set<std::string> carriers;
  const auto one_parcel = rates(kParisToLyon);
  for (const auto& q : one_parcel.at("quotes").as_array())
    carriers.insert(std::string(q.as_object().at("carrier").as_string()));
  EXPECT_TRUE(carriers.contains("colissimo") && carriers.contains("mondialrelay"));
}

TEST_F(tariffs_api, sighup_with_a_bad_file_keeps_the_previous_set_and_a_good_one_is_taken) {
  const auto before = contract_count();
  ASSERT_GT(before, 0u);
  {
    std::ofstream bad(tariffs_ / "broken.yaml");
    bad << "contract: broken\ncarrier: colissimo\ncurrency: EUR\nvalid_from: 2026-01-01\nvalid_to: "
           "2025-01-01\n"
           "zones: [{name: FR, countries: [FR]}]\nservices: {home: {bands: [{max_g: 100, NOWHERE: "
           "5}]}}\n";
  }
  env_->gateway().signal(SIGHUP);
  ASSERT_TRUE(pgtest::eventually(
      [&] { return env_->gateway_log().find("tariff reload refused") != std::string::npos; },
      std::chrono::seconds(10)));
  EXPECT_NE(env_->gateway_log().find("broken.yaml"), std::string::npos)
      << "the problem names its file";
  EXPECT_EQ(contract_count(), before) << "a refused reload must keep the previous set";
  EXPECT_EQ(env_->call("POST", "/v1/rates", key_, kParisToLyon).status, 200);

  fs::remove(tariffs_ / "broken.yaml");
  {
    std::ifstream in(tariffs_ / "mondialrelay-2026.yaml");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    text.replace(text.find("contract: mondialrelay-2026"), 27, "contract: mondialrelay-2026-copy");
    std::ofstream(tariffs_ / "mondialrelay-copy.yaml") << text;
  }
  env_->gateway().signal(SIGHUP);
  ASSERT_TRUE(
      pgtest::eventually([&] { return contract_count() == before + 1; }, std::chrono::seconds(10)))
      << env_->gateway_log();
}

TEST_F(tariffs_api, compare_prices_a_batch_and_reports_bad_rows_with_their_position) {
  auto ops = env_->create_key("ops-team", "ops");
  const std::string body = R"({"date": "2026-06-01", "shipments": [
    {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "69001",
     "weight_g": 1000, "service": "pickup_point"},
    {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "13001",
     "weight_g": 2500, "service": "home", "contract": "colissimo-2026", "billed_amount": "1.00", "currency": "EUR"},
    {"from_country": "FR", "from_postal_code": "75001", "weight_g": 1000, "service": "home"},
    {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "69001",
     "weight_g": "heavy", "service": "home"}]})";
  auto r = env_->call("POST", "/v1/tariffs/compare", ops, body);
  ASSERT_EQ(r.status, 200) << describe(r);
  auto out = pgtest::parse_object(r.body);
  EXPECT_EQ(out.at("rows").as_object().at("total").as_int64(), 4);
  EXPECT_EQ(out.at("rows").as_object().at("bad").as_int64(), 2);
  const auto& bad = out.at("bad_rows").as_object().at("examples").as_array();
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0].as_object().at("line").as_int64(), 3);
  EXPECT_EQ(bad[1].as_object().at("line").as_int64(), 4);
  EXPECT_GT(out.at("best_total").as_int64(), 0);
  std::int64_t mr_total = -1;
  for (const auto& c : out.at("contracts").as_array())
    if (c.as_object().at("contract").as_string() == "mondialrelay-2026")
      mr_total = c.as_object().at("total").as_int64();
  EXPECT_GT(mr_total, 0) << r.body;
  EXPECT_GE(out.at("audit").as_object().at("examples").as_array().size(), 1u)
      << "a 1.00 EUR bill for a 2.5 kg parcel is off";

  const std::string csv =
      "date,direction,from_country,from_postal_code,to_country,to_postal_code,weight_g,length_mm,"
      "width_mm,height_mm,service\n"
      "2026-06-01,outbound,FR,75001,FR,69001,1000,,,,home\n"
      "2026-06-01,outbound,FR,75001,FR,20000,1000,,,,home\n";
  auto c = env_->call("POST", "/v1/tariffs/compare?target=colissimo-2026&share=50", ops, csv,
                      {{"Content-Type", "text/csv"}});
  ASSERT_EQ(c.status, 200) << describe(c);
  EXPECT_TRUE(pgtest::parse_object(c.body).at("negotiation").is_object()) << c.body;
  expect_problem(env_->call("POST", "/v1/tariffs/compare", key_, body), 403, "forbidden");
}

// ---- the JSON body of POST /v1/tariffs/compare is read as a stream (docs/json.md) --------------

// `count` valid rows (no date: the body gives it), joined by commas.
std::string compare_rows(std::size_t count) {
  std::string out;
  out.reserve(count * 150);
  for (std::size_t i = 1; i <= count; ++i) {
    if (i > 1) out += ",\n";
    out +=
        R"({"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "69001", "weight_g": )";
    out += std::to_string(100 + i % 20'000);
    out += R"(, "service": "home"})";
  }
  return out;
}

std::int64_t proc_status_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  return -1;
}

TEST_F(tariffs_api, compare_json_syntax_error_deep_in_a_large_body_is_a_400) {
  auto ops = env_->create_key("ops-team", "ops");
  std::string rows = compare_rows(4'000);
  // Row 3,990 loses the colon after weight_g: everything before it is well formed.
  const auto at = rows.rfind(R"("weight_g": )", rows.size() - 10 * 150);
  ASSERT_NE(at, std::string::npos);
  std::string broken = rows;
  broken.erase(at + 10, 1);
  expect_problem(env_->call("POST", "/v1/tariffs/compare", ops,
                            R"({"date": "2026-06-01", "shipments": [)" + broken + "]}"),
                 400, "malformed-json");
  // Cut short, and with something after the object.
  expect_problem(env_->call("POST", "/v1/tariffs/compare", ops,
                            R"({"date": "2026-06-01", "shipments": [)" + rows + "]"),
                 400, "malformed-json");
  expect_problem(env_->call("POST", "/v1/tariffs/compare", ops,
                            R"({"date": "2026-06-01", "shipments": [)" + rows + "]} []"),
                 400, "malformed-json");
  // Nested deeper than 8 levels inside the last row.
  expect_problem(env_->call("POST", "/v1/tariffs/compare", ops,
                            R"({"shipments": [)" + rows + R"(, {"carrier": [[[[[[[1]]]]]]]}]})"),
                 400, "malformed-json");
  // The same rows, well formed and with trailing white space, are priced.
  auto ok = env_->call("POST", "/v1/tariffs/compare", ops,
                       R"({"date": "2026-06-01", "shipments": [)" + rows + "]}\n");
  ASSERT_EQ(ok.status, 200) << describe(ok);
  EXPECT_EQ(pgtest::parse_object(ok.body).at("rows").at("total").as_int64(), 4'000);
}

TEST_F(tariffs_api, compare_json_options_after_the_rows_apply_and_bad_ones_name_their_field) {
  auto ops = env_->create_key("ops-team", "ops");
  const std::string rows = compare_rows(4'000);
  // Members after 4,000 rows: a date, an unknown contract as target, an unknown member.
  auto bad =
      env_->call("POST", "/v1/tariffs/compare", ops,
                 R"({"shipments": [)" + rows +
                     R"(], "date": "2026-06-01", "target": "no-such-contract", "colour": "blue"})");
  expect_problem(bad, 422, "validation-error");
  EXPECT_EQ(pgtest::error_fields(bad), (std::set<std::string>{"colour", "target"})) << bad.body;
  auto no_rows = env_->call("POST", "/v1/tariffs/compare", ops,
                            R"({"date": "2026-06-01", "share": 12.5, "shipments": {"rows": 1}})");
  expect_problem(no_rows, 422, "validation-error");
  EXPECT_EQ(pgtest::error_fields(no_rows), (std::set<std::string>{"share", "shipments"}))
      << no_rows.body;

  // The date after the rows prices them (without it every row would be bad: no date). Rows
  // 4,000 and 4,001 are bad; row 2 names weight_g twice (the last value counts, as before).
  std::string body = R"({"shipments": [)" + rows;
  body.replace(body.find(R"("weight_g": 102)"), 15, R"("weight_g": "x", "weight_g": 102)");
  body.replace(body.rfind(R"("weight_g": )"), 12, R"("weight_g": "heavy", "ignored": )");
  body += R"(, 42], "date": "2026-06-01"})";
  auto r = env_->call("POST", "/v1/tariffs/compare", ops, body);
  ASSERT_EQ(r.status, 200) << describe(r);
  auto out = pgtest::parse_object(r.body);
  EXPECT_EQ(out.at("rows").at("total").as_int64(), 4'001);
  EXPECT_EQ(out.at("rows").at("bad").as_int64(), 2);
  const auto& examples = out.at("bad_rows").at("examples").as_array();
  ASSERT_EQ(examples.size(), 2u) << r.body;
  EXPECT_EQ(examples[0].at("line").as_int64(), 4'000);
  EXPECT_TRUE(examples[0].at("reason").as_string().starts_with("weight_g: ")) << r.body;
  EXPECT_EQ(examples[1].at("line").as_int64(), 4'001);
  EXPECT_EQ(examples[1].at("reason").as_string(), "row 4001 is not an object");

  // A value that is not a string is seen as Boost.JSON writes it, nested ones included; escaped
  // and long strings (read in parts) arrive whole.
  const std::string long_text =
      "\\u0041" + std::string(6'000, 'x') + "\\n" + std::string(6'000, 'y');
  auto odd = env_->call("POST", "/v1/tariffs/compare", ops,
                        R"({"date": "2026-06-01", "shipments": [
        {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "69001",
         "weight_g": [1, {"g": 2.5, "h": null}], "service": "home"},
        {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "69001",
         "weight_g": 1e3, "service": "home"},
        {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "69001",
         "weight_g": 1000, "service": "home", "carrier": {"name": "colis\"simo"}},
        {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "69001",
         "weight_g": "\u0031x", "service": "home"},
        {"from_country": "FR", "from_postal_code": "75001", "to_country": "FR", "to_postal_code": "69001",
         "weight_g": ")" + long_text +
                            R"(", "service": "home"}]})");
  ASSERT_EQ(odd.status, 200) << describe(odd);
  auto odd_out = pgtest::parse_object(odd.body);
  EXPECT_EQ(odd_out.at("rows").at("bad").as_int64(), 4) << odd.body;
  const auto& reasons = odd_out.at("bad_rows").at("examples").as_array();
  ASSERT_EQ(reasons.size(), 4u) << odd.body;
  EXPECT_TRUE(reasons[0].at("reason").as_string().ends_with(R"(got '[1,{"g":2.5E0,"h":null}]')"))
      << odd.body;
  EXPECT_TRUE(reasons[1].at("reason").as_string().ends_with("got '1E3'")) << odd.body;
  EXPECT_TRUE(reasons[2].at("reason").as_string().ends_with("got '1x'")) << odd.body;
  EXPECT_TRUE(
      reasons[3].at("reason").as_string().ends_with("got 'A" + std::string(39, 'x') + "...'"))
      << odd.body;
}

// 150,000 rows (about 20 MB): with a document tree of the whole body the gateway's RSS grew by
// about 5 times the body (96 MB); read as a stream, by the body and a little more (21 MB).
TEST(tariffs_api_memory, a_150000_row_json_body_does_not_build_a_document_in_memory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP()
      << "an AddressSanitizer gateway's RSS measures the sanitizer (shadow memory, quarantine)";
#endif
  pgtest::stack_options options;
  options.extra_config =
      "tariffs: \"" + (fs::path(SOURCE_DIR) / "config/tariffs").string() + "\"\n";
  options.max_body_bytes = 48LL << 20;
  options.client_timeout = std::chrono::seconds(120);
  stack env(options);
  auto ops = env.create_key("ops-team", "ops");
  const std::string body =
      R"({"date": "2026-06-01", "shipments": [)" + compare_rows(150'000) + "]}";
  const pid_t pid = env.gateway().pid;
  const auto before_kb = proc_status_kb(pid, "VmRSS");
  auto r = env.call("POST", "/v1/tariffs/compare", ops, body);
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(pgtest::parse_object(r.body).at("rows").at("total").as_int64(), 150'000);
  const auto peak_kb = proc_status_kb(pid, "VmHWM");
  const std::int64_t body_kb = static_cast<std::int64_t>(body.size() / 1024);
  RecordProperty("body_kb", std::to_string(body_kb));
  RecordProperty("rss_growth_kb", std::to_string(peak_kb - before_kb));
  std::printf("body %lld kB, gateway RSS %lld kB before, peak %lld kB\n",
              static_cast<long long>(body_kb), static_cast<long long>(before_kb),
              static_cast<long long>(peak_kb));
  // The body is held while it is read; a tree of it would add about 4 times its size.
  EXPECT_LT(peak_kb - before_kb, 2 * body_kb)
      << "peak RSS " << peak_kb << " kB, " << before_kb << " kB before, body " << body_kb << " kB";
}

}  // namespace
