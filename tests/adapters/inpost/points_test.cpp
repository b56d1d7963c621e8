// InPost collection points (adapters/inpost/points.hpp): the search and lookup requests, the
// recorded answers, opening hours, the adapter's calls, and the adapter against the in-process
// simulator.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdlib>

#include "adapters/inpost/adapter.hpp"
#include "adapters/inpost/points.hpp"
#include "adapters/inpost/rules.hpp"
#include "tests/adapters/inpost/test_support.hpp"
#include "tools/carrier-sim/inpost/points_data.hpp"

namespace ip = parcelgate::adapters::inpost;
using namespace parcelgate;
using adapter_testing::fake_call;
using carriers::collection_point;
using carriers::opening_interval;
using carriers::outbound_request;
using carriers::outbound_response;
using inpost_test::answer;
using inpost_test::fixture;
using inpost_test::run;

namespace {

const ip::account kAccount{.base_url = "https://api-shipx-pl.easypack24.net",
                           .token = "tok-123",
                           .organization_id = "6183"};

std::string recorded_url(std::string_view key) {
  auto v = boost::json::parse(fixture("points_requests.json"));
  return std::string(v.as_object().at(key).as_string());
}

carriers::point_query krakow(std::string postal_code = "30-415") {
  carriers::point_query q{.country = "PL"};
  q.postal_code = std::move(postal_code);
  q.city = "Kraków";
  return q;
}

std::vector<opening_interval> at(std::string opens, std::string closes) {
  return {opening_interval{.opens = std::move(opens), .closes = std::move(closes)}};
}

const std::vector<opening_interval> kClosed{};
const std::vector<opening_interval> kAllDay = at("00:00", "24:00");

// ---- requests -----------------------------------------------------------------------------------

TEST(InpostPointsRequest, a_postal_code_search_has_the_recorded_shape) {
  auto q = krakow("30415");  // without the dash, as a shopper may type it
  q.radius_m = 5000;
  q.limit = 10;
  auto r = ip::build_points_request(kAccount, q);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->url, recorded_url("by_post_code"));
  EXPECT_TRUE(r->body.empty());
  EXPECT_TRUE(r->idempotent);
  EXPECT_EQ(r->operation, "find_points");
  EXPECT_EQ(r->retry.attempts, 3);
  EXPECT_EQ(r->retry.expect_status, 0);  // any HTTP answer is final
  ASSERT_EQ(r->headers.size(), 2u);
  EXPECT_EQ(r->headers[0].name, "Authorization");
  EXPECT_EQ(r->headers[0].value, "Bearer tok-123");
  EXPECT_EQ(r->headers[1].value, "application/json");
}

TEST(InpostPointsRequest, coordinates_win_over_the_postal_code) {
  auto q = krakow();
  q.latitude = 50.0614;
  q.longitude = 19.9366;
  q.radius_m = 2000;
  auto r = ip::build_points_request(kAccount, q);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->url, recorded_url("by_coordinates"));
  // One coordinate alone is no place: the postal code is used.
  q.longitude.reset();
  EXPECT_NE(ip::build_points_request(kAccount, q)->url.find("relative_post_code=30-415&"),
            std::string::npos);
}

TEST(InpostPointsRequest, radius_and_page_size_edges) {
  auto q = krakow();
  q.radius_m = 0;
  q.limit = 0;
  auto r = ip::build_points_request(kAccount, q);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->url.find("max_distance"), std::string::npos);
  EXPECT_NE(r->url.find("&per_page=1&"), std::string::npos);
  q.limit = 100'000;
  EXPECT_NE(ip::build_points_request(kAccount, q)->url.find("&per_page=500&"), std::string::npos);
  q.latitude = -33.5;
  q.longitude = -70.25;
  EXPECT_NE(ip::build_points_request(kAccount, q)->url.find("relative_point=-33.5,-70.25&"),
            std::string::npos);
}

