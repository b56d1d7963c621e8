// Colissimo wire codec: request building against the expected JSON fixtures, response parsing of
// every recorded answer shape, envelope tolerance, and the parcel-number control key.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "adapters/colissimo/wire.hpp"
#include "test_support.hpp"

namespace {

using namespace parcelgate;
using namespace parcelgate::adapters::colissimo;
using colissimo_test::fixture;
using colissimo_test::response;
namespace json = boost::json;

const account kAccount{"123456", "sandbox", "Atelier Martin"};

json::value parsed(const std::string& text) {
  return json::parse(text);
}

label_order order(std::string product, std::string printing) {
  return label_order{std::move(product), std::move(printing), "2099-06-15"};
}

TEST(ColissimoWire, HomeRequestMatchesTheExpectedWirePayload) {
  const std::string body = build_generate_label_request(colissimo_test::sample_request(), kAccount,
                                                        order("DOM", "PDF_10x15_300dpi"));
  EXPECT_EQ(parsed(body), parsed(fixture("generate_label_request_dom.json")));
  EXPECT_NE(body.find("\"weight\":1.25"), std::string::npos)
      << "weight must be plain kilograms: " << body;
}

TEST(ColissimoWire, RelayRequestCarriesPickupLocationAndMobileNumber) {
  auto r = colissimo_test::sample_request();
  r.service = service_level::pickup_point;
  r.pickup_point_id = "987654";
  r.to.phone = "+33 6 12 34 56 78";
  r.parcels[0].weight_g = 475;
  r.format = label_format::zpl;
  const std::string body =
      build_generate_label_request(r, kAccount, order("A2P", "ZPL_10x15_203dpi"));
  EXPECT_EQ(parsed(body), parsed(fixture("generate_label_request_a2p.json")));
}

TEST(ColissimoWire, PrintingTypeFollowsFormatAndSize) {
  EXPECT_EQ(output_printing_type(label_format::pdf, label_size::a6), "PDF_10x15_300dpi");
  EXPECT_EQ(output_printing_type(label_format::pdf, label_size::in4x6), "PDF_10x15_300dpi");
  EXPECT_EQ(output_printing_type(label_format::pdf, label_size::a4), "PDF_A4_300dpi");
  EXPECT_EQ(output_printing_type(label_format::zpl, label_size::a6), "ZPL_10x15_203dpi");
  EXPECT_EQ(output_printing_type(label_format::zpl, label_size::in4x6), "ZPL_10x15_203dpi");
  EXPECT_EQ(output_printing_type(label_format::zpl, label_size::a4), "");
  EXPECT_EQ(output_printing_type(label_format::png, label_size::a6), "");
}

TEST(ColissimoWire, WeightIsKilogramsRoundedUpToTenGrams) {
  EXPECT_DOUBLE_EQ(weight_kg(1), 0.01);
  EXPECT_DOUBLE_EQ(weight_kg(1250), 1.25);
  EXPECT_DOUBLE_EQ(weight_kg(1251), 1.26);
  EXPECT_DOUBLE_EQ(weight_kg(30000), 30.0);
  auto r = colissimo_test::sample_request();
  r.parcels[0].weight_g = 30000;
  EXPECT_NE(build_generate_label_request(r, kAccount, order("DOM", "PDF_10x15_300dpi"))
                .find("\"weight\":30.00"),
            std::string::npos);
}

TEST(ColissimoWire, OrderNumberIsCutToThirtyCharactersWithoutBreakingUtf8) {
  auto r = colissimo_test::sample_request();
  r.reference = std::string(29, 'x') + "éé-tail";
  const auto doc =
      parsed(build_generate_label_request(r, kAccount, order("DOM", "PDF_10x15_300dpi")));
  EXPECT_EQ(doc.at("letter").at("service").at("orderNumber").as_string(),
            std::string(29, 'x') + "é");
}

TEST(ColissimoWire, ShipmentIdFitsTheSeventeenCharacterSenderReference) {
  EXPECT_EQ(sender_parcel_ref("shp_short"), "shp_short");
  EXPECT_EQ(sender_parcel_ref("shp_7Hq2RkT9xZa4Lm0"), "7Hq2RkT9xZa4Lm0");  // 19-char gateway id
  EXPECT_EQ(sender_parcel_ref("shp_0123456789abcdefghij"), "3456789abcdefghij");
  EXPECT_EQ(sender_parcel_ref("order-0123456789abcdef"), "-0123456789abcdef");
}

TEST(ColissimoWire, InternationalParcelAsksForReturnToSender) {
  auto r = colissimo_test::sample_request();
  r.to.country = "DE";
  r.to.postal_code = "10115";
  auto doc = parsed(build_generate_label_request(r, kAccount, order("DOS", "PDF_10x15_300dpi")));
  EXPECT_EQ(doc.at("letter").at("service").at("returnTypeChoice").as_int64(), 2);
  doc = parsed(build_generate_label_request(colissimo_test::sample_request(), kAccount,
                                            order("DOM", "PDF_10x15_300dpi")));
  EXPECT_EQ(doc.at("letter").at("service").as_object().if_contains("returnTypeChoice"), nullptr);
}

TEST(ColissimoWire, ReturnLabelNamesTheMerchantAsCompanyAddressee) {
  auto r = colissimo_test::sample_request();
  r.dir = direction::return_;
  std::swap(r.from, r.to);
  r.to.company.clear();
  const auto doc =
      parsed(build_generate_label_request(r, kAccount, order("CORE", "PDF_10x15_300dpi")));
  EXPECT_EQ(doc.at("letter").at("addressee").at("address").at("companyName").as_string(),
            "Jeanne Martin");
  EXPECT_EQ(doc.at("letter").at("sender").at("address").at("lastName").as_string(), "Paul Durand");
  EXPECT_EQ(doc.at("letter").at("sender").at("address").as_object().if_contains("companyName"),
            nullptr);
}

TEST(ColissimoWire, PhoneNumbersAreCompacted) {
  EXPECT_EQ(compact_phone("06 12.34-56 78"), "0612345678");
  EXPECT_EQ(compact_phone("0033 (6) 12 34 56 78"), "+33612345678");
}

TEST(ColissimoWire, BoundaryIsReadQuotedOrNot) {
  EXPECT_EQ(multipart_boundary("multipart/mixed; boundary=\"uuid:abc-1\"; start=\"<jsonInfos>\""),
            "uuid:abc-1");
  EXPECT_EQ(multipart_boundary("multipart/mixed;boundary=uuid:abc-2;type=\"application/json\""),
            "uuid:abc-2");
  EXPECT_EQ(multipart_boundary("application/json"), "");
}

const label_order kDom = order("DOM", "PDF_10x15_300dpi");

TEST(ColissimoWire, SuccessMultipartGivesParcelNumberAndExactPdfBytes) {
  const auto r =
      response(200,
               "multipart/mixed; boundary=\"uuid:3f1c2a9e-5b7d-4e21-9a0c-6d8e2f4b1a77\"; "
               "start=\"<jsonInfos>\"",
               fixture("generate_label_success.multipart"));
  auto out = parse_generate_label_response(r, kDom, label_format::pdf);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->tracking_number, "6A15984040331");
  EXPECT_EQ(out->carrier_reference, "0069003116A1598404033801250L");
  EXPECT_EQ(out->carrier_service, "DOM");
  EXPECT_EQ(out->format, label_format::pdf);
  EXPECT_EQ(out->label, fixture("label_10x15.pdf"));
  EXPECT_EQ(out->tracking_url,
            "https://www.laposte.fr/outils/suivre-vos-envois?code=6A15984040331");
}

