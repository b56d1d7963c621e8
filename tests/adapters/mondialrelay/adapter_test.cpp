// The Mondial Relay adapter's contract behaviour: settings, capabilities, validate() and the
// create_label call flow against scripted carrier answers.
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include <pugixml.hpp>

#include "adapters/mondialrelay/adapter.hpp"
#include "tests/adapters/mondialrelay/test_support.hpp"

using namespace parcelgate;
using testing_mr::answer;
using testing_mr::fixture;
using testing_mr::pickup_point_request;
using testing_mr::run;
using testing_mr::scripted_call;

namespace {

std::unique_ptr<carriers::carrier_adapter> configured(
    carriers::carrier_settings settings = testing_mr::sandbox_settings()) {
  auto adapter = adapters::make_mondialrelay_adapter();
  auto errors = adapter->configure(settings);
  EXPECT_TRUE(errors.empty());
  return adapter;
}

std::vector<std::string> fields_of(const std::vector<field_error>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

bool has_field(const std::vector<field_error>& errors, std::string_view field) {
  for (const auto& e : errors)
    if (e.field == field) return true;
  return false;
}

std::map<std::string, std::string> soap_values(const std::string& body) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(body.c_str()));
  std::map<std::string, std::string> out;
  for (auto c : doc.child("soap:Envelope").child("soap:Body").first_child().children())
    out[c.name()] = c.child_value();
  return out;
}

// Carrier answering the purchase from a fixture and the label download with `label_answers`
// in turn (the last one repeats).
scripted_call carrier(std::string creation_fixture,
                      std::vector<carriers::outbound_response> label_answers) {
  auto index = std::make_shared<std::size_t>(0);
  return scripted_call(
      [=](const carriers::outbound_request& r) -> result<carriers::outbound_response> {
        if (r.method == "POST")
          return answer(200, fixture(creation_fixture), "text/xml; charset=utf-8");
        auto i = std::min(*index, label_answers.size() - 1);
        ++*index;
        return label_answers[i];
      });
}

carriers::outbound_response pdf_answer() {
  return answer(200, fixture("label_41098765_10x15.pdf"), "application/pdf");
}

}  // namespace

TEST(MondialRelayAdapter, configure_reports_every_bad_setting_by_key) {
  auto adapter = adapters::make_mondialrelay_adapter();
  auto errors = adapter->configure({{"base_url", "ftp://api.example"},
                                    {"label_base_url", "www.mondialrelay.com"},
                                    {"enseigne", "bdtest13"},
                                    {"private_key", ""},
                                    {"collection_mode", "DRV"}});
  EXPECT_EQ(fields_of(errors), (std::vector<std::string>{"base_url", "label_base_url", "enseigne",
                                                         "private_key", "collection_mode"}));
}

TEST(MondialRelayAdapter, settings_schema_marks_the_private_key_secret) {
  auto adapter = adapters::make_mondialrelay_adapter();
  std::map<std::string, carriers::setting_spec> by_key;
  for (auto& s : adapter->settings_schema()) by_key[s.key] = s;
  EXPECT_TRUE(by_key.at("base_url").required);
  EXPECT_FALSE(by_key.at("label_base_url").required);
  EXPECT_TRUE(by_key.at("enseigne").required);
  EXPECT_TRUE(by_key.at("private_key").required);
  EXPECT_TRUE(by_key.at("private_key").secret);
  EXPECT_EQ(by_key.at("collection_mode").default_value, "CCC");
  EXPECT_EQ(adapter->id(), "mondialrelay");
}

TEST(MondialRelayAdapter, capabilities_offer_pdf_labels_returns_and_local_cancel) {
  auto caps = configured()->caps();
  EXPECT_EQ(caps.cancel, "local");
  EXPECT_NE(caps.cancel_note.find("no void operation"), std::string::npos);
  EXPECT_TRUE(caps.returns);
  EXPECT_EQ(caps.label_formats, std::vector<label_format>{label_format::pdf});
  EXPECT_EQ(caps.services,
            (std::vector<service_level>{service_level::home, service_level::pickup_point,
                                        service_level::locker}));
}

TEST(MondialRelayAdapter, validate_accepts_a_well_formed_pickup_point_shipment) {
  EXPECT_TRUE(configured()->validate(pickup_point_request()).empty());
}