TEST(InpostPointsRequest, bad_places_are_refused_before_sending_with_our_field) {
  const auto field_of = [](const carriers::point_query& q) -> std::string {
    auto r = ip::build_points_request(kAccount, q);
    if (r) return "sent";
    EXPECT_EQ(r.error().kind, error_kind::invalid_request);
    return r.error().fields.empty() ? "" : r.error().fields.front().field;
  };
  EXPECT_EQ(field_of(krakow("3041")), "postal_code");
  EXPECT_EQ(field_of(krakow("30-4155")), "postal_code");
  EXPECT_EQ(field_of(krakow("ab-cde")), "postal_code");
  EXPECT_EQ(field_of(krakow("")), "postal_code");
  EXPECT_EQ(field_of(krakow(" 30-415 ")), "sent");
  auto q = krakow();
  q.latitude = 95;
  q.longitude = 19.9;
  EXPECT_EQ(field_of(q), "latitude");
  q.latitude = 50;
  q.longitude = 190;
  EXPECT_EQ(field_of(q), "longitude");
}

TEST(InpostPointsRequest, a_lookup_has_the_recorded_shape) {
  auto r = ip::build_point_request(kAccount, "POP-KRA101");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, recorded_url("one_point"));
  EXPECT_TRUE(r.idempotent);
  EXPECT_EQ(r.operation, "find_point");
  EXPECT_EQ(r.headers[0].value, "Bearer tok-123");
  EXPECT_TRUE(ip::plausible_point_name("KRA012"));
  EXPECT_TRUE(ip::plausible_point_name("MALPKA2032"));
  EXPECT_FALSE(ip::plausible_point_name(""));
  EXPECT_FALSE(ip::plausible_point_name("KRA/012"));
  EXPECT_FALSE(ip::plausible_point_name("KRA012?x=1"));
}

TEST(InpostPointsRequest, postal_codes_are_written_as_shipx_writes_them) {
  EXPECT_EQ(ip::shipx_post_code("30415"), "30-415");
  EXPECT_EQ(ip::shipx_post_code("00-017"), "00-017");
  EXPECT_EQ(ip::shipx_post_code(" 31128 "), "31-128");
  EXPECT_FALSE(ip::shipx_post_code("30 415"));
  EXPECT_FALSE(ip::shipx_post_code("304-15"));
  EXPECT_FALSE(ip::shipx_post_code("75011F"));
}

TEST(InpostPointsRequest, other_countries_and_heavy_parcels_are_outside_the_network) {
  auto q = krakow();
  EXPECT_FALSE(ip::outside_network(q));
  q.weight_g = 25'000;
  EXPECT_FALSE(ip::outside_network(q));
  q.weight_g = 25'001;
  EXPECT_TRUE(ip::outside_network(q));
  q = krakow();
  q.country = "DE";
  EXPECT_TRUE(ip::outside_network(q));
  q.country = "";
  EXPECT_TRUE(ip::outside_network(q));
}

// ---- answers ------------------------------------------------------------------------------------

