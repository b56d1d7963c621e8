#include "gateway/config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace parcelgate::config {
namespace {

bool has_problem(const std::vector<problem>& list, std::string_view path,
                 std::string_view text = {}) {
  for (const auto& p : list)
    if (p.path == path && p.message.find(text) != std::string::npos) return true;
  return false;
}

TEST(config, minimal_config_gets_defaults) {
  auto cfg = load_text("server: {listen: \"127.0.0.1:0\"}\n", "/srv/pg");
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ(cfg->server.http.host, "127.0.0.1");
  EXPECT_EQ(cfg->server.http.port, 0);
  EXPECT_EQ(cfg->server.http.limits.max_body_bytes, 1024u * 1024u);
  EXPECT_EQ(cfg->server.http.limits.max_header_bytes, 8192u);
  EXPECT_FALSE(cfg->server.http.tls.has_value());
  EXPECT_EQ(cfg->store.kind, "sqlite");
}

TEST(config, every_problem_is_reported_with_its_path_and_line) {
  auto cfg = load_text(
      "server:\n"
      "  listen: nowhere\n"
      "  threads: many\n"
      "  colour: blue\n"
      "store: {kind: oracle}\n"
      "bogus: 1\n",
      "/srv/pg");
  ASSERT_FALSE(cfg.has_value());
  const auto& p = cfg.error();
  EXPECT_TRUE(has_problem(p, "server.listen", "HOST:PORT"));
  EXPECT_TRUE(has_problem(p, "server.threads", "integer"));
  EXPECT_TRUE(has_problem(p, "server.colour", "unknown key"));
  EXPECT_TRUE(has_problem(p, "store.kind"));
  EXPECT_TRUE(has_problem(p, "bogus", "unknown key"));
  for (const auto& x : p) {
    if (x.path == "server.colour") {
      EXPECT_EQ(x.line, 4);
    }
  }
}

TEST(config, circuit_breaker_settings_are_read_and_checked) {
  auto defaults = load_text("server: {listen: \"127.0.0.1:0\"}\n", "/srv/pg");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->outbound.circuit_failures, 5);
  EXPECT_EQ(defaults->outbound.circuit_open, std::chrono::seconds(10));
  auto set = load_text("outbound: {circuit_breaker: {failures: 0, open_s: 30}}\n", "/srv/pg");
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->outbound.circuit_failures, 0);
  EXPECT_EQ(set->outbound.circuit_open, std::chrono::seconds(30));
  auto bad =
      load_text("outbound: {circuit_breaker: {failures: -1, open_s: 0, after: 3}}\n", "/srv/pg");
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(has_problem(bad.error(), "outbound.circuit_breaker.failures"));
  EXPECT_TRUE(has_problem(bad.error(), "outbound.circuit_breaker.open_s"));
  EXPECT_TRUE(has_problem(bad.error(), "outbound.circuit_breaker.after", "unknown key"));
}

