#pragma once
// Shared by the PostgreSQL-only integration tests (pg_*_test.cpp, ctest label `postgresql`): the
// gateway's store line for a throwaway cluster, a psql session kept open in the background (to
// hold a lock), the database's own view of what was stored, the purchase-stream bookkeeping and
// the invariants every scale-out test checks afterwards (each acknowledged purchase readable with
// its label, labels sold = shipments stored, no key bought twice).

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "pg_cluster.hpp"
#include "test_support.hpp"

namespace pgtest {

// `store:` line of a gateway on `url`; `extra` is appended inside the flow map
// (", acquire_timeout_ms: 300").
inline std::string pg_store_yaml(const std::string& url, int pool, const std::string& extra = {}) {
  return "store: {kind: postgresql, url: \"" + url + "\", pool: " + std::to_string(pool) + extra +
         "}\n";
}

inline std::string pg_bindir() {
  std::string out;
  FILE* p = ::popen("pg_config --bindir 2>/dev/null", "r");
  if (!p) return out;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p)) out += buf.data();
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// A psql process running `sql` in the background on its own connection, tagged with
// application_name `tag` so that end() can terminate its backend (killing psql alone would leave
// a sleeping backend holding its locks until the sleep ends).
class background_psql {
 public:
  background_psql(const pg_cluster& cluster, const std::string& database, const std::string& tag,
                  const std::string& sql, const std::filesystem::path& log)
      : cluster_(cluster), tag_(tag) {
    proc_ = spawn({pg_bindir() + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                   cluster.uri(database) + "?application_name=" + tag, "-c", sql},
                  log);
  }
  ~background_psql() { end(); }
  background_psql(const background_psql&) = delete;
  background_psql& operator=(const background_psql&) = delete;

  // True once its backend holds a granted lock of `mode` on `table`.
  bool holds(const std::string& database, const std::string& table, const std::string& mode) {
    return cluster_.psql(database,
                         "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON "
                         "a.pid = l.pid WHERE a.application_name = '" +
                             tag_ + "' AND l.relation = '" + table + "'::regclass AND l.mode = '" +
                             mode + "' AND l.granted") == "1";
  }

  void end() {
    if (!proc_) return;
    cluster_.psql("postgres",
                  "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                  "application_name = '" +
                      tag_ + "'");
    if (!proc_->wait_for(std::chrono::seconds(10))) proc_->signal(SIGKILL);
    proc_.reset();
  }

 private:
  const pg_cluster& cluster_;
  std::string tag_;
  std::unique_ptr<process> proc_;
};

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// One purchase attempt of a stream and what came back.
struct purchase_attempt {
  std::string idempotency_key;
  std::string body;
  response answer;
  std::chrono::milliseconds took{0};
};

// How the checks below reach the gateways: a gateway or the load balancer.
using caller = std::function<response(const std::string& method, const std::string& target,
                                      const std::string& body, const header_list& headers)>;

