// parcelctl — operations CLI. Reads the same config as the server.
//   parcelctl [--config FILE] keys create --tenant T --role merchant|point|ops [--name TEXT]
//       [--points ID,ID...] [--json]     (--points: required for role point, refused otherwise)
//   parcelctl [--config FILE] keys list [--json]
//   parcelctl [--config FILE] keys revoke KEY_ID
//   parcelctl [--config FILE] db status|migrate [--json]   (see db_cmd.hpp)
//   parcelctl tariffs check DIR | tariffs quote ...          (see tariffs_cmd.hpp)

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/api/api_keys.hpp"
#include "gateway/config/config.hpp"
#include "gateway/domain/ids.hpp"
#include "gateway/store/pg/pg_store.hpp"
#include "gateway/store/store.hpp"
#include "gateway/tariffs/text_width.hpp"
#include "tools/parcelctl/db_cmd.hpp"
#include "tools/parcelctl/run_on.hpp"
#include "tools/parcelctl/tariffs_cmd.hpp"

using namespace parcelgate;

namespace {

int usage() {
  std::fprintf(
      stderr,
      "usage: parcelctl [--config FILE] <command>\n"
      "  keys create --tenant TENANT --role merchant|point|ops [--name TEXT]\n"
      "              [--points CARRIER:CC:ID,...] [--json]\n"
      "      create an API key (the tenant is created on first use); the key is printed once.\n"
      "      A point key acts for the collection points of --points only (required for it,\n"
      "      refused for the other roles), e.g. mondialrelay:FR:020230,colissimo:FR:123456\n"
      "  keys list [--json]       list keys (ids, tenants, roles, hints, names; never the keys)\n"
      "  keys revoke KEY_ID       revoke a key (the gateway stops accepting it within 5 s)\n"
      "%s"
      "%s"
      "The config defaults to config/parcelgate.yaml.\n",
      parcelctl::db_usage(), parcelctl::tariffs_usage());
  return 2;
}

// The key operations of the configured store, SQLite or PostgreSQL.
struct key_store {
  std::function<result<void>(const store::api_key&)> create;
  std::function<result<std::vector<store::api_key>>()> list;
  std::function<result<bool>(const std::string& id, const std::string& at)> revoke;
};

using parcelctl::run_on;

std::optional<config::config> load_config(const std::string& config_file) {
  auto cfg = config::load_file(config_file);
  if (!cfg) {
    std::fprintf(stderr, "%s: %zu configuration problem(s):\n", config_file.c_str(),
                 cfg.error().size());
    for (const auto& p : cfg.error()) std::fprintf(stderr, "  %s\n", p.to_string().c_str());
    return std::nullopt;
  }
  return std::move(*cfg);
}

std::optional<key_store> open_store(const std::optional<config::config>& cfg) {
  if (!cfg) return std::nullopt;
  if (cfg->store.kind == "postgresql") {
    auto io = std::make_shared<boost::asio::io_context>();
    auto pg = std::make_shared<store::pg::pg_store>(
        io->get_executor(), store::pg::pg_store_options{.url = cfg->store.url, .pool = 1});
    if (auto m = run_on(*io, pg->migrate()); !m) {
      std::fprintf(stderr, "PostgreSQL store unavailable or not migrated: %s\n",
                   m.error().message.c_str());
      return std::nullopt;
    }
    return key_store{
        .create = [io, pg](const store::api_key& k) { return run_on(*io, pg->create_api_key(k)); },
        .list = [io, pg] { return run_on(*io, pg->list_api_keys()); },
        .revoke = [io, pg](
                      const std::string& id,
                      const std::string& at) { return run_on(*io, pg->revoke_api_key(id, at)); }};
  }
  std::error_code ec;
  std::filesystem::create_directories(cfg->store.path.parent_path(), ec);
  auto db = store::open_sqlite({.path = cfg->store.path.string(), .busy_timeout_ms = 10000});
  if (!db) {
    std::fprintf(stderr, "cannot open %s: %s\n", cfg->store.path.c_str(),
                 db.error().carrier_message.c_str());
    return std::nullopt;
  }
  if (auto m = (*db)->migrate(); !m) {
    std::fprintf(stderr, "migration failed: %s\n", m.error().carrier_message.c_str());
    return std::nullopt;
  }
  std::shared_ptr<store::store> sqlite(std::move(*db));
  return key_store{
      .create = [sqlite](const store::api_key& k) { return sqlite->create_api_key(k); },
      .list = [sqlite] { return sqlite->list_api_keys(); },
      .revoke = [sqlite](const std::string& id,
                         const std::string& at) { return sqlite->revoke_api_key(id, at); }};
}

boost::json::array points_json(const std::vector<std::string>& points) {
  boost::json::array out;
  for (const auto& p : points) out.emplace_back(p);
  return out;
}

int keys_create(key_store& db, const std::vector<std::string>& args) {
  std::string tenant, role_text, name;
  std::optional<std::string> points_text;
  bool json = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--tenant" && i + 1 < args.size())
      tenant = args[++i];
    else if (args[i] == "--points" && i + 1 < args.size())
      points_text = args[++i];
    else if (args[i] == "--role" && i + 1 < args.size())
      role_text = args[++i];
    else if (args[i] == "--name" && i + 1 < args.size())
      name = args[++i];
    else if (args[i] == "--json")
      json = true;
    else
      return usage();
  }
  auto role = store::parse_role(role_text);
  if (!api::valid_tenant_id(tenant)) {
    std::fprintf(
        stderr,
        "--tenant: 1-64 characters of a-z, 0-9, _ and -, starting with a letter or digit\n");
    return 2;
  }
  if (!role) {
    std::fprintf(stderr, "--role: must be merchant, point or ops\n");
    return 2;
  }
  std::vector<std::string> points;
  if (*role == store::role::point) {
    if (!points_text) {
      std::fprintf(stderr,
                   "--points: required for a point key (the collection points it acts for, e.g. "
                   "mondialrelay:FR:020230,colissimo:FR:123456)\n");
      return 2;
    }
    std::string why;
    auto parsed = api::parse_point_list(*points_text, &why);
    if (!parsed) {
      std::fprintf(stderr, "--points: %s\n", why.c_str());
      return 2;
    }
    points = std::move(*parsed);
  } else if (points_text) {
    std::fprintf(stderr, "--points: only a point key is bound to collection points\n");
    return 2;
  }
  auto key = api::generate_api_key(tenant, *role, name);
  key.record.points = points;
  if (auto r = db.create(key.record); !r) {
    std::fprintf(stderr, "cannot store the key: %s\n", r.error().carrier_message.c_str());
    return 1;
  }
  if (json) {
    boost::json::object out{
        {"id", key.record.id}, {"tenant", tenant}, {"role", role_text}, {"key", key.secret}};
    if (!points.empty()) out["points"] = points_json(points);
    std::printf("%s\n", boost::json::serialize(out).c_str());
  } else {
    std::printf("%s\n", key.secret.c_str());
    std::fprintf(stderr, "created %s (tenant %s, role %s); the key above is shown only once\n",
                 key.record.id.c_str(), tenant.c_str(), role_text.c_str());
  }
  return 0;
}

