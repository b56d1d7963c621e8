// Webhooks end to end (docs/webhooks.md): a real gateway and carrier-sim, and a receiver in this
// process that records what arrives and answers as each test scripts it. Signatures are checked
// by tests/integration/webhook_verify.py (Python's hmac and base64), not by the gateway's code.
// Run on both stores (tools/test.sh runs the suite again with PARCELGATE_TEST_STORE=postgresql);
// the two-gateway test needs PostgreSQL and is skipped on SQLite.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using pgtest::describe;
using pgtest::expect_problem;
using pgtest::parse_object;
using pgtest::response;
using pgtest::stack;
using pgtest::stack_options;
using pgtest::string_at;

const std::string kVerifier = std::string(SOURCE_DIR) + "/tests/integration/webhook_verify.py";

// An HTTP/1.1 server on 127.0.0.1 that records every request and answers with what `answer`
// says (status and extra header lines), after `delay`. One thread per connection.
class receiver {
 public:
  struct hit {
    std::string method, path;
    std::map<std::string, std::string> headers;  // lowercase names
    std::string body;
    std::chrono::steady_clock::time_point at;
    std::string header(const std::string& n) const {
      auto it = headers.find(n);
      return it == headers.end() ? std::string() : it->second;
    }
  };
  struct reply {
    int status = 200;
    std::string extra_headers{};  // "Location: ...\r\n"
  };
  using script = std::function<reply(const hit&, int n)>;  // n: 0-based request number

  receiver() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("receiver: cannot listen");
    port_ = ntohs(a.sin_port);
    accept_ = std::thread([this] { accept_loop(); });
  }
  ~receiver() {
    stop_ = true;
    accept_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard lock(mutex_);
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
    ::close(fd_);
  }

  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void answer_with(script s) {
    std::lock_guard lock(mutex_);
    script_ = std::move(s);
  }
  void delay(std::chrono::milliseconds d) { delay_ms_ = static_cast<int>(d.count()); }
  int most_at_once() const { return most_; }
  std::vector<hit> hits() const {
    std::lock_guard lock(mutex_);
    return hits_;
  }
  // Hits whose body is an event of `type` about `shipment_id`.
  std::vector<hit> events(const std::string& type, const std::string& shipment_id = {}) const {
    std::vector<hit> out;
    for (const auto& h : hits()) {
      boost::system::error_code ec;
      auto v = boost::json::parse(h.body, ec);
      if (ec || !v.is_object()) continue;
      const auto& o = v.as_object();
      if (string_at(o, "type") != type) continue;
      if (!shipment_id.empty() &&
          (!o.contains("data") || string_at(o.at("data").as_object(), "id") != shipment_id))
        continue;
      out.push_back(h);
    }
    return out;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::lock_guard lock(mutex_);
      workers_.emplace_back([this, c] { serve(c); });
    }
  }

  void serve(int c) {
    timeval tv{.tv_sec = 5, .tv_usec = 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string data;
    char buf[8192];
    std::size_t head_end = std::string::npos;
    while (head_end == std::string::npos) {
      const auto n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) {
        ::close(c);
        return;
      }
      data.append(buf, static_cast<std::size_t>(n));
      head_end = data.find("\r\n\r\n");
    }
    hit h;
    h.at = std::chrono::steady_clock::now();
    std::istringstream head(data.substr(0, head_end));
    std::string line;
    std::getline(head, line);
    std::istringstream request_line(line);
    request_line >> h.method >> h.path;
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      h.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    const std::size_t length = std::stoul(
        h.header("content-length").empty() ? std::string("0") : h.header("content-length"));
    h.body = data.substr(head_end + 4);
    while (h.body.size() < length) {
      const auto n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      h.body.append(buf, static_cast<std::size_t>(n));
    }
    reply r;
    const int now_open = ++open_;
    for (int seen = most_; now_open > seen && !most_.compare_exchange_weak(seen, now_open);) {
    }
    {
      std::lock_guard lock(mutex_);
      const int n = static_cast<int>(hits_.size());
      hits_.push_back(h);
      if (script_) r = script_(h, n);
    }
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
    const std::string answer = "HTTP/1.1 " + std::to_string(r.status) +
                               " Scripted\r\nContent-Length: 0\r\nConnection: close\r\n" +
                               r.extra_headers + "\r\n";
    --open_;
    ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::close(c);
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> delay_ms_{0};
  std::atomic<int> open_{0}, most_{0};
  std::thread accept_;
  mutable std::mutex mutex_;
  std::vector<std::thread> workers_;
  std::vector<hit> hits_;
  script script_;
};

