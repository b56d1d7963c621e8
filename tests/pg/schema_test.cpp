// PostgreSQL migrations: a fresh database, an up-to-date one, two instances at once, a schema
// newer than the code.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>

#include "gateway/store/pg/schema.hpp"
#include "pg_cluster.hpp"

namespace parcelgate::store::pg {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

class pg_schema : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = std::make_unique<pgtest::pg_cluster>();
    ASSERT_TRUE(cluster_->ok()) << cluster_->error();
  }
  static void TearDownTestSuite() { cluster_.reset(); }
  static std::unique_ptr<pgtest::pg_cluster> cluster_;
};
std::unique_ptr<pgtest::pg_cluster> pg_schema::cluster_;

std::string outcome(const std::expected<int, db_error>& r) {
  return r ? "applied " + std::to_string(*r) : "error: " + r.error().message;
}

TEST_F(pg_schema, a_fresh_database_is_created_at_the_code_version_then_left_alone) {
  const auto uri = cluster_->create_database("fresh");
  boost::asio::io_context io;
  pool p(io.get_executor(), {.conninfo = uri, .size = 2});
  std::vector<std::string> seen;
  boost::asio::co_spawn(
      io,
      [&]() -> task<void> {
        auto before = co_await read_schema_status(p, clock::now() + 10s);
        seen.push_back(before ? std::to_string(before->database_version) + "/" +
                                    std::to_string(before->pending.size())
                              : before.error().message);
        seen.push_back(outcome(co_await migrate(p, clock::now() + 10s)));
        seen.push_back(outcome(co_await migrate(p, clock::now() + 10s)));
        auto after = co_await read_schema_status(p, clock::now() + 10s);
        seen.push_back(after ? std::to_string(after->database_version) + "/" +
                                   std::to_string(after->pending.size())
                             : after.error().message);
      },
      boost::asio::detached);
  io.run();
  const auto code = std::to_string(code_schema_version());
  EXPECT_EQ(seen, (std::vector<std::string>{"0/" + std::to_string(migrations().size()),
                                            "applied " + std::to_string(migrations().size()),
                                            "applied 0", code + "/0"}));
  EXPECT_EQ(
      cluster_->psql(
          "fresh",
          "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
          "('tenants','api_keys','shipments','labels','purchases_in_flight','idempotency_keys')"),
      "6");
}

TEST_F(pg_schema, two_instances_starting_at_once_apply_each_migration_once) {
  const auto uri = cluster_->create_database("race");
  boost::asio::io_context io;
  pool a(io.get_executor(), {.conninfo = uri, .size = 1});
  pool b(io.get_executor(), {.conninfo = uri, .size = 1});
  std::vector<std::string> seen(2);
  boost::asio::co_spawn(
      io, [&]() -> task<void> { seen[0] = outcome(co_await migrate(a, clock::now() + 20s)); },
      boost::asio::detached);
  boost::asio::co_spawn(
      io, [&]() -> task<void> { seen[1] = outcome(co_await migrate(b, clock::now() + 20s)); },
      boost::asio::detached);
  io.run();
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"applied 0",
                                            "applied " + std::to_string(migrations().size())}));
  EXPECT_EQ(cluster_->psql("race", "SELECT count(*) FROM schema_migrations"),
            std::to_string(migrations().size()));
}

TEST_F(pg_schema, a_database_newer_than_the_code_is_refused_with_both_versions) {
  const auto uri = cluster_->create_database("newer");
  boost::asio::io_context io;
  pool p(io.get_executor(), {.conninfo = uri, .size = 1});
  std::string first, second;
  boost::asio::co_spawn(
      io,
      [&]() -> task<void> {
        first = outcome(co_await migrate(p, clock::now() + 10s));
        cluster_->psql(
            "newer",
            "INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
        second = outcome(co_await migrate(p, clock::now() + 10s));
      },
      boost::asio::detached);
  io.run();
  EXPECT_TRUE(first.starts_with("applied ")) << first;
  EXPECT_NE(second.find(
                "schema is at version 999, newer than this parcelgate (which knows up to version " +
                std::to_string(code_schema_version())),
            std::string::npos)
      << second;
  EXPECT_EQ(p.stats().open, 1);  // the connection came back out of its transaction
}

}  // namespace
}  // namespace parcelgate::store::pg
