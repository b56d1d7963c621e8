#pragma once
// Delivers webhook events (docs/webhooks.md). A leased duty (domain/duties.hpp): one instance at
// a time runs it, so several gateways on one PostgreSQL database never send an event twice while
// the duty stays put; when it moves (its holder died, or a pass outlived the lease) an event may
// be sent again, always with the same webhook-id. Each pass reads the deliveries due now, sends
// them with at most `concurrency_per_endpoint` attempts in flight per endpoint, and records every
// attempt before the next pass: 2xx delivered; 410 disables the endpoint; anything else (3xx
// included: redirects are not followed) is retried with exponential backoff and jitter until the
// delivery is `max_age` old, then given up. A crash between the send and its record sends it
// again (at least once).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <random>

#include "gateway/config/config.hpp"
#include "gateway/store/webhooks.hpp"

namespace parcelgate::store {
class async_store;
}
namespace parcelgate::telemetry {
class metrics;
}

namespace parcelgate::webhooks {

class sender;

// Delay before attempt `failed + 1` after `failed` failed attempts (1, 2, ...): retry_base doubled
// per failure, capped at retry_max, then drawn uniformly from its upper half (jitter).
std::chrono::milliseconds backoff(int failed, const config::webhooks_config& cfg,
                                  std::mt19937_64& rng);

// What follows an attempt of `d` that ended at `now_ms` with `status` (0: no answer) and `error`:
// the record to write, with the next state (delivered, retry at next_attempt_ms, failed, disabled).
// A Retry-After of `retry_after_s` seconds (429, 503...) delays the next attempt that long at
// least (retry_max at most). A delivery given up also disables its endpoint.
store::webhook_attempt_outcome next_step(const store::webhook_delivery& d, int status,
                                         const std::string& error, std::int64_t duration_ms,
                                         std::int64_t now_ms, const config::webhooks_config& cfg,
                                         std::mt19937_64& rng, int retry_after_s = 0);

class dispatcher {
 public:
  dispatcher(store::async_store& db, sender& out, telemetry::metrics& metrics,
             config::webhooks_config cfg);

  // A run of the duty: passes over what is due, back to back while a backlog lasts (2 s at
  // most).
  boost::asio::awaitable<void> run_once();
  // One pass: sends what is due, records the outcomes; refreshes the queue gauges every few
  // seconds. True when more was due than the pass took.
  boost::asio::awaitable<bool> pass_once();

  // Forgets finished deliveries older than webhooks.history_d (a leased duty of its own).
  boost::asio::awaitable<void> purge_history();

  // Sends one delivery now and records the outcome (a worker of run_once).
  boost::asio::awaitable<void> deliver(const store::webhook_delivery& d);

 private:
  store::async_store& db_;
  sender& out_;
  telemetry::metrics& metrics_;
  config::webhooks_config cfg_;
  std::mt19937_64 rng_;
  std::chrono::steady_clock::time_point gauges_at_{};
};

}  // namespace parcelgate::webhooks
