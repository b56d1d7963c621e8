#include "gateway/carriers/registry.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/carriers/http_client.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace parcelgate::carriers {

std::expected<registry, std::vector<config::problem>> registry::build(
    std::span<const adapter_entry> builtins, const std::vector<config::carrier_config>& carriers) {
  std::vector<config::problem> problems;
  registry out;
  std::string known;
  for (const auto& b : builtins) known += (known.empty() ? "" : ", ") + std::string(b.id);
  for (const auto& c : carriers) {
    const std::string path = "carriers." + c.id;
    const adapter_entry* entry = nullptr;
    for (const auto& b : builtins)
      if (b.id == c.id) entry = &b;
    if (!entry) {
      problems.push_back(config::problem{
          .path = path, .message = "unknown carrier (built in: " + known + ")", .line = 0});
      continue;
    }
    if (!c.enabled) continue;
    auto adapter = entry->make();
    auto schema = adapter->settings_schema();
    carrier_settings settings;
    auto line_of = [&](std::string_view key) {
      auto it = c.lines.find(key);
      return it == c.lines.end() ? 0 : it->second;
    };
    for (const auto& [key, value] : c.settings) {
      bool known_key = false;
      for (const auto& s : schema) known_key = known_key || s.key == key;
      if (!known_key) {
        std::string allowed = "enabled, timeout_s";
        for (const auto& s : schema) allowed += ", " + s.key;
        problems.push_back(config::problem{.path = path + "." + key,
                                           .message = "unknown key (allowed: " + allowed + ")",
                                           .line = line_of(key)});
      }
    }
    for (const auto& s : schema) {
      auto it = c.settings.find(s.key);
      if (it != c.settings.end() && !it->second.empty())
        settings[s.key] = it->second;
      else if (s.required)
        problems.push_back(config::problem{.path = path + "." + s.key,
                                           .message = "is required (" + s.description + ")",
                                           .line = 0});
      else
        settings[s.key] = s.default_value;
    }
    for (const auto& fe : adapter->configure(settings))
      problems.push_back(config::problem{.path = fe.field.empty() ? path : path + "." + fe.field,
                                         .message = fe.message,
                                         .line = line_of(fe.field)});
    out.carriers_.push_back(configured_carrier{
        .adapter = std::move(adapter), .timeout = c.timeout, .settings = settings});
  }
  if (!problems.empty()) return std::unexpected(std::move(problems));
  return out;
}

const configured_carrier* registry::find(std::string_view id) const noexcept {
  for (const auto& c : carriers_)
    if (c.adapter->id() == id) return &c;
  return nullptr;
}

std::vector<std::string> registry::ids() const {
  std::vector<std::string> out;
  for (const auto& c : carriers_) out.emplace_back(c.adapter->id());
  return out;
}

task<result<outbound_response>> carrier_call::send(outbound_request request) {
  const int exchanges = request.max_exchanges();
  if (exchanges == 1) co_return co_await exchange(std::move(request));
  const std::string operation = request.operation.empty() ? "call" : request.operation;
  for (int n = 1;; ++n) {
    auto response = co_await exchange(request);
    if (n == exchanges || !request.retry.retries(response)) co_return response;
    // A failure that used up the deadline ends the operation; so does a wait that would end past
    // it.
    const auto delay = request.retry.delay_before(n + 1);
    if (std::chrono::steady_clock::now() + delay >= deadline_) co_return response;
    metrics_.add("parcelgate_carrier_retries_total",
                 "carrier=\"" + std::string(carrier_) + "\",operation=\"" + operation + "\"");
    if (delay.count() > 0) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
      co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
  }
}

task<result<outbound_response>> carrier_call::exchange(outbound_request request) {
  const auto started = std::chrono::steady_clock::now();
  std::string operation = request.operation.empty() ? "call" : request.operation;
  auto response = co_await client_.send(std::move(request), deadline_);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string_view outcome;
  if (response) {
    int s = response->status;
    outcome = s < 300 ? "ok" : s < 500 ? (s == 429 ? "http_429" : "http_4xx") : "http_5xx";
  } else if (response.error().carrier_code == "circuit_open") {
    outcome = "circuit_open";  // refused locally: the carrier was not called
  } else {
    outcome = to_string(response.error().kind);
  }
  metrics_.observe_carrier_call(carrier_, operation, outcome, seconds);
  co_return response;
}

}  // namespace parcelgate::carriers