TEST(config, postgresql_pool_timeouts_are_read_and_bounded) {
  auto defaults = load_text("store: {kind: postgresql, url: \"postgresql://u@h/db\"}\n", "/srv/pg");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->store.pool, 16);
  EXPECT_EQ(defaults->store.acquire_timeout, std::chrono::milliseconds(2'000));
  EXPECT_EQ(defaults->store.statement_timeout, std::chrono::milliseconds(5'000));
  auto set = load_text(
      "store: {kind: postgresql, url: \"postgresql://u@h/db\", pool: 4, acquire_timeout_ms: 250, "
      "statement_timeout_ms: 1500}\n",
      "/srv/pg");
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->store.pool, 4);
  EXPECT_EQ(set->store.acquire_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(set->store.statement_timeout, std::chrono::milliseconds(1'500));
  auto bad = load_text(
      "store:\n  kind: postgresql\n  url: \"postgresql://u@h/db\"\n  acquire_timeout_ms: 0\n"
      "  statement_timeout_ms: 60000\n  statement_timeout: 5s\n",
      "/srv/pg");
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(has_problem(bad.error(), "store.acquire_timeout_ms", "from 1 to 10000"));
  EXPECT_TRUE(has_problem(bad.error(), "store.statement_timeout_ms", "from 10 to 10000"));
  EXPECT_TRUE(has_problem(bad.error(), "store.statement_timeout", "unknown key"));
  for (const auto& x : bad.error())
    if (x.path == "store.statement_timeout_ms") {
      EXPECT_EQ(x.line, 5);
    }
  auto words = load_text("store: {acquire_timeout_ms: 2s}\n", "/srv/pg");
  ASSERT_FALSE(words.has_value());
  EXPECT_TRUE(has_problem(words.error(), "store.acquire_timeout_ms", "integer"));
}

TEST(config, environment_variables_are_substituted_with_defaults) {
  ::setenv("PG_TEST_LISTEN", "127.0.0.1:9999", 1);
  ::unsetenv("PG_TEST_UNSET");
  auto cfg = load_text(
      "server: {listen: \"${PG_TEST_LISTEN}\"}\n"
      "carriers:\n  colissimo: {base_url: \"${PG_TEST_UNSET:-http://127.0.0.1:1/c}\", password: "
      "x}\n",
      "/srv/pg");
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ(cfg->server.http.port, 9999);
  ASSERT_EQ(cfg->carriers.size(), 1u);
  EXPECT_EQ(cfg->carriers[0].settings.at("base_url"), "http://127.0.0.1:1/c");
}

TEST(config, a_carrier_named_without_settings_takes_its_defaults) {
  // The `local` network has no address and no credentials: `local:` alone enables it.
  auto cfg = load_text("carriers:\n  local:\n  inpost: {token: t}\n", "/srv/pg");
  ASSERT_TRUE(cfg.has_value()) << cfg.error().front().to_string();
  ASSERT_EQ(cfg->carriers.size(), 2u);
  EXPECT_EQ(cfg->carriers[0].id, "local");
  EXPECT_TRUE(cfg->carriers[0].enabled);
  EXPECT_TRUE(cfg->carriers[0].settings.empty());
  EXPECT_EQ(cfg->carriers[0].timeout, std::chrono::milliseconds(15'000));
  EXPECT_EQ(cfg->carriers[1].settings.at("token"), "t");
}

TEST(config, a_carrier_needs_no_base_url_from_the_loader) {
  // Which keys a carrier needs is its adapter's business (carriers::registry::build).
  auto cfg =
      load_text("carriers:\n  local: {network_name: \"Relais Rhone\", timeout_s: 5}\n", "/srv/pg");
  ASSERT_TRUE(cfg.has_value()) << cfg.error().front().to_string();
  ASSERT_EQ(cfg->carriers.size(), 1u);
  EXPECT_EQ(cfg->carriers[0].settings.at("network_name"), "Relais Rhone");
  EXPECT_FALSE(cfg->carriers[0].settings.contains("base_url"));
  EXPECT_EQ(cfg->carriers[0].timeout, std::chrono::seconds(5));
}

TEST(config, a_carrier_section_that_is_not_a_mapping_is_refused) {
  auto cfg = load_text("carriers:\n  local: yes\n", "/srv/pg");
  ASSERT_FALSE(cfg.has_value());
  EXPECT_TRUE(has_problem(cfg.error(), "carriers.local", "must be a mapping"));
}

TEST(config, unset_variable_without_default_is_an_error) {
  ::unsetenv("PG_TEST_UNSET");
  auto cfg = load_text("log: {level: \"${PG_TEST_UNSET}\"}\n", "/srv/pg");
  ASSERT_FALSE(cfg.has_value());
  EXPECT_TRUE(has_problem(cfg.error(), "log.level", "PG_TEST_UNSET is not set"));
}

TEST(config, relative_paths_resolve_against_the_config_folder) {
  auto cfg = load_text("store: {path: var/x.db}\n", "/srv/pg/config");
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ(cfg->store.path, "/srv/pg/config/var/x.db");
}

TEST(config, the_instance_lease_is_read_in_seconds_within_bounds) {
  auto cfg = load_text("store: {lease_s: 30}\n", "/srv/pg");
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ(cfg->store.lease, std::chrono::seconds(30));
  EXPECT_EQ(load_text("store: {}\n", "/srv/pg")->store.lease, std::chrono::seconds(10));
  for (const char* bad :
       {"store: {lease_s: 1}\n", "store: {lease_s: 601}\n", "store: {lease_s: soon}\n"}) {
    auto r = load_text(bad, "/srv/pg");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_TRUE(has_problem(r.error(), "store.lease_s")) << bad;
  }
}

TEST(config, missing_tls_files_are_reported) {
  auto cfg = load_text("server: {tls: {cert: nope.crt}}\n", "/nonexistent");
  ASSERT_FALSE(cfg.has_value());
  EXPECT_TRUE(has_problem(cfg.error(), "server.tls.key", "required"));
  EXPECT_TRUE(has_problem(cfg.error(), "server.tls.cert", "file not found"));
}

TEST(config, listen_parser_accepts_ipv6_and_rejects_garbage) {
  std::string host;
  std::uint16_t port = 0;
  EXPECT_TRUE(parse_listen("[::1]:8443", host, port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 8443);
  EXPECT_TRUE(parse_listen("localhost:80", host, port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_FALSE(parse_listen("127.0.0.1", host, port));
  EXPECT_FALSE(parse_listen("127.0.0.1:70000", host, port));
  EXPECT_FALSE(parse_listen(":80", host, port));
}

TEST(config, invalid_yaml_is_one_clear_problem) {
  auto cfg = load_text("server: [unclosed\n", "/srv");
  ASSERT_FALSE(cfg.has_value());
  ASSERT_EQ(cfg.error().size(), 1u);
  EXPECT_NE(cfg.error()[0].message.find("not valid YAML"), std::string::npos);
}

TEST(config, points_settings_are_read_and_bounded) {
  auto defaults = load_text("server: {listen: \"127.0.0.1:0\"}\n", "/srv/pg");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->points.cache_ttl, std::chrono::seconds(600));
  EXPECT_EQ(defaults->points.stale_serve, std::chrono::seconds(3600));
  EXPECT_EQ(defaults->points.network_timeout, std::chrono::milliseconds(2500));
  auto set = load_text(
      "points: {cache_ttl_s: 60, stale_serve_s: 0, network_timeout_ms: 800, cache_entries: 5}\n",
      "/srv/pg");
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->points.cache_ttl, std::chrono::seconds(60));
  EXPECT_EQ(set->points.stale_serve, std::chrono::seconds(0));
  EXPECT_EQ(set->points.network_timeout, std::chrono::milliseconds(800));
  EXPECT_EQ(set->points.cache_entries, 5);
  auto bad = load_text("points: {network_timeout_ms: 5, ttl: 3}\n", "/srv/pg");
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(has_problem(bad.error(), "points.ttl", "unknown key"));
  EXPECT_TRUE(has_problem(bad.error(), "points.network_timeout_ms"));
}

}  // namespace
}  // namespace parcelgate::config
