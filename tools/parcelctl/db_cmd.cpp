// `parcelctl db status|migrate` (see db_cmd.hpp). Both stores answer the same three questions:
// which version the database is at, which versions this code knows, and which it would apply.
// PostgreSQL migrates under its advisory lock (store/pg/schema.cpp), SQLite through the store's
// own migrate; both refuse a database newer than the code.

#include "tools/parcelctl/db_cmd.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/store/migrations.hpp"
#include "gateway/store/pg/pg_store.hpp"
#include "gateway/store/pg/schema.hpp"
#include "gateway/store/sqlite/schema.hpp"
#include "gateway/store/store.hpp"
#include "tools/parcelctl/run_on.hpp"

namespace parcelgate::parcelctl {

namespace {

constexpr int kUpToDate = 0;
constexpr int kFailed = 1;
constexpr int kNewerOrUsage = 2;
constexpr int kPending = 3;

struct schema_state {
  int database_version = 0;
  int code_version = 0;
  std::vector<int> pending;
};

struct named_migration {
  int version = 0;
  std::string name;
};

// What the db commands need of a store.
struct schema_access {
  std::string kind;                    // sqlite | postgresql
  std::string where;                   // the file, or nothing for PostgreSQL (no password shown)
  std::vector<named_migration> known;  // this code's migrations
  std::function<std::expected<schema_state, std::string>()> status;
  std::function<std::expected<int, std::string>()> migrate;  // how many were applied
};

schema_access sqlite_access(const config::config& cfg) {
  const store::sqlite_options options{.path = cfg.store.path.string(), .busy_timeout_ms = 10000};
  schema_access a{
      .kind = "sqlite", .where = options.path, .known = {}, .status = {}, .migrate = {}};
  for (const auto& m : store::sqlite_migrations())
    a.known.push_back(named_migration{.version = m.version, .name = std::string(m.name)});
  a.status = [options]() -> std::expected<schema_state, std::string> {
    auto s = store::sqlite::read_schema_status(options);
    if (!s) return std::unexpected(s.error().carrier_message);
    return schema_state{.database_version = s->database_version,
                        .code_version = s->code_version,
                        .pending = s->pending};
  };
  a.migrate = [options]() -> std::expected<int, std::string> {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(options.path).parent_path(), ec);
    auto db = store::open_sqlite(options);
    if (!db) return std::unexpected(db.error().carrier_message);
    auto applied = (*db)->migrate();
    if (!applied) return std::unexpected(applied.error().carrier_message);
    return *applied;
  };
  return a;
}

// The PostgreSQL store and the context its connections run on; the store goes first.
struct pg_handle {
  explicit pg_handle(const std::string& url)
      : io(), db(io.get_executor(), store::pg::pg_store_options{.url = url, .pool = 1}) {}
  boost::asio::io_context io;
  store::pg::pg_store db;
};

schema_access postgresql_access(const config::config& cfg) {
  auto pg = std::make_shared<pg_handle>(cfg.store.url);
  schema_access a{.kind = "postgresql", .where = {}, .known = {}, .status = {}, .migrate = {}};
  for (const auto& m : store::pg::migrations())
    a.known.push_back(named_migration{.version = m.version, .name = std::string(m.name)});
  a.status = [pg]() -> std::expected<schema_state, std::string> {
    auto s = run_on(pg->io, pg->db.schema());
    if (!s) return std::unexpected(s.error().message);
    return schema_state{.database_version = s->database_version,
                        .code_version = s->code_version,
                        .pending = s->pending};
  };
  a.migrate = [pg]() -> std::expected<int, std::string> {
    auto applied = run_on(pg->io, pg->db.migrate());
    if (!applied) return std::unexpected(applied.error().message);
    return *applied;
  };
  return a;
}

std::string name_of(const schema_access& a, int version) {
  for (const auto& m : a.known)
    if (m.version == version) return m.name;
  return {};
}

boost::json::array versions_json(const schema_access& a, const std::vector<int>& versions) {
  boost::json::array out;
  for (int v : versions)
    out.push_back(boost::json::object{{"version", v}, {"name", name_of(a, v)}});
  return out;
}

void print_versions(const schema_access& a, const std::vector<int>& versions) {
  for (int v : versions) std::printf("  %d  %s\n", v, name_of(a, v).c_str());
}

std::string newer_message(const schema_state& s) {
  return "the database schema is at version " + std::to_string(s.database_version) +
         ", newer than this parcelgate (which knows up to version " +
         std::to_string(s.code_version) +
         "): upgrade parcelgate and its parcelctl, or point them at another database; nothing "
         "was changed";
}

void print_store(const schema_access& a) {
  std::printf("store: %s%s%s\n", a.kind.c_str(), a.where.empty() ? "" : " ", a.where.c_str());
}

int status(const schema_access& a, bool json) {
  auto s = a.status();
  if (!s) {
    std::fprintf(stderr, "cannot reach the database: %s\n", s.error().c_str());
    return kFailed;
  }
  const bool newer = s->database_version > s->code_version;
  const char* state = newer ? "newer" : s->pending.empty() ? "up_to_date" : "pending";
  if (json) {
    std::printf("%s\n", boost::json::serialize(
                            boost::json::object{{"store", a.kind},
                                                {"database_version", s->database_version},
                                                {"code_version", s->code_version},
                                                {"state", state},
                                                {"pending", versions_json(a, s->pending)}})
                            .c_str());
  } else {
    print_store(a);
    std::printf("database schema version: %d%s\n", s->database_version,
                s->database_version == 0 ? " (no schema yet)" : "");
    std::printf("code schema version: %d\n", s->code_version);
    if (!newer && s->pending.empty()) std::printf("up to date\n");
    if (!s->pending.empty()) {
      std::printf("pending migrations (parcelctl db migrate applies them):\n");
      print_versions(a, s->pending);
    }
  }
  if (newer) {
    std::fprintf(stderr, "%s\n", newer_message(*s).c_str());
    return kNewerOrUsage;
  }
  return s->pending.empty() ? kUpToDate : kPending;
}

int migrate(const schema_access& a, bool json) {
  auto before = a.status();
  if (!before) {
    std::fprintf(stderr, "cannot reach the database: %s\n", before.error().c_str());
    return kFailed;
  }
  if (before->database_version > before->code_version) {
    std::fprintf(stderr, "%s\n", newer_message(*before).c_str());
    return kNewerOrUsage;
  }
  auto applied = a.migrate();
  if (!applied) {
    std::fprintf(stderr, "migration failed: %s\n", applied.error().c_str());
    return kFailed;
  }
  auto after = a.status();
  if (!after) {
    std::fprintf(stderr, "cannot read the schema after migrating: %s\n", after.error().c_str());
    return kFailed;
  }
  // What this run changed: pending before, not pending now.
  std::vector<int> done;
  for (int v : before->pending)
    if (std::find(after->pending.begin(), after->pending.end(), v) == after->pending.end())
      done.push_back(v);
  if (json) {
    std::printf("%s\n", boost::json::serialize(
                            boost::json::object{{"store", a.kind},
                                                {"applied", versions_json(a, done)},
                                                {"database_version", after->database_version},
                                                {"code_version", after->code_version}})
                            .c_str());
  } else {
    print_store(a);
    if (done.empty()) {
      std::printf("nothing to apply: the schema is at version %d\n", after->database_version);
    } else {
      std::printf("applied %d migration(s):\n", *applied);
      print_versions(a, done);
      std::printf("the schema is at version %d\n", after->database_version);
    }
  }
  if (!after->pending.empty()) {
    std::fprintf(stderr, "migrations still pending after migrating\n");
    return kFailed;
  }
  return kUpToDate;
}

}  // namespace

const char* db_usage() noexcept {
  return "  db status [--json]       schema versions and pending migrations (exit 0 up to date,\n"
         "                           3 pending, 2 database newer than parcelctl, 1 unreachable)\n"
         "  db migrate [--json]      apply pending migrations (refuses a newer database)\n";
}

int db_command(const config::config& cfg, const std::vector<std::string>& args) {
  const bool json = args.size() == 2 && args[1] == "--json";
  if (args.empty() || args.size() > 2 || (args.size() == 2 && !json)) {
    std::fprintf(stderr, "usage:\n%s", db_usage());
    return kNewerOrUsage;
  }
  if (args[0] != "status" && args[0] != "migrate") {
    std::fprintf(stderr, "usage:\n%s", db_usage());
    return kNewerOrUsage;
  }
  const auto access = cfg.store.kind == "postgresql" ? postgresql_access(cfg) : sqlite_access(cfg);
  return args[0] == "status" ? status(access, json) : migrate(access, json);
}

}  // namespace parcelgate::parcelctl