TEST(InpostPointsAnswer, lockers_open_all_day_and_out_of_service_points_are_left_out) {
  auto points = ip::decode_points(answer(200, fixture("points_lockers.json")), 20);
  ASSERT_TRUE(points) << points.error().message;
  ASSERT_EQ(points->size(), 3u);  // KRA077 is NonOperating
  const auto& p = (*points)[0];
  EXPECT_EQ(p.id, "inpost:PL:KRA012");
  EXPECT_EQ(p.native_id, "KRA012");
  EXPECT_EQ(p.name, "Paczkomat KRA012");
  EXPECT_EQ(p.type, carriers::point_type::locker);
  EXPECT_EQ(p.line1, "Karmelicka 45");
  EXPECT_EQ(p.line2, "");
  EXPECT_EQ(p.postal_code, "31-128");
  EXPECT_EQ(p.city, "Kraków");
  EXPECT_EQ(p.country, "PL");
  EXPECT_DOUBLE_EQ(p.latitude, 50.0675);
  EXPECT_DOUBLE_EQ(p.longitude, 19.929);
  EXPECT_EQ(p.distance_m, 1016);
  EXPECT_EQ(p.max_weight_g, 25'000);
  EXPECT_TRUE(p.wheelchair_access);
  EXPECT_EQ(p.description, "Przy wejściu do sklepu spożywczego");
  for (const auto& day : p.opening_hours) EXPECT_EQ(day, kAllDay);

  // location_247 with null opening_hours, coordinates as text with decimal commas.
  const auto& m = (*points)[1];
  EXPECT_EQ(m.native_id, "KRA01M");
  EXPECT_DOUBLE_EQ(m.latitude, 50.0535);
  EXPECT_DOUBLE_EQ(m.longitude, 19.944);
  EXPECT_EQ(m.distance_m, 1046);
  EXPECT_FALSE(m.wheelchair_access);
  for (const auto& day : m.opening_hours) EXPECT_EQ(day, kAllDay);

  // A locker in a shopping centre keeps the centre's hours; superpop is still a locker.
  const auto& w = (*points)[2];
  EXPECT_EQ(w.native_id, "WAW402M");
  EXPECT_EQ(w.type, carriers::point_type::locker);
  for (std::size_t d = 0; d < 6; ++d) {
    EXPECT_EQ(w.opening_hours[d], at("09:00", "21:00")) << d;
  }
  EXPECT_EQ(w.opening_hours[6], at("10:00", "20:00"));
}

TEST(InpostPointsAnswer, parcel_points_are_shops_with_their_day_ranges) {
  auto points = ip::decode_points(answer(200, fixture("points_pop.json")), 20);
  ASSERT_TRUE(points) << points.error().message;
  ASSERT_EQ(points->size(), 3u);
  const auto& p = (*points)[0];
  EXPECT_EQ(p.id, "inpost:PL:POP-KRA101");
  EXPECT_EQ(p.name, "PaczkoPunkt POP-KRA101");
  EXPECT_EQ(p.type, carriers::point_type::shop);
  EXPECT_EQ(p.description, "Sklep spożywczy U Basi");  // padding trimmed
  for (std::size_t d = 0; d < 5; ++d) {
    EXPECT_EQ(p.opening_hours[d], at("08:00", "20:00")) << d;
  }
  EXPECT_EQ(p.opening_hours[5], at("09:00", "14:00"));
  EXPECT_EQ(p.opening_hours[6], kClosed);

  const auto& h = (*points)[1];
  EXPECT_EQ(h.type, carriers::point_type::shop);  // pok + pop
  EXPECT_EQ(h.line1, "Hoża 40/3");
  for (const auto& day : h.opening_hours) EXPECT_EQ(day, at("07:00", "24:00"));

  // Free text: no hours, the text kept for people; no address_details: address.line1/line2.
  const auto& k = (*points)[2];
  EXPECT_EQ(k.distance_m, -1);
  for (const auto& day : k.opening_hours) EXPECT_EQ(day, kClosed);
  EXPECT_EQ(k.description, "Kiosk Szlak; opening hours: Zgodnie z godzinami otwarcia sklepu");
  EXPECT_EQ(k.line1, "Szlak 20");
  EXPECT_EQ(k.postal_code, "31-153");
  EXPECT_EQ(k.city, "Kraków");
}

TEST(InpostPointsAnswer, no_more_points_than_asked_and_none_is_an_empty_list) {
  auto two = ip::decode_points(answer(200, fixture("points_pop.json")), 2);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->size(), 2u);
  auto none = ip::decode_points(answer(200, fixture("points_empty.json")), 20);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
}

