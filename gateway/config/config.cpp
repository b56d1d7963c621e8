#include "gateway/config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace parcelgate::config {

namespace {

// Walks the YAML tree, collecting every problem instead of stopping at the first one.
class reader {
 public:
  explicit reader(std::vector<problem>& problems) : problems_(problems) {}

  void fail(const YAML::Node& node, const std::string& path, std::string message) {
    int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    if (line < 0) line = 0;
    problems_.push_back({path, std::move(message), line});
  }

  bool is_map(const YAML::Node& node, const std::string& path) {
    if (node.IsMap()) return true;
    fail(node, path, "must be a mapping");
    return false;
  }

  void only_keys(const YAML::Node& node, const std::string& path,
                 std::initializer_list<std::string_view> allowed) {
    for (const auto& kv : node) {
      auto key = kv.first.as<std::string>();
      bool ok = false;
      for (auto a : allowed) ok = ok || a == key;
      if (!ok) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(kv.first, join(path, key), "unknown key (allowed: " + list + ")");
      }
    }
  }

  // ${VAR} / ${VAR:-default} substitution.
  std::optional<std::string> substitute(const YAML::Node& node, const std::string& path,
                                        const std::string& in) {
    std::string out;
    std::size_t i = 0;
    while (i < in.size()) {
      auto start = in.find("${", i);
      if (start == std::string::npos) {
        out.append(in, i, std::string::npos);
        break;
      }
      out.append(in, i, start - i);
      auto end = in.find('}', start);
      if (end == std::string::npos) {
        fail(node, path, "unterminated ${ in '" + in + "'");
        return std::nullopt;
      }
      std::string expr = in.substr(start + 2, end - start - 2);
      std::string name = expr, fallback;
      bool has_default = false;
      if (auto d = expr.find(":-"); d != std::string::npos) {
        name = expr.substr(0, d);
        fallback = expr.substr(d + 2);
        has_default = true;
      }
      bool valid = !name.empty();
      for (char c : name)
        valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      if (!valid) {
        fail(node, path, "bad variable reference ${" + expr + "}");
        return std::nullopt;
      }
      const char* value = std::getenv(name.c_str());
      if (value && *value)
        out += value;
      else if (has_default)
        out += fallback;
      else {
        fail(node, path, "environment variable " + name + " is not set and has no default");
        return std::nullopt;
      }
      i = end + 1;
    }
    return out;
  }

  std::optional<std::string> text(const YAML::Node& node, const std::string& path) {
    if (!node.IsScalar()) {
      fail(node, path, "must be a scalar value");
      return std::nullopt;
    }
    return substitute(node, path, node.Scalar());
  }

