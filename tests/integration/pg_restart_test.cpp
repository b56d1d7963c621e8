// PostgreSQL restarted (`pg_ctl restart -m fast`) while purchases and reads flow through one
// gateway: every answer in that window is a 503 or 504 problem (never a hang, never a bare 500),
// /readyz goes 503 and back to 200 without the gateway being restarted, and afterwards nothing
// acknowledged is lost, every label sold is stored and no key bought twice.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "harness.hpp"
#include "pg_cluster.hpp"
#include "pg_support.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using pgtest::describe;
using pgtest::purchase_attempt;
using pgtest::response;
using pgtest::stack;
using pgtest::stack_options;
using steady = std::chrono::steady_clock;

// Any answer of the gateway while the database is away: success, or a 503/504 problem.
void expect_success_or_unavailable(const response& r, int success, std::chrono::milliseconds took) {
  SCOPED_TRACE(describe(r));
  EXPECT_NE(r.status, 0) << "no answer within the client's deadline (a hang)";
  EXPECT_LT(took, 12s) << "an answer took longer than the store's own deadline allows";
  if (r.status == success || r.status == 0) return;
  EXPECT_TRUE(r.status == 503 || r.status == 504) << "unexpected status";
  pgtest::expect_problem(r, r.status);
  if (r.status == 503) {
    EXPECT_FALSE(r.header("retry-after").empty()) << "503 without Retry-After";
  }
}

// One gateway on a throwaway cluster, purchases (4 clients) and reads (1 client) flowing, /readyz
// polled every 20 ms; PostgreSQL restarted once 10 purchases went through, and the stream kept on
// until 10 more did. When `exercised` (checked after each restart) says the restarts have not
// yet caught what the test is about, PostgreSQL is restarted again, at most 5 times in all.
struct restart_run {
  pgtest::pg_cluster cluster;
  std::unique_ptr<stack> env;
  std::string key;
  pid_t gateway_pid = -1;
  std::vector<purchase_attempt> attempts;
  std::vector<std::pair<response, std::chrono::milliseconds>> reads;
  std::vector<std::pair<steady::time_point, int>> readiness;
  steady::time_point restart_started, restart_done, recovered_at;
  bool flowing = false, restarted = false, recovered = false;
  int restarts = 0;
  std::function<bool(restart_run&)> exercised = [](restart_run&) { return true; };

  void run() {
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    const auto url = cluster.create_database("gateway");
    stack_options options;
    options.store_yaml = pgtest::pg_store_yaml(url, 8);
    options.client_timeout = 20s;
    env = std::make_unique<stack>(options);
    key = env->create_key("acme", "merchant");
    // Slow carriers: at any moment several purchases wait for the carrier, so the restart
    // catches purchases before their claim, at the carrier, and landing.
    pgtest::set_sim_faults(*env, R"({"latency_ms": 150, "jitter_ms": 100})");
    gateway_pid = env->gateway().pid;

    std::mutex mutex;
    std::atomic<int> acknowledged{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    constexpr int kPurchasers = 4;
    for (int t = 0; t < kPurchasers; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; !stop.load(); ++i) {
          purchase_attempt a;
          a.idempotency_key = "restart-" + std::to_string(t) + "-" + std::to_string(i);
          a.body = pgtest::shipment_body((t + i) % 2 ? "mondialrelay" : "colissimo",
                                         "order-" + a.idempotency_key);
          const auto start = steady::now();
          a.answer = env->call("POST", "/v1/shipments", key, a.body,
                               {{"Idempotency-Key", a.idempotency_key}});
          a.took = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
          if (a.answer.status == 201) acknowledged.fetch_add(1);
          // As a client should, wait as Retry-After says (1 s) before the next purchase.
          const bool back_off = a.answer.status == 503;
          {
            std::lock_guard lock(mutex);
            attempts.push_back(std::move(a));
          }
          if (back_off) std::this_thread::sleep_for(1s);
        }
      });
    threads.emplace_back([&] {  // reads that need the database (the list is never cached)
      while (!stop.load()) {
        const auto start = steady::now();
        auto r = env->call("GET", "/v1/shipments?limit=5", key);
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
        std::lock_guard lock(mutex);
        reads.emplace_back(std::move(r), took);
      }
    });
    threads.emplace_back([&] {
      while (!stop.load()) {
        auto r = pgtest::request(env->gateway_url(), "GET", "/readyz", {}, {}, env->ca_file(), 5s);
        {
          std::lock_guard lock(mutex);
          readiness.emplace_back(steady::now(), r.status);
        }
        std::this_thread::sleep_for(20ms);
      }
    });

