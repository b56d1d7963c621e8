// Round trips: the adapter's real requests delivered in-process to the Colissimo simulator, and
// the simulator's own SLS behaviour (credentials, validation ids, routes, concurrency).

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>
#include <thread>

#include "adapters/colissimo/adapter.hpp"
#include "adapters/colissimo/wire.hpp"
#include "test_support.hpp"

namespace {

using namespace parcelgate;
using colissimo_test::run;
using colissimo_test::sample_request;
namespace json = boost::json;
namespace wire = parcelgate::adapters::colissimo;

constexpr const char* kPath = "/colissimo/sls-ws/SlsServiceWSRest/2.0/generateLabel";

struct ColissimoRoundTrip : ::testing::Test {
  sim::sales_ledger ledger;
  std::unique_ptr<sim::carrier_sim> simulator =
      sim::make_colissimo_sim(ledger, "http://127.0.0.1:9443");
  std::unique_ptr<carriers::carrier_adapter> adapter = adapters::make_colissimo_adapter();

  void SetUp() override {
    ASSERT_TRUE(adapter->configure(colissimo_test::sandbox_settings()).empty());
  }

  result<label_result> buy(const shipment_request& request) {
    colissimo_test::simulator_call call(*simulator);
    auto out = run(adapter->create_label(request, call));
    EXPECT_EQ(call.calls, 1);
    return out;
  }

  http::response post(std::string body, std::string path = kPath) {
    http::request req;
    req.method = "POST";
    req.target = req.path = std::move(path);
    req.fields = {{"Content-Type", "application/json"}};
    req.body = std::move(body);
    return simulator->handle(req);
  }

  // The adapter's own wire request for `request`, for tests that then break one field.
  json::object wire_request(const shipment_request& request, const std::string& product) {
    const std::string body = wire::build_generate_label_request(
        request, wire::account{"123456", "sandbox", "Atelier Martin"},
        wire::label_order{product, "PDF_10x15_300dpi", "2099-06-15"});
    return json::parse(body).as_object();
  }

  std::vector<std::string> error_ids(const http::response& r) {
    auto answer = wire::read_answer(r.header("Content-Type"), r.body);
    EXPECT_TRUE(answer) << r.body;
    std::vector<std::string> ids;
    if (answer)
      for (const auto& m : answer->messages)
        if (m.type == "ERROR") ids.push_back(m.id);
    return ids;
  }
};

TEST_F(ColissimoRoundTrip, HomePdfLabelIsSoldWithValidParcelNumber) {
  auto out = buy(sample_request());
  ASSERT_TRUE(out) << out.error().message << " " << out.error().carrier_code;
  EXPECT_EQ(out->tracking_number.size(), 13u);
  EXPECT_EQ(out->tracking_number.substr(0, 2), "6A");
  EXPECT_TRUE(wire::valid_parcel_number(out->tracking_number)) << out->tracking_number;
  EXPECT_TRUE(out->label.starts_with("%PDF-"));
  EXPECT_EQ(out->carrier_service, "DOM");
  EXPECT_EQ(out->carrier_reference.size(), 28u);
  EXPECT_EQ(ledger.count("colissimo"), 1u);
  const auto stats = json::parse(ledger.to_json());
  EXPECT_EQ(stats.at("colissimo").at("sales").at(0).at("reference").as_string(), "shp_7Hq2RkT9xZ");
  EXPECT_EQ(stats.at("colissimo").at("sales").at(0).at("tracking_number").as_string(),
            out->tracking_number);
}

TEST_F(ColissimoRoundTrip, GatewayShipmentIdReachesTheLedgerWithoutItsPrefix) {
  auto r = sample_request();
  r.shipment_id = "shp_7Hq2RkT9xZa4Lm0";  // 19 characters; senderParcelRef holds 17
  auto out = buy(r);
  ASSERT_TRUE(out) << out.error().message << " " << out.error().carrier_code;
  const auto stats = json::parse(ledger.to_json());
  EXPECT_EQ(stats.at("colissimo").at("sales").at(0).at("reference").as_string(), "7Hq2RkT9xZa4Lm0");
}

TEST_F(ColissimoRoundTrip, RelayZplLabelUsesRelayPrefix) {
  auto r = sample_request();
  r.service = service_level::pickup_point;
  r.pickup_point_id = "987654";
  r.format = label_format::zpl;
  auto out = buy(r);
  ASSERT_TRUE(out) << out.error().message << " " << out.error().carrier_code;
  EXPECT_EQ(out->tracking_number.substr(0, 2), "6M");
  EXPECT_TRUE(wire::valid_parcel_number(out->tracking_number));
  EXPECT_NE(out->label.find("^XA"), std::string::npos);
  EXPECT_EQ(out->format, label_format::zpl);
}

TEST_F(ColissimoRoundTrip, ReturnFromBelgiumIsSoldAsCori) {
  auto r = sample_request();
  r.dir = direction::return_;
  std::swap(r.from, r.to);
  r.from.country = "BE";
  r.from.postal_code = "1000";
  r.from.city = "Bruxelles";
  r.size = label_size::a4;
  auto out = buy(r);
  ASSERT_TRUE(out) << out.error().message << " " << out.error().carrier_code;
  EXPECT_EQ(out->tracking_number.substr(0, 2), "7R");
  EXPECT_EQ(out->carrier_service, "CORI");
}

TEST_F(ColissimoRoundTrip, WrongPasswordIsAuthFailedAndSellsNothing) {
  auto settings = colissimo_test::sandbox_settings();
  settings["password"] = "not-the-password";
  ASSERT_TRUE(adapter->configure(settings).empty());
  auto out = buy(sample_request());
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::auth_failed);
  EXPECT_EQ(out.error().carrier_code, "30000");
  EXPECT_EQ(ledger.count("colissimo"), 0u);
}

