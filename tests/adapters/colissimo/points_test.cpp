// Colissimo collection points through the point retrait SOAP service: the codec against recorded
// request shapes and answers (tests/fixtures/colissimo/points_*.xml, point_by_id_*.xml), opening
// hours edge cases, the adapter's requests and refusals, and round trips through the simulator.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "adapters/colissimo/points.hpp"
#include "test_support.hpp"
#include "tools/carrier-sim/colissimo/point_retrait_sim.hpp"

namespace {

using namespace parcelgate;
using carriers::opening_interval;
using carriers::point_type;
using colissimo_test::fixture;
using colissimo_test::recording_call;
using colissimo_test::response;
using colissimo_test::run;
namespace wire = parcelgate::adapters::colissimo;

constexpr const char* kSimPointsUrl =
    "http://127.0.0.1:9443/colissimo/pointretrait-ws-cxf/PointRetraitServiceWS/2.0";

std::string without_trailing_newline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

carriers::point_query paris_query() {
  carriers::point_query q;
  q.country = "FR";
  q.postal_code = "75011";
  q.city = "Paris";
  q.weight_g = 1250;
  q.shipping_date = "2026-08-24";
  return q;
}

wire::account sandbox_account() {
  return wire::account{.contract_number = "123456", .password = "sandbox"};
}

carriers::outbound_response soap_answer(int status, std::string body) {
  return response(status, "text/xml;charset=UTF-8", std::move(body));
}

std::unique_ptr<carriers::carrier_adapter> points_adapter(std::string points_url = kSimPointsUrl,
                                                          std::string password = "sandbox") {
  auto settings = colissimo_test::sandbox_settings();
  settings["points_url"] = std::move(points_url);
  settings["password"] = std::move(password);
  auto a = adapters::make_colissimo_adapter();
  if (!a->configure(settings).empty()) throw std::runtime_error("points settings rejected");
  return a;
}

std::vector<opening_interval> day(std::initializer_list<std::pair<const char*, const char*>> l) {
  std::vector<opening_interval> out;
  for (const auto& [o, c] : l) out.push_back({.opens = o, .closes = c});
  return out;
}

// --- request ------------------------------------------------------------------------------------

TEST(ColissimoPointsRequest, SearchEnvelopeMatchesRecordedShape) {
  auto search = wire::make_points_search(paris_query(), "2026-08-20");
  ASSERT_TRUE(search) << search.error().message;
  EXPECT_EQ(wire::build_find_points_request(*search, sandbox_account()),
            without_trailing_newline(fixture("points_request_search.xml")));
}

TEST(ColissimoPointsRequest, ByIdEnvelopeMatchesRecordedShape) {
  EXPECT_EQ(wire::build_find_point_request("200104", "24/08/2026", sandbox_account()),
            without_trailing_newline(fixture("points_request_by_id.xml")));
}

TEST(ColissimoPointsRequest, HeavyParcelAsksForPostOfficesOnly) {
  auto q = paris_query();
  q.weight_g = 25'000;
  auto search = wire::make_points_search(q, "2026-08-20");
  ASSERT_TRUE(search);
  const auto body = wire::build_find_points_request(*search, sandbox_account());
  EXPECT_NE(body.find("<weight>25000</weight>"), std::string::npos);
  EXPECT_NE(body.find("<filterRelay>0</filterRelay>"), std::string::npos);
  q.weight_g = 20'000;  // the limit itself still goes to relays
  search = wire::make_points_search(q, "2026-08-20");
  ASSERT_TRUE(search);
  EXPECT_NE(wire::build_find_points_request(*search, sandbox_account())
                .find("<filterRelay>1</filterRelay>"),
            std::string::npos);
}

TEST(ColissimoPointsRequest, NoWeightLeavesTheFieldOut) {
  auto q = paris_query();
  q.weight_g = 0;
  auto search = wire::make_points_search(q, "2026-08-20");
  ASSERT_TRUE(search);
  const auto body = wire::build_find_points_request(*search, sandbox_account());
  EXPECT_EQ(body.find("<weight>"), std::string::npos) << body;
  EXPECT_NE(body.find("<filterRelay>1</filterRelay>"), std::string::npos);
}

TEST(ColissimoPointsRequest, AbroadSetsOptionInterAndLanguage) {
  carriers::point_query q;
  q.country = "be";
  q.postal_code = "1000";
  q.city = "Bruxelles";
  q.language = "nl";
  auto search = wire::make_points_search(q, "2026-08-20");
  ASSERT_TRUE(search) << search.error().message;
  const auto body = wire::build_find_points_request(*search, sandbox_account());
  EXPECT_NE(body.find("<countryCode>BE</countryCode>"), std::string::npos);
  EXPECT_NE(body.find("<optionInter>1</optionInter>"), std::string::npos);
  EXPECT_NE(body.find("<lang>NL</lang>"), std::string::npos);
}

TEST(ColissimoPointsRequest, EmptyShippingDateIsFrancesToday) {
  auto q = paris_query();
  q.shipping_date.clear();
  auto search = wire::make_points_search(q, "2026-12-02");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->shipping_date, "02/12/2026");
}

