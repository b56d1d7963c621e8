#pragma once
// Integration test harness: real `carrier-sim` and `parcelgate` processes on loopback (port 0),
// real TLS with the dev CA, a real SQLite file in a fresh temporary folder, and a small
// synchronous HTTPS client. Readiness is read from the processes' logs, never from sleeps.

#include <sys/types.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgtest {

struct process {
  pid_t pid = -1;
  std::filesystem::path log;
  ~process();
  void signal(int sig) const;
  int wait();  // exit status (or 128+signal)
  // Waits at most `timeout`; nullopt when the process is still running.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  bool running() const;

 private:
  mutable std::optional<int> raw_status_;  // kept when running() reaps the process
};

std::unique_ptr<process> spawn(const std::vector<std::string>& argv,
                               const std::filesystem::path& log);

// Waits for a log line containing `needle`; returns the line. Fails the wait early if the
// process exits.
std::optional<std::string> wait_for_line(
    const process& p, std::string_view needle,
    std::chrono::milliseconds timeout = std::chrono::seconds(20));
// Value of a JSON string field in a log line ("url" -> "https://127.0.0.1:1234").
std::string json_field(const std::string& line, std::string_view field);

struct response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct header_list : std::vector<std::pair<std::string, std::string>> {
  using std::vector<std::pair<std::string, std::string>>::vector;
};

