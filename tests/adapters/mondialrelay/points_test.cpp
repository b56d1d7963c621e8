// Mondial Relay collection points: the WSI4_PointRelais_Recherche requests against recorded shapes,
// recorded-style answers (padded strings, decimal commas, four-string hours) to collection_point,
// STAT mapping, the adapter's find_points/find_point on scripted answers, and round trips through
// the in-process simulator (distance order, radius, count and weight filters, lookups, a label
// bought to a point found).
#include <gtest/gtest.h>

#include <algorithm>
#include <pugixml.hpp>

#include "adapters/mondialrelay/adapter.hpp"
#include "adapters/mondialrelay/points.hpp"
#include "tests/adapters/mondialrelay/test_support.hpp"

namespace mr = parcelgate::adapters::mondialrelay;
using namespace parcelgate;
using carriers::opening_interval;
using carriers::point_query;
using carriers::point_type;
using testing_mr::answer;
using testing_mr::fixture;
using testing_mr::run;
using testing_mr::scripted_call;
using testing_mr::simulator_call;

namespace {

using name_values = std::vector<std::pair<std::string, std::string>>;

name_values operation_params(const std::string& xml) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(xml.c_str()));
  auto op = doc.child("soap:Envelope").child("soap:Body").first_child();
  name_values out;
  for (auto c : op.children())
    if (c.type() == pugi::node_element) out.emplace_back(c.name(), c.child_value());
  return out;
}

name_values as_pairs(const mr::param_list& params) {
  name_values out;
  for (const auto& p : params) out.emplace_back(p.name, p.value);
  return out;
}

std::string param(const mr::param_list& params, std::string_view name) {
  for (const auto& p : params)
    if (p.name == name) return p.value;
  return "<absent>";
}

const mr::account kSandbox{"BDTEST13", "PrivateK"};

point_query paris_query() {
  point_query q;
  q.country = "FR";
  q.postal_code = "75011";
  q.city = "Paris";
  q.radius_m = 4'200;
  q.limit = 10;
  q.weight_g = 1'200;
  return q;
}

std::vector<opening_interval> hours(std::initializer_list<std::pair<const char*, const char*>> l) {
  std::vector<opening_interval> out;
  for (auto [o, c] : l) out.push_back({o, c});
  return out;
}

std::unique_ptr<carriers::carrier_adapter> configured_adapter() {
  auto a = adapters::make_mondialrelay_adapter();
  EXPECT_TRUE(a->configure(testing_mr::sandbox_settings()).empty());
  return a;
}

carriers::outbound_response soap_answer(const std::string& body, int status = 200) {
  return answer(status, body, "text/xml; charset=utf-8");
}

}  // namespace

// ---- requests -----------------------------------------------------------------------------------

TEST(MondialRelayPointsRequest, search_matches_the_recorded_shape_value_by_value) {
  auto params = mr::build_point_search_params(paris_query(), kSandbox);
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ(as_pairs(*params), operation_params(fixture("points_request_search.xml")));
}

TEST(MondialRelayPointsRequest, coordinates_go_with_a_dot_and_seven_decimals) {
  point_query q;
  q.country = "FR";
  q.latitude = 45.7719;
  q.longitude = 4.8902;
  q.radius_m = 2'500;
  q.limit = 50;  // above the service's 30
  auto params = mr::build_point_search_params(q, kSandbox);
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ(as_pairs(*params), operation_params(fixture("points_request_coordinates.xml")));
}

TEST(MondialRelayPointsRequest, parameters_follow_the_wsdl_order_with_security_last) {
  auto params = mr::build_point_search_params(paris_query(), kSandbox);
  ASSERT_TRUE(params);
  ASSERT_EQ(params->size(), mr::kPointsParams.size());
  for (std::size_t i = 0; i < params->size(); ++i)
    EXPECT_EQ((*params)[i].name, mr::kPointsParams[i]) << "position " << i;
  auto lookup = mr::build_point_lookup_params("FR", "067125", kSandbox);
  ASSERT_EQ(lookup.size(), mr::kPointsParams.size());
  for (std::size_t i = 0; i < lookup.size(); ++i) EXPECT_EQ(lookup[i].name, mr::kPointsParams[i]);
}

TEST(MondialRelayPointsRequest, security_changes_with_every_parameter_and_the_key) {
  auto base = mr::build_point_search_params(paris_query(), kSandbox);
  auto q = paris_query();
  q.limit = 11;  // NombreResultats is part of the hash
  auto other_count = mr::build_point_search_params(q, kSandbox);
  auto other_key = mr::build_point_search_params(paris_query(), {"BDTEST13", "OtherKey"});
  ASSERT_TRUE(base && other_count && other_key);
  EXPECT_EQ(param(*base, "Security"), "3333B5FA944CD978CADA063EF09A1250");
  EXPECT_NE(param(*other_count, "Security"), param(*base, "Security"));
  EXPECT_NE(param(*other_key, "Security"), param(*base, "Security"));
}