TEST(ColissimoPointsRequest, PostalCodeSpacesAreDropped) {
  auto q = paris_query();
  q.postal_code = " 75 011 ";
  auto search = wire::make_points_search(q, "2026-08-20");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->zip_code, "75011");
}

TEST(ColissimoPointsRequest, RefusesWhatTheServiceCannotTake) {
  auto q = paris_query();
  q.city.clear();
  q.postal_code = "7501";
  q.weight_g = 100'000;
  q.shipping_date = "2026-02-30";
  auto search = wire::make_points_search(q, "2026-08-20");
  ASSERT_FALSE(search);
  EXPECT_EQ(search.error().kind, error_kind::invalid_request);
  for (const char* f : {"city", "postal_code", "weight_g", "shipping_date"})
    EXPECT_TRUE(colissimo_test::has_field(search.error().fields, f)) << f;
  carriers::point_query coordinates_only;
  coordinates_only.country = "FR";
  coordinates_only.latitude = 48.859;
  coordinates_only.longitude = 2.38;
  search = wire::make_points_search(coordinates_only, "2026-08-20");
  ASSERT_FALSE(search);
  EXPECT_TRUE(colissimo_test::has_field(search.error().fields, "postal_code"));
  coordinates_only.country = "France";
  search = wire::make_points_search(coordinates_only, "2026-08-20");
  ASSERT_FALSE(search);
  EXPECT_TRUE(colissimo_test::has_field(search.error().fields, "country"));
}

TEST(ColissimoPointsRequest, WireDates) {
  EXPECT_EQ(wire::wire_date("2026-08-24"), "24/08/2026");
  EXPECT_EQ(wire::wire_date("2028-02-29"), "29/02/2028");
  EXPECT_FALSE(wire::wire_date("2026-02-29"));
  EXPECT_FALSE(wire::wire_date("24/08/2026"));
  EXPECT_FALSE(wire::wire_date("2026-8-24"));
  EXPECT_FALSE(wire::wire_date(""));
}

TEST(ColissimoPointsRequest, OutboundRequestIsAnIdempotentSoapPost) {
  auto out = wire::points_request("https://ws.colissimo.fr/x", "<x/>", "find_points");
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.url, "https://ws.colissimo.fr/x");
  EXPECT_TRUE(out.idempotent);
  EXPECT_EQ(out.operation, "find_points");
  EXPECT_EQ(out.max_exchanges(), 3);
  EXPECT_EQ(out.retry.expect_status, 200);
  bool soap_action = false, content_type = false;
  for (const auto& h : out.headers) {
    if (h.name == "SOAPAction") soap_action = true;
    if (h.name == "Content-Type") content_type = h.value.starts_with("text/xml");
  }
  EXPECT_TRUE(soap_action);
  EXPECT_TRUE(content_type);
}

// --- opening hours and types
// ----------------------------------------------------------------------

TEST(ColissimoPointsHours, LunchBreakGivesTwoIntervals) {
  EXPECT_EQ(wire::parse_opening_day("09:00-12:00 14:00-19:00"),
            day({{"09:00", "12:00"}, {"14:00", "19:00"}}));
}

TEST(ColissimoPointsHours, ClosedMarkersGiveAnEmptyDay) {
  EXPECT_TRUE(wire::parse_opening_day("00:00-00:00 00:00-00:00").empty());
  EXPECT_TRUE(wire::parse_opening_day(" ").empty());
  EXPECT_TRUE(wire::parse_opening_day("").empty());
  EXPECT_EQ(wire::parse_opening_day("07:00-20:00 00:00-00:00"), day({{"07:00", "20:00"}}));
}

