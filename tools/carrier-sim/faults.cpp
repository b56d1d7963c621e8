#include "tools/carrier-sim/faults.hpp"

#include <boost/json.hpp>

namespace parcelgate::sim {

fault_settings fault_injector::get() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void fault_injector::set(const fault_settings& s) {
  std::lock_guard lock(mutex_);
  settings_ = s;
}

fault fault_injector::draw(int& delay_ms) {
  std::lock_guard lock(mutex_);
  delay_ms = settings_.latency_ms;
  if (settings_.jitter_ms > 0)
    delay_ms += std::uniform_int_distribution<int>(0, settings_.jitter_ms)(rng_);
  double x = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (x < settings_.fail_rate) return fault::fail;
  x -= settings_.fail_rate;
  if (x < settings_.timeout_rate) return fault::timeout;
  x -= settings_.timeout_rate;
  if (x < settings_.malformed_rate) return fault::malformed;
  x -= settings_.malformed_rate;
  if (x < settings_.proxy_error_after_sale_rate) return fault::proxy_error_after_sale;
  x -= settings_.proxy_error_after_sale_rate;
  if (x < settings_.busy_rate) return fault::busy;
  return fault::none;
}

std::string fault_injector::to_json() const {
  auto s = get();
  return boost::json::serialize(
      boost::json::object{{"latency_ms", s.latency_ms},
                          {"jitter_ms", s.jitter_ms},
                          {"fail_rate", s.fail_rate},
                          {"timeout_rate", s.timeout_rate},
                          {"malformed_rate", s.malformed_rate},
                          {"proxy_error_after_sale_rate", s.proxy_error_after_sale_rate},
                          {"busy_rate", s.busy_rate}});
}

std::string fault_injector::apply_json(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return "body must be a JSON object";
  auto s = get();
  for (const auto& kv : v.as_object()) {
    const auto& val = kv.value();
    double num = val.is_int64()    ? static_cast<double>(val.as_int64())
                 : val.is_double() ? val.as_double()
                                   : -1;
    if (num < 0) return std::string(kv.key()) + " must be a non-negative number";
    if (kv.key() == "latency_ms")
      s.latency_ms = static_cast<int>(num);
    else if (kv.key() == "jitter_ms")
      s.jitter_ms = static_cast<int>(num);
    else if (kv.key() == "fail_rate" && num <= 1)
      s.fail_rate = num;
    else if (kv.key() == "timeout_rate" && num <= 1)
      s.timeout_rate = num;
    else if (kv.key() == "malformed_rate" && num <= 1)
      s.malformed_rate = num;
    else if (kv.key() == "proxy_error_after_sale_rate" && num <= 1)
      s.proxy_error_after_sale_rate = num;
    else if (kv.key() == "busy_rate" && num <= 1)
      s.busy_rate = num;
    else
      return "unknown or out-of-range field " + std::string(kv.key());
  }
  if (s.fail_rate + s.timeout_rate + s.malformed_rate + s.proxy_error_after_sale_rate +
          s.busy_rate >
      1)
    return "the rates must add up to at most 1";
  set(s);
  return {};
}

}  // namespace parcelgate::sim