int keys_list(key_store& db, bool json) {
  auto keys = db.list();
  if (!keys) {
    std::fprintf(stderr, "cannot list keys: %s\n", keys.error().carrier_message.c_str());
    return 1;
  }
  if (json) {
    boost::json::array out;
    for (const auto& k : *keys)
      out.push_back(boost::json::object{
          {"id", k.id},
          {"tenant", k.tenant},
          {"role", store::to_string(k.key_role)},
          {"hint", k.hint},
          {"name", k.name},
          {"created_at", k.created_at},
          {"points", points_json(k.points)},
          {"revoked_at",
           k.revoked_at.empty() ? boost::json::value(nullptr) : boost::json::value(k.revoked_at)}});
    std::printf("%s\n", boost::json::serialize(out).c_str());
    return 0;
  }
  // Columns padded to the widest value by display width, so that names with accents or
  // East Asian characters keep the columns aligned.
  std::vector<std::vector<std::string>> rows{
      {"ID", "TENANT", "ROLE", "NAME", "HINT", "CREATED", "REVOKED", "POINTS"}};
  for (const auto& k : *keys)
    rows.push_back({k.id, k.tenant, std::string(store::to_string(k.key_role)),
                    k.name.empty() ? "-" : k.name, k.hint, k.created_at,
                    k.revoked_at.empty() ? "-" : k.revoked_at,
                    k.points.empty() ? "-" : store::join_points(k.points)});
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i)
      width[i] = std::max(width[i], tariffs::display_width(r[i]));
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - tariffs::display_width(r[i]) + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_file = "config/parcelgate.yaml";
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc)
      config_file = argv[++i];
    else if (a == "--help" || a == "-h")
      return usage(), 0;
    else
      args.push_back(a);
  }
  if (!args.empty() && args[0] == "tariffs")
    return parcelctl::tariffs_command(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!args.empty() && args[0] == "db") {
    auto cfg = load_config(config_file);
    if (!cfg) return 1;
    return parcelctl::db_command(*cfg, std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (args.size() < 2 || args[0] != "keys") return usage();
  auto db = open_store(load_config(config_file));
  if (!db) return 1;
  std::vector<std::string> rest(args.begin() + 2, args.end());
  if (args[1] == "create") return keys_create(*db, rest);
  if (args[1] == "list") return keys_list(*db, rest.size() == 1 && rest[0] == "--json");
  if (args[1] == "revoke" && rest.size() == 1) {
    auto r = db->revoke(rest[0], now_rfc3339());
    if (!r)
      return std::fprintf(stderr, "cannot revoke: %s\n", r.error().carrier_message.c_str()), 1;
    if (!*r) return std::fprintf(stderr, "no active key %s\n", rest[0].c_str()), 1;
    std::fprintf(stderr, "revoked %s\n", rest[0].c_str());
    return 0;
  }
  return usage();
}
