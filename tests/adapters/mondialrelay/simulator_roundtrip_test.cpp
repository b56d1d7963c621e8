// The adapter against the in-process Mondial Relay simulator, and the simulator's own checks
// driven with raw WSI requests.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "adapters/mondialrelay/adapter.hpp"
#include "adapters/mondialrelay/wire.hpp"
#include "tests/adapters/mondialrelay/test_support.hpp"

namespace mr = parcelgate::adapters::mondialrelay;
using namespace parcelgate;
using testing_mr::pickup_point_request;
using testing_mr::run;
using testing_mr::simulator_call;

namespace {

struct MondialRelaySimulator : ::testing::Test {
  sim::sales_ledger ledger;
  std::unique_ptr<sim::carrier_sim> simulator =
      sim::make_mondialrelay_sim(ledger, "http://127.0.0.1:9443");

  std::unique_ptr<carriers::carrier_adapter> adapter(std::string key = "PrivateK") {
    auto a = adapters::make_mondialrelay_adapter();
    EXPECT_TRUE(a->configure(testing_mr::sandbox_settings(std::move(key))).empty());
    return a;
  }

  http::response post(std::string_view operation, const mr::param_list& params) {
    http::request in;
    in.method = "POST";
    in.target = in.path = "/mondialrelay/Web_Services.asmx";
    in.fields = {{"Content-Type", "text/xml; charset=utf-8"},
                 {"SOAPAction", mr::soap_action(operation)}};
    in.body = mr::build_envelope(operation, params);
    return simulator->handle(in);
  }

  // Sends the pickup-point shipment with `name` set to `value` (Security recomputed): the STAT.
  int creation_stat_with(std::string_view name, std::string value) {
    mr::delivery_plan plan{"CCC", "24R", "", "", "FR", "020230", 1};
    auto params = mr::build_creation_params(pickup_point_request(), plan, {"BDTEST13", "PrivateK"});
    params.pop_back();  // Security
    for (auto& p : params)
      if (p.name == name) p.value = std::move(value);
    params.push_back({"Security", mr::security_for(params, "PrivateK")});
    auto out = post(mr::kCreationOperation, params);
    auto parsed = mr::parse_creation_response(out.status, out.body);
    EXPECT_TRUE(parsed) << out.body;
    return parsed ? parsed->stat : -1;
  }

  http::response get(std::string target) {
    http::request in;
    in.method = "GET";
    in.target = target;
    auto q = target.find('?');
    in.path = target.substr(0, q);
    in.query = q == std::string::npos ? "" : target.substr(q + 1);
    return simulator->handle(in);
  }
};

}  // namespace

TEST_F(MondialRelaySimulator, round_trip_buys_one_label_with_an_8_digit_number_and_a_pdf) {
  auto a = adapter();
  simulator_call call(*simulator);
  auto result = run(a->create_label(pickup_point_request(), call));
  ASSERT_TRUE(result) << result.error().message << " " << result.error().carrier_code;
  EXPECT_EQ(result->tracking_number.size(), 8u);
  EXPECT_EQ(result->tracking_number.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_TRUE(result->label.starts_with("%PDF-"));
  EXPECT_EQ(ledger.count("mondialrelay"), 1u);
  EXPECT_NE(ledger.to_json().find("\"reference\":\"0A1B2C3D4E5F6G7\""), std::string::npos);
  ASSERT_EQ(call.sent.size(), 2u);
  EXPECT_NE(call.sent[1].url.find("format=10x15"), std::string::npos);
}

TEST_F(MondialRelaySimulator, wrong_private_key_is_refused_with_stat_97_as_auth_failed) {
  auto a = adapter("WrongKey");
  simulator_call call(*simulator);
  auto result = run(a->create_label(pickup_point_request(), call));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, error_kind::auth_failed);
  EXPECT_EQ(result.error().carrier_code, "STAT 97");
  EXPECT_EQ(ledger.count("mondialrelay"), 0u);
}

TEST_F(MondialRelaySimulator, expedition_numbers_are_sequential) {
  auto a = adapter();
  simulator_call call(*simulator);
  auto first = run(a->create_label(pickup_point_request(), call));
  auto second = run(a->create_label(pickup_point_request(), call));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(std::stoul(second->tracking_number), std::stoul(first->tracking_number) + 1);
  EXPECT_NE(ledger.to_json().find("\"duplicate_references\":1"), std::string::npos);
}

TEST_F(MondialRelaySimulator, carrier_side_rejection_comes_back_as_our_field_error) {
  auto a = adapter();
  simulator_call call(*simulator);
  auto r = pickup_point_request();
  r.pickup_point_id = "000000";  // well-formed, but no such relay in the simulated network
  auto result = run(a->create_label(r, call));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, error_kind::invalid_request);
  EXPECT_EQ(result.error().carrier_code, "STAT 70");
  ASSERT_EQ(result.error().fields.size(), 1u);
  EXPECT_EQ(result.error().fields[0].field, "pickup_point_id");
  EXPECT_EQ(ledger.count("mondialrelay"), 0u);
}

