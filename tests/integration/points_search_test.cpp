// GET /v1/points through the real processes: the gateway asks every network's simulator in
// parallel, merges the points by distance, filters them, caches each network's answer per area
// and serves it stale while it is fetched again, and answers with the networks that did answer
// when one of them is late. GET /v1/points/{id} reads one point.
//
// Points search reads no store: these tests run on the default SQLite stack only.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::response;
using pgtest::stack;

constexpr const char* kInpostConfig =
    "  inpost: {base_url: \"{sim_url}/inpost\", token: \"sandbox-inpost-token\", "
    "organization_id: \"6183\", timeout_s: 15}\n";

// A TCP port that accepts connections (the kernel's backlog) and never answers: a network that
// hangs after the connection is made.
class silent_port {
 public:
  silent_port() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0)
      ADD_FAILURE() << "cannot listen";
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~silent_port() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

boost::json::array data_of(const response& r) {
  return pgtest::parse_object(r.body).at("data").as_array();
}

const boost::json::object& network(const boost::json::object& body, std::string_view carrier) {
  for (const auto& n : body.at("networks").as_array())
    if (n.as_object().at("carrier").as_string() == carrier) return n.as_object();
  static const boost::json::object none;
  ADD_FAILURE() << "no network " << carrier << " in " << boost::json::serialize(body);
  return none;
}

std::uint64_t sim_requests(stack& env, const std::string& carrier) {
  auto sales = pgtest::sim_sales(env);
  return sales.contains(carrier) ? sales[carrier].requests : 0;
}

void expect_nearest_first(const boost::json::array& points) {
  std::int64_t last = -1;
  for (const auto& p : points) {
    const auto& d = p.as_object().at("distance_m");
    ASSERT_TRUE(d.is_int64()) << boost::json::serialize(p);
    EXPECT_GE(d.as_int64(), last) << boost::json::serialize(points);
    last = d.as_int64();
  }
}

class points_search : public ::testing::Test {
 protected:
  void start(std::string extra = {}, std::string colissimo_points_url = {},
             std::vector<std::string> sim_args = {}) {
    pgtest::stack_options o;
    o.sim_args = std::move(sim_args);
    o.extra_config = std::move(extra);
    o.colissimo_points_url = std::move(colissimo_points_url);
    env_ = std::make_unique<stack>(o);
    merchant_ = env_->create_key("shop-a", "merchant");
  }
  response get(const std::string& target, const std::string& key = {}) {
    return env_->call("GET", target, key.empty() ? merchant_ : key);
  }

  std::unique_ptr<stack> env_;
  std::string merchant_;
};