TEST_F(ColissimoRoundTrip, SimulatorZipCheckComesBackOnOurFieldPath) {
  auto r = sample_request();
  r.service = service_level::home_signature;
  r.to.country = "DE";
  r.to.postal_code =
      "1011";  // German postal codes have 5 digits; the adapter leaves that to Colissimo
  auto out = buy(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  EXPECT_EQ(out.error().carrier_code, "30211");
  ASSERT_FALSE(out.error().fields.empty());
  EXPECT_EQ(out.error().fields[0].field, "to.postal_code");
  EXPECT_EQ(ledger.count("colissimo"), 0u);
}

TEST_F(ColissimoRoundTrip, SimulatorAnswersErrorsAsMultipartWithSlsIds) {
  auto r = sample_request();
  r.service = service_level::pickup_point;
  auto body = wire_request(r, "A2P");
  auto& address = body["letter"].as_object()["addressee"].as_object()["address"].as_object();
  address.erase("mobileNumber");
  address.erase("zipCode");
  body["letter"].as_object()["parcel"].as_object()["weight"] = 21.5;
  const auto answer = post(json::serialize(body));
  EXPECT_EQ(answer.status, 400);
  EXPECT_TRUE(answer.header("Content-Type").starts_with("multipart/mixed"));
  EXPECT_EQ(error_ids(answer), (std::vector<std::string>{"30210", "30301", "30400", "30220"}));
}

TEST_F(ColissimoRoundTrip, SimulatorKnowsProductsOutsideTheContract) {
  auto body = wire_request(sample_request(), "COLD");
  EXPECT_EQ(error_ids(post(json::serialize(body))), std::vector<std::string>{"30700"});
  body = wire_request(sample_request(), "NOPE");
  EXPECT_EQ(error_ids(post(json::serialize(body))), std::vector<std::string>{"30015"});
}

TEST_F(ColissimoRoundTrip, SimulatorRejectsPastDepositDate) {
  auto body = wire_request(sample_request(), "DOM");
  body["letter"].as_object()["service"].as_object()["depositDate"] = "2001-01-01";
  EXPECT_EQ(error_ids(post(json::serialize(body))), std::vector<std::string>{"30002"});
}

TEST_F(ColissimoRoundTrip, SimulatorAnswersMalformedJsonWith400) {
  const auto answer = post("{\"contractNumber\": \"123456\", ");
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(error_ids(answer), std::vector<std::string>{"40017"});
}

TEST_F(ColissimoRoundTrip, CheckGenerateLabelValidatesWithoutSelling) {
  const std::string path = "/colissimo/sls-ws/SlsServiceWSRest/2.0/checkGenerateLabel";
  auto ok = post(json::serialize(wire_request(sample_request(), "DOM")), path);
  EXPECT_EQ(ok.status, 200);
  EXPECT_TRUE(ok.header("Content-Type").starts_with("application/json"));
  EXPECT_EQ(json::parse(ok.body).at("messages").at(0).at("id").as_string(), "0");
  auto bad = wire_request(sample_request(), "DOM");
  bad["password"] = "wrong";
  auto refused = post(json::serialize(bad), path);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(json::parse(refused.body).at("messages").at(0).at("id").as_string(), "30000");
  EXPECT_EQ(ledger.count("colissimo"), 0u);
}

TEST_F(ColissimoRoundTrip, SimulatorRoutesOnlyPostToSlsOperations) {
  http::request get;
  get.method = "GET";
  get.path = kPath;
  EXPECT_EQ(simulator->handle(get).status, 405);
  EXPECT_EQ(post("{}", "/colissimo/sls-ws/SlsServiceWSRest/2.0/cancelLabel").status, 404);
  EXPECT_EQ(post("{}", "/colissimo/elsewhere").status, 404);
}

TEST_F(ColissimoRoundTrip, ConcurrentSalesGetDistinctNumbersAndAreAllRecorded) {
  constexpr int kThreads = 4, kEach = 5;
  std::vector<std::vector<std::string>> numbers(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto body = wire_request(sample_request(), "DOS");
        body["letter"].as_object()["sender"].as_object()["senderParcelRef"] =
            "ref-" + std::to_string(t * kEach + i);
        const auto answer = post(json::serialize(body));
        auto parsed = wire::read_answer(answer.header("Content-Type"), answer.body);
        if (answer.status == 200 && parsed) numbers[t].push_back(parsed->parcel_number);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> distinct;
  for (const auto& list : numbers) distinct.insert(list.begin(), list.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(ledger.count("colissimo"), static_cast<std::uint64_t>(kThreads * kEach));
  for (const auto& n : distinct) EXPECT_TRUE(wire::valid_parcel_number(n)) << n;
}

}  // namespace
