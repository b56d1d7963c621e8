// Configuration as validated data (DESIGN §2 "Config is data", §8) and key management with
// parcelctl (DESIGN §4 "Auth"): `parcelgate --check-config` lists every problem with its path,
// ${VAR} / ${VAR:-default} substitution, and parcelctl keys create / list / revoke.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "harness.hpp"
#include "test_support.hpp"

namespace {

using pgtest::describe;
using pgtest::run_program;
using pgtest::stack;
using pgtest::stack_options;
using pgtest::temp_dir;

// A config that passes every check, with `carriers` as given.
std::string valid_config(const std::string& listen = "127.0.0.1:0",
                         const std::string& carriers = {}) {
  const std::string certs = CERTS_DIR;
  std::string out =
      "server:\n  listen: \"" + listen + "\"\n  tls: {cert: \"" + certs + "/server.crt\", key: \"" +
      certs +
      "/server.key\"}\n  threads: 1\n  limits: {max_body_bytes: 1048576, header_timeout_s: 10}\n"
      "store: {kind: sqlite, path: var/parcelgate.db}\n"
      "outbound: {ca_file: \"" +
      certs +
      "/ca.crt\"}\n"
      "carriers:\n";
  out += carriers.empty() ? "  colissimo: {base_url: \"https://127.0.0.1:9443/colissimo\", "
                            "contract_number: \"123456\", "
                            "password: sandbox}\n"
                            "  mondialrelay: {base_url: \"https://127.0.0.1:9443/mondialrelay\", "
                            "enseigne: BDTEST13, "
                            "private_key: PrivateK}\n"
                          : carriers;
  return out;
}

// Whether --check-config output has a problem line for `path` ("  server.listen (line 2): ...").
bool reported(const std::string& out, const std::string& path) {
  return out.find("  " + path + ": ") != std::string::npos ||
         out.find("  " + path + " (line ") != std::string::npos;
}

class config_check : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& yaml,
                              const std::string& name = "parcelgate.yaml") {
    auto file = dir_.path() / name;
    std::ofstream(file) << yaml;
    return file;
  }
  int check(const std::filesystem::path& file, std::string* out,
            const std::vector<std::string>& env = {}) {
    return run_program({PARCELGATE_BIN, "--config", file.string(), "--check-config"}, out, env);
  }
  temp_dir dir_;
};

TEST_F(config_check, valid_config_passes_and_exits_0) {
  std::string out;
  EXPECT_EQ(check(write(valid_config()), &out), 0) << out;
  EXPECT_NE(out.find("valid"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "var" / "parcelgate.db"))
      << "--check-config created the store";
}

TEST_F(config_check, an_unreachable_postgresql_database_is_a_store_url_problem) {
  std::string yaml = valid_config();
  const std::string sqlite_line = "store: {kind: sqlite, path: var/parcelgate.db}\n";
  yaml.replace(
      yaml.find(sqlite_line), sqlite_line.size(),
      "store: {kind: postgresql, url: \"postgresql://nobody@%2Fnonexistent-socket-dir:5432/x\"}\n");
  std::string out;
  EXPECT_EQ(check(write(yaml), &out), 2) << out;
  EXPECT_TRUE(reported(out, "store.url")) << out;
  EXPECT_NE(out.find("cannot reach the database"), std::string::npos) << out;
  std::string no_url = valid_config();
  no_url.replace(no_url.find(sqlite_line), sqlite_line.size(), "store: {kind: postgresql}\n");
  EXPECT_EQ(check(write(no_url, "no-url.yaml"), &out), 2) << out;
  EXPECT_TRUE(reported(out, "store.url")) << out;
  EXPECT_NE(out.find("is required with kind postgresql"), std::string::npos) << out;
}

TEST_F(config_check, shipped_default_config_is_valid) {
  std::string out;
  EXPECT_EQ(check(std::filesystem::path(SOURCE_DIR) / "config" / "parcelgate.yaml", &out), 0)
      << out;
}