// Deliveries retried fast, to plain http on loopback (the receiver).
std::string fast_webhooks(const std::string& more = {}) {
  return "webhooks: {allow_private_targets: true, retry_base_ms: 200, retry_max_ms: 400, poll_ms: "
         "50, timeout_ms: 3000" +
         more + "}\n";
}

stack_options fast_stack(const std::string& more = {}) {
  stack_options o;
  o.extra_config = fast_webhooks(more);
  return o;
}

std::string register_body(const std::string& url, const std::string& events) {
  return R"({"url": ")" + url + R"(", "events": )" + events + "}";
}

const std::string kAllEvents =
    R"(["shipment.created", "shipment.status_changed", "shipment.cancelled"])";

struct registered {
  std::string id, secret;
};

registered register_endpoint(stack& env, const std::string& key, const std::string& url,
                             const std::string& events = kAllEvents) {
  auto r = env.call("POST", "/v1/webhooks", key, register_body(url, events));
  EXPECT_EQ(r.status, 201) << describe(r);
  auto o = parse_object(r.body);
  return {string_at(o, "id"), string_at(o, "secret")};
}

std::string buy(stack& env, const std::string& key, const std::string& reference) {
  auto r = env.call("POST", "/v1/shipments", key, pgtest::shipment_body("colissimo", reference),
                    {{"Idempotency-Key", "idem-" + reference}});
  EXPECT_EQ(r.status, 201) << describe(r);
  return string_at(parse_object(r.body), "id");
}

// Runs the independent verifier: `secret` made the signature at `position` of the hit's header.
int verify(const receiver::hit& h, const std::string& secret, int position,
           const std::filesystem::path& dir, std::string* out = nullptr) {
  const auto body_file = dir / ("body-" + std::to_string(std::random_device{}()) + ".json");
  std::ofstream(body_file, std::ios::binary) << h.body;
  std::string output;
  const std::vector<std::string> argv{"/usr/bin/python3",
                                      kVerifier,
                                      secret,
                                      h.header("webhook-id"),
                                      h.header("webhook-timestamp"),
                                      body_file.string(),
                                      h.header("webhook-signature"),
                                      std::to_string(position)};
  const int rc = pgtest::run_program(argv, &output);
  if (out) *out = output;
  return rc;
}

// A name from /etc/hosts that points at a loopback address, other than "localhost"; empty when
// there is none.
std::string loopback_alias() {
  std::ifstream hosts("/etc/hosts");
  for (std::string line; std::getline(hosts, line);) {
    std::istringstream in(line);
    std::string address, name;
    if (!(in >> address) || !address.starts_with("127.")) continue;
    while (in >> name)
      if (!name.starts_with("#") && name.find("localhost") == std::string::npos &&
          name.find('.') == std::string::npos)
        return name;
  }
  return {};
}

boost::json::array deliveries(stack& env, const std::string& key, const std::string& id) {
  auto r = env.call("GET", "/v1/webhooks/" + id + "/deliveries?limit=100", key);
  EXPECT_EQ(r.status, 200) << describe(r);
  return parse_object(r.body).at("data").as_array();
}

