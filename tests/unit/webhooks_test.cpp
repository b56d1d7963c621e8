// Webhook signing, target checks (SSRF) and the retry schedule, without a gateway.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "gateway/config/config.hpp"
#include "gateway/webhooks/dispatcher.hpp"
#include "gateway/webhooks/sender.hpp"
#include "gateway/webhooks/signing.hpp"
#include "gateway/webhooks/targets.hpp"

namespace {

using namespace parcelgate;
namespace net = boost::asio;

TEST(webhook_signing, matches_the_standard_webhooks_test_vector) {
  // From the Standard Webhooks specification's reference libraries.
  EXPECT_EQ(webhooks::sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                           1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(webhook_signing, secrets_are_32_random_bytes_in_base64) {
  const auto a = webhooks::new_secret(), b = webhooks::new_secret();
  ASSERT_TRUE(a.starts_with("whsec_"));
  EXPECT_NE(a, b);
  auto key = webhooks::base64_decode(a.substr(6));
  ASSERT_TRUE(key);
  EXPECT_EQ(key->size(), 32u);
  EXPECT_EQ(webhooks::base64_encode(*key), a.substr(6));
}

TEST(webhook_signing, base64_decoding_refuses_what_is_not_base64) {
  EXPECT_EQ(webhooks::base64_decode("aGk="), "hi");
  EXPECT_EQ(webhooks::base64_decode("aGVsbG8="), "hello");
  EXPECT_EQ(webhooks::base64_decode("aGVsbG8h"), "hello!");
  for (const char* bad : {"", "aGk", "a=Gk", "aG!=", "aGk==="})
    EXPECT_FALSE(webhooks::base64_decode(bad)) << bad;
}

TEST(webhook_signing, the_previous_secret_signs_second_only_within_its_grace) {
  store::webhook_endpoint e{.id = "whk_x",
                            .tenant = "acme",
                            .url = "https://example.com/",
                            .events = {"shipment.created"},
                            .secret = webhooks::new_secret(),
                            .previous_secret = webhooks::new_secret(),
                            .previous_secret_until_ms = 2000};
  const auto both = webhooks::signature_header(e, "evt_1", 1, "{}", 1999);
  EXPECT_EQ(both, webhooks::sign(e.secret, "evt_1", 1, "{}") + " " +
                      webhooks::sign(e.previous_secret, "evt_1", 1, "{}"));
  EXPECT_EQ(webhooks::signature_header(e, "evt_1", 1, "{}", 2000),
            webhooks::sign(e.secret, "evt_1", 1, "{}"));
}

TEST(webhook_signing, the_event_body_wraps_the_shipment_json_as_it_is) {
  store::webhook_delivery d{.seq = 1,
                            .event_id = "evt_ab",
                            .event_type = "shipment.created",
                            .event_created_at = "2026-12-02T10:00:00Z",
                            .data = R"({"id":"shp_1","status":"label_created"})"};
  EXPECT_EQ(webhooks::event_body(d),
            R"({"id":"evt_ab","type":"shipment.created","created_at":"2026-12-02T10:00:00Z",)"
            R"("data":{"id":"shp_1","status":"label_created"}})");
}

bool refused(const std::string& url) {
  std::string why;
  return !webhooks::parse_target(url, false, &why);
}

TEST(webhook_targets, internal_addresses_in_every_form_are_refused) {
  for (const char* url : {"https://127.0.0.1/",
                          "https://127.255.0.1/",
                          "https://10.1.2.3/",
                          "https://172.31.0.1/",
                          "https://192.168.0.1/",
                          "https://169.254.169.254/",
                          "https://100.64.0.1/",
                          "https://100.127.255.255/",
                          "https://0.0.0.0/",
                          "https://255.255.255.255/",
                          "https://224.0.0.1/",
                          "https://198.18.0.1/",
                          "https://[::1]/",
                          "https://[::]/",
                          "https://[fc00::1]/",
                          "https://[fdff::1]/",
                          "https://[fe80::1]/",
                          "https://[ff02::1]/",
                          "https://[::ffff:10.0.0.1]/",
                          "https://[::ffff:169.254.169.254]/",
                          "https://[64:ff9b::7f00:1]/",
                          "https://[2002:7f00:1::]/",
                          "https://2130706433/",
                          "https://0177.0.0.1/",
                          "https://0x7f000001/",
                          "https://0x7f.0.0.1/",
                          "https://127.1/",
                          "https://017700000001/",
                          "https://localhost/",
                          "https://localhost./",
                          "https://a.b.localhost/"})
    EXPECT_TRUE(refused(url)) << url;
}

TEST(webhook_targets, public_https_urls_are_accepted_and_parsed) {
  std::string why;
  auto t = webhooks::parse_target("https://Hooks.Example.com:8443/in?x=1", false, &why);
  ASSERT_TRUE(t) << why;
  EXPECT_TRUE(t->tls);
  EXPECT_EQ(t->host, "hooks.example.com");
  EXPECT_EQ(t->port, 8443);
  EXPECT_EQ(t->path, "/in?x=1");
  auto v4 = webhooks::parse_target("https://93.184.216.34", false, &why);
  ASSERT_TRUE(v4) << why;
  EXPECT_EQ(v4->path, "/");
  EXPECT_TRUE(v4->literal);
  auto v6 = webhooks::parse_target("https://[2606:2800:220:1:248:1893:25c8:1946]/h", false, &why);
  ASSERT_TRUE(v6) << why;
  EXPECT_EQ(v6->port, 443);
  // The 100.64/10 range ends where it ends.
  EXPECT_FALSE(refused("https://100.128.0.1/"));
}

TEST(webhook_targets, plain_http_and_private_targets_only_when_allowed) {
  EXPECT_TRUE(refused("http://hooks.example.com/"));
  std::string why;
  auto t = webhooks::parse_target("http://127.0.0.1:8080/h", true, &why);
  ASSERT_TRUE(t) << why;
  EXPECT_FALSE(t->tls);
  EXPECT_EQ(t->port, 8080);
  // Non-canonical numbers stay refused: they are never what anyone means.
  EXPECT_FALSE(webhooks::parse_target("http://2130706433/", true, &why));
  for (const char* bad : {"https://user@hooks.example.com/", "https://hooks.example.com/#f",
                          "https://hooks example.com/", "https:///x", "https://h:0/",
                          "https://h:99999/", "https://[::1/", "mailto:x@example.com"})
    EXPECT_TRUE(refused(bad)) << bad;
}

template <class T>
T run(net::io_context& io, net::awaitable<T> op) {
  auto f = net::co_spawn(io, std::move(op), net::use_future);
  io.restart();
  io.run();
  return f.get();
}

// A name from /etc/hosts that points at a loopback address, other than "localhost".
std::string loopback_alias() {
  std::ifstream hosts("/etc/hosts");
  for (std::string line; std::getline(hosts, line);) {
    std::istringstream in(line);
    std::string address, name;
    if (!(in >> address) || !address.starts_with("127.")) continue;
    while (in >> name)
      if (!name.starts_with("#") && name.find("localhost") == std::string::npos) return name;
  }
  return {};
}

TEST(webhook_sender, an_attempt_checks_what_the_name_resolves_to_before_connecting) {
  const auto alias = loopback_alias();
  if (alias.empty()) GTEST_SKIP() << "no loopback alias in /etc/hosts";
  net::io_context io;
  auto strict = webhooks::sender::create({.timeout = std::chrono::milliseconds(2000)});
  ASSERT_TRUE(strict);
  // The form is fine (a public-looking name); what it resolves to is not.
  std::string why;
  auto t = webhooks::parse_target("https://" + alias + "/hook", false, &why);
  ASSERT_TRUE(t) << why;
  auto resolved = run(io, (*strict)->resolve(*t));
  ASSERT_FALSE(resolved);
  EXPECT_TRUE(resolved.error().refused);
  EXPECT_NE(resolved.error().message.find("resolves to 127."), std::string::npos);
  auto sent = run(io, (*strict)->post("https://" + alias + ":9/hook", {}, "{}"));
  EXPECT_EQ(sent.status, 0);
  EXPECT_TRUE(sent.error.starts_with("refused: ")) << sent.error;
  // Allowed, the same name is reached (nothing listens on port 9: the connection fails).
  auto lax =
      webhooks::sender::create({.timeout = std::chrono::milliseconds(2000), .allow_private = true});
  ASSERT_TRUE(lax);
  auto tried = run(io, (*lax)->post("http://" + alias + ":9/hook", {}, "{}"));
  EXPECT_EQ(tried.status, 0);
  EXPECT_TRUE(tried.error.starts_with("connection failed")) << tried.error;
}

TEST(webhook_schedule, backoff_doubles_with_jitter_up_to_the_cap_then_gives_up) {
  config::webhooks_config cfg;
  cfg.retry_base = std::chrono::milliseconds(1000);
  cfg.retry_max = std::chrono::milliseconds(8000);
  cfg.max_age = std::chrono::hours(1);
  std::mt19937_64 rng(42);
  for (int failed = 1; failed <= 8; ++failed) {
    const long long full = std::min<long long>(1000LL << (failed - 1), 8000);
    for (int i = 0; i < 50; ++i) {
      const auto d = webhooks::backoff(failed, cfg, rng).count();
      EXPECT_GE(d, full / 2) << failed;
      EXPECT_LE(d, full) << failed;
    }
  }
  store::webhook_delivery d{.seq = 7, .attempts = 2, .created_ms = 1'000'000};
  d.endpoint.id = "whk_1";
  auto ok = webhooks::next_step(d, 204, "", 12, 1'000'500, cfg, rng);
  EXPECT_EQ(ok.state, "delivered");
  EXPECT_EQ(ok.attempt, 3);
  EXPECT_TRUE(ok.error.empty());
  auto gone = webhooks::next_step(d, 410, "the endpoint answered 410", 12, 1'000'500, cfg, rng);
  EXPECT_EQ(gone.state, "disabled");
  auto later = webhooks::next_step(d, 500, "the endpoint answered 500", 12, 1'000'500, cfg, rng);
  EXPECT_EQ(later.state, "retry");
  EXPECT_GE(later.next_attempt_ms, 1'000'500 + 2000);
  EXPECT_FALSE(later.next_attempt_at.empty());
  // A Retry-After longer than the backoff is honoured, up to retry_max.
  auto asked = webhooks::next_step(d, 429, "the endpoint answered 429", 12, 1'000'500, cfg, rng, 5);
  EXPECT_EQ(asked.state, "retry");
  EXPECT_GE(asked.next_attempt_ms, 1'000'500 + 5000);
  auto capped =
      webhooks::next_step(d, 503, "the endpoint answered 503", 12, 1'000'500, cfg, rng, 100'000);
  EXPECT_LE(capped.next_attempt_ms, 1'000'500 + 8000);
  // An hour after the event, no retry fits any more.
  auto late = webhooks::next_step(d, 0, "timeout", 12, 1'000'000 + 3'600'000 - 1000, cfg, rng);
  EXPECT_EQ(late.state, "failed");
  EXPECT_TRUE(late.next_attempt_at.empty());
}

TEST(webhook_config, defaults_values_and_problems_with_their_paths) {
  auto plain = config::load_text("log: {level: info}\n", "/tmp");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->webhooks.max_age, std::chrono::hours(72));
  EXPECT_EQ(plain->webhooks.timeout, std::chrono::milliseconds(15'000));
  EXPECT_EQ(plain->webhooks.retry_max, std::chrono::hours(10));
  EXPECT_EQ(plain->webhooks.concurrency_per_endpoint, 4);
  EXPECT_FALSE(plain->webhooks.allow_private_targets);
  EXPECT_EQ(plain->webhooks.secret_grace, std::chrono::seconds(86'400));
  auto set = config::load_text(
      "webhooks: {max_age_h: 24, timeout_ms: 2500, concurrency_per_endpoint: 2, "
      "allow_private_targets: true, secret_grace_s: 60, retry_base_ms: 100, retry_max_ms: 1000, "
      "poll_ms: 20, history_d: 7}\n",
      "/tmp");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->webhooks.max_age, std::chrono::hours(24));
  EXPECT_EQ(set->webhooks.timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(set->webhooks.concurrency_per_endpoint, 2);
  EXPECT_TRUE(set->webhooks.allow_private_targets);
  EXPECT_EQ(set->webhooks.secret_grace, std::chrono::seconds(60));
  EXPECT_EQ(set->webhooks.retry_base, std::chrono::milliseconds(100));
  EXPECT_EQ(set->webhooks.retry_max, std::chrono::milliseconds(1000));
  EXPECT_EQ(set->webhooks.poll, std::chrono::milliseconds(20));
  EXPECT_EQ(set->webhooks.history, std::chrono::hours(24 * 7));
  auto bad = config::load_text(
      "webhooks: {max_age_h: 0, concurrency_per_endpoint: 1000, allow_private_targets: maybe, "
      "retry_base_ms: 5000, retry_max_ms: 100, colour: red}\n",
      "/tmp");
  ASSERT_FALSE(bad);
  std::set<std::string> paths;
  for (const auto& p : bad.error()) paths.insert(p.path);
  EXPECT_EQ(paths, (std::set<std::string>{"webhooks.max_age_h", "webhooks.concurrency_per_endpoint",
                                          "webhooks.allow_private_targets", "webhooks.retry_max_ms",
                                          "webhooks.colour"}));
}

}  // namespace
