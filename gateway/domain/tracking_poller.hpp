#pragma once
// Polls the carriers for the scans of active shipments (DESIGN §4), as a leased duty: one
// instance at a time runs the rounds, and each round claims what is due in the store
// (async_store::claim_due_polls), so that no parcel is ever polled from two places at once even
// while a lease changes hands.
//
// A round, for each carrier whose adapter polls (caps().tracking_poll):
// - it claims at most what the carrier's published rate allows in the round (batches of
//   caps().tracking_batch numbers, caps().tracking_requests_per_s requests a second, or
//   kDefaultRequestsPerSecond when the carrier publishes none) and sends each request at its
//   own slot, one every 1/rate with up to 20% jitter, carried over from round to round, so no
//   second ever holds more than the rate; requests run concurrently, so a slow carrier still
//   gets its full rate;
// - each batch's events are applied through tracking_service (merge, compare-and-set);
// - each shipment gets its next poll (next_poll_in_ms: sooner when out for delivery, later when
//   idle or waiting at a point, never again once final or older than tracking.max_age_days);
// - a failed request (rate limited, carrier down) puts its shipments back after a backoff and
//   pauses the carrier for that backoff, doubling up to 5 minutes while failures go on.
// Carriers are polled concurrently; one carrier's slowness never delays another's.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "gateway/domain/tracking.hpp"

namespace parcelgate {

namespace store {
class async_store;
}
namespace carriers {
class registry;
class http_client;
struct configured_carrier;
}  // namespace carriers
namespace telemetry {
class metrics;
}
class tracking_service;

struct poll_schedule {
  std::chrono::milliseconds first_poll_after{600'000};
  std::chrono::milliseconds interval{1'800'000};
  int max_age_days = 60;
};

// When to poll one shipment next, in ms from now, given its status after this poll, its age,
// how long nothing new was found, and whether the carrier did not know it (`misses` in a row);
// below 0: stop polling it. `unit` in [0, 1) draws the jitter (±10%).
std::int64_t next_poll_in_ms(const poll_schedule& schedule, tracking_status status,
                             std::int64_t age_ms, std::int64_t idle_ms, int misses,
                             double unit) noexcept;

class tracking_poller {
 public:
  static constexpr double kDefaultRequestsPerSecond = 5;

  tracking_poller(store::async_store& db, const carriers::registry& carriers,
                  carriers::http_client& client, tracking_service& tracking,
                  telemetry::metrics& metrics, poll_schedule schedule)
      : db_(db),
        carriers_(carriers),
        client_(client),
        tracking_(tracking),
        metrics_(metrics),
        schedule_(schedule) {}

  // One round of about `round` (the duty's period): returns how many shipments were polled.
  boost::asio::awaitable<int> run_round(std::chrono::milliseconds round);

  // The parts of a round (internal; public for the coroutine helpers of the .cpp).
  struct carrier_round;
  boost::asio::awaitable<int> poll_carrier(const carriers::configured_carrier* carrier,
                                           std::chrono::milliseconds round);
  boost::asio::awaitable<void> poll_batch(carrier_round* round, std::size_t batch);

 private:
  struct carrier_state {
    std::chrono::steady_clock::time_point paused_until{};
    int failures = 0;                                   // failed requests in a row
    std::chrono::steady_clock::time_point next_slot{};  // the carrier's next free request slot
  };
  std::chrono::milliseconds note_failure(const std::string& carrier);
  void note_success(const std::string& carrier);
  bool paused(const std::string& carrier);

  store::async_store& db_;
  const carriers::registry& carriers_;
  carriers::http_client& client_;
  tracking_service& tracking_;
  telemetry::metrics& metrics_;
  poll_schedule schedule_;
  std::mutex state_mutex_;
  std::map<std::string, carrier_state, std::less<>> state_;
};

}  // namespace parcelgate