TEST(MondialRelayAdapter, validate_reports_all_problems_at_once_with_our_field_paths) {
  auto r = pickup_point_request();
  r.format = label_format::zpl;
  r.parcels.push_back(r.parcels[0]);
  r.to.postal_code = "7501";
  r.from.phone.clear();
  r.parcels[0].weight_g = 31000;
  auto errors = configured()->validate(r);
  for (auto field :
       {"label.format", "parcels", "to.postal_code", "from.phone", "parcels[0].weight_g"})
    EXPECT_TRUE(has_field(errors, field)) << field;
  for (const auto& e : errors) {
    if (e.field == "label.format") {
      EXPECT_NE(e.message.find("pdf"), std::string::npos);
    }
  }
}

TEST(MondialRelayAdapter, validate_rejects_services_and_points_mondial_relay_cannot_serve) {
  auto adapter = configured();
  auto r = pickup_point_request();
  r.service = service_level::express;
  EXPECT_TRUE(has_field(adapter->validate(r), "service"));
  r = pickup_point_request();
  r.pickup_point_id = "AB12";
  r.pickup_point_country = "BE";
  auto errors = adapter->validate(r);
  EXPECT_TRUE(has_field(errors, "pickup_point_id"));
  EXPECT_TRUE(has_field(errors, "pickup_point_id"));
  r = pickup_point_request();
  r.to.country = "US";
  EXPECT_TRUE(has_field(adapter->validate(r), "to.country"));
  r = pickup_point_request();
  r.carrier_service = "HOM";
  EXPECT_TRUE(has_field(adapter->validate(r), "carrier_service"));
}

TEST(MondialRelayAdapter, validate_requires_recipient_phone_for_home_delivery_only) {
  auto r = pickup_point_request();
  r.to.phone.clear();
  EXPECT_FALSE(has_field(configured()->validate(r), "to.phone"));
  r.service = service_level::home;
  EXPECT_TRUE(has_field(configured()->validate(r), "to.phone"));
}

TEST(MondialRelayAdapter, validate_refuses_street_lines_longer_than_the_field) {
  auto r = pickup_point_request();
  r.to.line1 = "Residence des Grands Chenes, 145 boulevard";
  auto errors = configured()->validate(r);
  ASSERT_TRUE(has_field(errors, "to.line1"));
  for (const auto& e : errors) {
    if (e.field == "to.line1") {
      EXPECT_NE(e.message.find("32 characters"), std::string::npos);
    }
  }
}

TEST(MondialRelayAdapter, creates_label_then_downloads_the_pdf_in_the_requested_format) {
  auto adapter = configured();
  auto call = carrier("creation_response_ok.xml", {pdf_answer()});
  auto result = run(adapter->create_label(pickup_point_request(), call));
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(call.sent.size(), 2u);

  const auto& soap = call.sent[0];
  EXPECT_EQ(soap.method, "POST");
  EXPECT_EQ(soap.url, "http://127.0.0.1:9443/mondialrelay/Web_Services.asmx");
  EXPECT_FALSE(soap.idempotent);
  EXPECT_EQ(soap.operation, "create_label");
  EXPECT_EQ(http::find_header(soap.headers, "SOAPAction"),
            "\"http://www.mondialrelay.fr/webservice/WSI2_CreationEtiquette\"");
  EXPECT_EQ(http::find_header(soap.headers, "Content-Type"), "text/xml; charset=utf-8");
  EXPECT_EQ(soap_values(soap.body), soap_values(fixture("creation_request_pickup_point.xml")));

  const auto& get = call.sent[1];
  EXPECT_EQ(get.method, "GET");
  EXPECT_TRUE(get.idempotent);
  EXPECT_EQ(get.operation, "fetch_label");
  EXPECT_EQ(get.url,
            "http://127.0.0.1:9443/mondialrelay/ww2/PDF/"
            "StickerMaker2.aspx?ens=BDTEST1311&expedition=41098765"
            "&lg=FR&format=10x15&crc=5C0F1E2D3A4B5C6D7E8F90A1B2C3D4E5");

  EXPECT_EQ(result->tracking_number, "41098765");
  EXPECT_EQ(result->carrier_service, "24R");
  EXPECT_EQ(result->format, label_format::pdf);
  EXPECT_EQ(result->label, fixture("label_41098765_10x15.pdf"));
  EXPECT_EQ(
      result->tracking_url,
      "https://www.mondialrelay.fr/suivi-de-colis?numeroExpedition=41098765&codePostal=75014");
}