TEST(MondialRelayPointsRequest, is_an_idempotent_soap_post_retried_like_tracing) {
  auto params = mr::build_point_search_params(paris_query(), kSandbox);
  ASSERT_TRUE(params);
  auto req = mr::build_points_request("https://api.mondialrelay.com", *params, "find_points");
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://api.mondialrelay.com/Web_Services.asmx");
  ASSERT_EQ(req.headers.size(), 2u);
  EXPECT_EQ(req.headers[0].value, "text/xml; charset=utf-8");
  EXPECT_EQ(req.headers[1].value,
            "\"http://www.mondialrelay.fr/webservice/WSI4_PointRelais_Recherche\"");
  EXPECT_TRUE(req.idempotent);
  EXPECT_EQ(req.operation, "find_points");
  EXPECT_EQ(req.max_exchanges(), 3);
  EXPECT_EQ(operation_params(req.body), as_pairs(*params));
}

TEST(MondialRelayPointsRequest, radius_count_city_and_weight_are_translated) {
  auto build = [](point_query q) {
    auto p = mr::build_point_search_params(q, kSandbox);
    EXPECT_TRUE(p) << p.error().message;
    return p ? *p : mr::param_list{};
  };
  auto q = paris_query();
  q.radius_m = 1;
  EXPECT_EQ(param(build(q), "RayonRecherche"), "1");
  q.radius_m = 5'000;
  EXPECT_EQ(param(build(q), "RayonRecherche"), "5");
  q.radius_m = 0;
  EXPECT_EQ(param(build(q), "RayonRecherche"), "");
  q.radius_m = 50'000'000;
  EXPECT_EQ(param(build(q), "RayonRecherche"), "9999");
  q.limit = 0;
  EXPECT_EQ(param(build(q), "NombreResultats"), "1");
  q.weight_g = 0;
  EXPECT_EQ(param(build(q), "Poids"), "");
  // The city travels only without a postcode.
  EXPECT_EQ(param(build(q), "Ville"), "");
  q.postal_code.clear();
  q.city = "Villeurbanne";
  EXPECT_EQ(param(build(q), "Ville"), "VILLEURBANNE");
  EXPECT_EQ(param(build(q), "CP"), "");
  point_query pl;
  pl.country = "PL";
  pl.postal_code = "31021";
  EXPECT_EQ(param(build(pl), "CP"), "31-021");
  EXPECT_EQ(param(build(pl), "Action"), "24R");
  EXPECT_EQ(param(build(pl), "DelaiEnvoi"), "0");
}

TEST(MondialRelayPointsRequest, unusable_queries_are_field_errors_on_our_parameters) {
  auto field_of = [](point_query q) {
    auto p = mr::build_point_search_params(q, kSandbox);
    if (p) return std::string("<accepted>");
    EXPECT_EQ(p.error().kind, error_kind::invalid_request);
    return p.error().fields.empty() ? std::string("<none>") : p.error().fields[0].field;
  };
  auto q = paris_query();
  q.postal_code = "7501";
  EXPECT_EQ(field_of(q), "postal_code");
  q = paris_query();
  q.latitude = 48.85;  // without a longitude
  EXPECT_EQ(field_of(q), "longitude");
  q.longitude = 2.38;
  q.latitude = 95;
  EXPECT_EQ(field_of(q), "latitude");
  q.latitude = 48.85;
  q.longitude = 200;
  EXPECT_EQ(field_of(q), "longitude");
  point_query nowhere;
  nowhere.country = "FR";
  EXPECT_EQ(field_of(nowhere), "postal_code");
  q = paris_query();
  q.weight_g = 1'000'000;
  EXPECT_EQ(field_of(q), "weight_g");
}

TEST(MondialRelayPointsRequest, coordinates_and_point_numbers_take_the_service_form) {
  EXPECT_EQ(mr::wsi_coordinate(48.859), "48.8590000");
  EXPECT_EQ(mr::wsi_coordinate(-1.1500341), "-1.1500341");
  EXPECT_EQ(mr::wsi_coordinate(-0.00000001), "0.0000000");
  EXPECT_EQ(mr::wsi_coordinate(19.9366), "19.9366000");
  EXPECT_EQ(mr::point_number("20230"), "020230");
  EXPECT_EQ(mr::point_number("067125"), "067125");
  EXPECT_FALSE(mr::point_number(""));
  EXPECT_FALSE(mr::point_number("1234567"));
  EXPECT_FALSE(mr::point_number("12A456"));
  EXPECT_FALSE(mr::point_number("-12345"));
}

// ---- answers ------------------------------------------------------------------------------------