TEST(ColissimoWire, SuccessWithLfLinesUnquotedBoundaryAndCn23Part) {
  const auto r = response(200, "multipart/mixed;boundary=uuid:9a41d0c2-77e3-4b58-8f16-2c0b5e9d3f10",
                          fixture("generate_label_success_lf_cn23.multipart"));
  auto out = parse_generate_label_response(r, order("A2P", "ZPL_10x15_203dpi"), label_format::zpl);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->tracking_number, "6M12345678905");
  EXPECT_EQ(out->label, fixture("label_10x15.zpl"));
  auto answer = read_answer("multipart/mixed", fixture("generate_label_success_lf_cn23.multipart"));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->cn23, fixture("label_10x15.pdf"));
}

TEST(ColissimoWire, BoundaryIsFoundInTheBodyWhenTheHeaderHasNone) {
  auto out = parse_generate_label_response(
      response(200, "", fixture("generate_label_success.multipart")), kDom, label_format::pdf);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->label, fixture("label_10x15.pdf"));
}

TEST(ColissimoWire, BadCredentialsAreAuthFailed) {
  auto out = parse_generate_label_response(
      response(400, "multipart/mixed; boundary=\"uuid:07c1e5d2-1b3a-4f6e-8d9c-0a2b4c6d8e01\"",
               fixture("generate_label_auth_error.multipart")),
      kDom, label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::auth_failed);
  EXPECT_EQ(out.error().carrier, "colissimo");
  EXPECT_EQ(out.error().carrier_code, "30000");
  EXPECT_EQ(out.error().carrier_message, "Identifiant ou mot de passe erroné");
  EXPECT_TRUE(out.error().fields.empty());
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold)
      << "SLS's own refusal proves nothing was sold";
}