TEST(InpostPointsAnswer, failures_are_errors_of_the_right_kind) {
  const auto kind_of = [](outbound_response a) { return ip::decode_points(a, 20).error().kind; };
  auto refused = ip::decode_points(answer(401, fixture("points_token_invalid.json")), 20);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::auth_failed);
  EXPECT_EQ(refused.error().carrier_code, "token_invalid");
  EXPECT_EQ(refused.error().carrier, "inpost");
  EXPECT_EQ(kind_of(answer(403, "{}")), error_kind::auth_failed);

  auto invalid = ip::decode_points(answer(400, fixture("points_validation_failed.json")), 20);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().kind, error_kind::invalid_request);
  EXPECT_EQ(invalid.error().carrier_code, "validation_failed");
  ASSERT_EQ(invalid.error().fields.size(), 2u);
  EXPECT_EQ(invalid.error().fields[0].field, "postal_code");
  EXPECT_EQ(invalid.error().fields[1].field, "radius_m");

  auto throttled = answer(429, "{}");
  throttled.headers.push_back({.name = "Retry-After", .value = "12"});
  auto limited = ip::decode_points(throttled, 20);
  EXPECT_EQ(limited.error().kind, error_kind::rate_limited);
  EXPECT_EQ(limited.error().retry_after_s, 12);
  EXPECT_EQ(kind_of(answer(503, "<html>busy</html>", "text/html")), error_kind::unavailable);
  EXPECT_EQ(kind_of(answer(404, fixture("points_not_found.json"))), error_kind::bad_gateway);
  EXPECT_EQ(kind_of(answer(200, "<html>")), error_kind::bad_gateway);
  EXPECT_EQ(kind_of(answer(200, R"({"items":5})")), error_kind::bad_gateway);
  EXPECT_EQ(kind_of(answer(200, R"({"items":[7]})")), error_kind::bad_gateway);
}

TEST(InpostPointsAnswer, a_lookup_gives_the_point_or_not_found) {
  auto one = ip::decode_point("KRA108", answer(200, fixture("points_one.json")));
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->id, "inpost:PL:KRA108");
  EXPECT_EQ(one->distance_m, -1);
  EXPECT_EQ(one->line1, "Aleja Pokoju 44");
  EXPECT_EQ(one->opening_hours[0], at("09:00", "21:00"));
  EXPECT_EQ(one->opening_hours[6], at("10:00", "20:00"));

  auto missing = ip::decode_point("KRA998", answer(404, fixture("points_not_found.json")));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, error_kind::not_found);
  EXPECT_EQ(missing.error().carrier_code, "resource_not_found");

  std::string closed = fixture("points_one.json");
  closed.replace(closed.find("\"Operating\""), 11, "\"Disabled\"");
  auto disabled = ip::decode_point("KRA108", answer(200, closed));
  ASSERT_FALSE(disabled);
  EXPECT_EQ(disabled.error().kind, error_kind::not_found);

  EXPECT_EQ(
      ip::decode_point("KRA108", answer(401, fixture("points_token_invalid.json"))).error().kind,
      error_kind::auth_failed);
  EXPECT_EQ(ip::decode_point("KRA108", answer(200, R"({"name":"KRA108"})")).error().kind,
            error_kind::bad_gateway);
}

// ---- opening hours ------------------------------------------------------------------------------

TEST(InpostOpeningHours, the_forms_shipx_writes) {
  auto all = ip::parse_opening_hours("24/7");
  ASSERT_TRUE(all);
  for (const auto& day : *all) EXPECT_EQ(day, kAllDay);

  auto office = ip::parse_opening_hours("PN-PT 09:00-16:00");
  ASSERT_TRUE(office);
  for (std::size_t d = 0; d < 5; ++d) {
    EXPECT_EQ((*office)[d], at("09:00", "16:00"));
  }
  EXPECT_EQ((*office)[5], kClosed);
  EXPECT_EQ((*office)[6], kClosed);

  // Hours without minutes, groups after a comma.
  auto shop = ip::parse_opening_hours("Pn-Pt 8-20, Sb 9-14");
  ASSERT_TRUE(shop);
  EXPECT_EQ((*shop)[4], at("08:00", "20:00"));
  EXPECT_EQ((*shop)[5], at("09:00", "14:00"));
  EXPECT_EQ((*shop)[6], kClosed);

  // Until midnight.
  auto late = ip::parse_opening_hours("PN-PT 07:00-00:00 SB 07:00-00:00 ND 07:00-00:00");
  ASSERT_TRUE(late);
  for (const auto& day : *late) EXPECT_EQ(day, at("07:00", "24:00"));
}