TEST(MondialRelayPointsDecode, recorded_answer_gives_trimmed_points_with_dots_and_hours) {
  auto points = mr::decode_point_search(200, fixture("points_response_ok.xml"), paris_query());
  ASSERT_TRUE(points) << points.error().message << " " << points.error().carrier_message;
  // Four points listed; the fourth (4630 m) is beyond radius_m 4200 (RayonRecherche was 5 km).
  ASSERT_EQ(points->size(), 3u);
  const auto& a = (*points)[0];
  EXPECT_EQ(a.id, "mondialrelay:FR:024871");
  EXPECT_EQ(a.native_id, "024871");
  EXPECT_EQ(a.name, "TABAC DU MARCHE CHEZ PAULO");
  EXPECT_EQ(a.type, point_type::shop);
  EXPECT_EQ(a.line1, "14 RUE DE LA FOLIE MERICOURT");
  EXPECT_EQ(a.line2, "");
  EXPECT_EQ(a.postal_code, "75011");
  EXPECT_EQ(a.city, "PARIS");
  EXPECT_EQ(a.country, "FR");
  EXPECT_DOUBLE_EQ(a.latitude, 48.861234);
  EXPECT_DOUBLE_EQ(a.longitude, 2.370125);
  EXPECT_EQ(a.distance_m, 612);
  EXPECT_EQ(a.description, "");
  EXPECT_EQ(a.max_weight_g, 0);
  for (int day = 0; day < 5; ++day)
    EXPECT_EQ(a.opening_hours[day], hours({{"09:00", "12:30"}, {"14:30", "19:30"}})) << day;
  EXPECT_EQ(a.opening_hours[5], hours({{"09:00", "12:30"}}));
  EXPECT_TRUE(a.opening_hours[6].empty());

  const auto& b = (*points)[1];
  EXPECT_EQ(b.id, "mondialrelay:FR:027340");
  EXPECT_EQ(b.type, point_type::locker);
  EXPECT_EQ(b.name, "LOCKER MONDIAL RELAY");
  EXPECT_EQ(b.description, "DEVANT LE SUPERMARCHE");
  EXPECT_EQ(b.distance_m, 640);
  for (const auto& day : b.opening_hours) EXPECT_EQ(day, hours({{"00:00", "24:00"}}));

  const auto& c = (*points)[2];
  EXPECT_EQ(c.line2, "ANGLE RUE OBERKAMPF");
  EXPECT_EQ(c.description, "A COTE DE LA PHARMACIE ENTREE PAR LA COUR");
  EXPECT_TRUE(c.opening_hours[0].empty());  // closed on Monday
  EXPECT_EQ(c.opening_hours[1], hours({{"10:00", "13:00"}, {"15:00", "19:30"}}));
  EXPECT_EQ(c.opening_hours[6], hours({{"10:00", "13:00"}}));
}

TEST(MondialRelayPointsDecode, limit_and_radius_apply_to_the_answer) {
  auto q = paris_query();
  q.limit = 2;
  auto two = mr::decode_point_search(200, fixture("points_response_ok.xml"), q);
  ASSERT_TRUE(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].native_id, "027340");
  q = paris_query();
  q.radius_m = 0;  // no radius asked: everything listed is kept
  auto all = mr::decode_point_search(200, fixture("points_response_ok.xml"), q);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 4u);
}

TEST(MondialRelayPointsDecode, no_point_is_an_empty_list) {
  auto points = mr::decode_point_search(200, fixture("points_response_empty.xml"), paris_query());
  ASSERT_TRUE(points) << points.error().message;
  EXPECT_TRUE(points->empty());
  // 93: nothing in the sorting plan for that place.
  auto stat93 = std::string(fixture("points_response_stat36.xml"));
  stat93.replace(stat93.find("<STAT>36"), 8, "<STAT>93");
  auto none = mr::decode_point_search(200, stat93, paris_query());
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(MondialRelayPointsDecode, refused_postcode_is_a_field_error) {
  auto points = mr::decode_point_search(200, fixture("points_response_stat36.xml"), paris_query());
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::invalid_request);
  EXPECT_EQ(points.error().carrier, "mondialrelay");
  EXPECT_EQ(points.error().carrier_code, "STAT 36");
  ASSERT_EQ(points.error().fields.size(), 1u);
  EXPECT_EQ(points.error().fields[0].field, "postal_code");
}

TEST(MondialRelayPointsDecode, refused_security_key_is_auth_failed) {
  auto points = mr::decode_point_search(200, fixture("points_response_stat97.xml"), paris_query());
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::auth_failed);
  EXPECT_EQ(points.error().carrier_code, "STAT 97");
}

