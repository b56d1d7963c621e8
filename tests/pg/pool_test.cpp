// store::pg::pool against a real PostgreSQL started for the test (pg_cluster).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <thread>

#include "gateway/store/pg/pool.hpp"
#include "pg_cluster.hpp"

namespace parcelgate::store::pg {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

class pg_pool : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = std::make_unique<pgtest::pg_cluster>();
    ASSERT_TRUE(cluster_->ok()) << cluster_->error();
    uri_ = cluster_->create_database("pool_test");
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  static std::unique_ptr<pgtest::pg_cluster> cluster_;
  static std::string uri_;
};
std::unique_ptr<pgtest::pg_cluster> pg_pool::cluster_;
std::string pg_pool::uri_;

std::string describe(const std::expected<std::vector<rows>, db_error>& r) {
  return r ? std::string("ok") : r.error().message;
}

TEST_F(pg_pool, many_callers_on_two_threads_share_a_few_connections) {
  boost::asio::io_context io;
  pool p(io.get_executor(),
         {.conninfo = uri_, .size = 3, .statements = {{"add", "SELECT $1::int + 1"}}});
  std::atomic<int> ok{0}, sum{0};
  for (int i = 0; i < 50; ++i)
    boost::asio::co_spawn(
        io,
        [&, i]() -> task<void> {
          std::vector<statement> q{
              {.sql_or_name = "add", .params = {std::to_string(i)}, .prepared = true}};
          auto r = co_await p.run(q, clock::now() + 10s);
          if (r) {
            ++ok;
            sum += static_cast<int>((*r)[0].integer(0, 0));
          }
        },
        boost::asio::detached);
  std::thread second([&] { io.run(); });
  io.run();
  second.join();
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(sum.load(), 50 * 51 / 2);  // sum of i + 1
  const auto s = p.stats();
  EXPECT_LE(s.open, 3);
  EXPECT_GE(s.open, 1);
  EXPECT_EQ(s.idle, s.open);
  EXPECT_EQ(s.waiting, 0);
}

TEST_F(pg_pool, an_exhausted_pool_answers_within_its_acquire_timeout_and_sends_nothing) {
  boost::asio::io_context io;
  pool p(io.get_executor(), {.conninfo = uri_, .size = 1, .acquire_timeout = 200ms});
  std::string slow_result, waiting_result;
  clock::duration waited{};
  boost::asio::co_spawn(
      io,
      [&]() -> task<void> {
        std::vector<statement> q{{.sql_or_name = "SELECT pg_sleep(1.5)"}};
        slow_result = describe(co_await p.run(q, clock::now() + 10s));
      },
      boost::asio::detached);
  boost::asio::co_spawn(
      io,
      [&]() -> task<void> {
        boost::asio::steady_timer t(io, 300ms);  // the slow query holds the only connection
        co_await t.async_wait(boost::asio::use_awaitable);
        const auto started = clock::now();
        std::vector<statement> q{{.sql_or_name = "SELECT 1"}};
        auto r = co_await p.run(q, clock::now() + 10s);
        waited = clock::now() - started;
        waiting_result =
            r ? "ok"
              : (r.error().what == failure::pool_exhausted ? "exhausted" : r.error().message);
      },
      boost::asio::detached);
  io.run();
  EXPECT_EQ(slow_result, "ok");
  EXPECT_EQ(waiting_result, "exhausted");
  EXPECT_LT(waited, 1s);  // the acquire timeout, not the slow query
}

TEST_F(pg_pool, a_waiter_gets_the_connection_released_before_its_timeout) {
  boost::asio::io_context io;
  pool p(io.get_executor(), {.conninfo = uri_, .size = 1, .acquire_timeout = 5s});
  std::vector<std::string> results(2);
  for (int i = 0; i < 2; ++i)
    boost::asio::co_spawn(
        io,
        [&, i]() -> task<void> {
          std::vector<statement> q{{.sql_or_name = "SELECT pg_sleep(0.2)"}};
          results[i] = describe(co_await p.run(q, clock::now() + 10s));
        },
        boost::asio::detached);
  io.run();
  EXPECT_EQ(results, (std::vector<std::string>{"ok", "ok"}));
  EXPECT_EQ(p.stats().open, 1);
}

TEST_F(pg_pool, a_broken_connection_is_replaced) {
  boost::asio::io_context io;
  pool p(io.get_executor(), {.conninfo = uri_, .size = 1});
  std::vector<std::string> seen;
  boost::asio::co_spawn(
      io,
      [&]() -> task<void> {
        std::vector<statement> pid{{.sql_or_name = "SELECT pg_backend_pid()"}};
        auto first = co_await p.run(pid, clock::now() + 10s);
        if (!first) co_return;
        const std::string old_pid((*first)[0].text(0, 0));
        cluster_->psql("postgres", "SELECT pg_terminate_backend(" + old_pid + ")");
        auto during = co_await p.run(pid, clock::now() + 10s);  // this one meets the dead backend
        seen.push_back(during ? "ok"
                              : (during.error().what == failure::connection_lost
                                     ? "lost"
                                     : during.error().message));
        auto after = co_await p.run(pid, clock::now() + 10s);
        seen.push_back(after ? ((*after)[0].text(0, 0) != old_pid ? "new backend" : "same backend")
                             : after.error().message);
      },
      boost::asio::detached);
  io.run();
  EXPECT_EQ(seen, (std::vector<std::string>{"lost", "new backend"}));
  EXPECT_EQ(p.stats().open, 1);
}

TEST_F(pg_pool, an_unreachable_database_backs_off_without_retrying_every_call) {
  boost::asio::io_context io;
  pool p(io.get_executor(),
         {.conninfo = "postgresql:///x?host=/nonexistent&port=1", .size = 2, .max_backoff = 2s});
  std::vector<std::string> seen;
  boost::asio::co_spawn(
      io,
      [&]() -> task<void> {
        std::vector<statement> q{{.sql_or_name = "SELECT 1"}};
        for (int i = 0; i < 2; ++i) {
          auto r = co_await p.run(q, clock::now() + 5s);
          seen.push_back(r ? "ok"
                         : r.error().what == failure::unreachable
                             ? "backing off: " + r.error().message
                         : r.error().what == failure::connection_lost ? "cannot connect"
                                                                      : r.error().message);
        }
      },
      boost::asio::detached);
  io.run();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "cannot connect");
  EXPECT_TRUE(seen[1].starts_with("backing off: ")) << seen[1];
  EXPECT_NE(seen[1].find("next attempt in"), std::string::npos) << seen[1];
  EXPECT_EQ(p.stats().open, 0);
}

}  // namespace
}  // namespace parcelgate::store::pg