TEST_F(config_check, every_problem_is_reported_with_its_path) {
  const std::string yaml = R"(server:
  listen: "nowhere"
  threads: many
  limits: {max_body_bytes: -1, header_timeout_s: 0, speed: fast}
colour: red
store: {kind: sqlite, path: var/parcelgate.db}
carriers:
  ups: {base_url: "https://127.0.0.1:9443/ups"}
  colissimo: {base_url: "https://127.0.0.1:9443/colissimo", password: sandbox}
  mondialrelay: {base_url: "https://127.0.0.1:9443/mondialrelay", enseigne: BDTEST13, private_key: "${PGTEST_SURELY_UNSET_VAR}"}
)";
  std::string out;
  EXPECT_EQ(check(write(yaml), &out, {"PGTEST_SURELY_UNSET_VAR="}), 2) << out;
  for (const auto* path :
       {"server.listen", "server.threads", "server.limits.max_body_bytes",
        "server.limits.header_timeout_s", "server.limits.speed", "colour",
        "carriers.mondialrelay.private_key", "carriers.ups", "carriers.colissimo.contract_number"})
    EXPECT_TRUE(reported(out, path)) << "problem at " << path << " not reported:\n" << out;
  EXPECT_NE(out.find("PGTEST_SURELY_UNSET_VAR"), std::string::npos) << out;
}

TEST_F(config_check, carrier_problems_are_all_reported) {
  const std::string carriers =
      "  ups: {base_url: \"https://127.0.0.1:9443/ups\"}\n"
      "  colissimo: {base_url: \"ftp://nowhere\", password: sandbox, colour: red}\n"
      "  mondialrelay: {base_url: \"https://127.0.0.1:9443/mondialrelay\", private_key: PrivateK, "
      "timeout_s: 0}\n";
  std::string out;
  EXPECT_EQ(check(write(valid_config("127.0.0.1:0", carriers)), &out), 2) << out;
  for (const auto* path : {"carriers.ups", "carriers.colissimo.base_url",
                           "carriers.colissimo.contract_number", "carriers.colissimo.colour",
                           "carriers.mondialrelay.enseigne", "carriers.mondialrelay.timeout_s"})
    EXPECT_TRUE(reported(out, path)) << "problem at " << path << " not reported:\n" << out;
}

TEST_F(config_check, problems_carry_line_numbers) {
  std::string out;
  EXPECT_EQ(check(write(valid_config("not-a-listen-address")), &out), 2) << out;
  EXPECT_NE(out.find("server.listen (line 2)"), std::string::npos) << out;
}

TEST_F(config_check, check_config_never_prints_secrets) {
  const std::string carriers =
      "  colissimo: {base_url: \"ftp://nowhere\", contract_number: \"123456\", password: "
      "\"Sup3rS3cretPassw0rd\"}\n"
      "  mondialrelay: {base_url: \"https://127.0.0.1:9443/mondialrelay\", enseigne: BAD, "
      "private_key: \"An0therS3cret\"}\n";
  std::string out;
  EXPECT_EQ(check(write(valid_config("127.0.0.1:0", carriers)), &out), 2) << out;
  EXPECT_EQ(out.find("Sup3rS3cretPassw0rd"), std::string::npos) << out;
  EXPECT_EQ(out.find("An0therS3cret"), std::string::npos) << out;
}

TEST_F(config_check, gateway_refuses_to_start_with_a_bad_config) {
  std::string out;
  auto file =
      write(valid_config("127.0.0.1:0", "  ups: {base_url: \"https://127.0.0.1:9443/ups\"}\n"));
  EXPECT_EQ(run_program({PARCELGATE_BIN, "--config", file.string()}, &out), 2) << out;
  EXPECT_NE(out.find("carriers.ups"), std::string::npos) << out;
  EXPECT_EQ(out.find("listening"), std::string::npos) << "half-started: " << out;
}