TEST(InpostOpeningHours, polish_abbreviations_lists_breaks_and_closed_days) {
  // Listed days with Ś in both cases, a semicolon between groups.
  auto listed = ip::parse_opening_hours("Pn, Śr, Pt 9-17; Wt, Cz 12-20; ŚR 18-19");
  ASSERT_TRUE(listed);
  EXPECT_EQ((*listed)[0], at("09:00", "17:00"));
  EXPECT_EQ((*listed)[1], at("12:00", "20:00"));
  EXPECT_EQ((*listed)[2], (std::vector<opening_interval>{{"09:00", "17:00"}, {"18:00", "19:00"}}));
  EXPECT_EQ((*listed)[3], at("12:00", "20:00"));
  EXPECT_EQ((*listed)[4], at("09:00", "17:00"));
  EXPECT_EQ((*listed)[5], kClosed);

  // A lunch break, a closed word, longer abbreviations with dots, minutes after a dot.
  auto lunch =
      ip::parse_opening_hours("Pon.-Pt. 8.30-13, 14-16.30 | Sob. 10:00 - 13:00 Nd nieczynne");
  ASSERT_TRUE(lunch);
  EXPECT_EQ((*lunch)[0], (std::vector<opening_interval>{{"08:30", "13:00"}, {"14:00", "16:30"}}));
  EXPECT_EQ((*lunch)[5], at("10:00", "13:00"));
  EXPECT_EQ((*lunch)[6], kClosed);

  // Ranges over the week end, an en dash, "całodobowo" and "Pią".
  auto wrap = ip::parse_opening_hours("Sb-Pn 10–14, Wt-Czw całodobowo, Pią 6-22");
  ASSERT_TRUE(wrap);
  EXPECT_EQ((*wrap)[5], at("10:00", "14:00"));
  EXPECT_EQ((*wrap)[6], at("10:00", "14:00"));
  EXPECT_EQ((*wrap)[0], at("10:00", "14:00"));
  EXPECT_EQ((*wrap)[1], kAllDay);
  EXPECT_EQ((*wrap)[3], kAllDay);
  EXPECT_EQ((*wrap)[4], at("06:00", "22:00"));

  auto weekend_closed = ip::parse_opening_hours("pn-pt 8-16 sb-nd zamknięte");
  ASSERT_TRUE(weekend_closed);
  EXPECT_EQ((*weekend_closed)[2], at("08:00", "16:00"));
  EXPECT_EQ((*weekend_closed)[6], kClosed);
}

TEST(InpostOpeningHours, what_cannot_be_read_is_not_guessed) {
  for (std::string_view text :
       {"", "   ", "Zgodnie z godzinami otwarcia sklepu", "Pn-Pt", "8-16", "Pn-Pt 22-02",
        "Pn-Pt 8-25", "Pn-Pt 8:75-16", "Pn-Pt 0800-1600", "Pn-Pt 8-12, 10-14", "Pn-Pt 8-",
        "Pn-Pt 8-16 nieczynne", "Pn-Pt 8-16 Sb", "Mo-Fr 8-16", "Pn-Pt 8-16 - Sb 9-12",
        "Pn-Pt 24:30-25"}) {
    EXPECT_FALSE(ip::parse_opening_hours(text)) << text;
  }
}

// ---- the adapter --------------------------------------------------------------------------------

std::unique_ptr<carriers::carrier_adapter> configured() {
  auto a = adapters::make_inpost_adapter();
  EXPECT_TRUE(a->configure(inpost_test::sandbox_settings("https://shipx.test/")).empty());
  return a;
}