TEST(ColissimoPointsHours, AllDayLockerRunsToMidnight) {
  EXPECT_EQ(wire::parse_opening_day("00:00-23:59 00:00-00:00"), day({{"00:00", "24:00"}}));
  EXPECT_EQ(wire::parse_opening_day("18:00-00:00"), day({{"18:00", "24:00"}}));
  EXPECT_EQ(wire::parse_opening_day("00:00-24:00"), day({{"00:00", "24:00"}}));
}

TEST(ColissimoPointsHours, SlotsAreSortedPaddedAndMerged) {
  EXPECT_EQ(wire::parse_opening_day("14:00-18:00 09:00-12:00"),
            day({{"09:00", "12:00"}, {"14:00", "18:00"}}));
  EXPECT_EQ(wire::parse_opening_day("9:00-12:00 12:00-18:00"), day({{"09:00", "18:00"}}));
  EXPECT_EQ(wire::parse_opening_day("08:00-13:00  11:00-19:00"), day({{"08:00", "19:00"}}));
}

TEST(ColissimoPointsHours, UnreadableTokensAreDropped) {
  EXPECT_TRUE(wire::parse_opening_day("ferme").empty());
  EXPECT_TRUE(wire::parse_opening_day("19:00-09:00").empty());
  EXPECT_TRUE(wire::parse_opening_day("25:00-26:00").empty());
  EXPECT_EQ(wire::parse_opening_day("09h00-12h00 14:00-18:60 15:00-18:30"),
            day({{"15:00", "18:30"}}));
}

TEST(ColissimoPointsTypes, TypeDePointMapping) {
  EXPECT_EQ(wire::map_point_type("A2P"), point_type::shop);
  EXPECT_EQ(wire::map_point_type("CMT"), point_type::shop);
  for (const char* t : {"BPR", "CDI", "ACP", "BDP"})
    EXPECT_EQ(wire::map_point_type(t), point_type::post_office) << t;
  EXPECT_EQ(wire::map_point_type("PCS"), point_type::locker);
  EXPECT_EQ(wire::map_point_type(" CIT "), point_type::locker);
  EXPECT_EQ(wire::map_point_type("XYZ"), point_type::shop);
}

// --- search answers
// --------------------------------------------------------------------------------