TEST(MondialRelayAdapter, resolves_the_label_against_label_base_url_with_a4_format) {
  auto settings = testing_mr::sandbox_settings();
  settings["label_base_url"] = "https://www.mondialrelay.com/";
  auto adapter = configured(settings);
  auto call = carrier("creation_response_ok.xml", {pdf_answer()});
  auto r = pickup_point_request();
  r.size = label_size::a4;
  ASSERT_TRUE(run(adapter->create_label(r, call)));
  EXPECT_TRUE(
      call.sent[1].url.starts_with("https://www.mondialrelay.com/ww2/PDF/StickerMaker2.aspx?"));
  EXPECT_NE(call.sent[1].url.find("&format=A4&"), std::string::npos);
}

TEST(MondialRelayAdapter, wrong_credentials_stat_97_is_auth_failed_without_label_download) {
  auto adapter = configured();
  auto call = carrier("creation_response_stat97.xml", {pdf_answer()});
  auto result = run(adapter->create_label(pickup_point_request(), call));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, error_kind::auth_failed);
  EXPECT_EQ(result.error().carrier_code, "STAT 97");
  EXPECT_EQ(call.sent.size(), 1u);
}

TEST(MondialRelayAdapter, retries_a_failing_label_download_and_returns_the_pdf) {
  auto adapter = configured();
  auto call = carrier("creation_response_ok.xml",
                      {answer(503, "busy", "text/html"),
                       answer(200, "<html>oops</html>", "text/html"), pdf_answer()});
  auto result = run(adapter->create_label(pickup_point_request(), call));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(call.sent.size(), 4u);
  EXPECT_EQ(call.requests, 2);  // one purchase, one download the core repeated
  EXPECT_EQ(call.waits, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(250),
                                                                std::chrono::milliseconds(500)}));
  EXPECT_TRUE(result->label.starts_with("%PDF-"));
}

TEST(MondialRelayAdapter, label_download_carries_a_retry_policy_and_the_purchase_none) {
  auto adapter = configured();
  auto call = carrier("creation_response_ok.xml", {pdf_answer()});
  ASSERT_TRUE(run(adapter->create_label(pickup_point_request(), call)));
  ASSERT_EQ(call.sent.size(), 2u);
  EXPECT_EQ(call.sent[0].max_exchanges(), 1);
  const auto& policy = call.sent[1].retry;
  EXPECT_EQ(policy.attempts, 3);
  EXPECT_EQ(policy.expect_status, 200);
  EXPECT_EQ(policy.expect_body_prefix, "%PDF-");
  EXPECT_TRUE(policy.retry_transport_failures);
  EXPECT_EQ(policy.delay_before(2), std::chrono::milliseconds(250));
  EXPECT_EQ(policy.delay_before(3), std::chrono::milliseconds(500));
  EXPECT_TRUE(call.waits.empty());
}

TEST(MondialRelayAdapter,
     label_download_transport_failures_end_as_bad_gateway_naming_the_last_failure) {
  auto adapter = configured();
  scripted_call call(
      [](const carriers::outbound_request& r) -> result<carriers::outbound_response> {
        if (r.method == "POST")
          return answer(200, fixture("creation_response_ok.xml"), "text/xml; charset=utf-8");
        return make_error(error_kind::unavailable, "connection reset");
      });
  auto result = run(adapter->create_label(pickup_point_request(), call));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(result.error().sale, sale_outcome::unknown);  // the label was bought
  EXPECT_EQ(result.error().carrier_code, "unavailable");
  EXPECT_EQ(result.error().carrier_message, "connection reset");
  EXPECT_EQ(call.sent.size(), 4u);
}

TEST(MondialRelayAdapter, a_200_that_is_not_a_pdf_after_every_attempt_is_not_a_label) {
  auto adapter = configured();
  auto call =
      carrier("creation_response_ok.xml", {answer(200, "<html>Erreur</html>", "text/html")});
  auto result = run(adapter->create_label(pickup_point_request(), call));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().carrier_code, "not a PDF");
  EXPECT_EQ(result.error().carrier_message, "<html>Erreur</html>");
}

