#pragma once
// A test double of carriers::call for adapter tests: answers each exchange from a handler and
// records it, and repeats idempotent requests as their retry_policy says, the way the core's
// carriers::carrier_call does, but without waiting: the waits it would have made are recorded
// instead, so tests of an adapter's retries never sleep. The core's own retry loop (real timer,
// deadline, metrics) is tested in tests/adapters/carrier_call_retry_test.cpp.

#include <chrono>
#include <functional>
#include <utility>
#include <vector>

#include "gateway/carriers/adapter.hpp"

namespace parcelgate::adapter_testing {

class fake_call : public carriers::call {
 public:
  using handler =
      std::function<result<carriers::outbound_response>(const carriers::outbound_request&)>;
  explicit fake_call(handler h) : handler_(std::move(h)) {}

  carriers::task<result<carriers::outbound_response>> send(
      carriers::outbound_request request) override {
    ++requests;
    const int exchanges = request.max_exchanges();
    for (int n = 1;; ++n) {
      if (n > 1) waits.push_back(request.retry.delay_before(n));
      sent.push_back(request);
      auto answer = handler_(sent.back());
      if (n == exchanges || !request.retry.retries(answer)) co_return answer;
    }
  }

  std::vector<carriers::outbound_request> sent;  // every exchange, retries included
  std::vector<std::chrono::milliseconds> waits;  // the waits carrier_call would have made
  int requests = 0;                              // send() calls (an adapter's own requests)

 private:
  handler handler_;
};

}  // namespace parcelgate::adapter_testing