TEST(webhooks, created_and_cancelled_events_arrive_signed_and_verify_independently) {
  receiver hooks;
  stack env(fast_stack());
  const auto key = env.create_key("acme", "merchant");
  const auto endpoint = register_endpoint(env, key, hooks.url());
  ASSERT_TRUE(endpoint.secret.starts_with("whsec_")) << endpoint.secret;

  const auto before = std::chrono::system_clock::now();
  const auto id = buy(env, key, "hook-1");
  ASSERT_TRUE(
      pgtest::eventually([&] { return !hooks.events("shipment.created", id).empty(); }, 10s))
      << env.gateway_log();
  auto created = hooks.events("shipment.created", id).front();
  EXPECT_EQ(created.method, "POST");
  EXPECT_EQ(created.path, "/hook");
  EXPECT_TRUE(created.header("content-type").starts_with("application/json"));
  const auto event = parse_object(created.body);
  EXPECT_EQ(string_at(event, "id"), created.header("webhook-id"));
  EXPECT_TRUE(created.header("webhook-id").starts_with("evt_"));
  EXPECT_FALSE(string_at(event, "created_at").empty());
  EXPECT_EQ(string_at(event.at("data").as_object(), "status"), "label_created");
  // The data is the shipment as the API serves it.
  auto shipment = env.call("GET", "/v1/shipments/" + id, key);
  EXPECT_EQ(boost::json::serialize(event.at("data")),
            boost::json::serialize(pgtest::parse_json(shipment.body)));
  const long long ts = std::stoll(created.header("webhook-timestamp"));
  const long long now_s = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  EXPECT_GE(
      ts, std::chrono::duration_cast<std::chrono::seconds>(before.time_since_epoch()).count() - 1);
  EXPECT_LE(ts, now_s + 1);
  std::string why;
  EXPECT_EQ(verify(created, endpoint.secret, 0, env.dir(), &why), 0) << why;
  EXPECT_EQ(created.header("webhook-signature").find(' '), std::string::npos)
      << "one secret, one signature";
  // The verifier refuses another secret and a changed body.
  EXPECT_EQ(verify(created, "whsec_" + std::string(44, 'A'), 0, env.dir()), 1);
  auto tampered = created;
  tampered.body.back() = ' ';
  EXPECT_EQ(verify(tampered, endpoint.secret, 0, env.dir()), 1);

  auto cancelled = env.call("POST", "/v1/shipments/" + id + "/cancel", key);
  ASSERT_EQ(cancelled.status, 200) << describe(cancelled);
  ASSERT_TRUE(
      pgtest::eventually([&] { return !hooks.events("shipment.cancelled", id).empty(); }, 10s));
  const auto gone = hooks.events("shipment.cancelled", id).front();
  EXPECT_NE(gone.header("webhook-id"), created.header("webhook-id"));
  EXPECT_EQ(string_at(parse_object(gone.body).at("data").as_object(), "status"), "cancelled");
  EXPECT_EQ(verify(gone, endpoint.secret, 0, env.dir(), &why), 0) << why;

  // The delivery log lists both, delivered at the first attempt.
  const auto log = deliveries(env, key, endpoint.id);
  ASSERT_EQ(log.size(), 2u) << boost::json::serialize(log);
  for (const auto& a : log) {
    const auto& o = a.as_object();
    EXPECT_EQ(o.at("status_code").as_int64(), 200);
    EXPECT_EQ(o.at("attempt").as_int64(), 1);
    EXPECT_TRUE(o.at("error").is_null());
    EXPECT_TRUE(o.at("next_attempt_at").is_null());
  }
  EXPECT_EQ(string_at(log[0].as_object(), "event_type"), "shipment.cancelled");

  // An endpoint subscribed to cancellations only hears nothing of a purchase.
  receiver quiet;
  register_endpoint(env, key, quiet.url(), R"(["shipment.cancelled"])");
  const auto second = buy(env, key, "hook-2");
  ASSERT_TRUE(
      pgtest::eventually([&] { return !hooks.events("shipment.created", second).empty(); }, 10s));
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(quiet.hits().empty());

  auto metrics = env.call("GET", "/metrics", "");
  EXPECT_NE(metrics.body.find("parcelgate_webhook_attempts_total{outcome=\"delivered\"}"),
            std::string::npos);
}