TEST(ColissimoWire, ValidationErrorsBecomeFieldErrorsOnOurPaths) {
  auto out = parse_generate_label_response(
      response(400, "multipart/mixed", fixture("generate_label_validation_errors.multipart")), kDom,
      label_format::pdf);
  ASSERT_FALSE(out);
  const error& e = out.error();
  EXPECT_EQ(e.kind, error_kind::invalid_request);
  EXPECT_EQ(e.carrier_code, "30211");
  ASSERT_EQ(e.fields.size(), 3u);
  EXPECT_EQ(e.fields[0].field, "to.postal_code");
  EXPECT_EQ(e.fields[1].field, "parcels[0].weight_g");
  EXPECT_EQ(e.fields[2].field, "to.phone");
  EXPECT_NE(e.carrier_message.find("30301: Poids du colis erroné"), std::string::npos)
      << e.carrier_message;
  EXPECT_EQ(e.sale, sale_outcome::not_sold);
}

TEST(ColissimoWire, PickupPointErrorPointsAtPickupPointId) {
  auto out = parse_generate_label_response(
      response(400, "multipart/mixed", fixture("generate_label_pickup_point_error.multipart")),
      order("A2P", "PDF_10x15_300dpi"), label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  ASSERT_EQ(out.error().fields.size(), 1u);
  EXPECT_EQ(out.error().fields[0].field, "pickup_point_id");
}

TEST(ColissimoWire, PlainJsonErrorIsReadWithoutMultipartEnvelope) {
  auto out = parse_generate_label_response(
      response(400, "application/json", fixture("generate_label_error_plain.json")), kDom,
      label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  EXPECT_EQ(out.error().carrier_code, "30015");
  ASSERT_EQ(out.error().fields.size(), 1u);
  EXPECT_EQ(out.error().fields[0].field, "carrier_service");
}

TEST(ColissimoWire, WirePathInReplacementValuesIsTranslated) {
  auto out = parse_generate_label_response(
      response(400, "application/json", fixture("generate_label_invalid_character.json")), kDom,
      label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::invalid_request);
  ASSERT_EQ(out.error().fields.size(), 1u);
  EXPECT_EQ(out.error().fields[0].field, "to.line1");
}

TEST(ColissimoWire, UnknownIdIsRejectedKeepingCarrierCodeAndText) {
  auto out = parse_generate_label_response(
      response(400, "multipart/mixed", fixture("generate_label_unknown_error.multipart")), kDom,
      label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::rejected);
  EXPECT_EQ(out.error().carrier_code, "39999");
  EXPECT_EQ(out.error().carrier_message, "Erreur non répertoriée");
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold)
      << "an ERROR message is a refusal even when unknown";
}

TEST(ColissimoWire, MalformedBodyIsBadGateway) {
  auto out = parse_generate_label_response(
      response(200, "multipart/mixed", fixture("generate_label_malformed.multipart")), kDom,
      label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(out.error().sale, sale_outcome::unknown);
  out = parse_generate_label_response(response(200, "text/html", "<html>gateway</html>"), kDom,
                                      label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(out.error().sale, sale_outcome::unknown);
}

TEST(ColissimoWire, SuccessWithoutLabelPartIsBadGateway) {
  const std::string infos =
      R"({"messages":[{"id":"0","type":"INFOS","messageContent":"ok"}],"labelV2Response":{"parcelNumber":"6A15984040331"}})";
  auto out = parse_generate_label_response(response(200, "application/json", infos), kDom,
                                           label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(out.error().sale, sale_outcome::unknown) << "a parcel number was issued";
}

TEST(ColissimoWire, ServerErrorIsUnavailableWithRetryAfter) {
  auto r = response(503, "text/html", "<html>maintenance</html>");
  r.headers.push_back({"Retry-After", "120"});
  auto out = parse_generate_label_response(r, kDom, label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::unavailable);
  EXPECT_EQ(out.error().carrier_code, "HTTP 503");
  EXPECT_EQ(out.error().retry_after_s, 120);
}

TEST(ColissimoWire, ProxyErrorPagesLeaveTheSaleUnknown) {
  // A load balancer's page may come after the back end printed the label: only SLS's own
  // messages prove a refusal.
  for (int status : {500, 502, 503, 504}) {
    auto out = parse_generate_label_response(
        response(status, "text/html", "<html><h1>" + std::to_string(status) + "</h1></html>"), kDom,
        label_format::pdf);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().sale, sale_outcome::unknown) << status;
  }
  for (int status : {401, 403, 400, 404}) {
    auto out = parse_generate_label_response(response(status, "text/html", "<html>denied</html>"),
                                             kDom, label_format::pdf);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().sale, sale_outcome::unknown) << status;
  }
}

TEST(ColissimoWire, SlsOwnServiceUnavailableMessageProvesNothingWasSold) {
  const std::string infos =
      R"({"messages":[{"id":"40015","type":"ERROR","messageContent":"Service momentanément indisponible."}]})";
  auto out = parse_generate_label_response(response(500, "application/json", infos), kDom,
                                           label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::unavailable);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold);
}

TEST(ColissimoWire, TooManyRequestsIsRateLimitedWithRetryAfter) {
  auto r = response(429, "", "");
  r.headers.push_back({"retry-after", "30"});
  auto out = parse_generate_label_response(r, kDom, label_format::pdf);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::rate_limited);
  EXPECT_EQ(out.error().retry_after_s, 30);
  EXPECT_EQ(out.error().sale, sale_outcome::not_sold) << "a 429 refuses the request (RFC 6585)";
}

