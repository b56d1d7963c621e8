// store::pg::connection against a real PostgreSQL started for the test (pg_cluster).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <memory>

#include "gateway/store/pg/connection.hpp"
#include "pg_cluster.hpp"

namespace parcelgate::store::pg {
namespace {

using namespace std::chrono_literals;

class pg_connection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = std::make_unique<pgtest::pg_cluster>();
    ASSERT_TRUE(cluster_->ok()) << cluster_->error();
    uri_ = cluster_->create_database("conn_test");
    cluster_->psql("conn_test", "CREATE TABLE kv (k text PRIMARY KEY, v text NOT NULL)");
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  // Runs `body` on an io_context until it finishes.
  template <class F>
  auto run(F body) {
    boost::asio::io_context io;
    auto fut = boost::asio::co_spawn(io, body(io.get_executor()), boost::asio::use_future);
    io.run();
    return fut.get();
  }

  static task<std::unique_ptr<connection>> open(boost::asio::any_io_executor ex,
                                                std::vector<prepared_statement> prepared = {}) {
    auto c = co_await connection::open(ex, uri_, prepared, std::chrono::steady_clock::now() + 10s);
    if (!c) throw std::runtime_error(c.error().message);
    co_return std::move(*c);
  }

  static std::unique_ptr<pgtest::pg_cluster> cluster_;
  static std::string uri_;
};
std::unique_ptr<pgtest::pg_cluster> pg_connection::cluster_;
std::string pg_connection::uri_;

TEST_F(pg_connection, a_pipeline_runs_statements_in_one_transaction_and_returns_each_result) {
  auto out = run([](auto ex) -> task<std::vector<std::string>> {
    auto c = co_await open(ex);
    std::vector<statement> group{
        {.sql_or_name = "INSERT INTO kv VALUES ($1, $2)", .params = {"a", "1"}},
        {.sql_or_name = "INSERT INTO kv VALUES ($1, $2)", .params = {"b", "2"}},
        {.sql_or_name = "SELECT k, v FROM kv WHERE k IN ($1, $2) ORDER BY k",
         .params = {"a", "b"}}};
    auto r = co_await c->run(group, std::chrono::steady_clock::now() + 5s);
    std::vector<std::string> seen;
    if (!r) co_return std::vector<std::string>{"error: " + r.error().message};
    seen.push_back(std::to_string((*r)[0].affected()));
    for (int i = 0; i < (*r)[2].size(); ++i)
      seen.push_back(std::string((*r)[2].text(i, 0)) + "=" + std::string((*r)[2].text(i, 1)));
    co_return seen;
  });
  EXPECT_EQ(out, (std::vector<std::string>{"1", "a=1", "b=2"}));
}

TEST_F(pg_connection, an_error_rolls_the_whole_group_back_and_names_the_sqlstate) {
  auto out = run([](auto ex) -> task<std::string> {
    auto c = co_await open(ex);
    std::vector<statement> group{
        {.sql_or_name = "INSERT INTO kv VALUES ($1, $2)", .params = {"rolled-back", "x"}},
        {.sql_or_name = "INSERT INTO kv VALUES ($1, $2)", .params = {"dup", "1"}},
        {.sql_or_name = "INSERT INTO kv VALUES ($1, $2)", .params = {"dup", "2"}}};
    auto r = co_await c->run(group, std::chrono::steady_clock::now() + 5s);
    if (r) co_return std::string("no error");
    std::string what = r.error().what == failure::unique_violation ? "unique_violation" : "other";
    what += " " + r.error().sqlstate;
    // The connection stays usable after a statement error.
    std::vector<statement> check{{.sql_or_name = "SELECT count(*) FROM kv WHERE k IN ($1, $2)",
                                  .params = {"rolled-back", "dup"}}};
    auto after = co_await c->run(check, std::chrono::steady_clock::now() + 5s);
    if (!after) co_return what + " then error: " + after.error().message;
    co_return what + " rows=" + std::string((*after)[0].text(0, 0)) +
        (c->usable() ? " usable" : " broken");
  });
  EXPECT_EQ(out, "unique_violation 23505 rows=0 usable");
}

TEST_F(pg_connection, prepared_statements_nulls_and_large_parameters) {
  auto out = run([](auto ex) -> task<std::string> {
    std::vector<prepared_statement> prepared{
        {"put", "INSERT INTO kv VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v"},
        {"get", "SELECT v, length(v), NULL::text FROM kv WHERE k = $1"}};
    auto c = co_await open(ex, prepared);
    const std::string big(3 * 1024 * 1024,
                          'z');  // larger than the socket buffers: flushed in parts
    std::vector<statement> group{{.sql_or_name = "put", .params = {"big", big}, .prepared = true},
                                 {.sql_or_name = "get", .params = {"big"}, .prepared = true}};
    auto r = co_await c->run(group, std::chrono::steady_clock::now() + 10s);
    if (!r) co_return "error: " + r.error().message;
    const auto& rows = (*r)[1];
    co_return std::to_string(rows.size()) + " " + std::to_string(rows.integer(0, 1)) + " " +
        (rows.text(0, 0) == big ? "same" : "different") + " " +
        (rows.is_null(0, 2) ? "null" : "not-null");
  });
  EXPECT_EQ(out, "1 3145728 same null");
}

TEST_F(pg_connection, statement_timeout_and_our_deadline_are_told_apart) {
  auto out = run([](auto ex) -> task<std::string> {
    auto c = co_await connection::open(ex, uri_ + "?options=-c%20statement_timeout%3D200", {},
                                       std::chrono::steady_clock::now() + 10s);
    if (!c) co_return "open: " + c.error().message;
    std::vector<statement> slow{{.sql_or_name = "SELECT pg_sleep(5)"}};
    auto r = co_await (*c)->run(slow, std::chrono::steady_clock::now() + 5s);
    std::string seen = r ? "no error"
                         : (r.error().what == failure::statement_timeout ? "statement_timeout"
                                                                         : r.error().message);
    seen += (*c)->usable() ? " usable" : " broken";
    auto d = co_await connection::open(ex, uri_, {}, std::chrono::steady_clock::now() + 10s);
    if (!d) co_return "open: " + d.error().message;
    const auto started = std::chrono::steady_clock::now();
    auto late = co_await (*d)->run(slow, started + 300ms);
    const auto waited = std::chrono::steady_clock::now() - started;
    seen += late
                ? " no error"
                : (late.error().what == failure::timeout ? " timeout" : " " + late.error().message);
    seen += (*d)->usable() ? " usable" : " broken";
    seen += waited < 3s ? " prompt" : " slow";
    co_return seen;
  });
  EXPECT_EQ(out, "statement_timeout usable timeout broken prompt");
}

TEST_F(pg_connection, a_terminated_backend_is_a_lost_connection) {
  auto out = run([this](auto ex) -> task<std::string> {
    auto c = co_await open(ex);
    cluster_->psql("postgres",
                   "SELECT pg_terminate_backend(" + std::to_string(c->backend_pid()) + ")");
    std::vector<statement> q{{.sql_or_name = "SELECT 1"}};
    auto r = co_await c->run(q, std::chrono::steady_clock::now() + 5s);
    co_return std::string(
        r ? "no error"
          : (r.error().what == failure::connection_lost ? "lost" : r.error().message)) +
        (c->usable() ? " usable" : " broken");
  });
  EXPECT_EQ(out, "lost broken");
}

TEST_F(pg_connection, an_unreachable_server_fails_to_open_with_a_message) {
  auto out = run([](auto ex) -> task<std::string> {
    auto c = co_await connection::open(ex, "postgresql:///nope?host=/nonexistent&port=1", {},
                                       std::chrono::steady_clock::now() + 5s);
    co_return c ? std::string("opened") : c.error().message;
  });
  EXPECT_NE(out.find("cannot connect to the database"), std::string::npos) << out;
}

}  // namespace
}  // namespace parcelgate::store::pg