TEST(webhooks, a_failing_endpoint_is_retried_with_the_same_webhook_id_until_it_answers_2xx) {
  receiver hooks;
  hooks.answer_with([](const receiver::hit&, int n) { return receiver::reply{n < 2 ? 500 : 204}; });
  stack env(fast_stack());
  const auto key = env.create_key("acme", "merchant");
  const auto endpoint = register_endpoint(env, key, hooks.url(), R"(["shipment.created"])");
  const auto id = buy(env, key, "retry-1");
  ASSERT_TRUE(pgtest::eventually([&] { return hooks.hits().size() >= 3; }, 15s))
      << env.gateway_log();
  std::this_thread::sleep_for(1s);  // nothing more once delivered
  const auto hits = hooks.hits();
  ASSERT_EQ(hits.size(), 3u);
  std::set<std::string> ids, bodies;
  for (const auto& h : hits) {
    ids.insert(h.header("webhook-id"));
    bodies.insert(h.body);
    std::string why;
    EXPECT_EQ(verify(h, endpoint.secret, 0, env.dir(), &why), 0) << why;
  }
  EXPECT_EQ(ids.size(), 1u) << "every attempt carries the event's id";
  EXPECT_EQ(bodies.size(), 1u) << "every attempt carries the same body";
  EXPECT_GE(hits[1].at - hits[0].at, 90ms) << "retried after a backoff, not at once";

  const auto log = deliveries(env, key, endpoint.id);
  ASSERT_EQ(log.size(), 3u);
  // Newest first: 3rd attempt delivered; the two before failed with 500 and a next attempt.
  EXPECT_EQ(log[0].as_object().at("attempt").as_int64(), 3);
  EXPECT_EQ(log[0].as_object().at("status_code").as_int64(), 204);
  for (int i : {1, 2}) {
    const auto& o = log[static_cast<std::size_t>(i)].as_object();
    EXPECT_EQ(o.at("attempt").as_int64(), 3 - i);
    EXPECT_EQ(o.at("status_code").as_int64(), 500);
    EXPECT_FALSE(o.at("error").is_null());
    EXPECT_TRUE(o.at("next_attempt_at").is_string());
  }
  // Pages of one.
  auto page = env.call("GET", "/v1/webhooks/" + endpoint.id + "/deliveries?limit=1", key);
  ASSERT_EQ(page.status, 200);
  const auto cursor = string_at(parse_object(page.body), "next_cursor");
  ASSERT_FALSE(cursor.empty()) << page.body;
  auto next = env.call(
      "GET", "/v1/webhooks/" + endpoint.id + "/deliveries?limit=1&starting_after=" + cursor, key);
  ASSERT_EQ(next.status, 200);
  EXPECT_EQ(parse_object(next.body).at("data").as_array()[0].as_object().at("attempt").as_int64(),
            2);
  (void)id;
}

TEST(webhooks, gone_disables_the_endpoint_and_a_redirect_is_a_failed_attempt_never_followed) {
  receiver gone, moved, elsewhere;
  gone.answer_with([](const receiver::hit&, int) { return receiver::reply{410}; });
  moved.answer_with([&elsewhere](const receiver::hit&, int) {
    return receiver::reply{302, "Location: " + elsewhere.url("/moved") + "\r\n"};
  });
  stack env(fast_stack());
  const auto key = env.create_key("acme", "merchant");
  const auto dead = register_endpoint(env, key, gone.url(), R"(["shipment.created"])");
  const auto redirected = register_endpoint(env, key, moved.url(), R"(["shipment.created"])");
  buy(env, key, "gone-1");
  ASSERT_TRUE(pgtest::eventually([&] { return moved.hits().size() >= 2; }, 15s));
  ASSERT_FALSE(gone.hits().empty());
  EXPECT_TRUE(elsewhere.hits().empty()) << "a redirect was followed";

  auto endpoint = parse_object(env.call("GET", "/v1/webhooks/" + dead.id, key).body);
  EXPECT_EQ(string_at(endpoint, "status"), "disabled");
  EXPECT_TRUE(endpoint.at("disabled_reason").is_string());
  const auto dead_log = deliveries(env, key, dead.id);
  ASSERT_EQ(dead_log.size(), 1u);
  EXPECT_EQ(dead_log[0].as_object().at("status_code").as_int64(), 410);
  EXPECT_TRUE(dead_log[0].as_object().at("next_attempt_at").is_null());
  const auto moved_log = deliveries(env, key, redirected.id);
  ASSERT_GE(moved_log.size(), 2u);
  const auto& attempt = moved_log.back().as_object();
  EXPECT_EQ(attempt.at("status_code").as_int64(), 302);
  EXPECT_NE(std::string(attempt.at("error").as_string()).find("redirect not followed"),
            std::string::npos);
  EXPECT_TRUE(attempt.at("next_attempt_at").is_string());

  // A disabled endpoint hears nothing more.
  const auto before = gone.hits().size();
  buy(env, key, "gone-2");
  std::this_thread::sleep_for(800ms);
  EXPECT_EQ(gone.hits().size(), before);
}

