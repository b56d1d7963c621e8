// The InPost call flow with a scripted carrier (adapter_testing::fake_call: retries without
// waiting, the waits recorded).
#include <gtest/gtest.h>

#include "adapters/inpost/adapter.hpp"
#include "tests/adapters/inpost/test_support.hpp"

using namespace parcelgate;
using adapter_testing::fake_call;
using carriers::outbound_request;
using carriers::outbound_response;
using inpost_test::answer;
using inpost_test::fixture;
using inpost_test::run;

namespace {

const std::string kPdf = "%PDF-1.4\n% inpost label\n%%EOF\n";

std::unique_ptr<carriers::carrier_adapter> configured(carriers::carrier_settings extra = {}) {
  auto a = adapters::make_inpost_adapter();
  auto settings = inpost_test::sandbox_settings("https://shipx.test/");
  for (auto& [k, v] : extra) settings[k] = v;
  EXPECT_TRUE(a->configure(settings).empty());
  return a;
}

// InPost confirming after `not_ready` label attempts.
fake_call::handler confirming_after(int not_ready) {
  auto seen = std::make_shared<int>(0);
  return [seen, not_ready](const outbound_request& r) -> result<outbound_response> {
    if (r.method == "POST") return answer(201, fixture("shipment_created.json"));
    if (r.url.find("/label?") != std::string::npos) {
      if ((*seen)++ < not_ready) return answer(400, fixture("label_not_ready.json"));
      return answer(200, kPdf, "application/pdf");
    }
    return answer(200, fixture("shipment_confirmed.json"));
  };
}

TEST(InpostAdapter, buys_waits_for_the_confirmation_and_keeps_the_shipment_id) {
  auto a = configured();
  fake_call call(confirming_after(2));
  auto out = run(a->create_label(inpost_test::locker_request(), call));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->tracking_number, "682000011384230013138034");
  EXPECT_EQ(out->carrier_reference, "1634508792");
  EXPECT_EQ(out->carrier_service, "inpost_locker_standard");
  EXPECT_EQ(out->label, kPdf);
  EXPECT_EQ(out->format, label_format::pdf);
  ASSERT_EQ(call.sent.size(), 5u);  // create, 3 label exchanges, read
  EXPECT_EQ(call.requests, 3);
  EXPECT_EQ(call.sent[0].url, "https://shipx.test/v1/organizations/6183/shipments");
  EXPECT_EQ(call.sent[1].url,
            "https://shipx.test/v1/shipments/1634508792/label?format=Pdf&type=A6");
  EXPECT_EQ(call.sent[4].url, "https://shipx.test/v1/shipments/1634508792");
  EXPECT_EQ(call.waits, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(250),
                                                                std::chrono::milliseconds(500)}));
}

