#include "gateway/telemetry/metrics.hpp"

#include <cstdio>

namespace parcelgate::telemetry {

std::string metric_labels(
    std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!out.empty()) out += ',';
    out += name;
    out += "=\"";
    for (char c : value) {
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      if (c == '\\' || c == '"') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}


namespace {
std::string format_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
}  // namespace

void histogram::observe(double seconds) noexcept {
  std::size_t i = 0;
  while (i < bounds.size() && seconds > bounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  std::uint64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : ",";
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string le = i < bounds.size() ? format_double(bounds[i]) : "+Inf";
    out += std::string(name) + "_bucket{" + std::string(labels) + sep + "le=\"" + le + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  std::string braces = labels.empty() ? "" : "{" + std::string(labels) + "}";
  out += std::string(name) + "_sum" + braces + " " +
         format_double(static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6) +
         "\n";
  out += std::string(name) + "_count" + braces + " " +
         std::to_string(count_.load(std::memory_order_relaxed)) + "\n";
}

void route_metrics::observe(int status, double seconds) noexcept {
  if (status >= 0 && status < static_cast<int>(by_status_.size()))
    by_status_[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
  latency_.observe(seconds);
}

void route_metrics::render(std::string& out, std::string_view method,
                           std::string_view route) const {
  std::string labels =
      "method=\"" + std::string(method) + "\",route=\"" + std::string(route) + "\"";
  for (std::size_t s = 0; s < by_status_.size(); ++s) {
    auto n = by_status_[s].load(std::memory_order_relaxed);
    if (n)
      out += "parcelgate_http_requests_total{" + labels + ",status=\"" + std::to_string(s) +
             "\"} " + std::to_string(n) + "\n";
  }
}

route_metrics* metrics::route(std::string_view method, std::string_view pattern) {
  std::lock_guard lock(mutex_);
  for (auto& [key, slot] : routes_)
    if (key.first == method && key.second == pattern) return &slot;
  routes_.emplace_back(std::piecewise_construct,
                       std::forward_as_tuple(std::string(method), std::string(pattern)),
                       std::forward_as_tuple());
  return &routes_.back().second;
}

void metrics::observe_carrier_call(std::string_view carrier, std::string_view operation,
                                   std::string_view outcome, double seconds) {
  std::string key = "carrier=\"" + std::string(carrier) + "\",operation=\"" +
                    std::string(operation) + "\",outcome=\"" + std::string(outcome) + "\"";
  std::lock_guard lock(mutex_);
  auto& slot = carrier_calls_[key];
  ++slot.first;
  slot.second.observe(seconds);
}

void metrics::observe_carrier_operation(std::string_view carrier, std::string_view operation,
                                        std::string_view outcome, double seconds) {
  std::string key = "carrier=\"" + std::string(carrier) + "\",operation=\"" +
                    std::string(operation) + "\",outcome=\"" + std::string(outcome) + "\"";
  std::lock_guard lock(mutex_);
  auto& slot = carrier_operations_[key];
  ++slot.first;
  slot.second.observe(seconds);
}

void metrics::observe_durable_write(std::string_view operation, double seconds) noexcept {
  for (std::size_t i = 0; i < kDurableWrites.size(); ++i)
    if (kDurableWrites[i] == operation) return durable_writes_[i].observe(seconds);
}

void metrics::add(std::string_view counter, std::string_view labels, std::uint64_t n) {
  std::string key = std::string(counter) + (labels.empty() ? "" : "{" + std::string(labels) + "}");
  std::lock_guard lock(mutex_);
  counters_[key] += n;
}

void metrics::set_gauge(std::string_view gauge, double value) {
  std::lock_guard lock(mutex_);
  gauges_[std::string(gauge)] = value;
}

std::string metrics::render() const {
  std::string out;
  out.reserve(16 * 1024);
  std::lock_guard lock(mutex_);
  out += "# HELP parcelgate_http_requests_total HTTP requests served, by route and status.\n";
  out += "# TYPE parcelgate_http_requests_total counter\n";
  for (const auto& [key, slot] : routes_) slot.render(out, key.first, key.second);
  out +=
      "# HELP parcelgate_http_request_duration_seconds Time from request read to response ready.\n";
  out += "# TYPE parcelgate_http_request_duration_seconds histogram\n";
  for (const auto& [key, slot] : routes_) {
    std::string labels = "method=\"" + key.first + "\",route=\"" + key.second + "\"";
    slot.render_latency(out, labels);
  }
  out +=
      "# HELP parcelgate_carrier_calls_total Calls to carriers, by carrier, operation and "
      "outcome.\n";
  out += "# TYPE parcelgate_carrier_calls_total counter\n";
  for (const auto& [labels, slot] : carrier_calls_)
    out += "parcelgate_carrier_calls_total{" + labels + "} " + std::to_string(slot.first) + "\n";
  out += "# HELP parcelgate_carrier_call_duration_seconds Carrier call latency.\n";
  out += "# TYPE parcelgate_carrier_call_duration_seconds histogram\n";
  for (const auto& [labels, slot] : carrier_calls_)
    slot.second.render(out, "parcelgate_carrier_call_duration_seconds", labels);
  out +=
      "# HELP parcelgate_carrier_operations_total Adapter operations (each one or more carrier "
      "calls), by outcome.\n";
  out += "# TYPE parcelgate_carrier_operations_total counter\n";
  for (const auto& [labels, slot] : carrier_operations_)
    out +=
        "parcelgate_carrier_operations_total{" + labels + "} " + std::to_string(slot.first) + "\n";
  out +=
      "# HELP parcelgate_carrier_operation_duration_seconds Adapter operation latency, all its "
      "carrier calls included.\n";
  out += "# TYPE parcelgate_carrier_operation_duration_seconds histogram\n";
  for (const auto& [labels, slot] : carrier_operations_)
    slot.second.render(out, "parcelgate_carrier_operation_duration_seconds", labels);
  out +=
      "# HELP parcelgate_store_durable_write_seconds Purchase-flow writes, queued to durable "
      "(group commit).\n";
  out += "# TYPE parcelgate_store_durable_write_seconds histogram\n";
  for (std::size_t i = 0; i < kDurableWrites.size(); ++i)
    durable_writes_[i].render(out, "parcelgate_store_durable_write_seconds",
                              "operation=\"" + std::string(kDurableWrites[i]) + "\"");
  std::string last_name;
  for (const auto& [key, value] : counters_) {
    std::string name = key.substr(0, key.find('{'));
    if (name != last_name) {
      out += "# TYPE " + name + " counter\n";
      last_name = name;
    }
    out += key + " " + std::to_string(value) + "\n";
  }
  for (const auto& [name, value] : gauges_) {
    char number[32];
    std::snprintf(number, sizeof number, "%.17g", value);
    out += "# TYPE " + name + " gauge\n" + name + " " + number + "\n";
  }
  return out;
}

}  // namespace parcelgate::telemetry