TEST(MondialRelayPointsDecode, faults_and_unreadable_answers_are_carrier_failures) {
  auto q = paris_query();
  auto server = mr::decode_point_search(500, fixture("soap_fault_server.xml"), q);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, error_kind::unavailable);
  auto client = mr::decode_point_search(500, fixture("soap_fault_client.xml"), q);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().kind, error_kind::internal);  // the service could not read our request
  auto html = mr::decode_point_search(200, "<html><body>maintenance", q);
  ASSERT_FALSE(html);
  EXPECT_EQ(html.error().kind, error_kind::bad_gateway);
  auto down = mr::decode_point_search(503, "Service Unavailable", q);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().kind, error_kind::unavailable);
  auto no_stat = std::string(fixture("points_response_empty.xml"));
  no_stat.erase(no_stat.find("<STAT>0</STAT>"), 14);
  auto missing = mr::decode_point_search(200, no_stat, q);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, error_kind::bad_gateway);
}

TEST(MondialRelayPointsDecode, unreadable_point_fields_fail_the_answer) {
  auto broken = [](std::string from, std::string to) {
    std::string body = fixture("points_response_ok.xml");
    body.replace(body.find(from), from.size(), to);
    auto r = mr::decode_point_search(200, body, paris_query());
    EXPECT_FALSE(r) << from << " -> " << to;
    return r ? error_kind::internal : r.error().kind;
  };
  EXPECT_EQ(broken("48,8612340", "48;8612340"), error_kind::bad_gateway);
  EXPECT_EQ(broken("<string>1930</string>", "<string>19h30</string>"), error_kind::bad_gateway);
  EXPECT_EQ(broken("<Distance>612</Distance>", "<Distance>six</Distance>"),
            error_kind::bad_gateway);
  EXPECT_EQ(broken("<Num>024871</Num>", "<Num>24871X</Num>"), error_kind::bad_gateway);
}

TEST(MondialRelayPointsDecode, stat_codes_map_to_our_errors) {
  struct row {
    int stat;
    std::optional<error_kind> kind;  // nullopt: no point (empty list)
    const char* field;
  };
  const row rows[] = {
      {24, std::nullopt, ""},
      {70, std::nullopt, ""},
      {93, std::nullopt, ""},
      {9, error_kind::invalid_request, "city"},
      {35, error_kind::invalid_request, "city"},
      {36, error_kind::invalid_request, "postal_code"},
      {37, error_kind::invalid_request, "country"},
      {67, error_kind::invalid_request, "latitude"},
      {68, error_kind::invalid_request, "longitude"},
      {20, error_kind::invalid_request, "weight_g"},
      {1, error_kind::auth_failed, ""},
      {2, error_kind::auth_failed, ""},
      {8, error_kind::auth_failed, ""},
      {95, error_kind::auth_failed, ""},
      {97, error_kind::auth_failed, ""},
      {40, error_kind::internal, ""},
      {49, error_kind::internal, ""},
      {74, error_kind::internal, ""},
      {98, error_kind::bad_gateway, ""},
      {99, error_kind::unavailable, ""},
      {55, error_kind::bad_gateway, ""},  // undocumented here
  };
  for (const auto& r : rows) {
    auto e = mr::point_search_error(r.stat);
    ASSERT_EQ(e.has_value(), r.kind.has_value()) << r.stat;
    if (!e) continue;
    EXPECT_EQ(e->kind, *r.kind) << r.stat;
    EXPECT_EQ(e->carrier_code, "STAT " + std::to_string(r.stat));
    if (*r.field) {
      ASSERT_EQ(e->fields.size(), 1u) << r.stat;
      EXPECT_EQ(e->fields[0].field, r.field);
    } else {
      EXPECT_TRUE(e->fields.empty()) << r.stat;
    }
  }
}

// ---- opening hours ------------------------------------------------------------------------------

TEST(MondialRelayPointsHours, four_strings_a_day_become_intervals) {
  using v = std::vector<std::string>;
  EXPECT_EQ(mr::day_hours(v{}), hours({}));
  EXPECT_EQ(mr::day_hours(v{"0000", "0000", "0000", "0000"}), hours({}));
  EXPECT_EQ(mr::day_hours(v{"0900", "1230", "1400", "1830"}),
            hours({{"09:00", "12:30"}, {"14:00", "18:30"}}));
  EXPECT_EQ(mr::day_hours(v{"0800", "2000", "0000", "0000"}), hours({{"08:00", "20:00"}}));
  // Only an afternoon (the morning pair empty).
  EXPECT_EQ(mr::day_hours(v{"0000", "0000", "1400", "1900"}), hours({{"14:00", "19:00"}}));
}

TEST(MondialRelayPointsHours, lockers_and_midnight_are_read_as_whole_days_and_24_00) {
  using v = std::vector<std::string>;
  EXPECT_EQ(mr::day_hours(v{"0001", "2359", "0000", "0000"}), hours({{"00:00", "24:00"}}));
  EXPECT_EQ(mr::day_hours(v{"0000", "2359"}), hours({{"00:00", "24:00"}}));
  EXPECT_EQ(mr::day_hours(v{"0000", "2400"}), hours({{"00:00", "24:00"}}));
  EXPECT_EQ(mr::day_hours(v{"0001", "2359", "0001", "2359"}), hours({{"00:00", "24:00"}}));
  EXPECT_EQ(mr::day_hours(v{"1000", "0000", "0000", "0000"}), hours({{"10:00", "24:00"}}));
  EXPECT_EQ(mr::day_hours(v{"0530", "2330"}), hours({{"05:30", "23:30"}}));
}

