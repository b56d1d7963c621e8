// InPost through the real processes: a locker label bought through the gateway from the ShipX
// simulator (created, then confirmed a moment later), its void refused once the label exists,
// a purchase InPost never confirms left pending and never bought twice, and the parcel tracked
// through the adapter and the core's HTTP client against the simulator process.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <tuple>

#include "adapters/inpost/adapter.hpp"
#include "gateway/carriers/http_client.hpp"
#include "gateway/carriers/registry.hpp"
#include "gateway/telemetry/metrics.hpp"
#include "harness.hpp"
#include "test_support.hpp"

namespace {

using namespace parcelgate;
using pgtest::response;
using pgtest::stack;

constexpr const char* kInpostConfig =
    "  inpost: {base_url: \"{sim_url}/inpost\", token: \"sandbox-inpost-token\", "
    "organization_id: \"6183\", push_token: \"push-secret\", confirm_timeout_s: 2, timeout_s: "
    "15}\n";

std::string locker_body(const std::string& reference) {
  return R"({"reference": ")" + reference + R"(", "carrier": "inpost", "service": "locker",
  "pickup_point_id": "inpost:PL:KRA012",
  "from": {"name": "Piotr Zielinski", "company": "Sklep Krakowski", "line1": "ul. Florianska 12", "city": "Krakow",
           "postal_code": "31-021", "country": "PL", "phone": "+48123456789", "email": "wysylki@sklep.example.pl"},
  "to": {"name": "Anna Nowak", "line1": "ul. Dluga 5", "city": "Warszawa", "postal_code": "00-238", "country": "PL",
         "phone": "+48600123456", "email": "anna.nowak@example.pl"},
  "parcels": [{"weight_g": 2400, "dimensions_mm": {"length": 300, "width": 150, "height": 120}}],
  "label": {"format": "pdf", "size": "a6"}})";
}

class inpost_stack : public ::testing::Test {
 protected:
  void start(std::vector<std::string> env) {
    pgtest::stack_options options;
    options.extra_config = kInpostConfig;
    options.env = std::move(env);
    env_ = std::make_unique<stack>(options);
    key_ = env_->create_key("tenant-pl", "merchant");
  }

  response buy(const std::string& idempotency_key) {
    return env_->call("POST", "/v1/shipments", key_, locker_body("order-" + idempotency_key),
                      {{"Idempotency-Key", idempotency_key}});
  }

  // The simulator's own list of the organization's shipments.
  boost::json::array sim_shipments() {
    auto r = pgtest::request(env_->sim_url(), "GET", "/inpost/v1/organizations/6183/shipments", {},
                             {{"Authorization", "Bearer sandbox-inpost-token"}}, env_->ca_file());
    EXPECT_EQ(r.status, 200) << pgtest::describe(r);
    return pgtest::parse_object(r.body).at("items").as_array();
  }

  std::unique_ptr<stack> env_;
  std::string key_;
};

