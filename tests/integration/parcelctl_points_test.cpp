// `parcelctl keys create --points`: a point key is bound to the collection points it acts for
// (required for role point, refused for the others, every id shaped <carrier>:<CC>:<native id>),
// `keys list` shows them, and the gateway lets the key act at those points only.

#include <gtest/gtest.h>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::describe;
using pgtest::parse_json;
using pgtest::parse_object;
using pgtest::stack;
using pgtest::string_at;

class parcelctl_points : public ::testing::Test {
 protected:
  void SetUp() override { env_ = std::make_unique<stack>(); }

  // Runs `keys create` for the point role with these extra arguments; the exit status, the
  // output in `out`.
  int create(const std::vector<std::string>& extra, std::string* out,
             const std::string& role = "point") {
    std::vector<std::string> args{"keys", "create", "--tenant", "relais", "--role", role, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return env_->parcelctl(args, out);
  }

  std::unique_ptr<stack> env_;
};

TEST_F(parcelctl_points, a_point_key_needs_its_points_and_only_a_point_key_takes_them) {
  std::string out;
  EXPECT_EQ(create({}, &out), 2);
  EXPECT_NE(out.find("--points: required"), std::string::npos) << out;
  for (const auto* role : {"merchant", "ops"}) {
    SCOPED_TRACE(role);
    EXPECT_EQ(create({"--points", "mondialrelay:FR:020230"}, &out, role), 2);
    EXPECT_NE(out.find("only a point key"), std::string::npos) << out;
  }
  // Nothing was created by the refusals.
  ASSERT_EQ(env_->parcelctl({"keys", "list", "--json"}, &out), 0);
  EXPECT_TRUE(parse_json(out.substr(out.find('['))).as_array().empty()) << out;
}

TEST_F(parcelctl_points, every_point_id_is_checked) {
  for (const auto* bad :
       {"", "mondialrelay", "mondialrelay:FR", "mondialrelay:FR:", "mondialrelay:fr:020230",
        "mondialrelay:FRA:020230", "MondialRelay:FR:020230", "1relay:FR:020230",
        "mondialrelay:FR:02 0230", "mondialrelay:FR:020230:x", "mondialrelay:FR:020230,",
        "mondialrelay:FR:020230,,colissimo:FR:1",
        "mondialrelay:FR:0123456789012345678901234567890123"}) {
    SCOPED_TRACE(bad);
    std::string out;
    EXPECT_EQ(create({"--points", bad}, &out), 2) << out;
    EXPECT_NE(out.find("--points:"), std::string::npos) << out;
    EXPECT_EQ(out.find("pg_point_"), std::string::npos) << "a key was printed: " << out;
  }
}

TEST_F(parcelctl_points, the_points_are_stored_listed_and_enforced) {
  std::string out;
  ASSERT_EQ(
      create({"--points", "mondialrelay:FR:020230, colissimo:FR:123456,mondialrelay:FR:020230"},
             &out),
      0)
      << out;
  auto created = parse_object(out);
  const auto key = string_at(created, "key");
  ASSERT_TRUE(key.starts_with("pg_point_")) << out;
  const auto& points = created.at("points").as_array();  // trimmed, each once, in order
  ASSERT_EQ(points.size(), 2u) << out;
  EXPECT_EQ(points[0].as_string(), "mondialrelay:FR:020230");
  EXPECT_EQ(points[1].as_string(), "colissimo:FR:123456");

  ASSERT_EQ(env_->parcelctl({"keys", "list", "--json"}, &out), 0);
  auto listed = parse_json(out.substr(out.find('['))).as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(boost::json::serialize(listed[0].as_object().at("points")),
            R"(["mondialrelay:FR:020230","colissimo:FR:123456"])");
  ASSERT_EQ(env_->parcelctl({"keys", "list"}, &out), 0);
  EXPECT_NE(out.find("POINTS"), std::string::npos) << out;
  EXPECT_NE(out.find("mondialrelay:FR:020230,colissimo:FR:123456"), std::string::npos) << out;
  // A merchant key lists no points.
  ASSERT_EQ(create({}, &out, "merchant"), 0) << out;
  EXPECT_FALSE(parse_object(out).contains("points")) << out;

  // The gateway: its own points answer, another point is forbidden.
  for (const auto* own : {"mondialrelay:FR:020230", "colissimo:FR:123456"}) {
    auto r = env_->call("GET", std::string("/v1/points/") + own + "/parcels", key);
    EXPECT_EQ(r.status, 200) << own << ": " << describe(r);
  }
  auto other = env_->call("GET", "/v1/points/mondialrelay:FR:066974/parcels", key);
  pgtest::expect_problem(other, 403, "forbidden");
  // Percent-encoded colons name the same point.
  EXPECT_EQ(env_->call("GET", "/v1/points/mondialrelay%3AFR%3A020230/parcels", key).status, 200);
}

}  // namespace