TEST(MondialRelayPointsHours, malformed_hours_are_refused) {
  using v = std::vector<std::string>;
  EXPECT_FALSE(mr::day_hours(v{"9h00", "1200"}));
  EXPECT_FALSE(mr::day_hours(v{"0900", "2500"}));
  EXPECT_FALSE(mr::day_hours(v{"0960", "1200"}));
  EXPECT_FALSE(mr::day_hours(v{"900", "1200"}));
  EXPECT_FALSE(mr::day_hours(v{"2410", "0000"}));
  EXPECT_FALSE(mr::day_hours(v{"0900", "1200", "1400"}));  // incomplete pair
  EXPECT_FALSE(mr::day_hours(v{"1400", "1200"}));          // closes before it opens
  EXPECT_FALSE(mr::day_hours(v{"0900", "0900"}));
}

TEST(MondialRelayPointsHours, decimals_with_a_comma_or_a_dot_are_read) {
  EXPECT_DOUBLE_EQ(*mr::parse_wsi_decimal("45,7728450"), 45.772845);
  EXPECT_DOUBLE_EQ(*mr::parse_wsi_decimal("04,8630410"), 4.863041);
  EXPECT_DOUBLE_EQ(*mr::parse_wsi_decimal("-01,1500341"), -1.1500341);
  EXPECT_DOUBLE_EQ(*mr::parse_wsi_decimal("48.8590"), 48.859);
  EXPECT_FALSE(mr::parse_wsi_decimal(""));
  EXPECT_FALSE(mr::parse_wsi_decimal("4,5,6"));
  EXPECT_FALSE(mr::parse_wsi_decimal("abc"));
  EXPECT_FALSE(mr::parse_wsi_decimal("45,77 N"));
}

// ---- the adapter on scripted answers ------------------------------------------------------------

TEST(MondialRelayPointsAdapter, declares_points_and_searches_through_one_request) {
  auto a = configured_adapter();
  EXPECT_TRUE(a->caps().points);
  scripted_call call([](const carriers::outbound_request&) -> result<carriers::outbound_response> {
    return soap_answer(fixture("points_response_ok.xml"));
  });
  auto q = paris_query();
  auto points = run(a->find_points(q, call));
  ASSERT_TRUE(points) << points.error().message;
  EXPECT_EQ(points->size(), 3u);
  ASSERT_EQ(call.sent.size(), 1u);
  EXPECT_EQ(call.sent[0].url, "http://127.0.0.1:9443/mondialrelay/Web_Services.asmx");
  EXPECT_EQ(call.sent[0].operation, "find_points");
  EXPECT_EQ(operation_params(call.sent[0].body),
            operation_params(fixture("points_request_search.xml")));
}

TEST(MondialRelayPointsAdapter, a_failed_exchange_is_retried_then_answered) {
  auto a = configured_adapter();
  int n = 0;
  scripted_call call(
      [&n](const carriers::outbound_request&) -> result<carriers::outbound_response> {
        if (++n == 1) return soap_answer("Service Unavailable", 503);
        return soap_answer(fixture("points_response_ok.xml"));
      });
  auto q = paris_query();
  auto points = run(a->find_points(q, call));
  ASSERT_TRUE(points) << points.error().message;
  EXPECT_EQ(call.sent.size(), 2u);
  EXPECT_EQ(call.requests, 1);
}

TEST(MondialRelayPointsAdapter, countries_outside_the_network_have_no_point_and_no_request) {
  auto a = configured_adapter();
  scripted_call call([](const carriers::outbound_request&) -> result<carriers::outbound_response> {
    return soap_answer(fixture("points_response_ok.xml"));
  });
  point_query q;
  q.country = "US";
  q.postal_code = "10001";
  auto points = run(a->find_points(q, call));
  ASSERT_TRUE(points);
  EXPECT_TRUE(points->empty());
  EXPECT_TRUE(call.sent.empty());
  auto one = run(a->find_point("US", "067125", call));
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().kind, error_kind::not_found);
  EXPECT_TRUE(call.sent.empty());
}