TEST(MondialRelayAdapter, failed_label_download_says_which_label_was_bought) {
  auto adapter = configured();
  auto call = carrier("creation_response_ok.xml", {answer(404, "Not Found", "text/plain")});
  auto result = run(adapter->create_label(pickup_point_request(), call));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(result.error().message, "label 41098765 bought but its PDF could not be fetched");
  EXPECT_EQ(result.error().carrier_code, "HTTP 404");
  EXPECT_EQ(call.sent.size(), 1u + 3u);
  for (std::size_t i = 1; i < call.sent.size(); ++i) EXPECT_EQ(call.sent[i].url, call.sent[1].url);
}

TEST(MondialRelayAdapter, purchase_transport_failure_is_passed_through_unretried) {
  auto adapter = configured();
  scripted_call call([](const carriers::outbound_request&) -> result<carriers::outbound_response> {
    return make_error(error_kind::timeout, "deadline exceeded");
  });
  auto result = run(adapter->create_label(pickup_point_request(), call));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, error_kind::timeout);
  EXPECT_EQ(result.error().carrier, "mondialrelay");
  EXPECT_EQ(call.sent.size(), 1u);
}

TEST(MondialRelayAdapter, invalid_shipment_fails_before_any_network_call) {
  auto adapter = configured();
  auto call = carrier("creation_response_ok.xml", {pdf_answer()});
  auto r = pickup_point_request();
  r.format = label_format::png;
  auto result = run(adapter->create_label(r, call));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, error_kind::invalid_request);
  EXPECT_TRUE(has_field(result.error().fields, "label.format"));
  EXPECT_TRUE(call.sent.empty());
}

TEST(MondialRelayAdapter, return_shipment_is_dropped_at_any_relay_and_delivered_to_the_merchant) {
  auto adapter = configured();
  auto call = carrier("creation_response_ok.xml", {pdf_answer()});
  auto r = pickup_point_request();
  r.dir = direction::return_;
  r.service = service_level::home;
  std::swap(r.from, r.to);  // the customer sends back to the merchant
  auto result = run(adapter->create_label(r, call));
  ASSERT_TRUE(result) << result.error().message;
  auto sent = soap_values(call.sent[0].body);
  EXPECT_EQ(sent["ModeCol"], "REL");
  EXPECT_EQ(sent["COL_Rel"], "AUTO");
  EXPECT_EQ(sent["COL_Rel_Pays"], "FR");
  EXPECT_EQ(sent["ModeLiv"], "LCC");
  EXPECT_EQ(sent["LIV_Rel"], "");
  EXPECT_EQ(sent["Expe_Ad1"], "ZOE LEFEVRE");
  EXPECT_EQ(sent["Dest_Ad1"], "BOUTIQUE ELODIE");
  EXPECT_EQ(result->carrier_service, "LCC");
}

TEST(MondialRelayAdapter, relay_collection_setting_makes_outbound_parcels_dropped_at_a_relay) {
  auto settings = testing_mr::sandbox_settings();
  settings["collection_mode"] = "REL";
  auto adapter = configured(settings);
  auto call = carrier("creation_response_ok.xml", {pdf_answer()});
  auto r = pickup_point_request();
  r.service = service_level::home;
  ASSERT_TRUE(run(adapter->create_label(r, call)));
  auto sent = soap_values(call.sent[0].body);
  EXPECT_EQ(sent["ModeCol"], "REL");
  EXPECT_EQ(sent["COL_Rel"], "AUTO");
  EXPECT_EQ(sent["ModeLiv"], "HOM");
  EXPECT_EQ(sent["LIV_Rel_Pays"], "");
}

TEST(MondialRelayAdapter, cancel_is_local_and_calls_nothing) {
  auto adapter = configured();
  scripted_call call([](const carriers::outbound_request&) -> result<carriers::outbound_response> {
    return make_error(error_kind::internal, "must not be called");
  });
  auto result =
      run(adapter->cancel_label(shipment_ref{"shp_0a1b2c3d4e5f6g7", "41098765", "24R"}, call));
  EXPECT_TRUE(result);
  EXPECT_TRUE(call.sent.empty());
}