  std::optional<long long> integer(const YAML::Node& node, const std::string& path, long long min,
                                   long long max) {
    auto t = text(node, path);
    if (!t) return std::nullopt;
    long long v = 0;
    auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
    if (ec != std::errc() || p != t->data() + t->size() || v < min || v > max) {
      fail(node, path,
           "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return std::nullopt;
    }
    return v;
  }

  std::optional<double> number(const YAML::Node& node, const std::string& path, double min,
                               double max) {
    auto t = text(node, path);
    if (!t) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(t->c_str(), &end);
    if (t->empty() || end != t->c_str() + t->size() || !(v >= min && v <= max)) {
      fail(node, path,
           "must be a number from " + std::to_string(min) + " to " + std::to_string(max));
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const YAML::Node& node, const std::string& path) {
    auto t = text(node, path);
    if (!t) return std::nullopt;
    if (*t == "true" || *t == "yes" || *t == "on") return true;
    if (*t == "false" || *t == "no" || *t == "off") return false;
    fail(node, path, "must be true or false");
    return std::nullopt;
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::vector<problem>& problems_;
};

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  std::filesystem::path path(p);
  return path.is_absolute() ? path : (base / path).lexically_normal();
}

void read_limits(reader& r, const YAML::Node& n, http::server_limits& limits) {
  const std::string path = "server.limits";
  if (!r.is_map(n, path)) return;
  r.only_keys(n, path,
              {"max_body_bytes", "max_header_bytes", "header_timeout_s", "body_timeout_s",
               "idle_timeout_s", "max_connections"});
  if (auto v = n["max_body_bytes"]; v) {
    if (auto x = r.integer(v, path + ".max_body_bytes", 1, 64LL << 20))
      limits.max_body_bytes = static_cast<std::size_t>(*x);
  }
  if (auto v = n["max_header_bytes"]; v) {
    if (auto x = r.integer(v, path + ".max_header_bytes", 1024, 64 * 1024))
      limits.max_header_bytes = static_cast<std::size_t>(*x);
  }
  if (auto v = n["header_timeout_s"]; v) {
    if (auto x = r.integer(v, path + ".header_timeout_s", 1, 300))
      limits.header_timeout = std::chrono::seconds(*x);
  }
  if (auto v = n["body_timeout_s"]; v) {
    if (auto x = r.integer(v, path + ".body_timeout_s", 1, 600))
      limits.body_timeout = std::chrono::seconds(*x);
  }
  if (auto v = n["idle_timeout_s"]; v) {
    if (auto x = r.integer(v, path + ".idle_timeout_s", 1, 3600))
      limits.idle_timeout = std::chrono::seconds(*x);
  }
  if (auto v = n["max_connections"]; v) {
    if (auto x = r.integer(v, path + ".max_connections", 1, 1'000'000))
      limits.max_connections = static_cast<std::size_t>(*x);
  }
}

void read_server(reader& r, const YAML::Node& n, const std::filesystem::path& base,
                 server_config& out) {
  if (!r.is_map(n, "server")) return;
  r.only_keys(n, "server", {"listen", "tls", "threads", "limits", "rate_limit", "access_log"});
  if (auto v = n["listen"]; v) {
    if (auto t = r.text(v, "server.listen")) {
      if (!parse_listen(*t, out.http.host, out.http.port))
        r.fail(v, "server.listen", "must be HOST:PORT, e.g. 127.0.0.1:8443");
    }
  }
  if (auto v = n["tls"]; v && !v.IsNull()) {
    if (r.is_map(v, "server.tls")) {
      r.only_keys(v, "server.tls", {"cert", "key"});
      http::tls_files files;
      auto cert = v["cert"], key = v["key"];
      if (!cert)
        r.fail(v, "server.tls.cert", "is required");
      else if (auto t = r.text(cert, "server.tls.cert"))
        files.cert_file = resolve(base, *t).string();
      if (!key)
        r.fail(v, "server.tls.key", "is required");
      else if (auto t = r.text(key, "server.tls.key"))
        files.key_file = resolve(base, *t).string();
      out.http.tls = files;
    }
  }
  if (auto v = n["threads"]; v) {
    if (auto x = r.integer(v, "server.threads", 0, 256)) out.threads = static_cast<unsigned>(*x);
  }
  if (auto v = n["limits"]; v) read_limits(r, v, out.http.limits);
  if (auto v = n["rate_limit"]; v) {
    if (r.is_map(v, "server.rate_limit")) {
      r.only_keys(v, "server.rate_limit", {"requests_per_s", "burst"});
      if (auto x = v["requests_per_s"]; x)
        if (auto d = r.number(x, "server.rate_limit.requests_per_s", 0, 1e9))
          out.rate_limit.requests_per_s = *d;
      if (auto x = v["burst"]; x)
        if (auto d = r.number(x, "server.rate_limit.burst", 1, 1e9)) out.rate_limit.burst = *d;
    }
  }
  if (auto v = n["access_log"]; v)
    if (auto b = r.boolean(v, "server.access_log")) out.access_log = *b;
}

void read_store(reader& r, const YAML::Node& n, const std::filesystem::path& base,
                store_config& out) {
  if (!r.is_map(n, "store")) return;
  r.only_keys(n, "store",
              {"kind", "path", "url", "pool", "acquire_timeout_ms", "statement_timeout_ms",
               "blocking_threads", "lease_s"});
  if (auto v = n["kind"]; v) {
    if (auto t = r.text(v, "store.kind")) {
      if (*t == "sqlite" || *t == "postgresql")
        out.kind = *t;
      else
        r.fail(v, "store.kind", "must be sqlite or postgresql");
    }
  }
  if (auto v = n["path"]; v)
    if (auto t = r.text(v, "store.path")) out.path = resolve(base, *t);
  if (auto v = n["url"]; v)
    if (auto t = r.text(v, "store.url")) out.url = *t;
  if (out.kind == "postgresql" && out.url.empty())
    r.fail(n, "store.url",
           "is required with kind postgresql: a libpq URI such as "
           "postgresql://parcelgate:${PGPASSWORD}@db:5432/parcelgate");
  if (out.kind == "postgresql" && !out.url.empty() && !out.url.starts_with("postgresql://") &&
      !out.url.starts_with("postgres://"))
    r.fail(n["url"], "store.url", "must be a libpq URI starting with postgresql://");
  if (auto v = n["pool"]; v)
    if (auto x = r.integer(v, "store.pool", 1, 256)) out.pool = static_cast<int>(*x);
  if (auto v = n["acquire_timeout_ms"]; v)
    if (auto x = r.integer(v, "store.acquire_timeout_ms", 1, 10'000))
      out.acquire_timeout = std::chrono::milliseconds(*x);
  // At most the store's own deadline on one round trip (10 s): past it the gateway gives up on
  // the connection first, and the server would keep running a statement nobody waits for.
  if (auto v = n["statement_timeout_ms"]; v)
    if (auto x = r.integer(v, "store.statement_timeout_ms", 10, 10'000))
      out.statement_timeout = std::chrono::milliseconds(*x);
  if (auto v = n["blocking_threads"]; v)
    if (auto x = r.integer(v, "store.blocking_threads", 1, 64))
      out.blocking_threads = static_cast<unsigned>(*x);
  if (auto v = n["lease_s"]; v)
    if (auto x = r.integer(v, "store.lease_s", 2, 600)) out.lease = std::chrono::seconds(*x);
}

void read_carriers(reader& r, const YAML::Node& n, std::vector<carrier_config>& out) {
  if (n.IsNull()) return;
  if (!r.is_map(n, "carriers")) return;
  for (const auto& kv : n) {
    carrier_config c;
    c.id = kv.first.as<std::string>();
    const std::string path = "carriers." + c.id;
    const YAML::Node& body = kv.second;
    // `local:` with nothing under it: a carrier whose settings all have defaults (the `local`
    // network needs no address or credentials) is named and takes them.
    if (body.IsNull()) {
      out.push_back(std::move(c));
      continue;
    }
    if (!r.is_map(body, path)) continue;
    for (const auto& item : body) {
      auto key = item.first.as<std::string>();
      const std::string key_path = path + "." + key;
      if (key == "enabled") {
        if (auto b = r.boolean(item.second, key_path)) c.enabled = *b;
      } else if (key == "timeout_s") {
        if (auto x = r.integer(item.second, key_path, 1, 300)) c.timeout = std::chrono::seconds(*x);
      } else if (auto t = r.text(item.second, key_path)) {
        c.settings[key] = *t;
        c.lines[key] = item.first.Mark().line + 1;
      }
    }
    out.push_back(std::move(c));
  }
}

}  // namespace

std::string problem::to_string() const {
  return path + (line > 0 ? " (line " + std::to_string(line) + ")" : "") + ": " + message;
}

bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port) {
  std::string_view h, p;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return false;
    h = text.substr(1, close - 1);
    p = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    h = text.substr(0, colon);
    p = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (h.empty() || p.empty() || ec != std::errc() || end != p.data() + p.size() || value > 65535)
    return false;
  host = h == "localhost" ? "127.0.0.1" : std::string(h);
  port = static_cast<std::uint16_t>(value);
  return true;
}

load_result load_text(const std::string& yaml, const std::filesystem::path& base_dir,
                      config* partial) {
  std::vector<problem> problems;
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    problems.push_back({"", "not valid YAML: " + e.msg, e.mark.line >= 0 ? e.mark.line + 1 : 0});
    return std::unexpected(std::move(problems));
  }
  config cfg;
  reader r(problems);
  if (!root.IsMap()) {
    problems.push_back({"", "the config must be a YAML mapping", 0});
    return std::unexpected(std::move(problems));
  }
  r.only_keys(root, "",
              {"server", "log", "store", "outbound", "carriers", "tariffs", "idempotency",
               "tracking", "webhooks", "points"});
  if (auto v = root["server"]; v) read_server(r, v, base_dir, cfg.server);
  if (auto v = root["log"]; v && r.is_map(v, "log")) {
    r.only_keys(v, "log", {"level"});
    if (auto l = v["level"]; l)
      if (auto t = r.text(l, "log.level"); t && !telemetry::parse_log_level(*t, cfg.log_level))
        r.fail(l, "log.level", "must be one of debug, info, warn, error");
  }
  if (auto v = root["store"]; v) read_store(r, v, base_dir, cfg.store);
  if (auto v = root["outbound"]; v && r.is_map(v, "outbound")) {
    r.only_keys(v, "outbound", {"ca_file", "circuit_breaker"});
    if (auto cb = v["circuit_breaker"]; cb && r.is_map(cb, "outbound.circuit_breaker")) {
      r.only_keys(cb, "outbound.circuit_breaker", {"failures", "open_s"});
      if (auto x = cb["failures"]; x)
        if (auto n = r.integer(x, "outbound.circuit_breaker.failures", 0, 1000))
          cfg.outbound.circuit_failures = static_cast<int>(*n);
      if (auto x = cb["open_s"]; x)
        if (auto n = r.integer(x, "outbound.circuit_breaker.open_s", 1, 3600))
          cfg.outbound.circuit_open = std::chrono::seconds(*n);
    }
    if (auto f = v["ca_file"]; f)
      if (auto t = r.text(f, "outbound.ca_file"); t && !t->empty()) {
        cfg.outbound.ca_file = resolve(base_dir, *t);
        std::error_code ec;
        if (!std::filesystem::is_regular_file(cfg.outbound.ca_file, ec))
          r.fail(f, "outbound.ca_file", "file not found: " + cfg.outbound.ca_file.string());
      }
  }
  if (auto v = root["carriers"]; v) read_carriers(r, v, cfg.carriers);
  if (auto v = root["tariffs"]; v)
    if (auto t = r.text(v, "tariffs")) cfg.tariffs = resolve(base_dir, *t);
  if (auto v = root["idempotency"]; v && r.is_map(v, "idempotency")) {
    r.only_keys(v, "idempotency", {"retention_h"});
    if (auto x = v["retention_h"]; x)
      if (auto h = r.integer(x, "idempotency.retention_h", 24, 24 * 90))
        cfg.idempotency.retention = std::chrono::hours(*h);
  }
  if (auto v = root["tracking"]; v && r.is_map(v, "tracking")) {
    r.only_keys(v, "tracking",
                {"first_poll_after_s", "poll_interval_s", "max_age_days", "push_retention_days"});
    if (auto x = v["first_poll_after_s"]; x)
      if (auto n = r.integer(x, "tracking.first_poll_after_s", 0, 7 * 86400))
        cfg.tracking.first_poll_after = std::chrono::seconds(*n);
    if (auto x = v["poll_interval_s"]; x)
      if (auto n = r.integer(x, "tracking.poll_interval_s", 1, 7 * 86400))
        cfg.tracking.poll_interval = std::chrono::seconds(*n);
    if (auto x = v["max_age_days"]; x)
      if (auto n = r.integer(x, "tracking.max_age_days", 1, 365)) cfg.tracking.max_age_days = *n;
    if (auto x = v["push_retention_days"]; x)
      if (auto n = r.integer(x, "tracking.push_retention_days", 1, 365))
        cfg.tracking.push_retention_days = *n;
  }
  if (auto v = root["points"]; v && r.is_map(v, "points")) {
    auto& p = cfg.points;
    r.only_keys(v, "points",
                {"cache_ttl_s", "stale_serve_s", "network_timeout_ms", "cache_entries"});
    if (auto x = v["cache_ttl_s"]; x)
      if (auto n = r.integer(x, "points.cache_ttl_s", 0, 7 * 86400))
        p.cache_ttl = std::chrono::seconds(*n);
    if (auto x = v["stale_serve_s"]; x)
      if (auto n = r.integer(x, "points.stale_serve_s", 0, 30 * 86400))
        p.stale_serve = std::chrono::seconds(*n);
    if (auto x = v["network_timeout_ms"]; x)
      if (auto n = r.integer(x, "points.network_timeout_ms", 100, 60'000))
        p.network_timeout = std::chrono::milliseconds(*n);
    if (auto x = v["cache_entries"]; x)
      if (auto n = r.integer(x, "points.cache_entries", 0, 10'000'000)) p.cache_entries = *n;
  }
  if (auto v = root["webhooks"]; v && r.is_map(v, "webhooks")) {
    auto& w = cfg.webhooks;
    r.only_keys(v, "webhooks",
                {"max_age_h", "timeout_ms", "concurrency_per_endpoint", "allow_private_targets",
                 "secret_grace_s", "retry_base_ms", "retry_max_ms", "poll_ms", "history_d"});
    if (auto x = v["max_age_h"]; x)
      if (auto n = r.integer(x, "webhooks.max_age_h", 1, 24 * 30))
        w.max_age = std::chrono::hours(*n);
    if (auto x = v["timeout_ms"]; x)
      if (auto n = r.integer(x, "webhooks.timeout_ms", 100, 60'000))
        w.timeout = std::chrono::milliseconds(*n);
    if (auto x = v["concurrency_per_endpoint"]; x)
      if (auto n = r.integer(x, "webhooks.concurrency_per_endpoint", 1, 64))
        w.concurrency_per_endpoint = static_cast<int>(*n);
    if (auto x = v["allow_private_targets"]; x)
      if (auto b = r.boolean(x, "webhooks.allow_private_targets")) w.allow_private_targets = *b;
    if (auto x = v["secret_grace_s"]; x)
      if (auto n = r.integer(x, "webhooks.secret_grace_s", 0, 30 * 86'400))
        w.secret_grace = std::chrono::seconds(*n);
    if (auto x = v["retry_base_ms"]; x)
      if (auto n = r.integer(x, "webhooks.retry_base_ms", 10, 3'600'000))
        w.retry_base = std::chrono::milliseconds(*n);
    if (auto x = v["retry_max_ms"]; x)
      if (auto n = r.integer(x, "webhooks.retry_max_ms", 10, 24 * 3'600'000LL))
        w.retry_max = std::chrono::milliseconds(*n);
    if (auto x = v["poll_ms"]; x)
      if (auto n = r.integer(x, "webhooks.poll_ms", 10, 60'000))
        w.poll = std::chrono::milliseconds(*n);
    if (auto x = v["history_d"]; x)
      if (auto n = r.integer(x, "webhooks.history_d", 1, 3650))
        w.history = std::chrono::hours(24 * *n);
    if (w.retry_max < w.retry_base)
      r.fail(v, "webhooks.retry_max_ms", "must not be less than webhooks.retry_base_ms");
  }
  if (cfg.server.http.tls) {
    for (const auto& [what, file] : {std::pair{"server.tls.cert", cfg.server.http.tls->cert_file},
                                     std::pair{"server.tls.key", cfg.server.http.tls->key_file}}) {
      std::error_code ec;
      if (!file.empty() && !std::filesystem::is_regular_file(file, ec))
        problems.push_back({what, "file not found: " + file + " (run certs/make-dev-certs.sh)", 0});
    }
  }
  if (!problems.empty()) {
    if (partial) *partial = std::move(cfg);
    return std::unexpected(std::move(problems));
  }
  return cfg;
}

load_result load_file(const std::filesystem::path& file, config* partial) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return std::unexpected(std::vector<problem>{{file.string(), "cannot read the config file", 0}});
  std::stringstream ss;
  ss << in.rdbuf();
  auto base = std::filesystem::absolute(file).parent_path();
  auto cfg = load_text(ss.str(), base, partial);
  if (cfg) cfg->file = std::filesystem::absolute(file);
  return cfg;
}

}  // namespace parcelgate::config