fake_call::handler never_called() {
  return [](const outbound_request& r) -> result<outbound_response> {
    ADD_FAILURE() << "unexpected request " << r.url;
    return answer(500, "");
  };
}

TEST(InpostPointsAdapter, declares_points_and_searches_through_the_call) {
  auto a = configured();
  EXPECT_TRUE(a->caps().points);
  fake_call call([](const outbound_request&) -> result<outbound_response> {
    return answer(200, fixture("points_pop.json"));
  });
  auto q = krakow();
  q.limit = 2;
  auto points = run(a->find_points(q, call));
  ASSERT_TRUE(points) << points.error().message;
  EXPECT_EQ(points->size(), 2u);
  ASSERT_EQ(call.sent.size(), 1u);
  EXPECT_EQ(call.sent[0].url,
            "https://shipx.test/v1/points?relative_post_code=30-415&max_distance=10000"
            "&functions=parcel_collect&sort_by=distance_to_relative_point&per_page=2&page=1");
}

TEST(InpostPointsAdapter, answers_outside_poland_and_bad_input_without_a_call) {
  auto a = configured();
  fake_call call(never_called());
  auto q = krakow();
  q.country = "FR";
  q.postal_code = "75011";
  auto fr = run(a->find_points(q, call));
  ASSERT_TRUE(fr);
  EXPECT_TRUE(fr->empty());
  q = krakow();
  q.weight_g = 30'000;
  auto heavy = run(a->find_points(q, call));
  ASSERT_TRUE(heavy);
  EXPECT_TRUE(heavy->empty());
  auto bad = run(a->find_points(krakow("3041"), call));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, error_kind::invalid_request);
  auto de = run(a->find_point("DE", "KRA012", call));
  ASSERT_FALSE(de);
  EXPECT_EQ(de.error().kind, error_kind::not_found);
  auto odd = run(a->find_point("PL", "../v1/organizations", call));
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().kind, error_kind::not_found);
  EXPECT_EQ(call.requests, 0);
}

TEST(InpostPointsAdapter, a_lookup_of_an_unknown_point_is_not_found) {
  auto a = configured();
  fake_call call([](const outbound_request&) -> result<outbound_response> {
    return answer(404, fixture("points_not_found.json"));
  });
  auto out = run(a->find_point("PL", "KRA998", call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::not_found);
  ASSERT_EQ(call.sent.size(), 1u);  // a 404 is an answer: not repeated
  EXPECT_EQ(call.sent[0].url, "https://shipx.test/v1/points/KRA998");
}

TEST(InpostPointsAdapter, a_carrier_out_of_reach_is_retried_then_reported) {
  auto a = configured();
  fake_call call([](const outbound_request&) -> result<outbound_response> {
    error e;
    e.kind = error_kind::unavailable;
    e.message = "connection refused";
    return fail(std::move(e));
  });
  auto out = run(a->find_points(krakow(), call));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::unavailable);
  EXPECT_EQ(out.error().carrier, "inpost");
  EXPECT_EQ(call.sent.size(), 3u);
  EXPECT_EQ(call.waits, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(200),
                                                                std::chrono::milliseconds(1000)}));
}

// ---- against the simulator ----------------------------------------------------------------------

struct InpostPointsSimulator : ::testing::Test {
  sim::sales_ledger ledger;
  std::unique_ptr<sim::carrier_sim> simulator;
  std::unique_ptr<carriers::carrier_adapter> adapter;

  void SetUp() override {
    ::setenv("CARRIER_SIM_INPOST_CONFIRM_MS", "0", 1);
    simulator = sim::make_inpost_sim(ledger);
    ::unsetenv("CARRIER_SIM_INPOST_CONFIRM_MS");
    adapter = adapters::make_inpost_adapter();
    auto settings = inpost_test::sandbox_settings();
    settings["confirm_timeout_s"] = "2";
    EXPECT_TRUE(adapter->configure(settings).empty());
  }