TEST(webhooks, registration_refuses_internal_targets_and_bad_input_with_field_paths) {
  stack env;  // default config: https only, no private targets
  const auto key = env.create_key("acme", "merchant");
  const std::vector<std::string> refused = {
      "https://127.0.0.1/hook",
      "https://169.254.169.254/latest/meta-data/",
      "https://10.0.0.1/hook",
      "https://192.168.1.20/hook",
      "https://172.16.0.1/hook",
      "https://100.64.0.1/hook",
      "https://0.0.0.0/hook",
      "https://[::1]/hook",
      "https://[::]/hook",
      "https://[fd00::1]/hook",
      "https://[fe80::1]/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://[::ffff:169.254.169.254]/hook",
      "https://2130706433/hook",
      "https://0177.0.0.1/hook",
      "https://0x7f.0.0.1/hook",
      "https://127.1/hook",
      "https://localhost/hook",
      "https://LOCALHOST./hook",
      "https://api.localhost/hook",
      "http://hooks.example.com/hook",
      "ftp://hooks.example.com/hook",
      "https://user:pass@hooks.example.com/hook",
      "hooks.example.com/hook",
  };
  for (const auto& url : refused) {
    SCOPED_TRACE(url);
    auto r = env.call("POST", "/v1/webhooks", key, register_body(url, R"(["shipment.created"])"));
    expect_problem(r, 422, "validation-error");
    EXPECT_EQ(pgtest::error_fields(r), std::set<std::string>{"url"});
  }
  // A name that resolves to a loopback address (from /etc/hosts, other than "localhost").
  const auto alias = loopback_alias();
  if (!alias.empty()) {
    SCOPED_TRACE(alias);
    auto r = env.call("POST", "/v1/webhooks", key,
                      register_body("https://" + alias + "/hook", R"(["shipment.created"])"));
    expect_problem(r, 422, "validation-error");
    EXPECT_NE(r.body.find("resolves to 127."), std::string::npos) << r.body;
  }

  auto bad = env.call("POST", "/v1/webhooks", key,
                      R"({"url": 42, "events": ["shipment.created", "shipment.lost", 7,
                          "shipment.created"], "colour": "red"})");
  expect_problem(bad, 422, "validation-error");
  EXPECT_EQ(pgtest::error_fields(bad),
            (std::set<std::string>{"url", "events[1]", "events[2]", "events[3]", "colour"}));
  auto empty = env.call("POST", "/v1/webhooks", key, R"({"events": []})");
  EXPECT_EQ(pgtest::error_fields(empty), (std::set<std::string>{"url", "events"}));
  expect_problem(env.call("POST", "/v1/webhooks", key, "{oops"), 400, "malformed-json");
  expect_problem(
      env.call("POST", "/v1/webhooks", key, R"({"url": "x"})", {{"Content-Type", "text/plain"}}),
      415, "unsupported-media-type");
  expect_problem(env.call("GET", "/v1/webhooks?limit=0&colour=red", key), 422, "validation-error");
  // A public host is accepted (whether or not it resolves from here).
  auto ok =
      env.call("POST", "/v1/webhooks", key,
               register_body("https://hooks.example.com/parcelgate", R"(["shipment.created"])"));
  EXPECT_EQ(ok.status, 201) << describe(ok);
}