TEST(ColissimoPointsResponse, RecordedAnswerWithSeveralTypes) {
  auto points =
      wire::parse_find_points_response(soap_answer(200, fixture("points_response_ok.xml")));
  ASSERT_TRUE(points) << points.error().message;
  ASSERT_EQ(points->size(), 4u);

  const auto& shop = (*points)[0];
  EXPECT_EQ(shop.id, "colissimo:FR:200101");
  EXPECT_EQ(shop.native_id, "200101");
  EXPECT_EQ(shop.name, "TABAC DE LA ROQUETTE");  // padding trimmed
  EXPECT_EQ(shop.type, point_type::shop);
  EXPECT_EQ(shop.line1, "45 RUE DE LA ROQUETTE");
  EXPECT_EQ(shop.line2, "");
  EXPECT_EQ(shop.postal_code, "75011");
  EXPECT_EQ(shop.city, "PARIS");
  EXPECT_EQ(shop.country, "FR");
  EXPECT_DOUBLE_EQ(shop.latitude, 48.8546);  // decimal comma
  EXPECT_DOUBLE_EQ(shop.longitude, 2.3739);
  EXPECT_EQ(shop.distance_m, 654);
  EXPECT_EQ(shop.opening_hours[0], day({{"07:00", "20:00"}}));
  EXPECT_EQ(shop.opening_hours[6], day({{"08:00", "13:00"}}));  // Sunday last
  EXPECT_EQ(shop.max_weight_g, 20'000);
  EXPECT_FALSE(shop.wheelchair_access);
  EXPECT_EQ(shop.description, "");

  const auto& post = (*points)[1];
  EXPECT_EQ(post.type, point_type::post_office);
  EXPECT_EQ(post.line2, "BATIMENT A, REZ-DE-CHAUSSEE");
  EXPECT_EQ(post.opening_hours[0], day({{"09:00", "12:00"}, {"13:30", "17:30"}}));
  EXPECT_EQ(post.opening_hours[5], day({{"09:00", "12:00"}}));
  EXPECT_TRUE(post.opening_hours[6].empty());
  EXPECT_EQ(post.max_weight_g, 30'000);
  EXPECT_TRUE(post.wheelchair_access);

  const auto& locker = (*points)[2];
  EXPECT_EQ(locker.type, point_type::locker);
  for (const auto& d : locker.opening_hours) EXPECT_EQ(d, day({{"00:00", "24:00"}}));
  EXPECT_EQ(locker.description, "Consigne sur le trottoir, face a la sortie du metro");

  const auto& cdi = (*points)[3];
  EXPECT_EQ(cdi.type, point_type::post_office);
  EXPECT_EQ(cdi.postal_code, "75020");
  EXPECT_EQ(cdi.line2, "ANGLE RUE DU CHEMIN VERT");
  EXPECT_TRUE(cdi.opening_hours[0].empty());  // 00:00-00:00 twice
  EXPECT_TRUE(cdi.opening_hours[6].empty());  // a lone space
  EXPECT_EQ(cdi.opening_hours[1], day({{"09:00", "12:00"}, {"14:00", "18:00"}}));
  EXPECT_EQ(cdi.opening_hours[3], day({{"09:00", "18:00"}}));  // 9:00-12:00 12:00-18:00
  EXPECT_EQ(cdi.distance_m, 2405);
}

TEST(ColissimoPointsResponse, LimitKeepsTheNearest) {
  auto points =
      wire::parse_find_points_response(soap_answer(200, fixture("points_response_ok.xml")), 2);
  ASSERT_TRUE(points);
  ASSERT_EQ(points->size(), 2u);
  EXPECT_EQ((*points)[1].native_id, "200103");
}

TEST(ColissimoPointsResponse, NoPointCodesGiveAnEmptyList) {
  auto points = wire::parse_find_points_response(
      soap_answer(200, fixture("points_response_no_point_301.xml")));
  ASSERT_TRUE(points) << points.error().message;
  EXPECT_TRUE(points->empty());
  for (int code : {300, 203}) {
    std::string body = fixture("points_response_no_point_301.xml");
    body.replace(body.find("301"), 3, std::to_string(code));
    auto other = wire::parse_find_points_response(soap_answer(200, body));
    ASSERT_TRUE(other) << code;
    EXPECT_TRUE(other->empty());
  }
}

TEST(ColissimoPointsResponse, InputErrorNamesTheQueryParameter) {
  auto points = wire::parse_find_points_response(
      soap_answer(200, fixture("points_response_bad_zip_125.xml")));
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::invalid_request);
  EXPECT_TRUE(colissimo_test::has_field(points.error().fields, "postal_code"));
  EXPECT_EQ(points.error().carrier, "colissimo");
  EXPECT_EQ(points.error().carrier_code, "125");
  EXPECT_NE(points.error().carrier_message.find("Code postal incorrect"), std::string::npos);
}

TEST(ColissimoPointsResponse, EachInputCodeMapsToItsField) {
  const std::pair<int, const char*> cases[] = {
      {104, "postal_code"},   {143, "postal_code"}, {105, "city"},
      {117, "country"},       {146, "country"},     {106, "shipping_date"},
      {122, "shipping_date"}, {120, "weight_g"},    {121, "weight_g"}};
  for (const auto& [code, field] : cases) {
    auto e = wire::points_error(code, "x", false);
    EXPECT_EQ(e.kind, error_kind::invalid_request) << code;
    EXPECT_TRUE(colissimo_test::has_field(e.fields, field)) << code;
  }
  EXPECT_EQ(wire::points_error(201, "x", false).kind, error_kind::auth_failed);
  EXPECT_EQ(wire::points_error(202, "x", false).kind, error_kind::auth_failed);
  EXPECT_TRUE(wire::points_error(201, "x", false).fields.empty());
  EXPECT_EQ(wire::points_error(1000, "x", false).kind, error_kind::unavailable);
  EXPECT_EQ(wire::points_error(123, "x", false).kind, error_kind::bad_gateway);
  EXPECT_EQ(wire::points_error(124, "x", true).kind, error_kind::not_found);
  EXPECT_EQ(wire::points_error(124, "x", false).kind, error_kind::bad_gateway);
}

TEST(ColissimoPointsResponse, RefusedAccountIsAuthFailed) {
  auto points = wire::parse_find_points_response(
      soap_answer(200, fixture("points_response_bad_account_201.xml")));
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::auth_failed);
  EXPECT_EQ(points.error().carrier_code, "201");
}