// One request on a fresh connection (TLS when the URL is https, verified against `ca_file`).
// status 0 means the connection failed or `timeout` (one deadline for connect, TLS, write and
// read) passed; the body says why.
response request(const std::string& base_url, const std::string& method, const std::string& target,
                 const std::string& body = {}, const header_list& headers = {},
                 const std::string& ca_file = {},
                 std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A client connection kept open across requests (HTTP/1.1 keep-alive), with raw access for tests
// of partial, slow or oversized requests. Every operation has a deadline; after a failed or
// timed-out operation the connection is closed. Not thread-safe.
class connection {
 public:
  // Connects to `base_url`; for https also completes the TLS handshake unless `tls_handshake`
  // is false (then the connection stays a bare TCP socket: a client that never starts TLS).
  connection(const std::string& base_url, const std::string& ca_file, bool tls_handshake = true,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  bool is_open() const;
  const std::string& error() const;  // why the last operation failed

  // One request and its response. keep_alive=false sends Connection: close.
  response send(const std::string& method, const std::string& target, const std::string& body = {},
                const header_list& headers = {}, bool keep_alive = true,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // The two halves of send(), for tests that act between them.
  bool write_request(const std::string& method, const std::string& target,
                     const std::string& body = {}, const header_list& headers = {},
                     bool keep_alive = true,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));
  response read_response(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Writes bytes as they are (inside TLS when the handshake was done).
  bool write_raw(std::string_view bytes,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until the peer closes the connection or `timeout` passes; `closed` tells which.
  std::string read_until_close(std::chrono::milliseconds timeout, bool* closed);
  // A slow client: writes `bytes` one at a time, one every `interval`, while reading whatever
  // the peer sends, until the peer closes the connection or `timeout` passes. Returns what was
  // received; `closed` tells whether the peer closed (or reset) the connection.
  std::string trickle(std::string_view bytes, std::chrono::milliseconds interval,
                      std::chrono::milliseconds timeout, bool* closed);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The store the stacks of this run use when a test does not choose one: "sqlite", or
// "postgresql" when PARCELGATE_TEST_STORE says so (tools/test.sh runs the integration suite once
// more that way: a throwaway cluster per test process, a fresh database per stack).
inline std::string test_store() {
  const char* v = std::getenv("PARCELGATE_TEST_STORE");
  return v && std::string(v) == "postgresql" ? "postgresql" : "sqlite";
}
std::string default_store_yaml();

struct stack_options {
  std::vector<std::string> sim_args;  // extra carrier-sim flags (faults)
  std::string extra_config;           // YAML appended to the gateway config; {sim_url} -> sim_url()
  std::string store_yaml;             // the config's store line; empty: SQLite in the test folder
  std::string circuit_breaker;        // outbound.circuit_breaker (flow map); empty = default
  bool tls = true;
  int carrier_timeout_s = 15;
  int rate_limit = 100000;
  unsigned threads = 2;  // server.threads (1: connections run without a strand)
  // Carrier credentials written into the gateway config (quoted YAML scalars, so ${VAR:-x}
  // references work). The simulators accept only the defaults.
  std::string colissimo_contract = "123456";
  std::string colissimo_password = "sandbox";
  std::string mondialrelay_enseigne = "BDTEST13";
  std::string mondialrelay_private_key = "PrivateK";
  // carriers.colissimo.points_url; empty: the simulator's point retrait service.
  std::string colissimo_points_url;
  // server.limits; 0 keeps the gateway's default.
  long long max_body_bytes = 0;
  int max_header_bytes = 0;
  int header_timeout_s = 0;
  int body_timeout_s = 0;
  int idle_timeout_s = 0;
  int max_connections = 0;
  // Extra environment ("NAME=value") of both processes, e.g. a faked clock.
  std::vector<std::string> env;
  // Deadline of each stack::call and stack::sim request.
  std::chrono::milliseconds client_timeout = std::chrono::seconds(30);
};

// A running carrier-sim + parcelgate pair with its own folder, database and logs.
class stack {
 public:
  explicit stack(stack_options options = {});
  ~stack();

  const std::string& gateway_url() const { return gateway_url_; }
  const std::string& sim_url() const { return sim_url_; }
  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& config_file() const { return config_; }
  std::string ca_file() const;

  // parcelctl keys create; returns the key. A point key is bound to `points` (comma-separated
  // point ids), kDefaultPoint when empty.
  static constexpr std::string_view kDefaultPoint = "mondialrelay:FR:020230";
  std::string create_key(const std::string& tenant, const std::string& role,
                         const std::string& points = {});
  struct key_info {
    std::string id;   // key_..., for parcelctl keys revoke
    std::string key;  // the secret
  };
  key_info create_key_info(const std::string& tenant, const std::string& role,
                           const std::string& points = {});
  // Runs parcelctl with the stack's config; returns exit code, output in `out`.
  int parcelctl(const std::vector<std::string>& args, std::string* out = nullptr);

  // A gateway request; adds Authorization when `key` is set and Content-Type: application/json
  // when there is a body and `headers` has no Content-Type.
  response call(const std::string& method, const std::string& target, const std::string& key,
                const std::string& body = {}, header_list headers = {});
  response sim(const std::string& method, const std::string& target, const std::string& body = {});

  void start_gateway();
  int kill_gateway(int sig);  // and wait for it; returns its exit status (128+signal when killed)
  void kill_sim(int sig);     // and wait for it
  process& gateway() { return *gateway_; }
  std::string gateway_log() const;

 private:
  stack_options options_;
  std::filesystem::path dir_;
  std::unique_ptr<process> sim_, gateway_;
  std::string sim_url_, gateway_url_;
  std::filesystem::path config_;
};

// Runs a program to completion with extra environment entries ("NAME=value"); returns its exit
// status and its stdout+stderr in `output`.
int run_program(const std::vector<std::string>& argv, std::string* output = nullptr,
                const std::vector<std::string>& extra_env = {});

// A fresh temporary folder, removed on destruction (kept when PGTEST_KEEP is set).
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A valid shipment body for the carrier ("colissimo" home, "mondialrelay" pickup_point, "inpost"
// home: a courier parcel from Krakow to Warszawa).
std::string shipment_body(const std::string& carrier, const std::string& reference = "order-1");

// InPost (ShipX) on the simulator, as an entry of the stack's carriers map: stack_options
// extra_config continues that map, so this goes first in it.
extern const char* const kInpostCarrierConfig;

// Today's date in `zone` ("Europe/Warsaw") moved by `days`, as YYYY-MM-DD.
std::string local_date(const std::string& zone, int days = 0);

// A POST /v1/pickups body for `carrier` at the merchant's warehouse (`address` JSON; empty: Krakow
// for inpost, Paris otherwise), `extra` members appended (", \"window\": {...}").
std::string pickup_body(const std::string& carrier, const std::string& date,
                        const std::vector<std::string>& shipment_ids, const std::string& extra = {},
                        const std::string& address = {});

}  // namespace pgtest