TEST_F(config_check, environment_variables_are_substituted_with_defaults) {
  std::string out;
  auto with_good_default =
      write(valid_config("${PGTEST_LISTEN:-127.0.0.1:0}"), "good-default.yaml");
  auto with_bad_default =
      write(valid_config("${PGTEST_LISTEN:-not-an-address}"), "bad-default.yaml");
  auto without_default = write(valid_config("${PGTEST_LISTEN}"), "no-default.yaml");
  // Unset: the default is used.
  EXPECT_EQ(check(with_good_default, &out, {"PGTEST_LISTEN="}), 0) << out;
  EXPECT_EQ(check(with_bad_default, &out, {"PGTEST_LISTEN="}), 2) << out;
  EXPECT_NE(out.find("server.listen"), std::string::npos) << out;
  EXPECT_EQ(check(without_default, &out, {"PGTEST_LISTEN="}), 2) << out;
  EXPECT_NE(out.find("PGTEST_LISTEN"), std::string::npos) << out;
  // Set: the variable wins over the default.
  EXPECT_EQ(check(with_bad_default, &out, {"PGTEST_LISTEN=127.0.0.1:0"}), 0) << out;
  EXPECT_EQ(check(with_good_default, &out, {"PGTEST_LISTEN=still-not-an-address"}), 2) << out;
  EXPECT_EQ(check(without_default, &out, {"PGTEST_LISTEN=127.0.0.1:0"}), 0) << out;
  // Several references and literal text around them.
  auto composed =
      write(valid_config("${PGTEST_HOST:-127.0.0.1}:${PGTEST_PORT:-0}"), "composed.yaml");
  EXPECT_EQ(check(composed, &out, {"PGTEST_HOST=", "PGTEST_PORT="}), 0) << out;
  EXPECT_EQ(check(composed, &out, {"PGTEST_HOST=", "PGTEST_PORT=99999"}), 2) << out;
}

// The substituted value is what reaches the carrier: the simulator accepts only "sandbox".
TEST(config_substitution, carrier_secret_comes_from_the_environment_or_its_default) {
  ::unsetenv("PGTEST_COLISSIMO_PASSWORD");
  stack_options options;
  options.colissimo_password = "${PGTEST_COLISSIMO_PASSWORD:-sandbox}";
  {
    stack env(options);
    auto key = env.create_key("acme", "merchant");
    auto r = env.call("POST", "/v1/shipments", key, pgtest::shipment_body("colissimo"),
                      {{"Idempotency-Key", "env-1"}});
    EXPECT_EQ(r.status, 201) << "the default was not used: " << describe(r);
  }
  ::setenv("PGTEST_COLISSIMO_PASSWORD", "wrong-password", 1);
  {
    stack env(options);
    auto key = env.create_key("acme", "merchant");
    auto r = env.call("POST", "/v1/shipments", key, pgtest::shipment_body("colissimo"),
                      {{"Idempotency-Key", "env-2"}});
    pgtest::expect_problem(r, 502, "carrier-auth-failed");
  }
  ::unsetenv("PGTEST_COLISSIMO_PASSWORD");
}

class parcelctl_keys : public ::testing::Test {
 protected:
  void SetUp() override { env_ = std::make_unique<stack>(); }
  std::string list(bool json) {
    std::string out;
    std::vector<std::string> args{"keys", "list"};
    if (json) args.push_back("--json");
    EXPECT_EQ(env_->parcelctl(args, &out), 0) << out;
    return out;
  }
  std::unique_ptr<stack> env_;
};

TEST_F(parcelctl_keys, created_keys_have_the_documented_format_and_work) {
  const std::regex format("^pg_(merchant|point|ops)_[0-9A-Za-z]{30}$");
  for (const auto* role : {"merchant", "point", "ops"}) {
    SCOPED_TRACE(role);
    auto info = env_->create_key_info("acme", role);
    EXPECT_TRUE(std::regex_match(info.key, format)) << info.key;
    EXPECT_TRUE(info.key.starts_with(std::string("pg_") + role + "_"));
    EXPECT_TRUE(info.id.starts_with("key_")) << info.id;
    EXPECT_EQ(env_->call("GET", "/v1/carriers", info.key).status, 200);
  }
  // Plain output: the key once on stdout, nothing else that looks like a key.
  std::string out;
  ASSERT_EQ(env_->parcelctl({"keys", "create", "--tenant", "acme", "--role", "merchant", "--name",
                             "back office"},
                            &out),
            0);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("pg_merchant_[0-9A-Za-z]{30}"))) << out;
  const std::string key = m.str();
  EXPECT_EQ(out.find(key, out.find(key) + 1), std::string::npos) << "the key is printed twice";
  EXPECT_EQ(env_->call("GET", "/v1/carriers", key).status, 200);
}