TEST(ColissimoPointsResponse, SoapFaultIsBadGateway) {
  auto points =
      wire::parse_find_points_response(soap_answer(500, fixture("points_response_soap_fault.xml")));
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(points.error().carrier_code, "soap:Client");
  EXPECT_NE(points.error().carrier_message.find("Unmarshalling Error"), std::string::npos);
}

TEST(ColissimoPointsResponse, TransportLikeAnswers) {
  auto down = wire::parse_find_points_response(
      response(503, "text/html", "<html><body>Service Unavailable</body></html>"));
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().kind, error_kind::unavailable);
  auto throttled = response(429, "text/plain", "slow down");
  throttled.headers.push_back({"Retry-After", "7"});
  auto limited = wire::parse_find_points_response(throttled);
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().kind, error_kind::rate_limited);
  EXPECT_EQ(limited.error().retry_after_s, 7);
  auto not_xml = wire::parse_find_points_response(response(200, "text/html", "<html><p>oops"));
  ASSERT_FALSE(not_xml);
  EXPECT_EQ(not_xml.error().kind, error_kind::bad_gateway);
  auto no_code = wire::parse_find_points_response(soap_answer(
      200,
      "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
      "<ns2:findRDVPointRetraitAcheminementResponse xmlns:ns2=\"x\"><return></return>"
      "</ns2:findRDVPointRetraitAcheminementResponse></soap:Body></soap:Envelope>"));
  ASSERT_FALSE(no_code);
  EXPECT_EQ(no_code.error().kind, error_kind::bad_gateway);
  auto technical = fixture("points_response_no_point_301.xml");
  technical.replace(technical.find("301"), 3, "1000");
  auto busy = wire::parse_find_points_response(soap_answer(200, technical));
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().kind, error_kind::unavailable);
}

// --- by-id answers
// -----------------------------------------------------------------------------------

TEST(ColissimoPointByIdResponse, RecordedAnswer) {
  auto point = wire::parse_find_point_response(
      soap_answer(200, fixture("point_by_id_response_ok.xml")), "FR", "200104");
  ASSERT_TRUE(point) << point.error().message;
  EXPECT_EQ(point->id, "colissimo:FR:200104");
  EXPECT_EQ(point->type, point_type::locker);
  EXPECT_EQ(point->name, "PICKUP STATION NATION");
  EXPECT_EQ(point->opening_hours[2], day({{"00:00", "24:00"}}));
}

TEST(ColissimoPointByIdResponse, UnknownIdIsNotFound) {
  auto point = wire::parse_find_point_response(
      soap_answer(200, fixture("point_by_id_response_unknown_301.xml")), "FR", "999999");
  ASSERT_FALSE(point);
  EXPECT_EQ(point.error().kind, error_kind::not_found);
  EXPECT_EQ(point.error().carrier_code, "301");
}

TEST(ColissimoPointByIdResponse, AnotherCountryIsNotFound) {
  auto point = wire::parse_find_point_response(
      soap_answer(200, fixture("point_by_id_response_ok.xml")), "BE", "200104");
  ASSERT_FALSE(point);
  EXPECT_EQ(point.error().kind, error_kind::not_found);
}

TEST(ColissimoPointByIdResponse, FaultAndAccountErrorsAreNotNotFound) {
  auto fault = wire::parse_find_point_response(
      soap_answer(500, fixture("points_response_soap_fault.xml")), "FR", "200104");
  ASSERT_FALSE(fault);
  EXPECT_EQ(fault.error().kind, error_kind::bad_gateway);
  std::string refused = fixture("point_by_id_response_unknown_301.xml");
  refused.replace(refused.find("301"), 3, "201");
  auto auth = wire::parse_find_point_response(soap_answer(200, refused), "FR", "200104");
  ASSERT_FALSE(auth);
  EXPECT_EQ(auth.error().kind, error_kind::auth_failed);
}

// --- adapter
// --------------------------------------------------------------------------------------------

TEST(ColissimoPointsAdapter, DeclaresPointsAndThePointsUrlSetting) {
  auto a = adapters::make_colissimo_adapter();
  const auto schema = a->settings_schema();
  auto it = std::find_if(schema.begin(), schema.end(),
                         [](const auto& s) { return s.key == "points_url"; });
  ASSERT_NE(it, schema.end());
  EXPECT_FALSE(it->required);
  EXPECT_EQ(it->default_value, wire::kDefaultPointsUrl);
  EXPECT_TRUE(colissimo_test::configured()->caps().points);
}

