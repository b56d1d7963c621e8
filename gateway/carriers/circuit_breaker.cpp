#include "gateway/carriers/circuit_breaker.hpp"

#include <algorithm>

namespace parcelgate::carriers {

circuit_breaker::admission circuit_breaker::admit(clock::time_point now) {
  if (options_.failures <= 0 || state_ == state::closed) return {};
  if (state_ == state::open) {
    const auto reopen = opened_at_ + options_.open_for;
    if (now < reopen) {
      auto wait = std::chrono::ceil<std::chrono::milliseconds>(reopen - now);
      return {false, false, std::max(wait, std::chrono::milliseconds(1))};
    }
    state_ = state::half_open;
    probe_in_flight_ = false;
  }
  // Half-open: one probe at a time; the others wait for its verdict.
  if (probe_in_flight_) return {false, false, std::chrono::milliseconds(1000)};
  probe_in_flight_ = true;
  return {true, true, std::chrono::milliseconds(0)};
}

void circuit_breaker::record(bool ok, bool probe, clock::time_point now) {
  if (options_.failures <= 0) return;
  if (probe) probe_in_flight_ = false;
  if (ok) {
    consecutive_failures_ = 0;
    if (probe || state_ == state::half_open) state_ = state::closed;
    return;
  }
  if (probe || state_ == state::half_open) {
    state_ = state::open;
    opened_at_ = now;
    return;
  }
  if (state_ == state::closed && ++consecutive_failures_ >= options_.failures) {
    state_ = state::open;
    opened_at_ = now;
    consecutive_failures_ = 0;
  }
}

}  // namespace parcelgate::carriers
