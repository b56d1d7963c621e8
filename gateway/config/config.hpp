#pragma once
// Typed configuration of the gateway, loaded from YAML (config/parcelgate.yaml).
//
// Loading is all-or-nothing: every problem is collected with its path and line
// ("server.limits.max_body_bytes (line 7): must be a positive integer") and the caller reports
// them all and exits. `${VAR}` and `${VAR:-default}` in scalar values are substituted from the
// environment; unknown keys are errors; relative paths resolve against the config file's folder.

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/carriers/adapter.hpp"
#include "gateway/http/server.hpp"
#include "gateway/telemetry/log.hpp"

namespace parcelgate::config {

struct problem {
  std::string path;  // "carriers.colissimo.base_url"
  std::string message;
  int line = 0;  // 1-based, 0 when unknown
  std::string to_string() const;
};

struct rate_limit_config {
  double requests_per_s = 100;  // per API key; 0 disables
  double burst = 200;
};

struct server_config {
  http::server_options http;  // listen address, TLS files, limits
  unsigned threads = 0;       // I/O threads; 0 = one per core
  rate_limit_config rate_limit;
  bool access_log = true;
};

struct store_config {
  std::string kind = "sqlite";                       // sqlite | postgresql
  std::filesystem::path path = "var/parcelgate.db";  // sqlite
  std::string url;                                   // postgresql: libpq URI
  int pool = 16;                                     // postgresql: connections
  // postgresql: how long a request waits for a free connection (then 503 + Retry-After)
  std::chrono::milliseconds acquire_timeout{2'000};
  // postgresql: the server cancels a statement running longer (then 503 + Retry-After)
  std::chrono::milliseconds statement_timeout{5'000};
  unsigned blocking_threads = 8;
  // How long an instance's lease lives without renewal: after a crash, its purchases in flight
  // are recovered by another instance this long after its last renewal (renewed every third).
  std::chrono::seconds lease{10};
};

struct outbound_config {
  std::filesystem::path ca_file;  // trusted in addition to the system store
  int circuit_failures =
      5;  // consecutive failed calls that pause calls to a carrier origin (0 = never)
  std::chrono::seconds circuit_open{10};  // how long; then one probe call decides
};

struct carrier_config {
  std::string id;
  bool enabled = true;
  std::chrono::milliseconds timeout{15'000};      // deadline of one carrier operation
  carriers::carrier_settings settings;            // adapter-specific keys, checked by the adapter
  std::map<std::string, int, std::less<>> lines;  // key -> line, for error messages
};

struct idempotency_config {
  std::chrono::hours retention{24};
};

// Scan tracking (DESIGN §4): when shipments are polled, and how long raw pushes are kept.
struct tracking_config {
  std::chrono::seconds first_poll_after{600};  // after the label is bought
  std::chrono::seconds poll_interval{1800};    // the base interval; adapted per parcel
  int max_age_days = 60;                       // a parcel older than this is no longer polled
  int push_retention_days = 30;                // processed carrier pushes kept this long
};

// Collection-point search (GET /v1/points, docs/points.md): how long the networks' answers are
// kept, and how long one network may take before the others are answered without it.
struct points_config {
  std::chrono::seconds cache_ttl{600};      // an answer is fresh this long
  std::chrono::seconds stale_serve{3600};   // then served while it is fetched again, this long
  std::chrono::milliseconds network_timeout{2500};  // per network and query
  int cache_entries = 20'000;               // query areas kept; the least recently used go first
};

// Outgoing webhooks (docs/webhooks.md).
struct webhooks_config {
  std::chrono::hours max_age{72};             // a delivery is retried this long, then given up
  std::chrono::milliseconds timeout{15'000};  // one attempt: connect, TLS, request, response head
  int concurrency_per_endpoint = 4;           // attempts in flight to one endpoint at once
  // Lets webhooks go to loopback, private and link-local addresses and over plain http (tests,
  // development); never in production.
  bool allow_private_targets = false;
  std::chrono::seconds secret_grace{86'400};        // the old secret still signs after a rotation
  std::chrono::milliseconds retry_base{5'000};      // first retry about this long after a failure
  std::chrono::milliseconds retry_max{36'000'000};  // backoff cap (10 h)
  std::chrono::milliseconds poll{250};              // how often due deliveries are looked for
  std::chrono::hours history{24 * 30};  // finished deliveries and their attempts are kept this long
};

struct config {
  std::filesystem::path file;
  server_config server;
  telemetry::log_level log_level = telemetry::log_level::info;
  store_config store;
  outbound_config outbound;
  std::vector<carrier_config> carriers;
  std::filesystem::path tariffs;
  idempotency_config idempotency;
  tracking_config tracking;
  webhooks_config webhooks;
  points_config points;
};

using load_result = std::expected<config, std::vector<problem>>;

// When loading fails and `partial` is given, it receives what could be read, so that later
// checks (carrier settings against their adapters) can still report their problems too.
load_result load_file(const std::filesystem::path& file, config* partial = nullptr);
// For tests: `base_dir` stands for the config file's folder.
load_result load_text(const std::string& yaml, const std::filesystem::path& base_dir,
                      config* partial = nullptr);

// Parses "host:port" / "[v6]:port".
bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port);

}  // namespace parcelgate::config