  std::vector<collection_point> search(const carriers::point_query& q) {
    inpost_test::simulator_call call(*simulator);
    auto out = run(adapter->find_points(q, call));
    EXPECT_TRUE(out) << (out ? "" : out.error().message);
    return out ? *out : std::vector<collection_point>{};
  }

  boost::json::object raw(std::string target) {
    http::request r;
    r.method = "GET";
    r.target = target;
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.fields = {{"Authorization", "Bearer sandbox-inpost-token"}};
    auto out = simulator->handle(r);
    last_status = out.status;
    return boost::json::parse(out.body).as_object();
  }
  int last_status = 0;
};

bool has(const std::vector<collection_point>& points, std::string_view native_id) {
  return std::any_of(points.begin(), points.end(),
                     [&](const collection_point& p) { return p.native_id == native_id; });
}

TEST_F(InpostPointsSimulator, nearest_first_within_the_radius_and_only_operating_collect_points) {
  auto q = krakow("31001");
  q.radius_m = 2000;
  q.limit = 50;
  auto points = search(q);
  ASSERT_GE(points.size(), 6u);
  EXPECT_EQ(points.front().native_id, "POP-KRA217");  // Grodzka, 300 m from the Main Square
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_GE(points[i].distance_m, 0);
    EXPECT_LE(points[i].distance_m, 2000) << points[i].native_id;
    if (i > 0) {
      EXPECT_GE(points[i].distance_m, points[i - 1].distance_m) << points[i].native_id;
    }
    EXPECT_EQ(points[i].city, "Kraków");
  }
  EXPECT_TRUE(has(points, "KRA012"));
  EXPECT_TRUE(has(points, "POP-KRA101"));
  EXPECT_FALSE(has(points, "KRA077"));      // NonOperating
  EXPECT_FALSE(has(points, "POP-KRA404"));  // takes parcels in only (no parcel_collect)
  EXPECT_FALSE(has(points, "KRA108"));      // 2.5 km away
  EXPECT_FALSE(has(points, "KRA300M"));     // 6 km away

  q.radius_m = 10'000;
  auto wider = search(q);
  EXPECT_TRUE(has(wider, "KRA108"));
  EXPECT_TRUE(has(wider, "KRA300M"));
  EXPECT_EQ(wider.back().native_id, "KRA300M");
  EXPECT_GT(wider.size(), points.size());

  q.limit = 3;
  auto three = search(q);
  ASSERT_LE(three.size(), 3u);
  ASSERT_FALSE(three.empty());
  EXPECT_EQ(three.front().native_id, "POP-KRA217");
}

TEST_F(InpostPointsSimulator, coordinates_unknown_places_and_lookups) {
  carriers::point_query q{.country = "PL"};
  q.latitude = 52.2297;
  q.longitude = 21.0122;
  q.radius_m = 1500;
  auto warsaw = search(q);
  ASSERT_GE(warsaw.size(), 5u);
  for (std::size_t i = 1; i < warsaw.size(); ++i) {
    EXPECT_GE(warsaw[i].distance_m, warsaw[i - 1].distance_m);
  }
  for (const auto& p : warsaw) {
    EXPECT_EQ(p.city, "Warszawa");
  }
  EXPECT_FALSE(has(warsaw, "WAW233M"));  // Puławska, 2.9 km

  EXPECT_TRUE(search(krakow("80-001")).empty());  // Gdańsk: the simulator has no point there

  inpost_test::simulator_call call(*simulator);
  auto one = run(adapter->find_point("PL", "POP-WAW318", call));
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->type, carriers::point_type::shop);
  EXPECT_EQ(one->distance_m, -1);
  EXPECT_EQ(one->opening_hours[2], at("09:00", "17:00"));
  EXPECT_EQ(one->opening_hours[3], at("12:00", "20:00"));
  EXPECT_EQ(run(adapter->find_point("PL", "KRA998", call)).error().kind, error_kind::not_found);
  EXPECT_EQ(run(adapter->find_point("PL", "KRA077", call)).error().kind, error_kind::not_found);
}