TEST(InpostAdapter, a_confirmation_that_never_comes_leaves_the_sale_unknown) {
  auto a = configured({{"confirm_timeout_s", "3"}});
  fake_call call(confirming_after(1'000));
  auto out = run(a->create_label(inpost_test::locker_request(), call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::timeout);
  EXPECT_EQ(out.error().sale, sale_outcome::unknown)
      << "never 'not sold': InPost may confirm later";
  EXPECT_EQ(out.error().carrier, "inpost");
  EXPECT_EQ(out.error().carrier_code, "invalid_action");
  EXPECT_NE(out.error().message.find("1634508792"), std::string::npos) << out.error().message;
  EXPECT_EQ(call.sent.front().method, "POST");
  EXPECT_EQ(std::count_if(call.sent.begin(), call.sent.end(),
                          [](const outbound_request& r) { return r.method == "POST"; }),
            1)
      << "the purchase is never repeated";
  EXPECT_EQ(call.sent.size(), 1u + 5u);  // 3 s: 0.25 + 0.5 + 1 + 1 s of waits, 5 label exchanges
  std::chrono::milliseconds waited{0};
  for (auto w : call.waits) waited += w;
  EXPECT_LE(waited, std::chrono::seconds(3));
}

TEST(InpostAdapter, refusals_in_shipx_format_prove_nothing_was_sold) {
  auto a = configured();
  fake_call refused([](const outbound_request&) -> result<outbound_response> {
    return answer(400, fixture("validation_failed.json"));
  });
  auto out = run(a->create_label(inpost_test::locker_request(), refused));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
  EXPECT_EQ(refused.sent.size(), 1u);
}

TEST(InpostAdapter, a_label_without_a_tracking_number_is_an_unknown_sale) {
  auto a = configured();
  fake_call odd([](const outbound_request& r) -> result<outbound_response> {
    if (r.method == "POST") return answer(201, fixture("shipment_created.json"));
    if (r.url.find("/label?") != std::string::npos) return answer(200, kPdf, "application/pdf");
    return answer(200, fixture("shipment_created.json"));
  });
  auto out = run(a->create_label(inpost_test::locker_request(), odd));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(out.error().sale, sale_outcome::unknown);
}

TEST(InpostAdapter, zpl_labels_are_fetched_as_zpl) {
  auto a = configured();
  fake_call call([](const outbound_request& r) -> result<outbound_response> {
    if (r.method == "POST") return answer(201, fixture("shipment_created.json"));
    if (r.url.find("/label?") != std::string::npos)
      return answer(200, "^XA^FDx^FS^XZ", "text/plain");
    return answer(200, fixture("shipment_confirmed.json"));
  });
  auto out = run(a->create_label(inpost_test::courier_request(), call));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->format, label_format::zpl);
  EXPECT_NE(call.sent[1].url.find("format=Zpl&type=A6"), std::string::npos);
}

TEST(InpostAdapter, cancel_deletes_the_kept_shipment_id) {
  auto a = configured();
  fake_call call(
      [](const outbound_request&) -> result<outbound_response> { return answer(204, ""); });
  const shipment_ref ref{.shipment_id = "shp_1",
                         .tracking_number = "682000011384230013138034",
                         .carrier_service = "inpost_locker_standard",
                         .carrier_reference = "1634508792"};
  auto out = run(a->cancel_label(ref, call));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(call.sent.size(), 1u);
  EXPECT_EQ(call.sent[0].method, "DELETE");
  EXPECT_EQ(call.sent[0].url, "https://shipx.test/v1/shipments/1634508792");
}

TEST(InpostAdapter, cancel_without_a_kept_id_finds_it_by_tracking_number) {
  auto a = configured();
  fake_call call([](const outbound_request& r) -> result<outbound_response> {
    if (r.method == "GET")
      return answer(200, "{\"count\":1,\"items\":[" + fixture("shipment_confirmed.json") + "]}");
    return answer(400, fixture("cancel_invalid_action.json"));
  });
  const shipment_ref ref{.shipment_id = "shp_1",
                         .tracking_number = "682000011384230013138034",
                         .carrier_service = "inpost_locker_standard",
                         .carrier_reference = {}};
  auto out = run(a->cancel_label(ref, call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::conflict);
  EXPECT_NE(out.error().message.find("can no longer be voided"), std::string::npos);
  ASSERT_EQ(call.sent.size(), 2u);
  EXPECT_EQ(call.sent[0].url,
            "https://shipx.test/v1/organizations/6183/shipments?tracking_number="
            "682000011384230013138034");
  EXPECT_EQ(call.sent[1].url, "https://shipx.test/v1/shipments/1634508792");
}

TEST(InpostAdapter, settings_are_checked_and_caps_declared) {
  auto a = adapters::make_inpost_adapter();
  auto errors = a->configure({{"base_url", "ftp://x"},
                              {"token", ""},
                              {"organization_id", "abc"},
                              {"confirm_timeout_s", "0"},
                              {"sending_method", "drone"}});
  std::vector<std::string> fields;
  for (const auto& e : errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"base_url", "token", "organization_id",
                                              "confirm_timeout_s", "sending_method"}));
  auto caps = configured()->caps();
  EXPECT_TRUE(caps.tracking_poll);
  EXPECT_TRUE(caps.tracking_push);
  EXPECT_EQ(caps.cancel, "carrier");
  EXPECT_EQ(caps.tracking_batch, 1);
  EXPECT_GT(caps.tracking_requests_per_s, 0);
  EXPECT_EQ(caps.destination_countries, std::vector<std::string>{"PL"});
  bool push_token_secret = false;
  for (const auto& s : a->settings_schema())
    if (s.key == "push_token") push_token_secret = s.secret && !s.required;
  EXPECT_TRUE(push_token_secret);
  EXPECT_EQ(
      configured()->verify_push(carriers::inbound_push{.headers = {}, .body = "{}", .query = ""}),
      carriers::push_auth::no_scheme);
}

TEST(InpostAdapter, track_polls_one_number_per_request) {
  auto a = configured();
  fake_call call([](const outbound_request& r) -> result<outbound_response> {
    if (r.url.ends_with("682000011384230013138034"))
      return answer(200, fixture("tracking_locker.json"));
    return answer(404, fixture("resource_not_found.json"));
  });
  auto out =
      run(a->track({"682000011384230013138034", "600000000000000000000001", "bad number"}, call));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->events.size(), 5u);
  ASSERT_EQ(out->misses.size(), 2u);
  EXPECT_EQ(out->misses[0].why.kind, error_kind::not_found);
  EXPECT_EQ(out->misses[1].tracking_number, "bad number");
  EXPECT_EQ(out->misses[1].why.kind, error_kind::invalid_request);
  ASSERT_EQ(call.sent.size(), 2u);
  EXPECT_EQ(call.sent[0].url, "https://shipx.test/v1/tracking/682000011384230013138034");
  EXPECT_TRUE(call.sent[0].idempotent);
}

}  // namespace
