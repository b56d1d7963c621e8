#pragma once
// Circuit breaker of one carrier origin. After `failures` failed calls in a row (no answer, or a
// 5xx answer) the circuit opens: calls fail at once, without reaching the carrier, for `open_for`.
// Then one probe call is let through (half-open): its success closes the circuit, its failure
// opens it again. A carrier that is down thus costs its callers nothing but a fast 503, and is
// not hammered while it recovers. Not thread-safe: the owner serializes calls.

#include <chrono>

namespace parcelgate::carriers {

struct circuit_options {
  int failures = 5;  // consecutive failures that open the circuit; 0 disables the breaker
  std::chrono::milliseconds open_for{10'000};
};

class circuit_breaker {
 public:
  using clock = std::chrono::steady_clock;
  enum class state { closed, open, half_open };

  explicit circuit_breaker(circuit_options options = {}) : options_(options) {}

  struct admission {
    bool allowed = true;
    bool probe = false;                        // this call decides whether the circuit closes
    std::chrono::milliseconds retry_after{0};  // when refused: until a probe may go
  };
  admission admit(clock::time_point now);
  // The outcome of an admitted call.
  void record(bool ok, bool probe, clock::time_point now);
  state current() const noexcept { return state_; }

 private:
  circuit_options options_;
  state state_ = state::closed;
  int consecutive_failures_ = 0;
  clock::time_point opened_at_{};
  bool probe_in_flight_ = false;
};

}  // namespace parcelgate::carriers