    flowing = pgtest::eventually([&] { return acknowledged.load() >= 10; }, 60s);
    for (bool first = true; flowing && (first || (restarts < 5 && !exercised(*this)));
         first = false) {
      const auto started = steady::now();
      restarted = cluster.restart();
      if (first) {
        restart_started = started;
        restart_done = steady::now();
      }
      ++restarts;
      const int acknowledged_before = acknowledged.load();
      recovered =
          restarted &&
          pgtest::eventually([&] { return acknowledged.load() >= acknowledged_before + 10; }, 60s);
      if (!recovered) break;
      if (first) recovered_at = steady::now();
    }
    stop = true;
    for (auto& t : threads) t.join();
    ASSERT_TRUE(flowing) << "purchases did not get through before the restart";
    ASSERT_TRUE(restarted) << "pg_ctl restart failed";
  }
};

TEST(pg_restart, answers_in_the_window_are_503_or_504_problems_and_readyz_recovers_alone) {
  restart_run r;
  r.run();
  if (HasFatalFailure()) return;
  EXPECT_TRUE(r.recovered) << "the gateway did not serve purchases again after the restart";
  // The same gateway process served throughout.
  EXPECT_TRUE(r.env->gateway().running());
  EXPECT_EQ(r.env->gateway().pid, r.gateway_pid);

  int failed_purchases = 0, failed_reads = 0;
  for (const auto& a : r.attempts) {
    SCOPED_TRACE(a.idempotency_key);
    expect_success_or_unavailable(a.answer, 201, a.took);
    if (a.answer.status != 201) ++failed_purchases;
  }
  for (const auto& [answer, took] : r.reads) {
    expect_success_or_unavailable(answer, 200, took);
    if (answer.status != 200) ++failed_reads;
  }
  EXPECT_GE(failed_purchases + failed_reads, 1)
      << "no request fell in the restart window: the test did not exercise it";

  // /readyz: 200 before, 503 during, 200 again after.
  bool ready_before = false, unready_during = false, ready_after = false;
  for (const auto& [at, status] : r.readiness) {
    if (!unready_during && status == 200 && at < r.restart_started) ready_before = true;
    if (ready_before && status == 503) unready_during = true;
    if (unready_during && status == 200) ready_after = true;
    EXPECT_TRUE(status == 200 || status == 503) << "/readyz answered " << status;
  }
  EXPECT_TRUE(ready_before && unready_during && ready_after)
      << "/readyz did not go 200 -> 503 -> 200 (before " << ready_before << ", during "
      << unready_during << ", after " << ready_after << ")";

  const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d); };
  std::cout << "[ figures  ] restart " << ms(r.restart_done - r.restart_started).count()
            << " ms; 10 purchases served again " << ms(r.recovered_at - r.restart_done).count()
            << " ms after it; " << r.attempts.size() << " purchases (" << failed_purchases
            << " not 201), " << r.reads.size() << " reads (" << failed_reads << " not 200)\n";
}

// Without restarting the gateway: a label bought while the database was away must end up stored
// (or its key answer the pending_confirmation 504), never sold and lost with its key stuck.
TEST(pg_restart, afterwards_every_label_sold_is_stored_and_no_key_bought_twice) {
  restart_run r;
  // The case that matters: a label the carrier sold while the database was away.
  const auto bought_not_stored = [](restart_run& run) {
    return run.env->gateway_log().find("label bought but not stored") != std::string::npos;
  };
  r.exercised = bought_not_stored;
  r.run();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(bought_not_stored(r))
      << r.restarts << " restarts caught no label bought while the database was away";
  const auto pending = pgtest::expect_nothing_lost_nothing_bought_twice(
      r.attempts, *r.env, r.cluster, "gateway", r.key,
      [&](const std::string& method, const std::string& target, const std::string& body,
          const pgtest::header_list& headers) {
        return pgtest::request(r.env->gateway_url(), method, target, body, headers,
                               r.env->ca_file(), 20s);
      });
  std::cout << "[ figures  ] " << r.restarts
            << " restart(s); pending_confirmation shipments: " << pending << "\n";
}

}  // namespace