TEST(MondialRelayPointsAdapter, find_point_asks_by_number_and_reads_the_locker) {
  auto a = configured_adapter();
  scripted_call call([](const carriers::outbound_request&) -> result<carriers::outbound_response> {
    return soap_answer(fixture("points_response_locker.xml"));
  });
  auto point = run(a->find_point("FR", "67125", call));  // zero-padded to 067125
  ASSERT_TRUE(point) << point.error().message;
  ASSERT_EQ(call.sent.size(), 1u);
  EXPECT_EQ(call.sent[0].operation, "find_point");
  EXPECT_EQ(operation_params(call.sent[0].body),
            operation_params(fixture("points_request_lookup.xml")));
  EXPECT_EQ(point->id, "mondialrelay:FR:067125");
  EXPECT_EQ(point->type, point_type::locker);
  EXPECT_EQ(point->distance_m, -1);  // a lookup measures from nowhere
  EXPECT_EQ(point->description, "HALL 2 PRES DES GUICHETS");
  EXPECT_EQ(point->opening_hours[0], hours({{"05:30", "23:30"}}));
  EXPECT_EQ(point->opening_hours[6], hours({{"06:00", "23:30"}}));
}

TEST(MondialRelayPointsAdapter, find_point_of_an_unknown_number_is_not_found) {
  auto a = configured_adapter();
  std::string body = fixture("points_response_empty.xml");
  scripted_call empty(
      [&body](const carriers::outbound_request&) -> result<carriers::outbound_response> {
        return soap_answer(body);
      });
  auto none = run(a->find_point("FR", "123456", empty));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, error_kind::not_found);

  // STAT 24 (invalid point number) is not found too.
  std::string stat24 = fixture("points_response_stat36.xml");
  stat24.replace(stat24.find("<STAT>36"), 8, "<STAT>24");
  scripted_call refused(
      [&stat24](const carriers::outbound_request&) -> result<carriers::outbound_response> {
        return soap_answer(stat24);
      });
  auto unknown = run(a->find_point("FR", "123456", refused));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, error_kind::not_found);
  EXPECT_EQ(unknown.error().carrier_code, "STAT 24");

  // Another point in the answer is not the one asked for.
  std::string locker = fixture("points_response_locker.xml");
  scripted_call other(
      [&locker](const carriers::outbound_request&) -> result<carriers::outbound_response> {
        return soap_answer(locker);
      });
  auto wrong = run(a->find_point("FR", "067126", other));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, error_kind::not_found);

  // An id that cannot be a Mondial Relay number is not asked for.
  scripted_call never([](const carriers::outbound_request&) -> result<carriers::outbound_response> {
    return soap_answer("");
  });
  auto malformed = run(a->find_point("FR", "AB1234", never));
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().kind, error_kind::not_found);
  EXPECT_TRUE(never.sent.empty());

  // Credentials refused stay an error, not a missing point.
  std::string stat97 = fixture("points_response_stat97.xml");
  scripted_call key(
      [&stat97](const carriers::outbound_request&) -> result<carriers::outbound_response> {
        return soap_answer(stat97);
      });
  auto auth = run(a->find_point("FR", "067125", key));
  ASSERT_FALSE(auth);
  EXPECT_EQ(auth.error().kind, error_kind::auth_failed);
}

// ---- round trips through the simulator
// -----------------------------------------------------------

namespace {

struct MondialRelayPointsSimulator : ::testing::Test {
  sim::sales_ledger ledger;
  std::unique_ptr<sim::carrier_sim> simulator =
      sim::make_mondialrelay_sim(ledger, "http://127.0.0.1:9443");
  std::unique_ptr<carriers::carrier_adapter> adapter = configured_adapter();

  result<std::vector<carriers::collection_point>> search(const point_query& q) {
    simulator_call call(*simulator);
    return run(adapter->find_points(q, call));
  }

  static point_query near(std::string country, std::string postcode, int radius_m, int limit) {
    point_query q;
    q.country = std::move(country);
    q.postal_code = std::move(postcode);
    q.radius_m = radius_m;
    q.limit = limit;
    return q;
  }