TEST(ColissimoWire, WirePathsTranslateToOurRequestPaths) {
  EXPECT_EQ(translate_wire_path("letter.addressee.address.zipCode"), "to.postal_code");
  EXPECT_EQ(translate_wire_path("letter.sender.address.line2"), "from.line1");
  EXPECT_EQ(translate_wire_path("letter.addressee.address.mobileNumber"), "to.phone");
  EXPECT_EQ(translate_wire_path("letter.parcel.weight"), "parcels[0].weight_g");
  EXPECT_EQ(translate_wire_path("letter.parcel.pickupLocationId"), "pickup_point_id");
  EXPECT_EQ(translate_wire_path("letter.service.productCode"), "carrier_service");
  EXPECT_EQ(translate_wire_path("outputFormat.outputPrintingType"), "label.format");
  EXPECT_EQ(translate_wire_path("letter.sender.senderParcelRef"), "");
  EXPECT_EQ(translate_wire_path("~"), "");
}

TEST(ColissimoWire, ParcelNumberControlKeyMatchesPublishedNumbers) {
  // Serial/key pairs from public sources: a recorded SLS response and a ColiPoste label library.
  EXPECT_EQ(parcel_number_key("1598404033"), 1);
  EXPECT_EQ(parcel_number_key("2052475203"), 2);
  EXPECT_EQ(parcel_number_key("4139207826"), 0);
  EXPECT_EQ(parcel_number_key("4139212825"), 5);
  EXPECT_EQ(parcel_number_key("41392128"), -1);
  EXPECT_TRUE(valid_parcel_number("6A15984040331"));
  EXPECT_TRUE(valid_parcel_number("8L20524752032"));
  EXPECT_FALSE(valid_parcel_number("6A15984040332"));
  EXPECT_FALSE(valid_parcel_number("6A1598404033"));
}

}  // namespace