TEST_F(MondialRelaySimulator, simulator_answers_the_documented_stat_for_each_bad_parameter) {
  struct row {
    const char* name;
    const char* value;
    int stat;
  };
  const row rows[] = {
      {"ModeCol", "ABC", 10},
      {"ModeLiv", "XYZ", 13},
      {"Expe_Ad1", "", 40},
      {"Dest_Ad3", "x", 33},
      {"Dest_CP", "7501", 36},
      {"Expe_Pays", "FRA", 37},
      {"Dest_Pays", "US", 79},
      {"Expe_Tel1", "12", 38},
      {"Dest_Mail", "a+b@c.d", 39},
      {"Poids", "50", 20},
      {"NbColis", "2", 48},
      {"LIV_Rel", "12AB", 14},
      {"LIV_Rel", "000000", 70},
      {"LIV_Rel_Pays", "BE", 92},
      {"NDossier", "shp_x", 5},
      {"Expe_Langage", "f", 74},
      {"Dest_Ville", "PARIS 14E ARRONDISSEMENT DE", 35},
      {"Enseigne", "BDTEST1", 1},
      {"Enseigne", "ZZTEST13", 2},
  };
  for (const auto& r : rows)
    EXPECT_EQ(creation_stat_with(r.name, r.value), r.stat) << r.name << "=" << r.value;
  EXPECT_EQ(creation_stat_with("NClient", ""), 0);
  EXPECT_EQ(ledger.count("mondialrelay"), 1u);
}

TEST_F(MondialRelaySimulator, simulator_rejects_a_tampered_security_hash) {
  mr::delivery_plan plan{"CCC", "24R", "", "", "FR", "020230", 1};
  auto params = mr::build_creation_params(pickup_point_request(), plan, {"BDTEST13", "PrivateK"});
  for (auto& p : params)
    if (p.name == "Poids") p.value = "1300";  // changed after signing
  auto out = post(mr::kCreationOperation, params);
  auto parsed = mr::parse_creation_response(out.status, out.body);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->stat, 97);
}

TEST_F(MondialRelaySimulator, unknown_soap_action_is_a_client_fault) {
  auto out = post("WSI2_Unknown", {{"Enseigne", "BDTEST13"}});
  EXPECT_EQ(out.status, 500);
  auto parsed = mr::parse_creation_response(out.status, out.body);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, error_kind::internal);
  EXPECT_EQ(parsed.error().carrier_code, "soap:Client");
}

TEST_F(MondialRelaySimulator, label_server_checks_crc_and_serves_each_format) {
  auto a = adapter();
  simulator_call call(*simulator);
  ASSERT_TRUE(run(a->create_label(pickup_point_request(), call)));
  std::string url = call.sent[1].url;
  std::string target = url.substr(url.find("/mondialrelay/"));
  auto a6 = get(target);
  EXPECT_EQ(a6.status, 200);
  EXPECT_EQ(a6.header("Content-Type"), "application/pdf");
  auto a4 = get(mr::label_url("", target, "A4"));
  EXPECT_EQ(a4.status, 200);
  EXPECT_TRUE(a4.body.starts_with("%PDF-"));
  EXPECT_NE(a4.body, a6.body);
  std::string bad = target.substr(0, target.find("crc=") + 4) + "00000000000000000000000000000000";
  EXPECT_EQ(get(bad).status, 404);
  EXPECT_EQ(
      get("/mondialrelay/ww2/PDF/StickerMaker2.aspx?ens=BDTEST1311&expedition=99999999&crc=AA")
          .status,
      404);
}

TEST_F(MondialRelaySimulator, tracing_reports_a_new_label_as_registered) {
  auto a = adapter();
  simulator_call call(*simulator);
  auto bought = run(a->create_label(pickup_point_request(), call));
  ASSERT_TRUE(bought);
  auto out = post(mr::kTracingOperation, mr::build_tracing_params({"BDTEST13", "PrivateK"},
                                                                  bought->tracking_number, "FR"));
  auto parsed = mr::parse_tracing_response(out.status, out.body);
  ASSERT_TRUE(parsed) << out.body;
  EXPECT_EQ(parsed->stat, 80);
  EXPECT_EQ(mr::status_from_stat(parsed->stat), tracking_status::label_created);
  EXPECT_TRUE(parsed->steps.empty());
  EXPECT_EQ(parsed->relay_num, "020230");

  auto wrong = post(mr::kTracingOperation,
                    mr::build_tracing_params({"BDTEST13", "Nope"}, bought->tracking_number, "FR"));
  EXPECT_EQ(mr::parse_tracing_response(wrong.status, wrong.body)->stat, 97);
  auto unknown = post(mr::kTracingOperation,
                      mr::build_tracing_params({"BDTEST13", "PrivateK"}, "00000001", "FR"));
  EXPECT_EQ(mr::parse_tracing_response(unknown.status, unknown.body)->stat, 24);
  auto language =
      post(mr::kTracingOperation,
           mr::build_tracing_params({"BDTEST13", "PrivateK"}, bought->tracking_number, "fr"));
  EXPECT_EQ(mr::parse_tracing_response(language.status, language.body)->stat, 74);
}

TEST_F(MondialRelaySimulator, concurrent_purchases_get_distinct_numbers) {
  mr::delivery_plan plan{"CCC", "24R", "", "", "FR", "020230", 1};
  auto params = mr::build_creation_params(pickup_point_request(), plan, {"BDTEST13", "PrivateK"});
  std::mutex m;
  std::set<std::string> numbers;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto out = post(mr::kCreationOperation, params);
        auto parsed = mr::parse_creation_response(out.status, out.body);
        std::lock_guard lock(m);
        if (parsed && parsed->stat == 0) numbers.insert(parsed->expedition_num);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(numbers.size(), 20u);
  EXPECT_EQ(ledger.count("mondialrelay"), 20u);
}