  // A raw WSI4 request near FR 75011 with `changes` applied, Security recomputed: the STAT
  // (-1 when the answer is a SOAP fault).
  int stat_with(std::vector<std::pair<std::string_view, std::string>> changes) {
    auto params = mr::build_point_search_params(near("FR", "75011", 5'000, 10), kSandbox);
    EXPECT_TRUE(params);
    params->pop_back();
    for (auto& p : *params)
      for (const auto& [name, value] : changes)
        if (p.name == name) p.value = value;
    params->push_back({"Security", mr::security_for(*params, "PrivateK")});
    auto req = mr::build_points_request("http://127.0.0.1:9443/mondialrelay", *params, "t");
    simulator_call call(*simulator);
    auto out = run(call.send(req));
    EXPECT_TRUE(out);
    auto parsed = mr::parse_point_search_response(out->status, out->body);
    return parsed ? parsed->stat : -1;
  }
  int stat_with(std::string_view name, std::string value) {
    return stat_with({{name, std::move(value)}});
  }
};

bool nearest_first(const std::vector<carriers::collection_point>& points) {
  return std::is_sorted(points.begin(), points.end(),
                        [](const auto& a, const auto& b) { return a.distance_m < b.distance_m; });
}

}  // namespace

TEST_F(MondialRelayPointsSimulator, search_answers_nearest_first_within_the_radius) {
  auto points = search(near("FR", "75011", 10'000, 30));
  ASSERT_TRUE(points) << points.error().message << " " << points.error().carrier_code;
  ASSERT_GE(points->size(), 8u);
  EXPECT_TRUE(nearest_first(*points));
  bool locker = false, shop = false;
  for (const auto& p : *points) {
    EXPECT_TRUE(p.id.starts_with("mondialrelay:FR:")) << p.id;
    EXPECT_EQ(p.native_id.size(), 6u);
    EXPECT_GE(p.distance_m, 0);
    EXPECT_LE(p.distance_m, 10'000);
    EXPECT_FALSE(p.name.ends_with(' ')) << "padding kept: [" << p.name << "]";
    EXPECT_FALSE(p.city.ends_with(' '));
    EXPECT_GT(p.latitude, 48.8);
    EXPECT_LT(p.longitude, 2.5);
    locker = locker || p.type == point_type::locker;
    shop = shop || p.type == point_type::shop;
  }
  EXPECT_TRUE(locker && shop);
}

TEST_F(MondialRelayPointsSimulator, radius_and_count_filters_cut_the_same_ordered_list) {
  auto all = search(near("FR", "75011", 10'000, 30));
  auto close = search(near("FR", "75011", 1'000, 30));
  auto three = search(near("FR", "75011", 10'000, 3));
  ASSERT_TRUE(all && close && three);
  ASSERT_FALSE(close->empty());
  EXPECT_LT(close->size(), all->size());
  for (const auto& p : *close) EXPECT_LE(p.distance_m, 1'000);
  ASSERT_EQ(three->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ((*three)[i].id, (*all)[i].id);
  // Every point of `all` within 1 km is in `close`.
  auto within =
      std::count_if(all->begin(), all->end(), [](const auto& p) { return p.distance_m <= 1'000; });
  EXPECT_EQ(static_cast<std::size_t>(within), close->size());
}

TEST_F(MondialRelayPointsSimulator, heavy_parcels_leave_the_lockers_out) {
  auto q = near("FR", "75011", 10'000, 30);
  q.weight_g = 25'000;
  auto heavy = search(q);
  ASSERT_TRUE(heavy);
  ASSERT_FALSE(heavy->empty());
  for (const auto& p : *heavy) EXPECT_EQ(p.type, point_type::shop) << p.id;
}

TEST_F(MondialRelayPointsSimulator, coordinates_move_the_centre) {
  point_query q;
  q.country = "FR";
  q.latitude = 45.7706;  // on the Gratte-Ciel locker
  q.longitude = 4.8845;
  q.radius_m = 3'000;
  q.limit = 5;
  auto points = search(q);
  ASSERT_TRUE(points) << points.error().message;
  ASSERT_FALSE(points->empty());
  EXPECT_EQ((*points)[0].native_id, "004735");
  EXPECT_LT((*points)[0].distance_m, 20);
  EXPECT_TRUE(nearest_first(*points));
}

TEST_F(MondialRelayPointsSimulator, opening_hours_come_back_normalized) {
  auto points = search(near("FR", "75011", 3'000, 30));
  ASSERT_TRUE(points);
  auto find = [&](std::string_view native) {
    auto it = std::find_if(points->begin(), points->end(),
                           [native](const auto& p) { return p.native_id == native; });
    EXPECT_NE(it, points->end()) << native;
    return it == points->end() ? carriers::collection_point{} : *it;
  };
  auto locker = find("067125");
  EXPECT_EQ(locker.type, point_type::locker);
  EXPECT_EQ(locker.opening_hours[6], hours({{"00:00", "24:00"}}));
  EXPECT_EQ(locker.description, "DEVANT LE SUPERMARCHE");
  auto grocer = find("067013");
  EXPECT_EQ(grocer.opening_hours[0], hours({{"10:00", "24:00"}}));
  EXPECT_TRUE(grocer.opening_hours[6].empty());
  auto pressing = find("066318");
  EXPECT_TRUE(pressing.opening_hours[0].empty());
  EXPECT_EQ(pressing.opening_hours[1], hours({{"09:30", "13:00"}, {"15:00", "19:30"}}));
}

TEST_F(MondialRelayPointsSimulator, unknown_postcodes_and_other_places_answer_as_the_service) {
  auto nowhere = search(near("FR", "75001", 10'000, 30));
  ASSERT_TRUE(nowhere) << nowhere.error().message;
  EXPECT_TRUE(nowhere->empty());
  auto krakow = search(near("PL", "31-021", 10'000, 30));
  ASSERT_TRUE(krakow);
  ASSERT_EQ(krakow->size(), 4u);
  EXPECT_TRUE(nearest_first(*krakow));
  EXPECT_TRUE((*krakow)[0].id.starts_with("mondialrelay:PL:"));
  EXPECT_EQ((*krakow)[0].postal_code.substr(2, 1), "-");
  auto lille = search(near("FR", "59000", 5'000, 30));
  ASSERT_TRUE(lille);
  EXPECT_GE(lille->size(), 6u);
}

TEST_F(MondialRelayPointsSimulator, find_point_answers_the_point_a_search_found) {
  auto points = search(near("FR", "69003", 5'000, 30));
  ASSERT_TRUE(points);
  ASSERT_FALSE(points->empty());
  const auto& first = points->front();
  simulator_call call(*simulator);
  auto one = run(adapter->find_point("FR", first.native_id, call));
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->id, first.id);
  EXPECT_EQ(one->name, first.name);
  EXPECT_EQ(one->opening_hours, first.opening_hours);
  EXPECT_EQ(one->distance_m, -1);
  auto missing = run(adapter->find_point("FR", "999999", call));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, error_kind::not_found);
  auto wrong_country = run(adapter->find_point("BE", first.native_id, call));
  ASSERT_FALSE(wrong_country);
  EXPECT_EQ(wrong_country.error().kind, error_kind::not_found);
}

TEST_F(MondialRelayPointsSimulator, a_point_found_takes_a_label) {
  auto points = search(near("FR", "69100", 5'000, 30));
  ASSERT_TRUE(points);
  ASSERT_FALSE(points->empty());
  for (const auto& p : *points) {
    auto r = testing_mr::pickup_point_request();
    r.service = p.type == point_type::locker ? service_level::locker : service_level::pickup_point;
    r.pickup_point_id = p.native_id;
    r.pickup_point_country = p.country;
    r.to.postal_code = p.postal_code;
    r.to.city = p.city;
    simulator_call call(*simulator);
    auto label = run(adapter->create_label(r, call));
    EXPECT_TRUE(label) << p.id << ": " << label.error().message << " "
                       << label.error().carrier_code;
  }
  EXPECT_EQ(ledger.count("mondialrelay"), points->size());
}

TEST_F(MondialRelayPointsSimulator, simulator_checks_parameters_like_the_service) {
  EXPECT_EQ(stat_with("Pays", "FR"), 0);
  EXPECT_EQ(stat_with("CP", "7501"), 36);
  EXPECT_EQ(stat_with("Pays", "US"), 37);
  EXPECT_EQ(stat_with("Pays", ""), 40);
  EXPECT_EQ(stat_with("Latitude", "48.85"), 67);
  EXPECT_EQ(stat_with("Action", "XXX"), 49);
  EXPECT_EQ(stat_with("Poids", "12a"), 20);
  EXPECT_EQ(stat_with("Taille", "XXXL"), 22);
  EXPECT_EQ(stat_with("NumPointRelais", "12"), 24);
  EXPECT_EQ(stat_with("RayonRecherche", "12345"), 40);
  EXPECT_EQ(stat_with("Enseigne", "ZZTEST13"), 2);
  EXPECT_EQ(stat_with("NombreResultats", "ten"), -1);  // an xsd:int: a SOAP fault
  // A tampered hash.
  auto params = mr::build_point_search_params(near("FR", "75011", 5'000, 10), kSandbox);
  ASSERT_TRUE(params);
  for (auto& p : *params)
    if (p.name == "CP") p.value = "69100";  // changed after signing
  simulator_call call(*simulator);
  auto out = run(call.send(
      mr::build_points_request("http://127.0.0.1:9443/mondialrelay", *params, "find_points")));
  ASSERT_TRUE(out);
  auto parsed = mr::parse_point_search_response(out->status, out->body);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->stat, 97);
  // A city instead of a postcode, known and unknown; neither: nothing to search near.
  EXPECT_EQ(stat_with({{"CP", ""}, {"Ville", "LILLE"}}), 0);
  EXPECT_EQ(stat_with({{"CP", ""}, {"Ville", "NOWHERE"}}), 9);
  EXPECT_EQ(stat_with({{"CP", ""}, {"Ville", "L1LLE"}}), 35);
  EXPECT_EQ(stat_with("CP", ""), 40);
  EXPECT_EQ(stat_with({{"Latitude", "48.8590000"}, {"Longitude", "2.38"}}), 68);
}

TEST_F(MondialRelayPointsSimulator, wrong_private_key_is_auth_failed) {
  auto a = adapters::make_mondialrelay_adapter();
  ASSERT_TRUE(a->configure(testing_mr::sandbox_settings("WrongKey")).empty());
  simulator_call call(*simulator);
  auto q = near("FR", "75011", 5'000, 10);
  auto points = run(a->find_points(q, call));
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().kind, error_kind::auth_failed);
  EXPECT_EQ(points.error().carrier_code, "STAT 97");
}
