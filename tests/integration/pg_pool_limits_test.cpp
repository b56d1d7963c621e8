// The PostgreSQL pool's limits answer 503 with Retry-After, never a hang: a gateway with one
// connection (store.pool: 1), a database made slow by a lock a psql session holds, a short
// store.acquire_timeout_ms and store.statement_timeout_ms. The purchase stuck behind the lock is
// cancelled by the server after statement_timeout_ms; requests waiting for the only connection
// meanwhile give up after acquire_timeout_ms; neither buys anything, and the same key buys once
// the lock is gone.
#include <gtest/gtest.h>

#include <iostream>
#include <thread>

#include "harness.hpp"
#include "pg_cluster.hpp"
#include "pg_support.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using pgtest::describe;
using pgtest::response;
using pgtest::stack;
using pgtest::stack_options;
using steady = std::chrono::steady_clock;
using ms = std::chrono::milliseconds;

constexpr ms kAcquire{300};     // both well below the defaults (2000, 5000), so the timings
constexpr ms kStatement{1000};  // below tell the configured values from the defaults

struct timed {
  response answer;
  ms took{0};
};

timed timed_call(stack& env, const std::string& method, const std::string& target,
                 const std::string& key, const std::string& body = {},
                 pgtest::header_list headers = {}) {
  const auto start = steady::now();
  auto r = env.call(method, target, key, body, std::move(headers));
  return timed{.answer = std::move(r),
               .took = std::chrono::duration_cast<ms>(steady::now() - start)};
}

void expect_unavailable(const timed& t, ms at_least, ms below) {
  SCOPED_TRACE(describe(t.answer) + " after " + std::to_string(t.took.count()) + " ms");
  pgtest::expect_problem(t.answer, 503, "service-unavailable");
  EXPECT_EQ(t.answer.header("retry-after"), "1");
  EXPECT_GE(t.took, at_least);
  EXPECT_LT(t.took, below);
}

TEST(pg_pool_limits, a_slow_database_gives_503_after_statement_and_acquire_timeouts) {
  pgtest::pg_cluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  const auto url = cluster.create_database("gateway");
  stack_options options;
  options.store_yaml =
      pgtest::pg_store_yaml(url, 1,
                            ", acquire_timeout_ms: " + std::to_string(kAcquire.count()) +
                                ", statement_timeout_ms: " + std::to_string(kStatement.count()));
  options.client_timeout = 20s;
  stack env(options);
  const auto key = env.create_key("acme", "merchant");
  const auto body = pgtest::shipment_body("colissimo", "order-pool");
  // A purchase and a read while the database is quick; the key is now in the gateway's 5 s
  // key cache, so the requests below need the pool only for their own statements.
  ASSERT_EQ(env.call("POST", "/v1/shipments", key, body, {{"Idempotency-Key", "pool-warm"}}).status,
            201);
  ASSERT_EQ(env.call("GET", "/v1/shipments", key).status, 200);
  ASSERT_EQ(pgtest::labels_sold(env), 1u);

  // Purchases claim their key in idempotency_keys: a lock on it makes every purchase wait
  // (EXCLUSIVE: writes wait, reads such as the checks below do not).
  pgtest::background_psql lock(cluster, "gateway", "pgtest_lock",
                               "BEGIN; LOCK TABLE idempotency_keys IN EXCLUSIVE MODE; "
                               "SELECT pg_sleep(60);",
                               env.dir() / "lock.log");
  ASSERT_TRUE(pgtest::eventually(
      [&] { return lock.holds("gateway", "idempotency_keys", "ExclusiveLock"); }, 10s));

  // The purchase takes the only connection and waits behind the lock.
  timed purchase;
  std::thread buyer([&] {
    purchase = timed_call(env, "POST", "/v1/shipments", key, body, {{"Idempotency-Key", "pool-1"}});
  });
  ASSERT_TRUE(pgtest::eventually(
      [&] {
        return cluster.psql("gateway",
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                            "'Lock' AND application_name <> 'pgtest_lock'") == "1";
      },
      5s))
      << "the purchase never waited for the lock";
  // Meanwhile, 8 reads wait for the only connection, and give up.
  std::vector<timed> lists(8);
  {
    std::vector<std::thread> readers;
    for (auto& l : lists)
      readers.emplace_back([&env, &key, &l] { l = timed_call(env, "GET", "/v1/shipments", key); });
    for (auto& t : readers) t.join();
  }
  buyer.join();

  for (const auto& l : lists) expect_unavailable(l, kAcquire - 50ms, kAcquire + 700ms);
  // The server cancelled the purchase's claim: measured from before the reads started, so at
  // least statement_timeout minus the wait for the lock check above.
  expect_unavailable(purchase, kStatement - 300ms, kStatement + 1500ms);
  std::cout << "[ figures  ] pool exhausted: 503 after " << lists.front().took.count()
            << " ms (acquire_timeout_ms " << kAcquire.count()
            << "); statement cancelled: 503 after " << purchase.took.count()
            << " ms (statement_timeout_ms " << kStatement.count() << ")\n";

  // The connection is usable again (reads do not need the lock), and nothing was bought.
  EXPECT_EQ(env.call("GET", "/v1/shipments", key).status, 200);
  EXPECT_EQ(pgtest::labels_sold(env), 1u) << "a purchase cancelled before its claim bought";
  EXPECT_EQ(cluster.psql("gateway", "SELECT count(*) FROM idempotency_keys WHERE key = 'pool-1'"),
            "0");

  // The lock gone, the same key buys once.
  lock.end();
  auto retry = env.call("POST", "/v1/shipments", key, body, {{"Idempotency-Key", "pool-1"}});
  EXPECT_EQ(retry.status, 201) << describe(retry);
  EXPECT_TRUE(retry.header("idempotent-replayed").empty());
  EXPECT_EQ(pgtest::labels_sold(env), 2u);
  EXPECT_EQ(env.call("GET", "/readyz", "").status, 200);
}

}  // namespace
