#pragma once
// Prometheus metrics kept in process: HTTP requests by route and status with latency
// histograms, carrier calls by carrier/operation/outcome with latency, durable store writes
// with latency, and plain counters.
// Recording is lock-free for routes (slots are created once at start-up); render() produces the
// text exposition format. Thread-safe.

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <initializer_list>
#include <string>
#include <string_view>

namespace parcelgate::telemetry {

class histogram {
 public:
  static constexpr std::array<double, 16> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                 0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                                 1,      2.5,     5,      10};
  void observe(double seconds) noexcept;
  void render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

// One served route ("GET /v1/shipments/{id}").
class route_metrics {
 public:
  void observe(int status, double seconds) noexcept;
  void render(std::string& out, std::string_view method, std::string_view route) const;
  void render_latency(std::string& out, std::string_view labels) const {
    latency_.render(out, "parcelgate_http_request_duration_seconds", labels);
  }

 private:
  std::array<std::atomic<std::uint64_t>, 600> by_status_{};
  histogram latency_;
};

// Prometheus label text `a="x",b="y"`, values escaped (backslash, quote, newline) as the text
// format requires: label values may come from carriers (status codes) and must not break it.
std::string metric_labels(
    std::initializer_list<std::pair<std::string_view, std::string_view>> labels);

class metrics {
 public:
  // Returns the slot of a route; call once per route at start-up, keep the pointer.
  route_metrics* route(std::string_view method, std::string_view pattern);
  // One HTTP exchange with a carrier ("create_label", "fetch_label"...).
  void observe_carrier_call(std::string_view carrier, std::string_view operation,
                            std::string_view outcome, double seconds);
  // One whole adapter operation ("purchase": every exchange it made, retries included). Kept
  // apart from the exchanges so that neither metric counts a call twice.
  void observe_carrier_operation(std::string_view carrier, std::string_view operation,
                                 std::string_view outcome, double seconds);
  // Durable store writes of the purchase flow, from queueing to the resumed caller (group
  // commit included), by operation: one of kDurableWrites (others are ignored). Lock-free.
  static constexpr std::array<std::string_view, 5> kDurableWrites{"claim", "complete", "abandon",
                                                                  "pending", "update"};
  void observe_durable_write(std::string_view operation, double seconds) noexcept;
  void add(std::string_view counter, std::string_view labels = {}, std::uint64_t n = 1);
  // A value that goes up and down (a queue's depth), rendered as a gauge.
  void set_gauge(std::string_view gauge, double value);
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::deque<std::pair<std::pair<std::string, std::string>, route_metrics>> routes_;
  std::map<std::string, std::pair<std::uint64_t, histogram>, std::less<>>
      carrier_calls_;  // key: labels text
  std::map<std::string, std::pair<std::uint64_t, histogram>, std::less<>> carrier_operations_;
  std::array<histogram, kDurableWrites.size()> durable_writes_;  // by kDurableWrites
  std::map<std::string, std::uint64_t, std::less<>> counters_;   // key: name{labels}
  std::map<std::string, double, std::less<>> gauges_;
};

}  // namespace parcelgate::telemetry
