// parcelctl db status|migrate on both stores, chosen by the config's store.kind as for `keys`: a
// fresh database, an up-to-date one, one at an older version with migrations pending (built
// from the store's migration list), one newer than the code, and one that cannot be reached.
// Exit codes: 0 up to date, 3 pending, 2 newer than the code, 1 unreachable.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <boost/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/store/migrations.hpp"
#include "gateway/store/pg/schema.hpp"
#include "harness.hpp"
#include "pg_cluster.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

struct ctl_result {
  int code = -1;
  std::string out;  // stdout and stderr
  // The JSON line of a --json run.
  json::object document() const {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
      if (line.starts_with("{")) return json::parse(line).as_object();
    ADD_FAILURE() << "no JSON line in:\n" << out;
    return {};
  }
};

std::vector<int> versions(const json::value& list) {
  std::vector<int> out;
  for (const auto& m : list.as_array()) out.push_back(static_cast<int>(m.at("version").as_int64()));
  return out;
}

std::vector<int> sqlite_versions() {
  std::vector<int> out;
  for (const auto& m : parcelgate::store::sqlite_migrations()) out.push_back(m.version);
  return out;
}

int sqlite_code_version() {
  return parcelgate::store::sqlite_migrations().back().version;
}

// Runs SQL on a SQLite file; returns the first column of the last row (or an error text).
std::string sqlite_sql(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string last;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) return "cannot open";
  char* err = nullptr;
  sqlite3_exec(
      db, sql.c_str(),
      [](void* out, int n, char** values, char**) {
        *static_cast<std::string*>(out) = n > 0 && values[0] ? values[0] : "";
        return 0;
      },
      &last, &err);
  if (err) {
    last = std::string("error: ") + err;
    sqlite3_free(err);
  }
  sqlite3_close(db);
  return last;
}

// A SQLite file as the migrations up to `version` left it, built from the migration list.
void sqlite_at_version(const fs::path& file, int version) {
  std::string sql =
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at TEXT NOT NULL);";
  for (const auto& m : parcelgate::store::sqlite_migrations()) {
    if (m.version > version) break;
    sql += std::string(m.sql) + ";INSERT INTO schema_migrations VALUES (" +
           std::to_string(m.version) + ", '" + std::string(m.name) + "', '2026-11-01T00:00:00Z');";
  }
  ASSERT_EQ(sqlite_sql(file, sql), "");
}

class parcelctl_db : public ::testing::Test {
 protected:
  // parcelctl db ARGS with a config whose only setting is `store_yaml`.
  ctl_result db(const std::string& store_yaml, const std::vector<std::string>& args) {
    const auto config = dir_.path() / "parcelgate.yaml";
    std::ofstream(config) << store_yaml;
    std::vector<std::string> argv{PARCELCTL_BIN, "--config", config.string(), "db"};
    argv.insert(argv.end(), args.begin(), args.end());
    ctl_result r;
    r.code = pgtest::run_program(argv, &r.out);
    return r;
  }
  ctl_result sqlite_db(const std::vector<std::string>& args) {
    return db("store: {kind: sqlite, path: data/parcelgate.db}\n", args);
  }
  fs::path sqlite_file() const { return dir_.path() / "data" / "parcelgate.db"; }

  pgtest::temp_dir dir_;
};

TEST_F(parcelctl_db, sqlite_fresh_then_migrated_then_up_to_date) {
  auto status = sqlite_db({"status", "--json"});
  EXPECT_EQ(status.code, 3) << status.out;
  auto doc = status.document();
  EXPECT_EQ(doc["store"].as_string(), "sqlite");
  EXPECT_EQ(doc["database_version"].as_int64(), 0);
  EXPECT_EQ(doc["code_version"].as_int64(), sqlite_code_version());
  EXPECT_EQ(doc["state"].as_string(), "pending");
  EXPECT_EQ(versions(doc["pending"]), sqlite_versions());
  EXPECT_FALSE(fs::exists(sqlite_file())) << "status created the database";

  auto plain = sqlite_db({"status"});
  EXPECT_EQ(plain.code, 3) << plain.out;
  for (const auto& m : parcelgate::store::sqlite_migrations())
    EXPECT_NE(plain.out.find(std::to_string(m.version) + "  " + std::string(m.name)),
              std::string::npos)
        << plain.out;

  auto migrated = sqlite_db({"migrate", "--json"});
  ASSERT_EQ(migrated.code, 0) << migrated.out;
  EXPECT_EQ(versions(migrated.document()["applied"]), sqlite_versions());
  EXPECT_EQ(migrated.document()["database_version"].as_int64(), sqlite_code_version());
  EXPECT_EQ(sqlite_sql(sqlite_file(), "SELECT count(*) FROM schema_migrations"),
            std::to_string(sqlite_versions().size()));

  auto now = sqlite_db({"status", "--json"});
  EXPECT_EQ(now.code, 0) << now.out;
  EXPECT_EQ(now.document()["state"].as_string(), "up_to_date");
  EXPECT_TRUE(now.document()["pending"].as_array().empty());
  auto again = sqlite_db({"migrate"});
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_NE(again.out.find("nothing to apply"), std::string::npos) << again.out;
}