TEST(ColissimoPointsAdapter, PointsUrlIsValidatedLikeTheOtherUrls) {
  auto settings = colissimo_test::sandbox_settings();
  settings["points_url"] = "ftp://ws.colissimo.fr/pointretrait";
  auto a = adapters::make_colissimo_adapter();
  EXPECT_TRUE(colissimo_test::has_field(a->configure(settings), "points_url"));
  settings["points_url"] = "https://?wsdl";
  EXPECT_TRUE(colissimo_test::has_field(a->configure(settings), "points_url"));
  settings["points_url"] = "https://ws.colissimo.fr/pointretrait-ws-cxf/PointRetraitServiceWS/2.0";
  EXPECT_TRUE(a->configure(settings).empty());
}

TEST(ColissimoPointsAdapter, DefaultUrlAndRequestSent) {
  auto a = colissimo_test::configured();  // no points_url: Colissimo's own service
  recording_call call(soap_answer(200, fixture("points_response_ok.xml")));
  auto points = run(a->find_points(paris_query(), call));
  ASSERT_TRUE(points) << points.error().message;
  EXPECT_EQ(points->size(), 4u);
  ASSERT_EQ(call.sent.size(), 1u);
  const auto& sent = call.sent.front();
  EXPECT_EQ(sent.url, wire::kDefaultPointsUrl);
  EXPECT_EQ(sent.operation, "find_points");
  EXPECT_TRUE(sent.idempotent);
  EXPECT_EQ(sent.body, without_trailing_newline(fixture("points_request_search.xml")));
}

TEST(ColissimoPointsAdapter, SlashEndedUrlIsTrimmed) {
  auto a = points_adapter(std::string(kSimPointsUrl) + "/");
  recording_call call(soap_answer(200, fixture("points_response_no_point_301.xml")));
  auto points = run(a->find_points(paris_query(), call));
  ASSERT_TRUE(points);
  ASSERT_EQ(call.sent.size(), 1u);
  EXPECT_EQ(call.sent.front().url, kSimPointsUrl);
}

TEST(ColissimoPointsAdapter, RefusedQuerySendsNothing) {
  auto a = colissimo_test::configured();
  auto q = paris_query();
  q.city.clear();
  recording_call call(soap_answer(200, fixture("points_response_ok.xml")));
  auto points = run(a->find_points(q, call));
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::invalid_request);
  EXPECT_TRUE(call.sent.empty());
}

TEST(ColissimoPointsAdapter, TransportFailureKeepsItsKind) {
  auto a = colissimo_test::configured();
  recording_call call(make_error(error_kind::timeout, "deadline passed"));
  auto points = run(a->find_points(paris_query(), call));
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::timeout);
  EXPECT_EQ(points.error().carrier, "colissimo");
}

TEST(ColissimoPointsAdapter, FindPointSendsTheByIdRequest) {
  auto a = colissimo_test::configured();
  recording_call call(soap_answer(200, fixture("point_by_id_response_ok.xml")));
  auto point = run(a->find_point("FR", "200104", call));
  ASSERT_TRUE(point) << point.error().message;
  EXPECT_EQ(point->native_id, "200104");
  ASSERT_EQ(call.sent.size(), 1u);
  EXPECT_EQ(call.sent.front().operation, "find_point");
  EXPECT_NE(call.sent.front().body.find("<id>200104</id>"), std::string::npos);
  EXPECT_NE(call.sent.front().body.find("findPointRetraitAcheminementByID"), std::string::npos);
}

TEST(ColissimoPointsAdapter, FindPointOfAMalformedIdIsNotFoundWithoutSending) {
  auto a = colissimo_test::configured();
  recording_call call(soap_answer(200, fixture("point_by_id_response_ok.xml")));
  for (const char* id : {"20010", "2001040", "ABC123", ""}) {
    auto point = run(a->find_point("FR", id, call));
    ASSERT_FALSE(point) << id;
    EXPECT_EQ(point.error().kind, error_kind::not_found) << id;
  }
  EXPECT_TRUE(call.sent.empty());
}

// --- round trips through the simulator
// ---------------------------------------------------------------

struct ColissimoPointsRoundTrip : ::testing::Test {
  sim::sales_ledger ledger;
  std::unique_ptr<sim::carrier_sim> simulator =
      sim::make_colissimo_sim(ledger, "http://127.0.0.1:9443");
  std::unique_ptr<carriers::carrier_adapter> adapter = points_adapter();