TEST_F(InpostPointsSimulator, a_point_found_takes_a_label) {
  auto q = krakow("31-128");
  q.radius_m = 1000;
  auto points = search(q);
  auto locker = std::find_if(points.begin(), points.end(), [](const collection_point& p) {
    return p.type == carriers::point_type::locker;
  });
  ASSERT_NE(locker, points.end());
  auto request = inpost_test::locker_request();
  request.pickup_point_id = locker->native_id;
  EXPECT_TRUE(adapter->validate(request).empty());
  inpost_test::simulator_call call(*simulator);
  auto label = run(adapter->create_label(request, call));
  ASSERT_TRUE(label) << label.error().message << " " << label.error().carrier_message;

  auto pop = std::find_if(points.begin(), points.end(), [](const collection_point& p) {
    return p.type == carriers::point_type::shop;
  });
  ASSERT_NE(pop, points.end());
  request.pickup_point_id = pop->native_id;
  request.shipment_id = "shp_pop_000000000001";
  EXPECT_TRUE(adapter->validate(request).empty());
  inpost_test::simulator_call again(*simulator);
  auto second = run(adapter->create_label(request, again));
  ASSERT_TRUE(second) << second.error().message;
}

TEST(InpostPointsData, every_simulated_point_can_be_a_shipment_target) {
  ASSERT_GE(sim::inpost_points::all().size(), 20u);
  for (const auto& p : sim::inpost_points::all()) {
    EXPECT_TRUE(ip::valid_point_name(p.name)) << p.name;
    EXPECT_FALSE(p.name.ends_with("999")) << p.name;  // the simulator's "does not exist" names
    EXPECT_TRUE(sim::inpost_points::centre_of(p.post_code)) << p.name;
    EXPECT_EQ(sim::inpost_points::find(p.name), &p);
  }
}

TEST_F(InpostPointsSimulator, the_simulator_pages_refuses_bad_parameters_and_checks_the_token) {
  auto all =
      raw("/inpost/v1/points?relative_post_code=30-001&sort_by=distance_to_relative_point"
          "&per_page=50");
  const auto count = all.at("count").as_int64();
  ASSERT_GE(count, 10);
  auto page2 =
      raw("/inpost/v1/points?relative_post_code=30-001&sort_by=distance_to_relative_point"
          "&per_page=4&page=2");
  EXPECT_EQ(last_status, 200);
  EXPECT_EQ(page2.at("count").as_int64(), count);
  EXPECT_EQ(page2.at("page").as_int64(), 2);
  EXPECT_EQ(page2.at("per_page").as_int64(), 4);
  EXPECT_EQ(page2.at("total_pages").as_int64(), (count + 3) / 4);
  const auto& items = page2.at("items").as_array();
  ASSERT_EQ(items.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(items[i].as_object().at("name"),
              all.at("items").as_array()[4 + i].as_object().at("name"));
  }

  raw("/inpost/v1/points?relative_post_code=3000");
  EXPECT_EQ(last_status, 400);
  auto bad = raw("/inpost/v1/points?relative_point=50.06");
  EXPECT_EQ(last_status, 400);
  EXPECT_TRUE(bad.at("details").as_object().contains("relative_point"));
  raw("/inpost/v1/points/KRA999");
  EXPECT_EQ(last_status, 404);
  auto lockers = raw("/inpost/v1/points?type=parcel_locker&city=Warszawa&per_page=100");
  ASSERT_FALSE(lockers.at("items").as_array().empty());
  for (const auto& p : lockers.at("items").as_array()) {
    EXPECT_EQ(p.as_object().at("type").as_array()[0], "parcel_locker");
  }

  auto a = adapters::make_inpost_adapter();
  auto settings = inpost_test::sandbox_settings();
  settings["token"] = "wrong";
  ASSERT_TRUE(a->configure(settings).empty());
  inpost_test::simulator_call call(*simulator);
  auto refused = run(a->find_points(krakow(), call));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::auth_failed);
}

}  // namespace