TEST_F(parcelctl_db, sqlite_at_an_older_version_lists_and_applies_only_what_is_missing) {
  fs::create_directories(sqlite_file().parent_path());
  // The version before the last in the list (versions may skip a number another change owns).
  const auto list = parcelgate::store::sqlite_migrations();
  ASSERT_GE(list.size(), 2u);
  const int older = list[list.size() - 2].version;
  sqlite_at_version(sqlite_file(), older);
  ASSERT_EQ(sqlite_sql(sqlite_file(), "INSERT INTO tenants VALUES ('acme', 't')"), "");

  auto status = sqlite_db({"status", "--json"});
  EXPECT_EQ(status.code, 3) << status.out;
  auto doc = status.document();
  EXPECT_EQ(doc["database_version"].as_int64(), older);
  EXPECT_EQ(versions(doc["pending"]), std::vector<int>{sqlite_code_version()});
  EXPECT_EQ(doc["pending"].as_array()[0].at("name").as_string(),
            parcelgate::store::sqlite_migrations().back().name);

  auto migrated = sqlite_db({"migrate"});
  ASSERT_EQ(migrated.code, 0) << migrated.out;
  EXPECT_NE(migrated.out.find("applied 1 migration(s)"), std::string::npos) << migrated.out;
  EXPECT_NE(migrated.out.find(std::to_string(sqlite_code_version()) + "  " +
                              std::string(parcelgate::store::sqlite_migrations().back().name)),
            std::string::npos)
      << migrated.out;
  std::string all;
  for (int v : sqlite_versions()) all += (all.empty() ? "" : ",") + std::to_string(v);
  EXPECT_EQ(sqlite_sql(sqlite_file(), "SELECT group_concat(version) FROM schema_migrations"), all);
  EXPECT_EQ(sqlite_sql(sqlite_file(), "SELECT id FROM tenants"), "acme");
  EXPECT_EQ(sqlite_db({"status"}).code, 0);
}

TEST_F(parcelctl_db, sqlite_newer_than_the_code_is_reported_and_left_alone) {
  fs::create_directories(sqlite_file().parent_path());
  sqlite_at_version(sqlite_file(), sqlite_code_version());
  ASSERT_EQ(sqlite_sql(sqlite_file(), "INSERT INTO schema_migrations VALUES (999, 'future', 't')"),
            "");
  const std::string message = "the database schema is at version 999, newer than this parcelgate";

  auto status = sqlite_db({"status", "--json"});
  EXPECT_EQ(status.code, 2) << status.out;
  EXPECT_EQ(status.document()["state"].as_string(), "newer");
  EXPECT_EQ(status.document()["database_version"].as_int64(), 999);
  EXPECT_NE(status.out.find(message), std::string::npos) << status.out;

  auto migrated = sqlite_db({"migrate"});
  EXPECT_EQ(migrated.code, 2) << migrated.out;
  EXPECT_NE(migrated.out.find(message), std::string::npos) << migrated.out;
  EXPECT_EQ(sqlite_sql(sqlite_file(), "SELECT count(*) FROM schema_migrations"),
            std::to_string(sqlite_versions().size() + 1));
}