  result<std::vector<carriers::collection_point>> search(const carriers::point_query& q) {
    colissimo_test::simulator_call call(*simulator);
    auto out = run(adapter->find_points(q, call));
    EXPECT_EQ(call.calls, 1);
    return out;
  }

  http::response post(std::string body) {
    http::request req;
    req.method = "POST";
    req.target = req.path = "/colissimo" + std::string(sim::colissimo::kPointRetraitPath);
    req.fields = {{"Content-Type", "text/xml;charset=UTF-8"}};
    req.body = std::move(body);
    return simulator->handle(req);
  }
};

TEST_F(ColissimoPointsRoundTrip, ParisSearchIsSortedByDistanceWithEveryType) {
  auto q = paris_query();
  q.shipping_date.clear();  // today in France
  auto points = search(q);
  ASSERT_TRUE(points) << points.error().message << " " << points.error().carrier_code;
  ASSERT_GE(points->size(), 6u);
  EXPECT_LE(points->size(), 20u);
  EXPECT_TRUE(std::is_sorted(points->begin(), points->end(), [](const auto& a, const auto& b) {
    return a.distance_m < b.distance_m;
  }));
  std::set<point_type> types;
  for (const auto& p : *points) {
    types.insert(p.type);
    EXPECT_TRUE(p.id.starts_with("colissimo:FR:")) << p.id;
    EXPECT_TRUE(wire::valid_point_id(p.native_id)) << p.native_id;
    EXPECT_GE(p.distance_m, 0);
    EXPECT_LE(p.distance_m, 15'000);
    EXPECT_GT(p.max_weight_g, 0);
  }
  EXPECT_EQ(types.size(), 3u);
  EXPECT_GE(points->front().distance_m, 200);
  auto locker = std::find_if(points->begin(), points->end(),
                             [](const auto& p) { return p.native_id == "200104"; });
  ASSERT_NE(locker, points->end());
  EXPECT_EQ(locker->opening_hours[6], day({{"00:00", "24:00"}}));
}

TEST_F(ColissimoPointsRoundTrip, LimitAndHeavyParcels) {
  auto q = paris_query();
  q.limit = 3;
  auto few = search(q);
  ASSERT_TRUE(few);
  EXPECT_EQ(few->size(), 3u);
  q.limit = 20;
  q.weight_g = 25'000;
  auto heavy = search(q);
  ASSERT_TRUE(heavy);
  ASSERT_FALSE(heavy->empty());
  for (const auto& p : *heavy) EXPECT_EQ(p.type, point_type::post_office) << p.id;
}

TEST_F(ColissimoPointsRoundTrip, LyonSearchReachesVilleurbanneToo) {
  auto q = paris_query();
  q.postal_code = "69003";
  q.city = "Lyon";
  auto points = search(q);
  ASSERT_TRUE(points);
  ASSERT_GE(points->size(), 10u);
  EXPECT_EQ(points->front().postal_code, "69003");
  EXPECT_TRUE(std::any_of(points->begin(), points->end(),
                          [](const auto& p) { return p.postal_code == "69100"; }));
  EXPECT_TRUE(std::is_sorted(points->begin(), points->end(), [](const auto& a, const auto& b) {
    return a.distance_m < b.distance_m;
  }));
}

TEST_F(ColissimoPointsRoundTrip, UnknownPostalCodeIsAnEmptyList) {
  auto q = paris_query();
  q.postal_code = "23000";
  q.city = "Gueret";
  auto points = search(q);
  ASSERT_TRUE(points) << points.error().message;
  EXPECT_TRUE(points->empty());
  q.country = "BE";  // a country the service serves, without sandbox points
  q.postal_code = "1000";
  EXPECT_TRUE(search(q)->empty());
}

TEST_F(ColissimoPointsRoundTrip, WrongPasswordIsAuthFailed) {
  adapter = points_adapter(kSimPointsUrl, "not-the-password");
  auto points = search(paris_query());
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::auth_failed);
  EXPECT_EQ(points.error().carrier_code, "201");
}

TEST_F(ColissimoPointsRoundTrip, CountryOutsideTheServiceIsInvalid) {
  auto q = paris_query();
  q.country = "US";
  q.postal_code = "10001";
  auto points = search(q);
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::invalid_request);
  EXPECT_TRUE(colissimo_test::has_field(points.error().fields, "country"));
}

