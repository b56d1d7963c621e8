// The HTTP listener's limits and protocol behaviour (DESIGN §10, STYLE "Shape"): body and header
// size limits, slow clients cut after the header/body/idle timeouts, keep-alive, 404/405
// problems, and the operational routes (/healthz, /readyz, /metrics, /openapi.json).

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::connection;
using pgtest::describe;
using pgtest::expect_problem;
using pgtest::response;
using pgtest::stack;
using pgtest::stack_options;
using clock_type = std::chrono::steady_clock;

constexpr int kShortTimeoutS = 2;

stack_options short_timeouts() {
  stack_options o;
  o.header_timeout_s = kShortTimeoutS;
  o.body_timeout_s = kShortTimeoutS;
  o.idle_timeout_s = kShortTimeoutS;
  return o;
}

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

std::set<std::string> split_methods(const std::string& allow) {
  std::set<std::string> out;
  std::stringstream ss(allow);
  std::string m;
  while (std::getline(ss, m, ',')) {
    while (!m.empty() && m.front() == ' ') m.erase(0, 1);
    while (!m.empty() && m.back() == ' ') m.pop_back();
    if (!m.empty()) out.insert(m);
  }
  return out;
}

// Parses an HTTP/1.1 response read as raw bytes: status code and body.
std::pair<int, std::string> parse_raw(const std::string& raw) {
  if (!raw.starts_with("HTTP/1.1 ")) return {0, raw};
  int status = std::atoi(raw.substr(9, 3).c_str());
  auto blank = raw.find("\r\n\r\n");
  return {status, blank == std::string::npos ? std::string() : raw.substr(blank + 4)};
}

std::string header_block(const stack& env, const std::string& key, std::size_t content_length) {
  auto url = env.gateway_url();
  return "POST /v1/shipments HTTP/1.1\r\nHost: " + url.substr(url.rfind('/') + 1) +
         "\r\nAuthorization: Bearer " + key +
         "\r\nIdempotency-Key: limits-1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(content_length) + "\r\n\r\n";
}

class server_limits : public ::testing::Test {
 protected:
  void start(stack_options options = {}) {
    env_ = std::make_unique<stack>(std::move(options));
    key_ = env_->create_key("acme", "merchant");
  }
  void TearDown() override {
    if (!env_) return;
    EXPECT_EQ(env_->call("GET", "/healthz", "").status, 200) << "the gateway did not survive";
    EXPECT_EQ(pgtest::labels_sold(*env_), bought_);
  }
  std::unique_ptr<stack> env_;
  std::string key_;
  std::uint64_t bought_ = 0;
};