// The gateway runs the same migrate at start: on a newer file it stops with the same message
// instead of serving from tables it does not know.
TEST_F(parcelctl_db, a_gateway_on_a_sqlite_file_newer_than_the_code_refuses_to_start) {
  fs::create_directories(sqlite_file().parent_path());
  sqlite_at_version(sqlite_file(), sqlite_code_version());
  ASSERT_EQ(sqlite_sql(sqlite_file(), "INSERT INTO schema_migrations VALUES (999, 'future', 't')"),
            "");
  const auto config = dir_.path() / "gateway.yaml";
  std::ofstream(config) << "server: {listen: \"127.0.0.1:0\"}\n"
                           "store: {kind: sqlite, path: data/parcelgate.db}\n";
  const auto log = dir_.path() / "gateway.log";
  auto gateway = pgtest::spawn({PARCELGATE_BIN, "--config", config.string()}, log);
  const auto status = gateway->wait_for(std::chrono::seconds(20));
  if (!status) {
    gateway->signal(SIGKILL);
    gateway->wait();
  }
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_TRUE(status.has_value()) << "the gateway started on a newer database:\n" << text.str();
  EXPECT_EQ(*status, 1) << text.str();
  EXPECT_NE(text.str().find("the database schema is at version 999, newer than this parcelgate"),
            std::string::npos)
      << text.str();
  EXPECT_EQ(sqlite_sql(sqlite_file(), "SELECT count(*) FROM schema_migrations"),
            std::to_string(sqlite_versions().size() + 1));
}

TEST_F(parcelctl_db, sqlite_file_that_is_not_a_database_is_unreachable) {
  fs::create_directories(sqlite_file().parent_path());
  const std::string text = "not a database, only text long enough for SQLite to look at it\n";
  std::ofstream(sqlite_file()) << text;
  for (const char* command : {"status", "migrate"}) {
    auto r = sqlite_db({command});
    EXPECT_EQ(r.code, 1) << command << ": " << r.out;
    EXPECT_NE(r.out.find("not a database"), std::string::npos) << r.out;
  }
  std::ifstream in(sqlite_file());
  std::stringstream kept;
  kept << in.rdbuf();
  EXPECT_EQ(kept.str(), text);
}

TEST_F(parcelctl_db, bad_arguments_are_refused) {
  EXPECT_EQ(sqlite_db({}).code, 2);
  EXPECT_EQ(sqlite_db({"upgrade"}).code, 2);
  EXPECT_EQ(sqlite_db({"status", "--yaml"}).code, 2);
  EXPECT_FALSE(fs::exists(sqlite_file()));
}

class parcelctl_db_postgresql : public parcelctl_db {
 protected:
  static void SetUpTestSuite() {
    cluster_ = std::make_unique<pgtest::pg_cluster>();
    ASSERT_TRUE(cluster_->ok()) << cluster_->error();
  }
  static void TearDownTestSuite() { cluster_.reset(); }
  ctl_result pg_db(const std::string& url, const std::vector<std::string>& args) {
    return db("store: {kind: postgresql, url: \"" + url + "\", pool: 2}\n", args);
  }
  static std::unique_ptr<pgtest::pg_cluster> cluster_;
};
std::unique_ptr<pgtest::pg_cluster> parcelctl_db_postgresql::cluster_;

TEST_F(parcelctl_db_postgresql, fresh_then_migrated_then_up_to_date) {
  const auto url = cluster_->create_database("ctl_fresh");
  std::vector<int> all;
  for (const auto& m : parcelgate::store::pg::migrations()) all.push_back(m.version);
  const int code = parcelgate::store::pg::code_schema_version();

  auto status = pg_db(url, {"status", "--json"});
  EXPECT_EQ(status.code, 3) << status.out;
  auto doc = status.document();
  EXPECT_EQ(doc["store"].as_string(), "postgresql");
  EXPECT_EQ(doc["database_version"].as_int64(), 0);
  EXPECT_EQ(doc["code_version"].as_int64(), code);
  EXPECT_EQ(versions(doc["pending"]), all);
  EXPECT_EQ(cluster_->psql("ctl_fresh", "SELECT to_regclass('shipments') IS NULL"), "t")
      << "status created tables";

  auto migrated = pg_db(url, {"migrate"});
  ASSERT_EQ(migrated.code, 0) << migrated.out;
  for (const auto& m : parcelgate::store::pg::migrations())
    EXPECT_NE(migrated.out.find(std::to_string(m.version) + "  " + std::string(m.name)),
              std::string::npos)
        << migrated.out;
  EXPECT_EQ(cluster_->psql("ctl_fresh", "SELECT max(version) FROM schema_migrations"),
            std::to_string(code));
  EXPECT_EQ(cluster_->psql("ctl_fresh", "SELECT to_regclass('shipments') IS NOT NULL"), "t");

  auto now = pg_db(url, {"status", "--json"});
  EXPECT_EQ(now.code, 0) << now.out;
  EXPECT_EQ(now.document()["state"].as_string(), "up_to_date");
  auto again = pg_db(url, {"migrate", "--json"});
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_TRUE(again.document()["applied"].as_array().empty()) << again.out;
}

