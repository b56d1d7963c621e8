#pragma once
// The carriers this gateway talks to: built-in adapters, each configured from its
// `carriers.<id>` section, plus the `call` the core lends an adapter for one operation.

#include <chrono>
#include <expected>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "gateway/carriers/adapter.hpp"
#include "gateway/config/config.hpp"

namespace parcelgate::telemetry {
class metrics;
}

namespace parcelgate::carriers {

class http_client;

struct adapter_entry {
  std::string_view id;
  adapter_factory make;
};

struct configured_carrier {
  std::unique_ptr<carrier_adapter> adapter;
  std::chrono::milliseconds timeout{15'000};
  carrier_settings settings{};  // as validated (defaults applied); secrets included
};

class registry {
 public:
  // Creates and configures every carrier of the config that is enabled. Unknown carrier ids,
  // unknown or missing keys and invalid values are all reported, with their config paths.
  static std::expected<registry, std::vector<config::problem>> build(
      std::span<const adapter_entry> builtins, const std::vector<config::carrier_config>& carriers);

  // nullptr when the carrier is unknown or not enabled.
  const configured_carrier* find(std::string_view id) const noexcept;
  const std::vector<configured_carrier>& all() const noexcept { return carriers_; }
  std::vector<std::string> ids() const;

 private:
  std::vector<configured_carrier> carriers_;
};

// The `call` given to adapters: sends through the shared http_client within one deadline,
// repeats idempotent requests as their retry_policy says (waiting on a timer of the calling
// coroutine's executor, never past the deadline), and records every exchange in metrics
// (carrier, operation, outcome, latency) plus each retry in parcelgate_carrier_retries_total.
class carrier_call final : public call {
 public:
  carrier_call(http_client& client, telemetry::metrics& metrics, std::string_view carrier,
               std::chrono::steady_clock::time_point deadline)
      : client_(client), metrics_(metrics), carrier_(carrier), deadline_(deadline) {}

  task<result<outbound_response>> send(outbound_request request) override;

 private:
  task<result<outbound_response>> exchange(outbound_request request);  // one HTTP exchange

  http_client& client_;
  telemetry::metrics& metrics_;
  std::string_view carrier_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace parcelgate::carriers