TEST(webhooks, every_route_answers_404_for_another_tenants_endpoint) {
  stack env(fast_stack());
  const auto acme = env.create_key("acme", "merchant");
  const auto globex = env.create_key("globex", "merchant");
  receiver hooks;
  const auto mine = register_endpoint(env, acme, hooks.url());
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/webhooks/" + mine.id},
           {"DELETE", "/v1/webhooks/" + mine.id},
           {"POST", "/v1/webhooks/" + mine.id + "/rotate-secret"},
           {"GET", "/v1/webhooks/" + mine.id + "/deliveries"}}) {
    SCOPED_TRACE(method + " " + path);
    expect_problem(env.call(method, path, globex), 404, "not-found");
  }
  auto theirs = parse_object(env.call("GET", "/v1/webhooks", globex).body);
  EXPECT_TRUE(theirs.at("data").as_array().empty());
  EXPECT_EQ(env.call("GET", "/v1/webhooks/" + mine.id, acme).status, 200);
  // globex's purchases never reach acme's endpoint.
  buy(env, globex, "other-tenant");
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(hooks.hits().empty());
  // Deleting is the owner's: then the endpoint is gone for the owner too.
  EXPECT_EQ(env.call("DELETE", "/v1/webhooks/" + mine.id, acme).status, 200);
  expect_problem(env.call("GET", "/v1/webhooks/" + mine.id, acme), 404, "not-found");
  // The same Idempotency-Key answers the same endpoint (and secret); with another URL it is a 422.
  auto first = env.call("POST", "/v1/webhooks", acme, register_body(hooks.url(), kAllEvents),
                        {{"Idempotency-Key", "hook-key-1"}});
  auto again = env.call("POST", "/v1/webhooks", acme, register_body(hooks.url(), kAllEvents),
                        {{"Idempotency-Key", "hook-key-1"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(string_at(parse_object(first.body), "secret"),
            string_at(parse_object(again.body), "secret"));
  expect_problem(env.call("POST", "/v1/webhooks", acme, register_body(hooks.url("/x"), kAllEvents),
                          {{"Idempotency-Key", "hook-key-1"}}),
                 422, "idempotency-key-reused");
}

TEST(webhooks, after_a_rotation_both_secrets_sign_until_the_grace_period_ends) {
  receiver hooks;
  stack env(fast_stack(", secret_grace_s: 3"));
  const auto key = env.create_key("acme", "merchant");
  const auto endpoint = register_endpoint(env, key, hooks.url(), R"(["shipment.created"])");
  auto rotated = env.call("POST", "/v1/webhooks/" + endpoint.id + "/rotate-secret", key);
  ASSERT_EQ(rotated.status, 200) << describe(rotated);
  const auto o = parse_object(rotated.body);
  const auto fresh = string_at(o, "secret");
  EXPECT_TRUE(fresh.starts_with("whsec_"));
  EXPECT_NE(fresh, endpoint.secret);
  EXPECT_TRUE(o.at("previous_secret_expires_at").is_string());
  EXPECT_FALSE(
      parse_object(env.call("GET", "/v1/webhooks/" + endpoint.id, key).body).contains("secret"))
      << "the secret is shown only at creation and rotation";

  const auto during = buy(env, key, "rotate-1");
  ASSERT_TRUE(
      pgtest::eventually([&] { return !hooks.events("shipment.created", during).empty(); }, 10s));
  const auto both = hooks.events("shipment.created", during).front();
  const auto header = both.header("webhook-signature");
  ASSERT_NE(header.find(' '), std::string::npos) << "two signatures during the grace: " << header;
  std::string why;
  EXPECT_EQ(verify(both, fresh, 0, env.dir(), &why), 0) << why;
  EXPECT_EQ(verify(both, endpoint.secret, 1, env.dir(), &why), 0) << why;
  EXPECT_EQ(verify(both, endpoint.secret, 0, env.dir()), 1) << "the new secret signs first";

  std::this_thread::sleep_for(3500ms);
  const auto after = buy(env, key, "rotate-2");
  ASSERT_TRUE(
      pgtest::eventually([&] { return !hooks.events("shipment.created", after).empty(); }, 10s));
  const auto one = hooks.events("shipment.created", after).front();
  EXPECT_EQ(one.header("webhook-signature").find(' '), std::string::npos)
      << one.header("webhook-signature");
  EXPECT_EQ(verify(one, fresh, 0, env.dir(), &why), 0) << why;
  EXPECT_TRUE(parse_object(env.call("GET", "/v1/webhooks/" + endpoint.id, key).body)
                  .at("previous_secret_expires_at")
                  .is_null());
}

TEST(webhooks, attempts_to_one_endpoint_never_exceed_its_concurrency_limit) {
  receiver slow, other;
  slow.delay(400ms);
  stack env(fast_stack(", concurrency_per_endpoint: 2"));
  const auto key = env.create_key("acme", "merchant");
  register_endpoint(env, key, slow.url(), R"(["shipment.created"])");
  register_endpoint(env, key, other.url(), R"(["shipment.created"])");
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(buy(env, key, "limit-" + std::to_string(i)));
  ASSERT_TRUE(pgtest::eventually([&] { return slow.hits().size() >= ids.size(); }, 20s));
  EXPECT_EQ(slow.most_at_once(), 2) << "two attempts at once to the slow endpoint, never more";
  // The other endpoint got every event too, once.
  EXPECT_EQ(other.hits().size(), ids.size());
  auto metrics = env.call("GET", "/metrics", "");
  EXPECT_NE(metrics.body.find("# TYPE parcelgate_webhook_queue_depth gauge"), std::string::npos);
  EXPECT_NE(metrics.body.find("parcelgate_webhook_oldest_pending_age_seconds"), std::string::npos);
}

TEST(webhooks, a_target_allowed_at_registration_is_checked_again_at_every_attempt) {
  receiver hooks;
  stack env(fast_stack());
  const auto key = env.create_key("acme", "merchant");
  // https to a name that resolves to loopback (from /etc/hosts when there is one): the form
  // passes the strict check, what the name resolves to does not.
  const auto alias = loopback_alias();
  const std::string host = alias.empty() ? "127.0.0.1" : alias;
  const auto endpoint =
      register_endpoint(env, key, "https://" + host + hooks.url().substr(hooks.url().rfind(':')),
                        R"(["shipment.created"])");
  // The same gateway, now refusing private targets: what was registered is refused on delivery.
  env.kill_gateway(SIGTERM);
  {
    std::ifstream in(env.config_file());
    std::stringstream text;
    text << in.rdbuf();
    std::string cfg = text.str();
    const auto at = cfg.find("allow_private_targets: true");
    ASSERT_NE(at, std::string::npos);
    cfg.replace(at, std::string("allow_private_targets: true").size(),
                "allow_private_targets: false");
    std::ofstream(env.config_file()) << cfg;
  }
  env.start_gateway();
  buy(env, key, "recheck-1");
  ASSERT_TRUE(pgtest::eventually([&] { return !deliveries(env, key, endpoint.id).empty(); }, 10s));
  const auto attempt = deliveries(env, key, endpoint.id).back().as_object();
  EXPECT_TRUE(attempt.at("status_code").is_null());
  const std::string error(attempt.at("error").as_string());
  EXPECT_TRUE(error.starts_with("refused: ")) << error;
  EXPECT_NE(error.find("127.0.0.1"), std::string::npos) << error;
  if (!alias.empty()) {
    EXPECT_NE(error.find(alias + " resolves to 127.0.0.1"), std::string::npos) << error;
  }
  EXPECT_TRUE(hooks.hits().empty()) << "a refused target was called";
}

TEST(webhooks, a_gateway_killed_during_dispatch_delivers_every_event_after_its_restart) {
  receiver hooks;
  hooks.delay(1500ms);  // attempts are in flight when the gateway dies
  stack env(fast_stack(", concurrency_per_endpoint: 2"));
  const auto key = env.create_key("acme", "merchant");
  register_endpoint(env, key, hooks.url(), R"(["shipment.created"])");
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(buy(env, key, "crash-" + std::to_string(i)));
  ASSERT_TRUE(pgtest::eventually([&] { return !hooks.hits().empty(); }, 10s));
  EXPECT_EQ(env.kill_gateway(SIGKILL), 128 + SIGKILL);
  const auto before_restart = hooks.hits().size();
  EXPECT_LT(before_restart, ids.size()) << "the kill came too late to test anything";
  hooks.delay(0ms);
  env.start_gateway();
  ASSERT_TRUE(pgtest::eventually(
      [&] {
        for (const auto& id : ids)
          if (hooks.events("shipment.created", id).empty()) return false;
        return true;
      },
      20s))
      << env.gateway_log();
  // Duplicates (an attempt in flight at the kill) carry the same webhook-id as the first send.
  std::map<std::string, std::set<std::string>> ids_by_shipment;
  for (const auto& id : ids)
    for (const auto& h : hooks.events("shipment.created", id))
      ids_by_shipment[id].insert(h.header("webhook-id"));
  for (const auto& [shipment, webhook_ids] : ids_by_shipment)
    EXPECT_EQ(webhook_ids.size(), 1u) << shipment;
}

TEST(webhooks, two_gateways_on_one_postgresql_database_deliver_each_event_with_one_id) {
  if (pgtest::test_store() != "postgresql")
    GTEST_SKIP() << "two gateways share a PostgreSQL store (PARCELGATE_TEST_STORE=postgresql)";
  receiver hooks;
  stack env(fast_stack());
  const auto log_b = env.dir() / "parcelgate-b.log";
  auto b = pgtest::spawn({PARCELGATE_BIN, "--config", env.config_file().string()}, log_b);
  const auto line = pgtest::wait_for_line(*b, "parcelgate listening");
  ASSERT_TRUE(line) << "gateway B did not start";
  const auto b_url = pgtest::json_field(*line, "url");
  const auto key = env.create_key("acme", "merchant");
  register_endpoint(env, key, hooks.url(), R"(["shipment.created", "shipment.cancelled"])");
  std::vector<std::string> ids;
  bool a_alive = true;
  for (int i = 0; i < 10; ++i) {
    const std::string ref = "two-" + std::to_string(i);
    // Alternately through A and B; through B alone once A is dead.
    const std::string url = a_alive && i % 2 == 0 ? env.gateway_url() : b_url;
    auto r = pgtest::request(url, "POST", "/v1/shipments", pgtest::shipment_body("colissimo", ref),
                             {{"Authorization", "Bearer " + key},
                              {"Content-Type", "application/json"},
                              {"Idempotency-Key", "idem-" + ref}},
                             env.ca_file());
    ASSERT_EQ(r.status, 201) << describe(r);
    ids.push_back(string_at(parse_object(r.body), "id"));
    ASSERT_FALSE(ids.back().empty());
    if (i == 4) {  // A dies; B takes the duty over once A's lease has expired
      env.kill_gateway(SIGKILL);
      a_alive = false;
    }
  }
  ASSERT_TRUE(pgtest::eventually(
      [&] {
        for (const auto& id : ids)
          if (hooks.events("shipment.created", id).empty()) return false;
        return true;
      },
      30s));
  for (const auto& id : ids) {
    std::set<std::string> webhook_ids;
    for (const auto& h : hooks.events("shipment.created", id))
      webhook_ids.insert(h.header("webhook-id"));
    EXPECT_EQ(webhook_ids.size(), 1u) << id;
  }
  // B did deliver: it took the duty over from A.
  std::ifstream in(log_b);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find(R"("msg":"duty taken","duty":"deliver-webhooks")"), std::string::npos)
      << text.str();
  b->signal(SIGTERM);
  b->wait_for(10s);
}

}  // namespace