// The invariants after a disturbance, on the database itself and the simulator's ledger.
//  1. Each attempt that got no 201 is retried with its key: the answer is the purchase's outcome,
//     201 (replayed, or bought now if the first attempt bought nothing) or the 504 of a
//     pending_confirmation shipment; never another failure, nor a 409 (a key left claimed by a
//     purchase nobody finishes; the gateway gets 15 s to finish what was in flight).
//  2. Every 201 is readable (same body) with its PDF label.
//  3. Every label the simulator sold belongs to a stored shipment (label_created or
//     pending_confirmation), every label_created shipment was sold, and the numbers add up:
//     labels sold = shipments stored with a sale; no purchase is left in flight.
//  4. No key bought twice: no duplicate in the ledger, one shipment per key.
// Returns the number of pending_confirmation shipments (sold or not), for the test's log.
inline int expect_nothing_lost_nothing_bought_twice(const std::vector<purchase_attempt>& attempts,
                                                    stack& env, const pg_cluster& cluster,
                                                    const std::string& database,
                                                    const std::string& key, const caller& call) {
  const header_list auth{{"Authorization", "Bearer " + key}};
  // Every request has been answered: a purchase still in flight now is one nobody finishes,
  // unless the gateway lands it on its own shortly.
  eventually(
      [&] { return cluster.psql(database, "SELECT count(*) FROM purchases_in_flight") == "0"; },
      std::chrono::seconds(15));
  std::vector<std::string> acknowledged;  // bodies of 201s
  for (const auto& a : attempts) {
    SCOPED_TRACE(a.idempotency_key + " first answered " + describe(a.answer));
    if (a.answer.status == 201) {
      acknowledged.push_back(a.answer.body);
      continue;
    }
    header_list h = auth;
    h.emplace_back("Idempotency-Key", a.idempotency_key);
    h.emplace_back("Content-Type", "application/json");
    auto retry = call("POST", "/v1/shipments", a.body, h);
    if (retry.status == 201)
      acknowledged.push_back(retry.body);
    else
      expect_problem(retry, 504, "purchase-outcome-unknown", answer_kind::replay);
  }
  for (const auto& body : acknowledged) {
    const auto id = string_at(parse_object(body), "id");
    SCOPED_TRACE(id);
    auto got = call("GET", "/v1/shipments/" + id, {}, auth);
    EXPECT_EQ(got.status, 200) << "an acknowledged shipment is missing: " << describe(got);
    EXPECT_EQ(got.body, body);
    auto label = call("GET", "/v1/shipments/" + id + "/label", {}, auth);
    EXPECT_EQ(label.status, 200) << describe(label);
    EXPECT_TRUE(label.body.starts_with("%PDF-")) << "label of " << id << " lost";
  }
  EXPECT_GT(acknowledged.size(), 0u);

  std::map<std::string, std::string> status_of;
  for (const auto& line :
       lines_of(cluster.psql(database, "SELECT id || ' ' || status FROM shipments")))
    status_of[line.substr(0, line.find(' '))] = line.substr(line.find(' ') + 1);
  std::uint64_t sold = 0;
  std::set<std::string> sold_ids;
  for (const auto& [carrier, s] : sim_sales(env)) {
    sold += s.sold;
    EXPECT_EQ(s.duplicates, 0u) << carrier << " sold a label twice for one shipment";
    for (const auto& ref : s.references) {
      const auto id = shipment_id_of_sale(ref);
      EXPECT_TRUE(sold_ids.insert(id).second) << "sold twice: " << id;
      EXPECT_TRUE(status_of.contains(id))
          << carrier << " sold a label for " << id << ", which is not a stored shipment";
    }
  }
  std::uint64_t created = 0, pending_sold = 0;
  int pending = 0;
  for (const auto& [id, status] : status_of) {
    EXPECT_TRUE(status == "label_created" || status == "pending_confirmation") << id << status;
    if (status == "label_created") {
      ++created;
      EXPECT_TRUE(sold_ids.contains(id)) << id << " claims a label the carrier never sold";
    } else if (status == "pending_confirmation") {
      ++pending;
      if (sold_ids.contains(id)) ++pending_sold;
    }
  }
  EXPECT_EQ(sold, created + pending_sold) << "labels sold by the simulator vs shipments stored";
  EXPECT_EQ(cluster.psql(database,
                         "SELECT count(*) FROM (SELECT tenant_id, idempotency_key FROM shipments "
                         "GROUP BY 1, 2 HAVING count(*) > 1) d"),
            "0")
      << "a key bought twice";
  EXPECT_EQ(cluster.psql(database, "SELECT count(*) FROM purchases_in_flight"), "0")
      << "purchases left in flight: "
      << cluster.psql(database, "SELECT shipment_id, idempotency_key FROM purchases_in_flight");
  return pending;
}

}  // namespace pgtest