TEST_F(parcelctl_keys, list_shows_hints_and_never_a_key) {
  std::vector<pgtest::stack::key_info> keys;
  for (const auto* role : {"merchant", "point", "ops"})
    keys.push_back(env_->create_key_info("acme", role));
  keys.push_back(env_->create_key_info("globex", "merchant"));
  const auto plain = list(false), json = list(true);
  for (const auto& k : keys) {
    SCOPED_TRACE(k.id);
    const std::string secret_part = k.key.substr(k.key.size() - 26);  // beyond any hint
    for (const auto* out : {&plain, &json}) {
      EXPECT_EQ(out->find(k.key), std::string::npos) << "keys list shows a key:\n" << *out;
      EXPECT_EQ(out->find(secret_part), std::string::npos) << "keys list shows most of a key:\n"
                                                           << *out;
      EXPECT_NE(out->find(k.id), std::string::npos) << *out;
    }
  }
  auto entries = pgtest::parse_json(json);
  ASSERT_TRUE(entries.is_array()) << json;
  ASSERT_EQ(entries.as_array().size(), keys.size());
  for (const auto& e : entries.as_array()) {
    const auto& o = e.as_object();
    const std::string id(o.at("id").as_string());
    auto it = std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.id == id; });
    ASSERT_NE(it, keys.end()) << id;
    EXPECT_TRUE(o.at("revoked_at").is_null());
    EXPECT_FALSE(o.at("created_at").as_string().empty());
    EXPECT_EQ(std::string(o.at("role").as_string()), it->key.substr(3, it->key.find('_', 3) - 3));
    std::string hint(o.at("hint").as_string());
    if (auto ellipsis = hint.find("\xe2\x80\xa6"); ellipsis != std::string::npos)
      hint.erase(ellipsis);
    EXPECT_TRUE(it->key.starts_with(hint)) << "the hint " << hint << " is not the key's beginning";
    EXPECT_LE(hint.size() + 20, it->key.size()) << "the hint shows too much of the key: " << hint;
  }
}

TEST_F(parcelctl_keys, revoke_marks_the_key_and_the_gateway_refuses_it) {
  auto doomed = env_->create_key_info("acme", "merchant");
  auto other = env_->create_key_info("acme", "merchant");
  std::string out;
  ASSERT_EQ(env_->parcelctl({"keys", "revoke", doomed.id}, &out), 0) << out;
  auto entries = pgtest::parse_json(list(true));
  for (const auto& e : entries.as_array()) {
    const auto& o = e.as_object();
    if (o.at("id").as_string() == doomed.id) {
      EXPECT_TRUE(o.at("revoked_at").is_string());
    }
    if (o.at("id").as_string() == other.id) {
      EXPECT_TRUE(o.at("revoked_at").is_null());
    }
  }
  EXPECT_TRUE(pgtest::eventually(
      [&] { return env_->call("GET", "/v1/carriers", doomed.key).status == 401; },
      std::chrono::seconds(15)));
  EXPECT_EQ(env_->call("GET", "/v1/carriers", other.key).status, 200);
  // Revoking twice, or an id that does not exist, is an error.
  EXPECT_NE(env_->parcelctl({"keys", "revoke", doomed.id}, &out), 0) << out;
  EXPECT_NE(env_->parcelctl({"keys", "revoke", "key_doesnotexist0000"}, &out), 0) << out;
}

TEST_F(parcelctl_keys, bad_arguments_are_refused_and_create_nothing) {
  const auto before = list(true);
  std::string out;
  EXPECT_EQ(
      env_->parcelctl({"keys", "create", "--tenant", "Acme Inc!", "--role", "merchant"}, &out), 2)
      << out;
  EXPECT_EQ(env_->parcelctl({"keys", "create", "--tenant", "acme", "--role", "admin"}, &out), 2)
      << out;
  EXPECT_EQ(env_->parcelctl({"keys", "create", "--tenant", "acme"}, &out), 2) << out;
  EXPECT_EQ(env_->parcelctl({"keys", "create", "--role", "merchant"}, &out), 2) << out;
  EXPECT_EQ(env_->parcelctl({"keys", "create", "--tenant", "", "--role", "merchant"}, &out), 2)
      << out;
  EXPECT_EQ(env_->parcelctl({"keys", "frobnicate"}, &out), 2) << out;
  EXPECT_EQ(env_->parcelctl({"keys", "revoke"}, &out), 2) << out;
  EXPECT_EQ(list(true), before);
}

}  // namespace