TEST_F(inpost_stack, a_locker_label_is_bought_tracked_and_its_void_refused) {
  start({"CARRIER_SIM_INPOST_CONFIRM_MS=300", "CARRIER_SIM_INPOST_STAGE_SECONDS=0"});
  auto bought = buy("pl-1");
  ASSERT_EQ(bought.status, 201) << pgtest::describe(bought);
  auto shipment = pgtest::parse_object(bought.body);
  const std::string id = pgtest::string_at(shipment, "id");
  const std::string tracking = pgtest::string_at(shipment, "tracking_number");
  EXPECT_EQ(pgtest::string_at(shipment, "status"), "label_created");
  EXPECT_EQ(pgtest::string_at(shipment, "carrier_service"), "inpost_locker_standard");
  EXPECT_EQ(pgtest::string_at(shipment, "pickup_point_id"), "inpost:PL:KRA012");
  EXPECT_EQ(tracking.size(), 24u);
  // The ShipX shipment id is kept with the shipment, for voiding.
  auto items = sim_shipments();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(pgtest::string_at(shipment, "carrier_reference"),
            std::to_string(items[0].as_object().at("id").as_int64()));
  EXPECT_NE(items[0].as_object().at("status").as_string(), "created");  // confirmed, then on

  auto label = env_->call("GET", "/v1/shipments/" + id + "/label", key_);
  ASSERT_EQ(label.status, 200) << pgtest::describe(label);
  EXPECT_TRUE(label.body.starts_with("%PDF-"));
  EXPECT_EQ(label.header("content-type"), "application/pdf");

  // The replay of the same key answers the same shipment; one sale in all.
  auto again = buy("pl-1");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(again.body), "id"), id);
  auto sales = pgtest::sim_sales(*env_);
  EXPECT_EQ(sales["inpost"].sold, 1u);
  EXPECT_EQ(sales["inpost"].duplicates, 0u);

  // Printed labels cannot be voided at InPost: 409, and the shipment stays as it was.
  const auto requests_before = pgtest::sim_sales(*env_)["inpost"].requests;
  auto cancelled = env_->call("POST", "/v1/shipments/" + id + "/cancel", key_);
  pgtest::expect_problem(cancelled, 409);
  // One DELETE by the kept ShipX id: no search by tracking number first.
  EXPECT_EQ(pgtest::sim_sales(*env_)["inpost"].requests, requests_before + 1);
  EXPECT_NE(cancelled.body.find("can no longer be voided"), std::string::npos) << cancelled.body;
  auto read = env_->call("GET", "/v1/shipments/" + id, key_);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(read.body), "status"), "label_created");

  // Tracking: the adapter through the core's HTTP client, against the simulator process.
  boost::asio::io_context io;
  telemetry::metrics metrics;
  carriers::http_client_options client_options;
  client_options.ca_file = env_->ca_file();
  auto client = carriers::http_client::create(io, client_options);
  ASSERT_TRUE(client) << client.error().message;
  auto adapter = adapters::make_inpost_adapter();
  ASSERT_TRUE(adapter
                  ->configure({{"base_url", env_->sim_url() + "/inpost"},
                               {"token", "sandbox-inpost-token"},
                               {"organization_id", "6183"}})
                  .empty());
  carriers::carrier_call call(**client, metrics, "inpost",
                              std::chrono::steady_clock::now() + std::chrono::seconds(10));
  std::optional<result<carriers::tracking_batch>> polled;
  const std::vector<std::string> numbers{tracking, "600000000000000000000001"};
  boost::asio::co_spawn(io, adapter->track(numbers, call),
                        [&](std::exception_ptr e, result<carriers::tracking_batch> r) {
                          if (!e) polled.emplace(std::move(r));
                          io.stop();
                        });
  io.run();
  ASSERT_TRUE(polled);
  ASSERT_TRUE(*polled) << (*polled).error().message;
  const auto& batch = **polled;
  ASSERT_GE(batch.events.size(), 2u);
  EXPECT_EQ(batch.events.front().carrier_code, "confirmed");
  EXPECT_EQ(batch.events.back().status, tracking_status::delivered);
  EXPECT_EQ(batch.events.back().point_id, "inpost:PL:KRA012");
  ASSERT_EQ(batch.misses.size(), 1u);
  EXPECT_EQ(batch.misses[0].why.kind, error_kind::not_found);
}

TEST_F(inpost_stack, a_shipment_inpost_never_confirms_stays_pending_and_is_never_bought_again) {
  start({"CARRIER_SIM_INPOST_CONFIRM_MS=never"});
  const auto started = std::chrono::steady_clock::now();
  auto first = buy("pl-never");
  const auto waited = std::chrono::steady_clock::now() - started;
  pgtest::expect_problem(first, 504, "purchase-outcome-unknown");
  EXPECT_GE(waited, std::chrono::milliseconds(1500)) << "the confirmation window was not waited";
  EXPECT_LT(waited, std::chrono::seconds(10)) << "confirm_timeout_s: 2 bounds the wait";
  const std::string id = pgtest::string_at(pgtest::parse_object(first.body), "shipment_id");
  auto read = env_->call("GET", "/v1/shipments/" + id, key_);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(read.body), "status"), "pending_confirmation");
  for (int i = 0; i < 2; ++i) {
    auto again = buy("pl-never");
    pgtest::expect_problem(again, 504, "purchase-outcome-unknown", pgtest::answer_kind::replay);
  }
  EXPECT_EQ(sim_shipments().size(), 1u) << "the purchase was sent again";
  EXPECT_EQ(pgtest::sim_sales(*env_)["inpost"].sold, 0u);
}