TEST_F(points_search, one_list_of_every_network_nearest_first_with_normalized_hours) {
  start(kInpostConfig);
  auto r = get("/v1/points?country=FR&postal_code=69100&city=Villeurbanne");
  ASSERT_EQ(r.status, 200) << pgtest::describe(r);
  auto body = pgtest::parse_object(r.body);
  auto points = body.at("data").as_array();
  ASSERT_GE(points.size(), 5u);
  std::set<std::string> carriers;
  for (const auto& v : points) {
    const auto& p = v.as_object();
    carriers.insert(std::string(p.at("carrier").as_string()));
    const std::string id(p.at("id").as_string());
    EXPECT_TRUE(id.starts_with(std::string(p.at("carrier").as_string()) + ":FR:")) << id;
    const auto& hours = p.at("opening_hours").as_object();
    EXPECT_EQ(hours.size(), 7u);
    for (auto day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
      for (const auto& interval : hours.at(day).as_array()) {
        ASSERT_EQ(interval.as_array().size(), 2u);
        EXPECT_EQ(interval.as_array()[0].as_string().size(), 5u);
      }
    const auto& address = p.at("address").as_object();
    EXPECT_EQ(address.at("country").as_string(), "FR");
    EXPECT_FALSE(address.at("line1").as_string().empty());
    // The networks' padding is gone.
    EXPECT_FALSE(p.at("name").as_string().ends_with(" ")) << p.at("name");
  }
  // Mondial Relay and Colissimo both serve Villeurbanne, merged in one list; InPost (Poland
  // only) answers an empty list without being a failure.
  EXPECT_TRUE(carriers.contains("mondialrelay"));
  EXPECT_TRUE(carriers.contains("colissimo"));
  expect_nearest_first(points);
  EXPECT_EQ(body.at("warnings").as_array().size(), 0u) << r.body;
  EXPECT_EQ(network(body, "inpost").at("points").as_int64(), 0);
  EXPECT_EQ(network(body, "mondialrelay").at("source").as_string(), "fetched");
  // The same query again within seconds is the same answer, served whole.
  auto again = get("/v1/points?country=FR&postal_code=69100&city=Villeurbanne");
  EXPECT_EQ(again.body, r.body);
  EXPECT_NE(env_->call("GET", "/metrics", {})
                .body.find("parcelgate_points_cache_total{result=\"answer\"}"),
            std::string::npos);

  // In Kraków InPost's lockers and Mondial Relay's few Polish points share one list.
  auto pl = get("/v1/points?country=PL&postal_code=31-021&limit=20&carrier=inpost,mondialrelay");
  ASSERT_EQ(pl.status, 200) << pgtest::describe(pl);
  auto pl_points = data_of(pl);
  ASSERT_GE(pl_points.size(), 10u);
  std::set<std::string> pl_carriers;
  for (const auto& p : pl_points)
    pl_carriers.insert(std::string(p.as_object().at("carrier").as_string()));
  EXPECT_EQ(pl_carriers, (std::set<std::string>{"inpost", "mondialrelay"}));
  expect_nearest_first(pl_points);
}

TEST_F(points_search, coordinates_give_our_own_distances_and_filters_apply) {
  start();
  // Lyon 3e, 2 km around: every point within the radius, by haversine from the place asked.
  auto r = get("/v1/points?country=FR&lat=45.7597&lon=4.8590&radius_km=2&limit=50");
  ASSERT_EQ(r.status, 200) << pgtest::describe(r);
  auto points = data_of(r);
  ASSERT_FALSE(points.empty());
  expect_nearest_first(points);
  for (const auto& p : points) EXPECT_LE(p.as_object().at("distance_m").as_int64(), 2000);
  // Colissimo searches by postal code and city only: it is named in the warnings, the other
  // networks' points are there.
  auto body = pgtest::parse_object(r.body);
  ASSERT_EQ(body.at("warnings").as_array().size(), 1u) << r.body;
  const auto& w = body.at("warnings").as_array()[0].as_object();
  EXPECT_EQ(w.at("carrier").as_string(), "colissimo");
  EXPECT_EQ(w.at("code").as_string(), "invalid_request");
  EXPECT_NE(w.at("detail").as_string().find("cannot search with this query"), std::string::npos);

  auto lockers = data_of(
      get("/v1/points?country=FR&postal_code=69100&city=Villeurbanne&type=locker&limit=50"));
  auto shops = data_of(get(
      "/v1/points?country=FR&postal_code=69100&city=Villeurbanne&type=shop,post_office&limit=50"));
  auto all = data_of(get("/v1/points?country=FR&postal_code=69100&city=Villeurbanne&limit=50"));
  ASSERT_FALSE(lockers.empty());
  for (const auto& p : lockers) EXPECT_EQ(p.as_object().at("type").as_string(), "locker");
  for (const auto& p : shops) EXPECT_NE(p.as_object().at("type").as_string(), "locker");
  EXPECT_EQ(lockers.size() + shops.size(), all.size());

  auto mr_only = data_of(
      get("/v1/points?country=FR&postal_code=69100&city=Villeurbanne&carrier=mondialrelay"));
  ASSERT_FALSE(mr_only.empty());
  for (const auto& p : mr_only) EXPECT_EQ(p.as_object().at("carrier").as_string(), "mondialrelay");

  // Sunday 03:00 in Lyon: only points open round the clock are left, and each says so.
  auto night =
      data_of(get("/v1/"
                  "points?country=FR&postal_code=69100&city=Villeurbanne&open_at=2026-12-06T03:00:"
                  "00%2B01:00&limit=50"));
  for (const auto& p : night) {
    bool open = false;
    for (const auto& i : p.as_object().at("opening_hours").as_object().at("sun").as_array())
      open =
          open || (i.as_array()[0].as_string() <= "03:00" && i.as_array()[1].as_string() > "03:00");
    EXPECT_TRUE(open) << boost::json::serialize(p);
  }
  EXPECT_LT(night.size(), all.size());
  // Monday 10:00 UTC is 11:00 in Lyon: most shops are open.
  auto monday =
      data_of(get("/v1/"
                  "points?country=FR&postal_code=69100&city=Villeurbanne&open_at=2026-12-07T10:00:"
                  "00Z&limit=50"));
  EXPECT_GT(monday.size(), night.size());
}

TEST_F(points_search, cached_per_area_then_served_stale_while_fetched_again) {
  start("points: {cache_ttl_s: 1, stale_serve_s: 600}\n");
  const std::string q =
      "/v1/points?country=FR&postal_code=69100&city=Villeurbanne&carrier=mondialrelay";
  auto first = get(q);
  ASSERT_EQ(first.status, 200) << pgtest::describe(first);
  EXPECT_EQ(network(pgtest::parse_object(first.body), "mondialrelay").at("source").as_string(),
            "fetched");
  const auto after_first = sim_requests(*env_, "mondialrelay");
  // Other filters and limits of the same area share the cached answer.
  auto second = get(q + "&type=locker&limit=3");
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(network(pgtest::parse_object(second.body), "mondialrelay").at("source").as_string(),
            "cached");
  EXPECT_EQ(sim_requests(*env_, "mondialrelay"), after_first);
  // Past its TTL the answer is served at once, marked stale, and fetched again behind it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  auto stale = get(q);
  ASSERT_EQ(stale.status, 200);
  auto stale_body = pgtest::parse_object(stale.body);
  EXPECT_EQ(network(stale_body, "mondialrelay").at("source").as_string(), "stale");
  EXPECT_GE(network(stale_body, "mondialrelay").at("age_s").as_int64(), 1);
  EXPECT_EQ(data_of(stale), data_of(first));
  EXPECT_TRUE(pgtest::eventually([&] { return sim_requests(*env_, "mondialrelay") > after_first; },
                                 std::chrono::seconds(10)));
  EXPECT_TRUE(pgtest::eventually(
      [&] {
        auto again = get(q);
        return network(pgtest::parse_object(again.body), "mondialrelay").at("source").as_string() ==
               "cached";
      },
      std::chrono::seconds(10)));
  auto metrics = env_->call("GET", "/metrics", {});
  EXPECT_NE(metrics.body.find("parcelgate_points_cache_total{result=\"stale\"}"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("parcelgate_points_cache_total{result=\"hit\"}"), std::string::npos);
}

TEST_F(points_search, shoppers_asking_at_once_share_one_search_per_network_and_area) {
  // Each simulated answer takes 400 ms: every request below arrives while the first search of
  // the area is still in flight.
  start({}, {}, {"--latency-ms", "400"});
  const auto before = sim_requests(*env_, "mondialrelay");
  const std::string q = "/v1/points?country=FR&postal_code=69003&carrier=mondialrelay";
  std::vector<std::thread> shoppers;
  std::vector<int> statuses(8, 0);
  std::vector<std::string> bodies(8);
  for (std::size_t i = 0; i < statuses.size(); ++i)
    shoppers.emplace_back([&, i] {
      auto r = get(q + "&limit=" + std::to_string(i + 1));
      statuses[i] = r.status;
      bodies[i] = r.body;
    });
  for (auto& t : shoppers) t.join();
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    ASSERT_EQ(statuses[i], 200) << bodies[i];
    EXPECT_EQ(pgtest::parse_object(bodies[i]).at("data").as_array().size(), i + 1);
  }
  EXPECT_EQ(sim_requests(*env_, "mondialrelay"), before + 1);
  auto metrics = env_->call("GET", "/metrics", {});
  EXPECT_NE(metrics.body.find("parcelgate_points_cache_total{result=\"joined\"}"),
            std::string::npos);
}

TEST_F(points_search, a_network_that_hangs_leaves_a_warning_not_an_error) {
  silent_port hang;
  start("points: {network_timeout_ms: 700}\n",
        "https://127.0.0.1:" + std::to_string(hang.port()) + "/pointretrait");
  auto r = get("/v1/points?country=FR&postal_code=69100&city=Villeurbanne");
  ASSERT_EQ(r.status, 200) << pgtest::describe(r);
  auto body = pgtest::parse_object(r.body);
  ASSERT_FALSE(body.at("data").as_array().empty());
  for (const auto& p : body.at("data").as_array())
    EXPECT_EQ(p.as_object().at("carrier").as_string(), "mondialrelay");
  const auto& warnings = body.at("warnings").as_array();
  ASSERT_EQ(warnings.size(), 1u) << r.body;
  EXPECT_EQ(warnings[0].as_object().at("carrier").as_string(), "colissimo");
  EXPECT_EQ(warnings[0].as_object().at("code").as_string(), "timeout");
  EXPECT_EQ(network(body, "colissimo").at("source").as_string(), "failed");

  // When no network asked answers, there is nothing to show: 503 with Retry-After.
  auto none = get("/v1/points?country=FR&postal_code=69100&city=Villeurbanne&carrier=colissimo");
  pgtest::expect_problem(none, 503);
  EXPECT_TRUE(none.headers.contains("retry-after")) << pgtest::describe(none);
}

TEST_F(points_search, one_point_by_id_and_bad_queries_named_field_by_field) {
  // No cache: every lookup by id reaches the network's own lookup operation.
  start("points: {cache_entries: 0}\n");
  auto found =
      data_of(get("/v1/points?country=FR&postal_code=75011&city=Paris&carrier=colissimo&limit=1"));
  ASSERT_EQ(found.size(), 1u);
  const std::string id(found[0].as_object().at("id").as_string());
  auto one = get("/v1/points/" + id);
  ASSERT_EQ(one.status, 200) << pgtest::describe(one);
  auto point = pgtest::parse_object(one.body);
  EXPECT_EQ(point.at("id").as_string(), id);
  EXPECT_EQ(point.at("name"), found[0].as_object().at("name"));

  auto mr = data_of(get("/v1/points?country=FR&postal_code=59000&carrier=mondialrelay&limit=1"));
  ASSERT_EQ(mr.size(), 1u);
  const std::string mr_id(mr[0].as_object().at("id").as_string());
  auto mr_one = get("/v1/points/" + mr_id);
  ASSERT_EQ(mr_one.status, 200) << pgtest::describe(mr_one);
  EXPECT_EQ(pgtest::parse_object(mr_one.body).at("address"), mr[0].as_object().at("address"));
  pgtest::expect_problem(get("/v1/points/mondialrelay:FR:999998"), 404);
  pgtest::expect_problem(get("/v1/points/colissimo:FR:000000"), 404);
  pgtest::expect_problem(get("/v1/points/nosuch:FR:123456"), 404);
  pgtest::expect_problem(get("/v1/points/garbage"), 422);

  auto missing = get("/v1/points?postal_code=69100");
  pgtest::expect_problem(missing, 422);
  EXPECT_TRUE(pgtest::error_fields(missing).contains("country"));
  auto nowhere = get("/v1/points?country=FR");
  EXPECT_TRUE(pgtest::error_fields(nowhere).contains("postal_code"));
  auto bad =
      get("/v1/points?country=FR&lat=95&lon=4.8&radius_km=80&limit=0&type=kiosk"
          "&carrier=dhl&open_at=tomorrow&colour=red");
  pgtest::expect_problem(bad, 422);
  const auto fields = pgtest::error_fields(bad);
  for (auto f : {"lat", "radius_km", "limit", "type", "carrier", "open_at", "colour"})
    EXPECT_TRUE(fields.contains(f)) << f << " in " << bad.body;
  auto half = get("/v1/points?country=FR&lat=45.7");
  EXPECT_TRUE(pgtest::error_fields(half).contains("lon"));

  // Any key may search; no key may not.
  auto ops = env_->create_key("ops", "ops");
  EXPECT_EQ(get("/v1/points?country=FR&postal_code=69100&city=Villeurbanne", ops).status, 200);
  EXPECT_EQ(
      env_->call("GET", "/v1/points?country=FR&postal_code=69100&city=Villeurbanne", {}).status,
      401);
}

}  // namespace