// A database as the first PostgreSQL migration left it (built from the migration list with psql),
// while this code knows more.
TEST_F(parcelctl_db_postgresql, an_older_database_lists_and_applies_only_what_is_missing) {
  const auto& all = parcelgate::store::pg::migrations();
  ASSERT_GE(all.size(), 2u) << "needs a code with at least two PostgreSQL migrations";
  const auto url = cluster_->create_database("ctl_older");
  std::string sql =
      "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
      "applied_at timestamptz NOT NULL DEFAULT now());";
  for (auto statement : all[0].statements) sql += std::string(statement) + ";";
  sql += "INSERT INTO schema_migrations (version, name) VALUES (" + std::to_string(all[0].version) +
         ", 'first'); INSERT INTO tenants VALUES ('acme', 't');";
  cluster_->psql("ctl_older", sql);
  ASSERT_EQ(cluster_->psql("ctl_older", "SELECT max(version) FROM schema_migrations"),
            std::to_string(all[0].version));
  std::vector<int> missing;
  for (std::size_t i = 1; i < all.size(); ++i) missing.push_back(all[i].version);

  auto status = pg_db(url, {"status", "--json"});
  EXPECT_EQ(status.code, 3) << status.out;
  auto doc = status.document();
  EXPECT_EQ(doc["database_version"].as_int64(), all[0].version);
  EXPECT_EQ(versions(doc["pending"]), missing);
  EXPECT_EQ(doc["pending"].as_array()[0].at("name").as_string(), all[1].name);

  auto migrated = pg_db(url, {"migrate", "--json"});
  ASSERT_EQ(migrated.code, 0) << migrated.out;
  EXPECT_EQ(versions(migrated.document()["applied"]), missing);
  EXPECT_EQ(cluster_->psql("ctl_older", "SELECT max(version) FROM schema_migrations"),
            std::to_string(parcelgate::store::pg::code_schema_version()));
  EXPECT_EQ(cluster_->psql("ctl_older", "SELECT id FROM tenants"), "acme");
  EXPECT_EQ(pg_db(url, {"status"}).code, 0);
}

TEST_F(parcelctl_db_postgresql, newer_than_the_code_is_reported_and_left_alone) {
  const auto url = cluster_->create_database("ctl_newer");
  ASSERT_EQ(pg_db(url, {"migrate"}).code, 0);
  cluster_->psql("ctl_newer", "INSERT INTO schema_migrations (version, name) VALUES (999, 'x')");
  const std::string message = "the database schema is at version 999, newer than this parcelgate";

  auto status = pg_db(url, {"status", "--json"});
  EXPECT_EQ(status.code, 2) << status.out;
  EXPECT_EQ(status.document()["state"].as_string(), "newer");
  EXPECT_NE(status.out.find(message), std::string::npos) << status.out;
  auto migrated = pg_db(url, {"migrate"});
  EXPECT_EQ(migrated.code, 2) << migrated.out;
  EXPECT_NE(migrated.out.find(message), std::string::npos) << migrated.out;
  EXPECT_EQ(cluster_->psql("ctl_newer", "SELECT count(*) FROM schema_migrations"),
            std::to_string(parcelgate::store::pg::migrations().size() + 1));
}

TEST_F(parcelctl_db_postgresql, an_unreachable_database_exits_1_without_hanging) {
  // A socket folder where no server listens.
  std::string host;
  for (char c : (dir_.path() / "no-server").string())
    host += c == '/' ? std::string("%2F") : std::string(1, c);
  const std::string url = "postgresql://parcelgate@" + host + ":5432/parcelgate";
  for (const char* command : {"status", "migrate"}) {
    const auto start = std::chrono::steady_clock::now();
    auto r = pg_db(url, {command});
    EXPECT_EQ(r.code, 1) << command << ": " << r.out;
    EXPECT_NE(r.out.find("cannot reach the database"), std::string::npos) << r.out;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15)) << command;
  }
}

}  // namespace