TEST_F(inpost_stack, inposts_validation_refusal_is_a_field_error_and_frees_the_key) {
  start({"CARRIER_SIM_INPOST_CONFIRM_MS=0"});
  std::string body = locker_body("order-bad-point");
  body.replace(body.find("KRA012"), 6, "KRA999");  // well formed, unknown to the sandbox
  auto refused = env_->call("POST", "/v1/shipments", key_, body, {{"Idempotency-Key", "pl-bad"}});
  pgtest::expect_problem(refused, 422);
  EXPECT_EQ(pgtest::error_fields(refused), (std::set<std::string>{"pickup_point_id"}));
  // A refusal proves nothing was sold: the key is free, the same request is handled afresh.
  auto retried = env_->call("POST", "/v1/shipments", key_, body, {{"Idempotency-Key", "pl-bad"}});
  pgtest::expect_problem(retried, 422, {}, pgtest::answer_kind::fresh);
  EXPECT_EQ(sim_shipments().size(), 0u);
  // Our own checks come first: a French point, a missing phone, an oversize parcel.
  std::string local = locker_body("order-local");
  local.replace(local.find("inpost:PL:KRA012"), 16, "inpost:PL:020230");
  local.replace(local.find("\"+48600123456\""), 14, "\"+33612345678\"");
  local.replace(local.find("\"length\": 300"), 13, "\"length\": 700");
  auto local_refusal =
      env_->call("POST", "/v1/shipments", key_, local, {{"Idempotency-Key", "pl-local"}});
  pgtest::expect_problem(local_refusal, 422);
  EXPECT_EQ(pgtest::error_fields(local_refusal),
            (std::set<std::string>{"pickup_point_id", "to.phone", "parcels[0].dimensions_mm"}));
  EXPECT_EQ(pgtest::sim_sales(*env_)["inpost"].sold, 0u);
}

TEST_F(inpost_stack, carrier_faults_never_let_a_key_buy_twice) {
  pgtest::stack_options options;
  // A 3 s deadline: the lost answer below ends there.
  options.extra_config = kInpostConfig;
  options.extra_config.replace(options.extra_config.find("timeout_s: 15"), 13, "timeout_s: 3");
  options.env = {"CARRIER_SIM_INPOST_CONFIRM_MS=0"};
  env_ = std::make_unique<stack>(options);
  key_ = env_->create_key("tenant-pl", "merchant");
  const auto healthy = R"({"busy_rate": 0, "proxy_error_after_sale_rate": 0, "timeout_rate": 0})";

  // InPost's own "unavailable" answer: nothing was created, the key is free.
  pgtest::set_sim_faults(*env_, R"({"busy_rate": 1.0})");
  pgtest::expect_problem(buy("pl-busy"), 503, "carrier-unavailable");
  pgtest::set_sim_faults(*env_, healthy);
  EXPECT_EQ(sim_shipments().size(), 0u);
  auto bought = buy("pl-busy");
  EXPECT_EQ(bought.status, 201) << pgtest::describe(bought);
  EXPECT_EQ(sim_shipments().size(), 1u);

  // A proxy's 502 after InPost created the shipment, and an answer lost after it: both pending,
  // and the same key never creates another shipment.
  for (const auto& [fault, status, key] :
       {std::tuple{std::string(R"({"proxy_error_after_sale_rate": 1.0})"), 502, "pl-proxy"},
        std::tuple{std::string(R"({"timeout_rate": 1.0})"), 504, "pl-lost"}}) {
    const auto before = sim_shipments().size();
    pgtest::set_sim_faults(*env_, fault);
    auto first = buy(key);
    pgtest::expect_problem(first, status, "purchase-outcome-unknown");
    pgtest::set_sim_faults(*env_, healthy);
    auto again = buy(key);
    pgtest::expect_problem(again, status, "purchase-outcome-unknown", pgtest::answer_kind::replay);
    EXPECT_EQ(sim_shipments().size(), before + 1) << key << ": exactly the one shipment";
  }
  EXPECT_EQ(pgtest::sim_sales(*env_)["inpost"].duplicates, 0u);
}

}  // namespace