TEST_F(server_limits, declared_body_over_1_mib_is_refused_with_413_before_it_is_sent) {
  start();
  connection c(env_->gateway_url(), env_->ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  ASSERT_TRUE(c.write_raw(header_block(*env_, key_, 1024 * 1024 + 1)));
  auto r = c.read_response(std::chrono::seconds(10));
  expect_problem(r, 413, "body-too-large");
  EXPECT_EQ(r.header("connection"), "close");
}

TEST_F(server_limits, streamed_body_over_1_mib_is_cut_with_413) {
  start();
  connection c(env_->gateway_url(), env_->ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  auto url = env_->gateway_url();
  ASSERT_TRUE(c.write_raw("POST /v1/shipments HTTP/1.1\r\nHost: " + url.substr(url.rfind('/') + 1) +
                          "\r\nAuthorization: Bearer " + key_ +
                          "\r\nIdempotency-Key: limits-1\r\nContent-Type: "
                          "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
  // 17 chunks of 64 KiB: the 17th crosses the 1 MiB limit. Writing may fail once the server
  // has answered and closed; its answer is read afterwards either way.
  const std::string chunk(64 * 1024, ' ');
  std::ostringstream size;
  size << std::hex << chunk.size();
  for (int i = 0; i < 17; ++i)
    if (!c.write_raw(size.str() + "\r\n" + chunk + "\r\n")) break;
  auto r = c.read_response(std::chrono::seconds(10));
  expect_problem(r, 413, "body-too-large");
}

TEST_F(server_limits, body_of_exactly_1_mib_is_read_and_validated) {
  start();
  std::string body = "{" + std::string(1024 * 1024 - 2, ' ') + "}";
  ASSERT_EQ(body.size(), 1024u * 1024u);
  auto r = env_->call("POST", "/v1/shipments", key_, body, {{"Idempotency-Key", "limits-exact"}});
  expect_problem(r, 422, "validation-error");
}

TEST_F(server_limits, headers_over_8_kib_get_431) {
  start();
  auto r = env_->call("GET", "/healthz", "", {}, {{"X-Padding", std::string(9000, 'p')}});
  expect_problem(r, 431, "headers-too-large");
  auto fine = env_->call("GET", "/healthz", "", {}, {{"X-Padding", std::string(7000, 'p')}});
  EXPECT_EQ(fine.status, 200) << describe(fine);
}

TEST_F(server_limits, partial_headers_are_cut_after_the_header_timeout) {
  start(short_timeouts());
  connection c(env_->gateway_url(), env_->ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  const auto started = clock_type::now();
  ASSERT_TRUE(c.write_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Incomplete: "));
  bool closed = false;
  c.read_until_close(std::chrono::seconds(15), &closed);
  EXPECT_TRUE(closed) << "the connection was still open after 15 s";
  EXPECT_GE(seconds_since(started), kShortTimeoutS - 0.5) << "cut before the header timeout";
}

TEST_F(server_limits, trickled_headers_do_not_extend_the_header_timeout) {
  start(short_timeouts());
  connection c(env_->gateway_url(), env_->ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  const auto started = clock_type::now();
  ASSERT_TRUE(c.write_raw("GET /healthz HTTP/1.1\r\nX-Slow: "));
  // One byte every 250 ms for up to 15 s: each byte arrives well within any per-read timeout.
  bool closed = false;
  c.trickle(std::string(60, 'a'), std::chrono::milliseconds(250), std::chrono::seconds(15),
            &closed);
  EXPECT_TRUE(closed)
      << "a client sending one header byte every 250 ms kept its connection for 15 s";
  EXPECT_GE(seconds_since(started), kShortTimeoutS - 0.5);
}

TEST_F(server_limits, slow_body_is_cut_after_the_body_timeout) {
  start(short_timeouts());
  connection c(env_->gateway_url(), env_->ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  const auto started = clock_type::now();
  ASSERT_TRUE(c.write_raw(header_block(*env_, key_, 100) + "{\"carrier\":"));
  bool closed = false;
  c.read_until_close(std::chrono::seconds(15), &closed);
  EXPECT_TRUE(closed) << "a request with a stalled body kept its connection for 15 s";
  EXPECT_GE(seconds_since(started), kShortTimeoutS - 0.5);
}

// server.hpp promises "408 after" the header timeout and error_responder lists 408: the client
// should learn why it was cut before the connection closes.
TEST_F(server_limits, timed_out_requests_get_a_408_problem_before_the_cut) {
  start(short_timeouts());
  {
    connection c(env_->gateway_url(), env_->ca_file());
    ASSERT_TRUE(c.is_open()) << c.error();
    ASSERT_TRUE(c.write_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Incomplete: "));
    bool closed = false;
    auto raw = c.read_until_close(std::chrono::seconds(15), &closed);
    auto [status, body] = parse_raw(raw);
    EXPECT_EQ(status, 408) << "headers timed out; received: [" << raw << "]";
    EXPECT_NE(body.find("/problems/request-timeout"), std::string::npos) << body;
  }
  {
    connection c(env_->gateway_url(), env_->ca_file());
    ASSERT_TRUE(c.is_open()) << c.error();
    ASSERT_TRUE(c.write_raw(header_block(*env_, key_, 100) + "{\"carrier\":"));
    bool closed = false;
    auto raw = c.read_until_close(std::chrono::seconds(15), &closed);
    EXPECT_EQ(parse_raw(raw).first, 408) << "body timed out; received: [" << raw << "]";
  }
}

TEST_F(server_limits, client_that_never_starts_tls_is_cut) {
  start(short_timeouts());
  connection c(env_->gateway_url(), env_->ca_file(), /*tls_handshake=*/false);
  ASSERT_TRUE(c.is_open()) << c.error();
  bool closed = false;
  c.read_until_close(std::chrono::seconds(15), &closed);
  EXPECT_TRUE(closed) << "a TCP connection without a TLS handshake was kept for 15 s";
}

TEST_F(server_limits, keep_alive_serves_several_requests_on_one_connection) {
  start();
  connection c(env_->gateway_url(), env_->ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  const pgtest::header_list auth = {{"Authorization", "Bearer " + key_}};
  auto a = c.send("GET", "/healthz");
  EXPECT_EQ(a.status, 200) << describe(a);
  auto b = c.send("GET", "/v1/carriers", {}, auth);
  EXPECT_EQ(b.status, 200) << describe(b);
  auto d = c.send("GET", "/nowhere");  // an error answer keeps the connection too
  EXPECT_EQ(d.status, 404) << describe(d);
  pgtest::header_list post_headers = auth;
  post_headers.emplace_back("Content-Type", "application/json");
  post_headers.emplace_back("Idempotency-Key", "keep-alive-1");
  auto e = c.send("POST", "/v1/shipments", pgtest::shipment_body("colissimo", "keep-alive"),
                  post_headers);
  EXPECT_EQ(e.status, 201) << describe(e);
  ++bought_;
  for (const auto* r : {&a, &b, &d, &e}) EXPECT_NE(r->header("connection"), "close");
  // Connection: close from the client ends it after the answer.
  auto last = c.send("GET", "/healthz", {}, {}, /*keep_alive=*/false);
  EXPECT_EQ(last.status, 200) << describe(last);
  EXPECT_EQ(last.header("connection"), "close");
  bool closed = false;
  c.read_until_close(std::chrono::seconds(10), &closed);
  EXPECT_TRUE(closed);
}

TEST_F(server_limits, idle_keep_alive_connection_is_closed_after_the_idle_timeout) {
  start(short_timeouts());
  connection c(env_->gateway_url(), env_->ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  ASSERT_EQ(c.send("GET", "/healthz").status, 200);
  const auto started = clock_type::now();
  bool closed = false;
  c.read_until_close(std::chrono::seconds(15), &closed);
  EXPECT_TRUE(closed) << "an idle connection was kept for 15 s";
  EXPECT_GE(seconds_since(started), kShortTimeoutS - 0.5);
}

TEST_F(server_limits, one_io_thread_serves_keep_alive_purchases_and_enforces_its_deadlines) {
  // With one I/O thread connections run without a strand: their deadlines (which cancel reads
  // from a timer handler) and keep-alive must behave exactly as with several threads.
  auto options = short_timeouts();
  options.threads = 1;
  start(options);
  {
    connection c(env_->gateway_url(), env_->ca_file());
    ASSERT_TRUE(c.is_open()) << c.error();
    const pgtest::header_list auth = {{"Authorization", "Bearer " + key_}};
    EXPECT_EQ(c.send("GET", "/healthz").status, 200);
    pgtest::header_list post_headers = auth;
    post_headers.emplace_back("Content-Type", "application/json");
    post_headers.emplace_back("Idempotency-Key", "one-thread-1");
    auto bought = c.send("POST", "/v1/shipments", pgtest::shipment_body("colissimo", "one-thread"),
                         post_headers);
    EXPECT_EQ(bought.status, 201) << describe(bought);
    ++bought_;
    EXPECT_EQ(c.send("GET", "/v1/carriers", {}, auth).status, 200);
    const auto started = clock_type::now();
    bool closed = false;
    c.read_until_close(std::chrono::seconds(15), &closed);
    EXPECT_TRUE(closed) << "an idle connection was kept for 15 s";
    EXPECT_GE(seconds_since(started), kShortTimeoutS - 0.5);
  }
  {
    connection c(env_->gateway_url(), env_->ca_file());
    ASSERT_TRUE(c.is_open()) << c.error();
    ASSERT_TRUE(c.write_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Incomplete: "));
    bool closed = false;
    auto raw = c.read_until_close(std::chrono::seconds(15), &closed);
    EXPECT_EQ(parse_raw(raw).first, 408) << "headers timed out; received: [" << raw << "]";
  }
}

TEST_F(server_limits, plain_http_answers_small_and_large_responses_on_one_connection) {
  // The benchmarks serve plain HTTP on one I/O thread: large answers (the OpenAPI document, a
  // label) must arrive whole there too, and the connection must carry on.
  stack_options options;
  options.tls = false;
  options.threads = 1;
  start(options);
  connection c(env_->gateway_url(), env_->ca_file());
  ASSERT_TRUE(c.is_open()) << c.error();
  const pgtest::header_list auth = {{"Authorization", "Bearer " + key_}};
  pgtest::header_list post_headers = auth;
  post_headers.emplace_back("Content-Type", "application/json");
  post_headers.emplace_back("Idempotency-Key", "plain-1");
  auto bought =
      c.send("POST", "/v1/shipments", pgtest::shipment_body("colissimo", "plain"), post_headers);
  ASSERT_EQ(bought.status, 201) << describe(bought);
  ++bought_;
  const auto id = pgtest::json_field(bought.body, "id");
  for (int i = 0; i < 3; ++i) {
    auto spec = c.send("GET", "/openapi.json");
    EXPECT_EQ(spec.status, 200) << describe(spec);
    EXPECT_EQ(std::to_string(spec.body.size()), spec.header("content-length"));
    auto label = c.send("GET", "/v1/shipments/" + id + "/label", {}, auth);
    EXPECT_EQ(label.status, 200) << describe(label);
    EXPECT_EQ(std::to_string(label.body.size()), label.header("content-length"));
    EXPECT_TRUE(label.body.starts_with("%PDF")) << label.body.substr(0, 16);
    EXPECT_EQ(c.send("GET", "/healthz").status, 200);
  }
}

TEST_F(server_limits, unknown_routes_are_404_problems) {
  start();
  for (const auto* target :
       {"/v2/shipments", "/v1/shipments/", "/v1/shipments/shp_000000000000000/label/extra", "/",
        "/v1/no-such-resource", "/healthz/"}) {
    SCOPED_TRACE(target);
    expect_problem(env_->call("GET", target, key_), 404, "not-found");
  }
}

TEST_F(server_limits, wrong_method_is_405_with_allow) {
  start();
  struct probe {
    std::string method, target;
    std::set<std::string> allow;
  };
  const std::vector<probe> probes = {
      {"DELETE", "/v1/shipments", {"GET", "HEAD", "POST"}},
      {"PUT", "/healthz", {"GET", "HEAD"}},
      {"POST", "/metrics", {"GET", "HEAD"}},
      {"PATCH", "/v1/shipments/shp_000000000000000", {"GET", "HEAD"}},
      {"GET", "/v1/shipments/shp_000000000000000/cancel", {"POST"}},
      {"DELETE", "/v1/shipments/shp_000000000000000/label", {"GET", "HEAD"}},
  };
  for (const auto& p : probes) {
    SCOPED_TRACE(p.method + " " + p.target);
    auto r = env_->call(p.method, p.target, key_);
    expect_problem(r, 405, "method-not-allowed");
    EXPECT_EQ(split_methods(r.header("allow")), p.allow) << r.header("allow");
  }
}

TEST_F(server_limits, health_and_readiness_answer) {
  start();
  auto health = env_->call("GET", "/healthz", "");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(health.body), "status"), "ok");
  auto ready = env_->call("GET", "/readyz", "");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(pgtest::string_at(pgtest::parse_object(ready.body), "status"), "ready");
}

TEST_F(server_limits, metrics_count_requests_by_route_and_status_and_carrier_calls) {
  start();
  auto before = env_->call("GET", "/metrics", "");
  ASSERT_EQ(before.status, 200);
  EXPECT_TRUE(before.header("content-type").starts_with("text/plain"))
      << before.header("content-type");
  EXPECT_EQ(before.body.find("parcelgate_carrier_calls_total{"), std::string::npos)
      << "carrier calls before any purchase";
  auto created =
      env_->call("POST", "/v1/shipments", key_, pgtest::shipment_body("colissimo", "metrics"),
                 {{"Idempotency-Key", "metrics-1"}});
  ASSERT_EQ(created.status, 201) << describe(created);
  ++bought_;
  env_->call("GET", "/v1/shipments?limit=0", key_);
  env_->call("GET", "/nowhere", "");
  auto after = env_->call("GET", "/metrics", "").body;
  EXPECT_NE(after.find("parcelgate_http_requests_total{method=\"POST\",route=\"/v1/"
                       "shipments\",status=\"201\"} 1\n"),
            std::string::npos)
      << after;
  EXPECT_NE(after.find("parcelgate_http_requests_total{method=\"GET\",route=\"/v1/"
                       "shipments\",status=\"422\"} 1\n"),
            std::string::npos);
  EXPECT_NE(after.find("route=\"unmatched\",status=\"404\"} 1\n"), std::string::npos);
  EXPECT_TRUE(std::regex_search(
      after,
      std::regex(
          "\nparcelgate_carrier_calls_total\\{carrier=\"colissimo\",[^}]*outcome=\"ok\"\\} [1-9]")))
      << after;
  EXPECT_NE(after.find("parcelgate_http_request_duration_seconds_bucket{"), std::string::npos);
  // Every sample line is `name{labels} value` or `name value`.
  std::stringstream lines(after);
  std::string line;
  const std::regex sample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*\})? [0-9.eE+-]+(Inf)?$)");
  while (std::getline(lines, line)) {
    if (line.empty() || line.starts_with("# ")) continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << "not a Prometheus sample: " << line;
  }
}

TEST_F(server_limits, openapi_is_3_1_and_lists_exactly_the_served_routes) {
  start();
  auto r = env_->call("GET", "/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  auto doc = pgtest::parse_object(r.body);
  EXPECT_TRUE(pgtest::string_at(doc, "openapi").starts_with("3.1"))
      << pgtest::string_at(doc, "openapi");
  std::map<std::string, std::set<std::string>> documented;
  for (const auto& [path, item] : doc.at("paths").as_object())
    for (const auto& [method, op] : item.as_object()) {
      std::string m(method);
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented[std::string(path)].insert(m);
      if (m == "GET")
        documented[std::string(path)].insert("HEAD");  // every GET route also serves HEAD
      EXPECT_TRUE(op.as_object().contains("responses")) << m << " " << path;
    }
  ASSERT_FALSE(documented.empty());
  auto concrete = [](std::string path) {
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{'))
      path.replace(open, path.find('}', open) - open + 1, "shp_000000000000000");
    return path;
  };
  // TRACE is served nowhere, so the router answers 405 with the methods served at the path.
  for (const auto& [path, methods] : documented) {
    SCOPED_TRACE(path);
    auto probe = env_->call("TRACE", concrete(path), key_);
    ASSERT_EQ(probe.status, 405) << "documented path not served: " << describe(probe);
    EXPECT_EQ(split_methods(probe.header("allow")), methods)
        << "served and documented methods differ";
  }
  // The API surface of DESIGN §4: any of it served must be documented.
  for (const auto* path :
       {"/v1/pickups", "/v1/pickups/{id}", "/v1/pickups/{id}/cancel", "/v1/tracking/{id}",
        "/v1/shipments/{id}/events", "/v1/carriers/{id}/events", "/track/{id}", "/v1/points",
        "/v1/points/{id}/dropoffs", "/v1/points/{id}/handovers", "/v1/returns",
        "/v1/returns/{id}/inspection", "/v1/analytics/returns", "/v1/rates", "/v1/tariffs",
        "/v1/tariffs/compare", "/v1/webhooks"}) {
    SCOPED_TRACE(path);
    auto probe = env_->call("TRACE", concrete(path), key_);
    bool served = probe.status == 405;
    bool listed = false;
    for (const auto& [doc_path, methods] : documented)
      listed = listed || concrete(doc_path) == concrete(path);
    EXPECT_EQ(served, listed) << describe(probe);
  }
}

}  // namespace
