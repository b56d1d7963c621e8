#pragma once
// Fault injection of the carrier simulator, applied around every carrier request:
//   latency_ms + uniform [0, jitter_ms]   before the answer;
//   fail_rate       answer 503 (an HTML error page, as a load balancer would) without handling;
//   timeout_rate    handle the request (a label may be sold), then never answer: the response is
//                   lost, which is the case a gateway must never turn into a second purchase;
//   malformed_rate  handle the request, then send a truncated, unparsable body with status 200.
//   proxy_error_after_sale_rate
//                   handle the request (a label may be sold), then answer 502 with a load
//                   balancer's HTML page, as a front proxy does when the back end's answer fails.
//   busy_rate       answer the carrier's own "temporarily unavailable" error, in its own format,
//                   without handling (Colissimo 500 with SLS message 40015, Mondial Relay STAT 99).
// Thread-safe; settings can change at run time (POST /_sim/faults).

#include <atomic>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace parcelgate::sim {

struct fault_settings {
  int latency_ms = 0;
  int jitter_ms = 0;
  double fail_rate = 0;
  double timeout_rate = 0;
  double malformed_rate = 0;
  double proxy_error_after_sale_rate = 0;
  double busy_rate = 0;
};

enum class fault { none, fail, timeout, malformed, proxy_error_after_sale, busy };

class fault_injector {
 public:
  fault_settings get() const;
  void set(const fault_settings& s);
  // Draws the fault for one request and its delay in milliseconds.
  fault draw(int& delay_ms);
  std::string to_json() const;
  // Applies the JSON fields present in `body`; returns an error message or "".
  std::string apply_json(std::string_view body);

 private:
  mutable std::mutex mutex_;
  fault_settings settings_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace parcelgate::sim
