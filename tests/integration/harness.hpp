#pragma once
// Integration test harness: real `carrier-sim` and `parcelgate` processes on loopback (port 0),
// real TLS with the dev CA, a real SQLite file in a fresh temporary folder, and a small
// synchronous HTTPS client. Readiness is read from the processes' logs, never from sleeps.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pgtest {

struct process {
  pid_t pid = -1;
  std::filesystem::path log;
  ~process();
  void signal(int sig) const;
  int wait();  // exit status (or 128+signal)
  bool running() const;
};

std::unique_ptr<process> spawn(const std::vector<std::string>& argv, const std::filesystem::path& log);

// Waits for a log line containing `needle`; returns the line. Fails the wait early if the
// process exits.
std::optional<std::string> wait_for_line(const process& p, std::string_view needle,
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
// status 0 means the connection failed (body says why).
response request(const std::string& base_url, const std::string& method, const std::string& target,
                 const std::string& body = {}, const header_list& headers = {},
                 const std::string& ca_file = {}, std::chrono::milliseconds timeout = std::chrono::seconds(30));

struct stack_options {
  std::vector<std::string> sim_args;          // extra carrier-sim flags (faults)
  std::string extra_config;                   // YAML appended to the gateway config
  bool tls = true;
  int carrier_timeout_s = 15;
  int rate_limit = 100000;
};

// A running carrier-sim + parcelgate pair with its own folder, database and logs.
class stack {
 public:
  explicit stack(stack_options options = {});
  ~stack();

  const std::string& gateway_url() const { return gateway_url_; }
  const std::string& sim_url() const { return sim_url_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string ca_file() const;

  // parcelctl keys create; returns the key.
  std::string create_key(const std::string& tenant, const std::string& role);
  // Runs parcelctl with the stack's config; returns exit code, output in `out`.
  int parcelctl(const std::vector<std::string>& args, std::string* out = nullptr);

  response call(const std::string& method, const std::string& target, const std::string& key,
                const std::string& body = {}, header_list headers = {});
  response sim(const std::string& method, const std::string& target, const std::string& body = {});

  void start_gateway();
  void kill_gateway(int sig);  // and wait for it
  process& gateway() { return *gateway_; }
  std::string gateway_log() const;

 private:
  stack_options options_;
  std::filesystem::path dir_;
  std::unique_ptr<process> sim_, gateway_;
  std::string sim_url_, gateway_url_;
  std::filesystem::path config_;
};

// A valid shipment body for the carrier ("colissimo" home or "mondialrelay" pickup_point).
std::string shipment_body(const std::string& carrier, const std::string& reference = "order-1");

}  // namespace pgtest