TEST_F(ColissimoPointsRoundTrip, FoundPointIsFoundByIdAndTakesALabel) {
  auto points = search(paris_query());
  ASSERT_TRUE(points);
  ASSERT_FALSE(points->empty());
  const auto& first = points->front();
  colissimo_test::simulator_call call(*simulator);
  auto again = run(adapter->find_point("FR", first.native_id, call));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->id, first.id);
  EXPECT_EQ(again->name, first.name);
  EXPECT_EQ(again->opening_hours, first.opening_hours);

  auto request = colissimo_test::relay_request();
  request.pickup_point_id = first.native_id;
  auto label = run(adapter->create_label(request, call));
  ASSERT_TRUE(label) << label.error().message << " " << label.error().carrier_code;
  EXPECT_EQ(ledger.count("colissimo"), 1u);
}

TEST_F(ColissimoPointsRoundTrip, UnknownIdIsNotFound) {
  colissimo_test::simulator_call call(*simulator);
  auto point = run(adapter->find_point("FR", "999999", call));
  ASSERT_FALSE(point);
  EXPECT_EQ(point.error().kind, error_kind::not_found);
  EXPECT_EQ(call.calls, 1);
}

TEST_F(ColissimoPointsRoundTrip, SimulatorChecksInputsWithTheServiceCodes) {
  auto body_for = [](const wire::points_search& s) {
    return wire::build_find_points_request(s, sandbox_account());
  };
  wire::points_search s{.zip_code = "75011",
                        .city = "",
                        .country = "FR",
                        .weight_g = 0,
                        .shipping_date = "24/08/2026",
                        .lang = "FR"};
  auto no_city = wire::parse_find_points_response(soap_answer(200, post(body_for(s)).body));
  ASSERT_FALSE(no_city);
  EXPECT_EQ(no_city.error().carrier_code, "105");
  EXPECT_TRUE(colissimo_test::has_field(no_city.error().fields, "city"));
  s.city = "Paris";
  s.zip_code = "99999";
  auto bad_zip = wire::parse_find_points_response(soap_answer(200, post(body_for(s)).body));
  ASSERT_FALSE(bad_zip);
  EXPECT_EQ(bad_zip.error().carrier_code, "125");
  s.zip_code = "75011";
  s.shipping_date = "2026-08-24";
  auto bad_date = wire::parse_find_points_response(soap_answer(200, post(body_for(s)).body));
  ASSERT_FALSE(bad_date);
  EXPECT_EQ(bad_date.error().carrier_code, "122");
  std::string weight_body = body_for(wire::points_search{.zip_code = "75011",
                                                         .city = "Paris",
                                                         .country = "FR",
                                                         .weight_g = 100,
                                                         .shipping_date = "24/08/2026",
                                                         .lang = "FR"});
  weight_body.replace(weight_body.find("<weight>100</weight>"), 20, "<weight>1,5</weight>");
  auto bad_weight = wire::parse_find_points_response(soap_answer(200, post(weight_body).body));
  ASSERT_FALSE(bad_weight);
  EXPECT_EQ(bad_weight.error().carrier_code, "120");
}

TEST_F(ColissimoPointsRoundTrip, SimulatorFaultsAndMethods) {
  auto broken = post("<soapenv:Envelope><oops");
  EXPECT_EQ(broken.status, 500);
  auto fault = wire::parse_find_points_response(soap_answer(broken.status, broken.body));
  ASSERT_FALSE(fault);
  EXPECT_EQ(fault.error().kind, error_kind::bad_gateway);
  EXPECT_EQ(fault.error().carrier_code, "soap:Client");

  http::request get;
  get.method = "GET";
  get.target = get.path = "/colissimo" + std::string(sim::colissimo::kPointRetraitPath);
  EXPECT_EQ(simulator->handle(get).status, 405);

  http::request busy;
  busy.method = "POST";
  busy.path = get.path;
  busy.body = wire::build_find_point_request("200104", "24/08/2026", sandbox_account());
  auto answer = simulator->busy_answer(busy);
  auto point =
      wire::parse_find_point_response(soap_answer(answer.status, answer.body), "FR", "200104");
  ASSERT_FALSE(point);
  EXPECT_EQ(point.error().kind, error_kind::unavailable);
  EXPECT_EQ(point.error().carrier_code, "1000");
}

}  // namespace
