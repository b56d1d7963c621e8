// Colissimo adapter: settings, capabilities, product and printing-type choice, and the
// create_label/cancel_label call flow against a fake carriers::call returning recorded answers.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <functional>

#include "adapters/colissimo/adapter.hpp"
#include "test_support.hpp"

namespace {

using namespace parcelgate;
using colissimo_test::configured;
using colissimo_test::fixture;
using colissimo_test::has_field;
using colissimo_test::relay_request;
using colissimo_test::return_request;
using colissimo_test::run;
using colissimo_test::sample_request;
namespace json = boost::json;

std::vector<std::string> fields_of(const std::vector<field_error>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

TEST(ColissimoAdapter, SettingsSchemaDeclaresKeysAndSecretPassword) {
  auto adapter = adapters::make_colissimo_adapter();
  EXPECT_EQ(adapter->id(), "colissimo");
  const auto schema = adapter->settings_schema();
  ASSERT_EQ(schema.size(), 7u);
  auto find = [&](std::string_view key) {
    return *std::find_if(schema.begin(), schema.end(), [&](const auto& s) { return s.key == key; });
  };
  EXPECT_TRUE(find("base_url").required);
  EXPECT_TRUE(find("contract_number").required);
  EXPECT_TRUE(find("password").required);
  EXPECT_TRUE(find("password").secret);
  EXPECT_FALSE(find("commercial_name").required);
  EXPECT_EQ(find("commercial_name").default_value, "parcelgate");
  EXPECT_FALSE(find("tracking_url").required);
  EXPECT_FALSE(find("points_url").required);
  EXPECT_FALSE(find("okapi_key").required);  // only tracking needs it
  EXPECT_TRUE(find("okapi_key").secret);
}

TEST(ColissimoAdapter, ConfigureRejectsBadUrlNonDigitContractAndEmptyPassword) {
  auto adapter = adapters::make_colissimo_adapter();
  for (const char* url : {"ftp://ws.colissimo.fr", "http://", "https://:443/x", "https://host?x=1",
                          "ws.colissimo.fr", "http://host:99999"}) {
    auto settings = colissimo_test::sandbox_settings(url);
    EXPECT_EQ(fields_of(adapter->configure(settings)), std::vector<std::string>{"base_url"}) << url;
  }
  auto settings = colissimo_test::sandbox_settings("https://ws.colissimo.fr/");
  settings["contract_number"] = "12A456";
  settings["password"] = "";
  EXPECT_EQ(fields_of(adapter->configure(settings)),
            (std::vector<std::string>{"contract_number", "password"}));
  for (const char* url :
       {"https://ws.colissimo.fr", "http://127.0.0.1:9443/colissimo/", "http://[::1]:9443"})
    EXPECT_TRUE(adapter->configure(colissimo_test::sandbox_settings(url)).empty()) << url;
}

TEST(ColissimoAdapter, CapabilitiesSayLocalCancelPdfZplAndNoPng) {
  const auto caps = configured()->caps();
  EXPECT_EQ(caps.cancel, "local");
  EXPECT_NE(caps.cancel_note.find("scan"), std::string::npos);
  EXPECT_TRUE(caps.labels);
  EXPECT_TRUE(caps.returns);
  EXPECT_EQ(caps.label_formats, (std::vector<label_format>{label_format::pdf, label_format::zpl}));
  EXPECT_EQ(caps.services,
            (std::vector<service_level>{service_level::home, service_level::home_signature,
                                        service_level::pickup_point}));
  EXPECT_NE(std::find(caps.destination_countries.begin(), caps.destination_countries.end(), "DE"),
            caps.destination_countries.end());
  EXPECT_EQ(std::find(caps.destination_countries.begin(), caps.destination_countries.end(), "US"),
            caps.destination_countries.end());
}

carriers::outbound_response success_answer() {
  return colissimo_test::response(
      200, "multipart/mixed; boundary=\"uuid:3f1c2a9e-5b7d-4e21-9a0c-6d8e2f4b1a77\"",
      fixture("generate_label_success.multipart"));
}

TEST(ColissimoAdapter, CreateLabelSendsOneNonIdempotentPurchaseAndReturnsTheLabel) {
  auto adapter = configured();
  colissimo_test::recording_call call(success_answer());
  const auto request = sample_request();
  auto out = run(adapter->create_label(request, call));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(call.sent.size(), 1u);
  const auto& sent = call.sent[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "http://127.0.0.1:9443/colissimo/sls-ws/SlsServiceWSRest/2.0/generateLabel");
  EXPECT_FALSE(sent.idempotent);
  EXPECT_EQ(sent.operation, "create_label");
  EXPECT_EQ(http::find_header(sent.headers, "content-type"), "application/json;charset=UTF-8");
  EXPECT_EQ(json::parse(sent.body), json::parse(fixture("generate_label_request_dom.json")));
  EXPECT_EQ(out->tracking_number, "6A15984040331");
  EXPECT_EQ(out->label, fixture("label_10x15.pdf"));
  EXPECT_EQ(out->carrier_service, "DOM");
}

struct product_case {
  const char* name;
  std::function<shipment_request()> make;
  const char* product;
  const char* printing;
};

TEST(ColissimoAdapter, CreateLabelChoosesProductAndPrintingType) {
  const product_case cases[] = {
      {"home pdf a6", [] { return sample_request(); }, "DOM", "PDF_10x15_300dpi"},
      {"home pdf 4x6",
       [] {
         auto r = sample_request();
         r.size = label_size::in4x6;
         return r;
       },
       "DOM", "PDF_10x15_300dpi"},
      {"signature pdf a4",
       [] {
         auto r = sample_request();
         r.service = service_level::home_signature;
         r.size = label_size::a4;
         return r;
       },
       "DOS", "PDF_A4_300dpi"},
      {"signature to Germany",
       [] {
         auto r = sample_request();
         r.service = service_level::home_signature;
         r.to.country = "DE";
         r.to.postal_code = "10115";
         return r;
       },
       "DOS", "PDF_10x15_300dpi"},
      {"relay zpl 4x6",
       [] {
         auto r = relay_request();
         r.format = label_format::zpl;
         r.size = label_size::in4x6;
         return r;
       },
       "A2P", "ZPL_10x15_203dpi"},
      {"post office forced",
       [] {
         auto r = relay_request();
         r.carrier_service = "BPR";
         r.format = label_format::zpl;
         return r;
       },
       "BPR", "ZPL_10x15_203dpi"},
      {"home with DOS forced",
       [] {
         auto r = sample_request();
         r.carrier_service = "DOS";
         return r;
       },
       "DOS", "PDF_10x15_300dpi"},
      {"return inside France", [] { return return_request("FR", "75016"); }, "CORE",
       "PDF_10x15_300dpi"},
      {"return from Belgium",
       [] {
         auto r = return_request("BE", "1000");
         r.size = label_size::a4;
         return r;
       },
       "CORI", "PDF_A4_300dpi"},
  };
  auto adapter = configured();
  for (const auto& c : cases) {
    colissimo_test::recording_call call(success_answer());
    const auto request = c.make();
    auto out = run(adapter->create_label(request, call));
    ASSERT_TRUE(out) << c.name << ": " << out.error().message
                     << (out.error().fields.empty() ? "" : " " + out.error().fields[0].field);
    ASSERT_EQ(call.sent.size(), 1u) << c.name;
    const auto body = json::parse(call.sent[0].body);
    EXPECT_EQ(body.at("letter").at("service").at("productCode").as_string(), c.product) << c.name;
    EXPECT_EQ(body.at("outputFormat").at("outputPrintingType").as_string(), c.printing) << c.name;
    EXPECT_EQ(out->carrier_service, c.product) << c.name;
  }
}

TEST(ColissimoAdapter, InvalidShipmentIsRefusedBeforeAnyNetworkCall) {
  auto adapter = configured();
  colissimo_test::recording_call call(success_answer());
  auto r = sample_request();
  r.format = label_format::png;
  auto out = run(adapter->create_label(r, call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  EXPECT_TRUE(has_field(out.error().fields, "label.format"));
  EXPECT_TRUE(call.sent.empty());
}

TEST(ColissimoAdapter, CarrierAuthErrorSurfacesAsAuthFailed) {
  auto adapter = configured();
  colissimo_test::recording_call call(colissimo_test::response(
      400, "multipart/mixed", fixture("generate_label_auth_error.multipart")));
  const auto request = sample_request();
  auto out = run(adapter->create_label(request, call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::auth_failed);
  EXPECT_EQ(out.error().carrier_code, "30000");
}

TEST(ColissimoAdapter, TransportTimeoutPassesThroughNamingTheCarrier) {
  auto adapter = configured();
  colissimo_test::recording_call call(make_error(error_kind::timeout, "deadline passed"));
  const auto request = sample_request();
  auto out = run(adapter->create_label(request, call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::timeout);
  EXPECT_EQ(out.error().carrier, "colissimo");
  EXPECT_EQ(call.sent.size(), 1u);
}

TEST(ColissimoAdapter, MissingShipDateDepositsToday) {
  auto adapter = configured();
  colissimo_test::recording_call call(success_answer());
  auto r = sample_request();
  r.ship_date.clear();
  auto out = run(adapter->create_label(r, call));
  ASSERT_TRUE(out);
  const std::string date(
      json::parse(call.sent[0].body).at("letter").at("service").at("depositDate").as_string());
  ASSERT_EQ(date.size(), 10u);
  EXPECT_EQ(date[4], '-');
  EXPECT_EQ(date[7], '-');
  EXPECT_GE(date, std::string("2026-01-01"));
}

TEST(ColissimoAdapter, CancelIsLocalWithoutNetworkCall) {
  auto adapter = configured();
  colissimo_test::recording_call call(success_answer());
  auto out =
      run(adapter->cancel_label(shipment_ref{"shp_7Hq2RkT9xZ", "6A15984040331", "DOM"}, call));
  EXPECT_TRUE(out.has_value());
  EXPECT_TRUE(call.sent.empty());
}

TEST(ColissimoAdapter, UnconfiguredAdapterRefusesToBuy) {
  auto adapter = adapters::make_colissimo_adapter();
  colissimo_test::recording_call call(success_answer());
  const auto request = sample_request();
  auto out = run(adapter->create_label(request, call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::internal);
  EXPECT_TRUE(call.sent.empty());
}

}  // namespace
