#pragma once
// Checks shared by the integration tests: RFC 9457 problem bodies, JSON parsing, the carrier
// simulator's sales ledger, and listing every shipment of a tenant.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

namespace pgtest {

inline boost::json::value parse_json(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) {
    ADD_FAILURE() << "not JSON: " << body.substr(0, 500);
    return {};
  }
  return v;
}

inline boost::json::object parse_object(const std::string& body) {
  auto v = parse_json(body);
  if (!v.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << body.substr(0, 500);
    return {};
  }
  return v.as_object();
}

inline std::string string_at(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Describes a response for failure messages.
inline std::string describe(const response& r) {
  return "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 800);
}

enum class answer_kind {
  fresh,   // request_id is this request's X-Request-Id
  replay,  // a stored answer replayed byte for byte: request_id is the original request's
};

// An RFC 9457 problem: content type, every member with its type, status matching the HTTP
// status, request_id matching the X-Request-Id header (for fresh answers), and each errors[]
// entry with a field and a message. `type` is the last segment ("validation-error"); empty
// accepts any.
inline void expect_problem(const response& r, int status, const std::string& type = {},
                           answer_kind kind = answer_kind::fresh) {
  SCOPED_TRACE(describe(r));
  EXPECT_EQ(r.status, status);
  EXPECT_TRUE(r.header("content-type").starts_with("application/problem+json"))
      << r.header("content-type");
  auto o = parse_object(r.body);
  ASSERT_TRUE(o.contains("type") && o.at("type").is_string());
  ASSERT_TRUE(o.contains("title") && o.at("title").is_string());
  ASSERT_TRUE(o.contains("status") && o.at("status").is_int64());
  ASSERT_TRUE(o.contains("detail") && o.at("detail").is_string());
  ASSERT_TRUE(o.contains("request_id") && o.at("request_id").is_string());
  EXPECT_FALSE(o.at("title").as_string().empty());
  EXPECT_FALSE(o.at("detail").as_string().empty());
  EXPECT_EQ(o.at("status").as_int64(), status);
  if (!type.empty()) {
    EXPECT_EQ(o.at("type").as_string(), "/problems/" + type);
  }
  EXPECT_FALSE(r.header("x-request-id").empty());
  if (kind == answer_kind::fresh) {
    EXPECT_FALSE(o.at("request_id").as_string().empty());
    EXPECT_EQ(o.at("request_id").as_string(), r.header("x-request-id"));
  } else {
    EXPECT_EQ(r.header("idempotent-replayed"), "true");
  }
  if (auto* errors = o.if_contains("errors")) {
    ASSERT_TRUE(errors->is_array());
    EXPECT_FALSE(errors->as_array().empty());
    for (const auto& e : errors->as_array()) {
      ASSERT_TRUE(e.is_object());
      EXPECT_TRUE(e.as_object().contains("field") && e.as_object().at("field").is_string())
          << boost::json::serialize(e);
      EXPECT_TRUE(e.as_object().contains("message") && e.as_object().at("message").is_string() &&
                  !e.as_object().at("message").as_string().empty())
          << boost::json::serialize(e);
    }
  }
}

// The errors[].field values of a problem body (empty when it has none).
inline std::set<std::string> error_fields(const response& r) {
  std::set<std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object()) return out;
  if (auto* errors = v.as_object().if_contains("errors"); errors && errors->is_array())
    for (const auto& e : errors->as_array())
      if (e.is_object() && e.as_object().contains("field"))
        out.insert(std::string(e.as_object().at("field").as_string()));
  return out;
}

// One carrier's part of GET /_sim/stats.
struct carrier_sales {
  std::uint64_t sold = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t requests = 0;  // requests that reached the carrier's endpoints
  std::vector<std::string> references;
};

inline std::map<std::string, carrier_sales> sim_sales(stack& env) {
  std::map<std::string, carrier_sales> out;
  auto r = env.sim("GET", "/_sim/stats");
  if (r.status != 200) {
    ADD_FAILURE() << "GET /_sim/stats: " << describe(r);
    return out;
  }
  for (const auto& [carrier, v] : parse_object(r.body)) {
    const auto& o = v.as_object();
    carrier_sales s;
    s.sold = o.at("labels_sold").to_number<std::uint64_t>();
    s.duplicates = o.at("duplicate_references").to_number<std::uint64_t>();
    s.requests = o.at("requests").to_number<std::uint64_t>();
    for (const auto& sale : o.at("sales").as_array())
      s.references.emplace_back(sale.as_object().at("reference").as_string());
    out[std::string(carrier)] = std::move(s);
  }
  return out;
}

inline std::uint64_t labels_sold(stack& env) {
  std::uint64_t n = 0;
  for (const auto& [carrier, s] : sim_sales(env)) n += s.sold;
  return n;
}

// The shipment id a simulator sale belongs to. Both adapters send the shipment id without its
// "shp_" prefix (15 characters fit Colissimo's senderParcelRef and Mondial Relay's NDossier);
// Mondial Relay upper-cases it. See adapters/*/wire.cpp.
inline std::string shipment_id_of_sale(const std::string& reference) {
  std::string id = "shp_";
  for (char c : reference)
    id.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return id;
}

inline void set_sim_faults(stack& env, const std::string& json) {
  auto r = env.sim("POST", "/_sim/faults", json);
  ASSERT_EQ(r.status, 200) << "POST /_sim/faults " << json << ": " << describe(r);
}

// Every shipment visible to `key` (all pages), newest first.
inline std::vector<boost::json::object> list_all_shipments(stack& env, const std::string& key,
                                                           const std::string& query = {}) {
  std::vector<boost::json::object> out;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    std::string target = "/v1/shipments?limit=100" + (query.empty() ? "" : "&" + query) +
                         (cursor.empty() ? "" : "&starting_after=" + cursor);
    auto r = env.call("GET", target, key);
    if (r.status != 200) {
      ADD_FAILURE() << "GET " << target << ": " << describe(r);
      return out;
    }
    auto o = parse_object(r.body);
    for (const auto& s : o.at("data").as_array()) out.push_back(s.as_object());
    if (!o.at("has_more").as_bool()) break;
    cursor = std::string(o.at("next_cursor").as_string());
  }
  return out;
}

// Polls `done` every 50 ms until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace pgtest
